/// The report page of `kontinuitet compile` (`report.html`): the city's results by level, providers compared
/// with their group and the city, the feedback, and the missing forms. Swedish, self-contained, no user data.
///
/// Small-number protection: a level (provider, unit, district, type) with fewer users than `minimumUsers` shows
/// "för få" instead of its figures and is left out of the chart; `results.csv` stays complete.
struct CompileReport: ReportPage {
    var result: CompileResult
    /// Levels with fewer users than this are shown as "för få" (`--min-users`, default 5).
    var minimumUsers = 5
    /// When, by which version and from which files the report was made.
    var provenance: ReportProvenance

    init(result: CompileResult, minimumUsers: Int = 5, provenance: ReportProvenance? = nil) {
        self.result = result
        self.minimumUsers = minimumUsers
        self.provenance = provenance ?? ReportProvenance(inputPaths: result.forms)
    }

    /// The page; each chart drawn is appended to `charts` (written under `charts/`, for Word).
    func document(charts: inout [ReportChart]) -> HTMLDocument {
        let body: [HTMLNode?] = [
            header(), methodSection(), levelsSection(), unitsSection(), trendSection(charts: &charts),
            chartSection(charts: &charts), feedbackSection(), missingSection(), footer(),
        ]
        return HTMLDocument(title: "Personalkontinuitet – sammanställning", body: body.compactMap { $0 })
    }

    /// What the top level is called: the whole city only when a provider register says which providers the city
    /// has and more than one sent a form; else what the input is.
    private var cityLabel: String {
        let providers = result.levels.filter { $0.level == .provider }.count
        return result.registerRowsRead > 0 && providers > 1 ? "Hela staden" : "Alla utförare i underlaget"
    }

    /// The method in words, for a reader who has nothing but the page.
    private func methodSection() -> HTMLNode {
        let text =
            "Varje utförare mäter personalkontinuiteten enligt Koladas metod: antalet olika personal som en brukare "
            + "med minst två besök om dagen mött under 14 dagar (kl. 07–22), i ett urval om högst 150 brukare, och "
            + "skickar en rad per brukare i urvalet. Här räknas medelvärde, median och andelen som mött fler än 20 "
            + "för staden, utförartyperna, stadsdelarna (kommunal regi), utförarna och enheterna, alltid över alla "
            + "brukare i nivån. Utförare och enheter redovisas under sitt id i utförarregistret och som de är vid "
            + "mätperiodens slut. Rader för en annan period, eller samma löpnummer två gånger med olika antal, räknas "
            + "inte."
        return HTMLNode.section(
            "Så har siffrorna räknats", id: "metod", [.element("p", ["class": "method"], text: text)])
    }

    private func periodText() -> String {
        result.period.map { " Mätperiod: \(ReportFormat.dateRange($0.start, $0.end))." } ?? ""
    }

    private func header() -> HTMLNode {
        .element(
            "header", ["class": "report"],
            [
                .element("p", ["class": "kicker"], text: "Hemtjänst · Sammanställning av utförarnas Kolada-blanketter"),
                .element("h1", text: "Personalkontinuitet – staden"),
                .element(
                    "p", ["class": "lead"],
                    text: "Antal personal som brukarna mött under 14 dagar, sammanställt för staden, utförartyp, "
                        + "stadsdel och utförare.\(periodText())"),
                provenance.madeLine(command: "compile"),
            ])
    }

    private func figureCells(_ s: ProviderSummary) -> [HTMLTable.Cell] {
        guard s.count > 0 else { return [.count(0), .empty, .empty, .empty, .empty, .empty] }
        if s.count < minimumUsers { return [.count(s.count)] + Array(repeating: .suppressed, count: 5) }
        return [
            .count(s.count), s.mean.map { .decimal(csv: CSVWriter.format($0, places: 2)) } ?? .empty,
            s.median.map { .decimal(csv: CSVWriter.formatMedian($0)) } ?? .empty, s.min.map { .count($0) } ?? .empty,
            s.max.map { .count($0) } ?? .empty,
            s.shareOver20.map { .percent(fractionCSV: CSVWriter.format($0, places: 3)) } ?? .empty,
        ]
    }

    private func levelsSection() -> HTMLNode {
        let rows = (result.levels.filter { $0.level != .unit } + result.missing).map { level -> HTMLTable.Row in
            let label = level.level == .city ? cityLabel : (level.name.isEmpty ? level.key : level.name)
            // An active level needs no word beside its name.
            var status = level.status == "active" ? "" : LevelResult.swedishStatus(level.status)
            if level.overCap {
                status += (status.isEmpty ? "" : ", ") + "fler än \(FormValidation.sampleCap) brukare"
            }
            return HTMLTable.Row(
                cells: [.text(level.level.swedishName), .text(label + (status.isEmpty ? "" : " (\(status))"))]
                    + figureCells(level.summary),
                kind: level.level == .city ? .total : .normal)
        }
        let table = HTMLTable(
            caption: nil,
            columns: [
                .text("Nivå"), .text("Namn"), .number("Brukare"), .number("Medelvärde"), .number("Median"),
                .number("Lägst"), .number("Högst"), .number("Andel över 20"),
            ], rows: rows)
        return HTMLNode.section(
            "Resultat per nivå", id: "resultat",
            [
                table.node(),
                .note(
                    "Alla medelvärden är viktade per brukare: medelvärdet över alla brukare i nivån, inte "
                        + "medelvärdet av utförarnas medelvärden. Stadsdel avser hemtjänst i kommunal regi."),
            ])
    }

    /// The units of every provider, as they are at the end of the period, with the units renamed or merged into
    /// them (quality reports are written per unit).
    private func unitsSection() -> HTMLNode? {
        let units = result.levels.filter { $0.level == .unit }
        guard !units.isEmpty else { return nil }
        let rows = units.map { unit -> HTMLTable.Row in
            let provider = String(unit.key.prefix(while: { $0 != "/" })).trimmingBlanks
            var change = unit.status == "closed" ? "nedlagd" : ""
            if !unit.mergedFrom.isEmpty {
                change = "tidigare: " + unit.mergedFrom.joined(separator: ", ")
            }
            return HTMLTable.Row(cells: [.text(provider), .text(unit.name), .text(change)] + figureCells(unit.summary))
        }
        let table = HTMLTable(
            caption: nil,
            columns: [
                .text("Utförare"), .text("Enhet"), .text("Ändring"), .number("Brukare"), .number("Medelvärde"),
                .number("Median"), .number("Lägst"), .number("Högst"), .number("Andel över 20"),
            ], rows: rows)
        return HTMLNode.section(
            "Resultat per enhet", id: "enheter",
            [
                table.node(),
                .note(
                    "Enheterna som de är vid mätperiodens slut. En enhet som bytt namn eller slagits samman med en "
                        + "annan före periodens sista dag redovisas under den nya enheten; \"tidigare\" visar de "
                        + "enheter som ingår."),
            ])
    }

    /// With `--trend`: the figure per year as a line, for the city, each provider type, district and provider.
    private func trendSection(charts files: inout [ReportChart]) -> HTMLNode? {
        let years = Array(Set(result.trend.compactMap(\.year))).sorted()
        guard years.count > 1 else { return nil }
        func series(_ level: LevelResult.Level) -> [SVGLineChart.Series] {
            let keys = Array(Set(result.trend.filter { $0.level == level }.map(\.key))).sorted()
            return keys.map { key in
                let levels = result.trend.filter { $0.level == level && $0.key == key }
                let name = level == .city ? cityLabel : (levels.first { !$0.name.isEmpty }?.name ?? key)
                return SVGLineChart.Series(
                    name: name,
                    values: years.map { year in
                        levels.first { $0.year == year && $0.summary.count >= minimumUsers }?.summary.mean
                    })
            }
        }
        var charts: [HTMLNode] = []
        for (level, title) in [
            (LevelResult.Level.city, "Staden"), (.providerType, "Utförartyp"), (.district, "Stadsdel (kommunal regi)"),
            (.provider, "Utförare"),
        ] {
            let lines = series(level)
            guard !lines.isEmpty else { continue }
            // Several small charts rather than one with fifty lines: at most eight lines in each.
            for start in stride(from: 0, to: lines.count, by: 8) {
                let part = Array(lines[start..<min(lines.count, start + 8)])
                let chart = SVGLineChart(
                    categories: years.map(String.init), series: part, axisTitle: "Medelvärde, antal personal",
                    title: "\(title): medelvärde per år")
                let caption = lines.count > 8 ? "\(title) (\(start / 8 + 1))" : title
                let file = ReportChart(
                    name: "trend-\(FileNames.slug(caption))", heading: "\(caption): medelvärde per år",
                    svg: chart.node())
                files.append(file)
                charts.append(
                    .element("figure", ["class": "trend"], [.element("figcaption", text: caption), file.node]))
            }
        }
        return HTMLNode.section(
            "Utveckling över åren", id: "trend",
            charts + [
                .note(
                    "Varje år sammanställt för sig, som om det vore ensamt (samma regler). Ett år med färre än "
                        + "\(minimumUsers) brukare visas inte.")
            ])
    }

    private func chartSection(charts: inout [ReportChart]) -> HTMLNode {
        let providers = result.levels.filter {
            $0.level == .provider && $0.summary.mean != nil && $0.summary.count >= minimumUsers
        }
        .sorted { ($0.summary.mean ?? 0) < ($1.summary.mean ?? 0) }
        let bars = providers.map { p -> SVGBarChart.Bar in
            let csv = CSVWriter.format(p.summary.mean ?? 0, places: 2)
            return SVGBarChart.Bar(
                label: p.name.isEmpty ? p.key : p.name, value: Double(csv), shown: ReportFormat.decimal(csv: csv),
                csv: csv, note: "")
        }
        var lines: [ChartReferenceLine] = []
        if let cityLevel = result.levels.first(where: { $0.level == .city }), cityLevel.summary.count >= minimumUsers,
            let city = cityLevel.summary.mean
        {
            let csv = CSVWriter.format(city, places: 2)
            lines.append(
                ChartReferenceLine(
                    value: Double(csv) ?? city, label: "\(cityLabel) \(ReportFormat.decimal(csv: csv))",
                    emphasis: .primary,
                    csv: csv))
        }
        for group in result.levels where group.level == .providerType && group.summary.count >= minimumUsers {
            guard let mean = group.summary.mean else { continue }
            let csv = CSVWriter.format(mean, places: 2)
            lines.append(
                ChartReferenceLine(
                    value: Double(csv) ?? mean, label: "\(group.key) \(ReportFormat.decimal(csv: csv))",
                    emphasis: .secondary, csv: csv))
        }
        let chart = SVGBarChart(
            bars: bars, referenceLines: lines, axisTitle: "Medelvärde, antal personal per brukare",
            title: "Utförarna sorterade efter medelvärde, med staden och utförartyperna som linjer")
        let file = ReportChart(
            name: "jamforelse", heading: "Utförarna sorterade efter medelvärde", svg: chart.node())
        charts.append(file)
        return HTMLNode.section("Utförarna jämförda", id: "jamforelse", [file.node])
    }

    private func feedbackSection() -> HTMLNode {
        func decimal(_ value: Double?) -> HTMLTable.Cell {
            value.map { .decimal(csv: CSVWriter.format($0, places: 2)) } ?? .empty
        }
        let rows = result.feedback.map { f in
            if f.users < minimumUsers {
                return HTMLTable.Row(
                    cells: [.text(f.name.isEmpty ? f.provider : f.name), .text(f.providerType), .count(f.users)]
                        + Array(repeating: .suppressed, count: 7))
            }
            return HTMLTable.Row(cells: [
                .text(f.name.isEmpty ? f.provider : f.name), .text(f.providerType), .count(f.users), decimal(f.mean),
                decimal(f.groupMean), decimal(f.differenceFromGroup), .text(FeedbackRow.comment(f.differenceFromGroup)),
                decimal(f.cityMean), decimal(f.differenceFromCity), .text(FeedbackRow.comment(f.differenceFromCity)),
            ])
        }
        let table = HTMLTable(
            caption: nil,
            columns: [
                .text("Utförare"), .text("Typ"), .number("Brukare"), .number("Medelvärde"), .number("Gruppen"),
                .number("Skillnad"), .text("Mot gruppen"), .number("Staden"), .number("Skillnad"), .text("Mot staden"),
            ], rows: rows)
        return HTMLNode.section(
            "Återkoppling till utförarna", id: "aterkoppling",
            [
                table.node(),
                .note(
                    "Färre personal per brukare är bättre kontinuitet. \"Bättre\" eller \"sämre\" när skillnaden "
                        + "är minst \(ReportFormat.decimal(csv: CSVWriter.format(FeedbackRow.threshold, places: 1))) "
                        + "personal; annars \"som jämförelsen\". Gruppen är utförare av samma typ (kommunal/privat)."),
            ])
    }

    private func missingSection() -> HTMLNode {
        let items: [HTMLNode] =
            result.missing.isEmpty
            ? [.element("p", text: "Alla registrerade utförare har lämnat blankett.")]
            : [.element("ul", [:], result.missing.map { .element("li", text: $0.name.isEmpty ? $0.key : $0.name) })]
        let rejected = result.rejectedRows.count
        return HTMLNode.section(
            "Saknade blanketter och avvisade rader", id: "saknade",
            items + [
                .element(
                    "p",
                    text: "Inlästa rader: \(ReportFormat.integer(result.rowsRead)), använda: "
                        + "\(ReportFormat.integer(result.rowsUsed)), avvisade: \(ReportFormat.integer(rejected)) "
                        + "(listade i rejected.csv).")
            ])
    }

    private func footer() -> HTMLNode {
        .element(
            "footer", ["class": "report note"],
            [
                provenance.footerParagraph(command: "compile"),
                .element("p", text: "Rapporten innehåller inga uppgifter om enskilda brukare."),
            ])
    }
}
