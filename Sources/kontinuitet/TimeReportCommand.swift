import Foundation
import Kontinuitet

/// `kontinuitet time-report`: utförd tid against fördelad tid and the capacity ceiling (docs/time-report.md).
enum TimeReportCommand: Command {
    static let name = "time-report"
    static let summary = """
        Sums performed time (check-in to check-out, in real minutes) per provider, user and month against \
        allocated and granted time, flags anomalies and warns at 90 % and 100 % of the capacity ceiling.
        """
    static let options: [OptionSpec] = [
        OptionSpec("--performed", .multiple(valueName: "FILE"), required: true, help: "performed-time exports (CSV)"),
        OptionSpec("--allocated", .multiple(valueName: "FILE"), help: "allocated-time reports (fördelad tid, CSV)"),
        OptionSpec("--providers", .single(valueName: "FILE"), help: "provider register (capacity ceilings)"),
        OptionSpec("--out", .single(valueName: "DIR"), help: "output directory (default: out)"),
        OptionSpec("--provider", .single(valueName: "NAME"), help: "the provider of files without a provider column"),
        OptionSpec("--sheet", .single(valueName: "NAME"), help: "the worksheet of .xlsx inputs (default: the first)"),
        OptionSpec("--planned-tolerance", .single(valueName: "MIN"), help: "flag check-ins further from plan (60)"),
        .keepIDs, .key, .rejectedRows,
        OptionSpec("--strict", .flag, help: "exit 3 when any row is rejected"),
        OptionSpec("--quiet", .flag, help: "no progress or summary on stderr (capacity warnings are still printed)"),
    ]
    static let details = """
        Outputs: provider_months.csv, user_months.csv, provider_days.csv, anomalies.csv, capacity_warnings.csv,
        tabeller.xlsx, report.html and rejected.csv, all shareable (with --keep-ids, user_months.csv and
        tabeller.xlsx are not). The löpnummer key is time-report.csv in the private key directory
        (docs/security.md). The rules: docs/time-report.md.
        Rows beyond the first 4 million are kept in an unnamed scratch file in $TMPDIR (else /tmp), numbers only.
        Exit status: 0 done, 1 usage error, 2 input that cannot be processed, 3 rejected rows with --strict,
        4 no result (no row of performed time).
        """

    static func run(_ arguments: ParsedArguments) throws -> ExitStatus {
        var options = TimeReportOptions()
        options.defaultProvider = arguments.value("--provider")
        options.plannedToleranceMinutes =
            try arguments.integer("--planned-tolerance", in: 0...10_000) ?? options.plannedToleranceMinutes
        // The output directory is checked before any input is read.
        let directory = try OutputDirectory(path: arguments.value("--out") ?? "out")
        for option in ["--key", "--rejected-rows"] {
            guard let path = arguments.value(option) else { continue }
            try PrivateFile.refuseInside(path, outputDirectory: directory.path, option: option)
        }
        let pseudonymOrder = try PseudonymOrder.fromEnvironment()
        let register = try arguments.value("--providers").map { try ProviderRegister.load(path: $0) }
        // Progress names the files read: a path holding a personnummer is shown as "fil N".
        let shownPaths = ShownFileNames(paths: arguments.values("--performed"), check: DisclosureCheck(names: []))
        let report = Console.progress(name, quiet: arguments.flag("--quiet"))
        let result = try TimeReport.run(
            performed: arguments.values("--performed"), allocated: arguments.values("--allocated"),
            register: register, options: options, progress: { report(shownPaths.redacting($0)) })
        var outputOptions = TimeReportOutputOptions()
        outputOptions.keepIDs = arguments.flag("--keep-ids")
        outputOptions.keyPath = arguments.value("--key")
        // The report names its input files.
        outputOptions.performedFiles = arguments.values("--performed")
        outputOptions.allocatedFiles = arguments.values("--allocated")
        outputOptions.registerFile = arguments.value("--providers")
        outputOptions.rejectedRowsPath = arguments.value("--rejected-rows")
        outputOptions.pseudonymOrder = pseudonymOrder
        outputOptions.inputPaths =
            arguments.values("--performed") + arguments.values("--allocated") + arguments.values("--providers")
        let writing = Date()
        let written = try TimeReportOutputs.write(result, to: directory, options: outputOptions)
        report("outputs written and checked in \(String(format: "%.2f", Date().timeIntervalSince(writing))) s")
        for notice in written.notices { Console.error("kontinuitet time-report: \(notice)") }
        if arguments.flag("--quiet") {
            for warning in result.warnings { Console.error("VARNING kapacitetstak: \(warning.message)") }
        } else {
            Console.error(TimeReportOutputs.summary(result))
            Console.error("wrote \(written.files.count) files to \(directory.path)")
            if let key = written.keyPath { Console.error("löpnummer key (private): \(key)") }
        }
        if result.accounting.performedUsed == 0 {
            let a = result.accounting
            Console.error(
                "kontinuitet time-report: no result: no row of performed time (\(a.performedRead) rows read, "
                    + "\(a.performedFlagged) without a usable check-out, \(a.performedRejected) rejected)")
            return .noResult
        }
        let rejected =
            result.accounting.performedRejected + result.accounting.allocatedRejected
            + result.accounting.registerRejected
        if arguments.flag("--strict") && rejected > 0 {
            Console.error("kontinuitet time-report: \(rejected) rows rejected (--strict); see rejected.csv")
            return .rejectedRowsUnderStrict
        }
        return .success
    }
}
