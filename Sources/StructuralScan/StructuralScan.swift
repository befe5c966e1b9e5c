import MemoryHints

#if arch(x86_64)
    // The SSE2 intrinsics of the toolchain's own Clang (SSE2 is part of every x86-64 processor): `pmovmskb` turns
    // 16 byte comparisons into 16 bits in one instruction, which portable Swift SIMD cannot express.
    import _Builtin_intrinsics.intel
#endif

/// Stage one of splitting CSV records: the delimiters and line breaks outside quoted fields of a window of plain
/// records, found 64 bytes at a time with bit operations (the bytes decide a branch only where a block is not
/// plain).
///
/// The loop is one generic function, `index(_:base:start:end:limit:delimiter:positions:lineBreaks:)`, over a
/// `StructuralMaskReader` that finds a block's delimiters, quotes and line breaks. It is `@inlinable` so that
/// each caller compiles it for its own processor: the `Kontinuitet` module for every x86-64 processor (SSE2),
/// `StructuralScanHaswell` for processors with AVX2 (chosen at run time).
public enum StructuralScan {
    @usableFromInline static let quote: UInt8 = 0x22
    @usableFromInline static let newline: UInt8 = 0x0A
    @usableFromInline static let carriageReturn: UInt8 = 0x0D

    /// Indexes the plain records from `start` (a record start) of the buffer `base[0..<end]`, 64 bytes at a time
    /// up to `limit`, and stops before the first block that is not plain: a quote that does not open a field, a
    /// closing quote not followed by a delimiter or a line break (a CR LF too), a line break inside quotes.
    ///
    /// Writes to `positions`, for each delimiter and line break outside quotes, one past its offset from `start`
    /// (where the next field starts), and to `lineBreaks` the indices in `positions` of the line breaks; the end
    /// of a buffer without a final line break counts as one. Each must have room for `limit - start + 80`
    /// entries. Returns how many of each it wrote.
    ///
    /// - Complexity: O(`limit - start`).
    @inlinable
    public static func index<Reader: StructuralMaskReader>(
        _ reader: Reader.Type, base: UnsafePointer<UInt8>, start: Int, end: Int, limit: Int, delimiter: UInt8,
        positions: UnsafeMutablePointer<UInt32>, lineBreaks: UnsafeMutablePointer<UInt32>
    ) -> (positions: Int, lineBreaks: Int) {
        var positionCount = 0
        var lineBreakCount = 0
        // All ones when the block starts inside a quoted field; the structural and closing-quote bits of the block
        // before (the record start counts as following a structural byte).
        var inside: UInt64 = 0
        var previousStructural: UInt64 = 1 << 63
        var previousClosing: UInt64 = 0
        var at = start
        // Entries are one past their byte: where the next field starts. `offset` is the entry of the block's
        // first byte, kept beside `at` rather than computed from it.
        var offset = UInt32(1)
        var plainToEnd = false
        while at < limit {
            let masks: StructuralMasks
            let inBuffer: UInt64
            if at &+ 64 <= end {
                kontinuitet_prefetch(base + (at &+ 4096))
                masks = Reader.masks(base + at, delimiter: delimiter)
                inBuffer = ~0
            } else {
                masks = tailMasks(base, at: at, end: end, delimiter: delimiter)
                inBuffer = (1 << UInt64(end &- at)) &- 1
            }
            let quoted = Reader.prefixXor(masks.quotes) ^ inside
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
                guard notPlain == 0, areCarriageReturnsBeforeLineBreaks(strayAfterClosing, base, at: at, end: end)
                else { break }
            }
            lineBreakCount &+= Reader.writeEntries(
                structural: structural, breaks: breaks, offset: offset,
                first: UInt32(truncatingIfNeeded: positionCount), positions: positions + positionCount,
                lineBreaks: lineBreaks + lineBreakCount)
            positionCount &+= structural.nonzeroBitCount
            inside = UInt64(bitPattern: Int64(bitPattern: quoted) >> 63)
            previousStructural = structural
            previousClosing = closing
            at &+= 64
            offset &+= 64
            if at >= end { plainToEnd = true }
        }
        // The last record of a buffer that does not end in a line break ends at the buffer's end, unless a quoted
        // field is still open there (the careful path reports it).
        if plainToEnd && inside == 0 && end > start && base[end - 1] != newline {
            positions[positionCount] = UInt32(truncatingIfNeeded: end - start + 1)
            lineBreaks[lineBreakCount] = UInt32(truncatingIfNeeded: positionCount)
            positionCount += 1
            lineBreakCount += 1
        }
        return (positionCount, lineBreakCount)
    }

    /// The number of set bits of `structural` below the lowest set bit of `bits` (all of them when `bits` is 0):
    /// a line break's index among a block's structural bytes.
    @inlinable @inline(__always)
    static func lowestIndex(_ bits: UInt64, among structural: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: (structural & ((bits & (0 &- bits)) &- 1)).nonzeroBitCount)
    }

    /// True when every set bit of `bits` (byte `at + bit`) is a carriage return right before a line break: a
    /// quoted last field of a CRLF file. Rare enough to look at the bytes.
    @usableFromInline
    static func areCarriageReturnsBeforeLineBreaks(
        _ bits: UInt64, _ base: UnsafePointer<UInt8>, at: Int, end: Int
    ) -> Bool {
        var bits = bits
        while bits != 0 {
            let i = at + bits.trailingZeroBitCount
            guard i + 1 < end, base[i] == carriageReturn, base[i + 1] == newline else { return false }
            bits &= bits - 1
        }
        return true
    }

    /// `StructuralMasks` of the bytes `at..<min(end, at + 64)`, one at a time (the last bytes of a buffer).
    @usableFromInline
    static func tailMasks(_ base: UnsafePointer<UInt8>, at: Int, end: Int, delimiter: UInt8) -> StructuralMasks {
        var result = StructuralMasks(delimiters: 0, quotes: 0, lineBreaks: 0)
        var i = at
        while i < end && i < at + 64 {
            let bit: UInt64 = 1 << UInt64(i - at)
            switch base[i] {
            case delimiter: result.delimiters |= bit
            case quote: result.quotes |= bit
            case newline: result.lineBreaks |= bit
            default: break
            }
            i += 1
        }
        return result
    }
}

/// Finds the delimiters, quotes and line breaks of 64 bytes, the prefix XOR of the quote bits, and writes a
/// block's entries.
public protocol StructuralMaskReader {
    /// The masks of the 64 bytes at `bytes`.
    static func masks(_ bytes: UnsafePointer<UInt8>, delimiter: UInt8) -> StructuralMasks
    /// Bit `i` of the result is the parity of bits `0...i` of `bits`: set from an opening quote up to the byte
    /// before its closing quote.
    static func prefixXor(_ bits: UInt64) -> UInt64
    /// Writes a block's entries: to `positions`, `offset` plus the bit index of each set bit of `structural`, in
    /// order; to `lineBreaks`, `first` plus the index among the set bits of `structural` of each set bit of
    /// `breaks` (a subset of `structural`). Returns the number of line breaks. May write up to 16 entries past
    /// the last one of each (unused).
    static func writeEntries(
        structural: UInt64, breaks: UInt64, offset: UInt32, first: UInt32, positions: UnsafeMutablePointer<UInt32>,
        lineBreaks: UnsafeMutablePointer<UInt32>
    ) -> Int
    /// True when the reader's module is built for a processor with a population-count instruction.
    static var hasPopulationCount: Bool { get }
}

extension StructuralMaskReader {
    /// Eight positions are written whether or not the block has as many (most have fewer), and two line breaks
    /// (most blocks have none or one): the loops then have the same length on every block. A line break's entry is
    /// its index among the positions: the structural bytes before it in the block, after those of the blocks
    /// before.
    @inlinable @inline(__always)
    public static func writeEntries(
        structural: UInt64, breaks: UInt64, offset: UInt32, first: UInt32, positions: UnsafeMutablePointer<UInt32>,
        lineBreaks: UnsafeMutablePointer<UInt32>
    ) -> Int {
        var bits = structural
        for k in 0..<8 {
            positions[k] = offset &+ UInt32(truncatingIfNeeded: bits.trailingZeroBitCount)
            bits &= bits &- 1
        }
        var k = 8
        while bits != 0 {
            positions[k] = offset &+ UInt32(truncatingIfNeeded: bits.trailingZeroBitCount)
            bits &= bits &- 1
            k &+= 1
        }
        var breakBits = breaks
        lineBreaks[0] = first &+ StructuralScan.lowestIndex(breakBits, among: structural)
        var count = breakBits == 0 ? 0 : 1
        breakBits &= breakBits &- 1
        lineBreaks[1] = first &+ StructuralScan.lowestIndex(breakBits, among: structural)
        count &+= breakBits == 0 ? 0 : 1
        breakBits &= breakBits &- 1
        k = 2
        while breakBits != 0 {
            lineBreaks[k] = first &+ StructuralScan.lowestIndex(breakBits, among: structural)
            breakBits &= breakBits &- 1
            k &+= 1
            count &+= 1
        }
        // With a population-count instruction, one; without, the count the loop kept.
        return hasPopulationCount ? breaks.nonzeroBitCount : count
    }

    /// False: `nonzeroBitCount` is emulated (about fifteen instructions) unless a reader says otherwise.
    @inlinable @inline(__always)
    public static var hasPopulationCount: Bool { false }

    /// The prefix XOR by six shifts.
    @inlinable @inline(__always)
    public static func prefixXor(_ bits: UInt64) -> UInt64 {
        var x = bits
        x ^= x << 1
        x ^= x << 2
        x ^= x << 4
        x ^= x << 8
        x ^= x << 16
        x ^= x << 32
        return x
    }
}

/// The delimiters, quotes and line breaks of 64 bytes, each as the set bits of a word (bit `i` for byte `i`).
public struct StructuralMasks: Equatable {
    public var delimiters: UInt64
    public var quotes: UInt64
    public var lineBreaks: UInt64

    @inlinable
    public init(delimiters: UInt64, quotes: UInt64, lineBreaks: UInt64) {
        self.delimiters = delimiters
        self.quotes = quotes
        self.lineBreaks = lineBreaks
    }
}

/// 16 or 32 bytes compared at once, for `VectorMaskReader`.
public protocol ByteVector {
    /// The number of bytes (a divisor of 64).
    static var width: Int { get }
    /// Every lane `byte`.
    init(repeating byte: UInt8)
    /// The bytes at `raw`, which need not be aligned.
    init(loading raw: UnsafeRawPointer)
    /// Bit `i` set when lane `i` equals lane `i` of `other`.
    func equalBits(_ other: Self) -> UInt64
}

/// A `StructuralMaskReader` that compares 64 bytes as `64 / Vector.width` vectors.
public protocol VectorMaskReader: StructuralMaskReader {
    associatedtype Vector: ByteVector
}

extension VectorMaskReader {
    @inlinable @inline(__always)
    public static func masks(_ bytes: UnsafePointer<UInt8>, delimiter: UInt8) -> StructuralMasks {
        let delimiters = Vector(repeating: delimiter)
        let quotes = Vector(repeating: StructuralScan.quote)
        let newlines = Vector(repeating: StructuralScan.newline)
        var result = StructuralMasks(delimiters: 0, quotes: 0, lineBreaks: 0)
        @inline(__always)
        func add(at offset: Int) {
            let vector = Vector(loading: UnsafeRawPointer(bytes + offset))
            result.delimiters |= vector.equalBits(delimiters) << UInt64(offset)
            result.quotes |= vector.equalBits(quotes) << UInt64(offset)
            result.lineBreaks |= vector.equalBits(newlines) << UInt64(offset)
        }
        // Written out rather than a loop, which the compiler keeps for 16-byte vectors (a counter and shifts by a
        // register).
        add(at: 0)
        add(at: Vector.width)
        if Vector.width == 16 {
            add(at: 32)
            add(at: 48)
        }
        return result
    }
}

#if arch(x86_64)
    /// `StructuralMasks` with SSE2 comparisons and `pmovmskb`, 16 bytes at a time (every x86-64 processor).
    public enum SSE2MaskReader: VectorMaskReader {
        public typealias Vector = SSE2Vector
    }

    /// 16 bytes in an SSE2 register.
    public struct SSE2Vector: ByteVector {
        @usableFromInline let bytes: __m128i

        @inlinable public static var width: Int { 16 }

        @inlinable @inline(__always)
        public init(repeating byte: UInt8) { bytes = _mm_set1_epi8(CChar(bitPattern: byte)) }

        @inlinable @inline(__always)
        public init(loading raw: UnsafeRawPointer) {
            bytes = _mm_loadu_si128(raw.assumingMemoryBound(to: __m128i.self))
        }

        @inlinable @inline(__always)
        public func equalBits(_ other: SSE2Vector) -> UInt64 {
            UInt64(UInt16(truncatingIfNeeded: _mm_movemask_epi8(_mm_cmpeq_epi8(bytes, other.bytes))))
        }
    }
#endif

/// `StructuralMasks` with portable SIMD comparisons whose lanes are gathered by multiplication (any processor).
public enum PortableMaskReader: VectorMaskReader {
    public typealias Vector = PortableVector
}

/// 16 bytes as portable SIMD.
public struct PortableVector: ByteVector {
    @usableFromInline let bytes: SIMD16<UInt8>

    @inlinable public static var width: Int { 16 }

    @inlinable @inline(__always)
    public init(repeating byte: UInt8) { bytes = SIMD16(repeating: byte) }

    @inlinable @inline(__always)
    public init(loading raw: UnsafeRawPointer) { bytes = raw.loadUnaligned(as: SIMD16<UInt8>.self) }

    @inlinable @inline(__always)
    public func equalBits(_ other: PortableVector) -> UInt64 {
        let lanes = unsafeBitCast(bytes .== other.bytes, to: SIMD16<UInt8>.self) & SIMD16(repeating: 0x80)
        return UInt64(Self.highBits(lanes))
    }

    /// The high bits of 16 lanes that are 0x80 or 0, lane `i` as bit `i`: a multiply gathers 8 at a time (the
    /// bit of lane `i`, at `8i + 7`, lands at `56 + i`; the other products fall on distinct bits below 56 or
    /// beyond 63, so nothing carries into the top byte).
    @inlinable @inline(__always)
    static func highBits(_ lanes: SIMD16<UInt8>) -> UInt32 {
        let halves = unsafeBitCast(lanes, to: SIMD2<UInt64>.self)
        let low = (UInt64(littleEndian: halves[0]) &* 0x0002_0408_1020_4081) >> 56
        let high = (UInt64(littleEndian: halves[1]) &* 0x0002_0408_1020_4081) >> 56
        return UInt32(truncatingIfNeeded: low | high << 8)
    }
}
