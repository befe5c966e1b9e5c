import Foundation

/// The disclosure check over the files of an output directory, each read as what it is: CSV and JSON as text,
/// `report.html` with its character references decoded, an XLSX workbook part by part.
extension DisclosureCheck {
    /// Every finding in the shareable output `bytes`, staged as `path` (relative to the output directory).
    ///
    /// - An `.xlsx` file is a ZIP of XML parts stored without compression (`ZipArchive`): every part is taken out
    ///   and checked as XML, so a cell's text is checked as written (`forms/p1.xlsx (xl/worksheets/sheet1.xml)` in a
    ///   finding, with the line in the part). A workbook whose parts cannot be taken out is checked as raw bytes.
    /// - `.html` and `.xml` text is checked after its character references (`&amp;`, `&#39;`) are decoded, so that
    ///   "O&#39;Brien" is the name it shows.
    package func scanOutput(_ bytes: [UInt8], path: String) -> [Finding] {
        if path.hasSuffix(".xlsx") {
            guard let parts = StoredZipParts.parts(of: bytes) else { return scan(bytes, file: path) }
            return parts.flatMap { scan(Self.decodingCharacterReferences($0.contents), file: "\(path) (\($0.name))") }
        }
        if path.hasSuffix(".html") || path.hasSuffix(".xml") {
            return scan(Self.decodingCharacterReferences(bytes), file: path)
        }
        return scan(bytes, file: path)
    }

    /// The findings in each file of `files`, checked on up to `threads` threads.
    package func scanEach(_ files: [(path: String, bytes: [UInt8])], threads: Int) -> [[Finding]] {
        let results = ResultSlots<[Finding]>(count: files.count)
        Parallel.forEach(count: files.count, threads: threads) { index in
            results.set(index, scanOutput(files[index].bytes, path: files[index].path))
        }
        return files.indices.map { results.take($0) ?? [] }
    }

    /// The findings in every file of `files`, checked on up to `threads` threads, in the order of `files`.
    package func scanOutputs(_ files: [(path: String, bytes: [UInt8])], threads: Int) -> [Finding] {
        scanEach(files, threads: threads).flatMap { $0 }
    }

    /// `text` with the XML/HTML character references `&amp;` `&lt;` `&gt;` `&quot;` `&apos;` `&#N;` `&#xN;` replaced
    /// by their characters (UTF-8); anything else, and a reference to no valid scalar, is kept as it is. Line breaks
    /// are never added or removed, so line numbers stay those of the file.
    static func decodingCharacterReferences(_ text: [UInt8]) -> [UInt8] {
        guard text.contains(0x26) else { return text }
        var output: [UInt8] = []
        output.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            guard text[i] == 0x26, let end = text[i..<min(text.count, i + 12)].firstIndex(of: 0x3B) else {
                output.append(text[i])
                i += 1
                continue
            }
            let name = String(decoding: text[(i + 1)..<end], as: UTF8.self)
            if let scalar = referencedScalar(name) {
                output.append(contentsOf: Array(String(Character(scalar)).utf8))
                i = end + 1
            } else {
                output.append(text[i])
                i += 1
            }
        }
        return output
    }

    private static func referencedScalar(_ name: String) -> Unicode.Scalar? {
        switch name {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        default:
            guard name.hasPrefix("#") else { return nil }
            let digits = name.dropFirst()
            let value =
                digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            // A reference to a line break would change the line numbers: it stays as written.
            guard let value, value != 0x0A, value != 0x0D else { return nil }
            return Unicode.Scalar(value)
        }
    }
}

/// The entries of a ZIP archive whose entries are stored without compression, as `ZipArchive` writes them: just
/// enough to check an XLSX workbook's parts. Not a general ZIP reader.
enum StoredZipParts {
    /// The entries in archive order; nil when the bytes are not a sequence of stored entries followed by the
    /// central directory (then the caller checks the raw bytes).
    static func parts(of archive: [UInt8]) -> [(name: String, contents: [UInt8])]? {
        var parts: [(name: String, contents: [UInt8])] = []
        var position = 0
        while position + 30 <= archive.count {
            let signature = uint32(archive, position)
            if signature == 0x0201_4B50 || signature == 0x0605_4B50 { return parts }
            guard signature == 0x0403_4B50 else { return nil }
            let flags = uint16(archive, position + 6)
            let method = uint16(archive, position + 8)
            let size = Int(uint32(archive, position + 18))
            let nameLength = Int(uint16(archive, position + 26))
            let extraLength = Int(uint16(archive, position + 28))
            let start = position + 30 + nameLength + extraLength
            // Stored, sizes in the local header (no data descriptor), all inside the archive.
            guard method == 0, flags & 0x0008 == 0, start + size <= archive.count else { return nil }
            let name = String(decoding: archive[(position + 30)..<(position + 30 + nameLength)], as: UTF8.self)
            parts.append((name, Array(archive[start..<(start + size)])))
            position = start + size
        }
        return nil
    }

    private static func uint16(_ bytes: [UInt8], _ at: Int) -> UInt16 {
        UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }

    private static func uint32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(uint16(bytes, at)) | UInt32(uint16(bytes, at + 2)) << 16
    }
}
