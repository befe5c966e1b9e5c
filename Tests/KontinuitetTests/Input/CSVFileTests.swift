import XCTest

@testable import Kontinuitet

/// Dialect detection: delimiter, encoding, BOM, Excel's `sep=` line, header aliases.
final class CSVFileTests: XCTestCase {
    func testDetectsSemicolonAndWindows1252() throws {
        // "Utförare;Besök" in Windows-1252: ö is 0xF6.
        var bytes = Array("Utf".utf8) + [0xF6] + Array("rare;Bes".utf8) + [0xF6] + Array("k\r\nA;1\r\n".utf8)
        bytes += []
        let file = try CSVFile(path: "x.csv", bytes: bytes)
        XCTAssertEqual(file.delimiter, 0x3B)
        XCTAssertEqual(file.encoding, .windows1252)
        XCTAssertEqual(file.header, ["Utförare", "Besök"])
    }

    func testDetectsTabAndBOM() throws {
        let file = try CSVFile(path: "x.csv", bytes: [0xEF, 0xBB, 0xBF] + Array("provider\tuser\tstaff\n".utf8))
        XCTAssertEqual(file.delimiter, 0x09)
        XCTAssertEqual(file.encoding, .utf8WithBOM)
        XCTAssertEqual(file.header, ["provider", "user", "staff"])
    }

    func testExcelSepLineSetsDelimiterAndIsSkipped() throws {
        let file = try CSVFile(path: "x.csv", bytes: Array("sep=;\nprovider;user,with comma\n".utf8))
        XCTAssertEqual(file.delimiter, 0x3B)
        XCTAssertEqual(file.headerLine, 2)
        XCTAssertEqual(file.header, ["provider", "user,with comma"])
    }

    func testEmptyFileIsAnError() {
        XCTAssertThrowsError(try CSVFile(path: "empty.csv", bytes: [])) { error in
            XCTAssertEqual(error as? InputError, .empty(file: "empty.csv"))
        }
        XCTAssertThrowsError(try CSVFile(path: "blank.csv", bytes: Array("\n\r\n".utf8)))
    }

    func testMissingFileIsAnError() {
        XCTAssertThrowsError(try CSVFile.open("/nonexistent/visits.csv")) { error in
            XCTAssertEqual(error as? InputError, .fileNotFound(file: "/nonexistent/visits.csv"))
        }
    }

    func testSwedishHeaderAliasesResolve() throws {
        let header = [
            "Utförare", "Enhet", "BRUKARE", "Personal", "Starttid", "Besök", "Insats", "Roll", "Namn",
            "Födelsedatum",
        ]
        let columns = try ColumnIndex.resolve(header: header, specs: VisitLogFormat.columns, file: "f", line: 1)
        XCTAssertEqual(columns["provider"], 0)
        XCTAssertEqual(columns["visit"], 5)
        XCTAssertEqual(columns["birth_date"], 9)
        let english = ["provider", "user_id", "Staff ID", "check_in", "visit_id", "staff_role", "sort_name"]
        let other = try ColumnIndex.resolve(header: english, specs: VisitLogFormat.columns, file: "f", line: 1)
        XCTAssertEqual(other["user"], 1)
        XCTAssertEqual(other["staff"], 2)
        XCTAssertEqual(other["start"], 3)
        XCTAssertEqual(other["sort_name"], 6)
    }

    func testMissingRequiredColumnNamesFileLineAndColumn() {
        XCTAssertThrowsError(
            try ColumnIndex.resolve(
                header: ["provider", "user", "start"], specs: VisitLogFormat.columns,
                file: "visits.csv", line: 1)
        ) { error in
            let message = String(describing: error)
            XCTAssertTrue(message.hasPrefix("visits.csv:1: required column 'staff' is missing"), message)
        }
    }

    func testMixedEncodingsDecodePerField() {
        let utf8 = Array("Söder".utf8)
        let cp1252: [UInt8] = [0x53, 0xF6, 0x64, 0x65, 0x72]
        XCTAssertEqual(TextDecoding.string(utf8), "Söder")
        XCTAssertEqual(TextDecoding.string(cp1252), "Söder")
        var out: [UInt8] = []
        cp1252.withUnsafeBufferPointer { IdentifierNormalization.normalize($0, foldCase: true, into: &out) }
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "söder")
        Array("  ÅSA  ".utf8).withUnsafeBufferPointer {
            IdentifierNormalization.normalize($0, foldCase: true, into: &out)
        }
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "åsa")
    }
}
