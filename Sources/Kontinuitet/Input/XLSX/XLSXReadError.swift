/// What a file handed to the XLSX reader turned out to be, judged by its content.
enum SpreadsheetFileKind: Equatable, Sendable {
    /// An Office Open XML workbook: .xlsx, .xlsm, .xltx (SpreadsheetML in a ZIP package).
    case workbook
    /// An OpenDocument spreadsheet (.ods), as LibreOffice saves by default.
    case openDocumentSpreadsheet
    /// Another OpenDocument file; the value is its `mimetype` entry.
    case openDocument(mimetype: String)
    /// An Excel binary workbook (.xlsb): a ZIP package whose workbook part is `.bin`.
    case binaryWorkbook
    /// A Word document (.docx).
    case wordDocument
    /// A PowerPoint presentation (.pptx).
    case presentation
    /// An Apple Numbers document (.numbers).
    case numbersDocument
    /// A ZIP archive that is none of the above.
    case otherZip
    /// An OLE compound file: a legacy Excel workbook (.xls), or a workbook saved with a password.
    case compoundFile
    /// A PDF document.
    case pdf
    /// Not a ZIP archive and none of the kinds above.
    case unknown

    /// The kind in words, and what to do, for messages.
    var advice: String {
        switch self {
        case .workbook:
            return "an Excel workbook"
        case .openDocumentSpreadsheet:
            return "an OpenDocument spreadsheet (.ods), not an Excel workbook: save it as .xlsx or CSV"
        case .openDocument(let mimetype):
            return "an OpenDocument file (\(mimetype)), not a spreadsheet: export the table as .xlsx or CSV"
        case .binaryWorkbook:
            return "an Excel binary workbook (.xlsb), which is not read: save it as .xlsx or CSV"
        case .wordDocument:
            return "a Word document (.docx), not a workbook: copy the table into Excel and save it as .xlsx or CSV"
        case .presentation:
            return "a PowerPoint presentation (.pptx), not a workbook: save the table as .xlsx or CSV"
        case .numbersDocument:
            return "an Apple Numbers document: export it as Excel (.xlsx) or CSV"
        case .otherZip:
            return "a ZIP archive, not an Excel workbook: unpack it, or save the table as .xlsx or CSV"
        case .compoundFile:
            return "a legacy Excel workbook (.xls) or a password-protected workbook: save it as .xlsx "
                + "without a password, or as CSV"
        case .pdf:
            return "a PDF document, not a workbook: export the table from the system that made it as .xlsx or CSV"
        case .unknown:
            return "neither a workbook nor a ZIP archive"
        }
    }
}

/// What can go wrong when reading a sheet of an XLSX workbook.
///
/// Cases name the part of the package and the sheet row where they have one; the caller adds the file name. No
/// case carries a cell value, so a message never shows what the sheet holds.
enum XLSXReadError: Error, CustomStringConvertible, Equatable {
    /// The file is not an Excel workbook; the kind says what it is instead.
    case notAWorkbook(SpreadsheetFileKind)
    /// No sheet has the name asked for; `available` lists the workbook's sheets in order.
    case sheetNotFound(name: String, available: [String])
    /// The workbook lists no worksheet.
    case noWorksheets
    /// The sheet asked for is a chart sheet or dialog sheet, which has no cells.
    case notAWorksheet(sheet: String)
    /// The ZIP archive or a compressed part is damaged, or a part expands past the limits.
    case damagedArchive(ArchiveError)
    /// The package lacks a part it names (the workbook, or the sheet's XML).
    case missingPart(String)
    /// The XML of `part` cannot be read, at sheet row `row` when known; `problem` says what is wrong.
    case malformedXML(part: String, row: Int?, problem: String)
    /// A cell or row reference past Excel's last column (XFD, 16,384) or row (1,048,576).
    case cellBeyondSheetLimits(sheet: String, row: Int, reference: String)
    /// The CSV transcript of the sheet passed the limit of `limit` bytes.
    case transcriptTooLarge(sheet: String, limit: Int)

    var description: String {
        switch self {
        case .notAWorkbook(let kind):
            return "this is \(kind.advice)"
        case .sheetNotFound(let name, let available):
            let names = available.map { "'\($0)'" }.joined(separator: ", ")
            return "the workbook has no sheet named '\(name)'; its sheets are \(names)"
        case .noWorksheets:
            return "the workbook has no worksheet"
        case .notAWorksheet(let sheet):
            return "sheet '\(sheet)' is a chart or dialog sheet, not a worksheet with cells"
        case .damagedArchive(let error):
            return "the workbook is damaged: \(error)"
        case .missingPart(let part):
            return "the workbook is damaged: it names the part '\(part)', which it does not contain"
        case .malformedXML(let part, let row, let problem):
            let place = row.map { " at row \($0)" } ?? ""
            return "the workbook is damaged: malformed XML in '\(part)'\(place): \(problem)"
        case .cellBeyondSheetLimits(let sheet, let row, let reference):
            return "sheet '\(sheet)' row \(row): cell reference \(reference) is past Excel's last column (XFD) "
                + "or row (1048576)"
        case .transcriptTooLarge(let sheet, let limit):
            return "sheet '\(sheet)' is larger than \(limit) bytes as CSV, the limit"
        }
    }
}
