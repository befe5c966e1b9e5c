import Foundation
import Kontinuitet

/// `kontinuitet measure`: personalkontinuitet per user and provider (docs/method.md).
enum MeasureCommand: Command {
    static let name = "measure"
    static let summary = """
        Counts the distinct staff each home-care user met in the 14-day period, by the Kolada/RKA method, and \
        writes users.csv, providers.csv, the Kolada form per provider, excluded.csv, rejected.csv and report.html, \
        all shareable; the löpnummer key is kept in a private per-user directory, outside the output directory.
        """
    static let options: [OptionSpec] = [
        OptionSpec("--visits", .multiple(valueName: "FILE"), help: "visit logs or performed-time exports (CSV)"),
        OptionSpec("--performed", .multiple(valueName: "FILE"), help: "Phoniro-style performed-time exports (CSV)"),
        OptionSpec("--out", .single(valueName: "DIR"), help: "output directory (default: out)"),
        OptionSpec("--sheet", .single(valueName: "NAME"), help: "the worksheet of .xlsx inputs (default: the first)"),
        OptionSpec("--provider", .single(valueName: "NAME"), help: "the provider of files without a provider column"),
        OptionSpec("--unit", .single(valueName: "NAME"), help: "the unit of files without a unit column"),
        OptionSpec("--period-start", .single(valueName: "YYYY-MM-DD"), help: "first day of the 14-day period"),
        OptionSpec("--year", .single(valueName: "YYYY"), help: "measurement year (period: ISO weeks 36–37)"),
        OptionSpec(
            "--sample", .single(valueName: "METHOD"), help: "every-kth (default), random or all"),
        OptionSpec("--seed", .single(valueName: "N"), help: "seed of --sample random (default 1)"),
        OptionSpec("--sample-cap", .single(valueName: "N"), help: "users sampled per provider (default 150)"),
        OptionSpec(
            "--min-users", .single(valueName: "N"),
            help: "report.html shows \"för få\" for providers with fewer measured users (default 5)"),
        .keepIDs, .key, .rejectedRows,
        OptionSpec("--rolling", .flag, help: "also measure every 14-day window of the data"),
        OptionSpec("--per-user", .flag, help: "with --rolling: write every user's windows (rolling_users.csv)"),
        OptionSpec("--threads", .single(valueName: "N"), help: "worker threads (default: all cores)"),
        OptionSpec("--strict", .flag, help: "exit 3 when any row is rejected"),
        OptionSpec("--quiet", .flag, help: "no progress or summary on stderr"),
    ]
    static let details = """
        The default period is Monday of ISO week 36 to Sunday of ISO week 37 of the year most rows fall in.
        Files may be given as - (standard input); CSV in any common dialect (docs/method.md, "Reading the files").
        Exit status: 0 done, 1 usage error, 2 input that cannot be processed, 3 rejected rows with --strict,
        4 no result (no user measured: the message says why).
        The rules and every choice made where the method is silent: docs/method.md.
        report.html is for publishing: providers with fewer measured users than --min-users show "för få"
        instead of their figures. The CSV files always hold every figure (they are for the analyst).
        Every file in the output directory may be shared (with --keep-ids, those holding user ids may not); the
        key is measure-<year>.csv in $KONTINUITET_KEY_DIR, else $XDG_DATA_HOME/kontinuitet/keys, else
        ~/.local/share/kontinuitet/keys (docs/security.md).
        """

    static func run(_ arguments: ParsedArguments) throws -> ExitStatus {
        let paths = arguments.values("--visits") + arguments.values("--performed")
        guard !paths.isEmpty else { throw UsageError.missingRequired(option: "--visits") }
        var options = MeasureOptions()
        options.periodStart = try arguments.date("--period-start")
        options.year = try arguments.integer("--year", in: 1900...2200)
        let seed = try arguments.integer("--seed", in: 0...Int.max) ?? 1
        switch arguments.value("--sample") ?? "every-kth" {
        case "every-kth": options.sampling = .everyKth
        case "random": options.sampling = .random(seed: UInt64(seed))
        case "all": options.sampling = .all
        case let other:
            throw UsageError.invalidValue(option: "--sample", value: other, expected: "every-kth, random or all")
        }
        options.sampleCap = try arguments.integer("--sample-cap", in: 1...1_000_000) ?? options.sampleCap
        options.threads = try arguments.integer("--threads", in: 1...256) ?? options.threads
        options.rolling = arguments.flag("--rolling")
        options.rollingPerUser = arguments.flag("--per-user")
        if options.rollingPerUser && !options.rolling {
            throw UsageError.invalidValue(option: "--per-user", value: "", expected: "used without --rolling")
        }
        var outputOptions = MeasureOutputOptions()
        outputOptions.keepIDs = arguments.flag("--keep-ids")
        outputOptions.keyPath = arguments.value("--key")
        outputOptions.rejectedRowsPath = arguments.value("--rejected-rows")
        outputOptions.pseudonymOrder = try PseudonymOrder.fromEnvironment()
        outputOptions.minUsersForReport =
            try arguments.integer("--min-users", in: 0...1_000_000) ?? outputOptions.minUsersForReport
        options.defaultProvider = arguments.value("--provider")
        options.defaultUnit = arguments.value("--unit")
        let quiet = arguments.flag("--quiet")
        // Progress names the files read: a path holding a personnummer is shown as "fil N".
        let shownPaths = ShownFileNames(paths: paths, check: DisclosureCheck(names: []))
        let report = Console.progress(name, quiet: quiet)
        let progress: (String) -> Void = { report(shownPaths.redacting($0)) }

        // The output directory, and the private files' paths, are checked before any input is read.
        let directory = try OutputDirectory(path: arguments.value("--out") ?? "out")
        for option in ["--key", "--rejected-rows"] {
            guard let path = arguments.value(option) else { continue }
            try PrivateFile.refuseInside(path, outputDirectory: directory.path, option: option)
        }
        let result = try VisitLogMeasurement.run(paths: paths, options: options, progress: progress)
        let written = try MeasureOutputs.write(result, to: directory, options: outputOptions)
        for notice in written.notices { Console.error("kontinuitet measure: \(notice)") }
        if !quiet {
            Console.error(MeasureOutputs.summary(result))
            Console.error("wrote \(written.files.count) files to \(directory.path)")
            if let key = written.keyPath { Console.error("löpnummer key (private): \(key)") }
        }
        if outputOptions.keepIDs {
            Console.error(
                "kontinuitet measure: --keep-ids: no Kolada form written (forms are for sending); the files with "
                    + "user ids (users.csv, user_indices.csv, rolling_users.csv) are private (mode 0600)")
        }
        let noResult = MeasureDiagnosis.noResult(result)
        // Per provider only when others have a result: when nobody is measured, the one message says why.
        let providers = noResult == nil ? MeasureDiagnosis.providersWithoutResult(result) : []
        for line in MeasureDiagnosis.filesWithoutRows(MeasureOutputs.forMessages(result)) + providers.prefix(20) {
            Console.error("kontinuitet measure: \(line)")
        }
        if providers.count > 20 {
            Console.error("kontinuitet measure: … and \(providers.count - 20) more providers without a measured user")
        }
        if let message = noResult {
            Console.error("kontinuitet measure: \(message)")
            return .noResult
        }
        if arguments.flag("--strict") && result.accounting.rejected > 0 {
            Console.error(
                "kontinuitet measure: \(result.accounting.rejected) rows rejected (--strict); see rejected.csv")
            return .rejectedRowsUnderStrict
        }
        return .success
    }
}
