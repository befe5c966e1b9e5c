import Foundation

/// Options of the time-report outputs.
package struct TimeReportOutputOptions: Sendable {
    /// Write user ids as read instead of löpnummer: no key is used, and `user_months.csv` (which then holds the
    /// ids) is written with mode 0600; the other outputs are still checked before they are put in place.
    package var keepIDs = false
    /// `--key FILE`; nil means the private default location (`KeyFile`: `time-report.csv` in the key directory).
    package var keyPath: String?
    /// The input files, which the report names (file names only): performed-time exports, allocated-time
    /// reports, and the provider register.
    package var performedFiles: [String] = []
    package var allocatedFiles: [String] = []
    package var registerFile: String?
    /// The directory of the default key file; nil means `KeyFile.defaultDirectory()`.
    package var keyDirectory: String?
    /// `--rejected-rows FILE`: the rejected rows as read, private (mode 0600); nil means not written.
    package var rejectedRowsPath: String?
    /// The order of new löpnummer; nil means `PseudonymOrder.fromEnvironment()`.
    package var pseudonymOrder: PseudonymOrder?
    /// The input files in the order given (performed, allocated, register): the N of `fil N` (`ShownFileNames`).
    package var inputPaths: [String] = []
    package init() {}
}

/// Writes the outputs of `kontinuitet time-report` into one directory, all at once. Every file in it may be
/// shared; the key (`time-report.csv` in the key directory, or `--key`) and `--rejected-rows` live elsewhere.
///
/// | file | content |
/// |---|---|
/// | `provider_months.csv` | allocated, granted and performed hours per provider and month, ratios, visits, capacity |
/// | `user_months.csv` | allocated and performed hours per user (löpnummer) and month |
/// | `provider_days.csv` | performed minutes and visits per provider and day |
/// | `anomalies.csv` | file, line and kind of every anomaly (no ids) |
/// | `capacity_warnings.csv` | provider-months at or above 90 % of the ceiling |
/// | `report.html` | the figures and charts |
/// | `charts/<name>.svg` | the report's chart as a standalone SVG file (for Word) |
/// | `rejected.csv` | file, line, column and reason of every row that could not be read (no row content) |
package enum TimeReportOutputs {
    /// The name of `time-report`'s key file in the key directory.
    static let keyName = "time-report.csv"

    package static let providerMonthsHeader =
        [
            "provider", "month", "allocated_hours", "granted_hours", "performed_hours", "performed_minutes",
            "performed_allocated_ratio", "execution_rate", "visits", "visits_without_check_out", "capacity_hours",
            "capacity_share",
        ] + PerformedAnomaly.allCases.map(\.rawValue)
    package static let userMonthsHeader = [
        "provider", "user", "month", "allocated_hours", "granted_hours", "performed_hours", "performed_minutes",
        "difference_hours",
    ]

    @discardableResult
    package static func write(
        _ result: TimeReportResult, to directory: OutputDirectory, options: TimeReportOutputOptions
    )
        throws -> WrittenOutputs
    {
        var run = WrittenOutputs()
        let keyFile = try KeyFile.forRun(
            keepIDs: options.keepIDs, explicitPath: options.keyPath, name: keyName,
            keyDirectory: options.keyDirectory, outputDirectory: directory.path, users: result.usersInOrder,
            order: options.pseudonymOrder, run: &run)
        if let path = options.rejectedRowsPath {
            try PrivateFile.refuseInside(path, outputDirectory: directory.path, option: "--rejected-rows")
        }
        var shown: [String: String] = [:]
        for (provider, user) in result.usersInOrder {
            shown[provider + "\u{1F}" + user] =
                keyFile.map { String($0.key.number(provider: provider, user: user) ?? 0) } ?? user
        }
        let check = DisclosureCheck.cached(names: result.inputNames)
        let fileNames = ShownFileNames(paths: options.inputPaths, check: check)
        func decimal(_ value: Double?, _ places: Int) -> CSVWriter.Cell {
            value.map { .decimal($0, places: places) } ?? .empty
        }
        func minutes(_ seconds: Int) -> CSVWriter.Cell { .decimal(Double(seconds) / 60, places: 2) }

        var staged = StagedOutputs(directory, keepIDs: options.keepIDs)

        var providerMonths = CSVWriter(header: providerMonthsHeader)
        // Without an allocated-time report, allocated hours are unknown: empty, not 0.
        let allocated = { (hours: Double) -> CSVWriter.Cell in
            result.allocatedGiven ? .decimal(hours, places: 2) : .empty
        }
        for m in result.providerMonths {
            providerMonths.row(
                [
                    .text(m.provider), .raw(m.month), allocated(m.allocatedHours), decimal(m.grantedHours, 2),
                    .decimal(m.performedHours, places: 2), minutes(m.performedSeconds),
                    decimal(m.performedAllocatedRatio, 3), decimal(m.executionRate, 3), .integer(m.visits),
                    .integer(m.visitsWithoutCheckOut), decimal(m.capacityHours, 2), decimal(m.capacityShare, 3),
                ] + PerformedAnomaly.allCases.map { .integer(m.anomalyCounts[$0] ?? 0) })
        }
        try staged.share("provider_months.csv", providerMonths.bytes)

        // Users in order of provider, then löpnummer (or id), then month; each user's shown id looked up once.
        let shownOf = result.userMonths.map { shown[$0.provider + "\u{1F}" + $0.user] ?? "" }
        let numberOf = shownOf.map { options.keepIDs ? nil : Int($0) }
        var userRows = Array(result.userMonths.indices)
        userRows.sort { a, b in
            let x = result.userMonths[a]
            let y = result.userMonths[b]
            if x.provider != y.provider { return x.provider.utf8.lexicographicallyPrecedes(y.provider.utf8) }
            if shownOf[a] != shownOf[b] {
                if let nx = numberOf[a], let ny = numberOf[b] { return nx < ny }
                return shownOf[a].utf8.lexicographicallyPrecedes(shownOf[b].utf8)
            }
            return x.month < y.month
        }
        var userMonths = CSVWriter(header: userMonthsHeader)
        for index in userRows {
            let m = result.userMonths[index]
            userMonths.row([
                .text(m.provider), .text(shownOf[index]), .raw(m.month),
                allocated(m.allocatedHours), decimal(m.grantedHours, 2), .decimal(m.performedHours, places: 2),
                minutes(m.performedSeconds), result.allocatedGiven ? .decimal(m.differenceHours, places: 2) : .empty,
            ])
        }
        try staged.share("user_months.csv", userMonths.bytes, holdsIDs: true)

        var days = CSVWriter(header: ["provider", "date", "performed_minutes", "visits"])
        for d in result.providerDays {
            days.row([.text(d.provider), .raw(d.date.description), minutes(d.performedSeconds), .integer(d.visits)])
        }
        try staged.share("provider_days.csv", days.bytes)

        // Millions of rows for a city's year: made, checked and written in pieces, each file's and kind's cells
        // rendered once.
        let anomalyRows = result.anomalyRows
        let fileCells = anomalyRows.files.map { CSVWriter.cellBytes([.text(fileNames($0))]) + [0x2C] }
        let kindCells = PerformedAnomaly.allCases.map {
            CSVWriter.cellBytes([.raw($0.rawValue), .raw($0.swedish)]) + [0x0A]
        }
        let anomaliesHeader = CSVWriter(header: ["file", "line", "kind", "description"]).bytes
        let rowsPerPiece = 1 << 15
        let rowCount = anomalyRows.rows.count
        try staged.sharePieces(
            "anomalies.csv", check: check, count: max(1, (rowCount + rowsPerPiece - 1) / rowsPerPiece)
        ) { piece in
            var anomalies = CSVWriter()
            if piece == 0 { anomalies.append(bytes: anomaliesHeader) }
            let first = min(rowCount, piece * rowsPerPiece)
            anomalyRows.forEach(ofRows: first..<min(rowCount, first + rowsPerPiece)) { file, line, kind in
                anomalies.append(bytes: fileCells[file])
                anomalies.append(integer: line, then: 0x2C)
                anomalies.append(bytes: kindCells[kind])
            }
            return anomalies.bytes
        }

        var warnings = CSVWriter(header: [
            "provider", "month", "performed_hours", "capacity_hours", "percent", "level", "forecast_day",
        ])
        for w in result.warnings {
            warnings.row([
                .text(w.provider), .raw(w.month), .decimal(w.performedHours, places: 2),
                .decimal(w.capacityHours, places: 2), .integer(w.percent), .raw(w.level.rawValue),
                w.forecastDay.map { .integer($0) } ?? .empty,
            ])
        }
        try staged.share("capacity_warnings.csv", warnings.bytes)
        try staged.share(
            "tabeller.xlsx", PeopleTables.timeReport(result) { shown[$0 + "\u{1F}" + $1] ?? "" }, holdsIDs: true)
        try staged.share("rejected.csv", RejectedRowFiles.shareableCSV(result.rejectedRows, files: fileNames))
        let inputs =
            options.performedFiles.map { ($0, "utförd tid") } + options.allocatedFiles.map { ($0, "fördelad tid") }
            + (options.registerFile.map { [($0, "utförarregister")] } ?? [])
        let report = TimeReportPage(
            result: result,
            provenance: ReportProvenance(inputPaths: inputs.map(\.0), kinds: inputs.map(\.1))
        ).rendered()
        try staged.share("report.html", Array(report.page.utf8))
        for chart in report.chartFiles { try staged.share(chart.path, chart.bytes) }

        let findings = check.scanOutputs(staged.shareable, threads: 2) + staged.pieceFindings
        if !findings.isEmpty { throw OutputError.disclosure(findings) }
        // The key before the outputs: löpnummer that reach a shared file are always in the key.
        try keyFile?.save()
        if let path = options.rejectedRowsPath {
            try RejectedRowFiles.writeRaw(result.rejectedRows, to: path, outputDirectory: directory.path)
        }
        try directory.commit()
        run.files = staged.written
        return run
    }

    /// The summary printed on stderr.
    package static func summary(_ result: TimeReportResult) -> String {
        let a = result.accounting
        var lines = [
            "performed rows read \(a.performedRead) = used \(a.performedUsed) + flagged without time "
                + "\(a.performedFlagged) + duplicates \(a.performedDuplicate) + rejected \(a.performedRejected)"
                + (a.reconciles ? "" : "  [DOES NOT RECONCILE]"),
            "allocated rows read \(a.allocatedRead) = used \(a.allocatedUsed) + rejected \(a.allocatedRejected)",
        ]
        if a.registerRead > 0 {
            lines.append(
                "register rows read \(a.registerRead) = used \(a.registerRead - a.registerRejected) + rejected "
                    + "\(a.registerRejected)")
        }
        let totals = result.anomalyRows.totals
        let byKind = PerformedAnomaly.allCases.map { "\($0.rawValue) \(totals[$0] ?? 0)" }
        lines.append("anomalies: " + byKind.joined(separator: ", "))
        lines.append("provider-months \(result.providerMonths.count), user-months \(result.userMonths.count)")
        for file in result.filesWithoutRows { lines.append("\(file): the file has no data rows") }
        if !result.allocatedGiven {
            lines.append("no allocated-time report given (--allocated): allocated hours empty")
        }
        if !result.providersWithoutCeiling.isEmpty {
            lines.append("providers without a known capacity ceiling (\(result.providersWithoutCeiling.count)):")
            for provider in result.providersWithoutCeiling { lines.append("  \"\(provider)\"") }
        }
        for warning in result.warnings { lines.append("VARNING kapacitetstak: \(warning.message)") }
        return lines.joined(separator: "\n")
    }
}
