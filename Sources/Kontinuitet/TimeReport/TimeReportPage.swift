/// The report page of `kontinuitet time-report` (`report.html`): performed against allocated time per provider
/// and month, the capacity ceiling, and the reconciliation of rows. Swedish, self-contained, no user data.
struct TimeReportPage {
    var result: TimeReportResult

    func render() -> String { document().render() }

    func document() -> HTMLDocument {
        HTMLDocument(
            title: "Utförd och fördelad tid",
            body: [header(), warningsSection(), chartSection(), tableSection(), reconciliationSection(), footer()])
    }

    private func header() -> HTMLNode {
        let months = Set(result.providerMonths.map(\.month)).sorted()
        let span = months.isEmpty ? "" : " Månader: \(months.first ?? "") – \(months.last ?? "")."
        return .element(
            "header", ["class": "report"],
            [
                .element("p", ["class": "kicker"], text: "Hemtjänst · Tidsuppföljning"),
                .element("h1", text: "Utförd och fördelad tid"),
                .element(
                    "p", ["class": "lead"],
                    text: "Utförd tid (in- och utcheckning hos brukaren) mot fördelad och beviljad tid per utförare "
                        + "och månad, och kapacitetstaket.\(span)"),
            ])
    }

    private func warningsSection() -> HTMLNode {
        let items: [HTMLNode] =
            result.warnings.isEmpty
            ? [.element("p", text: "Ingen utförare har nått 90 % av sitt kapacitetstak någon månad.")]
            : [.element("ul", [:], result.warnings.map { .element("li", text: $0.message) })]
        return HTMLNode.section("Kapacitetstak", id: "kapacitet", items)
    }

    private func chartSection() -> HTMLNode {
        let months = Set(result.providerMonths.map(\.month)).sorted()
        var allocated: [Double?] = []
        var performed: [Double?] = []
        for month in months {
            let rows = result.providerMonths.filter { $0.month == month }
            allocated.append(rows.reduce(0) { $0 + $1.allocatedHours })
            performed.append(rows.reduce(0) { $0 + $1.performedHours })
        }
        let chart = SVGLineChart(
            categories: months,
            series: [
                SVGLineChart.Series(name: "Fördelad tid", values: allocated),
                SVGLineChart.Series(name: "Utförd tid", values: performed),
            ], axisTitle: "Timmar", title: "Fördelad och utförd tid per månad, alla utförare")
        return HTMLNode.section(
            "Fördelad och utförd tid per månad", id: "manader",
            [
                chart.node(),
                .note("Summan över alla utförare. Tabellen nedan visar varje utförare."),
            ])
    }

    private func tableSection() -> HTMLNode {
        func decimal(_ value: Double?, _ places: Int) -> HTMLTable.Cell {
            value.map { .decimal(csv: CSVWriter.format($0, places: places)) } ?? .empty
        }
        func percent(_ value: Double?) -> HTMLTable.Cell {
            value.map { .percent(fractionCSV: CSVWriter.format($0, places: 3)) } ?? .empty
        }
        let rows = result.providerMonths.map { m in
            HTMLTable.Row(cells: [
                .text(m.provider), .text(m.month), decimal(m.allocatedHours, 2), decimal(m.grantedHours, 2),
                decimal(m.performedHours, 2), percent(m.performedAllocatedRatio), percent(m.executionRate),
                .count(m.visits), .count(m.visitsWithoutCheckOut), decimal(m.capacityHours, 2),
                percent(m.capacityShare),
            ])
        }
        let table = HTMLTable(
            caption: nil,
            columns: [
                .text("Utförare"), .text("Månad"), .number("Fördelad tid, h"), .number("Beviljad tid, h"),
                .number("Utförd tid, h"), .number("Utförd/fördelad"), .number("Utförandegrad"), .number("Besök"),
                .number("Utan utcheckning"), .number("Kapacitetstak, h"), .number("Andel av taket"),
            ], rows: rows)
        return HTMLNode.section(
            "Per utförare och månad", id: "tabell",
            [
                table.node(),
                .note(
                    "Utförd tid är verklig tid mellan in- och utcheckning (rätt över sommartidsbytet); ett besök "
                        + "över midnatt eller ett månadsskifte delas vid gränsen. Dubbelbemanning räknar båda "
                        + "medarbetarnas tid. Utförandegrad: utförd tid som andel av beviljad tid."),
            ])
    }

    private func reconciliationSection() -> HTMLNode {
        let a = result.accounting
        var kinds: [HTMLNode] = []
        for kind in PerformedAnomaly.allCases {
            let count = result.anomalies.filter { $0.kind == kind }.count
            kinds.append(.element("li", text: "\(kind.swedish): \(ReportFormat.integer(count))"))
        }
        let check =
            "Inlästa rader med utförd tid = använda + flaggade utan tid + avvisade: "
            + "\(ReportFormat.integer(a.performedRead)) = \(ReportFormat.integer(a.performedUsed)) + "
            + "\(ReportFormat.integer(a.performedFlagged)) + \(ReportFormat.integer(a.performedRejected))."
            + (a.reconciles ? " Ingen rad har fallit bort." : " Varning: raderna stämmer inte.")
        return HTMLNode.section(
            "Avstämning av rader och avvikelser", id: "avstamning",
            [
                .element("p", text: check),
                .element(
                    "p",
                    text: "Rader med fördelad tid: \(ReportFormat.integer(a.allocatedRead)) inlästa, "
                        + "\(ReportFormat.integer(a.allocatedUsed)) använda, "
                        + "\(ReportFormat.integer(a.allocatedRejected)) avvisade."),
                .element("p", text: "Avvikelser (listade med fil och rad i anomalies.csv):"),
                .element("ul", [:], kinds),
            ])
    }

    private func footer() -> HTMLNode {
        .element(
            "footer", ["class": "report note"],
            [
                .element(
                    "p",
                    text: "Skapad av kontinuitet time-report. Siffrorna är desamma som i provider_months.csv. "
                        + "Rapporten innehåller inga uppgifter om enskilda brukare."),
                .element("p", text: "Reglerna i detalj: docs/time-report.md."),
            ])
    }
}
