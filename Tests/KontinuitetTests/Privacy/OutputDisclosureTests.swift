import XCTest

@testable import Kontinuitet

/// Every shareable output of every command is checked before it is put in place: the report, the workbooks' parts,
/// and the input file names the outputs show.
final class OutputDisclosureTests: XCTestCase {
    func testAWorkbookIsCheckedPartByPart() throws {
        let check = DisclosureCheck(names: ["Anna Svensson"])
        func findings(_ cell: XLSXCell) throws -> [DisclosureCheck.Finding] {
            let sheet = XLSXSheet(name: "Blad", rows: [["Enhet", "Brukare"], ["Norr", cell]])
            return check.scanOutput(try XLSXWorkbook(sheets: [sheet]).bytes(), path: "forms/p.xlsx")
        }
        // A sheet part is one line: one finding per part and kind of cell.
        let part = "forms/p.xlsx (xl/worksheets/sheet1.xml)"
        XCTAssertEqual(try findings("Anna  Svensson").map(\.kind), [.name])
        XCTAssertEqual(try findings(193_104_171_370).map(\.kind), [.personnummer])
        XCTAssertEqual(try findings("19310417-1370").map(\.file), [part])
        XCTAssertEqual(try findings(12.5), [])
    }

    func testCharacterReferencesAreDecodedBeforeTheCheck() {
        let check = DisclosureCheck(names: ["O'Brien, Anna"])
        XCTAssertEqual(check.scanOutput(Array("<td>O&#39;Brien Anna</td>\n".utf8), path: "report.html").count, 1)
        XCTAssertEqual(check.scanOutput(Array("<t>O&apos;Brien Anna</t>".utf8), path: "x.xml").count, 1)
        // Line numbers are those of the file.
        let html = Array("<p>a</p>\n<p>&amp;</p>\n<p>19310417&#45;1370</p>\n".utf8)
        XCTAssertEqual(check.scanOutput(html, path: "report.html").map(\.line), [3])
        XCTAssertEqual(
            DisclosureCheck.decodingCharacterReferences(Array("a &amp; b &#xE5; &bogus; &#10; &".utf8)),
            Array("a & b å &bogus; &#10; &".utf8))
    }

    func testAFileNameThatFailsTheCheckIsShownAsItsNumber() {
        let names = ShownFileNames(
            paths: ["a/besok.csv", "/data/19310417-1370 besok.csv", "Anna Svensson.csv", "a/besok.csv"],
            check: DisclosureCheck(names: ["Svensson, Anna"]))
        XCTAssertEqual(names("a/besok.csv"), "a/besok.csv")
        XCTAssertEqual(names("/data/19310417-1370 besok.csv"), "fil 2")
        XCTAssertEqual(names("Anna Svensson.csv"), "fil 3")
        XCTAssertEqual(names("193104171370.csv"), "fil 4")
        XCTAssertTrue(names.hidesAny)
        XCTAssertEqual(
            names.redacting("read /data/19310417-1370 besok.csv: 3 rows; read a/besok.csv"),
            "read fil 2: 3 rows; read a/besok.csv")
    }

    func testMeasureShowsAnInputFileWhoseNameHoldsAPersonnummerAsItsNumber() throws {
        let directory = TemporaryDirectory()
        var log = VisitLogBuilder()
        log.regularUser(user: "A", staff: ["s1"])
        log.row(user: "A", staff: "", day: 4, time: "09:00")
        let path = directory.file("19310417-1370 besok.csv", log.text)
        let result = try VisitLogMeasurement.run(paths: [path], options: MeasureOptions(), progress: { _ in })
        try MeasureOutputs.write(
            result, to: OutputDirectory(path: directory.path + "/out"), options: .testing(keysOf: directory))
        for file in ["report.html", "rejected.csv"] {
            let text = directory.read("out/" + file)
            XCTAssertFalse(text.contains("1931"), file)
            XCTAssertTrue(text.contains("fil 1"), file)
        }
        let summary = MeasureOutputs.summary(result)
        XCTAssertFalse(summary.contains("1931"), summary)
        XCTAssertTrue(summary.contains("input: fil 1 ("), summary)
    }

    func testMeasureWithKeepIDsStillChecksTheShareableFiles() throws {
        let directory = TemporaryDirectory()
        var log = VisitLogBuilder()
        log.regularUser(provider: "400101-1230", user: "A", staff: ["s1"])
        var options = MeasureOutputOptions.testing(keysOf: directory)
        options.keepIDs = true
        XCTAssertThrowsError(
            try MeasureOutputs.write(try log.measure(), to: OutputDirectory(path: directory.path), options: options)
        ) { error in
            guard case OutputError.disclosure(let findings) = error else { return XCTFail("\(error)") }
            let files = Set(findings.map(\.file))
            XCTAssertTrue(files.isSuperset(of: ["providers.csv", "report.html"]), "\(files)")
            // users.csv holds the ids with --keep-ids, and is private: not checked.
            XCTAssertFalse(files.contains("users.csv"))
        }
    }

    func testTimeReportChecksTheInputsNames() throws {
        let directory = TemporaryDirectory()
        let performed = directory.file(
            "performed.csv",
            "provider;user;staff;start;end;namn\n"
                + "Greta Garbo;U1;s1;2018-10-01 08:00;2018-10-01 09:00;\"Garbo, Greta\"\n")
        let result = try TimeReport.run(
            performed: [performed], allocated: [], register: nil, options: TimeReportOptions())
        XCTAssertEqual(result.inputNames, ["Garbo, Greta"])
        var options = TimeReportOutputOptions()
        options.keyDirectory = directory.keyDirectory
        options.inputPaths = [performed]
        XCTAssertThrowsError(
            try TimeReportOutputs.write(result, to: OutputDirectory(path: directory.path + "/out"), options: options)
        ) {
            error in
            guard case OutputError.disclosure(let findings) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(findings.contains { $0.file == "report.html" && $0.kind == .name }, "\(findings)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.path + "/out"))
    }

    func testCompileChecksItsOutputsForPersonnummer() throws {
        let directory = TemporaryDirectory()
        let form = directory.file(
            "form.csv", "provider,unit,user,staff_count,period_start\nP,19310417-1370,1,10,2018-09-03\n")
        var compileOptions = CompileOptions()
        compileOptions.year = 2018
        let result = try Compile.run(forms: [form], register: nil, options: compileOptions)
        XCTAssertThrowsError(try CompileOutputs.write(result, to: OutputDirectory(path: directory.path + "/out"))) {
            error in
            guard case OutputError.disclosure(let findings) = error else { return XCTFail("\(error)") }
            let files = Set(findings.map(\.file))
            XCTAssertTrue(files.contains("results.csv"), "\(files)")
            XCTAssertTrue(files.contains("results.xlsx (xl/worksheets/sheet1.xml)"), "\(files)")
        }
    }

    func testAFileWrittenInPiecesIsCheckedWithTheFilesLineNumbers() throws {
        let directory = TemporaryDirectory()
        let output = try OutputDirectory(path: directory.path + "/out")
        var staged = StagedOutputs(output, keepIDs: false)
        let check = DisclosureCheck(names: ["Anna Svensson"])
        try staged.sharePieces("big.csv", check: check, count: 5) { piece in
            var text = ""
            for line in 0..<10 {
                text += piece == 3 && line == 6 ? "x,Anna Svensson\n" : "x,\(piece * 10 + line)\n"
            }
            return Array(text.utf8)
        }
        XCTAssertEqual(staged.pieceFindings.map(\.line), [37])
        XCTAssertEqual(staged.written, ["big.csv"])
        try output.commit()
        let written = try String(contentsOfFile: directory.path + "/out/big.csv", encoding: .utf8)
        XCTAssertEqual(written.split(separator: "\n").count, 50)
        XCTAssertTrue(written.hasPrefix("x,0\nx,1\n"))
    }
}
