/// How far a compressed stream may expand, against decompression bombs.
///
/// The defaults (`standard`) allow 4 GiB of output and an expansion of 1,000 to 1. DEFLATE cannot expand more than
/// about 1,032 to 1 (a 258-byte match in two bits), and only long runs of one byte come near that, so real text, XML
/// or CSV stays far below the ratio; a bomb made of zeros is stopped after its first MiB instead of after 4 GiB.
struct InflateLimits: Sendable, Equatable {
    /// The most bytes the stream may expand to in all.
    var maximumOutput: Int
    /// The most output bytes per compressed byte read so far; checked once the output passes `ratioFloor`.
    var maximumRatio: Int

    /// Output below which the ratio is not checked: a short, highly repetitive stream is no threat.
    static let ratioFloor = 1 << 20

    /// 4 GiB of output at most, expanding at most 1,000 times.
    static let standard = InflateLimits(maximumOutput: 4 << 30, maximumRatio: 1000)
}

/// A DEFLATE decoder (RFC 1951) that hands its output out in chunks, so a caller can read a stream of any length
/// while holding only the 32 KiB window and one chunk.
///
/// Call `next()` until it returns `nil`; each chunk is valid until the following call. `Inflater.inflate(_:)` does
/// that and collects the whole output. All three block types are read (stored, fixed and dynamic Huffman). Hostile
/// input throws an `ArchiveError` and never crashes or loops: a stream cut short, reserved block types and symbols,
/// over-subscribed or incomplete codes, matches reaching before the start of the output, and output beyond the
/// `InflateLimits`.
///
/// Speed: Huffman codes are decoded through a 10-bit (literal/length) and 8-bit (distance) primary table with
/// sub-tables, from a 64-bit bit buffer refilled eight bytes at a time, into a buffer with slack for a whole match,
/// so the loop that does nearly all the work checks no bounds per byte.
///
/// - Complexity: O(n) in the output; memory is 32 KiB of window, one 512 KiB chunk and 13 KiB of tables.
final class Inflater {
    /// DEFLATE's window: the farthest back a match may reach.
    static let windowSize = 1 << 15
    /// The most output handed out by one `next()` call (plus up to one match).
    static let chunkSize = 1 << 19
    /// Where the output buffer counts as full and a chunk is handed out.
    private static let outputLimit = windowSize + chunkSize
    /// Room after `outputLimit` for the longest match (258) and the copy loop's 8-byte overshoot.
    private static let outputSlack = 258 + 8

    /// Where decoding stands between two calls of `next()`.
    private enum State {
        /// The next bits are a block header.
        case blockHeader
        /// Inside a stored block, with this many bytes still to copy.
        case stored(remaining: Int)
        /// Inside a fixed or dynamic Huffman block, whose tables are built.
        case compressed
        /// The final block has ended.
        case finished
        /// A call threw this error; every later call throws it again.
        case failed(ArchiveError)
    }

    private let inputStart: Int
    private let limits: InflateLimits
    /// Where reading the input stands.
    private var reader: DeflateBitReader

    /// The window (the last 32 KiB handed out) followed by the output not yet handed out.
    private let output: UnsafeMutablePointer<UInt8>
    /// Where the next output byte goes.
    private var outputPosition = 0
    /// Output before this position has been handed out.
    private var deliveredPosition = 0
    /// Bytes handed out so far.
    private(set) var totalOutput = 0

    private let literalTable: UnsafeMutablePointer<UInt32>
    private let distanceTable: UnsafeMutablePointer<UInt32>
    private let codeLengthTable: UnsafeMutablePointer<UInt32>
    /// Whether the two tables hold the fixed code already, so that a run of fixed blocks builds it once.
    private var tablesAreFixed = false

    private var state = State.blockHeader
    private var isLastBlock = false
    /// The offset just past the final block (its last byte counted whole), once the stream has ended.
    private(set) var endOffset: Int?

    /// A decoder of the DEFLATE stream in `input[range]` (all of `input` when `range` is nil).
    ///
    /// Offsets in errors count from the start of `input`, not of `range`.
    init(_ input: [UInt8], range: Range<Int>? = nil, limits: InflateLimits = .standard) {
        let bounds = range?.clamped(to: 0..<input.count) ?? 0..<input.count
        self.inputStart = bounds.lowerBound
        self.reader = DeflateBitReader(input, range: bounds)
        self.limits = limits
        output = .allocate(capacity: Inflater.outputLimit + Inflater.outputSlack)
        literalTable = .allocate(capacity: HuffmanTable.literalCapacity)
        distanceTable = .allocate(capacity: HuffmanTable.distanceCapacity)
        codeLengthTable = .allocate(capacity: HuffmanTable.codeLengthCapacity)
    }

    deinit {
        output.deallocate()
        literalTable.deallocate()
        distanceTable.deallocate()
        codeLengthTable.deallocate()
    }

    /// The whole output of the DEFLATE stream in `input`, in one array.
    ///
    /// Bytes after the final block are ignored. Throws as `next()` does.
    static func inflate(_ input: [UInt8], limits: InflateLimits = .standard) throws(ArchiveError) -> [UInt8] {
        let inflater = Inflater(input, limits: limits)
        var result: [UInt8] = []
        while let chunk = try inflater.next() {
            result.append(contentsOf: chunk)
        }
        return result
    }

    /// The next piece of output, or `nil` once the final block has been handed out whole.
    ///
    /// The buffer points into the decoder's own memory and is valid until the next call. It is never empty, and
    /// holds at most `chunkSize` bytes plus one match (258), except the first, which may also fill the 32 KiB that
    /// later hold the window.
    func next() throws(ArchiveError) -> UnsafeBufferPointer<UInt8>? {
        if case .failed(let error) = state {
            throw error
        }
        do {
            return try decodeChunk()
        } catch {
            state = .failed(error)
            throw error
        }
    }

    /// Decodes until a chunk is full or the stream ends, checks the limits, and hands the chunk out.
    private func decodeChunk() throws(ArchiveError) -> UnsafeBufferPointer<UInt8>? {
        if outputPosition >= Inflater.outputLimit {
            // Keep the last 32 KiB as the window for matches, and start the next chunk right after it.
            (output).update(from: output + (outputPosition - Inflater.windowSize), count: Inflater.windowSize)
            outputPosition = Inflater.windowSize
            deliveredPosition = Inflater.windowSize
        }
        decoding: while outputPosition < Inflater.outputLimit {
            switch state {
            case .blockHeader:
                try readBlockHeader()
            case .stored(let remaining):
                try copyStored(remaining: remaining)
            case .compressed:
                if try decodeHuffman() {
                    try endBlock()
                }
            case .finished, .failed:
                break decoding
            }
        }
        let produced = outputPosition - deliveredPosition
        guard produced > 0 else {
            return nil
        }
        totalOutput += produced
        if totalOutput > limits.maximumOutput {
            throw .outputTooLarge(limit: limits.maximumOutput)
        }
        let consumed = max(1, reader.position - inputStart)
        if totalOutput > InflateLimits.ratioFloor && totalOutput / consumed >= limits.maximumRatio {
            throw .expansionTooHigh(ratio: limits.maximumRatio)
        }
        let chunk = UnsafeBufferPointer(start: output + deliveredPosition, count: produced)
        deliveredPosition = outputPosition
        return chunk
    }

    // MARK: Blocks

    /// Reads a block header (RFC 1951 3.2.3) and prepares the block: a stored block's length, or its tables.
    private func readBlockHeader() throws(ArchiveError) {
        let headerOffset = reader.currentOffset
        isLastBlock = try reader.readBits(1) == 1
        switch try reader.readBits(2) {
        case 0:
            try reader.alignToByte()
            let start = reader.position
            guard reader.end - start >= 4 else {
                throw .truncatedStream(offset: reader.end)
            }
            let length = Int(reader.input[start]) | Int(reader.input[start + 1]) << 8
            let complement = Int(reader.input[start + 2]) | Int(reader.input[start + 3]) << 8
            guard length == complement ^ 0xFFFF else {
                throw .storedLengthMismatch(offset: start)
            }
            reader.position += 4
            state = .stored(remaining: length)
            if length == 0 {
                try endBlock()
            }
        case 1:
            if !tablesAreFixed {
                try buildFixedTables()
            }
            state = .compressed
        case 2:
            try readDynamicTables()
            state = .compressed
        default:
            throw .invalidBlockType(offset: headerOffset)
        }
    }

    /// Copies as much of a stored block as the input holds and the chunk has room for.
    private func copyStored(remaining: Int) throws(ArchiveError) {
        let start = reader.position
        let count = min(remaining, Inflater.outputLimit - outputPosition, reader.end - start)
        guard count > 0 else {
            throw .truncatedStream(offset: reader.end)
        }
        reader.input.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress else { return }
            (output + outputPosition).update(from: base + start, count: count)
        }
        reader.position += count
        outputPosition += count
        if count == remaining {
            try endBlock()
        } else {
            state = .stored(remaining: remaining - count)
        }
    }

    /// Moves on after a block: to the next header, or to the end of the stream after the final block.
    private func endBlock() throws(ArchiveError) {
        guard isLastBlock else {
            state = .blockHeader
            return
        }
        try reader.alignToByte()
        endOffset = reader.position
        state = .finished
    }

    /// The code lengths of the fixed Huffman code (RFC 1951 3.2.6).
    private static let fixedLiteralLengths: [UInt8] =
        [UInt8](repeating: 8, count: 144) + [UInt8](repeating: 9, count: 112) + [UInt8](repeating: 7, count: 24)
        + [UInt8](repeating: 8, count: 8)
    /// The fixed distance code: 5 bits for each of the 32 symbols (30 and 31 reserved).
    private static let fixedDistanceLengths = [UInt8](repeating: 5, count: 32)

    private func buildFixedTables() throws(ArchiveError) {
        let offset = reader.currentOffset
        try HuffmanTable.build(
            Inflater.fixedLiteralLengths[...], HuffmanTable.literalSymbols,
            primaryBits: HuffmanTable.literalPrimaryBits,
            table: literalTable, capacity: HuffmanTable.literalCapacity, name: "literal/length", offset: offset)
        try HuffmanTable.build(
            Inflater.fixedDistanceLengths[...], HuffmanTable.distanceSymbols,
            primaryBits: HuffmanTable.distancePrimaryBits, table: distanceTable,
            capacity: HuffmanTable.distanceCapacity, name: "distance", offset: offset)
        tablesAreFixed = true
    }

    /// Reads a dynamic block's code lengths and builds its two tables.
    private func readDynamicTables() throws(ArchiveError) {
        tablesAreFixed = false
        let (lengths, literalCount) = try reader.readDynamicCodeLengths(scratchTable: codeLengthTable)
        let offset = reader.currentOffset
        try HuffmanTable.build(
            lengths[..<literalCount], HuffmanTable.literalSymbols, primaryBits: HuffmanTable.literalPrimaryBits,
            table: literalTable, capacity: HuffmanTable.literalCapacity, name: "literal/length", offset: offset)
        try HuffmanTable.build(
            lengths[literalCount...], HuffmanTable.distanceSymbols, primaryBits: HuffmanTable.distancePrimaryBits,
            table: distanceTable, capacity: HuffmanTable.distanceCapacity, name: "distance", offset: offset)
    }

    // MARK: Huffman data

    /// Decodes a Huffman block's symbols until the block ends (returns true) or the chunk is full (false).
    ///
    /// The hot loop: state lives in locals, the bit buffer is refilled eight bytes at a time while eight input bytes
    /// remain, and matches are copied eight bytes at a time into the slack after `outputLimit`.
    private func decodeHuffman() throws(ArchiveError) -> Bool {
        var failure: ArchiveError?
        var bits = reader.bitBuffer
        var count = reader.bitCount
        var phantom = reader.phantomBytes
        var pos = reader.position
        var out = outputPosition
        let end = reader.end
        var reachedEnd = false
        reader.input.withUnsafeBufferPointer { buffer in
            guard let source = buffer.baseAddress else {
                failure = .truncatedStream(offset: end)
                return
            }
            let raw = UnsafeRawPointer(source)
            let fastEnd = end - 8
            let literals = literalTable
            let distances = distanceTable
            let destination = output
            let limit = Inflater.outputLimit
            let literalMask = UInt64(1 << HuffmanTable.literalPrimaryBits - 1)
            let distanceMask = UInt64(1 << HuffmanTable.distancePrimaryBits - 1)
            while out < limit {
                if pos <= fastEnd {
                    bits |= UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: pos, as: UInt64.self)) &<< count
                    pos &+= (63 &- count) &>> 3
                    count |= 56
                } else {
                    guard count >= phantom * 8 else {
                        failure = .truncatedStream(offset: end)
                        return
                    }
                    while count <= 56 {
                        if pos < end {
                            bits |= UInt64(source[pos]) &<< count
                            pos += 1
                        } else {
                            phantom += 1
                        }
                        count += 8
                    }
                }
                var entry = literals[Int(truncatingIfNeeded: bits & literalMask)]
                if entry & HuffmanTable.subtableFlag != 0 {
                    bits &>>= UInt64(entry & 0xF)
                    count &-= Int(entry & 0xF)
                    let subtableMask = UInt64(1) &<< UInt64(entry &>> 8 & 0xF) &- 1
                    entry = literals[Int(entry &>> 16) &+ Int(truncatingIfNeeded: bits & subtableMask)]
                }
                bits &>>= UInt64(entry & 0xF)
                count &-= Int(entry & 0xF)
                if entry & HuffmanTable.literalFlag != 0 {
                    destination[out] = UInt8(truncatingIfNeeded: entry &>> 16)
                    out &+= 1
                    continue
                }
                if entry & (HuffmanTable.endOfBlockFlag | HuffmanTable.invalidFlag) != 0 {
                    if entry & HuffmanTable.invalidFlag != 0 {
                        failure = Inflater.badSymbol(realBits: count - phantom * 8, position: pos, end: end)
                    } else {
                        reachedEnd = true
                    }
                    return
                }
                let lengthExtra = UInt64(entry &>> 8 & 0xF)
                let length = Int(entry &>> 16) &+ Int(truncatingIfNeeded: bits & (1 &<< lengthExtra &- 1))
                bits &>>= lengthExtra
                count &-= Int(lengthExtra)

                var distanceEntry = distances[Int(truncatingIfNeeded: bits & distanceMask)]
                if distanceEntry & HuffmanTable.subtableFlag != 0 {
                    bits &>>= UInt64(distanceEntry & 0xF)
                    count &-= Int(distanceEntry & 0xF)
                    let subtableMask = UInt64(1) &<< UInt64(distanceEntry &>> 8 & 0xF) &- 1
                    distanceEntry = distances[Int(distanceEntry &>> 16) &+ Int(truncatingIfNeeded: bits & subtableMask)]
                }
                if distanceEntry & HuffmanTable.invalidFlag != 0 {
                    failure = Inflater.badSymbol(realBits: count - phantom * 8, position: pos, end: end)
                    return
                }
                bits &>>= UInt64(distanceEntry & 0xF)
                count &-= Int(distanceEntry & 0xF)
                let distanceExtra = UInt64(distanceEntry &>> 8 & 0xF)
                let distance =
                    Int(distanceEntry &>> 16) &+ Int(truncatingIfNeeded: bits & (1 &<< distanceExtra &- 1))
                bits &>>= distanceExtra
                count &-= Int(distanceExtra)
                guard distance <= out else {
                    failure = .distanceTooFar(
                        offset: pos - max(0, count - phantom * 8) / 8, distance: distance,
                        available: min(out, Inflater.windowSize))
                    return
                }
                Inflater.copyMatch(destination + out, distance: distance, length: length)
                out &+= length
            }
        }
        reader.bitBuffer = bits
        reader.bitCount = count
        reader.phantomBytes = phantom
        reader.position = pos
        outputPosition = out
        if let failure {
            // A bad distance decoded from phantom bits means the stream ended early.
            throw count < phantom * 8 ? .truncatedStream(offset: end) : failure
        }
        guard count >= phantom * 8 else {
            throw .truncatedStream(offset: end)
        }
        return reachedEnd
    }

    /// The error for a pattern no code has: truncation when fewer real bits than the longest code were left (the
    /// rest were phantom zeros), else an invalid symbol.
    private static func badSymbol(realBits: Int, position: Int, end: Int) -> ArchiveError {
        realBits < HuffmanTable.maximumCodeLength
            ? .truncatedStream(offset: end) : .invalidSymbol(offset: position - realBits / 8)
    }

    /// Copies `length` bytes from `distance` bytes back to `target`, byte by byte in effect (an overlapping match
    /// repeats its start), writing up to 7 bytes past the end when `distance` is 8 or more.
    @inline(__always)
    private static func copyMatch(_ target: UnsafeMutablePointer<UInt8>, distance: Int, length: Int) {
        let source = target - distance
        if distance >= 8 {
            var offset = 0
            repeat {
                let word = UnsafeRawPointer(source + offset).loadUnaligned(as: UInt64.self)
                UnsafeMutableRawPointer(target + offset).storeBytes(of: word, as: UInt64.self)
                offset &+= 8
            } while offset < length
        } else if distance == 1 {
            target.update(repeating: source.pointee, count: length)
        } else {
            for offset in 0..<length {
                target[offset] = source[offset]
            }
        }
    }
}
