/// One file in a ZIP archive, as its central directory header describes it.
///
/// The sizes and the CRC-32 are what the archive declares; `ZipReader` checks the extracted bytes against them
/// rather than trusting them.
struct ZipEntry: Equatable, Sendable {
    /// The name, `/` between folders; read as UTF-8 whether or not flag bit 11 says so (as most readers do), with
    /// invalid bytes replaced.
    var name: String
    /// The general purpose bit flag.
    var flags: UInt16
    /// The compression method: 0 stored, 8 deflate; others are listed but cannot be extracted.
    var method: UInt16
    /// The CRC-32 of the uncompressed bytes.
    var crc32: UInt32
    /// Bytes of compressed data after the local header.
    var compressedSize: Int
    /// The declared size of the uncompressed bytes.
    var uncompressedSize: Int
    /// Where the entry's local header starts.
    var localHeaderOffset: Int

    /// Whether flag bit 0 marks the entry as encrypted.
    var isEncrypted: Bool { flags & ZipFormat.encryptedFlag != 0 }
}

/// Reads a ZIP archive (PKWARE APPNOTE.TXT) held in memory: lists its entries from the central directory and
/// extracts them, whole or in chunks.
///
/// The end-of-central-directory record is found by searching back over an archive comment; ZIP64 archives (the
/// ZIP64 end record and locator, and ZIP64 extra fields in central headers) are read. Entries stored (method 0) or
/// deflated (method 8) can be extracted; the CRC-32 is checked, and the declared uncompressed size is never trusted
/// for memory: the inflater's own limits apply, and output that differs from the declared size is an error.
/// Nothing is written to disk, so names with `..` or a leading `/` are only names.
struct ZipReader {
    /// The whole archive.
    let bytes: [UInt8]
    /// The entries in central directory order.
    let entries: [ZipEntry]
    /// Index into `entries` by name; the first entry wins when a name repeats.
    private let indexByName: [String: Int]

    /// Whether `bytes` starts like a ZIP archive: a local file header, or the end record of an empty archive.
    static func isZip(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 4 else {
            return false
        }
        let signature = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
        return signature == ZipFormat.localHeaderSignature || signature == ZipFormat.endRecordSignature
    }

    /// Reads the central directory of the archive `bytes`.
    ///
    /// - Throws: `ArchiveError.noEndOfCentralDirectory`, `.malformedCentralDirectory` or `.multiDiskArchive`.
    /// - Complexity: O(n) in the size of the central directory, plus a search of at most 64 KiB for its end.
    init(_ bytes: [UInt8]) throws(ArchiveError) {
        self.bytes = bytes
        let layout = try ZipReader.findCentralDirectory(bytes)
        var entries: [ZipEntry] = []
        var position = layout.offset
        let directoryEnd = layout.offset + layout.size
        for _ in 0..<layout.entryCount {
            let (entry, next) = try ZipReader.readCentralHeader(bytes, at: position, directoryEnd: directoryEnd)
            entries.append(entry)
            position = next
        }
        self.entries = entries
        var index: [String: Int] = [:]
        for (offset, entry) in entries.enumerated() where index[entry.name] == nil {
            index[entry.name] = offset
        }
        indexByName = index
    }

    /// The entry named `name`, matched exactly, else ignoring ASCII case (OPC part names are case-insensitive).
    func entry(named name: String) -> ZipEntry? {
        if let index = indexByName[name] {
            return entries[index]
        }
        let folded = name.lowercased()
        return entries.first { $0.name.lowercased() == folded }
    }

    /// The uncompressed bytes of `entry`, checked against its CRC-32 and declared size.
    func extract(_ entry: ZipEntry, limits: InflateLimits = .standard) throws(ArchiveError) -> [UInt8] {
        let reader = try open(entry, limits: limits)
        var result: [UInt8] = []
        while let chunk = try reader.next() {
            result.append(contentsOf: chunk)
        }
        return result
    }

    /// The uncompressed bytes of the entry named `name`.
    ///
    /// - Throws: `ArchiveError.entryNotFound` when there is none, or as `extract(_:limits:)`.
    func extract(named name: String, limits: InflateLimits = .standard) throws(ArchiveError) -> [UInt8] {
        guard let entry = entry(named: name) else {
            throw .entryNotFound(name)
        }
        return try extract(entry, limits: limits)
    }

    /// A reader that hands `entry`'s uncompressed bytes out in chunks, checking them at the end.
    ///
    /// - Throws: `ArchiveError.encryptedEntry`, `.unsupportedMethod` or `.malformedLocalHeader` at once; the
    ///   reader throws the rest.
    func open(_ entry: ZipEntry, limits: InflateLimits = .standard) throws(ArchiveError) -> ZipEntryReader {
        guard !entry.isEncrypted else {
            throw .encryptedEntry(entry.name)
        }
        guard entry.method == ZipFormat.methodStored || entry.method == ZipFormat.methodDeflated else {
            throw .unsupportedMethod(entry: entry.name, method: Int(entry.method))
        }
        let header = entry.localHeaderOffset
        guard header >= 0, header <= bytes.count - ZipFormat.localHeaderSize,
            ZipReader.uint32(bytes, header) == ZipFormat.localHeaderSignature
        else {
            throw .malformedLocalHeader(entry: entry.name)
        }
        let nameLength = Int(ZipReader.uint16(bytes, header + 26))
        let extraLength = Int(ZipReader.uint16(bytes, header + 28))
        let dataStart = header + ZipFormat.localHeaderSize + nameLength + extraLength
        guard entry.compressedSize >= 0, dataStart <= bytes.count, entry.compressedSize <= bytes.count - dataStart
        else {
            throw .malformedLocalHeader(entry: entry.name)
        }
        return ZipEntryReader(
            bytes, entry: entry, data: dataStart..<(dataStart + entry.compressedSize), limits: limits)
    }

    // MARK: Central directory

    /// Where the central directory is and how many entries it holds.
    private struct DirectoryLayout {
        var offset: Int
        var size: Int
        var entryCount: Int
    }

    /// Finds the end-of-central-directory record (and the ZIP64 one when there is a locator) and checks that the
    /// central directory it points to lies inside the archive, before the end record.
    private static func findCentralDirectory(_ bytes: [UInt8]) throws(ArchiveError) -> DirectoryLayout {
        let lastStart = bytes.count - ZipFormat.endRecordSize
        guard lastStart >= 0 else {
            throw .noEndOfCentralDirectory
        }
        var end = -1
        var candidate = lastStart
        let firstStart = max(0, lastStart - ZipFormat.maximumCommentLength)
        while candidate >= firstStart {
            if bytes[candidate] == 0x50, uint32(bytes, candidate) == ZipFormat.endRecordSignature,
                candidate + ZipFormat.endRecordSize + Int(uint16(bytes, candidate + 20)) <= bytes.count
            {
                end = candidate
                break
            }
            candidate -= 1
        }
        guard end >= 0 else {
            throw .noEndOfCentralDirectory
        }
        var layout = DirectoryLayout(
            offset: Int(uint32(bytes, end + 16)), size: Int(uint32(bytes, end + 12)),
            entryCount: Int(uint16(bytes, end + 10)))
        var directoryLimit = end
        let locator = end - ZipFormat.zip64LocatorSize
        if locator >= 0, uint32(bytes, locator) == ZipFormat.zip64LocatorSignature {
            let record = uint64(bytes, locator + 8)
            guard record >= 0, record <= locator - ZipFormat.zip64EndRecordSize,
                uint32(bytes, record) == ZipFormat.zip64EndRecordSignature
            else {
                throw .malformedCentralDirectory(
                    offset: locator, problem: "the ZIP64 locator points to no ZIP64 record")
            }
            guard uint32(bytes, record + 16) == 0, uint32(bytes, record + 20) == 0,
                uint64(bytes, record + 24) == uint64(bytes, record + 32)
            else {
                throw .multiDiskArchive
            }
            layout = DirectoryLayout(
                offset: uint64(bytes, record + 48), size: uint64(bytes, record + 40),
                entryCount: uint64(bytes, record + 32))
            directoryLimit = record
        } else {
            guard uint16(bytes, end + 4) == 0, uint16(bytes, end + 6) == 0,
                uint16(bytes, end + 8) == uint16(bytes, end + 10)
            else {
                throw .multiDiskArchive
            }
        }
        guard layout.offset >= 0, layout.size >= 0, layout.offset <= directoryLimit,
            layout.size <= directoryLimit - layout.offset
        else {
            throw .malformedCentralDirectory(offset: end, problem: "the directory lies outside the archive")
        }
        guard layout.entryCount >= 0, layout.entryCount <= layout.size / ZipFormat.centralHeaderSize else {
            throw .malformedCentralDirectory(offset: end, problem: "more entries than the directory has room for")
        }
        return layout
    }

    /// Reads the central directory header at `position` and returns the entry and where the next header starts.
    private static func readCentralHeader(
        _ bytes: [UInt8], at position: Int, directoryEnd: Int
    ) throws(ArchiveError) -> (ZipEntry, Int) {
        guard position <= directoryEnd - ZipFormat.centralHeaderSize,
            uint32(bytes, position) == ZipFormat.centralHeaderSignature
        else {
            throw .malformedCentralDirectory(offset: position, problem: "no central directory header here")
        }
        let nameLength = Int(uint16(bytes, position + 28))
        let extraLength = Int(uint16(bytes, position + 30))
        let commentLength = Int(uint16(bytes, position + 32))
        let nameStart = position + ZipFormat.centralHeaderSize
        let next = nameStart + nameLength + extraLength + commentLength
        guard next <= directoryEnd else {
            throw .malformedCentralDirectory(offset: position, problem: "a header runs past the directory's end")
        }
        var entry = ZipEntry(
            name: String(decoding: bytes[nameStart..<(nameStart + nameLength)], as: UTF8.self),
            flags: uint16(bytes, position + 8), method: uint16(bytes, position + 10),
            crc32: uint32(bytes, position + 16), compressedSize: Int(uint32(bytes, position + 20)),
            uncompressedSize: Int(uint32(bytes, position + 24)), localHeaderOffset: Int(uint32(bytes, position + 42)))
        try applyZip64Extra(
            bytes, extra: (nameStart + nameLength)..<(nameStart + nameLength + extraLength), to: &entry,
            header: position)
        return (entry, next)
    }

    /// Replaces the fields a central header marks with 0xFFFFFFFF by the 64-bit values of its ZIP64 extra field,
    /// which come in the order uncompressed size, compressed size, local header offset (APPNOTE 4.5.3).
    private static func applyZip64Extra(
        _ bytes: [UInt8], extra: Range<Int>, to entry: inout ZipEntry, header: Int
    ) throws(ArchiveError) {
        let marker = Int(UInt32.max)
        guard entry.uncompressedSize == marker || entry.compressedSize == marker || entry.localHeaderOffset == marker
        else {
            return
        }
        var field = extra.lowerBound
        while field + 4 <= extra.upperBound {
            let id = uint16(bytes, field)
            let size = Int(uint16(bytes, field + 2))
            let dataEnd = field + 4 + size
            guard dataEnd <= extra.upperBound else {
                break
            }
            if id == ZipFormat.zip64ExtraFieldID {
                var value = field + 4
                func take() throws(ArchiveError) -> Int {
                    guard value + 8 <= dataEnd else {
                        throw .malformedCentralDirectory(offset: header, problem: "a ZIP64 extra field is too short")
                    }
                    defer { value += 8 }
                    let read = uint64(bytes, value)
                    guard read >= 0 else {
                        throw .malformedCentralDirectory(offset: header, problem: "a ZIP64 size past 2^63")
                    }
                    return read
                }
                if entry.uncompressedSize == marker {
                    entry.uncompressedSize = try take()
                }
                if entry.compressedSize == marker {
                    entry.compressedSize = try take()
                }
                if entry.localHeaderOffset == marker {
                    entry.localHeaderOffset = try take()
                }
                return
            }
            field = dataEnd
        }
        throw .malformedCentralDirectory(offset: header, problem: "sizes marked ZIP64 but no ZIP64 extra field")
    }

    // MARK: Little-endian fields (callers check the bounds)

    static func uint16(_ bytes: [UInt8], _ offset: Int) -> UInt16 {
        UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    static func uint32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(uint16(bytes, offset)) | UInt32(uint16(bytes, offset + 2)) << 16
    }

    /// A 64-bit field as an `Int`; values of 2^63 and more come out negative, which callers reject.
    static func uint64(_ bytes: [UInt8], _ offset: Int) -> Int {
        Int(truncatingIfNeeded: UInt64(uint32(bytes, offset)) | UInt64(uint32(bytes, offset + 4)) << 32)
    }
}
