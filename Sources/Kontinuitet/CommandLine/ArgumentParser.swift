/// A usage error: the command line itself is wrong. The CLI prints it with the command's usage and exits 1.
package enum UsageError: Error, CustomStringConvertible, Equatable {
    /// An option the command does not have, with the closest one it does have when one is close.
    case unknownOption(String, suggestion: String? = nil)
    case missingValue(option: String)
    case missingRequired(option: String)
    case invalidValue(option: String, value: String, expected: String)
    case unexpectedArgument(String)
    case unknownCommand(String)

    package var description: String {
        switch self {
        case .unknownOption(let option, let suggestion):
            return "unknown option '\(option)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? "")
        case .missingValue(let option): return "option '\(option)' needs a value"
        case .missingRequired(let option): return "option '\(option)' is required"
        case .invalidValue(let option, let value, let expected):
            return "option '\(option)': '\(value)' is not \(expected)"
        case .unexpectedArgument(let argument): return "unexpected argument '\(argument)'"
        case .unknownCommand(let command): return "unknown command '\(command)'"
        }
    }
}

/// One option a command accepts.
package struct OptionSpec: Sendable {
    package enum Kind: Sendable {
        /// `--keep-ids`
        case flag
        /// `--out DIR`
        case single(valueName: String)
        /// `--visits F...`: every following argument up to the next option; may also be repeated.
        case multiple(valueName: String)
    }

    package let name: String
    package let kind: Kind
    package let help: String
    package let required: Bool

    package init(_ name: String, _ kind: Kind, required: Bool = false, help: String) {
        self.name = name
        self.kind = kind
        self.help = help
        self.required = required
    }
}

/// What a command line says, after parsing against a command's options.
package struct ParsedArguments: Sendable {
    private var values: [String: [String]] = [:]
    private var flags: Set<String> = []

    /// True when the flag was given.
    package func flag(_ name: String) -> Bool { flags.contains(name) }
    /// The value of a single-valued option.
    package func value(_ name: String) -> String? { values[name]?.last }
    /// Every value of a multi-valued option, in order.
    package func values(_ name: String) -> [String] { values[name] ?? [] }

    /// An integer option within `range`.
    package func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = value(name) else { return nil }
        guard let number = Int(text), range.contains(number) else {
            throw UsageError.invalidValue(
                option: name, value: text, expected: "a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// A date option `YYYY-MM-DD`.
    package func date(_ name: String) throws -> CivilDate? {
        guard let text = value(name) else { return nil }
        guard let date = CivilDate(parsing: text) else {
            throw UsageError.invalidValue(option: name, value: text, expected: "a date YYYY-MM-DD")
        }
        return date
    }

    /// Parses `arguments` (without the command name) against `options`.
    ///
    /// Accepts `--name value`, `--name=value`, and for multi-valued options `--name a b c`. `--help`/`-h` is
    /// recorded as the flag `--help` whatever the command.
    package static func parse(_ arguments: [String], options: [OptionSpec]) throws -> ParsedArguments {
        var parsed = ParsedArguments()
        var index = 0
        let byName = Dictionary(options.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        while index < arguments.count {
            var argument = arguments[index]
            index += 1
            if argument == "--help" || argument == "-h" {
                parsed.flags.insert("--help")
                continue
            }
            guard argument.hasPrefix("--") else { throw UsageError.unexpectedArgument(argument) }
            var inlineValue: String?
            if let equals = argument.firstIndex(of: "=") {
                inlineValue = String(argument[argument.index(after: equals)...])
                argument = String(argument[..<equals])
            }
            guard let spec = byName[argument] else {
                throw UsageError.unknownOption(argument, suggestion: closest(to: argument, among: options.map(\.name)))
            }
            switch spec.kind {
            case .flag:
                if inlineValue != nil { throw UsageError.unexpectedArgument(arguments[index - 1]) }
                parsed.flags.insert(argument)
            case .single:
                if let inlineValue {
                    parsed.values[argument, default: []].append(inlineValue)
                } else {
                    guard index < arguments.count, !arguments[index].hasPrefix("--") else {
                        throw UsageError.missingValue(option: argument)
                    }
                    parsed.values[argument, default: []].append(arguments[index])
                    index += 1
                }
            case .multiple:
                var taken = 0
                if let inlineValue {
                    parsed.values[argument, default: []].append(inlineValue)
                    taken += 1
                }
                while index < arguments.count, !arguments[index].hasPrefix("--") {
                    parsed.values[argument, default: []].append(arguments[index])
                    index += 1
                    taken += 1
                }
                if taken == 0 { throw UsageError.missingValue(option: argument) }
            }
        }
        if !parsed.flags.contains("--help") {
            for spec in options where spec.required && parsed.values[spec.name] == nil {
                throw UsageError.missingRequired(option: spec.name)
            }
        }
        return parsed
    }

    /// The option closest to a misspelt `name` (`--visit` → `--visits`): the one with the fewest single-character
    /// edits, when at most two or a third of the name, or one that the name is a prefix of; nil when none is close.
    static func closest(to name: String, among candidates: [String]) -> String? {
        let prefixed = candidates.filter { $0.hasPrefix(name) && name.count > 3 }
        if prefixed.count == 1 { return prefixed[0] }
        let scored = candidates.map { ($0, editDistance(name, $0)) }
        guard let best = scored.min(by: { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }) else { return nil }
        return best.1 <= max(2, name.count / 3) ? best.0 : nil
    }

    /// The Levenshtein distance between two strings, by characters.
    ///
    /// - Complexity: O(a × b).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...max(1, b.count) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }

    /// The help text of a command: usage line, description, and one line per option.
    package static func help(command: String, summary: String, options: [OptionSpec], details: String = "") -> String {
        var lines = ["USAGE: kontinuitet \(command) [options]", "", summary, "", "OPTIONS:"]
        for option in options {
            let name: String
            switch option.kind {
            case .flag: name = option.name
            case .single(let valueName): name = "\(option.name) \(valueName)"
            case .multiple(let valueName): name = "\(option.name) \(valueName)..."
            }
            let padded = name.count < 28 ? name + String(repeating: " ", count: 28 - name.count) : name + "  "
            lines.append("  \(padded)\(option.help)\(option.required ? " (required)" : "")")
        }
        lines.append("  --help                      show this help")
        if !details.isEmpty { lines += ["", details] }
        return lines.joined(separator: "\n")
    }
}
