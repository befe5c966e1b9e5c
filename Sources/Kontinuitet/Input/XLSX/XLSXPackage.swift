import Foundation

/// The workbook-level facts of an XLSX package (ECMA-376 Part 2, Open Packaging Conventions): where the workbook,
/// its sheets, shared strings and styles are, the sheets' names and order, and the date system.
///
/// Parts are found as Excel finds them, through relationships: `_rels/.rels` names the workbook
/// (`xl/workbook.xml` almost always), and the workbook's relationships (`xl/_rels/workbook.xml.rels`) map each
/// sheet's `r:id` to its part, with targets relative to the workbook's folder (`worksheets/sheet1.xml`) or
/// absolute (`/xl/worksheets/sheet1.xml`).
struct XLSXPackage {
    /// One sheet as the workbook lists it.
    struct Sheet: Equatable {
        /// The name on the sheet's tab.
        var name: String
        /// The sheet's part in the archive, when its relationship was found.
        var part: String?
        /// Whether the relationship says worksheet (not chart sheet or dialog sheet).
        var isWorksheet: Bool
        /// Whether the workbook hides the sheet (`state="hidden"` or `"veryHidden"`).
        var isHidden: Bool
    }

    let zip: ZipReader
    /// The sheets in the workbook's `<sheets>` order, the order of the tabs.
    let sheets: [Sheet]
    /// Whether dates count from 1904 (`<workbookPr date1904="1"/>`).
    let uses1904: Bool
    /// The shared strings part, if the workbook has one.
    let sharedStringsPart: String?
    /// The styles part, if the workbook has one.
    let stylesPart: String?

    /// Small parts (workbook, relationships, styles) larger than this are refused as damaged.
    static let maximumSmallPartSize = 256 << 20

    /// What the ZIP archive `zip` holds: a workbook, or which other kind of document.
    static func identify(_ zip: ZipReader) -> SpreadsheetFileKind {
        if let mimetype = zip.entry(named: "mimetype"),
            let bytes = try? zip.extract(mimetype, limits: InflateLimits(maximumOutput: 1024, maximumRatio: 1000))
        {
            let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if text == "application/vnd.oasis.opendocument.spreadsheet" {
                return .openDocumentSpreadsheet
            }
            if text.hasPrefix("application/vnd.oasis.opendocument") {
                return .openDocument(mimetype: text)
            }
        }
        let office = (try? officeDocumentPart(zip)) ?? nil
        let candidates = [office, "xl/workbook.xml"].compactMap { $0 }
        if let workbook = candidates.first(where: { zip.entry(named: $0) != nil }) {
            if workbook.lowercased().hasSuffix(".bin") {
                return .binaryWorkbook
            }
            if workbook.lowercased().hasPrefix("xl/") || workbook.lowercased().hasSuffix("workbook.xml") {
                return .workbook
            }
        }
        let names = zip.entries.map { $0.name.lowercased() }
        if names.contains("xl/workbook.bin") {
            return .binaryWorkbook
        }
        if names.contains("word/document.xml") || office?.lowercased().hasPrefix("word/") == true {
            return .wordDocument
        }
        if names.contains("ppt/presentation.xml") || office?.lowercased().hasPrefix("ppt/") == true {
            return .presentation
        }
        if names.contains(where: { $0.hasPrefix("index/") && $0.hasSuffix(".iwa") }) || names.contains("index.zip") {
            return .numbersDocument
        }
        return .otherZip
    }

    /// Reads the workbook's sheet list, date system and the places of its shared strings and styles.
    ///
    /// - Throws: `XLSXReadError.missingPart` without a workbook part, `.malformedXML` or `.damagedArchive`.
    init(_ zip: ZipReader, budget: inout XLSXReadBudget) throws(XLSXReadError) {
        self.zip = zip
        let workbookPart = (try XLSXPackage.officeDocumentPart(zip)) ?? "xl/workbook.xml"
        guard let workbookEntry = zip.entry(named: workbookPart) else {
            throw .missingPart(workbookPart)
        }
        let folder = XLSXPackage.folder(of: workbookEntry.name)
        let relationshipsPart = folder + "_rels/" + String(workbookEntry.name.dropFirst(folder.count)) + ".rels"
        var targets: [String: (type: String, part: String)] = [:]
        var sharedStrings: String?
        var styles: String?
        if zip.entry(named: relationshipsPart) != nil {
            let bytes = try budget.extract(relationshipsPart, from: zip)
            try XMLPartScanner.forEachElement(bytes, part: relationshipsPart) { name, attributes, isEnd in
                guard !isEnd, name == "Relationship", let id = attributes["Id"], let target = attributes["Target"],
                    attributes["TargetMode"] != "External"
                else {
                    return
                }
                let type = attributes["Type"] ?? ""
                let part = XLSXPackage.resolve(target, in: folder)
                targets[id] = (type, part)
                if type.hasSuffix("/sharedStrings") && sharedStrings == nil {
                    sharedStrings = part
                } else if type.hasSuffix("/styles") && styles == nil {
                    styles = part
                }
            }
        }

        var sheets: [Sheet] = []
        var uses1904 = false
        let workbook = try budget.extract(workbookEntry.name, from: zip)
        try XMLPartScanner.forEachElement(workbook, part: workbookEntry.name) { name, attributes, isEnd in
            if isEnd {
                return
            }
            if name == "workbookPr" {
                let value = attributes["date1904"]?.lowercased()
                uses1904 = value == "1" || value == "true"
            } else if name == "sheet" {
                let target = attributes["id"].flatMap { targets[$0] }
                let state = attributes["state"]
                sheets.append(
                    Sheet(
                        name: attributes["name"] ?? "", part: target?.part,
                        isWorksheet: target.map { $0.type.hasSuffix("/worksheet") } ?? true,
                        isHidden: state == "hidden" || state == "veryHidden"))
            }
        }
        self.sheets = sheets
        self.uses1904 = uses1904
        self.sharedStringsPart = sharedStrings ?? (zip.entry(named: folder + "sharedStrings.xml")?.name)
        self.stylesPart = styles ?? (zip.entry(named: folder + "styles.xml")?.name)
    }

    /// The sheet to read: the one named `name` (exactly, else ignoring case), or the first visible worksheet in
    /// tab order (the first worksheet if all are hidden).
    func sheet(named name: String?) throws(XLSXReadError) -> Sheet {
        guard let name else {
            let worksheets = sheets.filter(\.isWorksheet)
            guard let first = worksheets.first(where: { !$0.isHidden }) ?? worksheets.first else {
                throw .noWorksheets
            }
            return first
        }
        let folded = name.lowercased()
        guard
            let sheet = sheets.first(where: { $0.name == name })
                ?? sheets.first(where: { $0.name.lowercased() == folded })
        else {
            throw .sheetNotFound(name: name, available: sheets.map(\.name))
        }
        guard sheet.isWorksheet else {
            throw .notAWorksheet(sheet: sheet.name)
        }
        return sheet
    }

    /// The date kind of each cell format (`<cellXfs>` index, the `s` attribute of a cell), from the styles part:
    /// custom `<numFmt>` codes first, then the built-in formats.
    func dateKinds(budget: inout XLSXReadBudget) throws(XLSXReadError) -> [SpreadsheetDateKind] {
        guard let stylesPart, zip.entry(named: stylesPart) != nil else {
            return []
        }
        let bytes = try budget.extract(stylesPart, from: zip)
        var customKinds: [Int: SpreadsheetDateKind] = [:]
        var kinds: [SpreadsheetDateKind] = []
        var inNumberFormats = false
        var inCellFormats = false
        var formatIDs: [Int] = []
        try XMLPartScanner.forEachElement(bytes, part: stylesPart) { name, attributes, isEnd in
            switch name {
            case "numFmts":
                inNumberFormats = !isEnd
            case "cellXfs":
                inCellFormats = !isEnd
            case "numFmt" where inNumberFormats && !isEnd:
                if let id = attributes["numFmtId"].flatMap({ Int($0) }), let code = attributes["formatCode"] {
                    customKinds[id] = SpreadsheetDate.kind(formatCode: code)
                }
            case "xf" where inCellFormats && !isEnd:
                formatIDs.append(attributes["numFmtId"].flatMap { Int($0) } ?? 0)
            default:
                break
            }
        }
        kinds = formatIDs.map { customKinds[$0] ?? SpreadsheetDate.builtInKind($0) }
        return kinds
    }

    // MARK: Part names

    /// The workbook part `_rels/.rels` names as the office document, if it does.
    private static func officeDocumentPart(_ zip: ZipReader) throws(XLSXReadError) -> String? {
        guard zip.entry(named: "_rels/.rels") != nil else {
            return nil
        }
        var budget = XLSXReadBudget(limits: .standard)
        let bytes = try budget.extract("_rels/.rels", from: zip)
        var part: String?
        try XMLPartScanner.forEachElement(bytes, part: "_rels/.rels") { name, attributes, isEnd in
            if !isEnd, part == nil, name == "Relationship", let target = attributes["Target"],
                attributes["Type"]?.hasSuffix("/officeDocument") == true
            {
                part = resolve(target, in: "")
            }
        }
        return part
    }

    /// The folder of `part` with its trailing `/` (`xl/` for `xl/workbook.xml`), or "" at the root.
    static func folder(of part: String) -> String {
        guard let slash = part.lastIndex(of: "/") else {
            return ""
        }
        return String(part[...slash])
    }

    /// The part name a relationship target points to: relative to `folder`, or from the root when it starts with
    /// `/`; `.` and `..` segments resolved and `%XX` escapes decoded.
    static func resolve(_ target: String, in folder: String) -> String {
        let decoded = target.removingPercentEncoding ?? target
        let path = decoded.hasPrefix("/") ? String(decoded.dropFirst()) : folder + decoded
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == ".." {
                _ = segments.popLast()
            } else if segment != "." {
                segments.append(segment)
            }
        }
        return segments.joined(separator: "/")
    }
}
