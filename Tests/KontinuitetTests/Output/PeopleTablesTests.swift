import XCTest

@testable import Kontinuitet

/// `tabeller.xlsx`: Swedish headers and values, numbers as numbers, shares with a percent format.
final class PeopleTablesTests: XCTestCase {
    func testMeasuresTablesHaveSwedishHeadersNumbersAndPercentages() throws {
        var log = VisitLogBuilder()
        // One user measured with staff a, b, c (3 staff); one with a single visit (not measured).
        log.regularUser(user: "u1", staff: ["a", "b", "c"])
        log.row(user: "u2", staff: "a", day: 0, time: "08:00")
        let result = try log.measure()
        let order = Array(result.users.indices)
        let bytes = try PeopleTables.measure(result, order: order, shownIDs: result.users.map(\.userID))
        let providers = try TestXMLReader.read(
            Array(TestZipReader.text(of: "xl/worksheets/sheet1.xml", in: bytes).utf8)
        ).cells
        XCTAssertEqual(
            ["A1", "B1", "D1", "H1"].map { providers[$0]?.value },
            ["Utförare", "Mätta brukare", "Medelvärde", "Andel över 20"])
        // P1: one measured user with 3 staff: mean 3 as a number, share over 20 0 with the percent format (s=4).
        XCTAssertEqual(providers["D2"]?.value, "3.0", "a Double, as the writer stores numbers")
        XCTAssertNil(providers["D2"]?.type, "a number, not text")
        XCTAssertEqual(providers["H2"]?.value, "0")
        XCTAssertEqual(providers["H2"]?.style, String(XLSXStyle.percent.rawValue))
        let users = try TestXMLReader.read(
            Array(TestZipReader.text(of: "xl/worksheets/sheet3.xml", in: bytes).utf8)
        ).cells
        XCTAssertEqual(users["D1"]?.value, "Mätt")
        // Users in the result's order: u1 measured ("ja"), u2 not ("nej", too few daily visits in words).
        XCTAssertEqual([users["D2"]?.value, users["D3"]?.value], ["ja", "nej"])
        XCTAssertEqual(users["E3"]?.value, "färre än två besök någon dag")
        let styles = try TestZipReader.text(of: "xl/styles.xml", in: bytes)
        XCTAssertTrue(styles.contains(#"formatCode="0.0%""#), styles)
    }

    func testCompilesResultsAreInSwedish() throws {
        let directory = TemporaryDirectory()
        let form = directory.file("f.csv", "provider,user,staff_count\nP,1,10\nP,2,12\n")
        var options = CompileOptions()
        options.year = 2018
        let result = try Compile.run(forms: [form], register: nil, options: options)
        let bytes = try PeopleTables.workbook([PeopleTables.compileLevels(result)], path: "results.xlsx")
        let cells = try TestXMLReader.read(
            Array(TestZipReader.text(of: "xl/worksheets/sheet1.xml", in: bytes).utf8)
        ).cells
        XCTAssertEqual(["A1", "D1", "H1"].map { cells[$0]?.value }, ["Nivå", "Status", "Medelvärde"])
        // Row 2 is the city: "Staden", status "aktiv", mean (10 + 12) / 2 = 11.
        XCTAssertEqual([cells["A2"]?.value, cells["D2"]?.value, cells["H2"]?.value], ["Staden", "aktiv", "11.0"])
    }
}
