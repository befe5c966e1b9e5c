/// The decoding tables of DEFLATE's canonical Huffman codes (RFC 1951 3.2.2), built the way zlib's
/// `inflate_table` builds them: a primary table indexed by the next `primaryBits` bits of the stream, whose
/// entries either decode a symbol at once or point to a sub-table for the longer codes.
///
/// A table entry is a `UInt32`:
///
/// | bits  | meaning |
/// |-------|---------|
/// | 0–3   | bits to drop: the code's length, the rest of it in a sub-table, or `primaryBits` for a pointer |
/// | 4     | `literal`: bits 16–31 are the byte to write |
/// | 5     | `subtable`: bits 16–31 are where the sub-table starts, bits 8–11 how many bits index it |
/// | 6     | `endOfBlock`: symbol 256 |
/// | 7     | `invalid`: no code has this bit pattern, or its symbol is reserved |
/// | 8–11  | extra bits that follow the code (for a length or distance), or the sub-table's index bits |
/// | 16–31 | the literal byte, the base length or distance, or the sub-table's start |
///
/// Entries without a flag are lengths (literal/length table) or distances (distance table).
enum HuffmanTable {
    static let literalFlag: UInt32 = 1 << 4
    static let subtableFlag: UInt32 = 1 << 5
    static let endOfBlockFlag: UInt32 = 1 << 6
    static let invalidFlag: UInt32 = 1 << 7
    /// An entry for a bit pattern no code has; it drops no bits.
    static let invalidEntry: UInt32 = invalidFlag

    /// Bits that index the primary literal/length table; longer codes go to sub-tables.
    static let literalPrimaryBits = 10
    /// Bits that index the primary distance table.
    static let distancePrimaryBits = 8
    /// Bits that index the code-length table; code-length codes are at most 7 bits, so it has no sub-tables.
    static let codeLengthPrimaryBits = 7
    /// Entries reserved for the literal/length table: zlib's `enough 288 10 15` gives 1,334 for a valid code.
    static let literalCapacity = 2048
    /// Entries reserved for the distance table: `enough 30 8 15` gives 402.
    static let distanceCapacity = 1024
    /// Entries of the code-length table: one per 7-bit pattern.
    static let codeLengthCapacity = 128

    /// The longest code DEFLATE allows.
    static let maximumCodeLength = 15

    /// Base match lengths of symbols 257–285.
    static let lengthBases: [UInt32] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227,
        258,
    ]
    /// Extra bits after symbols 257–285.
    static let lengthExtraBits: [UInt32] = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
    ]
    /// Base distances of distance symbols 0–29.
    static let distanceBases: [UInt32] = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
        6145, 8193, 12289, 16385, 24577,
    ]
    /// Extra bits after distance symbols 0–29.
    static let distanceExtraBits: [UInt32] = [
        0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
    ]

    /// What each of the 288 literal/length symbols decodes to, without the code length (added when a table is
    /// built). Symbols 286 and 287 have codes in the fixed table but are reserved, so they decode as invalid.
    static let literalSymbols: [UInt32] = (0..<288).map { symbol in
        switch symbol {
        case 0..<256: return UInt32(symbol) << 16 | literalFlag
        case 256: return endOfBlockFlag
        case 257..<286:
            return lengthBases[symbol - 257] << 16 | lengthExtraBits[symbol - 257] << 8
        default: return invalidFlag
        }
    }

    /// What each of the 32 distance symbols decodes to; 30 and 31 are reserved.
    static let distanceSymbols: [UInt32] = (0..<32).map { symbol in
        symbol < 30 ? distanceBases[symbol] << 16 | distanceExtraBits[symbol] << 8 : invalidFlag
    }

    /// Code-length symbols 0–18 decode to themselves.
    static let codeLengthSymbols: [UInt32] = (0..<19).map { UInt32($0) << 16 }

    /// Why a set of code lengths makes no usable code.
    enum Problem: Error {
        /// More codes than bit patterns of their lengths.
        case oversubscribed
        /// Bit patterns left over, which DEFLATE allows only for a code of one symbol of length 1 (RFC 1951
        /// 3.2.7) — and, as zlib reads it, never for the code-length code.
        case incomplete
    }

    /// Fills `table` with the decoding table of the canonical code that `lengths` gives to symbols
    /// `0..<lengths.count`, each symbol decoding to `symbols[symbol]`.
    ///
    /// A code with no symbols at all makes a table of invalid entries (a block without matches may have no distance
    /// codes). `allowsSingleCode` lets a code of one symbol of length 1 leave the other pattern unused, as zlib does
    /// for literal/length and distance codes.
    ///
    /// - Complexity: O(2^primaryBits + number of symbols × 15).
    static func build(
        lengths: UnsafeBufferPointer<UInt8>, symbols: UnsafeBufferPointer<UInt32>, primaryBits: Int,
        allowsSingleCode: Bool, table: UnsafeMutablePointer<UInt32>, capacity: Int
    ) throws(Problem) {
        var counts = [Int](repeating: 0, count: maximumCodeLength + 1)
        for length in lengths {
            guard Int(length) <= maximumCodeLength else {
                throw .oversubscribed
            }
            counts[Int(length)] += 1
        }
        counts[0] = 0
        var left = 1
        var longest = 0
        for length in 1...maximumCodeLength {
            left <<= 1
            left -= counts[length]
            if left < 0 {
                throw .oversubscribed
            }
            if counts[length] > 0 {
                longest = length
            }
        }
        let primarySize = 1 << primaryBits
        table.update(repeating: invalidEntry, count: primarySize)
        if longest == 0 {
            return
        }
        if left > 0 && !(allowsSingleCode && longest == 1) {
            throw .incomplete
        }

        // Symbols sorted by code length, then by symbol: the order canonical codes are assigned in.
        var offsets = [Int](repeating: 0, count: maximumCodeLength + 2)
        for length in 1...maximumCodeLength {
            offsets[length + 1] = offsets[length] + counts[length]
        }
        var sorted = [Int](repeating: 0, count: lengths.count)
        for (symbol, length) in lengths.enumerated() where length > 0 {
            sorted[offsets[Int(length)]] = symbol
            offsets[Int(length)] += 1
        }

        let primaryMask = primarySize - 1
        var remaining = counts
        var code = 0
        var nextSubtable = primarySize
        var subtablePrefix = -1
        var subtableStart = 0
        var subtableBits = 0
        var index = 0
        for length in 1...longest {
            for _ in 0..<counts[length] {
                let symbol = sorted[index]
                index += 1
                let reversed = reverseBits(code, length)
                if length <= primaryBits {
                    let entry = symbols[symbol] | UInt32(length)
                    var slot = reversed
                    while slot < primarySize {
                        table[slot] = entry
                        slot += 1 << length
                    }
                } else {
                    let prefix = reversed & primaryMask
                    if prefix != subtablePrefix {
                        // A new sub-table, as large as the codes sharing this prefix need (zlib's rule).
                        subtableBits = length - primaryBits
                        var free = 1 << subtableBits
                        while subtableBits + primaryBits < longest {
                            free -= remaining[subtableBits + primaryBits]
                            if free <= 0 {
                                break
                            }
                            subtableBits += 1
                            free <<= 1
                        }
                        subtableStart = nextSubtable
                        nextSubtable += 1 << subtableBits
                        guard nextSubtable <= capacity else {
                            throw .oversubscribed
                        }
                        (table + subtableStart).update(repeating: invalidEntry, count: 1 << subtableBits)
                        table[prefix] =
                            UInt32(subtableStart) << 16 | UInt32(subtableBits) << 8 | subtableFlag
                            | UInt32(primaryBits)
                        subtablePrefix = prefix
                    }
                    let entry = symbols[symbol] | UInt32(length - primaryBits)
                    var slot = reversed >> primaryBits
                    while slot < 1 << subtableBits {
                        table[subtableStart + slot] = entry
                        slot += 1 << (length - primaryBits)
                    }
                }
                remaining[length] -= 1
                code += 1
            }
            code <<= 1
        }
    }

    /// Builds a table as `build(lengths:symbols:primaryBits:allowsSingleCode:table:capacity:)` does, turning a bad
    /// code into an `ArchiveError` that names the table (`name`) and the stream offset.
    static func build(
        _ lengths: ArraySlice<UInt8>, _ symbols: [UInt32], primaryBits: Int, table: UnsafeMutablePointer<UInt32>,
        capacity: Int, name: String, allowsSingleCode: Bool = true, offset: Int
    ) throws(ArchiveError) {
        let problem: Problem? = lengths.withUnsafeBufferPointer { lengthBuffer in
            symbols.withUnsafeBufferPointer { symbolBuffer -> Problem? in
                do throws(Problem) {
                    try build(
                        lengths: lengthBuffer, symbols: symbolBuffer, primaryBits: primaryBits,
                        allowsSingleCode: allowsSingleCode, table: table, capacity: capacity)
                    return nil
                } catch {
                    return error
                }
            }
        }
        if let problem {
            throw .invalidHuffmanCode(offset: offset, table: name, oversubscribed: problem == .oversubscribed)
        }
    }

    /// The low `count` bits of `code` in reverse order: DEFLATE sends a code's most significant bit first, and the
    /// bit reader takes bits from the least significant end.
    @inline(__always)
    static func reverseBits(_ code: Int, _ count: Int) -> Int {
        var reversed = 0
        var rest = code
        for _ in 0..<count {
            reversed = reversed << 1 | rest & 1
            rest >>= 1
        }
        return reversed
    }
}
