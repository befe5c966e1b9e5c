import Foundation
import Kontinuitet

/// Exit statuses of SPEC §4.
enum ExitStatus: Int32 {
    case success = 0
    case usage = 1
    case badInput = 2
    case rejectedRowsUnderStrict = 3
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
