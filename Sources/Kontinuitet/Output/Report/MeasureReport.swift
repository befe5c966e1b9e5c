import Foundation

/// The report page of `kontinuitet measure` (`report.html`): a self-contained Swedish page for publishing.
///
/// Sections: title and period; key figures for the whole city; the rules applied; the figures per provider with the
/// city as comparison row; providers compared by mean (bar chart with the city mean as a line); the distribution of
/// staff per user per provider (histograms as small multiples); the users counted; the reconciliation of rows per
/// file; a footer on how the report relates to the CSV files.
///
/// Every figure is shown from the same text the CSV writer produces (`CSVWriter.format`), with a decimal comma, and
/// carries that text in `data-value`. A provider with fewer measured users than `minimumUsers` shows "för få" in
/// place of its figures and its distribution, and no `data-value` for them (the CSV files stay complete: they are
/// for the analyst, the report is for publishing). The page never holds user ids, names or personnummer: only
/// provider names, file names, counts and figures.
struct MeasureReport {
    var result: MeasureResult
    /// Providers (and the city) with fewer measured users than this are shown as "för få".
    var minimumUsers: Int

    /// The text of a provider's figures held back by the small-number rule.
    static let suppressedText = HTMLTable.suppressedText
    /// The label of the city comparison row and line.
    static let cityLabel = "Hela staden"

    /// Swedish names of the exclusion rules: short (table headings) and long (explanations).
    static func ruleName(_ rule: ExclusionRule) -> (short: String, long: String) {
        switch rule {
        case .outsidePeriod: return ("Utanför perioden", "Besöket började utanför mätperiodens 14 dagar")
        case .excludedCategory:
            return ("Insats", "Insatsen räknas inte (matleverans, larm, hemsjukvård)")
        case .excludedRole:
            return ("Personalroll", "Personalen räknas inte (elev, praktikant, hemsjukvårdens personal)")
        case .outsideHours: return ("Före 07/efter 22", "Besöket började före kl. 07.00 eller från kl. 22.00")
        }
    }

    /// Swedish names of the reasons a user is not measured.
    static func reasonName(_ reason: NotMeasuredReason) -> String {
        switch reason {
        case .noVisitsInPeriod: return "inga besök i mätperioden"
        case .under65: return "yngre än 65 år"
        case .tooFewDailyVisits: return "färre än två besök någon dag"
        }
    }

    // MARK: - Figures

    /// A provider's (or the city's) figures as the report shows them.
    struct Figures {
        var name: String
        var measuredUsers: Int
        var sampledUsers: Int
        var summary: ProviderSummary
        var distribution: [Int]
        /// Held back by the small-number rule.
        var suppressed: Bool

        /// The mean as `providers.csv` writes it (two decimals), nil when there is none.
        var meanCSV: String? { summary.mean.map { CSVWriter.format($0, places: 2) } }
    }

    func figures(_ provider: ProviderMeasurement) -> Figures {
        Figures(
            name: provider.provider, measuredUsers: provider.measuredUsers, sampledUsers: provider.sampledUsers,
            summary: provider.summary, distribution: provider.distribution,
            suppressed: provider.measuredUsers < minimumUsers)
    }

    /// The whole city: every sampled user of every provider counts once (the mean is user-weighted).
    func cityFigures() -> Figures {
        let sampled = result.users.filter(\.sampled).map(\.distinctStaff)
        var distribution = [Int](repeating: 0, count: StaffCountBin.allCases.count)
        for count in sampled { distribution[StaffCountBin(staffCount: count).rawValue] += 1 }
        let measured = result.users.filter(\.measured).count
        return Figures(
            name: Self.cityLabel, measuredUsers: measured, sampledUsers: sampled.count,
            summary: ProviderSummary(staffCounts: sampled), distribution: distribution,
            suppressed: measured < minimumUsers)
    }

    /// Providers in Swedish alphabetical order, ties by byte order.
    func providersByName() -> [Figures] {
        result.providers.map(figures).sorted { a, b in
            let ka = SwedishCollation.key(a.name)
            let kb = SwedishCollation.key(b.name)
            if ka != kb { return ka.lexicographicallyPrecedes(kb) }
            return a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
        }
    }

    // MARK: - Page

    /// The page as UTF-8 text.
    func render() -> String { document().render() }

    func document() -> HTMLDocument {
        let city = cityFigures()
        let providers = providersByName()
        let body: [HTMLNode] = [
            header(),
            keyFigures(city, providerCount: providers.count),
            rulesSection(),
            providerTableSection(providers, city: city),
            barChartSection(providers, city: city),
            distributionSection(providers, city: city),
            indicesSection(),
            rollingSection(),
            usersSection(),
            reconciliationSection(),
            footer(),
        ]
        return HTMLDocument(title: "Personalkontinuitet \(periodText())", body: body)
    }

    func periodText() -> String { ReportFormat.dateRange(result.period.start, result.period.end) }

    /// Whether the period is the Kolada default (ISO weeks 36–37) of its year.
    var isKoladaPeriod: Bool { result.period == PeriodWindow.kolada(year: result.period.start.year) }

    private func header() -> HTMLNode {
        let weeks = isKoladaPeriod ? " (vecka 36–37)" : ""
        return .element(
            "header", ["class": "report"],
            [
                .element("p", ["class": "kicker"], text: "Hemtjänst · Mätning enligt Koladas metod"),
                .element("h1", text: "Personalkontinuitet"),
                .element(
                    "p", ["class": "lead"],
                    text: "Antal personal som varje brukare mött under 14 dagar. Mätperiod: \(periodText())\(weeks)."),
            ])
    }

    private func keyFigures(_ city: Figures, providerCount: Int) -> HTMLNode {
        func card(_ label: String, _ shown: String, csv: String?) -> HTMLNode {
            .element(
                "div", ["class": "key-figure"],
                [
                    .element("span", ["class": "label"], text: label),
                    .element("span", ["class": "value", "data-value": csv], text: shown),
                ])
        }
        let s = city.summary
        var cards: [HTMLNode] = []
        if city.suppressed {
            cards.append(card("Medelvärde, \(Self.cityLabel.lowercased())", Self.suppressedText, csv: nil))
            cards.append(card("Median", Self.suppressedText, csv: nil))
            cards.append(card("Andel som mött fler än 20", Self.suppressedText, csv: nil))
        } else {
            let mean = s.mean.map { CSVWriter.format($0, places: 2) }
            let median = s.median.map(CSVWriter.formatMedian)
            let share = s.shareOver20.map { CSVWriter.format($0, places: 3) }
            cards.append(
                card(
                    "Medelvärde, \(Self.cityLabel.lowercased())", mean.map(ReportFormat.decimal) ?? "–",
                    csv: mean ?? ""))
            cards.append(card("Median", median.map(ReportFormat.decimal) ?? "–", csv: median ?? ""))
            cards.append(
                card(
                    "Andel som mött fler än 20", share.map(ReportFormat.percent(fractionCSV:)) ?? "–",
                    csv: share ?? ""))
        }
        cards.append(
            card(
                "Brukare i urvalet hos \(ReportFormat.integer(providerCount)) utförare",
                ReportFormat.integer(city.sampledUsers), csv: String(city.sampledUsers)))
        return .element("div", ["class": "key-figures"], cards)
    }

    private func rulesSection() -> HTMLNode {
        let cap = ReportFormat.integer(result.options.sampleCap)
        let sampling: String
        switch result.options.sampling {
        case .everyKth:
            sampling =
                "Urval: högst \(cap) brukare per utförare. Har utföraren fler mätta brukare tas var k:te i "
                + "bokstavsordning (k = antal mätta / \(cap), avrundat uppåt), med början på den första."
        case .random(let seed):
            sampling =
                "Urval: högst \(cap) brukare per utförare, slumpmässigt dragna (frö \(seed)) när utföraren har fler "
                + "mätta brukare."
        case .all:
            sampling = "Urval: alla mätta brukare ingår (inget urval, ingen övre gräns)."
        }
        let weeks = isKoladaPeriod ? ", ISO-vecka 36–37 som i Koladas mätning" : ", vald startdag"
        let items = [
            "Mätperiod: 14 dagar, \(periodText())\(weeks).",
            "Besök räknas när de börjar mellan kl. 07.00 och 21.59 (07–22).",
            "Brukare mäts när de haft minst två besök varje dag under de 14 dagarna och är 65 år eller äldre "
                + "första dagen.",
            "Räknas inte: matleverans, larm och hemsjukvård, liksom elever, praktikanter och hemsjukvårdens "
                + "personal. Vid dubbelbemanning räknas båda personerna.",
            sampling,
            "Antal personal är antalet olika personer som gjort räknade besök hos brukaren. Ett lägre värde betyder "
                + "högre kontinuitet.",
            "Utförare med färre än \(ReportFormat.integer(minimumUsers)) mätta brukare redovisas som "
                + "”\(Self.suppressedText)”.",
        ]
        return HTMLNode.section(
            "Så har mätningen gjorts", id: "regler",
            [.element("ul", ["class": "rules"], items.map { .element("li", text: $0) })])
    }

    private func providerTableSection(_ providers: [Figures], city: Figures) -> HTMLNode {
        let columns: [HTMLTable.Column] = [
            .text("Utförare"), .number("Mätta brukare"), .number("Brukare i urvalet"), .number("Medelvärde"),
            .number("Median"), .number("Lägst"), .number("Högst"), .number("Andel som mött fler än 20"),
        ]
        var rows = providers.map { HTMLTable.Row(cells: figureCells($0)) }
        rows.append(HTMLTable.Row(cells: figureCells(city), kind: .comparison))
        let table = HTMLTable(caption: nil, columns: columns, rows: rows, className: "providers")
        return HTMLNode.section(
            "Resultat per utförare", id: "utforare",
            [
                table.node(),
                .note(
                    "Medelvärde, median, lägst och högst avser antal personal per brukare i urvalet. "
                        + "\(Self.cityLabel): alla brukare i urvalet hos alla utförare, där varje brukare väger lika."),
            ])
    }

    /// The cells of one row of the provider table.
    func figureCells(_ figures: Figures) -> [HTMLTable.Cell] {
        var cells: [HTMLTable.Cell] = [
            .text(figures.name), .count(figures.measuredUsers), .count(figures.sampledUsers),
        ]
        if figures.suppressed {
            cells += Array(repeating: .suppressed, count: 5)
            return cells
        }
        let s = figures.summary
        cells.append(s.mean.map { .decimal(csv: CSVWriter.format($0, places: 2)) } ?? .empty)
        cells.append(s.median.map { .decimal(csv: CSVWriter.formatMedian($0)) } ?? .empty)
        cells.append(s.min.map { .count($0) } ?? .empty)
        cells.append(s.max.map { .count($0) } ?? .empty)
        cells.append(s.shareOver20.map { .percent(fractionCSV: CSVWriter.format($0, places: 3)) } ?? .empty)
        return cells
    }

    private func barChartSection(_ providers: [Figures], city: Figures) -> HTMLNode {
        let shown = providers.filter { !$0.suppressed && $0.summary.mean != nil }
        let ranked = shown.enumerated().sorted { a, b in
            let ma = a.element.summary.mean ?? 0
            let mb = b.element.summary.mean ?? 0
            return ma != mb ? ma < mb : a.offset < b.offset
        }.map(\.element)
        var bars = ranked.map { figures -> SVGBarChart.Bar in
            let csv = figures.meanCSV ?? ""
            // Drawn at the shown value, so that bar, label and table agree to the last digit.
            return SVGBarChart.Bar(
                label: figures.name, value: Double(csv) ?? figures.summary.mean, shown: ReportFormat.decimal(csv: csv),
                csv: csv)
        }
        for figures in providers where figures.suppressed || figures.summary.mean == nil {
            bars.append(
                SVGBarChart.Bar(
                    label: figures.name, value: nil, shown: "", csv: nil,
                    note: figures.suppressed ? Self.suppressedText : "inga brukare i urvalet"))
        }
        var references: [ChartReferenceLine] = []
        if !city.suppressed, let csv = city.meanCSV, let mean = Double(csv) {
            references.append(
                ChartReferenceLine(
                    value: mean, label: "\(Self.cityLabel) \(ReportFormat.decimal(csv: csv))", emphasis: .primary,
                    csv: csv))
        }
        guard !ranked.isEmpty else {
            return HTMLNode.section(
                "Utförarna jämförda", id: "jamforelse",
                [
                    .note("Ingen utförare har tillräckligt många mätta brukare för att redovisas i diagrammet.")
                ])
        }
        let chart = SVGBarChart(
            bars: bars, referenceLines: references, axisTitle: "Medelvärde, antal personal per brukare",
            title: "Utförarnas medelvärde av antal personal per brukare, sorterat från lägst till högst")
        return HTMLNode.section(
            "Utförarna jämförda", id: "jamforelse",
            [
                .element(
                    "figure", [:],
                    [
                        chart.node(),
                        .element(
                            "figcaption",
                            text: "Medelvärde av antal personal per brukare, från lägst (högst kontinuitet) till "
                                + "högst. Linjen visar medelvärdet för \(Self.cityLabel.lowercased())."),
                    ])
            ])
    }

    private func distributionSection(_ providers: [Figures], city: Figures) -> HTMLNode {
        let labels = StaffCountBin.allCases.map { $0.label.replacingOccurrences(of: "-", with: "–") }
        let highlighted: Set<StaffCountBin> = [.upTo25, .over25]
        let visible = ([city] + providers).filter { !$0.suppressed && $0.sampledUsers > 0 }
        let maximumShare =
            visible.map { figures in
                Double(figures.distribution.max() ?? 0) / Double(max(1, figures.sampledUsers))
            }.max() ?? 1

        func panel(_ figures: Figures, overall: Bool) -> HTMLNode {
            let heading: HTMLNode = .element(
                "h3", [:],
                [
                    .text(figures.name + " "),
                    .element("span", ["class": "n"], text: "n = \(ReportFormat.integer(figures.sampledUsers))"),
                ])
            let content: HTMLNode
            if figures.suppressed {
                content = .element("div", ["class": "suppressed-panel"], text: "\(Self.suppressedText) mätta brukare")
            } else if figures.sampledUsers == 0 {
                content = .element("div", ["class": "suppressed-panel"], text: "inga brukare i urvalet")
            } else {
                let bins = StaffCountBin.allCases.map { bin in
                    SVGHistogram.Bin(
                        label: labels[bin.rawValue], count: figures.distribution[bin.rawValue],
                        highlighted: highlighted.contains(bin))
                }
                content =
                    SVGHistogram(
                        bins: bins, shareMaximum: maximumShare,
                        title: "\(figures.name): brukare efter antal personal"
                    ).node()
            }
            return .element(
                "div", ["class": overall ? "panel overall" : "panel", "data-name": figures.name], [heading, content])
        }

        let legend: HTMLNode = .element(
            "div", ["class": "legend"],
            [
                .element(
                    "span", [:],
                    [
                        .element("span", ["class": "swatch", "style": "background:\(ChartPalette.accent)"]),
                        .text("20 personal eller färre"),
                    ]),
                .element(
                    "span", [:],
                    [
                        .element("span", ["class": "swatch", "style": "background:\(ChartPalette.warn)"]),
                        .text("fler än 20 personal"),
                    ]),
            ])
        return HTMLNode.section(
            "Fördelning av antal personal per brukare", id: "fordelning",
            [
                .element(
                    "p", [:],
                    text: "Stapelns höjd är andelen av utförarens brukare i urvalet; talet ovanför är antalet brukare. "
                        + "Alla diagram har samma skala."),
                legend,
                .element(
                    "div", ["class": "multiples"],
                    [panel(city, overall: true)] + providers.map { panel($0, overall: false) }),
            ])
    }

    /// The continuity indices beside the Kolada figure: per provider, the means over its sampled users
    /// (docs/indices.md). Held back like the other figures for providers under the small-number limit.
    private func indicesSection() -> HTMLNode {
        func cell(_ value: Double?, suppressed: Bool) -> HTMLTable.Cell {
            if suppressed { return .suppressed }
            return value.map { .decimal(csv: CSVWriter.format($0, places: 2)) } ?? .empty
        }
        let rows = result.providers.sorted { $0.provider.utf8.lexicographicallyPrecedes($1.provider.utf8) }.map {
            provider -> HTMLTable.Row in
            let suppressed = provider.measuredUsers < minimumUsers
            let i = provider.indices
            let mean = provider.summary.mean.map { CSVWriter.format($0, places: 2) }
            return HTMLTable.Row(cells: [
                .text(provider.provider),
                suppressed ? .suppressed : (mean.map { .decimal(csv: $0) } ?? .empty),
                cell(i.meanCOC, suppressed: suppressed), cell(i.meanUPC, suppressed: suppressed),
                cell(i.meanSECON, suppressed: suppressed), cell(i.meanTopThreeShare, suppressed: suppressed),
            ])
        }
        let table = HTMLTable(
            caption: nil,
            columns: [
                .text("Utförare"), .number("Antal personal (Kolada)"), .number("COC"), .number("UPC"),
                .number("SECON"), .number("Tre vanligaste"),
            ], rows: rows)
        return HTMLNode.section(
            "Kontinuitetsindex", id: "index",
            [
                table.node(),
                .note(
                    "Medelvärden över brukarna i urvalet, 0–1 där 1 är störst kontinuitet. COC (Bice–Boxerman): "
                        + "hur koncentrerade besöken är till få personer. UPC: andelen besök av den vanligaste "
                        + "personen. SECON: andelen på varandra följande besök med samma person. Tre vanligaste: "
                        + "andelen besök av de tre vanligaste. Formler och källor: docs/indices.md."),
            ])
    }

    /// With `--rolling`: the yearly curve of the 14-day figure, with the Kolada weeks marked.
    private func rollingSection() -> HTMLNode {
        guard let rolling = result.rolling, !rolling.windows.isEmpty else { return .text("") }
        let firstDay = rolling.firstDay.dayNumber
        let starts = max(0, rolling.lastDay.dayNumber - firstDay - PeriodWindow.length + 2)
        var sums = [Double](repeating: 0, count: starts)
        var counts = [Int](repeating: 0, count: starts)
        for window in rolling.windows {
            let index = window.windowStart.dayNumber - firstDay
            guard index >= 0 && index < starts else { continue }
            sums[index] += window.mean * Double(window.measuredUsers)
            counts[index] += window.measuredUsers
        }
        let values: [Double?] = (0..<starts).map { counts[$0] > 0 ? sums[$0] / Double(counts[$0]) : nil }
        let categories = (0..<starts).map { offset -> String in
            let date = CivilDate(dayNumber: firstDay + offset)
            return date.day == 1 || offset == 0 ? String(date.description.prefix(7)) : ""
        }
        var marked: [SVGLineChart.MarkedRange] = []
        let koladaStart = result.period.firstDay - firstDay
        if koladaStart >= 0 && koladaStart < starts {
            marked.append(SVGLineChart.MarkedRange(first: koladaStart, last: koladaStart, label: "Koladas mätperiod"))
        }
        let chart = SVGLineChart(
            categories: categories, series: [SVGLineChart.Series(name: "Hela staden", values: values)],
            markedRanges: marked, axisTitle: "Antal personal", title: "Antal personal per brukare, 14 dagar i taget")
        // One small curve per provider (held back under the small-number limit), on the same scale.
        // Windows and months grouped by provider once (a city year has tens of thousands of windows).
        let windowsByProvider = Dictionary(grouping: rolling.windows, by: \.provider)
        let monthsByProvider = Dictionary(grouping: rolling.months, by: \.provider)
        let measuredByProvider = Dictionary(
            result.providers.map { ($0.provider, $0.measuredUsers) }, uniquingKeysWith: { first, _ in first })
        let providerNames = windowsByProvider.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let quarterCategories = categories.map { ["01", "04", "07", "10"].contains(String($0.suffix(2))) ? $0 : "" }
        var panels: [HTMLNode] = []
        for provider in providerNames {
            let measured = measuredByProvider[provider] ?? 0
            let heading: HTMLNode = .element("h3", text: provider)
            guard measured >= minimumUsers else {
                panels.append(
                    .element(
                        "div", ["class": "panel", "data-name": provider],
                        [
                            heading,
                            .element(
                                "div", ["class": "suppressed-panel"], text: "\(Self.suppressedText) mätta brukare"),
                        ]))
                continue
            }
            var series = [Double?](repeating: nil, count: starts)
            for window in windowsByProvider[provider] ?? [] {
                let index = window.windowStart.dayNumber - firstDay
                if index >= 0 && index < starts { series[index] = window.mean }
            }
            let small = SVGLineChart(
                categories: quarterCategories,
                series: [SVGLineChart.Series(name: provider, values: series)], markedRanges: marked,
                axisTitle: "", title: "\(provider): antal personal per brukare, 14 dagar i taget", width: 210,
                height: 130)
            panels.append(.element("div", ["class": "panel", "data-name": provider], [heading, small.node()]))
        }
        var monthRows: [HTMLTable.Row] = []
        for provider in monthsByProvider.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let months = monthsByProvider[provider] ?? []
            let suppressed = (measuredByProvider[provider] ?? 0) < minimumUsers
            let mean =
                suppressed
                ? nil
                : months.reduce(0.0) { $0 + $1.mean * Double($1.userWindows) }
                    / Double(max(1, months.reduce(0) { $0 + $1.userWindows }))
            let lowest = months.min { $0.mean < $1.mean }
            let highest = months.max { $0.mean < $1.mean }
            monthRows.append(
                HTMLTable.Row(cells: [
                    .text(provider), suppressed ? .suppressed : .count(months.count),
                    suppressed ? .suppressed : (mean.map { .decimal(csv: CSVWriter.format($0, places: 2)) } ?? .empty),
                    suppressed
                        ? .suppressed
                        : .text(
                            lowest.map {
                                "\($0.month) (\(ReportFormat.decimal(csv: CSVWriter.format($0.mean, places: 2))))"
                            } ?? ""),
                    suppressed
                        ? .suppressed
                        : .text(
                            highest.map {
                                "\($0.month) (\(ReportFormat.decimal(csv: CSVWriter.format($0.mean, places: 2))))"
                            } ?? ""),
                ]))
        }
        let table = HTMLTable(
            caption: nil,
            columns: [
                .text("Utförare"), .number("Månader"), .number("Medel över året"), .text("Bästa månaden"),
                .text("Sämsta månaden"),
            ], rows: monthRows)
        return HTMLNode.section(
            "Året runt", id: "aret-runt",
            [
                chart.node(),
                .note(
                    "Samma regler som Kolada-måttet, för varje 14-dagarsperiod som börjar på en dag i "
                        + "underlaget (\(ReportFormat.dateRange(rolling.firstDay, rolling.lastDay))). Kurvan visar "
                        + "medelvärdet för alla mätta brukare i staden per startdag; den markerade dagen är starten "
                        + "på Koladas mätperiod. Alla mätta brukare räknas, utan urval."),
                .element("div", ["class": "multiples"], panels),
                table.node(),
            ])
    }

    private func usersSection() -> HTMLNode {
        let users = result.users
        var rows: [HTMLTable.Row] = [
            HTMLTable.Row(cells: [.text("Brukare i underlaget"), .count(users.count)])
        ]
        for reason in NotMeasuredReason.allCases {
            let count = users.filter { $0.reason == reason }.count
            rows.append(HTMLTable.Row(cells: [.text("Ej mätta: \(Self.reasonName(reason))"), .count(count)]))
        }
        rows.append(HTMLTable.Row(cells: [.text("Mätta brukare"), .count(users.filter(\.measured).count)]))
        rows.append(
            HTMLTable.Row(cells: [.text("Brukare i urvalet"), .count(users.filter(\.sampled).count)], kind: .total))
        let table = HTMLTable(
            caption: nil, columns: [.text("Brukare"), .number("Antal")], rows: rows, className: "users")
        return HTMLNode.section(
            "Brukare i mätningen", id: "brukare",
            [
                table.node(),
                .note("En brukare som fått hemtjänst av flera utförare räknas en gång hos varje utförare."),
            ])
    }

    private func reconciliationSection() -> HTMLNode {
        let rules = ExclusionRule.allCases
        let columns: [HTMLTable.Column] =
            [.text("Fil"), .number("Inlästa rader"), .number("Använda")]
            + rules.map { .number(Self.ruleName($0).short) } + [.number("Avvisade"), .number("Tomma rader")]
        let groups = [
            HTMLTable.ColumnGroup(heading: "", span: 3),
            HTMLTable.ColumnGroup(heading: "Exkluderade enligt regel", span: rules.count),
            HTMLTable.ColumnGroup(heading: "", span: 2),
        ]
        func cells(_ name: String, _ a: RowAccounting) -> [HTMLTable.Cell] {
            [.text(name), .count(a.read), .count(a.used)] + rules.map { .count(a.excluded[$0] ?? 0) }
                + [.count(a.rejected), .count(a.blank)]
        }
        var rows = result.files.map { file in
            HTMLTable.Row(cells: cells(Path.lastComponent(file.path), file.accounting))
        }
        rows.append(HTMLTable.Row(cells: cells("Totalt", result.accounting), kind: .total))
        let table = HTMLTable(caption: nil, columns: columns, groups: groups, rows: rows, className: "reconciliation")
        let a = result.accounting
        let check =
            a.reconciles
            ? "Inlästa rader = använda + exkluderade + avvisade: "
                + "\(ReportFormat.integer(a.read)) = \(ReportFormat.integer(a.used)) + "
                + "\(ReportFormat.integer(a.excludedTotal)) + \(ReportFormat.integer(a.rejected)). Ingen rad har "
                + "fallit bort."
            : "Varning: inlästa rader stämmer inte med använda + exkluderade + avvisade."
        let explanations = rules.map { rule in
            HTMLNode.element("li", text: "\(Self.ruleName(rule).short): \(Self.ruleName(rule).long).")
        }
        return HTMLNode.section(
            "Avstämning av rader", id: "avstamning",
            [
                table.node(),
                .element("p", ["class": a.reconciles ? nil : "warning"], text: check),
                .element(
                    "ul", ["class": "rules note"],
                    explanations + [
                        .element(
                            "li",
                            text: "Avvisade: rader som inte gick att läsa (till exempel saknat id eller ogiltig tid); "
                                + "de listas med fil och rad i rejected.csv."),
                        .element("li", text: "Tomma rader räknas inte som inlästa."),
                    ]),
            ])
    }

    private func footer() -> HTMLNode {
        .element(
            "footer", ["class": "report note"],
            [
                .element(
                    "p",
                    text: "Skapad av kontinuitet measure. Siffrorna är desamma som i providers.csv. CSV-filerna är "
                        + "till för analys och redovisar alla utförare; den här rapporten är till för publicering och "
                        + "visar inte värden för utförare med färre än \(ReportFormat.integer(minimumUsers)) mätta "
                        + "brukare. Rapporten innehåller inga uppgifter om enskilda brukare."),
                .element("p", text: "Metoden i detalj: docs/method.md."),
            ])
    }
}
