/// What an input file is, told by its first bytes (never by its name), and how it becomes the UTF-8 or
/// Windows-1252 CSV text the row readers read.
///
/// Plain text (UTF-8, with or without BOM, or Windows-1252) with LF or CRLF line ends is read as it is, from the
/// mapped file. Everything else is converted once into memory: UTF-16 with a byte-order mark (Excel's "Unicode
/// text") to UTF-8, and text whose lines end in CR alone (old Mac exports) to LF. Formats the tool cannot read
/// (.xls, .ods, PDF, other binary files) are refused with a message saying what to save the file as.
enum InputFormat: Equatable {
    /// UTF-8 or Windows-1252 text with LF or CRLF line ends.
    case text
    /// Text whose lines end in CR alone.
    case carriageReturnText
    case utf16LittleEndian
    case utf16BigEndian
    /// A gzip stream (`1F 8B`).
    case gzip
    /// A ZIP archive (`PK 03 04`, or `PK 05 06` for an empty one): an XLSX workbook or something else.
    case zip
    /// A format that cannot be read, with its name and what to save it as.
    case unsupported(name: String, advice: String)

    /// How much of the start of a file is looked at.
    static let sniffLength = 65_536

    /// Tells the format of a file from its first bytes.
    static func detect(_ bytes: UnsafeBufferPointer<UInt8>) -> InputFormat {
        func starts(with magic: [UInt8]) -> Bool {
            bytes.count >= magic.count && Swift.zip(bytes, magic).allSatisfy { $0 == $1 }
        }
        if starts(with: [0xFF, 0xFE]) { return .utf16LittleEndian }
        if starts(with: [0xFE, 0xFF]) { return .utf16BigEndian }
        if starts(with: [0x1F, 0x8B]) { return .gzip }
        if starts(with: [0x50, 0x4B, 0x03, 0x04]) || starts(with: [0x50, 0x4B, 0x05, 0x06]) { return .zip }
        if starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            return .unsupported(
                name: "an Excel 97–2003 workbook (.xls) or another OLE2 document",
                advice: "open it in Excel or LibreOffice and save it as .xlsx, or as CSV (UTF-8)")
        }
        if starts(with: Array("%PDF".utf8)) {
            return .unsupported(
                name: "a PDF document", advice: "export the data from the system that made it as CSV or .xlsx")
        }
        if starts(with: [0x42, 0x5A, 0x68]) || starts(with: [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00])
            || starts(with: [0x28, 0xB5, 0x2F, 0xFD])
        {
            return .unsupported(
                name: "a bzip2, xz or zstd archive", advice: "unpack it first, or compress it with gzip (.csv.gz)")
        }
        let sample = UnsafeBufferPointer(rebasing: bytes[0..<min(bytes.count, sniffLength)])
        // A stray NUL in an export is a field's problem, not the file's: binary files are full of them.
        if sample.lazy.filter({ $0 == 0 }).count > max(8, sample.count / 64) {
            return .unsupported(
                name: "a binary file, not text", advice: "save it as CSV (UTF-8) or .xlsx")
        }
        if sample.contains(CSVScanner.carriageReturn) && !sample.contains(CSVScanner.newline) {
            return .carriageReturnText
        }
        return .text
    }

    /// The bytes of CR-only text with every CR turned into LF (a CR inside a quoted field too: it was that
    /// file's line break).
    ///
    /// - Complexity: O(n).
    static func lineFeedText(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out = [UInt8](bytes)
        for i in out.indices where out[i] == CSVScanner.carriageReturn { out[i] = CSVScanner.newline }
        return out
    }

    /// UTF-16 text (after its byte-order mark) decoded to UTF-8; an unpaired surrogate becomes U+FFFD, and an odd
    /// last byte is dropped.
    ///
    /// - Complexity: O(n).
    static func utf8Text(fromUTF16 bytes: UnsafeBufferPointer<UInt8>, bigEndian: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count / 2 + bytes.count / 8)
        let units = (bytes.count - 2) / 2
        var index = 0
        func unit(_ k: Int) -> UInt16 {
            let a = UInt16(bytes[2 + 2 * k])
            let b = UInt16(bytes[3 + 2 * k])
            return bigEndian ? a << 8 | b : b << 8 | a
        }
        func append(_ scalar: UInt32) {
            switch scalar {
            case 0..<0x80:
                out.append(UInt8(scalar))
            case 0x80..<0x800:
                out.append(UInt8(0xC0 | scalar >> 6))
                out.append(UInt8(0x80 | scalar & 0x3F))
            case 0x800..<0x10000:
                out.append(UInt8(0xE0 | scalar >> 12))
                out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
                out.append(UInt8(0x80 | scalar & 0x3F))
            default:
                out.append(UInt8(0xF0 | scalar >> 18))
                out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
                out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
                out.append(UInt8(0x80 | scalar & 0x3F))
            }
        }
        while index < units {
            let first = unit(index)
            index += 1
            if first & 0xFC00 == 0xD800, index < units, case let second = unit(index), second & 0xFC00 == 0xDC00 {
                index += 1
                append(0x10000 + (UInt32(first & 0x3FF) << 10 | UInt32(second & 0x3FF)))
            } else if first & 0xF800 == 0xD800 {
                append(0xFFFD)
            } else {
                append(UInt32(first))
            }
        }
        return out
    }
}

/// The field-count rule (docs/method.md, "Reading the files"): a record whose number of fields differs
/// from the header's is malformed (`field_count`), never padded or cut; only extra fields that are all empty (a
/// trailing delimiter) are tolerated. It catches an unquoted delimiter inside a name and a truncated last line.
enum FieldCountRule {
    /// The header's width: up to its last non-empty cell (a header with trailing delimiters is as wide as its
    /// named columns).
    static func width(ofHeader header: [String]) -> Int {
        (header.lastIndex { !$0.isEmpty } ?? -1) + 1
    }

    /// Why a record of `count` fields does not fit a header of `width` columns, or nil when it does.
    /// `isBlank(i)` tells whether field `i` is empty or blank.
    @inline(__always)
    static func violation(count: Int, width: Int, isBlank: (Int) -> Bool) -> String? {
        if count == width { return nil }
        if count < width {
            return "the row has \(count) fields, the header \(width): a field is missing (a truncated line?)"
        }
        for index in width..<count where !isBlank(index) {
            return "the row has \(count) fields, the header \(width): a delimiter inside an unquoted value?"
        }
        return nil
    }
}
