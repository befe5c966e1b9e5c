import Foundation

/// Where one CSV record lies in a byte buffer, as found by `CSVScanner.bounds(of:in:)`.
struct RecordBounds {
    /// One past the record's last content byte (its line break, CR included, is excluded).
    var contentEnd: Int
    /// Where the next record starts.
    var next: Int
    /// The number of physical lines the record spans.
    var lines: Int
    /// False when the record surely has no quote character (the one-pass path does not look, and says true).
    var hasQuotes: Bool
    /// True when a quoted field of the record holds a line break.
    var quotedNewline: Bool
    /// True when a quoted field was not closed within `CSVScanner.maxQuotedLines` lines or before the end of the
    /// file; the record is then taken to be its first physical line only, and is malformed.
    var unterminatedQuote: Bool
}

/// RFC 4180 record and field scanning over raw bytes.
///
/// A field that starts with `"` is quoted: it ends at the next `"` that is not doubled, may hold delimiters and
/// line breaks, and `""` inside it is one quote. A quote inside an unquoted field is an ordinary character. Bytes
/// after a closing quote, up to the next delimiter, are kept (Excel writes such fields rarely, but people do).
struct CSVScanner {
    /// The field delimiter: `,`, `;` or TAB.
    let delimiter: UInt8

    /// A quoted field may span at most this many lines; beyond it the quote is taken to be unterminated, so one
    /// stray quote cannot swallow the rest of a file.
    static let maxQuotedLines = 100

    static let quote: UInt8 = 0x22
    static let newline: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D

    /// Finds the record that starts at `start`.
    ///
    /// - Complexity: O(record length); records without quotes are found with `memchr`.
    func bounds(of start: Int, in buffer: UnsafeBufferPointer<UInt8>) -> RecordBounds {
        guard let base = buffer.baseAddress else {
            return RecordBounds(
                contentEnd: start, next: start, lines: 0, hasQuotes: false, quotedNewline: false,
                unterminatedQuote: false)
        }
        let end = buffer.count
        let lineEnd: Int
        if let hit = memchr(base + start, Int32(Self.newline), end - start) {
            lineEnd = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        } else {
            lineEnd = end
        }
        let firstLine = simpleBounds(start: start, lineEnd: lineEnd, end: end, base: base)
        if memchr(base + start, Int32(Self.quote), lineEnd - start) == nil { return firstLine }

        // Jump from quote to quote: outside quotes only a quote at the start of a field opens a quoted field;
        // inside, the next quote either closes it or (doubled) stands for one quote.
        var i = start
        var lines = 1
        var inQuotes = false
        var quotedNewline = false
        var recordEnd = lineEnd
        while true {
            if !inQuotes {
                guard i < recordEnd, let hit = memchr(base + i, Int32(Self.quote), recordEnd - i) else {
                    i = recordEnd
                    break
                }
                let q = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if q == start || base[q - 1] == delimiter { inQuotes = true }
                i = q + 1
                continue
            }
            guard i < end, let hit = memchr(base + i, Int32(Self.quote), end - i) else {
                // Unterminated up to the end of the file; count the lines it would swallow for the limit check.
                i = end
                break
            }
            let q = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if q > i, memchr(base + i, Int32(Self.newline), q - i) != nil {
                var k = i
                while k < q {
                    if base[k] == Self.newline { lines += 1 }
                    k += 1
                }
                quotedNewline = true
                if lines > Self.maxQuotedLines { break }
            }
            if q + 1 < end && base[q + 1] == Self.quote {
                i = q + 2
                continue
            }
            inQuotes = false
            i = q + 1
            if i > recordEnd {
                // The quoted field ran past the first line: the record ends at the next line break from here.
                if let next = memchr(base + i, Int32(Self.newline), end - i) {
                    recordEnd = base.distance(to: next.assumingMemoryBound(to: UInt8.self))
                } else {
                    recordEnd = end
                }
            }
        }
        if lines > Self.maxQuotedLines { inQuotes = true }
        if inQuotes {
            var malformed = firstLine
            malformed.hasQuotes = true
            malformed.unterminatedQuote = true
            return malformed
        }
        var contentEnd = recordEnd
        if contentEnd > start && base[contentEnd - 1] == Self.carriageReturn { contentEnd -= 1 }
        return RecordBounds(
            contentEnd: contentEnd, next: min(recordEnd + 1, end), lines: lines, hasQuotes: true,
            quotedNewline: quotedNewline, unterminatedQuote: false)
    }

    private func simpleBounds(start: Int, lineEnd: Int, end: Int, base: UnsafePointer<UInt8>) -> RecordBounds {
        var contentEnd = lineEnd
        if contentEnd > start && base[contentEnd - 1] == Self.carriageReturn { contentEnd -= 1 }
        return RecordBounds(
            contentEnd: contentEnd, next: min(lineEnd + 1, end), lines: 1, hasQuotes: false,
            quotedNewline: false, unterminatedQuote: false)
    }
}

/// The fields of one record, reused from record to record so that splitting allocates nothing in the steady
/// state. A field points into the file's bytes; only a quoted field with a doubled quote (`""`) or text after
/// its closing quote is unescaped into a scratch buffer owned by the splitter.
final class CSVFieldSplitter {
    /// The number of fields of the last record split.
    private(set) var count = 0
    // A record split by the one-pass path: its entries in the index's positions (`entries[i - 1]` and
    // `entries[i]` bound field `i`, relative to `window`), the index of its last field and where that ends
    // relative to `window` (before the line break, and a CR). Nil when the careful path split the record.
    private var entries: UnsafePointer<UInt32>?
    private var window: UnsafePointer<UInt8>?
    private var lastIndex = 0
    private var lastEnd = 0
    // For the careful path, where each field's bytes start and end: raw allocations, not arrays, so the loop
    // writes through the pointers without exclusivity bookkeeping on the class's stored properties. A field points
    // into the buffer, or into `scratch` when it had to be unescaped.
    private var starts: UnsafeMutablePointer<UnsafePointer<UInt8>>
    private var ends: UnsafeMutablePointer<UnsafePointer<UInt8>>
    private var fieldCapacity: Int
    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity: Int
    // Stage one of the one-pass path, and where stage two is in it: the next position and line break to take,
    // and the record start they belong to.
    private let index = StructuralIndex()
    private var positionCursor = 0
    private var lineBreakCursor = 0
    private var indexedNext = -1
    /// The number of records split by the one-pass path (the others took the careful one).
    private(set) var onePassRecords = 0

    init() {
        // Room for 256 fields; a record with more makes room for itself.
        fieldCapacity = 256
        starts = UnsafeMutablePointer<UnsafePointer<UInt8>>.allocate(capacity: fieldCapacity)
        ends = UnsafeMutablePointer<UnsafePointer<UInt8>>.allocate(capacity: fieldCapacity)
        scratchCapacity = 256
        scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: scratchCapacity)
    }

    deinit {
        starts.deallocate()
        ends.deallocate()
        scratch.deallocate()
    }

    /// Splits the record's content `[start, end)` of `buffer` on `delimiter`.
    ///
    /// The fields stay valid until the next call. `hasQuotes` comes from `RecordBounds`; without quotes the
    /// fast path splits with `memchr`. With `limit`, at most `limit` fields are split; later fields are not looked
    /// at and read as empty.
    func split(
        _ buffer: UnsafeBufferPointer<UInt8>, start: Int, end: Int, delimiter: UInt8, hasQuotes: Bool,
        limit: Int = Int.max
    ) {
        count = 0
        entries = nil
        guard let base = buffer.baseAddress else { return }
        // A record has at most (length + 1) fields.
        reserveFields(min(end - start + 1, limit))
        if hasQuotes { reserveScratch(end - start) }
        let starts = self.starts
        let ends = self.ends
        let scratch = self.scratch
        var n = 0
        var out = 0
        var i = start
        while n < limit {
            if hasQuotes && i < end && base[i] == CSVScanner.quote {
                // A quoted field: its content runs to the next single quote.
                i += 1
                let contentStart = i
                var unescaped = false
                var fieldOut = out
                while i < end {
                    guard let hit = memchr(base + i, Int32(CSVScanner.quote), end - i) else {
                        i = end
                        break
                    }
                    let q = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    if q + 1 < end && base[q + 1] == CSVScanner.quote {
                        if !unescaped {
                            unescaped = true
                            fieldOut = out
                            (scratch + out).update(from: base + contentStart, count: q + 1 - contentStart)
                            out += q + 1 - contentStart
                        } else {
                            (scratch + out).update(from: base + i, count: q + 1 - i)
                            out += q + 1 - i
                        }
                        i = q + 2
                        continue
                    }
                    if unescaped {
                        (scratch + out).update(from: base + i, count: q - i)
                        out += q - i
                    }
                    i = q
                    break
                }
                let contentEnd = min(i, end)
                if i < end { i += 1 }  // past the closing quote
                // Text after the closing quote, up to the delimiter, is kept.
                var tailEnd = i
                while tailEnd < end && base[tailEnd] != delimiter { tailEnd += 1 }
                if tailEnd > i && !unescaped {
                    unescaped = true
                    fieldOut = out
                    (scratch + out).update(from: base + contentStart, count: contentEnd - contentStart)
                    out += contentEnd - contentStart
                }
                if unescaped {
                    if tailEnd > i {
                        (scratch + out).update(from: base + i, count: tailEnd - i)
                        out += tailEnd - i
                    }
                    starts[n] = UnsafePointer(scratch + fieldOut)
                    ends[n] = UnsafePointer(scratch + out)
                } else {
                    starts[n] = base + contentStart
                    ends[n] = base + contentEnd
                }
                n += 1
                i = tailEnd
            } else {
                var fieldEnd = end
                if i < end, let hit = memchr(base + i, Int32(delimiter), end - i) {
                    fieldEnd = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                }
                starts[n] = base + min(i, end)
                ends[n] = base + min(i, end) + max(0, fieldEnd - i)
                n += 1
                i = fieldEnd
            }
            // At a delimiter another field follows (possibly empty); at the end the record is done.
            if i < end {
                i += 1
                continue
            }
            break
        }
        count = n
    }

    /// Finds the record that starts at `start` and splits it: from a `StructuralIndex` when it is plain (every
    /// quote opens a field and closes it right before a delimiter or the line break, with no `""` or line break
    /// inside), else with `CSVScanner.bounds(of:in:)` and `split`. The result is the same either way. With an
    /// unterminated quote the record is its first line, and that line is what is split. At most `limit` fields
    /// are split on the careful path.
    @discardableResult
    @inline(__always)
    func splitRecord(
        _ buffer: UnsafeBufferPointer<UInt8>, start: Int, scanner: CSVScanner, limit: Int = Int.max
    ) -> RecordBounds {
        if let bounds = splitIndexedRecord(buffer, start: start, delimiter: scanner.delimiter) { return bounds }
        let bounds = scanner.bounds(of: start, in: buffer)
        split(
            buffer, start: start, end: bounds.contentEnd, delimiter: scanner.delimiter, hasQuotes: bounds.hasQuotes,
            limit: limit)
        return bounds
    }

    /// Stage two of the one-pass path: the fields of the record at `start` from the index's positions, the index
    /// being built anew unless the record is the one that follows the last split. Nil, having split nothing
    /// reliable, when the record is not plain or does not end within the index's window.
    private func splitIndexedRecord(
        _ buffer: UnsafeBufferPointer<UInt8>, start: Int, delimiter: UInt8
    ) -> RecordBounds? {
        guard let base = buffer.baseAddress, start < buffer.count else { return nil }
        let end = buffer.count
        let index = self.index
        if start != indexedNext || lineBreakCursor == index.lineBreakCount || index.base != UnsafePointer(base)
            || index.end != end || index.delimiter != delimiter
        {
            index.build(base, start: start, end: end, delimiter: delimiter)
            positionCursor = 0
            lineBreakCursor = 0
            indexedNext = start
            guard index.lineBreakCount > 0 else {
                indexedNext = -1
                return nil
            }
        }
        // The record's fields are its entries up to its line break's; its content ends before the line break (and
        // a CR before it), and so does its last field. Fields are found when asked for (`field(_:)`).
        let positions = index.positions
        let breakIndex = Int(index.lineBreaks[lineBreakCursor])
        let lineBreak = index.start &+ Int(positions[breakIndex]) &- 1
        var contentEnd = lineBreak
        if lineBreak > start && base[lineBreak &- 1] == CSVScanner.carriageReturn { contentEnd &-= 1 }
        entries = UnsafePointer(positions + positionCursor)
        window = UnsafePointer(base) + index.start
        lastIndex = breakIndex &- positionCursor
        lastEnd = contentEnd &- index.start
        count = lastIndex &+ 1
        positionCursor = breakIndex &+ 1
        lineBreakCursor &+= 1
        let next = min(lineBreak &+ 1, end)
        indexedNext = next
        onePassRecords &+= 1
        return RecordBounds(
            contentEnd: contentEnd, next: next, lines: 1, hasQuotes: true, quotedNewline: false,
            unterminatedQuote: false)
    }

    /// The bytes of field `index`; an empty buffer when the record has fewer fields.
    @inline(__always)
    func field(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        // One unsigned comparison rejects a negative index (an absent column) and one past the last field.
        guard UInt(bitPattern: index) < UInt(bitPattern: count) else {
            return UnsafeBufferPointer(start: nil, count: 0)
        }
        if let entries, let window {
            // A field whose last byte is a quote was quoted (the index let no other quote through): its content
            // lies between the quotes.
            var fieldStart = window + Int(entries[index &- 1])
            var fieldEnd = window + (index == lastIndex ? lastEnd : Int(entries[index]) &- 1)
            if fieldStart.distance(to: fieldEnd) >= 2 && (fieldEnd - 1).pointee == CSVScanner.quote {
                fieldStart += 1
                fieldEnd -= 1
            }
            return UnsafeBufferPointer(start: fieldStart, count: fieldStart.distance(to: fieldEnd))
        }
        let fieldStart = starts[index]
        return UnsafeBufferPointer(start: fieldStart, count: fieldStart.distance(to: ends[index]))
    }

    /// Field `index` decoded as text (UTF-8, else Windows-1252), trimmed of surrounding blanks.
    func string(_ index: Int) -> String {
        TextDecoding.string(IdentifierNormalization.trimmed(field(index)))
    }

    /// True when every field is empty or blank (an Excel row of delimiters only).
    var isBlank: Bool {
        for index in 0..<count where IdentifierNormalization.trimmed(field(index)).count > 0 { return false }
        return true
    }

    private func reserveFields(_ needed: Int) {
        guard needed > fieldCapacity else { return }
        starts.deallocate()
        ends.deallocate()
        fieldCapacity = max(needed, fieldCapacity * 2)
        starts = UnsafeMutablePointer<UnsafePointer<UInt8>>.allocate(capacity: fieldCapacity)
        ends = UnsafeMutablePointer<UnsafePointer<UInt8>>.allocate(capacity: fieldCapacity)
    }

    private func reserveScratch(_ needed: Int) {
        guard needed > scratchCapacity else { return }
        scratch.deallocate()
        scratchCapacity = max(needed, scratchCapacity * 2)
        scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: scratchCapacity)
    }
}
