import Foundation

/// Options of the time-report outputs.
public struct TimeReportOutputOptions: Sendable {
    public var keepIDs = false
    /// The löpnummer key file; nil means `key.csv` in the output directory.
    public var keyPath: String?
    /// The input files, which the report names (file names only): performed-time exports, allocated-time
    /// reports, and the provider register.
    public var performedFiles: [String] = []
    public var allocatedFiles: [String] = []
    public var registerFile: String?
    public init() {}
}

/// Writes the outputs of `kontinuitet time-report` into one directory, all at once.
///
/// | file | shareable | content |
/// |---|---|---|
/// | `provider_months.csv` | yes | allocated, granted and performed hours per provider and month, ratios, visits, capacity |
/// | `user_months.csv` | yes | allocated and performed hours per user (löpnummer) and month |
/// | `provider_days.csv` | yes | performed minutes and visits per provider and day |
/// | `anomalies.csv` | yes | file, line and kind of every anomaly (no ids) |
/// | `capacity_warnings.csv` | yes | provider-months at or above 90 % of the ceiling |
/// | `report.html` | yes | the figures and charts |
/// | `charts/<name>.svg` | yes | the report's chart as a standalone SVG file (for Word) |
/// | `rejected.csv` | no (0600) | rows that could not be read |
/// | `key.csv` | no (0600) | löpnummer → user id |
public enum TimeReportOutputs {
    public static let providerMonthsHeader =
        [
            "provider", "month", "allocated_hours", "granted_hours", "performed_hours", "performed_minutes",
            "performed_allocated_ratio", "execution_rate", "visits", "visits_without_check_out", "capacity_hours",
            "capacity_share",
        ] + PerformedAnomaly.allCases.map(\.rawValue)
    public static let userMonthsHeader = [
        "provider", "user", "month", "allocated_hours", "granted_hours", "performed_hours", "performed_minutes",
        "difference_hours",
    ]

    @discardableResult
    public static func write(
        _ result: TimeReportResult, to directory: OutputDirectory, options: TimeReportOutputOptions
    )
        throws -> [String]
    {
        var key =
            options.keepIDs
            ? PseudonymKey() : try PseudonymKey.openForOutputs(explicitPath: options.keyPath, directory: directory)
        var shown: [String: String] = [:]
        for (provider, user) in result.usersInOrder {
            shown[provider + "\u{1F}" + user] =
                options.keepIDs ? user : String(key.number(provider: provider, user: user))
        }
        func decimal(_ value: Double?, _ places: Int) -> CSVWriter.Cell {
            value.map { .decimal($0, places: places) } ?? .empty
        }
        func minutes(_ seconds: Int) -> CSVWriter.Cell { .decimal(Double(seconds) / 60, places: 2) }

        var written: [String] = []
        var shareable: [(String, [UInt8])] = []
        func share(_ path: String, _ bytes: [UInt8]) throws {
            shareable.append((path, bytes))
            try directory.write(path, bytes)
            written.append(path)
        }

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
        try share("provider_months.csv", providerMonths.bytes)

        var userRows = Array(result.userMonths.indices)
        userRows.sort { a, b in
            let x = result.userMonths[a]
            let y = result.userMonths[b]
            if x.provider != y.provider { return x.provider.utf8.lexicographicallyPrecedes(y.provider.utf8) }
            let sx = shown[x.provider + "\u{1F}" + x.user] ?? ""
            let sy = shown[y.provider + "\u{1F}" + y.user] ?? ""
            if sx != sy {
                if !options.keepIDs, let nx = Int(sx), let ny = Int(sy) { return nx < ny }
                return sx.utf8.lexicographicallyPrecedes(sy.utf8)
            }
            return x.month < y.month
        }
        var userMonths = CSVWriter(header: userMonthsHeader)
        for index in userRows {
            let m = result.userMonths[index]
            userMonths.row([
                .text(m.provider), .text(shown[m.provider + "\u{1F}" + m.user] ?? ""), .raw(m.month),
                allocated(m.allocatedHours), decimal(m.grantedHours, 2), .decimal(m.performedHours, places: 2),
                minutes(m.performedSeconds), result.allocatedGiven ? .decimal(m.differenceHours, places: 2) : .empty,
            ])
        }
        try share("user_months.csv", userMonths.bytes)

        var days = CSVWriter(header: ["provider", "date", "performed_minutes", "visits"])
        for d in result.providerDays {
            days.row([.text(d.provider), .raw(d.date.description), minutes(d.performedSeconds), .integer(d.visits)])
        }
        try share("provider_days.csv", days.bytes)

        var anomalies = CSVWriter(header: ["file", "line", "kind", "description"])
        for a in result.anomalies {
            anomalies.row([.text(a.file), .integer(a.line), .raw(a.kind.rawValue), .raw(a.kind.swedish)])
        }
        try share("anomalies.csv", anomalies.bytes)

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
        try share("capacity_warnings.csv", warnings.bytes)
        let inputs =
            options.performedFiles.map { ($0, "utförd tid") } + options.allocatedFiles.map { ($0, "fördelad tid") }
            + (options.registerFile.map { [($0, "utförarregister")] } ?? [])
        let report = TimeReportPage(
            result: result,
            provenance: ReportProvenance(inputPaths: inputs.map(\.0), kinds: inputs.map(\.1))
        ).rendered()
        try share("report.html", Array(report.page.utf8))
        for chart in report.chartFiles { try share(chart.path, chart.bytes) }

        try directory.write("rejected.csv", MeasureOutputs.rejectedCSV(result.rejectedRows), mode: 0o600)
        written.append("rejected.csv")
        if !options.keepIDs {
            if let staged = try key.save(explicitPath: options.keyPath, directory: directory) { written.append(staged) }
            let check = DisclosureCheck(names: [])
            let findings = shareable.flatMap { check.scan($0.1, file: $0.0) }
            if !findings.isEmpty { throw OutputError.disclosure(findings) }
        }
        try directory.commit()
        return written
    }

    /// The summary printed on stderr.
    public static func summary(_ result: TimeReportResult) -> String {
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
        var byKind: [String] = []
        for kind in PerformedAnomaly.allCases {
            byKind.append("\(kind.rawValue) \(result.anomalies.filter { $0.kind == kind }.count)")
        }
        lines.append("anomalies: " + byKind.joined(separator: ", "))
        lines.append("provider-months \(result.providerMonths.count), user-months \(result.userMonths.count)")
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
