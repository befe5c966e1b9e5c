import Foundation
import XCTest

@testable import Kontinuitet

/// A visit log as people send it: as an Excel workbook, gzip-compressed, as Excel's "Unicode text" (UTF-16) and on
/// standard input, each giving byte-identical users.csv and providers.csv to the CSV; and the September loop with
/// the workbooks `measure` writes.
final class FormatTests: XCTestCase {
    override func tearDown() { CommandRunner.removeTemporaryDirectories() }

    private let sample = "sample-data/visits/hemtjanst-norr.csv"

    private func sampleText() throws -> String {
        try String(contentsOfFile: CommandRunner.packageRoot.path + "/" + sample, encoding: .utf8)
    }

    private func measure(_ input: String, out: String, extra: [String] = [], stdin: Data? = nil) throws -> String {
        let arguments = ["measure", "--visits", input, "--keep-ids", "--out", out, "--quiet"] + extra
        let result =
            try stdin.map { try CommandRunner.run(arguments, in: CommandRunner.packageRoot.path, input: $0) }
            ?? CommandRunner.run(arguments)
        XCTAssertEqual(result.status, 0, input + result.stderr)
        return try String(contentsOfFile: out + "/users.csv", encoding: .utf8)
            + String(contentsOfFile: out + "/providers.csv", encoding: .utf8)
    }

    func testEveryFormOfTheLogGivesTheSameResults() throws {
        let directory = CommandRunner.temporaryDirectory()
        let text = try sampleText()
        let expected = try measure(sample, out: directory + "/csv")

        // A workbook of text cells (the header on row 1), written by our own XLSX writer from the fields as read.
        let table = try CSVTable.read(CommandRunner.packageRoot.path + "/" + sample)
        let rows = [table.file.header.map { XLSXCell.text($0) }] + table.rows.map { $0.fields.map { .text($0) } }
        let workbook = try XLSXWorkbook(sheets: [XLSXSheet(name: "Besök", rows: rows)]).bytes()
        XCTAssertTrue(FileManager.default.createFile(atPath: directory + "/norr.xlsx", contents: Data(workbook)))
        XCTAssertEqual(try measure(directory + "/norr.xlsx", out: directory + "/xlsx"), expected)

        // gzip, by the system's gzip.
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/sh")
        gzip.arguments = ["-c", "gzip -c '\(CommandRunner.packageRoot.path)/\(sample)' > '\(directory)/norr.csv.gz'"]
        try gzip.run()
        gzip.waitUntilExit()
        if gzip.terminationStatus == 0 {
            XCTAssertEqual(try measure(directory + "/norr.csv.gz", out: directory + "/gz"), expected)
        }

        // UTF-16 LE with a byte-order mark, TAB-delimited: Excel's "Unicode text".
        var utf16: [UInt8] = [0xFF, 0xFE]
        for unit in text.replacingOccurrences(of: ",", with: "\t").utf16 {
            utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)]
        }
        XCTAssertTrue(FileManager.default.createFile(atPath: directory + "/norr.txt", contents: Data(utf16)))
        XCTAssertEqual(try measure(directory + "/norr.txt", out: directory + "/utf16"), expected)

        // Standard input, as `-`.
        XCTAssertEqual(try measure("-", out: directory + "/stdin", stdin: Data(text.utf8)), expected)
    }

    func testSheetChoosesTheWorksheetAndAMissingOneIsNamed() throws {
        let directory = CommandRunner.temporaryDirectory()
        var rows: [[XLSXCell]] = [["provider", "user", "staff", "start"].map { .text($0) }]
        for line in CommandRunner.measurableLog(user: "u1").split(separator: "\n").dropFirst() {
            rows.append(line.split(separator: ",").map { .text(String($0)) })
        }
        // The log is on the second sheet; the first holds a note.
        let workbook = try XLSXWorkbook(sheets: [
            XLSXSheet(name: "Info", rows: [[.text("Export från planeringssystemet")]]),
            XLSXSheet(name: "Besök", rows: rows),
        ]).bytes()
        let path = directory + "/besok.xlsx"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(workbook)))
        let result = try CommandRunner.run([
            "measure", "--visits", path, "--out", directory + "/out", "--sheet", "Besök",
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("rows read 28 = used 28"), result.stderr)
        // Without --sheet the first sheet is read: it has no provider column.
        let first = try CommandRunner.run(["measure", "--visits", path, "--out", directory + "/o1"])
        XCTAssertEqual(first.status, 2)
        XCTAssertTrue(first.stderr.contains("\(path):Info:1: required column 'provider' is missing"), first.stderr)
        let missing = try CommandRunner.run(["measure", "--visits", path, "--out", directory + "/o2", "--sheet", "Nej"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("no sheet named 'Nej'; its sheets are 'Info', 'Besök'"), missing.stderr)
    }

    func testCompileAndValidateReadTheWorkbooksMeasureWrote() throws {
        let directory = CommandRunner.temporaryDirectory()
        let measure = try CommandRunner.run(
            ["measure", "--visits"] + CommandRunner.sampleVisits + ["--out", directory + "/m", "--quiet"])
        XCTAssertEqual(measure.status, 0, measure.stderr)
        let forms = try FileManager.default.contentsOfDirectory(atPath: directory + "/m/forms").sorted()
        let csv = forms.filter { $0.hasSuffix(".csv") }.map { directory + "/m/forms/" + $0 }
        let xlsx = forms.filter { $0.hasSuffix(".xlsx") }.map { directory + "/m/forms/" + $0 }
        XCTAssertEqual(csv.count, 3)
        XCTAssertEqual(xlsx.count, 3)
        for (name, files) in [("csv", csv), ("xlsx", xlsx)] {
            let compile = try CommandRunner.run(["compile", "--forms"] + files + ["--out", directory + "/c-" + name])
            XCTAssertEqual(compile.status, 0, compile.stderr)
            let validate = try CommandRunner.run(["validate", "--forms"] + files + ["--year", "2018"])
            XCTAssertEqual(validate.status, 0, validate.stdout)
        }
        XCTAssertEqual(
            try String(contentsOfFile: directory + "/c-csv/results.csv", encoding: .utf8),
            try String(contentsOfFile: directory + "/c-xlsx/results.csv", encoding: .utf8))
    }

    func testOtherSpreadsheetsAndArchivesAreNamedWithWhatToSaveThemAs() throws {
        let directory = CommandRunner.temporaryDirectory()
        var archive = ZipArchive()
        try archive.addFile(path: "mimetype", contents: Array("application/vnd.oasis.opendocument.spreadsheet".utf8))
        try archive.addFile(path: "content.xml", contents: Array("<x/>".utf8))
        XCTAssertTrue(
            FileManager.default.createFile(atPath: directory + "/tabell.ods", contents: Data(archive.bytes())))
        let result = try CommandRunner.run(["compile", "--forms", directory + "/tabell.ods", "--out", directory + "/c"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("an OpenDocument spreadsheet (.ods)"), result.stderr)
        XCTAssertTrue(result.stderr.contains("save it as .xlsx or CSV"), result.stderr)
    }
}
