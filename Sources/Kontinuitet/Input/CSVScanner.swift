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

/// The fields of the record a `CSVFieldSplitter` split last, as a value a loop keeps in registers (valid until
/// the splitter's next split).
///
/// Field `i` lies between two entries: it starts at `base + entries[i - 1]` and ends one byte before
/// `base + entries[i]` (`entries[-1]` is 0), or at `base + lastEnd` for the last field of a record split by the
/// one-pass path (before the line break, and a CR). A field whose last byte is a quote and that has at least two
/// bytes is quoted and its content lies between the quotes: the one-pass path lets no other quote through, and the
/// careful path writes every field, unescaped, between quotes.
struct RecordFields {
    let base: UnsafePointer<UInt8>
    let entries: UnsafePointer<UInt32>
    /// The number of fields.
    let count: Int
    /// The index of the field that ends at `lastEnd` (-1: none, every field ends before its entry).
    let lastIndex: Int
    let lastEnd: Int

    /// Where field `index` starts and ends, quotes included; nil when the record has fewer fields.
    @inline(__always)
    private func bounds(_ index: Int) -> (start: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>)? {
        // One unsigned comparison rejects a negative index (an absent column) and one past the last field.
        guard UInt(bitPattern: index) < UInt(bitPattern: count) else { return nil }
        return (base + Int(entries[index &- 1]), base + (index == lastIndex ? lastEnd : Int(entries[index]) &- 1))
    }

    /// The bytes of field `index`; an empty buffer when the record has fewer fields.
    @inline(__always)
    func field(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        guard var (fieldStart, fieldEnd) = bounds(index) else { return UnsafeBufferPointer(start: nil, count: 0) }
        if fieldStart.distance(to: fieldEnd) >= 2 && (fieldEnd - 1).pointee == CSVScanner.quote {
            fieldStart += 1
            fieldEnd -= 1
        }
        return UnsafeBufferPointer(start: fieldStart, count: fieldStart.distance(to: fieldEnd))
    }

    /// Field `index` without surrounding blanks (`IdentifierNormalization.trimmed(field(index))`, with the
    /// common case, two bytes or more, neither blank nor a quote at either end, answered from one look at each end).
    @inline(__always)
    func trimmedField(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        guard let (fieldStart, fieldEnd) = bounds(index) else { return UnsafeBufferPointer(start: nil, count: 0) }
        let length = fieldStart.distance(to: fieldEnd)
        if length >= 2, case let last = (fieldEnd - 1).pointee, last > 0x20 && last != CSVScanner.quote,
            fieldStart.pointee > 0x20
        {
            return UnsafeBufferPointer(start: fieldStart, count: length)
        }
        return IdentifierNormalization.trimmed(field(index))
    }
}

/// Splits CSV records into fields, reused from record to record so that splitting allocates nothing in the
/// steady state. A field of a plain record points into the file's bytes; the careful path (a record with a doubled
/// quote, text after a closing quote, a quoted line break) writes its fields, unescaped, into a scratch buffer
/// owned by the splitter.
final class CSVFieldSplitter {
    /// The fields of the last record split.
    private(set) var current: RecordFields
    /// The number of fields of the last record split.
    var count: Int { current.count }
    // The careful path's fields: each written to `scratch` as a quote, its unescaped content, a quote and a
    // delimiter, and its entry (one past the delimiter) to `carefulEntries` (`carefulEntries[-1]` is 0). Raw
    // allocations, not arrays, so the loop writes through the pointers without exclusivity bookkeeping.
    private var carefulEntries: UnsafeMutablePointer<UInt32>
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
        carefulEntries = Self.allocateEntries(fieldCapacity)
        scratchCapacity = 1024
        scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: scratchCapacity)
        current = RecordFields(
            base: UnsafePointer(scratch), entries: UnsafePointer(carefulEntries), count: 0, lastIndex: -1, lastEnd: 0)
    }

    deinit {
        (carefulEntries - 1).deallocate()
        scratch.deallocate()
    }

    private static func allocateEntries(_ capacity: Int) -> UnsafeMutablePointer<UInt32> {
        let entries = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity + 1) + 1
        entries[-1] = 0
        return entries
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
        guard let base = buffer.baseAddress else {
            current = RecordFields(
                base: UnsafePointer(scratch), entries: UnsafePointer(carefulEntries), count: 0, lastIndex: -1,
                lastEnd: 0)
            return
        }
        // A record has at most (length + 1) fields, and each takes three bytes besides its content.
        let maxFields = min(end - start + 1, limit)
        reserveFields(maxFields)
        reserveScratch(end - start + 3 * maxFields)
        let entries = carefulEntries
        let scratch = self.scratch
        var n = 0
        var out = 0
        var i = start
        @inline(__always)
        func copy(_ from: Int, _ to: Int) {
            guard to > from else { return }
            (scratch + out).update(from: base + from, count: to - from)
            out += to - from
        }
        while n < limit {
            scratch[out] = CSVScanner.quote
            out += 1
            if hasQuotes && i < end && base[i] == CSVScanner.quote {
                // A quoted field: its content runs to the next single quote; `""` inside is one quote.
                i += 1
                while i < end {
                    guard let hit = memchr(base + i, Int32(CSVScanner.quote), end - i) else {
                        copy(i, end)
                        i = end
                        break
                    }
                    let q = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    if q + 1 < end && base[q + 1] == CSVScanner.quote {
                        copy(i, q + 1)
                        i = q + 2
                        continue
                    }
                    copy(i, q)
                    i = q + 1  // past the closing quote
                    break
                }
                // Text after the closing quote, up to the delimiter, is kept.
                let tailStart = min(i, end)
                var tailEnd = tailStart
                while tailEnd < end && base[tailEnd] != delimiter { tailEnd += 1 }
                copy(tailStart, tailEnd)
                i = tailEnd
            } else {
                var fieldEnd = end
                if i < end, let hit = memchr(base + i, Int32(delimiter), end - i) {
                    fieldEnd = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                }
                copy(min(i, end), fieldEnd)
                i = fieldEnd
            }
            scratch[out] = CSVScanner.quote
            scratch[out + 1] = delimiter
            out += 2
            entries[n] = UInt32(truncatingIfNeeded: out)
            n += 1
            // At a delimiter another field follows (possibly empty); at the end the record is done.
            if i < end {
                i += 1
                continue
            }
            break
        }
        current = RecordFields(
            base: UnsafePointer(scratch), entries: UnsafePointer(entries), count: n, lastIndex: -1, lastEnd: 0)
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
    @inline(__always)
    private func splitIndexedRecord(
        _ buffer: UnsafeBufferPointer<UInt8>, start: Int, delimiter: UInt8
    ) -> RecordBounds? {
        guard let base = buffer.baseAddress, start < buffer.count else { return nil }
        let end = buffer.count
        let index = self.index
        if start != indexedNext || lineBreakCursor == index.lineBreakCount || index.base != UnsafePointer(base)
            || index.end != end || index.delimiter != delimiter
        {
            guard rebuildIndex(base, start: start, end: end, delimiter: delimiter) else { return nil }
        }
        // The record's fields are its entries up to its line break's; its content ends before the line break (and
        // a CR before it), and so does its last field. Fields are found when asked for (`field(_:)`).
        let positions = index.positions
        let breakIndex = Int(index.lineBreaks[lineBreakCursor])
        let lineBreak = index.start &+ Int(positions[breakIndex]) &- 1
        var contentEnd = lineBreak
        if lineBreak > start && base[lineBreak &- 1] == CSVScanner.carriageReturn { contentEnd &-= 1 }
        let lastIndex = breakIndex &- positionCursor
        current = RecordFields(
            base: UnsafePointer(base) + index.start, entries: UnsafePointer(positions + positionCursor),
            count: lastIndex &+ 1, lastIndex: lastIndex, lastEnd: contentEnd &- index.start)
        positionCursor = breakIndex &+ 1
        lineBreakCursor &+= 1
        let next = min(lineBreak &+ 1, end)
        indexedNext = next
        onePassRecords &+= 1
        return RecordBounds(
            contentEnd: contentEnd, next: next, lines: 1, hasQuotes: true, quotedNewline: false,
            unterminatedQuote: false)
    }

    /// Builds the index from `start` (once per window, apart from the per-record path); false when no record
    /// of it is plain.
    @inline(never)
    private func rebuildIndex(_ base: UnsafePointer<UInt8>, start: Int, end: Int, delimiter: UInt8) -> Bool {
        index.build(base, start: start, end: end, delimiter: delimiter)
        positionCursor = 0
        lineBreakCursor = 0
        indexedNext = start
        guard index.lineBreakCount > 0 else {
            indexedNext = -1
            return false
        }
        return true
    }

    /// The bytes of field `index` of the last record split; an empty buffer when the record has fewer fields.
    func field(_ index: Int) -> UnsafeBufferPointer<UInt8> { current.field(index) }

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
        (carefulEntries - 1).deallocate()
        fieldCapacity = max(needed, fieldCapacity * 2)
        carefulEntries = Self.allocateEntries(fieldCapacity)
    }

    private func reserveScratch(_ needed: Int) {
        guard needed > scratchCapacity else { return }
        scratch.deallocate()
        scratchCapacity = max(needed, scratchCapacity * 2)
        scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: scratchCapacity)
    }
}
