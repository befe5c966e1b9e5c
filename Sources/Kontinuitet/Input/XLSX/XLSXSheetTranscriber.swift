/// Turns the tokens of a worksheet part (`<sheetData>` of `xl/worksheets/sheetN.xml`) into CSV text, one line per
/// sheet row, while the part is being decompressed.
///
/// Line N of the text is row N of the sheet: rows the part leaves out, rows whose cells are all empty, and rows
/// holding an error cell are blank lines (the last listed in `errorRows`). Within a row, cells without a column
/// reference take the next column, and left-out cells are empty fields; empty cells at the end of a row are
/// dropped. Every non-blank row after the first has at least as many fields as the first (missing trailing
/// fields are written empty), so that a CSV reader's field-count check sees the sheet as the table it is; a row
/// with more fields than the first keeps them.
///
/// Rows and cells must come in increasing order, as Excel writes and requires; a reference past XFD1048576 is an
/// error, so no sheet can make the transcriber allocate beyond what it writes.
struct XLSXSheetTranscriber: XMLTokenConsumer {
    /// The cell types of the `t` attribute (ECMA-376 Part 1, 18.18.11).
    enum CellType {
        case number, sharedString, inlineString, formulaString, boolean, error, isoDate
    }

    let sheetName: String
    let sharedStrings: XLSXSharedStrings
    /// The date kind of each cell format, by `s` index.
    let dateKinds: [SpreadsheetDateKind]
    let uses1904: Bool
    let maximumTranscriptBytes: Int

    /// The transcript so far.
    var csv: [UInt8] = []
    /// Rows with an error cell, and the column letters of the first.
    var errorRows: [(row: Int, column: String)] = []

    // MARK: Row state

    /// The last row ended (0 before the first): the transcript has this many lines.
    var lastRow = 0
    /// The row being read, once known; 0 outside a row.
    var row = 0
    /// Whether the row's number came from its `r` attribute (else its first cell may give it).
    var rowNumberIsExplicit = false
    /// Whether the blank lines before the row have been written and `rowStart` set.
    var rowBegun = false
    /// Where the row's text starts in `csv`.
    var rowStart = 0
    /// The fields written in the row: the column of its last non-empty cell.
    var fieldsWritten = 0
    /// `fieldsWritten` before the last field was started, to take back a field that turned out empty.
    var lastWrittenBefore = 0
    /// The column of the row's last cell, empty or not.
    var lastColumn = 0
    /// The column of the row's first error cell.
    var errorColumn: Int?
    /// The number of fields of the first non-blank row.
    var headerWidth: Int?

    // MARK: Cell state

    var inCell = false
    var cellColumn = 0
    var cellType = CellType.number
    var cellStyle = 0
    /// Whether text tokens go to `cellText`: inside `<v>`, or inside `<t>` of an inline string.
    var capturing = false
    var inInlineString = false
    var phoneticDepth = 0
    /// The cell's raw value, entities decoded.
    var cellText: [UInt8] = []

    init(
        sheetName: String, sharedStrings: XLSXSharedStrings, dateKinds: [SpreadsheetDateKind], uses1904: Bool,
        maximumTranscriptBytes: Int
    ) {
        self.sheetName = sheetName
        self.sharedStrings = sharedStrings
        self.dateKinds = dateKinds
        self.uses1904 = uses1904
        self.maximumTranscriptBytes = maximumTranscriptBytes
        cellText.reserveCapacity(256)
    }

    var rowForErrors: Int? { row > 0 ? row : lastRow + 1 }

    /// Refuses a sheet part that ends inside a row, whose last cells would otherwise be lost without a word.
    func endOfPart() throws(XLSXReadError) {
        guard row == 0 else {
            throw malformed("the sheet ends inside a row")
        }
    }

    mutating func consume(_ token: XMLToken, in buffer: UnsafeBufferPointer<UInt8>) throws(XLSXReadError) {
        guard let base = buffer.baseAddress else {
            return
        }
        switch token.kind {
        case .text:
            if capturing {
                XMLTextDecoder.appendDecoded(base, token.body, to: &cellText)
            }
        case .startTag, .emptyTag:
            let name = token.name
            let isEmpty = token.kind == .emptyTag
            switch name.count {
            case 1:
                switch base[name.lowerBound] {
                case UInt8(ascii: "c"):
                    try startCell(base, token.body)
                    if isEmpty {
                        try endCell()
                    }
                case UInt8(ascii: "v"):
                    capturing = inCell && !isEmpty
                case UInt8(ascii: "t"):
                    capturing = inInlineString && phoneticDepth == 0 && !isEmpty
                default:
                    break
                }
            case 2 where XMLTokenizer.equals(base, name, "is"):
                inInlineString = !isEmpty
            case 3 where XMLTokenizer.equals(base, name, "row"):
                try startRow(base, token.body)
                if isEmpty {
                    try endRow()
                }
            case 3 where XMLTokenizer.equals(base, name, "rPh"):
                phoneticDepth += isEmpty ? 0 : 1
            default:
                break
            }
        case .endTag:
            let name = token.name
            switch name.count {
            case 1:
                switch base[name.lowerBound] {
                case UInt8(ascii: "c"): try endCell()
                case UInt8(ascii: "v"), UInt8(ascii: "t"): capturing = false
                default: break
                }
            case 2 where XMLTokenizer.equals(base, name, "is"):
                inInlineString = false
            case 3 where XMLTokenizer.equals(base, name, "row"):
                try endRow()
            case 3 where XMLTokenizer.equals(base, name, "rPh"):
                phoneticDepth = max(0, phoneticDepth - 1)
            default:
                break
            }
        case .cdata:
            if capturing {
                cellText.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[token.body]))
            }
        case .skipped:
            break
        }
    }

    // MARK: Rows

    /// Starts a row: its number from `r`, else (provisionally) the row after the last.
    mutating func startRow(_ base: UnsafePointer<UInt8>, _ attributes: Range<Int>) throws(XLSXReadError) {
        var index = attributes.lowerBound
        var number: Int?
        while let (name, value) = XMLTokenizer.nextAttribute(base, &index, attributes.upperBound) {
            if XMLTokenizer.equals(base, name, "r") {
                number = XLSXSheetTranscriber.parseInteger(base, value)
                guard let number, number >= 1 else {
                    throw malformed("a row number that is not a positive integer")
                }
            }
        }
        row = number ?? lastRow + 1
        rowNumberIsExplicit = number != nil
        rowBegun = false
        fieldsWritten = 0
        lastColumn = 0
        errorColumn = nil
        inCell = false
    }

    /// Writes the blank lines for the rows before this one and marks where its text starts.
    mutating func beginRow() throws(XLSXReadError) {
        guard !rowBegun else {
            return
        }
        guard row > lastRow else {
            throw malformed("row \(row) comes after row \(lastRow); rows must be in increasing order")
        }
        guard row <= XLSXLimits.maximumRows else {
            throw .cellBeyondSheetLimits(sheet: sheetName, row: row, reference: "row \(row)")
        }
        csv.append(contentsOf: repeatElement(0x0A, count: row - lastRow - 1))
        rowStart = csv.count
        rowBegun = true
    }

    /// Ends the row: a blank line for an error row (listed) or an empty one, else the fields padded to the
    /// first row's width.
    mutating func endRow() throws(XLSXReadError) {
        guard row > 0 else {
            return
        }
        try beginRow()
        if let errorColumn {
            csv.removeSubrange(rowStart...)
            errorRows.append((row, XLSXCellReference.columnLetters(errorColumn)))
        } else if fieldsWritten > 0 {
            if let headerWidth {
                if fieldsWritten < headerWidth {
                    csv.append(contentsOf: repeatElement(UInt8(ascii: ","), count: headerWidth - fieldsWritten))
                }
            } else {
                headerWidth = fieldsWritten
            }
        }
        csv.append(0x0A)
        lastRow = row
        row = 0
        guard csv.count <= maximumTranscriptBytes else {
            throw .transcriptTooLarge(sheet: sheetName, limit: maximumTranscriptBytes)
        }
    }

    /// The error for a sheet part that breaks SpreadsheetML's rules, at the current row.
    func malformed(_ problem: String) -> XLSXReadError {
        .malformedXML(part: "sheet '\(sheetName)'", row: rowForErrors, problem: problem)
    }

    /// The non-negative decimal integer in `range` of `base`, if it is one of at most 12 digits.
    @inline(__always)
    static func parseInteger(_ base: UnsafePointer<UInt8>, _ range: Range<Int>) -> Int? {
        guard !range.isEmpty, range.count <= 12 else {
            return nil
        }
        var value = 0
        for index in range {
            let digit = base[index] &- UInt8(ascii: "0")
            guard digit < 10 else {
                return nil
            }
            value = value * 10 + Int(digit)
        }
        return value
    }
}
