import Foundation

/// Options of the compile outputs.
package struct CompileOutputOptions: Sendable {
    /// In `report.html`, a level with fewer users than this shows "för få" instead of its figures.
    package var minUsersForReport = 5
    /// `--rejected-rows FILE`: the rejected form rows as read, private (mode 0600); nil means not written.
    package var rejectedRowsPath: String?
    /// The input files in the order given (forms, then the register): the N of `fil N` (`ShownFileNames`).
    package var inputPaths: [String] = []
    package init() {}
}

/// Writes the outputs of `kontinuitet compile` into one directory, all at once, after the disclosure check
/// (personnummer and samordningsnummer: forms carry no names to look for). Every file in it may be shared.
///
/// | file | content |
/// |---|---|
/// | `results.csv`, `results.xlsx` | one row per level: city, provider type, district (municipal home care), provider, unit |
/// | `feedback.csv` | each provider against its group (provider type) and the city |
/// | `missing_forms.csv` | registered providers without a form |
/// | `kolada.json` | the city figures as Kolada API data objects (U21401, U21402, U21436) |
/// | `report.html` | the results and the feedback for people |
/// | `charts/<name>.svg` | the report's charts as standalone SVG files (for Word) |
/// | `rejected.csv` | file, line, column and reason of every form row that could not be used (no row content) |
package enum CompileOutputs {
    package static let resultsHeader = [
        "level", "key", "name", "status", "provider_type", "district", "users", "mean_staff", "median_staff",
        "min_staff", "max_staff", "share_over_20", "bin_1_5", "bin_6_10", "bin_11_15", "bin_16_20", "bin_21_25",
        "bin_over_25", "merged_from", "over_cap",
    ]
    package static let trendHeader = [
        "level", "key", "name", "year", "users", "mean_staff", "median_staff", "share_over_20",
    ]

    @discardableResult
    package static func write(
        _ result: CompileResult, to directory: OutputDirectory, options: CompileOutputOptions = CompileOutputOptions()
    ) throws -> WrittenOutputs {
        if let path = options.rejectedRowsPath {
            try PrivateFile.refuseInside(path, outputDirectory: directory.path, option: "--rejected-rows")
        }
        let check = DisclosureCheck(names: [])
        let fileNames = ShownFileNames(paths: options.inputPaths, check: check)
        var written: [String] = []
        var shareable: [(path: String, bytes: [UInt8])] = []
        func stage(_ path: String, _ bytes: [UInt8]) throws {
            try directory.write(path, bytes)
            shareable.append((path, bytes))
            written.append(path)
        }
        let rows = result.levels + result.missing
        var results = CSVWriter(header: resultsHeader)
        for level in rows {
            let s = level.summary
            let empty = s.count == 0
            results.row(
                [
                    .raw(level.level.rawValue), .text(level.key), .text(level.name), .raw(level.status),
                    .text(level.providerType), .text(level.district), .integer(s.count),
                    s.mean.map { .decimal($0, places: 2) } ?? .empty,
                    s.median.map { .raw(CSVWriter.formatMedian($0)) } ?? .empty, s.min.map { .integer($0) } ?? .empty,
                    s.max.map { .integer($0) } ?? .empty, s.shareOver20.map { .decimal($0, places: 3) } ?? .empty,
                ] + level.bins.map { empty && level.status == "missing" ? .empty : .integer($0) }
                    + [.text(level.mergedFrom.joined(separator: "; ")), .raw(level.overCap ? "true" : "false")])
        }
        try stage("results.csv", results.bytes)
        // For people: the levels in Swedish (results.xlsx), and every table of the run (tabeller.xlsx).
        try stage("results.xlsx", PeopleTables.workbook([PeopleTables.compileLevels(result)], path: "results.xlsx"))
        try stage("tabeller.xlsx", PeopleTables.compile(result))

        var feedback = CSVWriter(header: [
            "provider", "name", "provider_type", "district", "users", "mean_staff", "group_mean", "city_mean",
            "difference_from_group", "difference_from_city", "compared_with_group", "compared_with_city",
        ])
        for f in result.feedback {
            func decimal(_ value: Double?) -> CSVWriter.Cell { value.map { .decimal($0, places: 2) } ?? .empty }
            feedback.row([
                .text(f.provider), .text(f.name), .text(f.providerType), .text(f.district), .integer(f.users),
                decimal(f.mean), decimal(f.groupMean), decimal(f.cityMean), decimal(f.differenceFromGroup),
                decimal(f.differenceFromCity), .raw(FeedbackRow.comment(f.differenceFromGroup)),
                .raw(FeedbackRow.comment(f.differenceFromCity)),
            ])
        }
        try stage("feedback.csv", feedback.bytes)

        var missing = CSVWriter(header: ["provider", "name", "provider_type", "district"])
        for m in result.missing {
            missing.row([.text(m.key), .text(m.name), .text(m.providerType), .text(m.district)])
        }
        try stage("missing_forms.csv", missing.bytes)
        if !result.trend.isEmpty {
            var trend = CSVWriter(header: trendHeader)
            for level in result.trend {
                let s = level.summary
                trend.row([
                    .raw(level.level.rawValue), .text(level.key), .text(level.name),
                    level.year.map { .integer($0) } ?? .empty, .integer(s.count),
                    s.mean.map { .decimal($0, places: 2) } ?? .empty,
                    s.median.map { .raw(CSVWriter.formatMedian($0)) } ?? .empty,
                    s.shareOver20.map { .decimal($0, places: 3) } ?? .empty,
                ])
            }
            try stage("trend.csv", trend.bytes)
        }
        try stage("kolada.json", koladaJSON(result))
        // The report names the forms as `fileNames` shows them (a name that looks personal is "fil N").
        let report = CompileReport(
            result: result, minimumUsers: options.minUsersForReport,
            provenance: ReportProvenance(inputPaths: result.forms)
        ).rendered()
        try stage("report.html", Array(report.page.utf8))
        for chart in report.chartFiles { try stage(chart.path, chart.bytes) }
        try stage("rejected.csv", RejectedRowFiles.shareableCSV(result.rejectedRows, files: fileNames))
        let findings = check.scanOutputs(shareable, threads: 2)
        if !findings.isEmpty { throw OutputError.disclosure(findings) }
        if let path = options.rejectedRowsPath {
            try RejectedRowFiles.writeRaw(result.rejectedRows, to: path, outputDirectory: directory.path)
        }
        try directory.commit(replacing: { $0.hasPrefix("charts/") || $0 == "trend.csv" })
        return WrittenOutputs(files: written)
    }

    /// The city figures in the shape of Kolada's API data objects: `{"count", "values": [{"kpi",
    /// "municipality", "period", "values": [{"gender", "count", "status", "value"}]}]}` for U21401 (mean), U21402
    /// (median) and U21436 (share over 20, in per cent). `gender` is "T" (total), `count` the number of users.
    static func koladaJSON(_ result: CompileResult) throws -> [UInt8] {
        // One data object per KPI and year: the period's, or with --trend every year's.
        let cities = (result.trend.isEmpty ? result.levels : result.trend).filter { $0.level == .city }
        guard !cities.isEmpty else { return Array("{}\n".utf8) }
        func number(_ value: Double?, _ places: Int) -> Any {
            value.flatMap { Double(CSVWriter.format($0, places: places)) } ?? NSNull()
        }
        var values: [[String: Any]] = []
        for city in cities {
            let s = city.summary
            let figures: [(String, Any)] = [
                ("U21401", number(s.mean, 2)), ("U21402", number(s.median, 1)),
                ("U21436", number(s.shareOver20.map { $0 * 100 }, 1)),
            ]
            for (kpi, value) in figures {
                var entry: [String: Any] = [
                    "kpi": kpi, "municipality": result.municipality,
                    "values": [
                        [
                            "gender": "T", "count": s.count, "status": s.count == 0 ? "missing" : NSNull(),
                            "value": value,
                        ]
                    ],
                ]
                entry["period"] = (city.year ?? result.period.map { $0.start.year }) ?? NSNull()
                values.append(entry)
            }
        }
        let object: [String: Any] = ["count": values.count, "values": values]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        return Array(data) + [0x0A]
    }

    /// The summary printed on stderr.
    package static func summary(_ result: CompileResult) -> String {
        var lines = [
            "forms \(result.forms.count): rows read \(result.rowsRead) = used \(result.rowsUsed) + rejected "
                + "\(result.rejectedRows.count - result.registerRowsRejected)"
        ]
        if let period = result.period { lines.append("period: \(period.start) – \(period.end)") }
        if let city = result.levels.first(where: { $0.level == .city }), let mean = city.summary.mean {
            lines.append("city: \(city.summary.count) users, mean \(CSVWriter.format(mean, places: 2))")
        }
        for form in result.formsWithoutRows { lines.append("\(form): the form has no rows") }
        if result.registerRowsRead > 0 {
            lines.append(
                "register rows read \(result.registerRowsRead) = used "
                    + "\(result.registerRowsRead - result.registerRowsRejected) + rejected \(result.registerRowsRejected)"
            )
        }
        var reasons: [String: Int] = [:]
        for row in result.rejectedRows { reasons[row.reason, default: 0] += 1 }
        if !reasons.isEmpty {
            lines.append(
                "rejected by reason: "
                    + reasons.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        for level in result.levels where level.overCap {
            lines.append(
                "over the cap: \"\(level.key)\" has \(level.summary.count) users, more than the method's "
                    + "\(FormValidation.sampleCap): its form was not sampled as the method says")
        }
        // One per line: provider names may hold commas.
        if !result.missing.isEmpty { lines.append("missing forms (\(result.missing.count)):") }
        for missing in result.missing {
            lines.append("  \"\(missing.key)\"" + (missing.name.isEmpty ? "" : " (\(missing.name))"))
        }
        return lines.joined(separator: "\n")
    }
}
