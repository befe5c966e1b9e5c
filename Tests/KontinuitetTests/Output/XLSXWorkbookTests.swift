import Foundation
import XCTest

@testable import Kontinuitet

final class XLSXWorkbookTests: XCTestCase {
    /// A small continuity report as the measurement would give it: header, two units, Swedish names.
    private let reportSheet = XLSXSheet(
        name: "Kontinuitet",
        rows: [
            ["Enhet", "Antal brukare", "Snitt personal"],
            ["Hemtjänst Västerås Norr", 12, 9.5],
            ["Åby–Öster (Café)", 3, .number(14.25)],
        ])

    /// The bytes of a workbook with `sheets`; fails the test on an error.
    private func workbookBytes(_ sheets: [XLSXSheet]) throws -> [UInt8] {
        try XLSXWorkbook(sheets: sheets).bytes()
    }

    /// The raw XML of sheet `number` of a workbook with `sheets`.
    private func sheetXML(_ sheets: [XLSXSheet], number: Int = 1) throws -> String {
        try TestZipReader.text(of: "xl/worksheets/sheet\(number).xml", in: workbookBytes(sheets))
    }

    /// The cells of the first sheet as an XML parser reads them.
    private func parsedCells(_ sheet: XLSXSheet) throws -> [String: ParsedCell] {
        let archive = try workbookBytes([sheet])
        let xml = try XCTUnwrap(TestZipReader.entries(archive).first { $0.name == "xl/worksheets/sheet1.xml" })
        return try TestXMLReader.read(xml.contents).cells
    }

    // MARK: Package

    func testPackageHoldsTheMinimalPartsInOrder() throws {
        let second = XLSXSheet(name: "Tid", rows: [["Fördelad tid"]])
        let entries = try TestZipReader.entries(workbookBytes([reportSheet, second]))
        XCTAssertEqual(
            entries.map(\.name),
            [
                "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                "xl/styles.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml",
            ])
    }

    func testEveryPartIsWellFormedXML() throws {
        let second = XLSXSheet(name: "Tid & <resurser>", rows: [["a & b"], [1.5]])
        for entry in try TestZipReader.entries(workbookBytes([reportSheet, second])) {
            XCTAssertNoThrow(try TestXMLReader.read(entry.contents), entry.name)
            XCTAssertTrue(
                String(decoding: entry.contents, as: UTF8.self).hasPrefix(#"<?xml version="1.0" encoding="UTF-8""#))
        }
    }

    func testPartsReferToEachOther() throws {
        let archive = try workbookBytes([reportSheet, XLSXSheet(name: "Tid", rows: [])])
        let types = try TestXMLReader.read(Array(TestZipReader.text(of: "[Content_Types].xml", in: archive).utf8))
        XCTAssertEqual(
            types.attributes(of: "Override").compactMap { $0["PartName"] },
            ["/xl/workbook.xml", "/xl/styles.xml", "/xl/worksheets/sheet1.xml", "/xl/worksheets/sheet2.xml"])

        let workbook = try TestXMLReader.read(Array(TestZipReader.text(of: "xl/workbook.xml", in: archive).utf8))
        let sheets = workbook.attributes(of: "sheets/sheet")
        XCTAssertEqual(sheets.map { $0["name"] }, ["Kontinuitet", "Tid"])
        XCTAssertEqual(sheets.map { $0["sheetId"] }, ["1", "2"])
        XCTAssertEqual(sheets.map { $0["r:id"] }, ["rId1", "rId2"])

        let relationships = try TestXMLReader.read(
            Array(TestZipReader.text(of: "xl/_rels/workbook.xml.rels", in: archive).utf8))
        let targets = relationships.attributes(of: "Relationship").map { ($0["Id"] ?? "", $0["Target"] ?? "") }
        XCTAssertEqual(targets.map(\.0), ["rId1", "rId2", "rId3"])
        XCTAssertEqual(targets.map(\.1), ["worksheets/sheet1.xml", "worksheets/sheet2.xml", "styles.xml"])
    }

    func testWorkbookWithoutSheetsIsRefused() {
        XCTAssertThrowsError(try XLSXWorkbook(sheets: []).bytes()) { error in
            XCTAssertEqual(error as? XLSXError, .noSheets)
        }
    }

    func testSameInputGivesSameBytes() throws {
        let first = try workbookBytes([reportSheet, XLSXSheet(name: "Tid", rows: [["x"]])])
        let second = try workbookBytes([reportSheet, XLSXSheet(name: "Tid", rows: [["x"]])])
        XCTAssertEqual(first, second)
    }

    func testWriteCreatesTheFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("xlsx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("kontinuitet.xlsx")
        let workbook = XLSXWorkbook(sheets: [reportSheet])
        try workbook.write(to: url)
        XCTAssertEqual(try Array(Data(contentsOf: url)), try workbook.bytes())
    }

    func testWriteFailureNamesThePath() {
        let url = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)/out.xlsx")
        XCTAssertThrowsError(try XLSXWorkbook(sheets: [reportSheet]).write(to: url)) { error in
            guard case .writeFailed(let path, _) = error as? XLSXError else {
                return XCTFail("expected writeFailed, got \(error)")
            }
            XCTAssertEqual(path, url.path)
            XCTAssertTrue(String(describing: error).hasPrefix(url.path + ": "))
        }
    }

    // MARK: Cells

    func testNumbersAreNumericCellsWithoutTypeAttribute() throws {
        let xml = try sheetXML([reportSheet])
        // Integers: default style, no t attribute. Decimals: style 2 (two decimals), no t attribute.
        XCTAssertTrue(xml.contains(#"<c r="B2"><v>12</v></c>"#), xml)
        XCTAssertTrue(xml.contains(#"<c r="C2" s="2"><v>9.5</v></c>"#), xml)
        XCTAssertTrue(xml.contains(#"<c r="C3" s="2"><v>14.25</v></c>"#), xml)
    }

    func testNumberTextReadsBackAsTheSameDouble() {
        for value in [0.1, 1.0 / 3.0, 1e-7, 123_456_789.125, -2.5, 1e21] {
            XCTAssertEqual(Double(XLSXWorksheetWriter.numberText(value)), value)
        }
        XCTAssertEqual(XLSXWorksheetWriter.numberText(-0.0), "0")
    }

    func testNonFiniteNumbersAreLeftEmpty() throws {
        let cells = try parsedCells(XLSXSheet(name: "S", rows: [[.number(.nan), .number(.infinity), 1.5]]))
        XCTAssertNil(cells["A1"])
        XCTAssertNil(cells["B1"])
        XCTAssertEqual(cells["C1"]?.value, "1.5")
    }

    func testTextIsInlineString() throws {
        let xml = try sheetXML([reportSheet])
        XCTAssertTrue(
            xml.contains(#"<c r="A2" t="inlineStr"><is><t xml:space="preserve">Hemtjänst Västerås Norr</t></is></c>"#),
            xml)
        XCTAssertFalse(xml.contains(#"t="s""#), "no shared strings")
    }

    func testSwedishLettersSurvive() throws {
        let text = "Åsa Öberg, Ängelholm, Västerås, café – ÅÄÖ åäö é"
        let archive = try workbookBytes([XLSXSheet(name: "Brukare åäö", rows: [[.text(text)]])])
        let sheet = try TestZipReader.text(of: "xl/worksheets/sheet1.xml", in: archive)
        XCTAssertTrue(sheet.contains(text), "written as UTF-8, not as character references")
        let cells = try TestXMLReader.read(Array(sheet.utf8)).cells
        XCTAssertEqual(cells["A1"]?.value, text)
        XCTAssertTrue(try TestZipReader.text(of: "xl/workbook.xml", in: archive).contains(#"name="Brukare åäö""#))
    }

    func testCellsHaveExplicitReferencesAndEmptyCellsAreLeftOut() throws {
        let sheet = XLSXSheet(name: "S", rows: [["a", .empty, 3], [], [.empty, .empty, .empty], [.empty, "b"]])
        let cells = try parsedCells(sheet)
        XCTAssertEqual(Set(cells.keys), ["A1", "C1", "B4"])
        let xml = try sheetXML([sheet])
        XCTAssertFalse(xml.contains(#"<row r="2""#), "rows without a value are left out")
        XCTAssertTrue(xml.contains(#"<row r="4"><c r="B4""#), xml)
        XCTAssertTrue(xml.contains(#"<dimension ref="A1:C4"/>"#), xml)
    }

    func testEmptySheetIsValid() throws {
        let xml = try sheetXML([XLSXSheet(name: "Tom", rows: [])])
        XCTAssertTrue(xml.contains(#"<dimension ref="A1"/>"#))
        XCTAssertTrue(xml.contains("<sheetData></sheetData>"))
        XCTAssertNoThrow(try TestXMLReader.read(Array(xml.utf8)))
    }

    // MARK: Header

    func testHeaderRowIsBold() throws {
        let archive = try workbookBytes([reportSheet])
        let styles = try TestXMLReader.read(Array(TestZipReader.text(of: "xl/styles.xml", in: archive).utf8))
        // Font 1 is the bold one; cell format 1 uses it; cell format 2 has two decimals (built-in format 2, "0.00").
        XCTAssertEqual(styles.elements.filter { $0.path == "styleSheet/fonts/font/b" }.count, 1)
        let fonts = styles.elements.filter {
            $0.path == "styleSheet/fonts/font" || $0.path == "styleSheet/fonts/font/b"
        }
        XCTAssertEqual(fonts.map(\.path).last, "styleSheet/fonts/font/b", "the second font is bold")
        let formats = styles.attributes(of: "cellXfs/xf")
        // … and cell format 4 is a percentage with one decimal (custom format 164, "0.0%").
        XCTAssertEqual(formats.map { $0["fontId"] }, ["0", "1", "0", "1", "0"])
        XCTAssertEqual(formats.map { $0["numFmtId"] }, ["0", "0", "2", "2", "164"])
        XCTAssertEqual(styles.attributes(of: "numFmts/numFmt").map { $0["formatCode"] }, ["0.0%"])

        let cells = try TestXMLReader.read(
            Array(TestZipReader.text(of: "xl/worksheets/sheet1.xml", in: archive).utf8)
        ).cells
        XCTAssertEqual(["A1", "B1", "C1"].map { cells[$0]?.style }, ["1", "1", "1"])
        XCTAssertEqual(["A2", "B2", "C2"].map { cells[$0]?.style }, [nil, nil, "2"])
    }

    func testHeaderNumberIsBoldWithTwoDecimals() throws {
        let cells = try parsedCells(XLSXSheet(name: "S", rows: [["År", 2.5, 2024]]))
        XCTAssertEqual(cells["B1"]?.style, "3")
        XCTAssertEqual(cells["C1"]?.style, "1")
    }

    func testHeaderIsNotBoldWhenNotAsked() throws {
        var sheet = reportSheet
        sheet.boldHeader = false
        let cells = try parsedCells(sheet)
        XCTAssertEqual(["A1", "B1", "C1"].map { cells[$0]?.style }, [nil, nil, nil])
    }

    func testHeaderIsFrozen() throws {
        let xml = try sheetXML([reportSheet])
        XCTAssertTrue(
            xml.contains(#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#), xml)
        XCTAssertTrue(xml.contains(#"<sheetView workbookViewId="0" tabSelected="1">"#), "first tab selected")

        var loose = reportSheet
        loose.freezeHeader = false
        XCTAssertFalse(try sheetXML([loose]).contains("<pane"))
    }

    func testOnlyTheFirstSheetIsSelected() throws {
        let second = try sheetXML([reportSheet, reportSheet], number: 2)
        XCTAssertFalse(second.contains("tabSelected"))
    }

    func testColumnsAreWideEnoughForTheirContent() throws {
        let reader = try TestXMLReader.read(Array(sheetXML([reportSheet]).utf8))
        let widths = reader.attributes(of: "cols/col").compactMap { $0["width"].flatMap(Int.init) }
        // "Hemtjänst Västerås Norr" is 23 characters: 25 with margin. "Antal brukare" is 13 + 1 for bold + 2.
        // "Snitt personal" 14 + 1 + 2.
        XCTAssertEqual(widths, [25, 16, 17])

        let long = try TestXMLReader.read(
            Array(sheetXML([XLSXSheet(name: "S", rows: [[.text(String(repeating: "x", count: 500)), "a"]])]).utf8))
        XCTAssertEqual(long.attributes(of: "cols/col").compactMap { $0["width"] }, ["60", "8"], "capped, floored")
    }

    // MARK: Escaping and safety

    func testMarkupCharactersAreEscaped() throws {
        let text = #"Vård & omsorg <enhet> "Norr" 'x'"#
        let xml = try sheetXML([XLSXSheet(name: "S", rows: [[.text(text)]])])
        XCTAssertTrue(xml.contains(#"Vård &amp; omsorg &lt;enhet&gt; &quot;Norr&quot; 'x'"#), xml)
        XCTAssertEqual(try parsedCells(XLSXSheet(name: "S", rows: [[.text(text)]]))["A1"]?.value, text)
    }

    func testCharactersIllegalInXMLAreRemoved() throws {
        let text = "a\u{0}b\u{1}c\u{8}\u{B}\u{C}\u{1B}d\u{1F}\te\nf\u{FFFE}\u{FFFF}g"
        let xml = try sheetXML([XLSXSheet(name: "S", rows: [[.text(text)]])])
        XCTAssertTrue(xml.contains("abcd\te\nfg</t>"), xml)
        XCTAssertEqual(XMLText.removingIllegalCharacters("ordinary åäö \u{FEFF}"), "ordinary åäö \u{FEFF}")
    }

    func testCarriageReturnIsKeptAsCharacterReference() throws {
        let xml = try sheetXML([XLSXSheet(name: "S", rows: [["rad 1\r\nrad 2"]])])
        XCTAssertTrue(xml.contains("rad 1&#13;\nrad 2"), xml)
    }

    func testTextThatLooksLikeAnExcelEscapeIsProtected() throws {
        // Excel reads _x0041_ in a string as "A"; the underscore must itself be escaped as _x005F_.
        let xml = try sheetXML([XLSXSheet(name: "S", rows: [["id_x0041_b _x12_ _xZZZZ_"]])])
        XCTAssertTrue(xml.contains("id_x005F_x0041_b _x12_ _xZZZZ_"), xml)
    }

    func testTextThatCouldBeAFormulaIsNeutralised() throws {
        let rows: [[XLSXCell]] = [
            ["=HYPERLINK(\"http://x\",\"klicka\")", "+46 70", "-1", "@SUM(A1)", "\tx", "\r\n=1+1"],
            ["a=b", "Åsa", "1-2", " =x", "\u{1}=1+1", ""],
        ]
        let cells = try parsedCells(XLSXSheet(name: "S", rows: rows, boldHeader: false))
        XCTAssertEqual(cells["A1"]?.value, "'=HYPERLINK(\"http://x\",\"klicka\")")
        XCTAssertEqual(cells["B1"]?.value, "'+46 70")
        XCTAssertEqual(cells["C1"]?.value, "'-1")
        XCTAssertEqual(cells["D1"]?.value, "'@SUM(A1)")
        XCTAssertEqual(cells["E1"]?.value, "'\tx")
        XCTAssertEqual(cells["F1"]?.value.unicodeScalars.map(\.value), [39, 13, 10, 61, 49, 43, 49], "' CR LF =1+1")
        XCTAssertEqual(cells["A2"]?.value, "a=b", "only the first character matters")
        XCTAssertEqual(cells["B2"]?.value, "Åsa")
        XCTAssertEqual(cells["C2"]?.value, "1-2")
        XCTAssertEqual(cells["D2"]?.value, " =x")
        XCTAssertEqual(cells["E2"]?.value, "'=1+1", "neutralised after dropping the control character")
        XCTAssertNil(cells["F2"], "empty text is an empty cell")
        XCTAssertEqual(cells["A1"]?.type, "inlineStr")
    }

    func testNeutralizeSpreadsheetFormula() {
        XCTAssertEqual(neutralizeSpreadsheetFormula("=1+1"), "'=1+1")
        XCTAssertEqual(neutralizeSpreadsheetFormula("+1"), "'+1")
        XCTAssertEqual(neutralizeSpreadsheetFormula("-1"), "'-1")
        XCTAssertEqual(neutralizeSpreadsheetFormula("@x"), "'@x")
        XCTAssertEqual(neutralizeSpreadsheetFormula("\tx"), "'\tx")
        XCTAssertEqual(neutralizeSpreadsheetFormula("\rx"), "'\rx")
        // "\r\n" and "=\u{301}" are single Characters in Swift; the first scalar still decides.
        XCTAssertEqual(neutralizeSpreadsheetFormula("\r\nx"), "'\r\nx")
        XCTAssertEqual(neutralizeSpreadsheetFormula("=\u{301}"), "'=\u{301}")
        XCTAssertEqual(neutralizeSpreadsheetFormula(""), "")
        XCTAssertEqual(neutralizeSpreadsheetFormula("Hemtjänst"), "Hemtjänst")
        XCTAssertEqual(neutralizeSpreadsheetFormula("'=x"), "'=x", "already neutral")
        XCTAssertEqual(neutralizeSpreadsheetFormula("\n=x"), "\n=x")
    }

    // MARK: References

    func testColumnLetters() {
        XCTAssertEqual(XLSXCellReference.columnLetters(1), "A")
        XCTAssertEqual(XLSXCellReference.columnLetters(2), "B")
        XCTAssertEqual(XLSXCellReference.columnLetters(26), "Z")
        XCTAssertEqual(XLSXCellReference.columnLetters(27), "AA")
        XCTAssertEqual(XLSXCellReference.columnLetters(52), "AZ")
        XCTAssertEqual(XLSXCellReference.columnLetters(53), "BA")
        XCTAssertEqual(XLSXCellReference.columnLetters(702), "ZZ")
        XCTAssertEqual(XLSXCellReference.columnLetters(703), "AAA")
        XCTAssertEqual(XLSXCellReference.columnLetters(16_384), "XFD", "Excel's last column")
        XCTAssertEqual(XLSXCellReference.columnLetters(0), "")
        XCTAssertEqual(XLSXCellReference.reference(row: 3, column: 2), "B3")
    }

    func testColumnLettersReadBackToTheirNumber() {
        // Reading letters back (A = 1 … Z = 26, positional base 26) must give every number up to Excel's last column.
        for number in 1...16_384 {
            let letters = XLSXCellReference.columnLetters(number)
            let readBack = letters.unicodeScalars.reduce(0) { $0 * 26 + Int($1.value) - 64 }
            XCTAssertEqual(readBack, number, letters)
        }
    }

    // MARK: Sheet names

    func testSheetNamesAreMadeAcceptableToExcel() {
        let names = XLSXSheet.sanitizedNames([
            "Kontinuitet per enhet och månad 2024-01",  // 38 characters
            "Tid [h]: a/b\\c*?",
            "",
            "'Citerad'",
            "kontinuitet per enhet och månad 2024-01",  // same after cutting, other case
            "History",
            "Ärenden",
        ])
        XCTAssertEqual(
            names,
            [
                "Kontinuitet per enhet och månad",
                "Tid _h__ a_b_c__",
                "Sheet3",
                "Citerad",
                "kontinuitet per enhet och m (2)",
                "History (2)",
                "Ärenden",
            ])
        XCTAssertTrue(names.allSatisfy { $0.utf16.count <= 31 })
    }

    func testSanitisedSheetNameIsUsedInTheWorkbook() throws {
        let archive = try workbookBytes([XLSXSheet(name: "A/B & C", rows: [])])
        XCTAssertTrue(try TestZipReader.text(of: "xl/workbook.xml", in: archive).contains(#"name="A_B &amp; C""#))
    }

    // MARK: Limits

    func testTooManyRowsIsRefused() {
        let sheet = XLSXSheet(name: "Stor", rows: Array(repeating: [], count: 1_048_577))
        XCTAssertThrowsError(try XLSXWorkbook(sheets: [sheet]).bytes()) { error in
            XCTAssertEqual(error as? XLSXError, .tooManyRows(sheet: "Stor", rows: 1_048_577))
        }
    }

    func testTooManyColumnsIsRefused() {
        let sheet = XLSXSheet(name: "Bred", rows: [["a"], Array(repeating: 1, count: 16_385)])
        XCTAssertThrowsError(try XLSXWorkbook(sheets: [sheet]).bytes()) { error in
            XCTAssertEqual(error as? XLSXError, .tooManyColumns(sheet: "Bred", row: 2, columns: 16_385))
        }
        let trailingEmpty = XLSXSheet(name: "Bred", rows: [["a"] + Array(repeating: .empty, count: 20_000)])
        XCTAssertNoThrow(try XLSXWorkbook(sheets: [trailingEmpty]).bytes(), "trailing empty cells do not count")
    }

    func testTooLongTextIsRefusedWithItsCell() {
        let sheet = XLSXSheet(name: "Text", rows: [["ok"], ["ok", .text(String(repeating: "å", count: 32_768))]])
        XCTAssertThrowsError(try XLSXWorkbook(sheets: [sheet]).bytes()) { error in
            XCTAssertEqual(error as? XLSXError, .textTooLong(sheet: "Text", cell: "B2", length: 32_768))
            XCTAssertEqual(
                String(describing: error), "sheet 'Text' cell B2: text of 32768 characters, Excel allows at most 32767")
        }
        let longest = XLSXSheet(name: "Text", rows: [[.text(String(repeating: "å", count: 32_767))]])
        XCTAssertNoThrow(try XLSXWorkbook(sheets: [longest]).bytes())
    }
}
