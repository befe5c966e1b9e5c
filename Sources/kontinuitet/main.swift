import Foundation
import Kontinuitet

/// The commands, in the order `kontinuitet --help` lists them.
enum Commands {
    static let all: [any Command.Type] = [
        MeasureCommand.self, TimeReportCommand.self, CompileCommand.self, ValidateCommand.self,
    ]
}

func usage() -> String {
    var lines = [
        "kontinuitet \(Kontinuitet.version): personalkontinuitet in home care by the Kolada/RKA method", "",
        "USAGE: kontinuitet <command> [options]", "", "COMMANDS:",
    ]
    for command in Commands.all {
        // The whole summary, wrapped under the command's name (a summary's first dot may be a file name's).
        let wrapped = Console.wrap(command.summary, width: 100)
        for (index, line) in wrapped.enumerated() {
            let name = index == 0 ? command.name : ""
            lines.append("  \(name.padding(toLength: 14, withPad: " ", startingAt: 0))\(line)")
        }
    }
    lines += ["", "Run 'kontinuitet <command> --help' for the options of a command."]
    return lines.joined(separator: "\n")
}

func main() -> ExitStatus {
    CrashGuard.install()
    var arguments = Array(CommandLine.arguments.dropFirst())
    guard let name = arguments.first else {
        Console.error(usage())
        return .usage
    }
    arguments.removeFirst()
    if name == "--help" || name == "-h" || name == "help" {
        Console.out(usage())
        return .success
    }
    if name == "--version" {
        Console.out(Kontinuitet.version)
        return .success
    }
    guard let command = Commands.all.first(where: { $0.name == name }) else {
        Console.error("kontinuitet: \(UsageError.unknownCommand(name))\n\n\(usage())")
        return .usage
    }
    do {
        let parsed = try ParsedArguments.parse(arguments, options: command.options)
        if parsed.flag("--help") {
            Console.out(command.help)
            return .success
        }
        // Every importer of the run reads the worksheet --sheet names (each command has the option).
        return try InputOptions.$sheet.withValue(parsed.value("--sheet")) { try command.run(parsed) }
    } catch let error as UsageError {
        Console.error("kontinuitet \(name): \(error)\nRun 'kontinuitet \(name) --help' for usage.")
        return .usage
    } catch let error as InputError where error.isNoResult {
        Console.error("kontinuitet \(name): \(error)")
        return .noResult
    } catch let error as InputError {
        Console.error("kontinuitet \(name): \(error)")
        return .badInput
    } catch let error as OutputError {
        Console.error("kontinuitet \(name): \(error)")
        return .badInput
    } catch {
        Console.error("kontinuitet \(name): \(error)")
        return .badInput
    }
}

exit(main().rawValue)
