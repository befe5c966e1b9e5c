import Foundation
import Kontinuitet

/// `kontinuitet compile`: the city's results from the providers' Kolada forms (docs/compile-validate.md).
enum CompileCommand: Command {
    static let name = "compile"
    static let summary = """
        Compiles the providers' Kolada forms into results for the city, provider types, districts, providers and \
        units (user-weighted), the feedback to each provider, the missing forms and kolada.json.
        """
    static let options: [OptionSpec] = [
        OptionSpec("--forms", .multiple(valueName: "FILE"), required: true, help: "Kolada forms (CSV)"),
        OptionSpec("--providers", .single(valueName: "FILE"), help: "provider register (types, districts, changes)"),
        OptionSpec("--out", .single(valueName: "DIR"), help: "output directory (default: out)"),
        OptionSpec("--sheet", .single(valueName: "NAME"), help: "the worksheet of .xlsx inputs (default: the first)"),
        OptionSpec("--period-start", .single(valueName: "YYYY-MM-DD"), help: "first day of the period"),
        OptionSpec("--year", .single(valueName: "YYYY"), help: "measurement year (period: ISO weeks 36–37)"),
        OptionSpec("--trend", .flag, help: "compile the forms of every year side by side (trend.csv)"),
        OptionSpec("--municipality", .single(valueName: "CODE"), help: "municipality code for kolada.json (1480)"),
        OptionSpec("--min-users", .single(valueName: "N"), help: "report shows 'för få' below N users (5)"),
        OptionSpec(
            "--rejected-rows", .single(valueName: "FILE"),
            help: "also write the rejected form rows as read to FILE (private, mode 0600; outside --out)"),
        OptionSpec("--strict", .flag, help: "exit 3 when any form row is rejected"),
        OptionSpec("--quiet", .flag, help: "no summary on stderr"),
    ]
    static let details = """
        Outputs: results.csv/.xlsx, feedback.csv, missing_forms.csv, kolada.json, report.html, rejected.csv;
        with --trend also trend.csv. All are shareable, and checked for personnummer before they are put in place. Rows of another period than the compile's are rejected (other_period).
        The rules (levels, unit changes, missing forms): docs/compile-validate.md.
        Exit status: 0 done, 1 usage error, 2 input that cannot be processed, 3 rejected rows with --strict,
        4 no result (no form row compiled).
        """

    static func run(_ arguments: ParsedArguments) throws -> ExitStatus {
        var options = CompileOptions()
        options.periodStart = try arguments.date("--period-start")
        options.year = try arguments.integer("--year", in: 1900...2200)
        options.municipality = arguments.value("--municipality") ?? options.municipality
        options.trend = arguments.flag("--trend")
        // The output directory is checked before any input is read.
        let directory = try OutputDirectory(path: arguments.value("--out") ?? "out")
        if let path = arguments.value("--rejected-rows") {
            try PrivateFile.refuseInside(path, outputDirectory: directory.path, option: "--rejected-rows")
        }
        let register = try arguments.value("--providers").map { try ProviderRegister.load(path: $0) }
        let result = try Compile.run(forms: arguments.values("--forms"), register: register, options: options)
        var outputOptions = CompileOutputOptions()
        outputOptions.minUsersForReport = try arguments.integer("--min-users", in: 0...1_000_000) ?? 5
        outputOptions.rejectedRowsPath = arguments.value("--rejected-rows")
        outputOptions.inputPaths = arguments.values("--forms") + arguments.values("--providers")
        let written = try CompileOutputs.write(result, to: directory, options: outputOptions)
        if !arguments.flag("--quiet") {
            Console.error(CompileOutputs.summary(result))
            Console.error("wrote \(written.files.count) files to \(directory.path)")
        }
        if result.rowsUsed == 0 {
            Console.error(
                "kontinuitet compile: no result: no form row could be compiled (\(result.rowsRead) rows read, "
                    + "\(result.rejectedRows.count) rejected); see rejected.csv")
            return .noResult
        }
        if arguments.flag("--strict") && !result.rejectedRows.isEmpty {
            Console.error(
                "kontinuitet compile: \(result.rejectedRows.count) rows rejected (--strict); see rejected.csv")
            return .rejectedRowsUnderStrict
        }
        return .success
    }
}

/// `kontinuitet validate`: a provider's self-check of its form before sending it.
enum ValidateCommand: Command {
    static let name = "validate"
    static let summary = """
        Checks Kolada forms before they are sent: every problem with file and line; exit status 3 when a form \
        would be wrong, 0 when there are only warnings.
        """
    static let options: [OptionSpec] = [
        OptionSpec("--forms", .multiple(valueName: "FILE"), required: true, help: "Kolada forms (CSV)"),
        OptionSpec("--providers", .single(valueName: "FILE"), help: "provider register (known provider ids)"),
        OptionSpec("--period-start", .single(valueName: "YYYY-MM-DD"), help: "the period the forms must be for"),
        OptionSpec("--year", .single(valueName: "YYYY"), help: "the measurement year (ISO weeks 36–37)"),
        OptionSpec("--out", .single(valueName: "DIR"), help: "also write validation.csv there"),
        OptionSpec("--sheet", .single(valueName: "NAME"), help: "the worksheet of .xlsx inputs (default: the first)"),
    ]
    static let details = """
        Errors: more than 150 users, a löpnummer twice, a staff count missing/not whole/zero/over 60, a provider \
        not in the register, a personnummer or name anywhere, a form for another period.
        Warnings: over 35 staff, fewer than 5 users, a löpnummer that is not a number. See docs/compile-validate.md.
        """

    static func run(_ arguments: ParsedArguments) throws -> ExitStatus {
        let register = try arguments.value("--providers").map { try ProviderRegister.load(path: $0) }
        var period = try arguments.date("--period-start").map { PeriodWindow(start: $0) }
        if period == nil, let year = try arguments.integer("--year", in: 1900...2200) {
            period = PeriodWindow.kolada(year: year)
        }
        let problems = try FormValidation.validate(
            forms: arguments.values("--forms"), register: register, period: period)
        for problem in problems { Console.out(problem.description) }
        let errors = problems.filter { $0.severity == .error }.count
        Console.error(
            "kontinuitet validate: \(arguments.values("--forms").count) forms, \(errors) errors, "
                + "\(problems.count - errors) warnings" + (errors > 0 ? " — do not send the form as it is" : ""))
        if let out = arguments.value("--out") {
            let directory = try OutputDirectory(path: out)
            var csv = "file,line,severity,code,message\n"
            for p in problems {
                let message = p.message.replacingOccurrences(of: "\"", with: "\"\"")
                csv += "\"\(p.file)\",\(p.line),\(p.severity.rawValue),\(p.code),\"\(message)\"\n"
            }
            try directory.write("validation.csv", text: csv)
            try directory.commit()
        }
        return errors > 0 ? .rejectedRowsUnderStrict : .success
    }
}
