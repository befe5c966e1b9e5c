/// What can go wrong when writing an XLSX workbook or the ZIP archive that holds it.
///
/// Every case says where: the sheet and cell, or the archive entry, or the file being written.
package enum XLSXError: Error, CustomStringConvertible, Equatable {
    /// A workbook must hold at least one sheet; Excel refuses a file without one.
    case noSheets
    /// The sheet has more rows than Excel's 1,048,576.
    case tooManyRows(sheet: String, rows: Int)
    /// A row of the sheet has more cells than Excel's 16,384 columns.
    case tooManyColumns(sheet: String, row: Int, columns: Int)
    /// A text cell is longer than Excel's 32,767 characters (counted in UTF-16 code units, after the formula prefix).
    case textTooLong(sheet: String, cell: String, length: Int)
    /// An archive entry name is empty, absolute, holds `\` or a `..` part, or is longer than 65,535 bytes.
    case invalidArchivePath(String)
    /// The same entry name was added to the archive twice.
    case duplicateArchivePath(String)
    /// The archive would pass a limit of the ZIP format without ZIP64: 4 GiB per entry or in all, 65,535 entries.
    case archiveTooLarge(path: String)
    /// Writing the finished file failed.
    case writeFailed(path: String, reason: String)

    package var description: String {
        switch self {
        case .noSheets:
            return "workbook has no sheets; an XLSX file needs at least one"
        case .tooManyRows(let sheet, let rows):
            return "sheet '\(sheet)': \(rows) rows, Excel allows at most \(XLSXLimits.maximumRows)"
        case .tooManyColumns(let sheet, let row, let columns):
            return "sheet '\(sheet)' row \(row): \(columns) cells, Excel allows at most \(XLSXLimits.maximumColumns)"
        case .textTooLong(let sheet, let cell, let length):
            return "sheet '\(sheet)' cell \(cell): text of \(length) characters, "
                + "Excel allows at most \(XLSXLimits.maximumTextLength)"
        case .invalidArchivePath(let path):
            return "archive entry '\(path)': name must be relative, non-empty, without '\\' or '..'"
        case .duplicateArchivePath(let path):
            return "archive entry '\(path)': added twice"
        case .archiveTooLarge(let path):
            return "archive entry '\(path)': the archive would pass the ZIP limit of 4 GiB or 65,535 entries"
        case .writeFailed(let path, let reason):
            return "\(path): cannot write workbook: \(reason)"
        }
    }
}

/// The limits of an Excel worksheet (Excel 2007 and later), checked before writing so that Excel never refuses
/// or silently cuts a file we wrote.
enum XLSXLimits {
    /// Rows per sheet.
    static let maximumRows = 1_048_576
    /// Columns per sheet (`XFD`).
    static let maximumColumns = 16_384
    /// UTF-16 code units in one cell.
    static let maximumTextLength = 32_767
    /// Characters (UTF-16 code units) in a sheet name.
    static let maximumSheetNameLength = 31
}
