import Foundation

/// An Excel workbook (Office Open XML SpreadsheetML, `.xlsx`) written without any library: the XML parts are
/// generated here and packed by `ZipArchive` without compression.
///
/// The package holds only what Excel and LibreOffice need: `[Content_Types].xml`, `_rels/.rels`,
/// `xl/workbook.xml`, `xl/_rels/workbook.xml.rels`, `xl/styles.xml` and one `xl/worksheets/sheetN.xml` per sheet.
/// There are no document properties and no timestamps, so the same sheets always give the same bytes.
///
/// ```swift
/// let sheet = XLSXSheet(name: "Kontinuitet", rows: [["Enhet", "Brukare", "Snitt"], ["Norr", 12, 9.5]])
/// try XLSXWorkbook(sheets: [sheet]).write(to: URL(fileURLWithPath: "kontinuitet.xlsx"))
/// ```
package struct XLSXWorkbook: Sendable, Equatable {
    /// The sheets, in tab order; the first is the one shown when the file is opened.
    package var sheets: [XLSXSheet]

    /// Creates a workbook with `sheets` in tab order.
    package init(sheets: [XLSXSheet]) {
        self.sheets = sheets
    }

    /// The `.xlsx` file as bytes.
    ///
    /// Sheet names are made acceptable to Excel first (`XLSXSheet.sanitizedNames(_:)`), so the names in the file
    /// may differ from `sheets[i].name`.
    ///
    /// - Throws: `XLSXError.noSheets`, or the error of the first sheet that passes Excel's limits (rows, columns,
    ///   text length), or `.archiveTooLarge` past 4 GiB.
    /// - Complexity: O(total cells + total text length); the file is built in memory, about twice its size at peak.
    package func bytes() throws(XLSXError) -> [UInt8] {
        guard !sheets.isEmpty else {
            throw .noSheets
        }
        let names = XLSXSheet.sanitizedNames(sheets.map(\.name))
        var archive = ZipArchive()
        try archive.addFile(path: "[Content_Types].xml", contents: Array(contentTypesXML.utf8))
        try archive.addFile(path: "_rels/.rels", contents: Array(Self.packageRelationshipsXML.utf8))
        try archive.addFile(path: "xl/workbook.xml", contents: Array(Self.workbookXML(sheetNames: names).utf8))
        try archive.addFile(path: "xl/_rels/workbook.xml.rels", contents: Array(workbookRelationshipsXML.utf8))
        try archive.addFile(path: "xl/styles.xml", contents: Array(XLSXStyle.stylesheetXML.utf8))
        for (index, sheet) in sheets.enumerated() {
            let writer = XLSXWorksheetWriter(sheet: sheet, name: names[index], isSelected: index == 0)
            try archive.addFile(path: "xl/worksheets/sheet\(index + 1).xml", contents: try writer.xml())
        }
        return archive.bytes()
    }

    /// Writes the `.xlsx` file to `url`, replacing any file there; the file appears whole or not at all.
    ///
    /// - Throws: the errors of `bytes()`, or `XLSXError.writeFailed` naming the path.
    package func write(to url: URL) throws(XLSXError) {
        let contents = try bytes()
        do {
            // The project's own atomic write: Foundation's `.atomic` leaves empty temporary folders behind on Linux.
            try AtomicFile.write(url.path, contents)
        } catch {
            throw .writeFailed(path: url.path, reason: String(describing: error))
        }
    }

    /// The XML declaration that starts every part.
    static let xmlDeclaration = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"

    /// `[Content_Types].xml`: the content type of every part.
    private var contentTypesXML: String {
        var xml =
            Self.xmlDeclaration
            + #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#
            + #"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#
            + #"<Default Extension="xml" ContentType="application/xml"/>"#
            + #"<Override PartName="/xl/workbook.xml" "#
            + #"ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#
            + #"<Override PartName="/xl/styles.xml" "#
            + #"ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#
        for index in sheets.indices {
            xml +=
                #"<Override PartName="/xl/worksheets/sheet\#(index + 1).xml" "#
                + #"ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
        }
        return xml + "</Types>"
    }

    /// `_rels/.rels`: the package's entry point, the workbook.
    private static let packageRelationshipsXML =
        xmlDeclaration
        + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
        + #"<Relationship Id="rId1" "#
        + #"Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" "#
        + #"Target="xl/workbook.xml"/>"#
        + "</Relationships>"

    /// `xl/workbook.xml`: the sheets in tab order, sheet N linked by relationship `rIdN`.
    private static func workbookXML(sheetNames: [String]) -> String {
        var xml =
            xmlDeclaration
            + #"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" "#
            + #"xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#
            + #"<bookViews><workbookView activeTab="0"/></bookViews><sheets>"#
        for (index, name) in sheetNames.enumerated() {
            var escapedName: [UInt8] = []
            XMLText.appendEscaped(name, to: &escapedName)
            xml +=
                #"<sheet name="\#(String(decoding: escapedName, as: UTF8.self))" "#
                + #"sheetId="\#(index + 1)" r:id="rId\#(index + 1)"/>"#
        }
        return xml + "</sheets></workbook>"
    }

    /// `xl/_rels/workbook.xml.rels`: `rId1`…`rIdN` for the sheets, `rId(N+1)` for the styles.
    private var workbookRelationshipsXML: String {
        var xml =
            Self.xmlDeclaration
            + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
        for index in sheets.indices {
            xml +=
                #"<Relationship Id="rId\#(index + 1)" "#
                + #"Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" "#
                + #"Target="worksheets/sheet\#(index + 1).xml"/>"#
        }
        xml +=
            #"<Relationship Id="rId\#(sheets.count + 1)" "#
            + #"Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" "#
            + #"Target="styles.xml"/>"#
        return xml + "</Relationships>"
    }
}
