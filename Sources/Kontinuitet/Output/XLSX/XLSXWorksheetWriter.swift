/// Renders one `XLSXSheet` as the XML of `xl/worksheets/sheetN.xml`.
///
/// Cells carry explicit references (`r="B3"`); empty cells and rows without a value are left out. Text is written
/// as an inline string (`t="inlineStr"`), so the workbook needs no shared strings table; numbers are written as
/// `<v>` without a `t` attribute, so they stay numbers.
struct XLSXWorksheetWriter {
    /// The column width used when a column's content is short, in Excel character units (Excel's default is 8.43).
    static let minimumColumnWidth = 8
    /// The widest a column is made, however long its text.
    static let maximumColumnWidth = 60

    /// The sheet being written, its (already sanitised) name and whether it is the workbook's selected tab.
    let sheet: XLSXSheet
    let name: String
    let isSelected: Bool

    /// The sheet XML as UTF-8 bytes.
    ///
    /// - Throws: `XLSXError.tooManyRows`, `.tooManyColumns` or `.textTooLong` when the sheet passes Excel's limits.
    /// - Complexity: O(number of cells + total text length).
    func xml() throws(XLSXError) -> [UInt8] {
        let cells = try preparedCells()
        let columnCount = cells.reduce(0) { max($0, $1.count) }
        let rowCount = cells.lastIndex { !$0.isEmpty }.map { $0 + 1 } ?? 0
        let letters = (0...columnCount).map { Array(XLSXCellReference.columnLetters($0).utf8) }

        var output: [UInt8] = []
        output.append(contentsOf: XLSXWorkbook.xmlDeclaration.utf8)
        output.append(
            contentsOf: #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" "#.utf8)
        output.append(
            contentsOf: #"xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#.utf8)
        let lastCell =
            rowCount > 0 && columnCount > 0 ? ":" + XLSXCellReference.reference(row: rowCount, column: columnCount) : ""
        output.append(contentsOf: #"<dimension ref="A1\#(lastCell)"/>"#.utf8)
        output.append(contentsOf: sheetViews.utf8)
        output.append(contentsOf: columnsElement(cells, columnCount: columnCount).utf8)
        output.append(contentsOf: "<sheetData>".utf8)
        for (rowIndex, row) in cells.enumerated() where row.contains(where: { $0 != .empty }) {
            let rowNumber = Array(String(rowIndex + 1).utf8)
            let bold = sheet.boldHeader && rowIndex == 0
            output.append(contentsOf: #"<row r=""#.utf8)
            output.append(contentsOf: rowNumber)
            output.append(contentsOf: #"">"#.utf8)
            for (columnIndex, cell) in row.enumerated() {
                appendCell(cell, column: letters[columnIndex + 1], row: rowNumber, bold: bold, to: &output)
            }
            output.append(contentsOf: "</row>".utf8)
        }
        output.append(contentsOf: "</sheetData>".utf8)
        output.append(contentsOf: #"<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" "#.utf8)
        output.append(contentsOf: #"header="0.3" footer="0.3"/>"#.utf8)
        output.append(contentsOf: "</worksheet>".utf8)
        return output
    }

    /// The rows as they will be written: text made XML-legal and formula-safe, non-finite numbers made empty,
    /// trailing empty cells dropped; checked against Excel's limits.
    private func preparedCells() throws(XLSXError) -> [[XLSXCell]] {
        guard sheet.rows.count <= XLSXLimits.maximumRows else {
            throw .tooManyRows(sheet: name, rows: sheet.rows.count)
        }
        var prepared: [[XLSXCell]] = []
        prepared.reserveCapacity(sheet.rows.count)
        for (rowIndex, row) in sheet.rows.enumerated() {
            var cells = row.map(Self.prepared)
            while cells.last == .empty {
                cells.removeLast()
            }
            guard cells.count <= XLSXLimits.maximumColumns else {
                throw .tooManyColumns(sheet: name, row: rowIndex + 1, columns: cells.count)
            }
            for (columnIndex, cell) in cells.enumerated() {
                guard case .text(let text) = cell, text.utf8.count > XLSXLimits.maximumTextLength else {
                    continue
                }
                let length = text.utf16.count
                if length > XLSXLimits.maximumTextLength {
                    let reference = XLSXCellReference.reference(row: rowIndex + 1, column: columnIndex + 1)
                    throw .textTooLong(sheet: name, cell: reference, length: length)
                }
            }
            prepared.append(cells)
        }
        return prepared
    }

    /// `cell` as it will be written: see `preparedCells()`.
    private static func prepared(_ cell: XLSXCell) -> XLSXCell {
        switch cell {
        case .text(let text):
            let safe = neutralizeSpreadsheetFormula(XMLText.removingIllegalCharacters(text))
            return safe.isEmpty ? .empty : .text(safe)
        case .number(let value), .percent(let value), .general(let value):
            return value.isFinite ? cell : .empty
        case .integer, .empty:
            return cell
        }
    }

    /// `<sheetViews>`: the selected tab flag and, when the header is frozen, a pane split below row 1.
    private var sheetViews: String {
        let selected = isSelected ? #" tabSelected="1""# : ""
        guard sheet.freezeHeader else {
            return #"<sheetViews><sheetView workbookViewId="0"\#(selected)/></sheetViews>"#
        }
        return #"<sheetViews><sheetView workbookViewId="0"\#(selected)>"#
            + #"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
            + #"<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>"#
            + "</sheetView></sheetViews>"
    }

    /// `<cols>` with one width per used column, from the longest shown value in it; empty when there are no columns.
    private func columnsElement(_ cells: [[XLSXCell]], columnCount: Int) -> String {
        guard columnCount > 0 else {
            return ""
        }
        var lengths = [Int](repeating: 0, count: columnCount)
        for (rowIndex, row) in cells.enumerated() {
            let boldAllowance = sheet.boldHeader && rowIndex == 0 ? 1 : 0
            for (columnIndex, cell) in row.enumerated() {
                lengths[columnIndex] = max(lengths[columnIndex], Self.shownLength(cell) + boldAllowance)
            }
        }
        var element = "<cols>"
        for (index, length) in lengths.enumerated() {
            let width = min(max(length + 2, Self.minimumColumnWidth), Self.maximumColumnWidth)
            element += #"<col min="\#(index + 1)" max="\#(index + 1)" width="\#(width)" customWidth="1"/>"#
        }
        return element + "</cols>"
    }

    /// Roughly how many characters `cell` shows; only used for column widths, so long text is not counted fully.
    private static func shownLength(_ cell: XLSXCell) -> Int {
        switch cell {
        case .text(let text):
            // Unicode scalars, counted on the UTF-8 bytes: every byte but a continuation byte starts one.
            let utf8 = text.utf8
            return utf8.count > 4 * maximumColumnWidth
                ? maximumColumnWidth : utf8.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
        case .integer(let value):
            var digits = value < 0 ? 2 : 1
            var rest = value.magnitude
            while rest >= 10 {
                rest /= 10
                digits += 1
            }
            return digits
        case .number(let value):
            // "0.00": the integer digits, the point, two decimals, and a sign.
            // A binary exponent e means about e × log10(2) + 1 decimal digits.
            let magnitude = abs(value)
            let integerDigits = magnitude < 10 ? 1 : min(Int(Double(magnitude.exponent) * 0.30103) + 1, 40)
            return integerDigits + 3 + (value < 0 ? 1 : 0)
        case .percent:
            return 7
        case .general(let value):
            return value.description.count
        case .empty:
            return 0
        }
    }

    /// Appends the `<c>` element of one cell, referenced by its column letters and row number; an empty cell is
    /// left out.
    private func appendCell(_ cell: XLSXCell, column: [UInt8], row: [UInt8], bold: Bool, to output: inout [UInt8]) {
        if cell == .empty {
            return
        }
        output.append(contentsOf: #"<c r=""#.utf8)
        output.append(contentsOf: column)
        output.append(contentsOf: row)
        output.append(UInt8(ascii: "\""))
        let style = XLSXStyle.style(for: cell, bold: bold)
        if style != .normal {
            output.append(contentsOf: #" s="\#(style.rawValue)""#.utf8)
        }
        switch cell {
        case .text(let text):
            output.append(contentsOf: #" t="inlineStr"><is><t xml:space="preserve">"#.utf8)
            XMLText.appendEscaped(text, to: &output)
            output.append(contentsOf: "</t></is></c>".utf8)
        case .number(let value), .percent(let value), .general(let value):
            output.append(contentsOf: "><v>".utf8)
            output.append(contentsOf: Self.numberText(value).utf8)
            output.append(contentsOf: "</v></c>".utf8)
        case .integer(let value):
            output.append(contentsOf: "><v>".utf8)
            CSVWriter.appendDecimal(value, to: &output)
            output.append(contentsOf: "</v></c>".utf8)
        case .empty:
            break
        }
    }

    /// The `<v>` text of a finite number: the shortest form that reads back as the same `Double` (`0.1`, `1e-07`),
    /// without a minus sign on zero.
    static func numberText(_ value: Double) -> String {
        value == 0 ? "0" : value.description
    }
}
