#if arch(x86_64)
    // The SSE2 intrinsics of the toolchain's own Clang (SSE2 is part of every x86-64 processor): `pmovmskb` turns
    // 16 byte comparisons into 16 bits in one instruction, which portable Swift SIMD cannot express.
    import _Builtin_intrinsics.intel
#endif

/// Stage one of `CSVFieldSplitter.splitRecord`: the delimiters and line breaks outside quoted fields of a window of
/// plain records, found 64 bytes at a time with bit operations and no branch that depends on the bytes.
///
/// A window starts at a record start and runs for at most `windowBytes`. Quoted fields are told apart by a prefix
/// XOR of the quote bits; the window stops before the first 64-byte block that is not plain (a quote that does
/// not open a field, a closing quote not followed by a delimiter or a line break, a line break inside quotes),
/// and the records in it are left to the careful path. Stage two takes the positions record by record: its loop
/// runs once per field, the same number of times on every row of a log, so that the processor predicts it.
final class StructuralIndex {
    /// At most this many bytes are indexed at once (they stay in the processor's cache for stage two).
    static let windowBytes = 16 * 1024

    /// Offsets from `start` of the delimiters and line breaks outside quoted fields, in order.
    private(set) var positions: UnsafeMutablePointer<UInt32>
    private(set) var positionCount = 0
    /// Offsets from `start` of the line breaks among `positions`; the end of a buffer without a final line
    /// break counts as one.
    private(set) var lineBreaks: UnsafeMutablePointer<UInt32>
    private(set) var lineBreakCount = 0
    /// The buffer, its end and the record start the index was built from, and the delimiter.
    private(set) var base: UnsafePointer<UInt8>?
    private(set) var end = -1
    private(set) var start = -1
    private(set) var delimiter: UInt8 = 0

    init() {
        // Every byte of a window and its last block may be structural; a block writes up to 8 positions and 2
        // line breaks beyond its own (unused) before they are counted.
        let capacity = Self.windowBytes + 64 + 16
        positions = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity)
        lineBreaks = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity)
    }

    deinit {
        positions.deallocate()
        lineBreaks.deallocate()
    }

    /// Indexes the plain records from `start` (a record start) of the buffer `base[0..<end]`.
    ///
    /// - Complexity: O(`windowBytes`).
    func build(_ base: UnsafePointer<UInt8>, start: Int, end: Int, delimiter: UInt8) {
        self.base = base
        self.end = end
        self.start = start
        self.delimiter = delimiter
        let positions = self.positions
        let lineBreaks = self.lineBreaks
        let limit = min(end, start + Self.windowBytes)
        var positionCount = 0
        var lineBreakCount = 0
        // All ones when the block starts inside a quoted field; the structural and closing-quote bits of the block
        // before (the record start counts as following a structural byte).
        var inside: UInt64 = 0
        var previousStructural: UInt64 = 1 << 63
        var previousClosing: UInt64 = 0
        var at = start
        var plainToEnd = false
        while at < limit {
            let masks: StructuralMasks
            let inBuffer: UInt64
            if at &+ 64 <= end {
                masks = StructuralBits.masks(base + at, delimiter: delimiter)
                inBuffer = ~0
            } else {
                masks = StructuralBits.tailMasks(base, at: at, end: end, delimiter: delimiter)
                inBuffer = (1 << UInt64(end &- at)) &- 1
            }
            let quoted = Self.prefixXor(masks.quotes) ^ inside
            let outside = ~quoted
            let breaks = masks.lineBreaks & outside
            let structural = (masks.delimiters & outside) | breaks
            let opening = masks.quotes & quoted
            let closing = masks.quotes & outside
            let fieldStarts = structural << 1 | previousStructural >> 63
            let afterClosing = (closing << 1 | previousClosing >> 63) & inBuffer
            let notPlain = (masks.lineBreaks & quoted) | (opening & ~fieldStarts)
            let strayAfterClosing = afterClosing & ~structural
            if notPlain | strayAfterClosing != 0 {
                guard notPlain == 0, Self.areCarriageReturnsBeforeLineBreaks(strayAfterClosing, base, at: at, end: end)
                else { break }
            }
            let offset = UInt32(truncatingIfNeeded: at &- start)
            // Eight positions are written whether or not the block has as many (most have fewer), and two line
            // breaks (most blocks have none or one): the loops then have the same length on every block.
            var bits = structural
            let out = positions + positionCount
            for k in 0..<8 {
                out[k] = offset &+ UInt32(truncatingIfNeeded: bits.trailingZeroBitCount)
                bits &= bits &- 1
            }
            if bits != 0 {
                var k = 8
                while bits != 0 {
                    out[k] = offset &+ UInt32(truncatingIfNeeded: bits.trailingZeroBitCount)
                    bits &= bits &- 1
                    k &+= 1
                }
            }
            positionCount &+= structural.nonzeroBitCount
            var breakBits = breaks
            let breakOut = lineBreaks + lineBreakCount
            breakOut[0] = offset &+ UInt32(truncatingIfNeeded: breakBits.trailingZeroBitCount)
            lineBreakCount &+= breakBits == 0 ? 0 : 1
            breakBits &= breakBits &- 1
            breakOut[1] = offset &+ UInt32(truncatingIfNeeded: breakBits.trailingZeroBitCount)
            lineBreakCount &+= breakBits == 0 ? 0 : 1
            breakBits &= breakBits &- 1
            if breakBits != 0 {
                var k = 2
                while breakBits != 0 {
                    breakOut[k] = offset &+ UInt32(truncatingIfNeeded: breakBits.trailingZeroBitCount)
                    breakBits &= breakBits &- 1
                    k &+= 1
                    lineBreakCount &+= 1
                }
            }
            inside = UInt64(bitPattern: Int64(bitPattern: quoted) >> 63)
            previousStructural = structural
            previousClosing = closing
            at &+= 64
            if at >= end { plainToEnd = true }
        }
        // The last record of a buffer that does not end in a line break ends at the buffer's end, unless a quoted
        // field is still open there (the careful path reports it).
        if plainToEnd && inside == 0 && end > start && base[end - 1] != CSVScanner.newline {
            positions[positionCount] = UInt32(truncatingIfNeeded: end - start)
            positionCount += 1
            lineBreaks[lineBreakCount] = UInt32(truncatingIfNeeded: end - start)
            lineBreakCount += 1
        }
        self.positionCount = positionCount
        self.lineBreakCount = lineBreakCount
    }

    /// Bit `i` of the result is the parity of bits `0...i` of `bits`: set from an opening quote up to the byte
    /// before its closing quote.
    @inline(__always)
    static func prefixXor(_ bits: UInt64) -> UInt64 {
        var x = bits
        x ^= x << 1
        x ^= x << 2
        x ^= x << 4
        x ^= x << 8
        x ^= x << 16
        x ^= x << 32
        return x
    }

    /// True when every set bit of `bits` (byte `at + bit`) is a carriage return right before a line break: a
    /// quoted last field of a CRLF file. Rare enough to look at the bytes.
    private static func areCarriageReturnsBeforeLineBreaks(
        _ bits: UInt64, _ base: UnsafePointer<UInt8>, at: Int, end: Int
    ) -> Bool {
        var bits = bits
        while bits != 0 {
            let i = at + bits.trailingZeroBitCount
            guard i + 1 < end, base[i] == CSVScanner.carriageReturn, base[i + 1] == CSVScanner.newline else {
                return false
            }
            bits &= bits - 1
        }
        return true
    }
}

/// The delimiters, quotes and line breaks of 64 bytes, each as the set bits of a word (bit `i` for byte `i`).
struct StructuralMasks: Equatable {
    var delimiters: UInt64
    var quotes: UInt64
    var lineBreaks: UInt64
}

/// `StructuralMasks` of 64 bytes computed 16 bytes at a time with SIMD comparisons whose lanes are gathered into
/// bits: by `pmovmskb` on x86-64, by multiplication elsewhere.
enum StructuralBits {
    /// The masks of the 64 bytes at `bytes`.
    @inline(__always)
    static func masks(_ bytes: UnsafePointer<UInt8>, delimiter: UInt8) -> StructuralMasks {
        #if arch(x86_64)
            return sse2Masks(UnsafeRawPointer(bytes), delimiter: delimiter)
        #else
            return portableMasks(UnsafeRawPointer(bytes), delimiter: delimiter)
        #endif
    }

    #if arch(x86_64)
        /// `masks` with SSE2 comparisons and `pmovmskb`.
        @inline(__always)
        static func sse2Masks(_ raw: UnsafeRawPointer, delimiter: UInt8) -> StructuralMasks {
            let delimiters = _mm_set1_epi8(CChar(bitPattern: delimiter))
            let quotes = _mm_set1_epi8(CChar(bitPattern: CSVScanner.quote))
            let newlines = _mm_set1_epi8(CChar(bitPattern: CSVScanner.newline))
            var result = StructuralMasks(delimiters: 0, quotes: 0, lineBreaks: 0)
            for block in 0..<4 {
                let bytes = _mm_loadu_si128(raw.advanced(by: 16 * block).assumingMemoryBound(to: __m128i.self))
                let shift = UInt64(16 * block)
                let d = UInt16(truncatingIfNeeded: _mm_movemask_epi8(_mm_cmpeq_epi8(bytes, delimiters)))
                let q = UInt16(truncatingIfNeeded: _mm_movemask_epi8(_mm_cmpeq_epi8(bytes, quotes)))
                let n = UInt16(truncatingIfNeeded: _mm_movemask_epi8(_mm_cmpeq_epi8(bytes, newlines)))
                result.delimiters |= UInt64(d) << shift
                result.quotes |= UInt64(q) << shift
                result.lineBreaks |= UInt64(n) << shift
            }
            return result
        }
    #endif

    /// `masks` with portable SIMD comparisons whose lanes are gathered by `highBits`.
    @inline(__always)
    static func portableMasks(_ raw: UnsafeRawPointer, delimiter: UInt8) -> StructuralMasks {
        let delimiters = SIMD16<UInt8>(repeating: delimiter)
        let quotes = SIMD16<UInt8>(repeating: CSVScanner.quote)
        let newlines = SIMD16<UInt8>(repeating: CSVScanner.newline)
        let high = SIMD16<UInt8>(repeating: 0x80)
        var result = StructuralMasks(delimiters: 0, quotes: 0, lineBreaks: 0)
        for block in 0..<4 {
            let bytes = raw.loadUnaligned(fromByteOffset: 16 * block, as: SIMD16<UInt8>.self)
            let shift = UInt64(16 * block)
            let d = unsafeBitCast(bytes .== delimiters, to: SIMD16<UInt8>.self) & high
            let q = unsafeBitCast(bytes .== quotes, to: SIMD16<UInt8>.self) & high
            let n = unsafeBitCast(bytes .== newlines, to: SIMD16<UInt8>.self) & high
            result.delimiters |= UInt64(highBits(d)) << shift
            result.quotes |= UInt64(highBits(q)) << shift
            result.lineBreaks |= UInt64(highBits(n)) << shift
        }
        return result
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

    /// `masks` of the bytes `at..<min(end, at + 64)`, one at a time (the last bytes of a buffer).
    static func tailMasks(_ base: UnsafePointer<UInt8>, at: Int, end: Int, delimiter: UInt8) -> StructuralMasks {
        var result = StructuralMasks(delimiters: 0, quotes: 0, lineBreaks: 0)
        var i = at
        while i < end && i < at + 64 {
            let bit: UInt64 = 1 << UInt64(i - at)
            switch base[i] {
            case delimiter: result.delimiters |= bit
            case CSVScanner.quote: result.quotes |= bit
            case CSVScanner.newline: result.lineBreaks |= bit
            default: break
            }
            i += 1
        }
        return result
    }
}
