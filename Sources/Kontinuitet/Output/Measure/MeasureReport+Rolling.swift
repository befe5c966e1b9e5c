/// The section of `measure --rolling`: the Kolada count for every 14-day window of the data, as a curve over all
/// providers in the input, one small curve per provider on a shared scale, and a table per provider.
///
/// The words follow the span the data covers: "Året runt" and "medel över året" only when the windows start in
/// twelve or more months; otherwise the section speaks of "alla 14-dagarsperioder". The best and worst month are
/// given only where there are two months or more to choose from. Months are written in Swedish
/// (`september 2018`), and the curves have a date axis.
extension MeasureReport {
    /// The words of the section for the span its windows cover.
    struct RollingWording: Equatable {
        var heading: String
        var meanColumn: String
        /// Whether the table has the best and worst month.
        var comparesMonths: Bool

        /// - Parameter months: the number of calendar months in which windows start.
        init(months: Int) {
            if months >= 12 {
                heading = "Året runt"
                meanColumn = months == 12 ? "Medel över året" : "Medel över alla 14-dagarsperioder"
            } else {
                heading = "Alla 14-dagarsperioder"
                meanColumn = "Medel över alla 14-dagarsperioder"
            }
            comparesMonths = months >= 2
        }
    }

    /// With `--rolling`: the curve of the 14-day figure, with the Kolada period marked; empty without.
    func rollingSection(slugs: [String: String], charts: inout [ReportChart]) -> HTMLNode {
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
        let wording = RollingWording(months: Set(rolling.months.map(\.month)).count)
        let categories = ReportFormat.monthAxisLabels(firstDay: firstDay, count: starts)
        var marked: [SVGLineChart.MarkedRange] = []
        let koladaStart = result.period.firstDay - firstDay
        if koladaStart >= 0 && koladaStart < starts {
            marked.append(SVGLineChart.MarkedRange(first: koladaStart, last: koladaStart, label: "Koladas mätperiod"))
        }
        let seriesName = comparesProviders ? Self.cityLabel : (result.providers.first?.provider ?? "")
        let overall = ReportChart(
            name: "rullande", heading: "Antal personal per brukare, 14 dagar i taget – \(seriesName)",
            svg: SVGLineChart(
                categories: categories, series: [SVGLineChart.Series(name: seriesName, values: values)],
                markedRanges: marked, axisTitle: "Antal personal",
                title: "Antal personal per brukare, 14 dagar i taget, efter periodens första dag"
            ).node())
        charts.append(overall)

        // One small curve per provider (held back under the small-number limit), on one scale and one date axis.
        // Windows and months grouped by provider once (a city year has tens of thousands of windows).
        let windowsByProvider = Dictionary(grouping: rolling.windows, by: \.provider)
        let monthsByProvider = Dictionary(grouping: rolling.months, by: \.provider)
        let measuredByProvider = Dictionary(
            result.providers.map { ($0.provider, $0.measuredUsers) }, uniquingKeysWith: { first, _ in first })
        let providerNames = windowsByProvider.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let shownProviders = providerNames.filter { (measuredByProvider[$0] ?? 0) >= minimumUsers }
        let sharedMaximum = shownProviders.flatMap { (windowsByProvider[$0] ?? []).map(\.mean) }.max() ?? 0
        // Quarters on a long axis, months on a short one (the panels are a third of the page wide).
        let smallCategories = ReportFormat.monthAxisLabels(
            firstDay: firstDay, count: starts, every: starts > 200 ? 3 : 1)
        var panels: [HTMLNode] = []
        for provider in providerNames {
            let heading: HTMLNode = .element("h3", text: provider)
            guard (measuredByProvider[provider] ?? 0) >= minimumUsers else {
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
            let small = ReportChart(
                name: "rullande-\(slugs[provider] ?? FileNames.slug(provider))",
                heading: "\(provider): antal personal per brukare, 14 dagar i taget",
                svg: SVGLineChart(
                    categories: smallCategories, series: [SVGLineChart.Series(name: provider, values: series)],
                    markedRanges: marked, axisTitle: "",
                    title: "\(provider): antal personal per brukare, 14 dagar i taget", width: 210, height: 130,
                    valueMaximum: sharedMaximum
                ).node())
            charts.append(small)
            panels.append(.element("div", ["class": "panel", "data-name": provider], [heading, small.node]))
        }

        let table = rollingTable(
            monthsByProvider: monthsByProvider, measuredByProvider: measuredByProvider, wording: wording)
        let span = ReportFormat.dateRange(rolling.firstDay, rolling.lastDay)
        let whose =
            comparesProviders
            ? "alla mätta brukare hos alla utförare i underlaget" : "alla mätta brukare hos utföraren"
        return HTMLNode.section(
            wording.heading, id: "aret-runt",
            [
                .element("figure", [:], [overall.node]),
                .note(
                    "Samma regler som Kolada-måttet, för varje 14-dagarsperiod som börjar på en dag i underlaget "
                        + "(\(span)). Kurvan visar medelvärdet för \(whose) per periodens första dag; den markerade "
                        + "dagen är starten på Koladas mätperiod. Alla mätta brukare räknas, utan urval."),
                .element("div", ["class": "multiples"], panels),
                .note("Kurvorna per utförare har samma skala."),
                table.node(),
            ])
    }

    /// Per provider: the months with windows, the mean over all its user-windows, and (with two months or more)
    /// the best and worst month.
    private func rollingTable(
        monthsByProvider: [String: [RollingMonthFigure]], measuredByProvider: [String: Int], wording: RollingWording
    ) -> HTMLTable {
        func monthText(_ figure: RollingMonthFigure?) -> HTMLTable.Cell {
            guard let figure else { return .empty }
            let mean = ReportFormat.decimal(csv: CSVWriter.format(figure.mean, places: 2))
            return .text("\(ReportFormat.month(csv: figure.month)) (\(mean))")
        }
        var rows: [HTMLTable.Row] = []
        for provider in monthsByProvider.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let months = monthsByProvider[provider] ?? []
            let suppressed = (measuredByProvider[provider] ?? 0) < minimumUsers
            var cells: [HTMLTable.Cell] = [.text(provider)]
            if suppressed {
                cells += Array(repeating: .suppressed, count: wording.comparesMonths ? 4 : 2)
                rows.append(HTMLTable.Row(cells: cells))
                continue
            }
            let windows = months.reduce(0) { $0 + $1.userWindows }
            let mean = months.reduce(0.0) { $0 + $1.mean * Double($1.userWindows) } / Double(max(1, windows))
            cells += [.count(months.count), .decimal(csv: CSVWriter.format(mean, places: 2))]
            if wording.comparesMonths {
                // A provider with windows in one month only has no best or worst month.
                let compared = months.count >= 2
                cells.append(compared ? monthText(months.min { $0.mean < $1.mean }) : .empty)
                cells.append(compared ? monthText(months.max { $0.mean < $1.mean }) : .empty)
            }
            rows.append(HTMLTable.Row(cells: cells))
        }
        var columns: [HTMLTable.Column] = [.text("Utförare"), .number("Månader"), .number(wording.meanColumn)]
        if wording.comparesMonths { columns += [.text("Bästa månaden"), .text("Sämsta månaden")] }
        return HTMLTable(caption: nil, columns: columns, rows: rows, className: "rolling")
    }
}
