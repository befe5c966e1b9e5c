/// A ZIP archive built in memory, every entry stored as is (method 0, no compression), as an XLSX package needs.
///
/// The output is byte-for-byte deterministic: entries keep the order they were added in, every timestamp is the
/// DOS epoch 1980-01-01 00:00, and there are no extra fields, comments or file attributes. Names are UTF-8 with
/// general purpose flag bit 11 set. ZIP64 is not written, so the archive is limited to 65,535 entries and 4 GiB;
/// `addFile(path:contents:)` refuses an entry that would pass those limits instead of writing a broken file.
///
/// Layout (APPNOTE.TXT 4.3): for each entry a local file header and the bytes, then one central directory header
/// per entry, then the end-of-central-directory record.
struct ZipArchive: Sendable {
    /// The local file headers and entry data, in the order added.
    private var body: [UInt8] = []
    /// One central directory header per entry, in the same order.
    private var centralDirectory: [UInt8] = []
    /// Names already added, to refuse duplicates.
    private var paths: Set<String> = []

    /// The number of entries added so far.
    private(set) var entryCount = 0

    /// "Version needed to extract" and "version made by": 2.0, MS-DOS host so that unzip applies default permissions.
    private static let version: UInt16 = 20
    /// DOS time 00:00:00.
    private static let dosTime: UInt16 = 0
    /// DOS date 1980-01-01: year offset 0 (bits 9-15), month 1 (bits 5-8), day 1 (bits 0-4).
    private static let dosDate: UInt16 = (0 << 9) | (1 << 5) | 1
    /// Central directory entries allowed without ZIP64 (0xFFFF itself is ZIP64's marker).
    private static let maximumEntries = 0xFFFE

    /// Creates an empty archive.
    init() {}

    /// Appends an entry named `path` holding `contents`, stored without compression.
    ///
    /// - Parameters:
    ///   - path: the name inside the archive, relative, with `/` between folders (`xl/worksheets/sheet1.xml`).
    ///   - contents: the bytes of the entry.
    /// - Throws: `XLSXError.invalidArchivePath` or `.duplicateArchivePath` for a bad name, `.archiveTooLarge` when
    ///   the archive would pass 4 GiB or 65,535 entries.
    /// - Complexity: O(n) in the size of `contents` (one CRC pass and one copy).
    mutating func addFile(path: String, contents: [UInt8]) throws(XLSXError) {
        let name = Array(path.utf8)
        guard ZipArchive.isValidPath(path), name.count <= Int(UInt16.max) else {
            throw .invalidArchivePath(path)
        }
        guard !paths.contains(path) else {
            throw .duplicateArchivePath(path)
        }
        let localHeaderSize = ZipFormat.localHeaderSize + name.count
        let centralHeaderSize = ZipFormat.centralHeaderSize + name.count
        let endRecordSize = ZipFormat.endRecordSize
        let finalSize =
            body.count + localHeaderSize + contents.count + centralDirectory.count + centralHeaderSize
            + endRecordSize
        guard entryCount < ZipArchive.maximumEntries, finalSize <= Int(UInt32.max) else {
            throw .archiveTooLarge(path: path)
        }

        let crc = CRC32.checksum(contents)
        let size = UInt32(contents.count)
        let localHeaderOffset = UInt32(body.count)

        body.reserveCapacity(body.count + localHeaderSize + contents.count)
        body.appendLittleEndian(ZipFormat.localHeaderSignature)
        body.appendLittleEndian(ZipArchive.version)  // version needed to extract
        body.appendLittleEndian(ZipFormat.utf8NameFlag)
        body.appendLittleEndian(ZipFormat.methodStored)
        body.appendLittleEndian(ZipArchive.dosTime)
        body.appendLittleEndian(ZipArchive.dosDate)
        body.appendLittleEndian(crc)
        body.appendLittleEndian(size)  // compressed size
        body.appendLittleEndian(size)  // uncompressed size
        body.appendLittleEndian(UInt16(name.count))
        body.appendLittleEndian(UInt16(0))  // extra field length
        body.append(contentsOf: name)
        body.append(contentsOf: contents)

        centralDirectory.appendLittleEndian(ZipFormat.centralHeaderSignature)
        centralDirectory.appendLittleEndian(ZipArchive.version)  // version made by: MS-DOS, 2.0
        centralDirectory.appendLittleEndian(ZipArchive.version)  // version needed to extract
        centralDirectory.appendLittleEndian(ZipFormat.utf8NameFlag)
        centralDirectory.appendLittleEndian(ZipFormat.methodStored)
        centralDirectory.appendLittleEndian(ZipArchive.dosTime)
        centralDirectory.appendLittleEndian(ZipArchive.dosDate)
        centralDirectory.appendLittleEndian(crc)
        centralDirectory.appendLittleEndian(size)  // compressed size
        centralDirectory.appendLittleEndian(size)  // uncompressed size
        centralDirectory.appendLittleEndian(UInt16(name.count))
        centralDirectory.appendLittleEndian(UInt16(0))  // extra field length
        centralDirectory.appendLittleEndian(UInt16(0))  // file comment length
        centralDirectory.appendLittleEndian(UInt16(0))  // disk number start
        centralDirectory.appendLittleEndian(UInt16(0))  // internal file attributes
        centralDirectory.appendLittleEndian(UInt32(0))  // external file attributes
        centralDirectory.appendLittleEndian(localHeaderOffset)
        centralDirectory.append(contentsOf: name)

        paths.insert(path)
        entryCount += 1
    }

    /// The finished archive: entries, central directory and end-of-central-directory record.
    ///
    /// - Complexity: O(n) in the archive size (one copy).
    func bytes() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(body.count + centralDirectory.count + ZipFormat.endRecordSize)
        output.append(contentsOf: body)
        output.append(contentsOf: centralDirectory)
        output.appendLittleEndian(ZipFormat.endRecordSignature)
        output.appendLittleEndian(UInt16(0))  // number of this disk
        output.appendLittleEndian(UInt16(0))  // disk where the central directory starts
        output.appendLittleEndian(UInt16(entryCount))  // entries on this disk
        output.appendLittleEndian(UInt16(entryCount))  // entries in all
        output.appendLittleEndian(UInt32(centralDirectory.count))
        output.appendLittleEndian(UInt32(body.count))  // offset of the central directory
        output.appendLittleEndian(UInt16(0))  // comment length
        return output
    }

    /// Whether `path` is a safe entry name: non-empty, relative, `/`-separated, no empty, `.` or `..` parts.
    static func isValidPath(_ path: String) -> Bool {
        guard !path.isEmpty, !path.contains("\\") else {
            return false
        }
        return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { part in
            !part.isEmpty && part != "." && part != ".."
        }
    }
}

extension Array where Element == UInt8 {
    /// Appends `value` in little-endian byte order, as every ZIP field is stored.
    fileprivate mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        var remaining = value.littleEndian
        Swift.withUnsafeBytes(of: &remaining) { append(contentsOf: $0) }
    }
}
