/// The record signatures, fixed sizes and flags of the ZIP format (PKWARE APPNOTE.TXT 4.3 and 4.5), shared by
/// `ZipArchive`, which writes archives, and `ZipReader`, which reads them.
///
/// Every multi-byte field of a ZIP archive is little-endian.
enum ZipFormat {
    /// "PK\u{3}\u{4}": starts each local file header.
    static let localHeaderSignature: UInt32 = 0x0403_4B50
    /// "PK\u{1}\u{2}": starts each central directory header.
    static let centralHeaderSignature: UInt32 = 0x0201_4B50
    /// "PK\u{5}\u{6}": starts the end-of-central-directory record.
    static let endRecordSignature: UInt32 = 0x0605_4B50
    /// "PK\u{6}\u{6}": starts the ZIP64 end-of-central-directory record.
    static let zip64EndRecordSignature: UInt32 = 0x0606_4B50
    /// "PK\u{6}\u{7}": starts the ZIP64 end-of-central-directory locator.
    static let zip64LocatorSignature: UInt32 = 0x0706_4B50

    /// Bytes in a local file header before the name and extra field.
    static let localHeaderSize = 30
    /// Bytes in a central directory header before the name, extra field and comment.
    static let centralHeaderSize = 46
    /// Bytes in the end-of-central-directory record before its comment.
    static let endRecordSize = 22
    /// Bytes in the ZIP64 end-of-central-directory record up to and including the central directory offset.
    static let zip64EndRecordSize = 56
    /// Bytes in the ZIP64 end-of-central-directory locator, which sits just before the end record.
    static let zip64LocatorSize = 20
    /// The longest comment an end record can have, so the farthest back it can start from the archive's end.
    static let maximumCommentLength = 0xFFFF

    /// Header ID of the ZIP64 extended information extra field.
    static let zip64ExtraFieldID: UInt16 = 0x0001
    /// General purpose flag bit 0: the entry is encrypted.
    static let encryptedFlag: UInt16 = 1
    /// General purpose flag bit 11: the name (and comment) is UTF-8.
    static let utf8NameFlag: UInt16 = 1 << 11

    /// Compression method 0: the bytes are stored as they are.
    static let methodStored: UInt16 = 0
    /// Compression method 8: the bytes are a raw DEFLATE stream (RFC 1951).
    static let methodDeflated: UInt16 = 8
}
