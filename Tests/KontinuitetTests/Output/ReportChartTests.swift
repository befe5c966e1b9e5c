import Foundation
import XCTest

@testable import Kontinuitet

/// The charts as files for Word (`charts/*.svg`) and as print needs them: standalone files with a white background,
/// named fonts and a heading, drawing what the page draws; long bar charts cut into parts that fit a page, on one
/// scale; long labels shortened with the full text as a tooltip.
final class ReportChartTests: XCTestCase {
    private func measuredLog() throws -> MeasureResult {
        var log = VisitLogBuilder()
        for (p, entry) in ReportTests.staffCounts.enumerated() {
            for (u, count) in entry.counts.enumerated() {
                log.regularUser(provider: entry.provider, user: "U\(p)-\(u)", staff: (0..<count).map { "s\($0)" })
            }
        }
        return try log.measure()
    }

    func testEveryChartOfTheMeasureReportIsAlsoAStandaloneFile() throws {
        let directory = TemporaryDirectory()
        try MeasureOutputs.write(
            try measuredLog(), to: OutputDirectory(path: directory.path), options: MeasureOutputOptions())
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path + "/charts").sorted()
        // The comparison, all providers' distribution, and one per provider shown (P<2> has 2 users, held back).
        XCTAssertEqual(
            names,
            [
                "fordelning-hemtjanst-angen-co.svg", "fordelning-nordvast.svg", "fordelning.svg", "jamforelse.svg",
            ])
        let page = try TestHTMLReader.parse(directory.read("report.html"))
        let pageBars = page.descendants(class: "bar").compactMap { $0.attributes["data-value"] }
        let file = directory.read("charts/jamforelse.svg")
        XCTAssertTrue(file.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "))
        let svg = try TestHTMLReader.parse(file)
        XCTAssertEqual(svg.name, "svg")
        XCTAssertEqual(svg.attributes["xmlns"], "http://www.w3.org/2000/svg")
        XCTAssertTrue(svg.attributes["font-family"]?.contains("Arial") ?? false)
        XCTAssertNotNil(svg.attributes["viewBox"])
        let background = try XCTUnwrap(svg.children.first { $0.name == "rect" })
        XCTAssertEqual(background.attributes["fill"], "#ffffff")
        XCTAssertEqual(background.attributes["width"], svg.attributes["width"])
        XCTAssertEqual(background.attributes["height"], svg.attributes["height"])
        XCTAssertEqual(svg.descendants(class: "heading").first?.text, "Medelvärde av antal personal per brukare")
        // The same bars as the page, to the last digit.
        XCTAssertEqual(svg.descendants(class: "bar").compactMap { $0.attributes["data-value"] }, pageBars)
        // Labels outlined in white by attributes, not by the page's style sheet, which a file does not have.
        let value = try XCTUnwrap(svg.descendants(class: "bar-value").first)
        XCTAssertEqual(value.attributes["stroke"], "#ffffff")
        XCTAssertEqual(value.attributes["paint-order"], "stroke")
        // The histogram of a provider says whose it is.
        let histogram = try TestHTMLReader.parse(directory.read("charts/fordelning-nordvast.svg"))
        XCTAssertEqual(histogram.descendants(class: "heading").map(\.text).joined(separator: " "), "Nordväst, n = 5")
    }

    func testTheTimeReportsChartIsAFileToo() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("sample-data/time").path
        let result = try TimeReport.run(
            performed: [root + "/performed.csv"], allocated: [root + "/allocated.csv"], register: nil,
            options: TimeReportOptions())
        let directory = TemporaryDirectory()
        var options = TimeReportOutputOptions()
        options.performedFiles = [root + "/performed.csv"]
        options.allocatedFiles = [root + "/allocated.csv"]
        try TimeReportOutputs.write(result, to: OutputDirectory(path: directory.path), options: options)
        let svg = try TestHTMLReader.parse(directory.read("charts/tid-per-manad.svg"))
        XCTAssertEqual(
            Set(svg.descendants(named: "polyline").compactMap { $0.attributes["data-series"] }),
            ["Fördelad tid", "Utförd tid"])
        XCTAssertTrue(
            directory.read("report.html").contains(
                "Underlag: performed.csv (utförd tid) och allocated.csv (fördelad tid)."))
    }

    /// 50 providers: two charts of 25 bars, each short enough for a page, on one scale (the same ticks) and with the
    /// plots lined up (every bar starts at the same x).
    func testALongBarChartIsCutIntoPartsOnOneScale() throws {
        let bars = (1...50).map { index in
            SVGBarChart.Bar(
                label: index == 50
                    ? "Provider \(index) with a very long name that a label cannot hold at all" : "P\(index)",
                value: Double(index), shown: "\(index)", csv: "\(index).00")
        }
        let chart = SVGBarChart(bars: bars, axisTitle: "Medelvärde", title: "Test")
        let parts = chart.split()
        XCTAssertEqual(parts.map(\.bars.count), [25, 25])
        let layouts = parts.map { $0.layout() }
        XCTAssertEqual(layouts[0].ticks, layouts[1].ticks)
        XCTAssertEqual(layouts[0].plotLeft, layouts[1].plotLeft)
        // 25 bars of 21 units plus axis: under 600 units, 160 mm of a 180 mm wide column.
        XCTAssertLessThan(layouts[0].height, 600)

        let div = try TestHTMLReader.parse(chart.node().markup)
        XCTAssertEqual(div.name, "div")
        XCTAssertEqual(div.classes, ["chart-parts"])
        XCTAssertEqual(div.children.map(\.name), ["svg", "svg"])
        XCTAssertEqual(Set(div.descendants(class: "bar").compactMap { $0.attributes["x"] }).count, 1)
        // The long name is cut with an ellipsis, its full text kept as the label's tooltip.
        let label = try XCTUnwrap(div.descendants(class: "bar-label").last)
        XCTAssertTrue(label.text.hasSuffix("…"))
        XCTAssertEqual(
            label.children.first { $0.name == "title" }?.text,
            "Provider 50 with a very long name that a label cannot hold at all")
    }

    /// A heading wider than a small chart is wrapped onto lines that each fit.
    func testAStandaloneHeadingIsWrappedToTheChartsWidth() throws {
        let histogram = SVGHistogram(bins: [.init(label: "1–5", count: 3)], shareMaximum: 1, title: "Test")
        let chart = ReportChart(
            name: "test", heading: "Hemtjänst i Västra Göteborg med omnejd AB, n = 1 234", svg: histogram.node())
        let svg = try TestHTMLReader.parse(chart.standaloneSVG)
        let lines = svg.descendants(class: "heading")
        XCTAssertGreaterThan(lines.count, 1)
        XCTAssertEqual(lines.map(\.text).joined(separator: " "), "Hemtjänst i Västra Göteborg med omnejd AB, n = 1 234")
        for line in lines {
            XCTAssertLessThanOrEqual(ChartText.estimatedWidth(line.text, fontSize: ReportChart.headingFontSize), 220)
        }
    }
}
