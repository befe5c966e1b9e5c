import XCTest

@testable import Kontinuitet

/// The XLSX reader's package handling: which sheet is read, what a non-workbook is, damaged and absurd files, and
/// a workbook written by openpyxl.
final class XLSXPackageTests: XCTestCase {
    private func sheet(_ name: String, _ value: String, part: String, attributes: String = "") -> XLSXTestWorkbook.Sheet
    {
        XLSXTestWorkbook.Sheet(
            name: name, rows: "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>\(value)</t></is></c></row>", part: part,
            attributes: attributes)
    }

    func testFirstSheetIsTheFirstTabNotTheFirstPart() throws {
        // Tabs: "Först" (sheet2.xml), then "Andra" (sheet1.xml). The relationships and the archive list sheet1.xml
        // last and first respectively; the first tab wins all the same.
        var workbook = XLSXTestWorkbook(sheets: [
            sheet("Först", "ett", part: "xl/worksheets/sheet2.xml"),
            sheet("Andra", "två", part: "xl/worksheets/sheet1.xml"),
        ])
        workbook.reversedParts = true
        let transcript = try XLSXReader.transcribe(try workbook.bytes(), sheet: nil)
        XCTAssertEqual(transcript.sheetName, "Först")
        XCTAssertEqual(String(decoding: transcript.csv, as: UTF8.self), "ett\n")
        XCTAssertEqual(try XLSXReader.sheetNames(try workbook.bytes()), ["Först", "Andra"])
    }

    func testHiddenAndChartSheetsAreNotTheFirstSheet() throws {
        // A hidden first tab and a chart sheet are passed over; the first visible worksheet is read.
        let workbook = XLSXTestWorkbook(sheets: [
            sheet("Dold", "dold", part: "xl/worksheets/sheet1.xml", attributes: "state=\"hidden\""),
            XLSXTestWorkbook.Sheet(
                name: "Diagram", rows: "", part: "xl/chartsheets/sheet1.xml",
                type: XLSXTestWorkbook.relationshipNamespace + "/chartsheet"),
            sheet("Synlig", "synlig", part: "xl/worksheets/sheet2.xml"),
        ])
        let bytes = try workbook.bytes()
        XCTAssertEqual(try XLSXReader.transcribe(bytes, sheet: nil).sheetName, "Synlig")
        XCTAssertEqual(try XLSXTestWorkbook.csv(bytes, sheet: "Dold"), "dold\n", "named, a hidden sheet is read")
        XCTAssertThrowsError(try XLSXReader.transcribe(bytes, sheet: "Diagram")) { error in
            XCTAssertEqual(error as? XLSXReadError, .notAWorksheet(sheet: "Diagram"))
        }
    }

    func testSheetByNameExactlyThenIgnoringCase() throws {
        let workbook = XLSXTestWorkbook(sheets: [
            sheet("Blad1", "ett", part: "xl/worksheets/sheet1.xml"),
            sheet("Besök 2024", "två", part: "xl/worksheets/sheet2.xml"),
            sheet("BESÖK 2024", "tre", part: "xl/worksheets/sheet3.xml"),
        ])
        let bytes = try workbook.bytes()
        XCTAssertEqual(try XLSXTestWorkbook.csv(bytes, sheet: "BESÖK 2024"), "tre\n", "exact match first")
        XCTAssertEqual(try XLSXTestWorkbook.csv(bytes, sheet: "blad1"), "ett\n", "then ignoring case")
        XCTAssertThrowsError(try XLSXReader.transcribe(bytes, sheet: "Blad9")) { error in
            XCTAssertEqual(
                error as? XLSXReadError,
                .sheetNotFound(name: "Blad9", available: ["Blad1", "Besök 2024", "BESÖK 2024"]))
            XCTAssertEqual(
                "\(error)",
                "the workbook has no sheet named 'Blad9'; its sheets are 'Blad1', 'Besök 2024', 'BESÖK 2024'")
        }
    }

    func testAbsoluteRelationshipTargets() throws {
        // openpyxl writes Target="/xl/worksheets/sheet1.xml".
        var workbook = XLSXTestWorkbook(rows: "<row r=\"1\"><c r=\"A1\"><v>7</v></c></row>")
        workbook.absoluteTargets = true
        XCTAssertEqual(try XLSXTestWorkbook.csv(workbook.bytes()), "7\n")
    }

    func testOtherDocumentsAreNamed() throws {
        let ods = try XLSXTestWorkbook.zip([
            ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", "<office:document/>"),
        ])
        let odt = try XLSXTestWorkbook.zip([("mimetype", "application/vnd.oasis.opendocument.text")])
        let docx = try XLSXTestWorkbook.zip([
            ("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>"),
        ])
        let pptx = try XLSXTestWorkbook.zip([("ppt/presentation.xml", "<p:presentation/>")])
        let xlsb = try XLSXTestWorkbook.zip([("xl/workbook.bin", "binary")])
        let plain = try XLSXTestWorkbook.zip([("data.csv", "a,b\n")])
        let cases: [([UInt8], SpreadsheetFileKind)] = [
            (ods, .openDocumentSpreadsheet), (odt, .openDocument(mimetype: "application/vnd.oasis.opendocument.text")),
            (docx, .wordDocument), (pptx, .presentation), (xlsb, .binaryWorkbook), (plain, .otherZip),
            (Array("provider,user\n".utf8), .unknown),
            ([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0], .compoundFile),
            (Array("%PDF-1.7\n".utf8), .pdf),
        ]
        for (bytes, kind) in cases {
            XCTAssertEqual(XLSXReader.identify(bytes), kind)
            XCTAssertThrowsError(try XLSXReader.transcribe(bytes, sheet: nil)) { error in
                XCTAssertEqual(error as? XLSXReadError, .notAWorkbook(kind))
            }
        }
        XCTAssertTrue(XLSXReader.isZip(ods))
        XCTAssertFalse(XLSXReader.isZip(Array("%PDF-1.7\n".utf8)))
        XCTAssertEqual(
            XLSXReadError.notAWorkbook(.openDocumentSpreadsheet).description,
            "this is an OpenDocument spreadsheet (.ods), not an Excel workbook: save it as .xlsx or CSV")
        XCTAssertEqual(XLSXReader.identify(try XLSXTestWorkbook(rows: "").bytes()), .workbook)
        XCTAssertEqual(try XLSXTestWorkbook.csv(XLSXTestWorkbook(rows: "").bytes()), "", "an empty sheet is no lines")
    }

    func testDamagedPackagesThrow() throws {
        let good = try XLSXTestWorkbook(rows: "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>").bytes()
        // Cut the archive: its end record is gone.
        XCTAssertThrowsError(try XLSXReader.transcribe(Array(good.dropLast(30)), sheet: nil)) { error in
            XCTAssertEqual(error as? XLSXReadError, .damagedArchive(.noEndOfCentralDirectory))
        }
        // A workbook naming a sheet part the archive lacks.
        var missing = XLSXTestWorkbook(rows: "")
        missing.sheets[0].part = "xl/worksheets/sheet1.xml"
        let withoutSheet = try XLSXTestWorkbook.zip(
            (try ZipReader(try missing.bytes())).entries.filter { !$0.name.hasPrefix("xl/worksheets/") }.map {
                ($0.name, String(decoding: try ZipReader(try missing.bytes()).extract($0), as: UTF8.self))
            })
        XCTAssertThrowsError(try XLSXReader.transcribe(withoutSheet, sheet: nil)) { error in
            XCTAssertEqual(error as? XLSXReadError, .missingPart("xl/worksheets/sheet1.xml"))
        }
    }

    func testMalformedSheetsSayWhichRow() throws {
        let cases: [(String, Int)] = [
            ("<row r=\"1\"><c><v>1</v></c></row><row r=\"2\"><c r=\"A2\"<v>", 2),  // '<' inside a tag
            ("<row r=\"1\"><c t=\"s\"><v>5</v></c></row>", 1),  // shared string 5 of none
            ("<row r=\"2\"><c><v>1</v></c></row><row r=\"2\"><c><v>1</v></c></row>", 2),  // row 2 twice
            ("<row r=\"1\"><c r=\"B1\"><v>1</v></c><c r=\"A1\"><v>1</v></c></row>", 1),  // cells out of order
            ("<row r=\"1\"><c r=\"1A\"><v>1</v></c></row>", 1),  // not a reference
            ("<row r=\"x\"></row>", 1),
            ("<row r=\"1\"><c><v>1</v></c></row><row r=\"4\"><c><v>1</v></c>", 4),  // the part ends inside row 4
        ]
        for (rows, row) in cases {
            XCTAssertThrowsError(try XLSXReader.transcribe(try XLSXTestWorkbook(rows: rows).bytes(), sheet: nil), rows)
            {
                error in
                guard case .malformedXML(_, let reported, _) = error as? XLSXReadError else {
                    return XCTFail("\(rows): \(error)")
                }
                XCTAssertEqual(reported, row, rows)
            }
        }
    }

    func testCellsPastExcelsLimitsAreRefused() throws {
        // XFD1048576 is Excel's last cell and is read; one column or row further is refused, and nothing is
        // allocated for the columns or rows in between beyond the commas and line ends written.
        let last = try XLSXTestWorkbook.csv(
            XLSXTestWorkbook(rows: "<row r=\"1048576\"><c r=\"XFD1048576\"><v>1</v></c></row>").bytes())
        XCTAssertEqual(last.count, 1_048_575 + 16_383 + 2)
        for rows in [
            "<row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row>", "<row r=\"1048577\"><c><v>1</v></c></row>",
            "<row r=\"1\"><c r=\"AAAAAAAAAAAAAAAAAAAAAAAAA1\"><v>1</v></c></row>",
            "<row r=\"1\"><c r=\"A99999999999\"><v>1</v></c></row>",
        ] {
            XCTAssertThrowsError(try XLSXReader.transcribe(try XLSXTestWorkbook(rows: rows).bytes(), sheet: nil)) {
                error in
                guard case .cellBeyondSheetLimits = error as? XLSXReadError else { return XCTFail("\(rows): \(error)") }
            }
        }
    }

    func testTranscriptLimit() throws {
        let rows = (1...100).map { "<row r=\"\($0)\"><c><v>123456789</v></c></row>" }.joined()
        var limits = XLSXReadLimits.standard
        limits.maximumTranscriptBytes = 500
        XCTAssertThrowsError(
            try XLSXReader.transcribe(try XLSXTestWorkbook(rows: rows).bytes(), sheet: nil, limits: limits)
        ) {
            error in
            XCTAssertEqual(error as? XLSXReadError, .transcriptTooLarge(sheet: "Blad1", limit: 500))
        }
        limits = .standard
        limits.maximumExpandedBytes = 1000
        XCTAssertThrowsError(
            try XLSXReader.transcribe(try XLSXTestWorkbook(rows: rows).bytes(), sheet: nil, limits: limits)
        ) {
            error in
            guard case .damagedArchive(.inEntry(_, .outputTooLarge)) = error as? XLSXReadError else {
                return XCTFail("\(error)")
            }
        }
    }

    func testDamagedBytesThrowOrReadButNeverCrash() throws {
        // Random byte changes in a stored workbook reach the XML readers before the CRC-32 check at the end of each
        // part, so the tokenizer, shared strings, styles and transcriber all meet garbage: every run must end with
        // a transcript or an error.
        let rows = """
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>a &amp; b</t></is></c>\
            <c r="C1" s="1"><v>45296.5</v></c><c r="D1" t="e"><v>#N/A</v></c></row>\
            <row r="2"><c r="A2" t="b"><v>1</v></c><c r="C2" t="str"><f>x</f><v>_x000D_</v></c></row>
            """
        let original = try XLSXTestWorkbook(
            rows: rows, sharedStrings: ["<r><t>x</t></r><rPh><t>y</t></rPh>"],
            styles: XLSXTestWorkbook.styles(custom: [(164, "yyyy-mm-dd")], cellFormats: [0, 164])
        ).bytes()
        // Row 1 holds #N/A, so it is a blank line; row 2 is TRUE, an empty B2, and C2's formula text, a lone CR.
        XCTAssertEqual(try XLSXTestWorkbook.csv(original), "\nTRUE,,\"\r\"\n")
        var state: UInt64 = 2024
        func random(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % bound
        }
        let special = Array("<>/=\"'&;:_x0 \n".utf8)
        var failures = 0
        for _ in 0..<3000 {
            var bytes = original
            for _ in 0...random(3) {
                let value = random(2) == 0 ? special[random(special.count)] : UInt8(random(256))
                bytes[random(bytes.count)] = value
            }
            do {
                _ = try XLSXReader.transcribe(bytes, sheet: nil)
            } catch {
                failures += 1
            }
        }
        XCTAssertGreaterThan(failures, 1000, "most changes break a checksum or the XML")
    }

    func testWorkbookWrittenByOpenpyxl() throws {
        // openpyxl writes deflated parts, inline strings in write-only mode, shared strings otherwise, absolute
        // relationship targets, and its own date formats; both modes are read.
        let directory = TemporaryDirectory()
        _ = try PythonReference.run(
            """
            import sys, datetime
            try:
                import openpyxl
            except ImportError:
                sys.exit(3)
            for mode in ("normal", "writeonly"):
                wb = openpyxl.Workbook(write_only=(mode == "writeonly"))
                ws = wb.create_sheet("Besök") if mode == "writeonly" else wb.active
                if mode == "normal":
                    ws.title = "Besök"
                    wb.create_sheet("Övrigt")
                ws.append(["provider", "user", "start", "end", "n", "ok", "note"])
                ws.append(["Söder, AB", "U1", datetime.datetime(2024, 1, 5, 7, 30), datetime.datetime(2024, 1, 5, 8, 5, 30),
                           12.5, True, 'sa "hej"'])
                ws.append([None, "U2", datetime.date(2024, 2, 29), datetime.time(19, 25), 193104171370, False, None])
                ws.append([])
                ws.append(["P", "U3", datetime.datetime(1900, 3, 1), None, -0.25, None, "  kant  "])
                wb.save(mode + ".xlsx")
            """, in: directory.path)
        // Row 3: a date alone is a date; 19:25 a time of day. Row 4 is empty: a blank line. 1900-03-01 is serial 61.
        let expected = """
            provider,user,start,end,n,ok,note
            "Söder, AB",U1,2024-01-05 07:30:00,2024-01-05 08:05:30,12.5,TRUE,"sa ""hej""\"
            ,U2,2024-02-29,19:25:00,193104171370,FALSE,

            P,U3,1900-03-01 00:00:00,,-0.25,,"  kant  "

            """
        for mode in ["normal", "writeonly"] {
            let bytes = try PythonReference.read(mode + ".xlsx", in: directory.path)
            XCTAssertEqual(XLSXReader.identify(bytes), .workbook)
            let transcript = try XLSXReader.transcribe(bytes, sheet: nil)
            XCTAssertEqual(transcript.sheetName, "Besök", mode)
            XCTAssertEqual(String(decoding: transcript.csv, as: UTF8.self), expected, mode)
        }
        XCTAssertEqual(
            try XLSXReader.sheetNames(try PythonReference.read("normal.xlsx", in: directory.path)), ["Besök", "Övrigt"])
    }
}
