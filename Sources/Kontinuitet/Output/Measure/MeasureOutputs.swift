import Foundation

/// Options of the measurement outputs.
package struct MeasureOutputOptions: Sendable {
    /// Write user ids as read instead of löpnummer (for checks on the provider's own machine): no key is used, no
    /// form is written, and the files with user ids (`users.csv`, `user_indices.csv`, `rolling_users.csv`) are
    /// written with mode 0600; the other outputs are still checked before they are put in place.
    package var keepIDs = false
    /// `--key FILE`; nil means the private default location (`KeyFile`). Never inside the output directory.
    package var keyPath: String?
    /// The directory of the default key file; nil means `KeyFile.defaultDirectory()`.
    package var keyDirectory: String?
    /// `--rejected-rows FILE`: the rejected rows as read, private (mode 0600), outside the output directory; nil
    /// means they are not written anywhere.
    package var rejectedRowsPath: String?
    /// The order of new löpnummer; nil means `PseudonymOrder.fromEnvironment()` (random unless
    /// `KONTINUITET_PSEUDONYM_SEED` is set).
    package var pseudonymOrder: PseudonymOrder?
    /// In `report.html`, a provider with fewer measured users than this shows "för få" instead of its figures
    /// (small-number protection for publishing). The CSV files always hold every figure.
    package var minUsersForReport = 5

    package init() {}
}

/// What a command wrote, for its stderr summary.
package struct WrittenOutputs: Sendable {
    /// The paths written into the output directory, relative to it.
    package var files: [String] = []
    /// The key file used, when there is one.
    package var keyPath: String?
    /// What the user must be told: an old key left in the output directory, a key directory made private again.
    package var notices: [String] = []
}

/// Writes the outputs of `kontinuitet measure` (README, "What it writes") into one directory, all at once.
///
/// Every file in the directory may be shared; the private files live elsewhere (docs/security.md).
///
/// | file | content |
/// |---|---|
/// | `users.csv` | one row per user found in the input |
/// | `providers.csv` | the Kolada figures per provider |
/// | `units.csv` | the same figures per unit (enhet) of each provider |
/// | `forms/<provider>.csv`, `.xlsx` | the Kolada form to send: one row per sampled user |
/// | `excluded.csv` | rows excluded, by rule, and the reconciliation |
/// | `report.html` | tables and SVG charts, for publishing; small providers shown as "för få" |
/// | `charts/<name>.svg` | each chart of the report as a standalone SVG file (for Word) |
/// | `rejected.csv` | file, line, column and reason of every malformed row (no row content) |
///
/// Private, outside the directory: the key (`KeyFile`: `measure-<year>.csv` in the key directory, or `--key`) and,
/// with `--rejected-rows FILE`, the rejected rows as read.
package enum MeasureOutputs {
    package static let usersHeader = [
        "provider", "unit", "user", "measured", "reason", "days_with_visits", "visits", "distinct_staff", "sampled",
    ]
    package static let providersHeader = [
        "provider", "measured_users", "sampled_users", "mean_staff", "median_staff", "min_staff", "max_staff",
        "share_over_20",
    ]
    /// `units.csv`: the columns of `providers.csv` with the unit after the provider.
    package static let unitsHeader = [
        "provider", "unit", "measured_users", "sampled_users", "mean_staff", "median_staff", "min_staff",
        "max_staff", "share_over_20",
    ]
    /// The Kolada form is read by people and sent as is, so its headers are Swedish; `compile` reads them through
    /// the aliases of docs/compile-validate.md, "The form" (`löpnummer` = user, `antal personal` = staff_count).
    package static let formHeader = ["Utförare", "Enhet", "Löpnummer", "Antal personal", "Periodstart", "Periodslut"]

    /// The name of `measure`'s key file in the key directory: one key per measurement year, so that löpnummer do
    /// not follow a user from one year's forms to the next.
    static func keyName(_ period: PeriodWindow) -> String { "measure-\(period.start.year).csv" }

    /// Writes every output of `result` into `directory` and commits them together, after the disclosure check;
    /// then the key and `--rejected-rows`.
    @discardableResult
    package static func write(_ result: MeasureResult, to directory: OutputDirectory, options: MeasureOutputOptions)
        throws -> WrittenOutputs
    {
        var run = WrittenOutputs()
        let keyFile = try KeyFile.forRun(
            keepIDs: options.keepIDs, explicitPath: options.keyPath, name: keyName(result.period),
            keyDirectory: options.keyDirectory, outputDirectory: directory.path,
            users: result.users.map { ($0.provider, $0.userID) }, order: options.pseudonymOrder, run: &run)
        if let path = options.rejectedRowsPath {
            try PrivateFile.refuseInside(path, outputDirectory: directory.path, option: "--rejected-rows")
        }
        let shownIDs: [String] = result.users.map { user in
            guard let key = keyFile?.key else { return user.userID }
            return String(key.number(provider: user.provider, user: user.userID) ?? 0)
        }
        let check = DisclosureCheck.cached(names: result.inputNames)
        let fileNames = shownFileNames(result, check: check)
        // Users by provider (byte order, as result.providers is) and then by id (byte order) or löpnummer; the
        // keys are computed once, not in every comparison.
        var providerRank: [String: Int] = [:]
        for (rank, provider) in result.providers.enumerated() { providerRank[provider.provider] = rank }
        let ranks = result.users.map { providerRank[$0.provider] ?? Int.max }
        var order = Array(result.users.indices)
        if options.keepIDs {
            let ids = result.users.map { Array($0.userID.utf8) }
            order.sort { a, b in
                ranks[a] != ranks[b] ? ranks[a] < ranks[b] : ids[a].lexicographicallyPrecedes(ids[b])
            }
        } else {
            let numbers = shownIDs.map { Int($0) ?? 0 }
            order.sort { a, b in ranks[a] != ranks[b] ? ranks[a] < ranks[b] : numbers[a] < numbers[b] }
        }

        // The report (charts of every provider, a yearly curve each when rolling) is rendered on another thread
        // while the files below are built. It names the input files as `fileNames` shows them.
        let reportPage = ResultSlots<RenderedReport>(count: 1)
        let rendering = DispatchGroup()
        let minimumUsers = options.minUsersForReport
        let published = withShownFileNames(result, fileNames)
        DispatchQueue.global().async(group: rendering) {
            reportPage.set(0, MeasureReport(result: published, minimumUsers: minimumUsers).rendered())
        }
        // The workbook for people, built beside them too.
        let tables = ResultSlots<Result<[UInt8], any Error>>(count: 1)
        let tableOrder = order
        let tableIDs = shownIDs
        DispatchQueue.global().async(group: rendering) {
            tables.set(0, Result { try PeopleTables.measure(result, order: tableOrder, shownIDs: tableIDs) })
        }

        var staged = StagedOutputs(directory, keepIDs: options.keepIDs)
        var users = CSVWriter(header: usersHeader)
        for index in order {
            let user = result.users[index]
            users.row([
                .text(user.provider), .text(user.unit), .text(shownIDs[index]), .raw(user.measured ? "true" : "false"),
                .raw(user.reason?.rawValue ?? ""), .integer(user.daysWithVisits), .integer(user.visits),
                .integer(user.distinctStaff), .raw(user.sampled ? "true" : "false"),
            ])
        }
        try staged.share("users.csv", users.bytes, holdsIDs: true)
        try staged.share("providers.csv", providersCSV(result.providers))
        try staged.share("units.csv", unitsCSV(result.units))

        let slugs = FileNames.uniqueSlugs(result.providers.map(\.provider))
        var sampledByProvider: [String: [Int]] = [:]
        for index in order where result.users[index].sampled {
            sampledByProvider[result.users[index].provider, default: []].append(index)
        }
        // The forms are built and staged in parallel (the workbooks are the costly part); both files of each are
        // kept for the disclosure check, in provider order.
        // A provider with no sampled user gets no form (an empty form must not be sent); with --keep-ids no
        // provider does (forms are for sending, and ids are not).
        let forms = ResultSlots<Result<(csv: [UInt8], xlsx: [UInt8]), any Error>>(count: result.providers.count)
        let formRows = result.providers.map { sampledByProvider[$0.provider] ?? [] }
        Parallel.forEach(count: result.providers.count, threads: result.options.threads) { p in
            guard !options.keepIDs && !formRows[p].isEmpty else { return }
            forms.set(
                p,
                Result {
                    let files = try formFiles(
                        result, provider: result.providers[p], rows: formRows[p], shownIDs: shownIDs)
                    try directory.write("forms/\(slugs[p]).csv", files.csv)
                    try directory.write("forms/\(slugs[p]).xlsx", files.xlsx)
                    return files
                })
        }
        for (p, slug) in slugs.enumerated() {
            guard let files = try forms.take(p)?.get() else { continue }
            staged.staged("forms/\(slug).csv", files.csv)
            staged.staged("forms/\(slug).xlsx", files.xlsx)
        }

        try staged.share("user_indices.csv", userIndicesCSV(result, order: order, shownIDs: shownIDs), holdsIDs: true)
        try staged.share("provider_indices.csv", providerIndicesCSV(result.providers))
        if let rolling = result.rolling {
            try staged.share("rolling_providers.csv", rollingProvidersCSV(rolling))
            try staged.share("rolling_months.csv", rollingMonthsCSV(rolling))
            if result.options.rollingPerUser {
                try staged.share(
                    "rolling_users.csv", rollingUsersCSV(rolling, result: result, shownIDs: shownIDs), holdsIDs: true)
            }
        }

        try staged.share("excluded.csv", excludedCSV(result))
        try staged.share("rejected.csv", RejectedRowFiles.shareableCSV(result.rejectedRows, files: fileNames))
        rendering.wait()
        if let workbook = try tables.take(0)?.get() { try staged.share("tabeller.xlsx", workbook, holdsIDs: true) }
        let report = reportPage.take(0)
        try staged.share("report.html", Array((report?.page ?? "").utf8))
        for chart in report?.chartFiles ?? [] { try staged.share(chart.path, chart.bytes) }

        let findings = check.scanOutputs(staged.shareable, threads: result.options.threads)
        if !findings.isEmpty { throw OutputError.disclosure(findings) }
        // The key before the outputs: löpnummer that reach a shared file are always in the key.
        try keyFile?.save()
        if let path = options.rejectedRowsPath {
            try RejectedRowFiles.writeRaw(result.rejectedRows, to: path, outputDirectory: directory.path)
        }
        try directory.commit(replacing: isOwnOutput)
        run.files = staged.written
        return run
    }

    /// The input files as outputs and messages show them (`ShownFileNames`), numbered in the order of the inputs.
    static func shownFileNames(_ result: MeasureResult, check: DisclosureCheck) -> ShownFileNames {
        ShownFileNames(paths: result.files.map(\.path), check: check)
    }

    /// `result` with its input files named as `names` shows them: what the report and the stderr summary use.
    static func withShownFileNames(_ result: MeasureResult, _ names: ShownFileNames) -> MeasureResult {
        guard names.hidesAny else { return result }
        var shown = result
        for index in shown.files.indices { shown.files[index].path = names(shown.files[index].path) }
        return shown
    }

    /// `result` with every input file that fails the disclosure check (its path holds a personnummer or one of the
    /// input's names) named `fil N`: for the stderr summary and the messages that name input files.
    package static func forMessages(_ result: MeasureResult) -> MeasureResult {
        withShownFileNames(result, shownFileNames(result, check: DisclosureCheck.cached(names: result.inputNames)))
    }

    /// The files `measure` owns in its output directory: a copy from an earlier run that this run does not write
    /// again (the form or chart of a provider no longer in the input, a rolling file after a run without
    /// `--rolling`) is removed rather than left beside the new results. The key file and the analyst's own files
    /// are kept.
    static func isOwnOutput(_ relative: String) -> Bool {
        relative.hasPrefix("forms/") || relative.hasPrefix("charts/") || ownFiles.contains(relative)
    }

    private static let ownFiles: Set<String> = [
        "users.csv", "providers.csv", "units.csv", "excluded.csv", "report.html", "rejected.csv", "user_indices.csv",
        "provider_indices.csv", "rolling_providers.csv", "rolling_months.csv", "rolling_users.csv", "tabeller.xlsx",
    ]

    /// `providers.csv`: mean with two decimals, share as a fraction with three; empty figures for a provider
    /// without sampled users.
    static func providersCSV(_ providers: [ProviderMeasurement]) -> [UInt8] {
        var writer = CSVWriter(header: providersHeader)
        for provider in providers {
            writer.row(
                [.text(provider.provider)]
                    + figureCells(
                        measuredUsers: provider.measuredUsers, sampledUsers: provider.sampledUsers,
                        summary: provider.summary))
        }
        return writer.bytes
    }

    /// `units.csv`: per provider and unit, the figures of `providers.csv` over the unit's users.
    static func unitsCSV(_ units: [UnitMeasurement]) -> [UInt8] {
        var writer = CSVWriter(header: unitsHeader)
        for unit in units {
            writer.row(
                [.text(unit.provider), .text(unit.unit)]
                    + figureCells(
                        measuredUsers: unit.measuredUsers, sampledUsers: unit.sampledUsers, summary: unit.summary))
        }
        return writer.bytes
    }

    /// The figure columns shared by `providers.csv` and `units.csv`, from `measured_users` on.
    static func figureCells(measuredUsers: Int, sampledUsers: Int, summary s: ProviderSummary) -> [CSVWriter.Cell] {
        [
            .integer(measuredUsers), .integer(sampledUsers), s.mean.map { .decimal($0, places: 2) } ?? .empty,
            s.median.map { .raw(CSVWriter.formatMedian($0)) } ?? .empty, s.min.map { .integer($0) } ?? .empty,
            s.max.map { .integer($0) } ?? .empty, s.shareOver20.map { .decimal($0, places: 3) } ?? .empty,
        ]
    }

    /// The Kolada form as a workbook: sheet "Personalkontinuitet" with the same cells as the form CSV, and sheet
    /// "Sammanfattning" with the provider's figures (mean with two decimals as a number).
    /// One provider's Kolada form as CSV and as a workbook: a row per sampled user (`rows`, in output order).
    static func formFiles(_ result: MeasureResult, provider: ProviderMeasurement, rows: [Int], shownIDs: [String])
        throws -> (csv: [UInt8], xlsx: [UInt8])
    {
        var form = CSVWriter(header: formHeader)
        var sheetRows: [[XLSXCell]] = [formHeader.map { .text($0) }]
        for index in rows {
            let user = result.users[index]
            let number = Int(shownIDs[index])
            form.row([
                .text(user.provider), .text(user.unit), .text(shownIDs[index]), .integer(user.distinctStaff),
                .raw(result.period.start.description), .raw(result.period.end.description),
            ])
            sheetRows.append([
                .text(user.provider), .text(user.unit), number.map { .integer($0) } ?? .text(shownIDs[index]),
                .integer(user.distinctStaff), .text(result.period.start.description),
                .text(result.period.end.description),
            ])
        }
        return (form.bytes, try formWorkbook(provider, period: result.period, rows: sheetRows))
    }

    static func formWorkbook(_ provider: ProviderMeasurement, period: PeriodWindow, rows: [[XLSXCell]]) throws
        -> [UInt8]
    {
        let s = provider.summary
        func number(_ value: Double?) -> XLSXCell { value.map { .number($0) } ?? .empty }
        func integer(_ value: Int?) -> XLSXCell { value.map { .integer($0) } ?? .empty }
        let summary: [[XLSXCell]] = [
            [.text("Uppgift"), .text("Värde")],
            [.text("Utförare"), .text(provider.provider)],
            [.text("Mätperiod"), .text("\(period.start) – \(period.end)")],
            [.text("Mätta brukare"), .integer(provider.measuredUsers)],
            [.text("Brukare i urvalet"), .integer(provider.sampledUsers)],
            [.text("Medelvärde antal personal"), number(s.mean.flatMap { Double(CSVWriter.format($0, places: 2)) })],
            [.text("Median antal personal"), s.median.map { .general($0) } ?? .empty],
            [.text("Lägsta"), integer(s.min)],
            [.text("Högsta"), integer(s.max)],
            [.text("Andel som mött fler än 20"), s.shareOver20.map { .percent($0) } ?? .empty],
        ]
        let workbook = XLSXWorkbook(sheets: [
            XLSXSheet(name: "Personalkontinuitet", rows: rows),
            XLSXSheet(name: "Sammanfattning", rows: summary),
        ])
        do {
            return try workbook.bytes()
        } catch {
            throw OutputError.cannotWrite(path: "forms/\(provider.provider).xlsx", reason: error.description)
        }
    }

    static func optionalDecimal(_ value: Double?, places: Int) -> CSVWriter.Cell {
        value.map { .decimal($0, places: places) } ?? .empty
    }

    /// `user_indices.csv`: the continuity indices of every user over the period (four decimals; empty where an
    /// index is undefined, see docs/indices.md).
    static func userIndicesCSV(_ result: MeasureResult, order: [Int], shownIDs: [String]) -> [UInt8] {
        var writer = CSVWriter(header: [
            "provider", "unit", "user", "measured", "sampled", "visits", "contacts", "coc", "upc", "secon",
            "top3_share",
        ])
        for index in order {
            let user = result.users[index]
            let i = user.indices
            writer.row([
                .text(user.provider), .text(user.unit), .text(shownIDs[index]), .raw(user.measured ? "true" : "false"),
                .raw(user.sampled ? "true" : "false"), .integer(i.visits), .integer(i.contacts),
                optionalDecimal(i.coc, places: 4), optionalDecimal(i.upc, places: 4),
                optionalDecimal(i.secon, places: 4), optionalDecimal(i.topThreeShare, places: 4),
            ])
        }
        return writer.bytes
    }

    /// `provider_indices.csv`: per provider, the means of the indices over its sampled users.
    static func providerIndicesCSV(_ providers: [ProviderMeasurement]) -> [UInt8] {
        var writer = CSVWriter(header: [
            "provider", "sampled_users", "mean_coc", "mean_upc", "mean_secon", "mean_top3_share",
        ])
        for provider in providers {
            let i = provider.indices
            writer.row([
                .text(provider.provider), .integer(i.users), optionalDecimal(i.meanCOC, places: 4),
                optionalDecimal(i.meanUPC, places: 4), optionalDecimal(i.meanSECON, places: 4),
                optionalDecimal(i.meanTopThreeShare, places: 4),
            ])
        }
        return writer.bytes
    }

    /// `rolling_providers.csv`: per provider and 14-day window start.
    static func rollingProvidersCSV(_ rolling: RollingResult) -> [UInt8] {
        var writer = CSVWriter(header: ["provider", "window_start", "measured_users", "mean_staff", "median_staff"])
        for figure in rolling.windows {
            writer.row([
                .text(figure.provider), .raw(figure.windowStart.description), .integer(figure.measuredUsers),
                .decimal(figure.mean, places: 2), .raw(CSVWriter.formatMedian(figure.median)),
            ])
        }
        return writer.bytes
    }

    /// `rolling_months.csv`: per provider and month of the window start, over all measured user-windows.
    static func rollingMonthsCSV(_ rolling: RollingResult) -> [UInt8] {
        var writer = CSVWriter(header: ["provider", "month", "user_windows", "mean_staff", "median_staff"])
        for figure in rolling.months {
            writer.row([
                .text(figure.provider), .raw(figure.month), .integer(figure.userWindows),
                .decimal(figure.mean, places: 2), .raw(CSVWriter.formatMedian(figure.median)),
            ])
        }
        return writer.bytes
    }

    /// `rolling_users.csv` (`--per-user`): every measured window of every user.
    static func rollingUsersCSV(_ rolling: RollingResult, result: MeasureResult, shownIDs: [String]) -> [UInt8] {
        var writer = CSVWriter(header: ["provider", "user", "window_start", "distinct_staff"])
        for window in rolling.users {
            writer.row([
                .text(result.users[window.user].provider), .text(shownIDs[window.user]),
                .raw(window.windowStart.description), .integer(window.distinctStaff),
            ])
        }
        return writer.bytes
    }

    /// `excluded.csv`: the reconciliation of rows, one line per item.
    static func excludedCSV(_ result: MeasureResult) -> [UInt8] {
        var writer = CSVWriter(header: ["item", "rows"])
        let a = result.accounting
        writer.row([.raw("rows_read"), .integer(a.read)])
        writer.row([.raw("rows_used"), .integer(a.used)])
        for rule in ExclusionRule.allCases {
            writer.row([.raw("excluded_\(rule.rawValue)"), .integer(a.excluded[rule] ?? 0)])
        }
        writer.row([.raw("rows_rejected"), .integer(a.rejected)])
        writer.row([.raw("blank_rows_skipped"), .integer(a.blank)])
        return writer.bytes
    }

    /// The summary printed on stderr: period, files (a file whose path fails the disclosure check as `fil N`), and
    /// the reconciliation rows read = used + excluded + rejected.
    package static func summary(_ result: MeasureResult) -> String {
        let result = forMessages(result)
        var lines: [String] = []
        lines.append("period: \(result.period.start) – \(result.period.end) (\(result.periodSource))")
        for file in result.files {
            lines.append(
                "input: \(file.path) (\(file.encoding.rawValue), delimiter \(file.delimiter)): "
                    + "\(file.accounting.read) rows")
        }
        let a = result.accounting
        lines.append(
            "rows read \(a.read) = used \(a.used) + excluded \(a.excludedTotal) + rejected \(a.rejected)"
                + (a.reconciles ? "" : "  [DOES NOT RECONCILE]"))
        let rules = ExclusionRule.allCases.map { "\($0.rawValue) \(a.excluded[$0] ?? 0)" }.joined(separator: ", ")
        lines.append("excluded by rule: \(rules)")
        if a.blank > 0 { lines.append("blank rows skipped: \(a.blank)") }
        let measured = result.users.filter(\.measured).count
        let sampled = result.users.filter(\.sampled).count
        var reasons: [String] = []
        for reason in NotMeasuredReason.allCases {
            reasons.append("\(reason.rawValue) \(result.users.filter { $0.reason == reason }.count)")
        }
        lines.append(
            "users \(result.users.count): measured \(measured), sampled \(sampled); not measured: "
                + reasons.joined(separator: ", "))
        lines.append("providers \(result.providers.count)")
        return lines.joined(separator: "\n")
    }
}
