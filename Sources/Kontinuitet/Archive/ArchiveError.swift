/// What can be wrong with compressed input: a DEFLATE stream, a gzip file or a ZIP archive being read.
///
/// Every case says where: a byte offset into the input (counted from its first byte, so that a hex dump finds the
/// spot), a gzip member, or the ZIP entry by name. No case carries decompressed content, so a message never shows
/// what a damaged file holds.
enum ArchiveError: Error, CustomStringConvertible, Equatable {
    // MARK: DEFLATE (RFC 1951)

    /// The stream ends before its final block does.
    case truncatedStream(offset: Int)
    /// A block header names block type 3, which DEFLATE reserves.
    case invalidBlockType(offset: Int)
    /// A stored block's length and its one's complement disagree.
    case storedLengthMismatch(offset: Int)
    /// A dynamic block's code lengths cannot be used; `problem` says why in words.
    case invalidCodeLengths(offset: Int, problem: String)
    /// The code lengths of a dynamic block's `table` ("literal/length", "distance" or "code length") give more
    /// codes than bit patterns (over-subscribed), or leave patterns unused where DEFLATE allows none (incomplete).
    case invalidHuffmanCode(offset: Int, table: String, oversubscribed: Bool)
    /// A bit pattern that is no code of the block's table, or a length or distance symbol DEFLATE reserves.
    case invalidSymbol(offset: Int)
    /// A match reaches back `distance` bytes when only `available` bytes have been written (at most 32 KiB count).
    case distanceTooFar(offset: Int, distance: Int, available: Int)
    /// The expanded output passed the caller's limit of `limit` bytes.
    case outputTooLarge(limit: Int)
    /// The output grew to more than `ratio` times the compressed bytes read so far: a decompression bomb.
    case expansionTooHigh(ratio: Int)

    // MARK: gzip (RFC 1952)

    /// The input does not start with the gzip magic bytes 1F 8B.
    case notGzip
    /// The gzip member starting at `offset` names a compression method other than 8 (deflate).
    case unsupportedGzipMethod(offset: Int, method: Int)
    /// The gzip member starting at `offset` sets flag bits that RFC 1952 reserves.
    case reservedGzipFlags(offset: Int)
    /// The gzip member starting at `offset` has a header CRC-16 (FHCRC) that does not match its header.
    case gzipHeaderChecksumMismatch(offset: Int)
    /// The header or trailer of the gzip member starting at `offset` is cut short.
    case truncatedGzipMember(offset: Int)
    /// Gzip member `member` (1 for the first) decompressed to bytes whose CRC-32 is not the one its trailer gives.
    case gzipChecksumMismatch(member: Int)
    /// Gzip member `member` decompressed to a size (modulo 2^32) other than the one its trailer gives.
    case gzipSizeMismatch(member: Int, declared: Int, actual: Int)
    /// After the last complete gzip member, bytes from `offset` on are neither another member nor zero padding.
    case trailingGarbage(offset: Int)

    // MARK: ZIP (APPNOTE.TXT)

    /// No end-of-central-directory record in the last 64 KiB: the input is no ZIP archive, or its end is missing.
    case noEndOfCentralDirectory
    /// The central directory (or a ZIP64 record pointing to it) is damaged at `offset`; `problem` says how.
    case malformedCentralDirectory(offset: Int, problem: String)
    /// The archive says it spans several disks, which is not supported.
    case multiDiskArchive
    /// The local header of `entry` is missing, damaged, or points past the end of the archive.
    case malformedLocalHeader(entry: String)
    /// `entry` is encrypted (general purpose flag bit 0).
    case encryptedEntry(String)
    /// `entry` uses a compression method other than 0 (stored) or 8 (deflate).
    case unsupportedMethod(entry: String, method: Int)
    /// The extracted bytes of `entry` do not have the CRC-32 its central directory header gives.
    case entryChecksumMismatch(entry: String)
    /// `entry` extracted to `actual` bytes where its central directory header declares `declared`.
    case entrySizeMismatch(entry: String, declared: Int, actual: Int)
    /// The archive has no entry of that name.
    case entryNotFound(String)
    /// A DEFLATE or limit error met while extracting the ZIP entry `entry`.
    indirect case inEntry(String, ArchiveError)

    var description: String {
        switch self {
        case .truncatedStream(let offset):
            return "compressed data ends early, at byte \(offset), before its final block"
        case .invalidBlockType(let offset):
            return "compressed data at byte \(offset): block type 3, which DEFLATE reserves"
        case .storedLengthMismatch(let offset):
            return "compressed data at byte \(offset): a stored block's length does not match its complement"
        case .invalidCodeLengths(let offset, let problem):
            return "compressed data at byte \(offset): invalid Huffman code lengths (\(problem))"
        case .invalidHuffmanCode(let offset, let table, let oversubscribed):
            let how = oversubscribed ? "over-subscribed" : "incomplete"
            return "compressed data at byte \(offset): the \(table) Huffman code is \(how)"
        case .invalidSymbol(let offset):
            return "compressed data at byte \(offset): a code that names no valid symbol"
        case .distanceTooFar(let offset, let distance, let available):
            return "compressed data at byte \(offset): a match \(distance) bytes back, "
                + "but only \(available) bytes precede it"
        case .outputTooLarge(let limit):
            return "compressed data expands to more than \(limit) bytes, the limit"
        case .expansionTooHigh(let ratio):
            return "compressed data expands more than \(ratio) times, which only a decompression bomb does"
        case .notGzip:
            return "not a gzip file: it does not start with the bytes 1F 8B"
        case .unsupportedGzipMethod(let offset, let method):
            return "gzip member at byte \(offset): compression method \(method), only 8 (deflate) exists"
        case .reservedGzipFlags(let offset):
            return "gzip member at byte \(offset): reserved header flags are set"
        case .gzipHeaderChecksumMismatch(let offset):
            return "gzip member at byte \(offset): the header checksum does not match"
        case .truncatedGzipMember(let offset):
            return "gzip member at byte \(offset): the file ends inside its header or trailer"
        case .gzipChecksumMismatch(let member):
            return "gzip member \(member): the CRC-32 of the decompressed data does not match the trailer"
        case .gzipSizeMismatch(let member, let declared, let actual):
            return "gzip member \(member): decompressed to \(actual) bytes (mod 2^32), the trailer says \(declared)"
        case .trailingGarbage(let offset):
            return "gzip file: bytes from \(offset) on are not another gzip member"
        case .noEndOfCentralDirectory:
            return "not a ZIP archive, or its end is missing: no end-of-central-directory record"
        case .malformedCentralDirectory(let offset, let problem):
            return "ZIP central directory damaged at byte \(offset): \(problem)"
        case .multiDiskArchive:
            return "the ZIP archive spans several disks, which is not supported"
        case .malformedLocalHeader(let entry):
            return "ZIP entry '\(entry)': its local header is missing or damaged"
        case .encryptedEntry(let entry):
            return "ZIP entry '\(entry)' is encrypted; save the file again without a password"
        case .unsupportedMethod(let entry, let method):
            return "ZIP entry '\(entry)': compression method \(method); only stored (0) and deflate (8) are read"
        case .entryChecksumMismatch(let entry):
            return "ZIP entry '\(entry)': the CRC-32 of its contents does not match the archive's"
        case .entrySizeMismatch(let entry, let declared, let actual):
            return "ZIP entry '\(entry)': \(actual) bytes where the archive declares \(declared)"
        case .entryNotFound(let entry):
            return "the ZIP archive has no entry '\(entry)'"
        case .inEntry(let entry, let error):
            return "ZIP entry '\(entry)': \(error)"
        }
    }
}
