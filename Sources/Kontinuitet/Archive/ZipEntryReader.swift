/// Hands the uncompressed bytes of one ZIP entry out in chunks, and checks them against the central directory:
/// the CRC-32 once the data ends, the declared size as soon as the output passes it and again at the end.
///
/// Made by `ZipReader.open(_:limits:)`. Errors of the DEFLATE data or of the limits come wrapped in
/// `ArchiveError.inEntry` with the entry's name.
final class ZipEntryReader: DecompressedChunks {
    /// The entry being read.
    let entry: ZipEntry
    private let archive: [UInt8]
    /// The entry's compressed (or stored) bytes in `archive`.
    private let data: Range<Int>
    private let limits: InflateLimits
    /// The decoder of a deflated entry; nil for a stored one.
    private let inflater: Inflater?
    /// Where the next stored chunk starts.
    private var storedPosition: Int
    /// The buffer stored chunks are copied into, so that a chunk never points into the caller's array.
    private var storedChunk: UnsafeMutableBufferPointer<UInt8>?
    private var checksum = CRC32()
    /// Bytes handed out so far.
    private(set) var totalOutput = 0
    private var isFinished = false

    init(_ archive: [UInt8], entry: ZipEntry, data: Range<Int>, limits: InflateLimits) {
        self.entry = entry
        self.archive = archive
        self.data = data
        self.limits = limits
        self.storedPosition = data.lowerBound
        if entry.method == ZipFormat.methodDeflated {
            inflater = Inflater(archive, range: data, limits: limits)
        } else {
            inflater = nil
        }
    }

    deinit {
        storedChunk?.deallocate()
    }

    /// The next chunk of the entry, or `nil` after the last one once the checks have passed.
    func next() throws(ArchiveError) -> UnsafeBufferPointer<UInt8>? {
        guard !isFinished else {
            return nil
        }
        let chunk: UnsafeBufferPointer<UInt8>?
        if let inflater {
            do {
                chunk = try inflater.next()
            } catch {
                throw .inEntry(entry.name, error)
            }
        } else {
            chunk = try nextStoredChunk()
        }
        guard let chunk else {
            isFinished = true
            guard totalOutput == entry.uncompressedSize else {
                throw .entrySizeMismatch(entry: entry.name, declared: entry.uncompressedSize, actual: totalOutput)
            }
            guard checksum.value == entry.crc32 else {
                throw .entryChecksumMismatch(entry: entry.name)
            }
            return nil
        }
        totalOutput += chunk.count
        guard totalOutput <= entry.uncompressedSize else {
            isFinished = true
            throw .entrySizeMismatch(entry: entry.name, declared: entry.uncompressedSize, actual: totalOutput)
        }
        checksum.update(chunk)
        return chunk
    }

    /// Copies the next piece of a stored entry, within the output limit.
    private func nextStoredChunk() throws(ArchiveError) -> UnsafeBufferPointer<UInt8>? {
        let count = min(Inflater.chunkSize, data.upperBound - storedPosition)
        guard count > 0 else {
            return nil
        }
        guard totalOutput + count <= limits.maximumOutput else {
            throw .inEntry(entry.name, .outputTooLarge(limit: limits.maximumOutput))
        }
        let buffer = storedChunk ?? .allocate(capacity: Inflater.chunkSize)
        storedChunk = buffer
        let start = storedPosition
        archive.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress, let target = buffer.baseAddress else { return }
            target.update(from: base + start, count: count)
        }
        storedPosition += count
        return UnsafeBufferPointer(start: buffer.baseAddress, count: count)
    }
}
