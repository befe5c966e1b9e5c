import XCTest

@testable import Kontinuitet

/// Small workbooks written by hand for the XLSX reader tests: the XML parts as strings, packed by our own
/// `ZipArchive` (stored), so each test shows exactly what the reader gets.
struct XLSXTestWorkbook {
    /// The SpreadsheetML namespace, bound as the default or to a prefix.
    static let mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationshipNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let worksheetType = relationshipNamespace + "/worksheet"

    /// One sheet: its tab name, its part, the XML of its `<sheetData>` rows, and extra `<sheet>` attributes.
    struct Sheet {
        var name: String
        var rows: String
        var part: String
        var attributes = ""
        var type = XLSXTestWorkbook.worksheetType
    }

    var sheets: [Sheet] = []
    /// The `<si>` items of `xl/sharedStrings.xml`, or nil for no shared strings part.
    var sharedStrings: [String]?
    /// The `<numFmts>` and `<cellXfs>` XML of `xl/styles.xml`, or nil for no styles part.
    var styles: String?
    /// Extra XML in `<workbook>` before `<sheets>` (e.g. `<workbookPr date1904="1"/>`).
    var workbookProperties = ""
    /// The prefix bound to SpreadsheetML in the workbook and sheets (`x` makes `<x:row>`), or "" for none.
    var prefix = ""
    /// Relationship targets written absolute (`/xl/worksheets/sheet1.xml`) rather than relative.
    var absoluteTargets = false
    /// Relationships and sheet parts written in reverse order, so that the archive's order is not the tabs'.
    var reversedParts = false

    /// A workbook of one sheet named "Blad1" whose `<sheetData>` holds `rows`.
    init(rows: String, sharedStrings: [String]? = nil, styles: String? = nil) {
        sheets = [Sheet(name: "Blad1", rows: rows, part: "xl/worksheets/sheet1.xml")]
        self.sharedStrings = sharedStrings
        self.styles = styles
    }

    init(sheets: [Sheet]) {
        self.sheets = sheets
    }

    /// A `<cellXfs>` whose formats have the given number format ids, after custom `<numFmt>`s `(id, code)`.
    static func styles(custom: [(Int, String)], cellFormats: [Int]) -> String {
        let formats = custom.map { "<numFmt numFmtId=\"\($0.0)\" formatCode=\"\($0.1)\"/>" }.joined()
        let xfs = cellFormats.map { "<xf numFmtId=\"\($0)\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>" }
        return "<numFmts count=\"\(custom.count)\">\(formats)</numFmts>"
            + "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
            + "<cellXfs count=\"\(cellFormats.count)\">\(xfs.joined())</cellXfs>"
    }

    /// The finished .xlsx bytes.
    func bytes() throws -> [UInt8] {
        let p = prefix.isEmpty ? "" : prefix + ":"
        let xmlns = prefix.isEmpty ? "xmlns=\"\(Self.mainNamespace)\"" : "xmlns:\(prefix)=\"\(Self.mainNamespace)\""
        var parts: [(String, String)] = []
        parts.append(
            (
                "[Content_Types].xml",
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/"
                    + "2006/content-types\"><Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>"
            ))
        parts.append(
            (
                "_rels/.rels",
                "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship "
                    + "Id=\"rId1\" Type=\"\(Self.relationshipNamespace)/officeDocument\" Target=\"xl/workbook.xml\"/>"
                    + "</Relationships>"
            ))
        var relationships: [String] = []
        var sheetElements: [String] = []
        for (index, sheet) in sheets.enumerated() {
            let target = absoluteTargets ? "/" + sheet.part : String(sheet.part.dropFirst("xl/".count))
            relationships.append(
                "<Relationship Id=\"rId\(index + 1)\" Type=\"\(sheet.type)\" Target=\"\(target)\"/>")
            sheetElements.append(
                "<\(p)sheet name=\"\(sheet.name)\" sheetId=\"\(index + 1)\" \(sheet.attributes) r:id=\"rId\(index + 1)\"/>"
            )
        }
        if sharedStrings != nil {
            relationships.append(
                "<Relationship Id=\"rId90\" Type=\"\(Self.relationshipNamespace)/sharedStrings\" "
                    + "Target=\"sharedStrings.xml\"/>")
        }
        if styles != nil {
            relationships.append(
                "<Relationship Id=\"rId91\" Type=\"\(Self.relationshipNamespace)/styles\" Target=\"styles.xml\"/>")
        }
        if reversedParts {
            relationships.reverse()
        }
        parts.append(
            (
                "xl/workbook.xml",
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<\(p)workbook \(xmlns) "
                    + "xmlns:r=\"\(Self.relationshipNamespace)\">\(workbookProperties)<\(p)sheets>"
                    + sheetElements.joined() + "</\(p)sheets></\(p)workbook>"
            ))
        parts.append(
            (
                "xl/_rels/workbook.xml.rels",
                "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                    + relationships.joined() + "</Relationships>"
            ))
        if let sharedStrings {
            parts.append(
                (
                    "xl/sharedStrings.xml",
                    "<sst xmlns=\"\(Self.mainNamespace)\" count=\"\(sharedStrings.count)\">"
                        + sharedStrings.map { "<si>\($0)</si>" }.joined() + "</sst>"
                ))
        }
        if let styles {
            parts.append(("xl/styles.xml", "<styleSheet xmlns=\"\(Self.mainNamespace)\">\(styles)</styleSheet>"))
        }
        var sheetParts = sheets.map { sheet in
            (
                sheet.part,
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<\(p)worksheet \(xmlns)>"
                    + "<\(p)dimension ref=\"A1\"/><\(p)sheetData>\(sheet.rows)</\(p)sheetData></\(p)worksheet>"
            )
        }
        if reversedParts {
            sheetParts.reverse()
        }
        var archive = ZipArchive()
        for (path, text) in parts + sheetParts {
            try archive.addFile(path: path, contents: Array(text.utf8))
        }
        return archive.bytes()
    }

    /// A ZIP archive of the given files, for packages that are not workbooks.
    static func zip(_ files: [(String, String)]) throws -> [UInt8] {
        var archive = ZipArchive()
        for (path, text) in files {
            try archive.addFile(path: path, contents: Array(text.utf8))
        }
        return archive.bytes()
    }

    /// The transcript of `bytes` as text, for comparing with the expected lines.
    static func csv(_ bytes: [UInt8], sheet: String? = nil) throws -> String {
        String(decoding: try XLSXReader.transcribe(bytes, sheet: sheet).csv, as: UTF8.self)
    }
}
