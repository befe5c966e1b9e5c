import XCTest

@testable import Kontinuitet

/// The XLSX reader's cells: each kind of value, and the text it becomes in the CSV transcript.
final class XLSXReaderTests: XCTestCase {
    private func csv(_ rows: String, sharedStrings: [String]? = nil, styles: String? = nil) throws -> String {
        try XLSXTestWorkbook.csv(XLSXTestWorkbook(rows: rows, sharedStrings: sharedStrings, styles: styles).bytes())
    }

    func testSharedStringsWithRichTextPhoneticRunsAndEscapes() throws {
        // Item 1 is two rich-text runs joined; item 2 has a phonetic reading that Excel does not show; item 3 has
        // entities, an Office escape for CR (_x000D_) and an escaped underscore; item 4 is empty.
        let strings = [
            "<t>Hemtjänst</t>",
            "<r><rPr><b/></rPr><t>Söder</t></r><r><t xml:space=\"preserve\"> AB</t></r>",
            "<t>東京</t><rPh sb=\"0\" eb=\"2\"><t>トウキョウ</t></rPh>",
            "<t>A &amp; B, &lt;c&gt; &quot;d&quot;_x000D_\nrad 2 _x005F_x0041_</t>",
            "<t/>",
        ]
        let rows = """
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>\
            <row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" t="s"><v>4</v></c><c r="C2" t="s"><v>0</v></c></row>
            """
        // Row 2: the quoted field holds a comma, quotes (doubled) and CR LF; "_x005F_x0041_" is "_x0041_" as text.
        XCTAssertEqual(
            try csv(rows, sharedStrings: strings),
            "Hemtjänst,Söder AB,東京\n\"A & B, <c> \"\"d\"\"\r\nrad 2 _x0041_\",,Hemtjänst\n")
    }

    func testInlineAndFormulaStrings() throws {
        // inlineStr holds its text in <is><t> (or rich runs); t="str" is a formula's text result, read from <v>.
        let rows = """
            <row r="1"><c r="A1" t="inlineStr"><is><t>  indrag</t></is></c>\
            <c r="B1" t="inlineStr"><is><r><t>Å</t></r><r><t>sa</t></r></is></c>\
            <c r="C1" t="str"><f>A1&amp;"x"</f><v>Öberg &amp; co</v></c>\
            <c r="D1" t="inlineStr"><is><t><![CDATA[<rå>]]></t></is></c></row>
            """
        // Leading spaces are kept and quoted so that no reader trims them.
        XCTAssertEqual(try csv(rows), "\"  indrag\",Åsa,Öberg & co,<rå>\n")
    }

    func testNumbersInShortestForm() throws {
        // 12.0 is 12; 1.5E-3 is 0.0015; 193104171370 is written out; 0.30000000000000004 needs all 17 digits;
        // -0 is 0; 1E+21 keeps an exponent (positional up to 1e21, as JavaScript); 45296.33333333334 is as read.
        let values = [
            "12", "12.0", "12.5", "1.5E-3", "193104171370", "0.30000000000000004", "-0", "1E+21",
            "45296.33333333334", "-7.25", " 3 ",
        ]
        let cells = values.enumerated().map { "<c><v>\($0.element)</v></c>" }.joined()
        XCTAssertEqual(
            try csv("<row>\(cells)</row>"),
            "12,12,12.5,0.0015,193104171370,0.30000000000000004,0,1e+21,45296.33333333334,-7.25,3\n")
    }

    func testShortestNumberTextMatchesSwiftRoundTrip() {
        // Every text written must read back as the same double, and short decimals must stay short.
        var state: UInt64 = 77
        for _ in 0..<20000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let value = Double(bitPattern: state >> 2) * (state & 1 == 0 ? 1 : -1)
            guard value.isFinite else { continue }
            var text: [UInt8] = []
            SpreadsheetNumber.appendShortest(value, to: &text)
            XCTAssertEqual(Double(String(decoding: text, as: UTF8.self)), value == 0 ? 0 : value)
        }
        for (value, expected) in [
            (0.1, "0.1"), (1e-6, "0.000001"), (1e-7, "1e-7"), (123456789012345.0, "123456789012345"),
            (1e20, "100000000000000000000"), (2.5e-8, "2.5e-8"), (1234567.125, "1234567.125"),
        ] {
            var text: [UInt8] = []
            SpreadsheetNumber.appendShortest(value, to: &text)
            XCTAssertEqual(String(decoding: text, as: UTF8.self), expected)
        }
    }

    func testBooleans() throws {
        XCTAssertEqual(try csv("<row><c t=\"b\"><v>1</v></c><c t=\"b\"><v>0</v></c></row>"), "TRUE,FALSE\n")
    }

    func testErrorCellsBlankTheirRowAndAreListed() throws {
        // Row 2 has #N/A in C2 (and #REF! in D2): a blank line, listed with the first error's column.
        let rows = """
            <row r="1"><c r="A1" t="inlineStr"><is><t>user</t></is></c><c r="B1"><v>1</v></c></row>\
            <row r="2"><c r="A2" t="inlineStr"><is><t>U1</t></is></c><c r="C2" t="e"><v>#N/A</v></c>\
            <c r="D2" t="e"><f>1/0</f><v>#REF!</v></c></row>\
            <row r="3"><c r="A3" t="inlineStr"><is><t>U2</t></is></c><c r="B3"><v>2</v></c></row>
            """
        let transcript = try XLSXReader.transcribe(try XLSXTestWorkbook(rows: rows).bytes(), sheet: nil)
        XCTAssertEqual(String(decoding: transcript.csv, as: UTF8.self), "user,1\n\nU2,2\n")
        XCTAssertEqual(transcript.errorRows.map(\.row), [2])
        XCTAssertEqual(transcript.errorRows.map(\.column), ["C"])
    }

    /// Styles whose cell formats are: 0 General, 1 custom yyyy-mm-dd, 2 built-in 14, 3 built-in 22 (date and time),
    /// 4 built-in 21 (h:mm:ss), 5 custom [h]:mm, 6 custom 0.00 (a number format).
    private let dateStyles = XLSXTestWorkbook.styles(
        custom: [(164, "yyyy\\-mm\\-dd"), (165, "[h]:mm"), (166, "0.00")], cellFormats: [0, 164, 14, 22, 21, 165, 166])

    func testDates1900AroundThePhantomLeapDay() throws {
        // Serial 1 is 1900-01-01; 59 is 1900-02-28; 60 is Lotus's 1900-02-29, read as 1900-02-28; 61 is 1900-03-01;
        // 45296 is 2024-01-05. A whole serial with a date format is a date; with a time part it has the time.
        let rows = """
            <row><c s="1"><v>1</v></c><c s="1"><v>59</v></c><c s="2"><v>60</v></c><c s="2"><v>61</v></c>\
            <c s="2"><v>45296</v></c><c s="1"><v>45296.3125</v></c><c s="0"><v>45296</v></c>\
            <c s="6"><v>45296</v></c></row>
            """
        XCTAssertEqual(
            try csv(rows, styles: dateStyles),
            "1900-01-01,1900-02-28,1900-02-28,1900-03-01,2024-01-05,2024-01-05 07:30:00,45296,45296\n")
    }

    func testDateTimeFormatsTimesAndLibreOfficeSerials() throws {
        // Built-in 22 with a whole serial is midnight. 0.80902777777777701 is how LibreOffice writes 19:25, a
        // microsecond short: rounded to the second it is 19:25:00. A time format below 1 is a time of day; at 1 or
        // more ([h]:mm durations) the date part shows. 45296.99999999 rounds up to the next midnight.
        let rows = """
            <row><c s="3"><v>45296</v></c><c s="4"><v>0.80902777777777701</v></c>\
            <c s="3"><v>45296.80902777777701</v></c><c s="5"><v>1.5</v></c><c s="4"><v>0</v></c>\
            <c s="3"><v>45296.999999999</v></c></row>
            """
        XCTAssertEqual(
            try csv(rows, styles: dateStyles),
            "2024-01-05 00:00:00,19:25:00,2024-01-05 19:25:00,1900-01-01 12:00:00,00:00:00,2024-01-06 00:00:00\n")
    }

    func testDates1904System() throws {
        // With date1904 serial 0 is 1904-01-01, and 43834 is 2024-01-05 (1,462 days less than in the 1900 system).
        var workbook = XLSXTestWorkbook(
            rows: "<row><c s=\"1\"><v>0</v></c><c s=\"3\"><v>43834.5</v></c></row>", styles: dateStyles)
        workbook.workbookProperties = "<workbookPr date1904=\"1\"/>"
        XCTAssertEqual(try XLSXTestWorkbook.csv(workbook.bytes()), "1904-01-01,2024-01-05 12:00:00\n")
        workbook.workbookProperties = "<workbookPr date1904=\"true\"/>"
        XCTAssertEqual(try XLSXTestWorkbook.csv(workbook.bytes()), "1904-01-01,2024-01-05 12:00:00\n")
    }

    func testNegativeAndHugeSerialsStayNumbers() throws {
        // Excel shows ##### for these; the reader keeps the number so the caller can say what is wrong.
        XCTAssertEqual(
            try csv("<row><c s=\"1\"><v>-1</v></c><c s=\"1\"><v>3000000</v></c></row>", styles: dateStyles),
            "-1,3000000\n")
    }

    func testFormatCodesThatAreDates() {
        let cases: [(String, SpreadsheetDateKind)] = [
            ("yyyy-mm-dd", .date), ("d/m/yyyy", .date), ("mmm-yy", .date), ("dddd", .date),
            ("[$-41D]yyyy-mm-dd;@", .date), ("yyyy\\-mm\\-dd", .date),
            ("hh:mm", .time), ("[h]:mm:ss", .time), ("mm:ss", .time), ("h:mm AM/PM", .time), ("[mm]", .time),
            ("yyyy-mm-dd hh:mm:ss", .dateTime), ("d/m/yyyy h:mm", .dateTime),
            ("General", .none), ("0.00", .none), ("#,##0", .none), ("0.0E+00", .none), ("[Red]0.00", .none),
            ("\"dag \"0", .none), ("0\" mm\"", .none), ("_-* #,##0 kr_-", .none), ("@", .none),
        ]
        for (code, kind) in cases {
            XCTAssertEqual(SpreadsheetDate.kind(formatCode: code), kind, code)
        }
        XCTAssertEqual(SpreadsheetDate.builtInKind(14), .date)
        XCTAssertEqual(SpreadsheetDate.builtInKind(20), .time)
        XCTAssertEqual(SpreadsheetDate.builtInKind(22), .dateTime)
        XCTAssertEqual(SpreadsheetDate.builtInKind(47), .time)
        XCTAssertEqual(SpreadsheetDate.builtInKind(2), .none)
        XCTAssertEqual(SpreadsheetDate.builtInKind(49), .none, "49 is the text format @")
    }

    func testPrefixedElementsAsDotNetWritesThem() throws {
        // <x:row>, <x:c>, <x:v>, <x:is>, <x:t> with SpreadsheetML bound to the prefix x.
        var workbook = XLSXTestWorkbook(
            rows: "<x:row r=\"1\"><x:c r=\"A1\" t=\"inlineStr\"><x:is><x:t>a</x:t></x:is></x:c>"
                + "<x:c r=\"B1\"><x:v>5</x:v></x:c></x:row>")
        workbook.prefix = "x"
        XCTAssertEqual(try XLSXTestWorkbook.csv(workbook.bytes()), "a,5\n")
    }

    func testSparseRowsAndCellsWithAndWithoutReferences() throws {
        // Row 1: A and C (B left out). Row 2 missing: a blank line. Row 3: only B. The next row has no r, so it is
        // row 4, and its cells without r are A and B, then one at D. Row 5 has only empty cells: a blank line.
        // The last row has no r and takes its number, 7, from its first cell; row 6 is a blank line. Shorter rows
        // are padded to the first row's three fields; row 4 has four and keeps them.
        let rows = """
            <row r="1"><c r="A1"><v>1</v></c><c r="C1"><v>3</v></c></row>\
            <row r="3"><c r="B3"><v>32</v></c></row>\
            <row><c><v>41</v></c><c><v>42</v></c><c r="D4"><v>44</v></c></row>\
            <row r="5"><c r="A5"/><c r="B5" t="inlineStr"><is><t></t></is></c></row>\
            <row><c r="B7"><v>72</v></c><c r="E7"/></row>
            """
        XCTAssertEqual(try csv(rows), "1,,3\n\n,32,\n41,42,,44\n\n\n,72,\n")
    }

    func testChunkBoundariesAnywhereGiveTheSameTranscript() throws {
        // The sheet's XML fed to the scanner in pieces of every small size, so that every tag, attribute, entity
        // and CDATA section is cut somewhere: each transcript equals the one read whole.
        let sheet = """
            <?xml version="1.0"?><!-- a comment --><worksheet xmlns="\(XLSXTestWorkbook.mainNamespace)">\
            <sheetData><row r="1" spans="1:3"><c r="A1" t="inlineStr"><is><t xml:space='preserve'>a &amp; b</t>\
            </is></c><c r="B1" s="1"><v>45296.5</v></c><c r="C1" t="str"><f>"&gt;"</f><v><![CDATA[x>y]]></v></c>\
            </row><row r="3"><c r="A3" t="e"><v>#N/A</v></c></row><row r="4"><c r="AA4" t="b"><v>1</v></c></row>\
            </sheetData></worksheet>
            """
        let bytes = Array(sheet.utf8)
        func transcribe(pieces size: Int) throws -> [UInt8] {
            var transcriber = XLSXSheetTranscriber(
                sheetName: "Blad1", sharedStrings: XLSXSharedStrings(), dateKinds: [.none, .dateTime],
                uses1904: false, maximumTranscriptBytes: 1 << 20)
            try XMLPartScanner.scan(TestChunks(bytes, size: size), part: "sheet", into: &transcriber)
            return transcriber.csv
        }
        let whole = try transcribe(pieces: bytes.count)
        XCTAssertEqual(
            String(decoding: whole, as: UTF8.self),
            "a & b,2024-01-05 12:00:00,x>y\n\n\n" + String(repeating: ",", count: 26) + "TRUE\n")
        for size in 1...40 {
            XCTAssertEqual(try transcribe(pieces: size), whole, "pieces of \(size)")
        }
    }
}

extension XLSXReaderTests {
    func testSharedStringsReadTheSameInPiecesOfAnySize() throws {
        // Items split anywhere: inside tags, entities, an Office escape, CDATA and a phonetic run.
        let part = """
            <?xml version="1.0"?><sst xmlns="\(XLSXTestWorkbook.mainNamespace)" count="4"><si><t>Åsa &amp; Öberg</t>\
            </si><si><r><t>a_x000D_</t></r><r><t><![CDATA[b<c>]]></t></r><rPh><t>x</t></rPh></si><si/>\
            <si><t xml:space="preserve"> d, "e" </t></si></sst>
            """
        let bytes = Array(part.utf8)
        func fields(_ size: Int) throws -> [String] {
            let strings = try XLSXSharedStrings.read(TestChunks(bytes, size: size), part: "xl/sharedStrings.xml")
            return (0..<strings.count).compactMap { index in
                strings.range(of: index).map { String(decoding: strings.fields[$0], as: UTF8.self) }
            }
        }
        // Each string as the CSV field it becomes: the CR and the comma and quotes make fields 2 and 4 quoted.
        let expected = ["Åsa & Öberg", "\"a\rb<c>\"", "", "\" d, \"\"e\"\" \""]
        for size in [1, 2, 3, 5, 8, 13, 21, bytes.count] {
            XCTAssertEqual(try fields(size), expected, "pieces of \(size)")
        }
    }
}

/// Hands out the bytes of an array in pieces of a fixed size, as a decompressor would.
final class TestChunks: DecompressedChunks {
    private let storage: UnsafeMutableBufferPointer<UInt8>
    private let size: Int
    private var position = 0

    init(_ bytes: [UInt8], size: Int) {
        storage = .allocate(capacity: max(1, bytes.count))
        _ = storage.initialize(from: bytes)
        self.size = max(1, size)
        count = bytes.count
    }

    private let count: Int

    deinit {
        storage.deallocate()
    }

    func next() throws(ArchiveError) -> UnsafeBufferPointer<UInt8>? {
        guard position < count, let base = storage.baseAddress else {
            return nil
        }
        let length = min(size, count - position)
        defer { position += length }
        return UnsafeBufferPointer(start: base + position, count: length)
    }
}

/// A workbook read through `CSVFile`, as every importer reads it: its rows named by the sheet, an error cell
/// rejecting its row, counted as read and rejected.
final class WorkbookInputTests: XCTestCase {
    func testAnErrorCellRejectsItsRowInMeasureAndInTheTableReaders() throws {
        // Sheet rows: 1 header, 2 a good row, 3 a row whose staff cell is #N/A, 4 a good row.
        let cell = { (ref: String, text: String) in "<c r=\"\(ref)\" t=\"inlineStr\"><is><t>\(text)</t></is></c>" }
        let rows = """
            <row r="1">\(cell("A1", "provider"))\(cell("B1", "user"))\(cell("C1", "staff"))\(cell("D1", "start"))</row>\
            <row r="2">\(cell("A2", "P"))\(cell("B2", "u1"))\(cell("C2", "s1"))\(cell("D2", "2018-09-03 08:00"))</row>\
            <row r="3">\(cell("A3", "P"))\(cell("B3", "u1"))<c r="C3" t="e"><v>#N/A</v></c>\
            \(cell("D3", "2018-09-03 09:00"))</row>\
            <row r="4">\(cell("A4", "P"))\(cell("B4", "u1"))\(cell("C4", "s2"))\(cell("D4", "2018-09-03 17:00"))</row>
            """
        let file = try CSVFile(path: "besok.xlsx", bytes: try XLSXTestWorkbook(rows: rows).bytes())
        XCTAssertTrue(file.path.hasPrefix("besok.xlsx:"), file.path)
        XCTAssertEqual(file.preRejected.map(\.line), [3])
        XCTAssertEqual(file.preRejected.map(\.reason), ["cell_error"])
        var options = MeasureOptions()
        options.periodStart = CivilDate(year: 2018, month: 9, day: 3)
        let result = try VisitLogMeasurement.run(files: [file], options: options)
        // Read 3 = used 2 + rejected 1.
        XCTAssertEqual(result.accounting.read, 3)
        XCTAssertEqual(result.accounting.used, 2)
        XCTAssertEqual(result.accounting.rejected, 1)
        XCTAssertTrue(result.accounting.reconciles)
        let table = CSVTable(file: file)
        XCTAssertEqual(table.rows.map(\.line), [2, 4])
        XCTAssertEqual(table.malformed.map(\.reason), ["cell_error"])
    }
}
