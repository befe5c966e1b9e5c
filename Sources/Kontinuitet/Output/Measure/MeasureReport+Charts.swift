/// The charts of the measurement report: the providers compared by their means, and the distribution of staff per
/// user per provider. Each chart is also kept as a standalone file (`ReportChart`).
extension MeasureReport {
    func barChartSection(_ providers: [Figures], city: Figures, charts: inout [ReportChart]) -> HTMLNode {
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
        if comparesProviders, !city.suppressed, let csv = city.meanCSV, let mean = Double(csv) {
            references.append(
                ChartReferenceLine(
                    value: mean, label: "\(Self.cityLabel) \(ReportFormat.decimal(csv: csv))", emphasis: .primary,
                    csv: csv))
        }
        let heading = "Utförarna jämförda"
        guard !ranked.isEmpty else {
            return HTMLNode.section(
                heading, id: "jamforelse",
                [
                    .note("Ingen utförare har tillräckligt många mätta brukare för att redovisas i diagrammet.")
                ])
        }
        let parts = SVGBarChart(
            bars: bars, referenceLines: references, axisTitle: "Medelvärde, antal personal per brukare",
            title: "Utförarnas medelvärde av antal personal per brukare, sorterat från lägst till högst"
        ).split()
        let line = references.isEmpty ? "" : " Linjen visar medelvärdet för \(Self.cityLabel.lowercased())."
        var figures: [HTMLNode] = []
        for (index, part) in parts.enumerated() {
            let suffix = parts.count > 1 ? "-\(index + 1)" : ""
            let partText = parts.count > 1 ? " (del \(index + 1) av \(parts.count))" : ""
            let chart = ReportChart(
                name: "jamforelse\(suffix)", heading: "Medelvärde av antal personal per brukare\(partText)",
                svg: part.node())
            charts.append(chart)
            figures.append(
                .element(
                    "figure", [:],
                    [
                        chart.node,
                        .element(
                            "figcaption",
                            text: "Medelvärde av antal personal per brukare, från lägst (högst kontinuitet) till "
                                + "högst\(partText).\(line)"),
                    ]))
        }
        return HTMLNode.section(heading, id: "jamforelse", figures)
    }

    func distributionSection(
        _ providers: [Figures], city: Figures, slugs: [String: String], charts: inout [ReportChart]
    ) -> HTMLNode {
        let labels = StaffCountBin.allCases.map { $0.label.replacingOccurrences(of: "-", with: "–") }
        let highlighted: Set<StaffCountBin> = [.upTo25, .over25]
        let panels = comparesProviders ? [city] + providers : providers
        let visible = panels.filter { !$0.suppressed && $0.sampledUsers > 0 }
        let maximumShare =
            visible.map { figures in
                Double(figures.distribution.max() ?? 0) / Double(max(1, figures.sampledUsers))
            }.max() ?? 1

        func panel(_ figures: Figures, overall: Bool, charts: inout [ReportChart]) -> HTMLNode {
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
                let histogram = SVGHistogram(
                    bins: bins, shareMaximum: maximumShare, title: "\(figures.name): brukare efter antal personal")
                let chart = ReportChart(
                    name: overall ? "fordelning" : "fordelning-\(slugs[figures.name] ?? FileNames.slug(figures.name))",
                    heading: "\(figures.name), n = \(ReportFormat.integer(figures.sampledUsers))",
                    svg: histogram.node())
                charts.append(chart)
                content = chart.node
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
                    (comparesProviders ? [panel(city, overall: true, charts: &charts)] : [])
                        + providers.map { panel($0, overall: false, charts: &charts) }),
            ])
    }
}
