import Foundation
import XCTest

@testable import Kontinuitet

/// What the reports say about themselves and their input: the day, version and files they were made from (file
/// names that look personal replaced), the method in words instead of pointers to files the reader does not have,
/// "alla utförare i underlaget" instead of a city the input may not be, wording that follows the span of a rolling
/// run, and a time report that says when no allocated time was given.
final class ReportWordingTests: XCTestCase {
    private static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private static let madeOn = ReportProvenance(
        date: CivilDate(year: 2018, month: 10, day: 1), inputs: ["visits.csv"])

    /// Three providers of 6, 5 and 2 measured users (the fixture of `ReportTests`).
    private func threeProviders() throws -> MeasureResult {
        var log = VisitLogBuilder()
        for (p, entry) in ReportTests.staffCounts.enumerated() {
            for (u, count) in entry.counts.enumerated() {
                log.regularUser(
                    provider: entry.provider, user: "U\(p)-\(u)", staff: (0..<count).map { "p\(p)s\($0)" })
            }
        }
        return try log.measure()
    }

    // MARK: - When, by what, from which files

    /// `SOURCE_DATE_EPOCH` fixes the day; the day is Stockholm's: 1538348400 is 2018-09-30 23:00 UTC, which is
    /// 01:00 on 1 October in Stockholm (summer time, UTC+2).
    func testTheDayIsStockholmsDayAtSourceDateEpochElseNow() {
        let never = Date(timeIntervalSince1970: 0)
        XCTAssertEqual(
            ReportProvenance.date(environment: ["SOURCE_DATE_EPOCH": "1538348400"], now: never),
            CivilDate(year: 2018, month: 10, day: 1))
        // Not a whole number of seconds: the clock (here 1970-01-01 00:00 UTC, 01:00 in Stockholm).
        XCTAssertEqual(
            ReportProvenance.date(environment: ["SOURCE_DATE_EPOCH": "soon"], now: never),
            CivilDate(year: 1970, month: 1, day: 1))
        XCTAssertEqual(
            ReportProvenance.date(environment: [:], now: Date(timeIntervalSince1970: 1_538_352_000)),
            CivilDate(year: 2018, month: 10, day: 1))
    }

    /// File names only; one that passes as a personnummer (19121212-1212 has a valid check digit) or holds a name
    /// of the input's name column is shown by its place among the inputs.
    func testFileNamesThatLookPersonalAreShownByNumber() {
        let shown = ReportProvenance.shownNames(
            ["/data/export/hemtjanst-norr.csv", "ut/19121212-1212.csv", "Svensson Anna besök.csv", "-"],
            check: DisclosureCheck(names: ["Svensson, Anna"]))
        XCTAssertEqual(shown, ["hemtjanst-norr.csv", "fil 2", "fil 3", "standard input"])
    }

    func testTheMeasureReportSaysWhenByWhatFromWhichFilesAndHowInWords() throws {
        let directory = TemporaryDirectory()
        var log = VisitLogBuilder()
        log.regularUser(user: "A", staff: ["s1", "s2"])
        let personal = directory.file("19121212-1212.csv", log.text)
        let plain = directory.file("besok.csv", log.text.replacingOccurrences(of: "P1,", with: "P2,"))
        let result = try VisitLogMeasurement.run(paths: [plain, personal], options: MeasureOptions())
        let page = MeasureReport(
            result: result, minimumUsers: 1,
            provenance: ReportProvenance(
                inputPaths: [plain, personal], environment: ["SOURCE_DATE_EPOCH": "1538352000"])
        ).render()
        let text = try TestHTMLReader.parse(page).text
        XCTAssertTrue(text.contains("Skapad 1 oktober 2018 med kontinuitet \(Kontinuitet.version)"), text)
        XCTAssertTrue(text.contains("Underlag: besok.csv och fil 2."), text)
        XCTAssertFalse(page.contains("19121212"), "the personnummer-like file name, in the reconciliation too")
        XCTAssertTrue(text.contains(MeasureReport.methodParagraph))
        for pointer in ["docs/", ".md", "providers.csv", "rejected.csv"] {
            XCTAssertFalse(text.contains(pointer), "the page points the reader to \(pointer)")
        }
    }

    // MARK: - Alla utförare i underlaget

    func testProvidersAreComparedWithAllProvidersInTheInputNotTheCity() throws {
        let page = MeasureReport(result: try threeProviders(), minimumUsers: 1, provenance: Self.madeOn).render()
        XCTAssertFalse(page.lowercased().contains("hela staden"))
        XCTAssertFalse(page.lowercased().contains("staden"))
        let html = try TestHTMLReader.parse(page)
        XCTAssertEqual(
            html.descendants(class: "comparison").first?.children.first?.text, "Alla utförare i underlaget")
        XCTAssertEqual(html.descendants(class: "reference-line").count, 1)
        XCTAssertEqual(html.descendants(class: "overall").count, 1)
    }

    /// With one provider, "all providers" is the provider: no comparison row, chart, line or panel repeats it.
    func testOneProviderIsNotComparedWithItself() throws {
        var log = VisitLogBuilder()
        for user in 0..<6 { log.regularUser(user: "U\(user)", staff: (0...user).map { "s\($0)" }) }
        let page = MeasureReport(result: try log.measure(), minimumUsers: 5, provenance: Self.madeOn).render()
        let html = try TestHTMLReader.parse(page)
        XCTAssertTrue(html.descendants(class: "comparison").isEmpty)
        XCTAssertTrue(html.descendants(class: "bar-chart").isEmpty, "no chart compares the provider with itself")
        XCTAssertTrue(html.descendants(class: "reference-line").isEmpty)
        XCTAssertTrue(html.descendants(class: "overall").isEmpty)
        XCTAssertEqual(html.descendants(class: "histogram").count, 1)
        XCTAssertFalse(html.text.contains("Alla utförare i underlaget"))
        XCTAssertEqual(html.descendants(class: "key-figure").first?.children.first?.text, "Medelvärde")
    }

    // MARK: - Per enhet

    /// A table per provider; the unit without a name last, as "Utan enhet"; units under the small-number limit
    /// held back like providers. P1: U1 with 5 users (shown), U2 with 1 (held back), 2 without a unit (held back).
    func testUnitsAreTabledPerProviderAndHeldBackLikeProviders() throws {
        var log = VisitLogBuilder()
        for user in 0..<5 { log.regularUser(unit: "U1", user: "A\(user)", staff: ["s1", "s2", "s3"]) }
        log.regularUser(unit: "U2", user: "B", staff: ["s1"])
        log.regularUser(unit: "", user: "C", staff: ["s1"])
        log.regularUser(unit: "", user: "D", staff: ["s2"])
        let html = try TestHTMLReader.parse(
            MeasureReport(result: try log.measure(), minimumUsers: 5, provenance: Self.madeOn).render())
        let group = try XCTUnwrap(html.descendants { $0.attributes["data-provider"] == "P1" }.first)
        XCTAssertEqual(group.descendants(named: "h3").first?.text, "P1")
        let rows = group.descendants(named: "tr").filter { $0.children.first?.attributes["scope"] == "row" }
        XCTAssertEqual(rows.map { $0.children.first?.text }, ["U1", "U2", "Utan enhet"])
        // U1: 5 users with 3 staff each: mean 3.00.
        XCTAssertEqual(rows[0].children[3].attributes["data-value"], "3.00")
        XCTAssertEqual(rows[1].children.dropFirst(3).map(\.text), Array(repeating: "för få", count: 5))
        XCTAssertEqual(rows[2].children[1].attributes["data-value"], "2")
    }

    // MARK: - Rolling

    func testRollingWordsFollowTheSpanOfTheData() {
        let short = MeasureReport.RollingWording(months: 1)
        XCTAssertEqual(short.heading, "Alla 14-dagarsperioder")
        XCTAssertEqual(short.meanColumn, "Medel över alla 14-dagarsperioder")
        XCTAssertFalse(short.comparesMonths, "no best or worst month out of one")
        let eleven = MeasureReport.RollingWording(months: 11)
        XCTAssertEqual(eleven.heading, "Alla 14-dagarsperioder")
        XCTAssertTrue(eleven.comparesMonths)
        XCTAssertEqual(MeasureReport.RollingWording(months: 12).heading, "Året runt")
        XCTAssertEqual(MeasureReport.RollingWording(months: 12).meanColumn, "Medel över året")
        // Thirteen months are not "the year".
        XCTAssertEqual(MeasureReport.RollingWording(months: 13).meanColumn, "Medel över alla 14-dagarsperioder")
    }

    /// Fourteen days of data: one window, in September. No year is claimed, no best or worst month is named, the
    /// axis speaks Swedish, and the providers' curves share one scale: P1's users met 2 staff, P2's 12, and both
    /// panels' axes end at the same round value.
    func testARollingRunOverTwoWeeksClaimsNoYear() throws {
        var log = VisitLogBuilder()
        for user in 0..<5 {
            log.regularUser(provider: "P1", user: "A\(user)", staff: ["s1", "s2"])
            log.regularUser(provider: "P2", user: "B\(user)", staff: (0..<12).map { "t\($0)" })
        }
        let page = MeasureReport(
            result: try log.measure { $0.rolling = true }, minimumUsers: 5, provenance: Self.madeOn
        ).render()
        let html = try TestHTMLReader.parse(page)
        let section = try XCTUnwrap(html.descendants { $0.attributes["id"] == "aret-runt" }.first)
        XCTAssertEqual(section.descendants(named: "h2").first?.text, "Alla 14-dagarsperioder")
        for claim in ["Året runt", "över året", "Bästa månaden", "Sämsta månaden", "2018-09"] {
            XCTAssertFalse(section.text.contains(claim), claim)
        }
        XCTAssertTrue(section.descendants(class: "category-label").contains { $0.text == "sep 2018" })
        let panels = section.descendants(class: "panel")
        XCTAssertEqual(panels.count, 2)
        let topTicks = panels.map { panel in
            panel.descendants(named: "text").compactMap { Double($0.text.replacingOccurrences(of: ",", with: ".")) }
                .max()
        }
        XCTAssertEqual(topTicks[0], topTicks[1])
        XCTAssertEqual(topTicks[0], 12.5, "ticks up to P2's 12 on steps of 2.5")
    }

    // MARK: - Time report

    private func timeReport(allocated: Bool) throws -> TestHTMLElement {
        let time = Self.packageRoot.appendingPathComponent("sample-data/time").path
        let result = try TimeReport.run(
            performed: [time + "/performed.csv"], allocated: allocated ? [time + "/allocated.csv"] : [],
            register: nil, options: TimeReportOptions())
        return try TestHTMLReader.parse(TimeReportPage(result: result, provenance: Self.madeOn).render())
    }

    func testWithoutAllocatedTimeNoAllocatedLineIsDrawnAndThePageSaysSo() throws {
        let page = try timeReport(allocated: false)
        XCTAssertTrue(page.descendants { $0.attributes["data-series"] == "Fördelad tid" }.isEmpty)
        XCTAssertFalse(page.descendants { $0.attributes["data-series"] == "Utförd tid" }.isEmpty)
        XCTAssertTrue(page.text.contains("Ingen fördelad tid ingick i underlaget"))
        XCTAssertFalse(page.descendants(named: "th").contains { $0.text.hasPrefix("Fördelad tid") })
        // No register: no ceiling is claimed to be unreached.
        XCTAssertTrue(page.text.contains("Inget kapacitetstak ingick i underlaget"))

        let full = try timeReport(allocated: true)
        XCTAssertFalse(full.descendants { $0.attributes["data-series"] == "Fördelad tid" }.isEmpty)
        // Months in Swedish, on one line, with the CSV text behind them.
        let month = try XCTUnwrap(full.descendants(class: "nowrap").first)
        XCTAssertEqual(month.text, "oktober 2018")
        XCTAssertEqual(month.attributes["data-value"], "2018-10")
    }

    /// One thousands separator everywhere, the no-break space: counts, hours, percentages, ticks.
    func testThousandsAreSeparatedByANoBreakSpaceEverywhere() {
        XCTAssertEqual(ReportFormat.decimal(csv: "1234.50"), "1\u{00A0}234,50")
        XCTAssertEqual(ReportFormat.decimal(csv: "-12345.5"), "\u{2212}12\u{00A0}345,5")
        XCTAssertEqual(ReportFormat.decimal(csv: "999.99"), "999,99")
        XCTAssertEqual(ReportFormat.decimal(csv: "1000"), "1\u{00A0}000")
        XCTAssertEqual(ReportFormat.percent(fractionCSV: "12.345"), "1\u{00A0}234,5\u{00A0}%")
        XCTAssertEqual(ReportFormat.axis(2500), "2\u{00A0}500")
        XCTAssertEqual(ReportFormat.axis(1250.5), "1\u{00A0}250,5")
        // 1 234,5 of 1 200 hours is 102,875 %: 103 % rounded half up (CapacityRule).
        let warning = CapacityWarning(
            provider: "P", month: "2018-10", performedHours: 1234.5, capacityHours: 1200, level: .ceilingReached,
            percent: 103)
        XCTAssertEqual(
            TimeReportPage.warningText(warning),
            "P, oktober 2018: 1\u{00A0}234,5\u{00A0}h utförd tid av 1\u{00A0}200,0\u{00A0}h kapacitetstak "
                + "(103\u{00A0}%) – kapacitetstaket är nått")
    }

    func testMonthsAreWrittenInSwedish() {
        XCTAssertEqual(ReportFormat.month(csv: "2018-09"), "september 2018")
        XCTAssertEqual(ReportFormat.month(csv: "2018-13"), "2018-13")
        XCTAssertEqual(ReportFormat.monthRange(csv: "2018-10", "2018-11"), "oktober – november 2018")
        XCTAssertEqual(ReportFormat.monthRange(csv: "2018-12", "2019-01"), "december 2018 – januari 2019")
        XCTAssertEqual(ReportFormat.monthRange(csv: "2018-10", "2018-10"), "oktober 2018")
        // 20 December 2018 to 3 February 2019: the first day is labelled (eleven days to January), the year where
        // the axis starts and again at January.
        let first = CivilDate(year: 2018, month: 12, day: 20).dayNumber
        let labels = ReportFormat.monthAxisLabels(firstDay: first, count: 46)
        XCTAssertEqual(labels.filter { !$0.isEmpty }, ["dec 2018", "jan 2019", "feb"])
        // From 25 December the first day is too close to January to get a label of its own.
        let late = ReportFormat.monthAxisLabels(firstDay: first + 5, count: 20)
        XCTAssertEqual(late.filter { !$0.isEmpty }, ["jan 2019"])
    }
}
