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

        var i = start
        var lines = 1
        var atFieldStart = true
        var inQuotes = false
        var quotedNewline = false
        while i < end {
            let byte = base[i]
            if inQuotes {
                if byte == Self.quote {
                    if i + 1 < end && base[i + 1] == Self.quote {
                        i += 2
                        continue
                    }
                    inQuotes = false
                } else if byte == Self.newline {
                    lines += 1
                    quotedNewline = true
                    if lines > Self.maxQuotedLines { break }
                }
                i += 1
                continue
            }
            if byte == Self.newline { break }
            if byte == delimiter {
                atFieldStart = true
            } else {
                if byte == Self.quote && atFieldStart { inQuotes = true }
                atFieldStart = false
            }
            i += 1
        }
        if inQuotes {
            var malformed = firstLine
            malformed.hasQuotes = true
            malformed.unterminatedQuote = true
            return malformed
        }
        var contentEnd = i
        if contentEnd > start && base[contentEnd - 1] == Self.carriageReturn { contentEnd -= 1 }
        return RecordBounds(
            contentEnd: contentEnd, next: min(i + 1, end), lines: lines, hasQuotes: true,
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
/// state. Fields of records without quotes point into the file's bytes; fields of quoted records are unescaped
/// into a scratch buffer owned by the splitter.
final class CSVFieldSplitter {
    /// The number of fields of the last record split.
    private(set) var count = 0
    // Field bounds and the scratch buffer are raw allocations, not arrays: the hot loop writes through the
    // pointers, which needs no exclusivity bookkeeping on the class's stored properties.
    private var starts: UnsafeMutablePointer<Int>
    private var ends: UnsafeMutablePointer<Int>
    private var fieldCapacity: Int
    private var usesScratch = false
    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity: Int
    private var base: UnsafePointer<UInt8>?

    init() {
        fieldCapacity = 32
        starts = UnsafeMutablePointer<Int>.allocate(capacity: fieldCapacity)
        ends = UnsafeMutablePointer<Int>.allocate(capacity: fieldCapacity)
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
    /// fast path splits with no copying. With `limit`, records without quotes are split into at most `limit`
    /// fields; later fields are not looked at and read as empty.
    func split(
        _ buffer: UnsafeBufferPointer<UInt8>, start: Int, end: Int, delimiter: UInt8, hasQuotes: Bool,
        limit: Int = Int.max
    ) {
        count = 0
        guard let base = buffer.baseAddress else { return }
        self.base = base
        // A record has at most (length + 1) fields.
        reserveFields(end - start + 1)
        let starts = self.starts
        let ends = self.ends
        var n = 0
        if !hasQuotes {
            usesScratch = false
            var fieldStart = start
            while fieldStart <= end && n < limit {
                let remaining = end - fieldStart
                var fieldEnd = end
                if remaining > 0, let hit = memchr(base + fieldStart, Int32(delimiter), remaining) {
                    fieldEnd = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                }
                starts[n] = fieldStart
                ends[n] = fieldEnd
                n += 1
                fieldStart = fieldEnd + 1
            }
            count = n
            return
        }
        usesScratch = true
        reserveScratch(end - start)
        let scratch = self.scratch
        var out = 0
        var i = start
        while true {
            let fieldStart = out
            if i < end && base[i] == CSVScanner.quote {
                i += 1
                while i < end {
                    let byte = base[i]
                    if byte == CSVScanner.quote {
                        if i + 1 < end && base[i + 1] == CSVScanner.quote {
                            scratch[out] = CSVScanner.quote
                            out += 1
                            i += 2
                            continue
                        }
                        i += 1
                        break
                    }
                    scratch[out] = byte
                    out += 1
                    i += 1
                }
            }
            while i < end && base[i] != delimiter {
                scratch[out] = base[i]
                out += 1
                i += 1
            }
            starts[n] = fieldStart
            ends[n] = out
            n += 1
            if i < end {
                i += 1
                continue
            }
            break
        }
        count = n
    }

    /// The bytes of field `index`; an empty buffer when the record has fewer fields.
    @inline(__always)
    func field(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        guard index >= 0 && index < count else { return UnsafeBufferPointer(start: nil, count: 0) }
        if usesScratch {
            return UnsafeBufferPointer(
                start: UnsafePointer(scratch) + starts[index], count: ends[index] - starts[index])
        }
        guard let base else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: base + starts[index], count: ends[index] - starts[index])
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
        starts = UnsafeMutablePointer<Int>.allocate(capacity: fieldCapacity)
        ends = UnsafeMutablePointer<Int>.allocate(capacity: fieldCapacity)
    }

    private func reserveScratch(_ needed: Int) {
        guard needed > scratchCapacity else { return }
        scratch.deallocate()
        scratchCapacity = max(needed, scratchCapacity * 2)
        scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: scratchCapacity)
    }
}
