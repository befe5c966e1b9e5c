import XCTest

@testable import Kontinuitet

/// Machine CSV: quoting, decimals, formula neutralisation.
final class CSVWriterTests: XCTestCase {
    func testFormatAgreesWithPrintfOnManyValues() {
        var generator = SplitMix64(seed: 9)
        for _ in 0..<20_000 {
            let value = Double(generator.next() % 4_000_000) / Double(1 + generator.next() % 997) - 1_000
            for places in [0, 1, 2, 3, 4] {
                XCTAssertEqual(CSVWriter.format(value, places: places), String(format: "%.\(places)f", value))
            }
        }
        // Values whose scaled form does not fit 64 bits take the 128-bit path.
        for value in [123_456_789_012_345.5, -98_765_432_109.876_5, 18_446_744_073.709_551_6] {
            for places in [0, 3, 9] {
                XCTAssertEqual(CSVWriter.format(value, places: places), String(format: "%.\(places)f", value))
            }
        }
    }

    /// Integers (CSV cells and workbook `<v>` values) are written as `String(value)` writes them.
    func testDecimalDigitsAreStringsDigits() {
        for value in [0, 7, -7, 10, 99, -100, 1_234_567, Int.max, Int.min] {
            var bytes: [UInt8] = Array("x".utf8)
            CSVWriter.appendDecimal(value, to: &bytes)
            XCTAssertEqual(String(decoding: bytes, as: UTF8.self), "x\(value)")
        }
    }

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
        // Ties go to even on the exact binary value, as printf does: 13.125 and 0.0625 are exact halves.
        XCTAssertEqual(CSVWriter.format(13.125, places: 2), "13.12")
        XCTAssertEqual(CSVWriter.format(13.375, places: 2), "13.38")
        XCTAssertEqual(CSVWriter.format(0.0625, places: 3), "0.062")
        // 2.675 is stored as 2.67499999…, so it rounds down (as printf and Python do).
        XCTAssertEqual(CSVWriter.format(2.675, places: 2), "2.67")
        XCTAssertEqual(CSVWriter.format(-0.004, places: 2), "-0.00")
        XCTAssertEqual(CSVWriter.format(0, places: 3), "0.000")
        XCTAssertEqual(CSVWriter.format(1e-300, places: 2), "0.00")
        XCTAssertEqual(CSVWriter.format(123_456.5, places: 0), "123456")
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
