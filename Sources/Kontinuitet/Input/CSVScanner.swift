import Foundation

/// Where one CSV record lies in a byte buffer, as found by `CSVScanner.bounds(of:in:)`.
struct RecordBounds {
    /// One past the record's last content byte (its line break, CR included, is excluded).
    var contentEnd: Int
    /// Where the next record starts.
    var next: Int
    /// The number of physical lines the record spans.
    var lines: Int
    /// True when the record contains a quote character, so fields need the careful splitter.
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
    // Field pointers and the scratch buffer are raw allocations, not arrays: the hot loop writes through the
    // pointers, which needs no exclusivity bookkeeping on the class's stored properties.
    private var starts: UnsafeMutablePointer<UnsafePointer<UInt8>>
    private var lengths: UnsafeMutablePointer<Int>
    private var fieldCapacity: Int
    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity: Int

    init() {
        fieldCapacity = 32
        starts = UnsafeMutablePointer<UnsafePointer<UInt8>>.allocate(capacity: fieldCapacity)
        lengths = UnsafeMutablePointer<Int>.allocate(capacity: fieldCapacity)
        scratchCapacity = 256
        scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: scratchCapacity)
    }

    deinit {
        starts.deallocate()
        lengths.deallocate()
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
        guard let base = buffer.baseAddress else { return }
        // A record has at most (length + 1) fields.
        reserveFields(min(end - start + 1, limit))
        if hasQuotes { reserveScratch(end - start) }
        let starts = self.starts
        let lengths = self.lengths
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
                    lengths[n] = out - fieldOut
                } else {
                    starts[n] = base + contentStart
                    lengths[n] = contentEnd - contentStart
                }
                n += 1
                i = tailEnd
            } else {
                var fieldEnd = end
                if i < end, let hit = memchr(base + i, Int32(delimiter), end - i) {
                    fieldEnd = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                }
                starts[n] = base + min(i, end)
                lengths[n] = max(0, fieldEnd - i)
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

    /// Finds the record that starts at `start` and splits it: in one pass over its bytes when it is plain (every
    /// quote opens a field and closes it right before a delimiter or the line break, with no `""` or line break
    /// inside), else with `CSVScanner.bounds(of:in:)` and `split`. The result is the same either way; without an
    /// unterminated quote, the fields are split (at most `limit` of them on the careful path).
    func splitRecord(
        _ buffer: UnsafeBufferPointer<UInt8>, start: Int, scanner: CSVScanner, limit: Int = Int.max
    ) -> RecordBounds {
        if let bounds = splitPlainRecord(buffer, start: start, delimiter: scanner.delimiter) { return bounds }
        let bounds = scanner.bounds(of: start, in: buffer)
        if !bounds.unterminatedQuote {
            split(
                buffer, start: start, end: bounds.contentEnd, delimiter: scanner.delimiter,
                hasQuotes: bounds.hasQuotes, limit: limit)
        }
        return bounds
    }

    /// The one-pass path of `splitRecord`: eight bytes at a time, looks for the next delimiter, quote or line
    /// break and cuts fields there. Returns nil, having split nothing reliable, when the record is not plain.
    func splitPlainRecord(_ buffer: UnsafeBufferPointer<UInt8>, start: Int, delimiter: UInt8) -> RecordBounds? {
        guard let base = buffer.baseAddress else { return nil }
        let end = buffer.count
        let raw = UnsafeRawPointer(base)
        let delimiters = ByteFinder.pattern(delimiter)
        let quotes = ByteFinder.pattern(CSVScanner.quote)
        let newlines = ByteFinder.pattern(CSVScanner.newline)
        let starts = self.starts
        let lengths = self.lengths
        let capacity = fieldCapacity
        var n = 0
        var i = start
        var hasQuotes = false
        var contentEnd: Int
        var next: Int
        while true {
            guard n < capacity else { return nil }
            if i < end && base[i] == CSVScanner.quote {
                hasQuotes = true
                let close = ByteFinder.first(raw, from: i + 1, to: end, quotes, newlines, newlines)
                guard close < end, base[close] == CSVScanner.quote else { return nil }
                starts[n] = base + i + 1
                lengths[n] = close - i - 1
                n += 1
                i = close + 1
                if i == end {
                    contentEnd = end
                    next = end
                    break
                }
                let byte = base[i]
                if byte == delimiter {
                    i += 1
                    continue
                }
                if byte == CSVScanner.newline {
                    contentEnd = i
                    next = i + 1
                    break
                }
                if byte == CSVScanner.carriageReturn && (i + 1 == end || base[i + 1] == CSVScanner.newline) {
                    contentEnd = i
                    next = min(i + 2, end)
                    break
                }
                return nil  // `""` inside the field, or text after its closing quote
            }
            let stop = ByteFinder.first(raw, from: i, to: end, delimiters, quotes, newlines)
            if stop < end && base[stop] == CSVScanner.quote { return nil }  // a quote inside an unquoted field
            starts[n] = base + min(i, end)
            lengths[n] = max(0, stop - i)
            n += 1
            if stop < end && base[stop] == delimiter {
                i = stop + 1
                continue
            }
            // The line break or the end of the buffer ends the record; a CR before it is not content.
            contentEnd = stop
            next = min(stop + 1, end)
            if contentEnd > start && base[contentEnd - 1] == CSVScanner.carriageReturn {
                contentEnd -= 1
                lengths[n - 1] -= 1
            }
            break
        }
        count = n
        return RecordBounds(
            contentEnd: contentEnd, next: next, lines: 1, hasQuotes: hasQuotes, quotedNewline: false,
            unterminatedQuote: false)
    }

    /// The bytes of field `index`; an empty buffer when the record has fewer fields.
    @inline(__always)
    func field(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        guard index >= 0 && index < count else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: starts[index], count: lengths[index])
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
        lengths.deallocate()
        fieldCapacity = max(needed, fieldCapacity * 2)
        starts = UnsafeMutablePointer<UnsafePointer<UInt8>>.allocate(capacity: fieldCapacity)
        lengths = UnsafeMutablePointer<Int>.allocate(capacity: fieldCapacity)
    }

    private func reserveScratch(_ needed: Int) {
        guard needed > scratchCapacity else { return }
        scratch.deallocate()
        scratchCapacity = max(needed, scratchCapacity * 2)
        scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: scratchCapacity)
    }
}

/// Finds the first of up to three byte values eight bytes at a time (SWAR: a word's bytes equal to a value are
/// the zero bytes of the word XOR the value repeated).
enum ByteFinder {
    /// `byte` repeated in every byte of a word.
    @inline(__always)
    static func pattern(_ byte: UInt8) -> UInt64 { UInt64(byte) &* 0x0101_0101_0101_0101 }

    /// 0x80 in each zero byte of `word`, 0 elsewhere (exact: no borrow crosses bytes).
    @inline(__always)
    static func zeroBytes(_ word: UInt64) -> UInt64 {
        let low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ~(((word & low) &+ low) | word | low)
    }

    /// The offset of the first byte in `[from, to)` equal to the byte of `a`, `b` or `c`; `to` when there is none.
    @inline(__always)
    static func first(_ raw: UnsafeRawPointer, from: Int, to end: Int, _ a: UInt64, _ b: UInt64, _ c: UInt64) -> Int {
        var i = from
        while i + 8 <= end {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            let found = zeroBytes(word ^ a) | zeroBytes(word ^ b) | zeroBytes(word ^ c)
            if found != 0 { return i + found.trailingZeroBitCount >> 3 }
            i += 8
        }
        let bytes = raw.assumingMemoryBound(to: UInt8.self)
        let x = UInt8(truncatingIfNeeded: a)
        let y = UInt8(truncatingIfNeeded: b)
        let z = UInt8(truncatingIfNeeded: c)
        while i < end {
            let byte = bytes[i]
            if byte == x || byte == y || byte == z { return i }
            i += 1
        }
        return end
    }
}
