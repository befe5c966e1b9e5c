/// The report page of `kontinuitet time-report` (`report.html`): performed against allocated time per provider
/// and month, the capacity ceiling, and the reconciliation of rows. Swedish, self-contained, no user data.
///
/// The page says only what its input holds: without allocated time there is no "Fördelad tid" line and no
/// allocated columns, and the page says that none was given; columns with no value in any row (granted time,
/// the ceiling without a register) are left out. The sums are over the providers in the input, "alla utförare i
/// underlaget", never the city. The chart is also rendered as a standalone SVG file (`rendered()`).
struct TimeReportPage: ReportPage {
    var result: TimeReportResult
    /// When, by what and from which files the report is made.
    var provenance: ReportProvenance

    /// - Parameter provenance: nil means made now (or at `SOURCE_DATE_EPOCH`), with no input files named.
    init(result: TimeReportResult, provenance: ReportProvenance? = nil) {
        self.result = result
        self.provenance = provenance ?? ReportProvenance(inputPaths: [])
    }

    /// Whether any allocated time was read (`--allocated` with at least one row).
    var hasAllocated: Bool { result.accounting.allocatedRead > 0 }
    /// Whether any provider-month has granted time.
    var hasGranted: Bool { result.providerMonths.contains { $0.grantedHours != nil } }
    /// Whether any provider-month has a capacity ceiling (from the register).
    var hasCapacity: Bool { result.providerMonths.contains { $0.capacityHours != nil } }
    /// The months of the input in order, as `YYYY-MM`.
    var months: [String] { Set(result.providerMonths.map(\.month)).sorted() }
    /// Whether the input holds more than one provider.
    var comparesProviders: Bool { Set(result.providerMonths.map(\.provider)).count > 1 }

    func document(charts: inout [ReportChart]) -> HTMLDocument {
        HTMLDocument(
            title: "Utförd och fördelad tid",
            body: [
                header(), methodSection(), warningsSection(), chartSection(charts: &charts), tableSection(),
                reconciliationSection(), footer(),
            ])
    }

    private func header() -> HTMLNode {
        let months = self.months
        let span =
            months.first.map { first in
                " Månader: \(ReportFormat.monthRange(csv: first, months.last ?? first))."
            } ?? ""
        let what =
            hasAllocated
            ? "Utförd tid (in- och utcheckning hos brukaren) mot fördelad och beviljad tid per utförare och månad"
            : "Utförd tid (in- och utcheckning hos brukaren) per utförare och månad"
        return .element(
            "header", ["class": "report"],
            [
                .element("p", ["class": "kicker"], text: "Hemtjänst · Tidsuppföljning"),
                .element("h1", text: hasAllocated ? "Utförd och fördelad tid" : "Utförd tid"),
                .element(
                    "p", ["class": "lead"],
                    text: "\(what)\(hasCapacity ? ", och kapacitetstaket" : "").\(span)"),
                provenance.madeLine(command: "time-report"),
            ])
    }

    /// The rules in words, for a reader who has nothing but the page.
    private func methodSection() -> HTMLNode {
        var text =
            "Utförd tid är tiden mellan in- och utcheckning hos brukaren, räknad i verkliga minuter (rätt även när "
            + "klockan ställs om till och från sommartid). Ett besök över midnatt eller ett månadsskifte delas vid "
            + "gränsen. Vid dubbelbemanning räknas båda medarbetarnas tid. Ett besök utan utcheckning räknas som "
            + "besök men utan tid."
        if hasAllocated {
            text +=
                " Fördelad och beviljad tid kommer från rapporten över fördelad tid. Utförandegrad är utförd tid "
                + "som andel av beviljad tid."
        } else {
            text += " Ingen fördelad tid ingick i underlaget, så rapporten visar bara utförd tid."
        }
        if hasCapacity {
            text +=
                " Kapacitetstaket är utförarens tak i timmar per månad enligt utförarregistret; en varning ges när "
                + "utförd tid en månad når 90\u{00A0}% av taket."
        }
        return HTMLNode.section("Så har tiden räknats", id: "metod", [.element("p", ["class": "method"], text: text)])
    }

    private func warningsSection() -> HTMLNode {
        let items: [HTMLNode]
        if !hasCapacity {
            items = [.element("p", text: "Inget kapacitetstak ingick i underlaget (inget utförarregister med tak).")]
        } else if result.warnings.isEmpty {
            items = [
                .element(
                    "p",
                    text:
                        "Ingen utförare har nått 90\u{00A0}% av sitt kapacitetstak någon månad, och ingen prognos gör det."
                )
            ]
        } else {
            items = [.element("ul", [:], result.warnings.map { .element("li", text: Self.warningText($0)) })]
        }
        return HTMLNode.section("Kapacitetstak", id: "kapacitet", items)
    }

    /// A warning as the page writes it: the message of stderr (`CapacityWarning.text`) with the month in Swedish
    /// and a no-break space before every unit, as everywhere on the page.
    static func warningText(_ warning: CapacityWarning) -> String {
        warning.text(
            month: ReportFormat.month(csv: warning.month), space: ReportFormat.noBreakSpace, afterProvider: ",")
    }

    private func chartSection(charts: inout [ReportChart]) -> HTMLNode {
        let months = self.months
        // The providers' sums per month, in one pass (a filter per month is quadratic in the months, and an
        // export with mistyped years has tens of thousands).
        var sums: [String: (allocated: Double, performed: Double)] = [:]
        for row in result.providerMonths {
            sums[row.month, default: (0, 0)].allocated += row.allocatedHours
            sums[row.month, default: (0, 0)].performed += row.performedHours
        }
        let allocated: [Double?] = months.map { sums[$0]?.allocated ?? 0 }
        let performed: [Double?] = months.map { sums[$0]?.performed ?? 0 }
        var series = [SVGLineChart.Series(name: "Utförd tid", values: performed)]
        if hasAllocated { series.insert(SVGLineChart.Series(name: "Fördelad tid", values: allocated), at: 0) }
        let whose = comparesProviders ? "alla utförare i underlaget" : "utföraren"
        let heading = hasAllocated ? "Fördelad och utförd tid per månad" : "Utförd tid per månad"
        let categories = months.map { month -> String in
            guard let (year, number) = ReportFormat.yearAndMonth(month) else { return month }
            return "\(ReportFormat.shortMonthNames[number - 1]) \(year)"
        }
        let chart = ReportChart(
            name: "tid-per-manad", heading: "\(heading), \(whose)",
            svg: SVGLineChart(
                categories: categories, series: series, axisTitle: "Timmar", title: "\(heading), \(whose)",
                tickFormat: { ReportFormat.axis($0) }
            ).node())
        charts.append(chart)
        var note = comparesProviders ? "Summan över alla utförare i underlaget." : "Utförarens timmar."
        note += " Tabellen nedan visar varje utförare och månad."
        if !hasAllocated { note += " Ingen fördelad tid gavs, så ingen linje för fördelad tid ritas." }
        return HTMLNode.section(heading, id: "manader", [.element("figure", [:], [chart.node]), .note(note)])
    }

    private func tableSection() -> HTMLNode {
        func decimal(_ value: Double?, _ places: Int) -> HTMLTable.Cell {
            value.map { .decimal(csv: CSVWriter.format($0, places: places)) } ?? .empty
        }
        func percent(_ value: Double?) -> HTMLTable.Cell {
            value.map { .percent(fractionCSV: CSVWriter.format($0, places: 3)) } ?? .empty
        }
        // Each column with the cell of a provider-month; columns the input has no values for are left out.
        var columns: [(column: HTMLTable.Column, cell: (ProviderMonth) -> HTMLTable.Cell)] = [
            (.text("Utförare"), { .text($0.provider) }),
            (.text("Månad"), { .label(shown: ReportFormat.month(csv: $0.month), csv: $0.month) }),
        ]
        if hasAllocated { columns.append((.number("Fördelad tid, h"), { decimal($0.allocatedHours, 2) })) }
        if hasGranted { columns.append((.number("Beviljad tid, h"), { decimal($0.grantedHours, 2) })) }
        columns.append((.number("Utförd tid, h"), { decimal($0.performedHours, 2) }))
        if hasAllocated { columns.append((.number("Utförd / fördelad"), { percent($0.performedAllocatedRatio) })) }
        if hasGranted { columns.append((.number("Utförande\u{00AD}grad"), { percent($0.executionRate) })) }
        columns.append((.number("Besök"), { .count($0.visits) }))
        columns.append((.number("Utan utcheckning"), { .count($0.visitsWithoutCheckOut) }))
        if hasCapacity {
            columns.append((.number("Kapacitets\u{00AD}tak, h"), { decimal($0.capacityHours, 2) }))
            columns.append((.number("Andel av taket"), { percent($0.capacityShare) }))
        }
        let rows = result.providerMonths.map { month in HTMLTable.Row(cells: columns.map { $0.cell(month) }) }
        let table = HTMLTable(caption: nil, columns: columns.map(\.column), rows: rows, className: "months")
        return HTMLNode.section(
            "Per utförare och månad", id: "tabell",
            [
                table.node(),
                .note(
                    "Utförd tid är verklig tid mellan in- och utcheckning; ett besök över midnatt eller ett "
                        + "månadsskifte delas vid gränsen. Dubbelbemanning räknar båda medarbetarnas tid."
                        + (hasGranted ? " Utförandegrad: utförd tid som andel av beviljad tid." : "")),
            ])
    }

    private func reconciliationSection() -> HTMLNode {
        let a = result.accounting
        var kinds: [HTMLNode] = []
        let totals = result.anomalyRows.totals
        for kind in PerformedAnomaly.allCases {
            let count = totals[kind] ?? 0
            kinds.append(.element("li", text: "\(kind.swedish): \(ReportFormat.integer(count))"))
        }
        let check =
            "Inlästa rader med utförd tid = använda + flaggade utan tid + avvisade: "
            + "\(ReportFormat.integer(a.performedRead)) = \(ReportFormat.integer(a.performedUsed)) + "
            + "\(ReportFormat.integer(a.performedFlagged)) + \(ReportFormat.integer(a.performedRejected))."
            + (a.reconciles ? " Ingen rad har fallit bort." : " Varning: raderna stämmer inte.")
        let allocated =
            hasAllocated
            ? "Rader med fördelad tid: \(ReportFormat.integer(a.allocatedRead)) inlästa, "
                + "\(ReportFormat.integer(a.allocatedUsed)) använda, "
                + "\(ReportFormat.integer(a.allocatedRejected)) avvisade."
            : "Inga rader med fördelad tid ingick."
        return HTMLNode.section(
            "Avstämning av rader och avvikelser", id: "avstamning",
            [
                .element("p", text: check),
                .element("p", text: allocated),
                .element(
                    "p", ["class": "keep-with-next"],
                    text: "Avvikelser (den som gjort rapporten har en lista med fil och rad för var och en):"),
                .element("ul", [:], kinds),
            ])
    }

    private func footer() -> HTMLNode {
        .element(
            "footer", ["class": "report note"],
            [
                provenance.footerParagraph(command: "time-report"),
                .element("p", text: "Rapporten innehåller inga uppgifter om enskilda brukare."),
            ])
    }
}
