import Foundation

/// A CSV file opened for reading: its bytes (memory-mapped), its detected dialect and its header.
///
/// Detection, in order: a UTF-8 byte-order mark is skipped; an Excel `sep=;` first line sets the delimiter and is
/// skipped; blank lines before the header are skipped; the delimiter is whichever of TAB, `;` and `,` occurs most
/// often outside quotes in the header (ties in that order); the encoding is UTF-8 when the first 64 KiB are valid
/// UTF-8, else Windows-1252 (fields are still decoded one by one, see `TextDecoding`).
package struct CSVFile: @unchecked Sendable {
    /// The path as the user gave it; used in every message.
    package let path: String
    /// The detected field delimiter.
    package let delimiter: UInt8
    /// The detected encoding.
    package let encoding: TextEncoding
    /// The header cells, decoded and trimmed.
    package let header: [String]
    /// The 1-based line number of the header row.
    package let headerLine: Int
    /// Rows rejected before the CSV is read: a workbook's rows holding an error cell (they are blank lines of
    /// the transcript). Every reader counts them as read and rejected.
    package let preRejected: [RejectedRow]
    /// The byte offset where the first record after the header starts.
    let bodyStart: Int
    /// The 1-based line number of the first line after the header.
    let bodyLine: Int
    private let mapped: MappedFile

    /// Opens and maps the file at `path` and reads its header.
    ///
    /// - Throws: `InputError.fileNotFound`, `.unreadable` or `.empty`.
    package static func open(_ path: String) throws -> CSVFile {
        try CSVFile(path: path, mapped: MappedFile(path: path))
    }

    /// Reads a CSV file from bytes already in memory (tests and standard input use this).
    package init(path: String, bytes: [UInt8]) throws {
        try self.init(path: path, mapped: MappedFile(bytes: bytes))
    }

    private init(path: String, mapped original: MappedFile) throws {
        let source = try Self.decoded(original, path: path)
        self.path = source.path
        self.preRejected = source.rejected
        let mapped = source.bytes
        self.mapped = mapped
        let detected = Self.detect(mapped.buffer)
        guard let detected else { throw InputError.empty(file: path) }
        delimiter = detected.delimiter
        encoding = detected.encoding
        header = detected.header
        headerLine = detected.headerLine
        bodyStart = detected.bodyStart
        bodyLine = detected.headerLine + detected.headerLines
    }

    /// The file's bytes as CSV text, the name rows are given under, and rows rejected before any CSV reading.
    private struct Source {
        var bytes: MappedFile
        var path: String
        var rejected: [RejectedRow] = []
    }

    /// The file's bytes as CSV text (`InputFormat`): plain text as it is, mapped; everything else converted into
    /// memory: gzip inflated (and its content detected in turn), an XLSX workbook's sheet transcribed (rows then
    /// named `file.xlsx:Sheet:row`; `InputOptions.sheet` chooses the sheet), UTF-16 and CR-only text turned into
    /// UTF-8 with LF.
    private static func decoded(_ mapped: MappedFile, path: String, depth: Int = 0) throws -> Source {
        switch InputFormat.detect(mapped.buffer) {
        case .text:
            return Source(bytes: mapped, path: path)
        case .carriageReturnText:
            return Source(bytes: MappedFile(bytes: InputFormat.lineFeedText(mapped.buffer)), path: path)
        case .utf16LittleEndian:
            return Source(
                bytes: MappedFile(bytes: InputFormat.utf8Text(fromUTF16: mapped.buffer, bigEndian: false)), path: path)
        case .utf16BigEndian:
            return Source(
                bytes: MappedFile(bytes: InputFormat.utf8Text(fromUTF16: mapped.buffer, bigEndian: true)), path: path)
        case .gzip:
            guard depth < 2 else {
                throw InputError.unsupportedFormat(
                    file: path, name: "gzip inside gzip", advice: "unpack it until it is CSV or .xlsx")
            }
            let plain: [UInt8]
            do {
                plain = try GzipReader.decompress([UInt8](mapped.buffer))
            } catch {
                throw InputError.unreadable(file: path, reason: "a damaged gzip file: \(error)")
            }
            return try decoded(MappedFile(bytes: plain), path: path, depth: depth + 1)
        case .zip:
            return try workbook([UInt8](mapped.buffer), path: path)
        case .unsupported(let name, let advice):
            throw InputError.unsupportedFormat(file: path, name: name, advice: advice)
        }
    }

    /// A ZIP archive read as an XLSX workbook: the sheet's transcript, its rows named by the sheet, and a row
    /// holding an error cell (`#N/A`, `#REF!`) rejected as `cell_error`.
    private static func workbook(_ bytes: [UInt8], path: String) throws -> Source {
        let kind = XLSXReader.identify(bytes)
        guard case .workbook = kind else {
            throw InputError.unsupportedFormat(file: path, name: kind.advice, advice: "")
        }
        let transcript: XLSXTranscript
        do {
            transcript = try XLSXReader.transcribe(bytes, sheet: InputOptions.sheet)
        } catch {
            throw InputError.unreadable(file: path, reason: error.description)
        }
        let name = "\(path):\(transcript.sheetName)"
        let rejected = transcript.errorRows.map { row in
            RejectedRow(
                file: name, line: row.row, reason: "cell_error",
                detail: "cell \(row.column)\(row.row) holds an error value (such as #N/A or #REF!)", row: "")
        }
        return Source(bytes: MappedFile(bytes: transcript.csv), path: name, rejected: rejected)
    }

    /// True when anything but blanks follows the header (a quick look, not a count of rows).
    package var hasDataRows: Bool {
        withBytes { bytes in
            bytes[min(bodyStart, bytes.count)...].contains { $0 > 0x20 && $0 != delimiter && $0 != CSVScanner.quote }
        }
    }

    /// The number of bytes in the file.
    package var byteCount: Int { mapped.count }

    /// Calls `body` with the file's bytes; the pointer must not escape.
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(mapped.buffer)
    }

    /// Lets the operating system drop the pages of `[from, to)` from this process's memory (they are re-read from
    /// the page cache if touched again).
    func releasePages(from: Int, to: Int) { mapped.release(from: from, to: to) }

    /// Asks the operating system to map the pages of `[from, to)` at once, ahead of reading them.
    func populatePages(from: Int, to: Int) { mapped.populate(from: from, to: to) }

    private struct Detected {
        var delimiter: UInt8
        var encoding: TextEncoding
        var header: [String]
        var headerLine: Int
        var headerLines: Int
        var bodyStart: Int
    }

    private static func detect(_ bytes: UnsafeBufferPointer<UInt8>) -> Detected? {
        var position = 0
        var line = 1
        var encoding = TextEncoding.utf8
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF {
            position = 3
            encoding = .utf8WithBOM
        } else {
            let sample = UnsafeBufferPointer(rebasing: bytes[0..<min(bytes.count, 65_536)])
            if !TextDecoding.isValidUTF8(trimIncompleteTail(sample)) { encoding = .windows1252 }
        }
        var forcedDelimiter: UInt8?
        let probe = CSVScanner(delimiter: 0x2C)
        while position < bytes.count {
            let bounds = probe.bounds(of: position, in: bytes)
            let content = UnsafeBufferPointer(rebasing: bytes[position..<bounds.contentEnd])
            let trimmed = IdentifierNormalization.trimmed(content)
            if trimmed.isEmpty {
                position = bounds.next
                line += bounds.lines
                continue
            }
            if forcedDelimiter == nil, trimmed.count == 5, trimmed.starts(with: Array("sep=".utf8)),
                let last = trimmed.last
            {
                forcedDelimiter = last
                position = bounds.next
                line += bounds.lines
                continue
            }
            break
        }
        guard position < bytes.count else { return nil }
        let delimiter = forcedDelimiter ?? guessDelimiter(bytes, from: position)
        let splitter = CSVFieldSplitter()
        let bounds = splitter.splitRecord(bytes, start: position, scanner: CSVScanner(delimiter: delimiter))
        let header = (0..<splitter.count).map { splitter.string($0) }
        return Detected(
            delimiter: delimiter, encoding: encoding, header: header, headerLine: line, headerLines: bounds.lines,
            bodyStart: bounds.next)
    }

    /// Drops a UTF-8 sequence cut off by the end of a sample, so that the cut does not look like bad UTF-8.
    private static func trimIncompleteTail(_ sample: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var end = sample.count
        var back = 0
        while end > 0 && back < 3 && sample[end - 1] & 0xC0 == 0x80 {
            end -= 1
            back += 1
        }
        if end > 0 && sample[end - 1] >= 0xC0 { end -= 1 } else { end = sample.count }
        return UnsafeBufferPointer(rebasing: sample[0..<end])
    }

    private static func guessDelimiter(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> UInt8 {
        var counts: [UInt8: Int] = [0x09: 0, 0x3B: 0, 0x2C: 0]
        var inQuotes = false
        var i = start
        while i < bytes.count {
            let byte = bytes[i]
            if byte == CSVScanner.quote {
                inQuotes.toggle()
            } else if !inQuotes {
                if byte == CSVScanner.newline { break }
                if counts[byte] != nil { counts[byte, default: 0] += 1 }
            }
            i += 1
        }
        var best: UInt8 = 0x2C
        var bestCount = 0
        for candidate: UInt8 in [0x09, 0x3B, 0x2C] where (counts[candidate] ?? 0) > bestCount {
            best = candidate
            bestCount = counts[candidate] ?? 0
        }
        return best
    }
}

extension CSVFile {
    /// Streams the records after the header, one at a time, without holding them.
    ///
    /// - Parameters:
    ///   - body: called with the record's 1-based line number and its fields (valid until `body` returns).
    ///   - malformed: called for a record that cannot be split (an unterminated quote) or whose field count does
    ///     not fit the header (`FieldCountRule`), as a rejected row.
    ///   - blank: called for a row of empty fields (blank lines are skipped silently: they are not rows).
    func forEachRecord(
        _ body: (Int, CSVFieldSplitter) throws -> Void, malformed: (RejectedRow) -> Void, blank: () -> Void
    ) rethrows {
        for row in preRejected { malformed(row) }
        try forEachRecord(in: bodyStart..<byteCount, firstLine: bodyLine, body, malformed: malformed, blank: blank)
    }

    /// `forEachRecord` over the records that start in `range` (a chunk cut at a record start), the first on line
    /// `firstLine`; the records of a workbook's `preRejected` are not included. Returns the physical lines
    /// walked, whether a quoted field held a line break (then a cut may have fallen inside a record), and where
    /// the next record starts.
    @discardableResult
    func forEachRecord(
        in range: Range<Int>, firstLine: Int, _ body: (Int, CSVFieldSplitter) throws -> Void,
        malformed: (RejectedRow) -> Void, blank: () -> Void
    ) rethrows -> (lines: Int, sawQuotedNewline: Bool, next: Int) {
        let width = FieldCountRule.width(ofHeader: header)
        var sawQuotedNewline = false
        var next = range.lowerBound
        let end = try withBytes { bytes in
            let scanner = CSVScanner(delimiter: delimiter)
            let splitter = CSVFieldSplitter()
            var position = range.lowerBound
            var line = firstLine
            while position < range.upperBound {
                let bounds = splitter.splitRecord(bytes, start: position, scanner: scanner)
                let recordStart = position
                let recordLine = line
                position = bounds.next
                line += bounds.lines
                if bounds.quotedNewline { sawQuotedNewline = true }
                if bounds.unterminatedQuote {
                    malformed(
                        RejectedRow(
                            file: path, line: recordLine, reason: "unterminated_quote",
                            detail: "a quoted field is not closed",
                            row: TextDecoding.string(
                                UnsafeBufferPointer(
                                    rebasing: bytes[recordStart..<min(bounds.contentEnd, recordStart + 4096)]))))
                    continue
                }
                if bounds.contentEnd == recordStart { continue }
                if splitter.isBlank {
                    blank()
                    continue
                }
                if let problem = FieldCountRule.violation(
                    count: splitter.count, width: width,
                    isBlank: { IdentifierNormalization.trimmed(splitter.field($0)).isEmpty })
                {
                    malformed(
                        RejectedRow(
                            file: path, line: recordLine, reason: "field_count", detail: problem,
                            row: Self.rawRow(splitter, delimiter: delimiter)))
                    continue
                }
                try body(recordLine, splitter)
            }
            next = position
            return line
        }
        return (end - firstLine, sawQuotedNewline, next)
    }

    /// The raw text of a record's fields joined back with the delimiter (for `rejected.csv`), at most 4 KiB.
    static func rawRow(_ fields: CSVFieldSplitter, delimiter: UInt8) -> String {
        let text = (0..<fields.count).map { TextDecoding.string(fields.field($0)) }.joined(
            separator: String(UnicodeScalar(delimiter)))
        return String(text.prefix(4096))
    }
}

/// A rejected input row: where it is, why, and its raw text (kept only in the private `rejected.csv`).
package struct RejectedRow: Sendable, Equatable {
    package var file: String
    package var line: Int
    /// A short machine code, such as `missing_staff` or `bad_start`.
    package var reason: String
    /// A sentence saying what is wrong, naming the column; never a value from the row.
    package var detail: String
    /// The row as read (truncated to 4 KiB).
    package var row: String
}

extension RejectedRow {
    /// A visit-log record rejected for `reason` (`detail`: the sentence when not the reason's own), its bytes as
    /// read kept as its raw text.
    init(file: String, line: Int, _ reason: RowRejection, detail: String?, record: UnsafeBufferPointer<UInt8>) {
        self.init(
            file: file, line: line, reason: reason.rawValue, detail: detail ?? reason.detail,
            row: TextDecoding.string(UnsafeBufferPointer(rebasing: record.prefix(4096))))
    }
}

/// A whole CSV file read into strings: for the small inputs (forms, registers, allocated time), not for visit
/// logs, which the measurement reads on bytes.
package struct CSVTable: Sendable {
    /// One data row with its 1-based line number.
    package struct Row: Sendable {
        package var line: Int
        package var fields: [String]

        /// The trimmed value of the column at `position`, or "" when the row is shorter.
        package subscript(position: Int?) -> String {
            guard let position, position < fields.count else { return "" }
            return fields[position]
        }
    }

    package let file: CSVFile
    package let rows: [Row]
    /// Records that could not be split (an unterminated quote), by line.
    package let malformed: [RejectedRow]
    /// Blank lines and rows of empty fields that were skipped.
    package let blankRows: Int

    /// Reads every record of the file at `path`.
    package static func read(_ path: String) throws -> CSVTable {
        try CSVTable(file: CSVFile.open(path))
    }

    /// Reads every record of an opened file.
    package init(file: CSVFile) {
        self.file = file
        var rows: [Row] = []
        var malformed: [RejectedRow] = []
        var blank = 0
        file.forEachRecord(
            { line, fields in rows.append(Row(line: line, fields: (0..<fields.count).map { fields.string($0) })) },
            malformed: { malformed.append($0) }, blank: { blank += 1 })
        self.rows = rows
        self.malformed = malformed
        self.blankRows = blank
    }
}
