import Foundation

/// The report page of `kontinuitet measure` (`report.html`): a self-contained Swedish page for publishing.
///
/// Sections: title, period and the day it was made; key figures over all providers in the input; the method in
/// words; the figures per provider with all providers together as comparison row; providers compared by mean (bar
/// chart with the mean of all as a line; not drawn for one provider); the figures per unit; the distribution of staff per user per provider
/// (histograms as small multiples); the continuity indices; with `--rolling` every 14-day window
/// (`MeasureReport+Rolling.swift`); the users counted; the reconciliation of rows per file; a footer saying when,
/// by what and from which files the report was made.
///
/// The input is whatever logs were given, not necessarily a whole city, so the comparison is called "alla utförare
/// i underlaget", never "hela staden"; with one provider there is nothing to compare with and no such row, line or
/// panel is drawn. Every chart is also rendered as a standalone SVG file (`rendered()`, `ReportChart`).
///
/// Every figure is shown from the same text the CSV writer produces (`CSVWriter.format`), with a decimal comma, and
/// carries that text in `data-value`. A provider with fewer measured users than `minimumUsers` shows "för få" in
/// place of its figures and its distribution, and no `data-value` for them (the CSV files stay complete: they are
/// for the analyst, the report is for publishing). The page never holds user ids, names or personnummer: only
/// provider names, file names, counts and figures.
struct MeasureReport: ReportPage {
    var result: MeasureResult
    /// Providers (and all of them together) with fewer measured users than this are shown as "för få".
    var minimumUsers: Int
    /// When, by what and from which files the report is made.
    var provenance: ReportProvenance

    /// - Parameter provenance: nil means made now (or at `SOURCE_DATE_EPOCH`) from the result's files.
    init(result: MeasureResult, minimumUsers: Int, provenance: ReportProvenance? = nil) {
        self.result = result
        self.minimumUsers = minimumUsers
        self.provenance =
            provenance ?? ReportProvenance(inputPaths: result.files.map(\.path), names: result.inputNames)
    }

    /// The text of a provider's figures held back by the small-number rule.
    static let suppressedText = HTMLTable.suppressedText
    /// The label of the comparison row, line and panel: every sampled user of every provider in the input. The
    /// input need not be the whole city, so the report never calls it that.
    static let cityLabel = "Alla utförare i underlaget"

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

    /// A provider's (or all providers' together) figures as the report shows them.
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

    /// All providers in the input together: every sampled user of every provider counts once (the mean is
    /// user-weighted).
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

    /// Whether there is more than one provider to compare: with one, the comparison with "all providers" would
    /// repeat the provider's own figures, and is left out.
    var comparesProviders: Bool { result.providers.count > 1 }

    /// The file-name part of each provider's charts (`fordelning-<slug>.svg`), unique among the providers.
    func chartSlugs() -> [String: String] {
        let names = result.providers.map(\.provider)
        return Dictionary(zip(names, FileNames.uniqueSlugs(names)), uniquingKeysWith: { first, _ in first })
    }

    // MARK: - Page

    /// The page; every chart drawn is appended to `charts`.
    func document(charts: inout [ReportChart]) -> HTMLDocument {
        let city = cityFigures()
        let providers = providersByName()
        let slugs = chartSlugs()
        let body: [HTMLNode] = [
            header(),
            keyFigures(city, providerCount: providers.count),
            rulesSection(),
            providerTableSection(providers, city: city),
            comparesProviders ? barChartSection(providers, city: city, charts: &charts) : .text(""),
            unitsSection(),
            distributionSection(providers, city: city, slugs: slugs, charts: &charts),
            indicesSection(),
            rollingSection(slugs: slugs, charts: &charts),
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
                provenance.madeLine(command: "measure"),
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
        let meanLabel = comparesProviders ? "Medelvärde, \(Self.cityLabel.lowercased())" : "Medelvärde"
        if city.suppressed {
            cards.append(card(meanLabel, Self.suppressedText, csv: nil))
            cards.append(card("Median", Self.suppressedText, csv: nil))
            cards.append(card("Andel som mött fler än 20", Self.suppressedText, csv: nil))
        } else {
            let mean = s.mean.map { CSVWriter.format($0, places: 2) }
            let median = s.median.map(CSVWriter.formatMedian)
            let share = s.shareOver20.map { CSVWriter.format($0, places: 3) }
            cards.append(card(meanLabel, mean.map(ReportFormat.decimal) ?? "–", csv: mean ?? ""))
            cards.append(card("Median", median.map(ReportFormat.decimal) ?? "–", csv: median ?? ""))
            cards.append(
                card(
                    "Andel som mött fler än 20", share.map(ReportFormat.percent(fractionCSV:)) ?? "–",
                    csv: share ?? ""))
        }
        let providersText = providerCount == 1 ? "en utförare" : "\(ReportFormat.integer(providerCount)) utförare"
        cards.append(
            card(
                "Brukare i urvalet hos \(providersText)", ReportFormat.integer(city.sampledUsers),
                csv: String(city.sampledUsers)))
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
            "Utförare med färre än \(ReportFormat.integer(minimumUsers)) mätta brukare redovisas som "
                + "”\(Self.suppressedText)”.",
        ]
        return HTMLNode.section(
            "Så har mätningen gjorts", id: "regler",
            [
                .element("p", ["class": "method"], text: Self.methodParagraph),
                .element("ul", ["class": "rules"], items.map { .element("li", text: $0) }),
            ])
    }

    /// The method in a few sentences, for a reader who has nothing but the page.
    static let methodParagraph =
        "Personalkontinuitet mäts som antalet olika personer ur personalen som en brukare med hemtjänst har mött "
        + "under 14 dagar. Mätningen följer Koladas metod (Rådet för främjande av kommunala analyser, RKA): de "
        + "brukare som haft minst två besök varje dag räknas, och för var och en räknas hur många olika "
        + "medarbetare som gjort besöken. Utförarens resultat är medelvärdet över brukarna i urvalet. Ett lägre "
        + "värde betyder att brukaren mött färre personer, alltså bättre kontinuitet."

    private func providerTableSection(_ providers: [Figures], city: Figures) -> HTMLNode {
        let columns: [HTMLTable.Column] = [
            .text("Utförare"), .number("Mätta brukare"), .number("Brukare i urvalet"), .number("Medelvärde"),
            .number("Median"), .number("Lägst"), .number("Högst"), .number("Andel som mött fler än 20"),
        ]
        var rows = providers.map { HTMLTable.Row(cells: figureCells($0)) }
        var note = "Medelvärde, median, lägst och högst avser antal personal per brukare i urvalet."
        if comparesProviders {
            rows.append(HTMLTable.Row(cells: figureCells(city), kind: .comparison))
            note +=
                " \(Self.cityLabel): alla brukare i urvalet hos alla utförare i mätningens underlag, där varje "
                + "brukare väger lika."
        }
        let table = HTMLTable(caption: nil, columns: columns, rows: rows, className: "providers")
        return HTMLNode.section("Resultat per utförare", id: "utforare", [table.node(), .note(note)])
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
                        + "andelen besök av de tre vanligaste. Källor: Bice och Boxerman 1977 (COC), Breslau och "
                        + "Reeb 1975 (UPC), Steinwachs 1979 (SECON)."),
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
        // The files by the names the footer gives them (a name that looks personal is "fil N").
        var rows = result.files.enumerated().map { index, file in
            HTMLTable.Row(
                cells: cells(
                    index < provenance.inputs.count ? provenance.inputs[index] : "fil \(index + 1)", file.accounting))
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
                                + "den som gjort mätningen har en lista över dem med fil och rad."),
                        .element("li", text: "Tomma rader räknas inte som inlästa."),
                    ]),
            ])
    }

    private func footer() -> HTMLNode {
        .element(
            "footer", ["class": "report note"],
            [
                provenance.footerParagraph(command: "measure"),
                .element(
                    "p",
                    text: "Rapporten är gjord för publicering: för utförare och enheter med färre än "
                        + "\(ReportFormat.integer(minimumUsers)) mätta brukare visas bara antalet brukare, inga "
                        + "andra värden. Den innehåller inga uppgifter om enskilda brukare: inga namn, personnummer "
                        + "eller id."),
            ])
    }
}
