import Foundation
import Kontinuitet

/// Exit statuses (README, "What it writes").
enum ExitStatus: Int32 {
    case success = 0
    case usage = 1
    case badInput = 2
    case rejectedRowsUnderStrict = 3
    /// The run has no result (no user measured, no form row compiled, no performed time): a nightly batch must
    /// notice, and a provider must not send an empty form.
    case noResult = 4
}

/// Output to the terminal: results on stdout, progress and messages on stderr.
enum Console {
    /// Writes a line to stderr.
    static func error(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    /// Writes a line to stdout.
    static func out(_ message: String) {
        FileHandle.standardOutput.write(Data((message + "\n").utf8))
    }

    /// `text` broken into lines of at most `width` characters at spaces (a longer word stands alone).
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += line.isEmpty ? String(word) : " " + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    /// A progress reporter that prefixes the command name, silent when `quiet`.
    static func progress(_ command: String, quiet: Bool) -> (String) -> Void {
        quiet ? { _ in } : { message in error("kontinuitet \(command): \(message)") }
    }
}

/// A command: its options, help, and what it does with parsed arguments.
protocol Command: Sendable {
    static var name: String { get }
    static var summary: String { get }
    static var options: [OptionSpec] { get }
    static var details: String { get }
    static func run(_ arguments: ParsedArguments) throws -> ExitStatus
}

extension Command {
    static var details: String { "" }

    static var help: String {
        ParsedArguments.help(command: name, summary: summary, options: options, details: details)
    }
}
