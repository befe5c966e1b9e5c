/// The bit-level reader of a DEFLATE stream (RFC 1951 3.1.1): bits are taken from the least significant end of each
/// byte, through a 64-bit buffer.
///
/// Near the end of the input the buffer is topped up with phantom zero bytes, so that a table look-up there needs
/// no special case; using a phantom bit means the stream is truncated, which every read checks. `Inflater`'s hot
/// loop copies these fields into locals and refills eight bytes at a time, keeping the same invariants.
struct DeflateBitReader {
    /// The whole input; only `position..<end` is still to read.
    let input: [UInt8]
    /// One past the last byte of the stream.
    let end: Int
    /// The next byte to load into `bitBuffer`.
    var position: Int
    /// Bits loaded but not yet used, the next one lowest. Bits above `bitCount` are zero or the next input bits.
    var bitBuffer: UInt64 = 0
    /// How many bits of `bitBuffer` count, phantom ones included.
    var bitCount = 0
    /// Zero bytes counted into `bitBuffer` past `end`.
    var phantomBytes = 0

    init(_ input: [UInt8], range: Range<Int>) {
        self.input = input
        self.end = range.upperBound
        self.position = range.lowerBound
    }

    /// Bits in the buffer that come from the input.
    var realBitCount: Int { bitCount - phantomBytes * 8 }

    /// The offset of the input byte being read, for error messages.
    var currentOffset: Int { position - max(0, realBitCount) / 8 }

    /// Tops the buffer up to more than 56 bits, counting zero bytes past the end of the input as phantom.
    mutating func refill() {
        while bitCount <= 56 {
            if position < end {
                bitBuffer |= UInt64(input[position]) &<< UInt64(bitCount)
                position += 1
            } else {
                phantomBytes += 1
            }
            bitCount += 8
        }
    }

    /// The next `count` bits (at most 32), first bit lowest.
    mutating func readBits(_ count: Int) throws(ArchiveError) -> Int {
        if bitCount < count {
            refill()
        }
        guard realBitCount >= count else {
            throw .truncatedStream(offset: end)
        }
        let value = Int(truncatingIfNeeded: bitBuffer & ((1 &<< UInt64(count)) &- 1))
        bitBuffer &>>= UInt64(count)
        bitCount -= count
        return value
    }

    /// Drops the bits up to the next byte boundary and gives the whole bytes still in the buffer back to the input,
    /// so that what follows (stored data, a gzip trailer) is read from `position` on.
    mutating func alignToByte() throws(ArchiveError) {
        guard realBitCount >= 0 else {
            throw .truncatedStream(offset: end)
        }
        position -= realBitCount / 8
        bitBuffer = 0
        bitCount = 0
        phantomBytes = 0
    }

    /// Decodes one symbol with a table of no sub-tables (the code-length code), bit-exact near the end.
    mutating func decodeSymbol(_ table: UnsafeMutablePointer<UInt32>, primaryBits: Int) throws(ArchiveError) -> Int {
        if bitCount < primaryBits {
            refill()
        }
        let mask = UInt64(1 << primaryBits - 1)
        let entry = table[Int(truncatingIfNeeded: bitBuffer & mask)]
        guard entry & (HuffmanTable.invalidFlag | HuffmanTable.subtableFlag) == 0 else {
            // Fewer real bits than the table's width: the pattern was padded with phantom zeros.
            throw realBitCount < primaryBits ? .truncatedStream(offset: end) : .invalidSymbol(offset: currentOffset)
        }
        let length = Int(entry & 0xF)
        guard realBitCount >= length else {
            throw .truncatedStream(offset: end)
        }
        bitBuffer &>>= UInt64(length)
        bitCount -= length
        return Int(entry >> 16)
    }

    /// The order in which a dynamic block gives the code lengths of the code-length alphabet.
    private static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    /// Reads a dynamic block's header after its first three bits (RFC 1951 3.2.7): the code lengths of its
    /// literal/length code followed by those of its distance code, and how many of them are literal/length ones.
    ///
    /// `scratchTable` (128 entries) receives the code-length code's table.
    mutating func readDynamicCodeLengths(
        scratchTable: UnsafeMutablePointer<UInt32>
    ) throws(ArchiveError) -> (lengths: [UInt8], literalCount: Int) {
        let literalCount = try readBits(5) + 257
        let distanceCount = try readBits(5) + 1
        let codeLengthCount = try readBits(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else {
            throw .invalidCodeLengths(
                offset: currentOffset, problem: "more than 286 literal/length or 30 distance codes")
        }
        var codeLengthLengths = [UInt8](repeating: 0, count: 19)
        for index in 0..<codeLengthCount {
            codeLengthLengths[DeflateBitReader.codeLengthOrder[index]] = UInt8(try readBits(3))
        }
        try HuffmanTable.build(
            codeLengthLengths[...], HuffmanTable.codeLengthSymbols, primaryBits: HuffmanTable.codeLengthPrimaryBits,
            table: scratchTable, capacity: HuffmanTable.codeLengthCapacity, name: "code length",
            allowsSingleCode: false, offset: currentOffset)

        let total = literalCount + distanceCount
        var lengths = [UInt8](repeating: 0, count: total)
        var index = 0
        while index < total {
            let symbol = try decodeSymbol(scratchTable, primaryBits: HuffmanTable.codeLengthPrimaryBits)
            var repeated: UInt8 = 0
            var times = 0
            switch symbol {
            case 0...15:
                lengths[index] = UInt8(symbol)
                index += 1
                continue
            case 16:
                guard index > 0 else {
                    throw .invalidCodeLengths(offset: currentOffset, problem: "a repeat with no length before it")
                }
                repeated = lengths[index - 1]
                times = 3 + (try readBits(2))
            case 17:
                times = 3 + (try readBits(3))
            default:
                times = 11 + (try readBits(7))
            }
            guard index + times <= total else {
                throw .invalidCodeLengths(offset: currentOffset, problem: "a repeat past the last code")
            }
            for offset in index..<(index + times) {
                lengths[offset] = repeated
            }
            index += times
        }
        guard lengths[256] != 0 else {
            throw .invalidCodeLengths(offset: currentOffset, problem: "no end-of-block code")
        }
        return (lengths, literalCount)
    }
}
