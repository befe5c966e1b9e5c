import XCTest

@testable import Kontinuitet

/// Machine CSV: quoting, decimals, formula neutralisation.
final class CSVWriterTests: XCTestCase {
    func testQuotesOnlyWhatNeedsIt() {
        var writer = CSVWriter(header: ["a", "b"])
        writer.row([.text("x,y"), .text("say \"hi\"")])
        writer.row([.text("line\nbreak"), .text("Åsa")])
        XCTAssertEqual(
            String(decoding: writer.bytes, as: UTF8.self), "a,b\n\"x,y\",\"say \"\"hi\"\"\"\n\"line\nbreak\",Åsa\n")
    }

    func testDecimalsUsePointAndFixedPlaces() {
        XCTAssertEqual(CSVWriter.format(13.0, places: 2), "13.00")
        XCTAssertEqual(CSVWriter.format(2.0 / 3.0, places: 3), "0.667")
        XCTAssertEqual(CSVWriter.format(15.456, places: 2), "15.46")
        XCTAssertEqual(CSVWriter.formatMedian(13), "13")
        XCTAssertEqual(CSVWriter.formatMedian(13.5), "13.5")
    }

    func testTextThatCouldBeAFormulaIsNeutralised() {
        var writer = CSVWriter(header: ["name"])
        writer.row([.text("=HYPERLINK(\"x\")")])
        writer.row([.text("@SUM(A1)")])
        writer.row([.text("-5")])
        writer.row([.integer(-5)])
        XCTAssertEqual(
            String(decoding: writer.bytes, as: UTF8.self), "name\n\"'=HYPERLINK(\"\"x\"\")\"\n'@SUM(A1)\n'-5\n-5\n")
    }

    func testFileNameSlugs() {
        XCTAssertEqual(FileNames.slug("Hemtjänst Örgryte/Härlanda AB"), "hemtjanst-orgryte-harlanda-ab")
        XCTAssertEqual(FileNames.uniqueSlugs(["A B", "a-b", "ÅÄÖ"]), ["a-b", "a-b-2", "aao"])
        XCTAssertEqual(FileNames.slug("../../etc"), "etc")
    }
}
