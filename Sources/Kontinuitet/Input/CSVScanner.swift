import Foundation

#if arch(x86_64)
    // The SSE2 intrinsics of the toolchain's own Clang (SSE2 is part of every x86-64 processor): `pmovmskb` turns
    // 16 byte comparisons into 16 bits in one instruction, which portable Swift SIMD cannot express.
    import _Builtin_intrinsics.intel
#endif

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
    // Where each field's bytes start and end: raw allocations, not arrays, so the hot loop writes through the
    // pointers without exclusivity bookkeeping on the class's stored properties. A field points into the buffer,
    // or into `scratch` when it had to be unescaped.
    private var starts: UnsafeMutablePointer<UnsafePointer<UInt8>>
    private var ends: UnsafeMutablePointer<UnsafePointer<UInt8>>
    private var fieldCapacity: Int
    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity: Int
    // The structural bits left in the block where the last plain record ended, for the record after it.
    private var nextBlockBase: UnsafePointer<UInt8>?
    private var nextBlockEnd = -1
    private var nextBlockRecord = -1
    private var nextBlockAt = 0
    private var nextBlockMask: UInt64 = 0

    init() {
        // The one-pass path splits records of up to 192 fields (64 more than a record's fields so far are
        // checked once per 64-byte block).
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

    /// Finds the record that starts at `start` and splits it: in one pass over its bytes when it is plain (every
    /// quote opens a field and closes it right before a delimiter or the line break, with no `""` or line break
    /// inside), else with `CSVScanner.bounds(of:in:)` and `split`. The result is the same either way. With an
    /// unterminated quote the record is its first line, and that line is what is split. At most `limit` fields
    /// are split on the careful path.
    @discardableResult
    @inline(__always)
    func splitRecord(
        _ buffer: UnsafeBufferPointer<UInt8>, start: Int, scanner: CSVScanner, limit: Int = Int.max
    ) -> RecordBounds {
        if let bounds = splitPlainRecord(buffer, start: start, delimiter: scanner.delimiter) { return bounds }
        let bounds = scanner.bounds(of: start, in: buffer)
        split(
            buffer, start: start, end: bounds.contentEnd, delimiter: scanner.delimiter, hasQuotes: bounds.hasQuotes,
            limit: limit)
        return bounds
    }

    /// The one-pass path of `splitRecord`: finds the delimiters, quotes and line breaks of 64 bytes at a time as
    /// a bit mask (`StructuralBits`) and walks its set bits. Returns nil, having split nothing reliable, when the
    /// record is not plain or the buffer ends before its line break (the careful path takes those). The mask of
    /// the block the record ends in is kept for the record that follows.
    @inline(__always)
    func splitPlainRecord(_ buffer: UnsafeBufferPointer<UInt8>, start: Int, delimiter: UInt8) -> RecordBounds? {
        guard let base = buffer.baseAddress, start < buffer.count else { return nil }
        let end = buffer.count
        let quote = CSVScanner.quote
        let newline = CSVScanner.newline
        let carriageReturn = CSVScanner.carriageReturn
        let starts = self.starts
        let ends = self.ends
        // A block adds at most 64 fields: room for them is checked once per block, not per field.
        let roomy = fieldCapacity - 64
        var cursor: StructuralCursor
        if UnsafePointer(base) == nextBlockBase && end == nextBlockEnd && start == nextBlockRecord {
            cursor = StructuralCursor(base: base, end: end, delimiter: delimiter, at: nextBlockAt, mask: nextBlockMask)
        } else {
            cursor = StructuralCursor(base: base, end: end, delimiter: delimiter, at: start)
        }
        var n = 0
        var fieldStart = base + start
        var quoted = false
        while true {
            guard n <= roomy else { return nil }
            // The delimiters of the current block, each ending a field.
            var p = -1
            while cursor.mask != 0 {
                let q = cursor.peek()
                guard base[q] == delimiter else {
                    p = q
                    break
                }
                cursor.drop()
                starts[n] = fieldStart
                ends[n] = base + q
                n &+= 1
                fieldStart = base + q + 1
            }
            if p < 0 {
                guard cursor.advance() else { return nil }
                continue
            }
            cursor.drop()
            let byte = base[p]
            // The record's content ends before the line break (and a CR before it); so does its last field,
            // unless quoted.
            var lineBreak = p
            var contentEnd = p
            var lastStart = fieldStart
            var lastEnd = base + p
            if byte == newline {
                if p > start && base[p &- 1] == carriageReturn { contentEnd = p &- 1 }
                lastEnd = base + contentEnd
            } else {
                // A quote: it must open the field, and the next quote must close it right before the delimiter
                // or the line break (CR LF too). Delimiters between the two are content.
                guard base + p == fieldStart else { return nil }
                quoted = true
                var close: Int
                var closing: UInt8
                repeat {
                    close = cursor.next()
                    guard close >= 0 else { return nil }
                    closing = base[close]
                    guard closing != newline else { return nil }
                } while closing != quote
                let after = cursor.next()
                guard after >= 0 else { return nil }
                let afterByte = base[after]
                if afterByte == delimiter && after == close &+ 1 {
                    starts[n] = base + (p &+ 1)
                    ends[n] = base + close
                    n &+= 1
                    fieldStart = base + (after &+ 1)
                    continue
                }
                guard afterByte == newline else { return nil }
                lineBreak = after
                if after == close &+ 2 && base[close &+ 1] == carriageReturn {
                    contentEnd = after &- 1
                } else {
                    guard after == close &+ 1 else { return nil }
                    contentEnd = after
                }
                lastStart = base + (p &+ 1)
                lastEnd = base + close
            }
            starts[n] = lastStart
            ends[n] = lastEnd
            count = n &+ 1
            let next = lineBreak &+ 1
            nextBlockBase = UnsafePointer(base)
            nextBlockEnd = end
            nextBlockRecord = next
            nextBlockAt = cursor.blockAt
            nextBlockMask = cursor.mask
            return RecordBounds(
                contentEnd: contentEnd, next: next, lines: 1, hasQuotes: quoted, quotedNewline: false,
                unterminatedQuote: false)
        }
    }

    /// The bytes of field `index`; an empty buffer when the record has fewer fields.
    @inline(__always)
    func field(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        // One unsigned comparison rejects a negative index (an absent column) and one past the last field.
        guard UInt(bitPattern: index) < UInt(bitPattern: count) else {
            return UnsafeBufferPointer(start: nil, count: 0)
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

/// Walks the structural bytes (delimiters, quotes, line breaks) of a buffer in order, from a 64-bit
/// `StructuralBits` mask per block of 64 bytes.
struct StructuralCursor {
    let base: UnsafePointer<UInt8>
    let end: Int
    let delimiter: UInt8
    /// The offset of the current block; `mask` holds its structural bytes not yet returned.
    private(set) var blockAt: Int
    private(set) var mask: UInt64

    /// A cursor at the structural bytes from `at` on.
    @inline(__always)
    init(base: UnsafePointer<UInt8>, end: Int, delimiter: UInt8, at: Int) {
        self.init(
            base: base, end: end, delimiter: delimiter, at: at,
            mask: StructuralBits.mask(base, at: at, end: end, delimiter: delimiter))
    }

    /// A cursor that goes on from a block whose remaining bits are `mask`.
    @inline(__always)
    init(base: UnsafePointer<UInt8>, end: Int, delimiter: UInt8, at: Int, mask: UInt64) {
        self.base = base
        self.end = end
        self.delimiter = delimiter
        blockAt = at
        self.mask = mask
    }

    /// The offset of the next structural byte of the current block (whose `mask` is not 0), left in place.
    @inline(__always)
    func peek() -> Int { blockAt &+ mask.trailingZeroBitCount }

    /// Drops the structural byte `peek` returned.
    @inline(__always)
    mutating func drop() { mask &= mask &- 1 }

    /// Moves to the next block (the current one's bits being used up); false at the end of the buffer.
    @inline(__always)
    mutating func advance() -> Bool {
        blockAt &+= 64
        guard blockAt < end else { return false }
        mask = StructuralBits.mask(base, at: blockAt, end: end, delimiter: delimiter)
        return true
    }

    /// The offset of the next structural byte, or -1 when the buffer has none left.
    @inline(__always)
    mutating func next() -> Int {
        while mask == 0 {
            blockAt &+= 64
            guard blockAt < end else { return -1 }
            mask = StructuralBits.mask(base, at: blockAt, end: end, delimiter: delimiter)
        }
        let p = blockAt &+ mask.trailingZeroBitCount
        mask &= mask &- 1
        return p
    }
}

/// The positions of the delimiters, quotes and line breaks of 64 bytes as the set bits of a word, computed 16 bytes
/// at a time with SIMD comparisons whose lanes are then gathered into bits: by `pmovmskb` on x86-64, by
/// multiplication elsewhere.
enum StructuralBits {
    /// Bit `i` set when byte `at + i` (`< end`) is `delimiter`, a quote or a line break.
    ///
    /// Not inlined: its constants would take the registers of the loops that walk the bits.
    @inline(never)
    static func mask(_ base: UnsafePointer<UInt8>, at: Int, end: Int, delimiter: UInt8) -> UInt64 {
        guard at + 64 <= end else { return tailMask(base, at: at, end: end, delimiter: delimiter) }
        #if arch(x86_64)
            return sse2Mask(UnsafeRawPointer(base + at), delimiter: delimiter)
        #else
            return portableMask(UnsafeRawPointer(base + at), delimiter: delimiter)
        #endif
    }

    #if arch(x86_64)
        /// `mask` of the 64 bytes at `raw`, with SSE2 comparisons and `pmovmskb`.
        @inline(__always)
        static func sse2Mask(_ raw: UnsafeRawPointer, delimiter: UInt8) -> UInt64 {
            let delimiters = _mm_set1_epi8(CChar(bitPattern: delimiter))
            let quotes = _mm_set1_epi8(CChar(bitPattern: CSVScanner.quote))
            let newlines = _mm_set1_epi8(CChar(bitPattern: CSVScanner.newline))
            var mask: UInt64 = 0
            for block in 0..<4 {
                let bytes = _mm_loadu_si128(raw.advanced(by: 16 * block).assumingMemoryBound(to: __m128i.self))
                let found = _mm_or_si128(
                    _mm_or_si128(_mm_cmpeq_epi8(bytes, delimiters), _mm_cmpeq_epi8(bytes, quotes)),
                    _mm_cmpeq_epi8(bytes, newlines))
                let bits = UInt16(truncatingIfNeeded: _mm_movemask_epi8(found))
                mask |= UInt64(bits) << UInt64(16 * block)
            }
            return mask
        }
    #endif

    /// `mask` of the 64 bytes at `raw`, with portable SIMD comparisons whose lanes are gathered by `highBits`.
    @inline(__always)
    static func portableMask(_ raw: UnsafeRawPointer, delimiter: UInt8) -> UInt64 {
        let delimiters = SIMD16<UInt8>(repeating: delimiter)
        let quotes = SIMD16<UInt8>(repeating: CSVScanner.quote)
        let newlines = SIMD16<UInt8>(repeating: CSVScanner.newline)
        var mask: UInt64 = 0
        for block in 0..<4 {
            let bytes = raw.loadUnaligned(fromByteOffset: 16 * block, as: SIMD16<UInt8>.self)
            let found = unsafeBitCast(
                bytes .== delimiters .| bytes .== quotes .| bytes .== newlines, to: SIMD16<UInt8>.self)
            mask |= UInt64(highBits(found & SIMD16(repeating: 0x80))) << UInt64(16 * block)
        }
        return mask
    }

    /// The high bits of 16 lanes that are 0x80 or 0, lane `i` as bit `i`: a multiply gathers 8 at a time (the
    /// bit of lane `i`, at `8i + 7`, lands at `56 + i`; the other products fall on distinct bits below 56 or
    /// beyond 63, so nothing carries into the top byte).
    @inline(__always)
    static func highBits(_ lanes: SIMD16<UInt8>) -> UInt32 {
        let halves = unsafeBitCast(lanes, to: SIMD2<UInt64>.self)
        let low = (UInt64(littleEndian: halves[0]) &* 0x0002_0408_1020_4081) >> 56
        let high = (UInt64(littleEndian: halves[1]) &* 0x0002_0408_1020_4081) >> 56
        return UInt32(truncatingIfNeeded: low | high << 8)
    }

    /// `mask` for the last bytes of a buffer, one at a time.
    static func tailMask(_ base: UnsafePointer<UInt8>, at: Int, end: Int, delimiter: UInt8) -> UInt64 {
        var mask: UInt64 = 0
        var i = at
        while i < end && i < at + 64 {
            let byte = base[i]
            if byte == delimiter || byte == CSVScanner.quote || byte == CSVScanner.newline {
                mask |= 1 << UInt64(i - at)
            }
            i += 1
        }
        return mask
    }
}
