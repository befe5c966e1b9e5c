import XCTest

@testable import Kontinuitet

/// `report.html` from `measure`: the figures shown are those of `providers.csv`, small providers are held back, no
/// user is identifiable, nothing is fetched from elsewhere, and the charts draw what the tables say.
final class ReportTests: XCTestCase {
    /// Staff counts per user, chosen so that every figure is known by hand:
    ///
    /// - "Hemtjänst Ängen & Co" [2, 3, 5, 8, 13, 22]: mean 53/6 = 8.83, median (5+8)/2 = 6.5, min 2, max 22,
    ///   share over 20 1/6 = 0.167.
    /// - "Nordväst" [10, 10, 11, 12, 25]: mean 68/5 = 13.60, median 11, min 10, max 25, share 1/5 = 0.200. Exactly 5
    ///   measured users: shown with the default `--min-users 5`.
    /// - "P<2>" [4, 9] and one user with too few visits: mean 6.50, median 6.5, share 0.000; 2 measured users, below 5.
    /// - The city, over all 13 sampled users: mean 134/13 = 10.31, median 10 (7th of 13), min 2, max 25,
    ///   share 2/13 = 0.154.
    static let staffCounts: [(provider: String, counts: [Int])] = [
        ("Hemtjänst Ängen & Co", [2, 3, 5, 8, 13, 22]),
        ("Nordväst", [10, 10, 11, 12, 25]),
        ("P<2>", [4, 9]),
    ]

    /// User ids and sort names that must never appear in the report.
    static func userID(_ provider: Int, _ user: Int) -> String {
        "19\(40 + user)0\(provider + 1)15-98\(user)\(provider)"
    }
    static func sortName(_ provider: Int, _ user: Int) -> String { "Zetterqvist\(provider)\(user) Birgitta" }

    private func measuredLog() throws -> MeasureResult {
        var log = VisitLogBuilder()
        for (p, entry) in Self.staffCounts.enumerated() {
            for (u, count) in entry.counts.enumerated() {
                log.regularUser(
                    provider: entry.provider, user: Self.userID(p, u), staff: (0..<count).map { "p\(p)s\($0)" },
                    name: Self.sortName(p, u))
            }
        }
        // Not measured (a day with one visit): counted among the users, not in the figures.
        log.regularUser(provider: "P<2>", user: "EJ-MATT-4711", staff: ["x"], name: "Öberg Ulla", skipDay: 3)
        return try log.measure()
    }

    /// Writes every output of `measure` and returns the report page and `providers.csv`.
    private func writeOutputs(minUsers: Int = 5, keepIDs: Bool = false) throws -> (report: String, providers: String) {
        let directory = TemporaryDirectory()
        var options = MeasureOutputOptions.testing(keysOf: directory)
        options.minUsersForReport = minUsers
        options.keepIDs = keepIDs
        try MeasureOutputs.write(try measuredLog(), to: OutputDirectory(path: directory.path), options: options)
        return (directory.read("report.html"), directory.read("providers.csv"))
    }

    /// The rows of `table.providers` by their heading (provider name, or "Hela staden").
    private func providerRows(_ page: TestHTMLElement) throws -> [String: [TestHTMLElement]] {
        let table = try XCTUnwrap(page.descendants { $0.name == "table" && $0.classes.contains("providers") }.first)
        var rows: [String: [TestHTMLElement]] = [:]
        for row in table.descendants(named: "tr") {
            guard let heading = row.children.first, heading.name == "th", heading.attributes["scope"] == "row"
            else { continue }
            rows[heading.text] = Array(row.children.dropFirst())
        }
        return rows
    }

    /// The display text a figure cell must show for its CSV text: decimal comma, the share as a percentage with one
    /// decimal, thousands separated by a no-break space.
    private func expectedDisplay(csv: String, column: Int) -> String {
        if column == 6 {
            // share_over_20 "0.167" → "16,7 %": the decimal point moves two places.
            let thousandths = Int(csv.replacingOccurrences(of: ".", with: "")) ?? -1
            return "\(thousandths / 10),\(thousandths % 10)\u{00A0}%"
        }
        return csv.replacingOccurrences(of: ".", with: ",")
    }

    // MARK: - Figures

    func testShownFiguresEqualProvidersCSV() throws {
        let (report, providersCSV) = try writeOutputs(minUsers: 1)
        let rows = try providerRows(TestHTMLReader.parse(report))
        let lines = providersCSV.split(separator: "\n").dropFirst()
        XCTAssertEqual(lines.count, 3)
        for line in lines {
            // No provider name here holds a comma, so a plain split reads the CSV.
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let cells = try XCTUnwrap(rows[fields[0]], "no report row for \(fields[0])")
            XCTAssertEqual(cells.count, 7)
            for (column, cell) in cells.enumerated() {
                XCTAssertEqual(cell.attributes["data-value"], fields[column + 1], "\(fields[0]) column \(column + 1)")
                XCTAssertEqual(
                    cell.text, expectedDisplay(csv: fields[column + 1], column: column),
                    "\(fields[0]) column \(column + 1)")
            }
        }
        // The values written by hand (see `staffCounts`).
        XCTAssertEqual(
            try XCTUnwrap(rows["Hemtjänst Ängen & Co"]).map(\.text),
            ["6", "6", "8,83", "6,5", "2", "22", "16,7\u{00A0}%"])
        XCTAssertEqual(try XCTUnwrap(rows["P<2>"]).compactMap { $0.attributes["data-value"] }.last, "0.000")
    }

    func testCityRowIsTheMeanOverAllSampledUsers() throws {
        let (report, _) = try writeOutputs()
        let page = try TestHTMLReader.parse(report)
        let city = try XCTUnwrap(try providerRows(page)[MeasureReport.cityLabel])
        // 13 sampled users in all (P<2> included even though it is held back): 134 / 13 = 10.31.
        XCTAssertEqual(
            city.compactMap { $0.attributes["data-value"] }, ["13", "13", "10.31", "10", "2", "25", "0.154"])
        XCTAssertEqual(city[2].text, "10,31")
        let cityRow = try XCTUnwrap(page.descendants { $0.name == "tr" && $0.classes.contains("comparison") }.first)
        XCTAssertEqual(cityRow.children.first?.text, MeasureReport.cityLabel)
        // The bar chart draws the same value as its reference line.
        let line = try XCTUnwrap(page.descendants(class: "reference-line").first)
        XCTAssertEqual(line.attributes["data-value"], "10.31")
        XCTAssertTrue(
            page.descendants(class: "reference-label").contains { $0.text == "Alla utförare i underlaget 10,31" })
    }

    // MARK: - Small-number protection

    func testProviderBelowMinUsersShowsFörFåButTheCSVKeepsItsFigures() throws {
        let (report, providersCSV) = try writeOutputs()
        let page = try TestHTMLReader.parse(report)
        let rows = try providerRows(page)
        // P<2> has 2 measured users < 5: counts shown, figures held back and not hidden in attributes either.
        let small = try XCTUnwrap(rows["P<2>"])
        XCTAssertEqual(small.prefix(2).map { $0.attributes["data-value"] }, ["2", "2"])
        XCTAssertEqual(small.dropFirst(2).map(\.text), Array(repeating: "för få", count: 5))
        XCTAssertTrue(small.dropFirst(2).allSatisfy { $0.attributes["data-value"] == nil })
        // Nordväst has exactly 5: shown.
        XCTAssertEqual(try XCTUnwrap(rows["Nordväst"])[2].attributes["data-value"], "13.60")
        // The chart has no bar for P<2>, only the note; its histogram panel draws no bins.
        XCTAssertFalse(page.descendants(class: "bar").contains { $0.attributes["data-label"] == "P<2>" })
        XCTAssertTrue(page.descendants(class: "bar-note").contains { $0.text == "för få" })
        let panel = try XCTUnwrap(page.descendants { $0.attributes["data-name"] == "P<2>" }.first)
        XCTAssertTrue(panel.descendants(class: "bin").isEmpty)
        XCTAssertTrue(panel.text.contains("för få"))
        // The analyst's CSV is complete.
        XCTAssertTrue(providersCSV.contains("P<2>,2,2,6.50,6.5,4,9,0.000\n"))
        // Suppressed figures appear nowhere on the page: 6,50 is P<2>'s mean.
        XCTAssertFalse(report.contains("6,50"))
        XCTAssertFalse(report.contains("6.50"))
    }

    func testCityIsHeldBackWhenTooFewUsersWereMeasuredInAll() throws {
        // 13 measured users in all, fewer than 100: nothing but counts is shown, and no chart is drawn.
        let (report, _) = try writeOutputs(minUsers: 100)
        let page = try TestHTMLReader.parse(report)
        let city = try XCTUnwrap(try providerRows(page)[MeasureReport.cityLabel])
        XCTAssertEqual(city.map(\.text), ["13", "13"] + Array(repeating: "för få", count: 5))
        let keyFigures = page.descendants { $0.classes.contains("key-figure") }.map { $0.children.last?.text }
        XCTAssertEqual(keyFigures, ["för få", "för få", "för få", "13"])
        XCTAssertTrue(page.descendants(named: "svg").isEmpty)
        XCTAssertTrue(page.descendants(class: "reference-line").isEmpty)
        XCTAssertFalse(report.contains("10,31"))
    }

    func testMinUsersZeroShowsEveryProvider() throws {
        let result = try measuredLog()
        let page = try TestHTMLReader.parse(MeasureReport(result: result, minimumUsers: 0).render())
        XCTAssertTrue(page.descendants(class: "suppressed").isEmpty)
        XCTAssertEqual(page.descendants(class: "bar").count, 3)
    }

    // MARK: - Privacy and self-containment

    func testNoUserIDOrNameAppears() throws {
        for keepIDs in [false, true] {
            let (report, _) = try writeOutputs(minUsers: 1, keepIDs: keepIDs)
            for (p, entry) in Self.staffCounts.enumerated() {
                for u in entry.counts.indices {
                    XCTAssertFalse(report.contains(Self.userID(p, u)), "user id in the report (keepIDs \(keepIDs))")
                    XCTAssertFalse(report.contains("Zetterqvist"), "sort name in the report")
                }
            }
            XCTAssertFalse(report.contains("EJ-MATT-4711"))
            XCTAssertFalse(report.contains("Öberg"))
            // Not even the birth date part of a personnummer.
            XCTAssertFalse(report.contains("19400115"))
        }
    }

    func testPageIsSelfContained() throws {
        let (report, _) = try writeOutputs()
        XCTAssertTrue(report.hasPrefix("<!DOCTYPE html>\n<html lang=\"sv\">"))
        for forbidden in ["<script", "http://", "https://", "src=", "href=", "url(", "@import", "<link", "<img"] {
            XCTAssertFalse(report.lowercased().contains(forbidden), "\(forbidden) in the report")
        }
        let page = try TestHTMLReader.parse(report)
        XCTAssertEqual(page.name, "html")
        XCTAssertEqual(page.attributes["lang"], "sv")
        XCTAssertEqual(page.descendants(named: "style").count, 1)
        XCTAssertEqual(page.descendants(named: "meta").first?.attributes["charset"], "utf-8")
        // The Swedish labels the page is read by.
        let text = page.text
        for label in [
            "Personalkontinuitet", "Utförare", "Mätperiod", "Brukare", "Medelvärde", "Median",
            "Andel som mött fler än 20", "Inlästa rader", "Använda", "Exkluderade", "Avvisade", "14 dagar",
            "07.00", "65 år", "3–16 september 2018",
        ] {
            XCTAssertTrue(text.contains(label), "missing \(label)")
        }
    }

    func testProviderNamesAreEscaped() throws {
        let name = "<b>\"Omsorg\" & 'Vård'</b>"
        var log = VisitLogBuilder()
        // Quoted in the CSV because the name holds quotes.
        log.regularUser(provider: "\"<b>\"\"Omsorg\"\" & 'Vård'</b>\"", user: "A", staff: ["s1", "s2"])
        // A second provider (3 staff, after the first's 2), so that there is a comparison chart whose first bar carries
        // the name.
        log.regularUser(provider: "Andra", user: "B", staff: ["s1", "s2", "s3"])
        let report = MeasureReport(result: try log.measure(), minimumUsers: 1).render()
        XCTAssertFalse(report.contains("<b>"))
        XCTAssertTrue(report.contains("&lt;b&gt;&quot;Omsorg&quot; &amp; &#39;Vård&#39;&lt;/b&gt;"))
        let page = try TestHTMLReader.parse(report)
        XCTAssertNotNil(try providerRows(page)[name])
        XCTAssertEqual(page.descendants(class: "bar").first?.attributes["data-label"], name)
    }

    // MARK: - Charts

    func testBarWidthsAreProportionalToMeansAndSortedAscending() throws {
        let (report, _) = try writeOutputs(minUsers: 1)
        let page = try TestHTMLReader.parse(report)
        let bars = page.descendants(class: "bar")
        XCTAssertEqual(bars.map { $0.attributes["data-label"] }, ["P<2>", "Hemtjänst Ängen & Co", "Nordväst"])
        let ratios = try bars.map { bar -> Double in
            let width = try XCTUnwrap(bar.number("width"))
            let mean = try XCTUnwrap(bar.number("data-value"))
            return width / mean
        }
        for ratio in ratios {
            // Bars are drawn at the shown (CSV) value; coordinates have two decimals: 0.005 on the shortest bar.
            XCTAssertEqual(ratio, ratios[0], accuracy: 0.005 / 6.5)
        }
        // Every bar starts at the axis.
        XCTAssertEqual(Set(bars.compactMap { $0.attributes["x"] }).count, 1)
        // The value written at the end of each bar is the shown figure.
        XCTAssertEqual(page.descendants(class: "bar-value").map(\.text), ["6,50", "8,83", "13,60"])
    }

    func testHistogramsShowTheDistributionPerProvider() throws {
        let (report, _) = try writeOutputs()
        let page = try TestHTMLReader.parse(report)
        let charts = page.descendants(named: "svg")
        // One bar chart, histograms for the city and the two providers shown (P<2> is held back).
        XCTAssertEqual(charts.filter { $0.classes.contains("bar-chart") }.count, 1)
        XCTAssertEqual(charts.filter { $0.classes.contains("histogram") }.count, 3)
        // Nordväst [10, 10, 11, 12, 25]: 6–10: 2, 11–15: 2, 21–25: 1.
        let panel = try XCTUnwrap(page.descendants { $0.attributes["data-name"] == "Nordväst" }.first)
        let bins = panel.descendants(class: "bin")
        XCTAssertEqual(bins.map { $0.attributes["data-label"] }, ["1–5", "6–10", "11–15", "16–20", "21–25", ">25"])
        XCTAssertEqual(bins.map { $0.attributes["data-value"] }, ["0", "2", "2", "0", "1", "0"])
        // Heights are shares on one scale: 2 of 5 is twice 1 of 5.
        let heights = try bins.map { try XCTUnwrap($0.number("height")) }
        XCTAssertEqual(heights[1], 2 * heights[4], accuracy: 0.02)
        // The city panel counts all 13 sampled users.
        let city = try XCTUnwrap(page.descendants { $0.attributes["data-name"] == MeasureReport.cityLabel }.first)
        XCTAssertEqual(city.descendants(class: "bin").compactMap { $0.number("data-value") }.reduce(0, +), 13)
    }

    func testReconciliationPerFileAndTotal() throws {
        var log = VisitLogBuilder()
        log.regularUser(user: "A", staff: ["s1"])
        log.row(user: "A", staff: "s1", day: 0, time: "23:00")
        log.row(user: "A", staff: "s1", day: 20, time: "08:00")
        log.row(user: "A", staff: "", day: 0, time: "09:00")
        let page = try TestHTMLReader.parse(MeasureReport(result: try log.measure(), minimumUsers: 1).render())
        let table = try XCTUnwrap(page.descendants { $0.classes.contains("reconciliation") }.first)
        let rows = table.descendants(named: "tr").filter { $0.children.first?.attributes["scope"] == "row" }
        XCTAssertEqual(rows.map { $0.children.first?.text }, ["visits.csv", "Totalt"])
        // 31 rows: 28 used, 1 outside the period, 0, 0, 1 outside hours, 1 rejected (no staff), 0 blank.
        for row in rows {
            XCTAssertEqual(
                row.children.dropFirst().compactMap { $0.attributes["data-value"] },
                ["31", "28", "1", "0", "0", "1", "1", "0"])
        }
        XCTAssertTrue(page.text.contains("Ingen rad har fallit bort"))
    }

    func testLineChartMarksRangesAndBreaksAtMissingValues() throws {
        let chart = SVGLineChart(
            categories: (1...12).map { "v\($0)" },
            series: [
                .init(name: "Fördelad tid", values: [10, 12, 11, nil, 9, 8, 10, 12, 14, 13, 12, 11]),
                .init(name: "Utförd tid", values: [9, 11, 10, 8, 8, 7, 9, 11, 13, 12, 11, 10]),
            ],
            markedRanges: [.init(first: 8, last: 9, label: "Vecka 36–37")],
            referenceLines: [ChartReferenceLine(value: 14, label: "Tak", emphasis: .secondary, csv: "14.00")],
            axisTitle: "Timmar", title: "Fördelad och utförd tid")
        let svg = try TestHTMLReader.parse(chart.node().markup)
        // The first series breaks at its missing value: two runs; the second is one line.
        XCTAssertEqual(
            svg.descendants { $0.name == "polyline" && $0.attributes["data-series"] == "Fördelad tid" }.count, 2)
        XCTAssertEqual(
            svg.descendants { $0.name == "polyline" && $0.attributes["data-series"] == "Utförd tid" }.count, 1)
        XCTAssertEqual(svg.descendants(class: "point").count, 11 + 12)
        XCTAssertEqual(svg.descendants(class: "point").first?.attributes["data-value"], "10.00")
        let range = try XCTUnwrap(svg.descendants(class: "marked-range").first)
        XCTAssertEqual(range.attributes["data-first"], "8")
        XCTAssertEqual(range.attributes["data-last"], "9")
        XCTAssertTrue(svg.descendants(class: "range-label").contains { $0.text == "Vecka 36–37" })
        XCTAssertEqual(svg.descendants(class: "reference-line").first?.attributes["data-value"], "14.00")
        // Both series named in the legend.
        XCTAssertTrue(svg.text.contains("Fördelad tid") && svg.text.contains("Utförd tid"))
    }

    func testBarChartAcceptsSeveralLabelledReferenceLines() throws {
        let chart = SVGBarChart(
            bars: [
                .init(label: "A", value: 10, shown: "10,00", csv: "10.00"),
                .init(label: "B", value: nil, shown: "", csv: nil, note: "för få"),
            ],
            referenceLines: [
                ChartReferenceLine(value: 12, label: "Staden 12,00", emphasis: .primary, csv: "12.00"),
                ChartReferenceLine(value: 9, label: "Kommunal regi 9,00", emphasis: .secondary, csv: "9.00"),
            ],
            axisTitle: "Medelvärde", title: "Test")
        let svg = try TestHTMLReader.parse(chart.node().markup)
        let lines = svg.descendants(class: "reference-line")
        XCTAssertEqual(lines.compactMap { $0.attributes["data-value"] }, ["12.00", "9.00"])
        XCTAssertEqual(lines[1].attributes["stroke-dasharray"], "4 3", "the group line is dashed")
        // The labels sit in separate rows above the plot, so they cannot overlap.
        let labels = svg.descendants(class: "reference-label")
        XCTAssertEqual(labels.map(\.text), ["Staden 12,00", "Kommunal regi 9,00"])
        XCTAssertNotEqual(labels[0].attributes["y"], labels[1].attributes["y"])
        // The line is at its value on the same scale as the bars.
        let layout = chart.layout()
        XCTAssertEqual(try XCTUnwrap(lines[0].number("x1")), layout.x(12), accuracy: 0.005)
        XCTAssertEqual(
            try XCTUnwrap(svg.descendants(class: "bar").first?.number("width")), layout.x(10) - layout.plotLeft,
            accuracy: 0.005)
    }

    // MARK: - Formats

    func testSwedishNumberAndDateFormats() {
        XCTAssertEqual(ReportFormat.decimal(csv: "13.45"), "13,45")
        XCTAssertEqual(ReportFormat.percent(fractionCSV: "0.125"), "12,5\u{00A0}%")
        XCTAssertEqual(ReportFormat.percent(fractionCSV: "1.000"), "100,0\u{00A0}%")
        XCTAssertEqual(ReportFormat.percent(fractionCSV: "0.005"), "0,5\u{00A0}%")
        XCTAssertEqual(ReportFormat.integer(1_234_567), "1\u{00A0}234\u{00A0}567")
        XCTAssertEqual(ReportFormat.integer(999), "999")
        XCTAssertEqual(ReportFormat.axis(12.5), "12,5")
        XCTAssertEqual(ReportFormat.axis(20), "20")
        XCTAssertEqual(
            ReportFormat.dateRange(CivilDate(year: 2018, month: 9, day: 3), CivilDate(year: 2018, month: 9, day: 16)),
            "3–16 september 2018")
        XCTAssertEqual(
            ReportFormat.dateRange(CivilDate(year: 2020, month: 8, day: 31), CivilDate(year: 2020, month: 9, day: 13)),
            "31 augusti – 13 september 2020")
        XCTAssertEqual(
            ReportFormat.dateRange(CivilDate(year: 2018, month: 12, day: 24), CivilDate(year: 2019, month: 1, day: 6)),
            "24 december 2018 – 6 januari 2019")
    }

    func testEscapingCoversQuotesAndApostrophes() {
        XCTAssertEqual(HTMLText.escaped("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&#39;f")
        // Control characters cannot be held by XML and are dropped.
        XCTAssertEqual(HTMLText.escaped("a\u{1}b"), "ab")
        XCTAssertEqual(
            HTMLNode.element("td", ["data-value": "1\"2"], text: "<x>").markup,
            "<td data-value=\"1&quot;2\">&lt;x&gt;</td>")
    }

    func testTicksAreRound() {
        XCTAssertEqual(ChartScale.ticks(upTo: 16.91, targetCount: 6), [0, 5, 10, 15, 20])
        XCTAssertEqual(ChartScale.ticks(upTo: 0), [0, 1])
        XCTAssertEqual(ChartScale.ticks(upTo: 69, targetCount: 3), [0, 25, 50, 75])
    }
}
