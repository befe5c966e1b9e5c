/// A reader of gzip files (RFC 1952) that hands the decompressed bytes out in chunks, like `Inflater`.
///
/// Reads every member of a multi-member file in turn, as `cat a.gz b.gz` makes and `gzip -d` reads, as one
/// stream. Each member's header may carry the optional extra field, file name, comment and header CRC (FEXTRA,
/// FNAME, FCOMMENT, FHCRC; the header CRC is checked, the rest skipped); its trailer's CRC-32 and size (ISIZE,
/// modulo 2^32) are checked against what it decompressed to. Zero bytes after the last member are padding and
/// ignored, as gzip does; anything else there is an error. The limits apply to the whole file's output, and the
/// expansion ratio to each member.
///
/// - Complexity: O(n) in the output; memory as `Inflater`.
final class GzipReader {
    /// The gzip magic bytes.
    static let magic: [UInt8] = [0x1F, 0x8B]

    /// Header flag bits (RFC 1952 2.3.1).
    private static let flagHeaderCRC: UInt8 = 1 << 1
    private static let flagExtra: UInt8 = 1 << 2
    private static let flagName: UInt8 = 1 << 3
    private static let flagComment: UInt8 = 1 << 4
    private static let reservedFlags: UInt8 = 0xE0

    private let bytes: [UInt8]
    private let limits: InflateLimits
    /// The member being decompressed, or nil after the last one.
    private var member: Inflater?
    /// Where the current member's header starts, for error messages.
    private var memberOffset = 0
    /// 1 for the first member.
    private var memberNumber = 0
    private var checksum = CRC32()
    private var memberSize = 0
    /// Bytes handed out so far, all members together.
    private(set) var totalOutput = 0

    /// Whether `bytes` starts with the gzip magic bytes 1F 8B.
    static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == magic[0] && bytes[1] == magic[1]
    }

    /// The decompressed contents of the gzip file `bytes`, all members joined.
    static func decompress(_ bytes: [UInt8], limits: InflateLimits = .standard) throws(ArchiveError) -> [UInt8] {
        let reader = try GzipReader(bytes, limits: limits)
        var result: [UInt8] = []
        while let chunk = try reader.next() {
            result.append(contentsOf: chunk)
        }
        return result
    }

    /// A reader of the gzip file `bytes`; reads the first member's header.
    ///
    /// - Throws: `ArchiveError.notGzip` when `bytes` does not start with 1F 8B, or an error of the first header.
    init(_ bytes: [UInt8], limits: InflateLimits = .standard) throws(ArchiveError) {
        guard GzipReader.isGzip(bytes) else {
            throw .notGzip
        }
        self.bytes = bytes
        self.limits = limits
        try startMember(at: 0)
    }

    /// The next piece of decompressed output, or `nil` after the last member's trailer has been checked.
    ///
    /// The buffer is valid until the next call.
    func next() throws(ArchiveError) -> UnsafeBufferPointer<UInt8>? {
        while let inflater = member {
            if let chunk = try inflater.next() {
                checksum.update(chunk)
                memberSize += chunk.count
                totalOutput += chunk.count
                return chunk
            }
            try finishMember(inflater)
        }
        return nil
    }

    /// Reads the member header at `offset` and starts inflating the data after it.
    private func startMember(at offset: Int) throws(ArchiveError) {
        memberOffset = offset
        memberNumber += 1
        checksum = CRC32()
        memberSize = 0
        guard bytes.count - offset >= 10 else {
            throw .truncatedGzipMember(offset: offset)
        }
        guard bytes[offset + 2] == 8 else {
            throw .unsupportedGzipMethod(offset: offset, method: Int(bytes[offset + 2]))
        }
        let flags = bytes[offset + 3]
        guard flags & GzipReader.reservedFlags == 0 else {
            throw .reservedGzipFlags(offset: offset)
        }
        var position = offset + 10
        if flags & GzipReader.flagExtra != 0 {
            guard bytes.count - position >= 2 else {
                throw .truncatedGzipMember(offset: offset)
            }
            let extraLength = Int(bytes[position]) | Int(bytes[position + 1]) << 8
            position += 2 + extraLength
        }
        for flag in [GzipReader.flagName, GzipReader.flagComment] where flags & flag != 0 {
            // A zero-terminated Latin-1 string.
            while position < bytes.count && bytes[position] != 0 {
                position += 1
            }
            position += 1
        }
        if flags & GzipReader.flagHeaderCRC != 0 {
            guard position + 2 <= bytes.count else {
                throw .truncatedGzipMember(offset: offset)
            }
            let stored = Int(bytes[position]) | Int(bytes[position + 1]) << 8
            guard stored == Int(CRC32.checksum(Array(bytes[offset..<position])) & 0xFFFF) else {
                throw .gzipHeaderChecksumMismatch(offset: offset)
            }
            position += 2
        }
        guard position <= bytes.count else {
            throw .truncatedGzipMember(offset: offset)
        }
        let remaining = InflateLimits(
            maximumOutput: max(0, limits.maximumOutput - totalOutput), maximumRatio: limits.maximumRatio)
        member = Inflater(bytes, range: position..<bytes.count, limits: remaining)
    }

    /// Checks the trailer of the member `inflater` has finished, then starts the next member if there is one.
    private func finishMember(_ inflater: Inflater) throws(ArchiveError) {
        member = nil
        guard let end = inflater.endOffset, bytes.count - end >= 8 else {
            throw .truncatedGzipMember(offset: memberOffset)
        }
        let storedCRC = littleEndian32(at: end)
        let storedSize = littleEndian32(at: end + 4)
        guard storedCRC == checksum.value else {
            throw .gzipChecksumMismatch(member: memberNumber)
        }
        guard storedSize == UInt32(truncatingIfNeeded: memberSize) else {
            throw .gzipSizeMismatch(
                member: memberNumber, declared: Int(storedSize), actual: Int(UInt32(truncatingIfNeeded: memberSize)))
        }
        let next = end + 8
        if next + 1 < bytes.count && bytes[next] == GzipReader.magic[0] && bytes[next + 1] == GzipReader.magic[1] {
            try startMember(at: next)
        } else if let garbage = bytes[next...].firstIndex(where: { $0 != 0 }) {
            throw .trailingGarbage(offset: garbage)
        }
    }

    private func littleEndian32(at offset: Int) -> UInt32 {
        (0..<4).reduce(0) { value, index in value | UInt32(bytes[offset + index]) << (8 * index) }
    }
}
