/// The cells of `XLSXSheetTranscriber`: where a cell is, what type it has, and the text its value becomes.
extension XLSXSheetTranscriber {
    /// Starts a cell: its column from the letters of `r` (else the column after the last), its type from `t`, its
    /// format from `s`.
    mutating func startCell(_ base: UnsafePointer<UInt8>, _ attributes: Range<Int>) throws(XLSXReadError) {
        guard row > 0 else {
            throw malformed("a cell outside a row")
        }
        var column: Int?
        cellType = .number
        cellStyle = 0
        var index = attributes.lowerBound
        while let (name, value) = XMLTokenizer.nextAttribute(base, &index, attributes.upperBound) {
            guard name.count == 1 else {
                continue
            }
            switch base[name.lowerBound] {
            case UInt8(ascii: "r"):
                column = try cellColumn(base, value)
            case UInt8(ascii: "t"):
                cellType = XLSXSheetTranscriber.cellType(base, value)
            case UInt8(ascii: "s"):
                cellStyle = XLSXSheetTranscriber.parseInteger(base, value) ?? 0
            default:
                break
            }
        }
        try beginRow()
        let resolved = column ?? lastColumn + 1
        guard resolved > lastColumn else {
            throw malformed("a cell in column \(resolved) after column \(lastColumn); cells must be in order")
        }
        guard resolved <= XLSXLimits.maximumColumns else {
            throw .cellBeyondSheetLimits(
                sheet: sheetName, row: row, reference: XLSXCellReference.columnLetters(resolved) + String(row))
        }
        cellColumn = resolved
        lastColumn = resolved
        inCell = true
        capturing = false
        inInlineString = false
        phoneticDepth = 0
        cellText.removeAll(keepingCapacity: true)
    }

    /// The column of the cell reference in `range` (`B7`, `AB12`); its row part, when the row element gave no
    /// number, sets the row.
    private mutating func cellColumn(_ base: UnsafePointer<UInt8>, _ range: Range<Int>) throws(XLSXReadError) -> Int {
        var column = 0
        var index = range.lowerBound
        while index < range.upperBound {
            let letter = base[index] | 0x20  // lower case
            guard letter >= UInt8(ascii: "a") && letter <= UInt8(ascii: "z") else {
                break
            }
            column = column * 26 + Int(letter - UInt8(ascii: "a")) + 1
            index += 1
            guard column <= XLSXLimits.maximumColumns else {
                throw .cellBeyondSheetLimits(sheet: sheetName, row: row, reference: text(base, range))
            }
        }
        let digits = index..<range.upperBound
        guard column > 0, digits.isEmpty || XLSXSheetTranscriber.parseInteger(base, digits) != nil else {
            throw malformed("a cell reference that is not letters and digits")
        }
        if !digits.isEmpty, let number = XLSXSheetTranscriber.parseInteger(base, digits) {
            guard number <= XLSXLimits.maximumRows else {
                throw .cellBeyondSheetLimits(sheet: sheetName, row: row, reference: text(base, range))
            }
            if !rowNumberIsExplicit && !rowBegun && number > lastRow {
                row = number
            }
        }
        return column
    }

    /// The cell reference as written, for messages (a reference, never a value).
    private func text(_ base: UnsafePointer<UInt8>, _ range: Range<Int>) -> String {
        String(
            decoding: UnsafeBufferPointer(start: base + range.lowerBound, count: min(range.count, 24)), as: UTF8.self)
    }

    /// The cell type named by a `t` attribute; unknown types read as numbers.
    private static func cellType(_ base: UnsafePointer<UInt8>, _ value: Range<Int>) -> CellType {
        switch value.count {
        case 1:
            switch base[value.lowerBound] {
            case UInt8(ascii: "s"): return .sharedString
            case UInt8(ascii: "b"): return .boolean
            case UInt8(ascii: "e"): return .error
            case UInt8(ascii: "d"): return .isoDate
            default: return .number
            }
        case 3 where XMLTokenizer.equals(base, value, "str"):
            return .formulaString
        case 9 where XMLTokenizer.equals(base, value, "inlineStr"):
            return .inlineString
        default:
            return .number
        }
    }

    /// Ends a cell: writes its value as the next field, after empty fields for the columns skipped.
    mutating func endCell() throws(XLSXReadError) {
        guard inCell else {
            return
        }
        inCell = false
        capturing = false
        inInlineString = false
        switch cellType {
        case .error:
            if errorColumn == nil {
                errorColumn = cellColumn
            }
        case .sharedString:
            guard !cellText.isEmpty else {
                return
            }
            let index = cellText.withUnsafeBufferPointer { text -> Int? in
                text.baseAddress.flatMap { XLSXSheetTranscriber.parseInteger($0, 0..<text.count) }
            }
            guard let index, let range = sharedStrings.range(of: index) else {
                throw malformed("a shared string index that the table does not have")
            }
            guard !range.isEmpty else {
                return
            }
            writeSeparators()
            sharedStrings.fields.withUnsafeBufferPointer { fields in
                csv.append(contentsOf: UnsafeBufferPointer(rebasing: fields[range]))
            }
        case .inlineString, .formulaString, .isoDate:
            if cellType != .isoDate {
                XMLTextDecoder.decodeOfficeEscapes(&cellText, from: 0)
            }
            guard !cellText.isEmpty else {
                return
            }
            writeSeparators()
            cellText.withUnsafeBufferPointer { XMLTextDecoder.appendCSVField($0, to: &csv) }
        case .boolean:
            guard !cellText.isEmpty else {
                return
            }
            writeSeparators()
            if cellText == [UInt8(ascii: "1")] {
                csv.append(contentsOf: Array("TRUE".utf8))
            } else if cellText == [UInt8(ascii: "0")] {
                csv.append(contentsOf: Array("FALSE".utf8))
            } else {
                cellText.withUnsafeBufferPointer { XMLTextDecoder.appendCSVField($0, to: &csv) }
            }
        case .number:
            writeNumber()
        }
    }

    /// Writes a number cell: a date or time when its format is one, else the number's shortest text; text that
    /// is no number is written as it is.
    private mutating func writeNumber() {
        guard !cellText.isEmpty else {
            return
        }
        let dateKind = cellStyle < dateKinds.count ? dateKinds[cellStyle] : .none
        let fieldStart = csv.count
        writeSeparators()
        let valueStart = csv.count
        let written = cellText.withUnsafeBufferPointer { text -> Bool in
            guard let base = text.baseAddress else {
                return false
            }
            if dateKind != .none,
                SpreadsheetDate.append(base, 0..<text.count, kind: dateKind, uses1904: uses1904, to: &csv)
            {
                return true
            }
            return SpreadsheetNumber.append(base, 0..<text.count, to: &csv)
        }
        if !written {
            csv.removeSubrange(valueStart...)
            let isBlank = cellText.allSatisfy(XMLTokenizer.isSpace)
            if isBlank {
                csv.removeSubrange(fieldStart...)
                fieldsWritten = lastWrittenBefore
                return
            }
            cellText.withUnsafeBufferPointer { XMLTextDecoder.appendCSVField($0, to: &csv) }
        }
    }

    /// Writes the commas that put the next field in `cellColumn`, and counts it.
    @inline(__always)
    private mutating func writeSeparators() {
        let commas = fieldsWritten == 0 ? cellColumn - 1 : cellColumn - fieldsWritten
        if commas == 1 {
            csv.append(UInt8(ascii: ","))
        } else if commas > 1 {
            csv.append(contentsOf: repeatElement(UInt8(ascii: ","), count: commas))
        }
        lastWrittenBefore = fieldsWritten
        fieldsWritten = cellColumn
    }
}
