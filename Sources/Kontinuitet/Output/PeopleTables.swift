/// `tabeller.xlsx`: the shareable tables of a run as a workbook for people (docs/report.md, "Workbooks"), beside
/// the machine CSV files, which stay as they are (UTF-8, comma, point decimal, English headers).
///
/// Double-clicked in Swedish Excel a CSV lands in one column with broken å/ä/ö; the workbook does not: Swedish
/// headers and values (`ja`/`nej`, the reasons in words), numbers as numbers, shares as percentages, medians with
/// as many decimals as they have, sensible column widths and a frozen header row.
enum PeopleTables {
    /// A sheet with a header and rows.
    static func sheet(_ name: String, _ header: [String], _ rows: [[XLSXCell]]) -> XLSXSheet {
        XLSXSheet(name: name, rows: [header.map { .text($0) }] + rows)
    }

    /// The figures of a `ProviderSummary` as cells: mean (two decimals), median, lowest, highest, share over 20.
    static func figures(_ s: ProviderSummary) -> [XLSXCell] {
        [
            s.mean.flatMap { Double(CSVWriter.format($0, places: 2)) }.map { .number($0) } ?? .empty,
            s.median.map { .general($0) } ?? .empty, s.min.map { .integer($0) } ?? .empty,
            s.max.map { .integer($0) } ?? .empty, s.shareOver20.map { .percent($0) } ?? .empty,
        ]
    }

    static let figureHeaders = ["Medelvärde", "Median", "Lägst", "Högst", "Andel över 20"]

    /// `ja` or `nej`.
    static func yesNo(_ value: Bool) -> XLSXCell { .text(value ? "ja" : "nej") }

    /// A reason a user is not measured, in words.
    static func reason(_ reason: NotMeasuredReason?) -> XLSXCell {
        switch reason {
        case nil: return .empty
        case .noVisitsInPeriod: return .text("inga besök under perioden")
        case .under65: return .text("under 65 år")
        case .tooFewDailyVisits: return .text("färre än två besök någon dag")
        }
    }

    /// The workbook's bytes.
    static func workbook(_ sheets: [XLSXSheet], path: String) throws -> [UInt8] {
        do {
            return try XLSXWorkbook(sheets: sheets).bytes()
        } catch {
            throw OutputError.cannotWrite(path: path, reason: error.description)
        }
    }

    /// `measure`'s tables: users (by löpnummer), providers and units.
    static func measure(_ result: MeasureResult, order: [Int], shownIDs: [String]) throws -> [UInt8] {
        let users = order.map { index -> [XLSXCell] in
            let user = result.users[index]
            return [
                .text(user.provider), .text(user.unit),
                Int(shownIDs[index]).map { .integer($0) } ?? .text(shownIDs[index]),
                yesNo(user.measured), reason(user.reason), .integer(user.daysWithVisits), .integer(user.visits),
                .integer(user.distinctStaff), yesNo(user.sampled),
            ]
        }
        let providers = result.providers.map { p -> [XLSXCell] in
            [.text(p.provider), .integer(p.measuredUsers), .integer(p.sampledUsers)] + figures(p.summary)
        }
        let units = result.units.map { u -> [XLSXCell] in
            [.text(u.provider), .text(u.unit), .integer(u.measuredUsers), .integer(u.sampledUsers)] + figures(u.summary)
        }
        return try workbook(
            [
                sheet("Utförare", ["Utförare", "Mätta brukare", "Brukare i urvalet"] + figureHeaders, providers),
                sheet("Enheter", ["Utförare", "Enhet", "Mätta brukare", "Brukare i urvalet"] + figureHeaders, units),
                sheet(
                    "Brukare",
                    [
                        "Utförare", "Enhet", "Löpnummer", "Mätt", "Skäl", "Dagar med besök", "Besök", "Antal personal",
                        "I urvalet",
                    ], users),
            ], path: "tabeller.xlsx")
    }

    /// `compile`'s levels (`results.xlsx` too) in Swedish.
    static func compileLevels(_ result: CompileResult) -> XLSXSheet {
        let rows = (result.levels + result.missing).map { level -> [XLSXCell] in
            [
                .text(level.level.swedishName), .text(level.level == .city ? "Hela staden" : level.key),
                .text(level.name), .text(LevelResult.swedishStatus(level.status)), .text(level.providerType),
                .text(level.district),
                .integer(level.summary.count),
            ] + figures(level.summary) + [
                .text(level.mergedFrom.joined(separator: ", ")), .text(level.overCap ? "fler än 150 brukare" : ""),
            ]
        }
        return sheet(
            "Resultat",
            ["Nivå", "Nyckel", "Namn", "Status", "Utförartyp", "Stadsdel", "Brukare"] + figureHeaders + [
                "Tidigare enheter", "Anmärkning",
            ], rows)
    }

    /// `compile`'s tables: levels, feedback and the missing forms.
    static func compile(_ result: CompileResult) throws -> [UInt8] {
        func decimal(_ value: Double?) -> XLSXCell {
            value.flatMap { Double(CSVWriter.format($0, places: 2)) }.map { .number($0) } ?? .empty
        }
        let feedback = result.feedback.map { f -> [XLSXCell] in
            [
                .text(f.provider), .text(f.name), .text(f.providerType), .text(f.district), .integer(f.users),
                decimal(f.mean), decimal(f.groupMean), decimal(f.differenceFromGroup),
                .text(FeedbackRow.comment(f.differenceFromGroup)), decimal(f.cityMean), decimal(f.differenceFromCity),
                .text(FeedbackRow.comment(f.differenceFromCity)),
            ]
        }
        let missing = result.missing.map { m -> [XLSXCell] in
            [.text(m.key), .text(m.name), .text(m.providerType), .text(m.district)]
        }
        return try workbook(
            [
                compileLevels(result),
                sheet(
                    "Återkoppling",
                    [
                        "Utförare", "Namn", "Utförartyp", "Stadsdel", "Brukare", "Medelvärde", "Gruppens medelvärde",
                        "Skillnad mot gruppen", "Mot gruppen", "Stadens medelvärde", "Skillnad mot staden",
                        "Mot staden",
                    ], feedback),
                sheet("Saknade blanketter", ["Utförare", "Namn", "Utförartyp", "Stadsdel"], missing),
            ], path: "tabeller.xlsx")
    }

    /// `time-report`'s tables: provider-months, user-months (by löpnummer) and the capacity warnings.
    static func timeReport(_ result: TimeReportResult, shownUser: (String, String) -> String) throws -> [UInt8] {
        func hours(_ value: Double?) -> XLSXCell {
            value.flatMap { Double(CSVWriter.format($0, places: 2)) }.map { .number($0) } ?? .empty
        }
        let allocated = { (value: Double) -> XLSXCell in result.allocatedGiven ? hours(value) : .empty }
        let months = result.providerMonths.map { m -> [XLSXCell] in
            [
                .text(m.provider), .text(ReportFormat.month(csv: m.month)), allocated(m.allocatedHours),
                hours(m.grantedHours), hours(m.performedHours),
                m.performedAllocatedRatio.map { .percent($0) } ?? .empty,
                m.executionRate.map { .percent($0) } ?? .empty, .integer(m.visits), .integer(m.visitsWithoutCheckOut),
                hours(m.capacityHours), m.capacityShare.map { .percent($0) } ?? .empty,
            ]
        }
        let users = result.userMonths.map { m -> [XLSXCell] in
            let shown = shownUser(m.provider, m.user)
            return [
                .text(m.provider), Int(shown).map { .integer($0) } ?? .text(shown),
                .text(ReportFormat.month(csv: m.month)),
                allocated(m.allocatedHours), hours(m.grantedHours), hours(m.performedHours),
                result.allocatedGiven ? hours(m.differenceHours) : .empty,
            ]
        }
        let warnings = result.warnings.map { w -> [XLSXCell] in
            [
                .text(w.provider), .text(ReportFormat.month(csv: w.month)), hours(w.performedHours),
                hours(w.capacityHours),
                .percent(Double(w.percent) / 100), .text(w.message),
            ]
        }
        return try workbook(
            [
                sheet(
                    "Månader",
                    [
                        "Utförare", "Månad", "Fördelad tid (h)", "Beviljad tid (h)", "Utförd tid (h)",
                        "Utförd av fördelad", "Utförandegrad", "Besök", "Besök utan utcheckning", "Kapacitetstak (h)",
                        "Andel av taket",
                    ], months),
                sheet(
                    "Brukare per månad",
                    [
                        "Utförare", "Löpnummer", "Månad", "Fördelad tid (h)", "Beviljad tid (h)", "Utförd tid (h)",
                        "Skillnad (h)",
                    ], users),
                sheet(
                    "Kapacitet", ["Utförare", "Månad", "Utförd tid (h)", "Kapacitetstak (h)", "Andel", "Varning"],
                    warnings),
            ], path: "tabeller.xlsx")
    }
}
