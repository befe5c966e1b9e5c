/// A small, strict ZIP reader for tests: it trusts nothing the writer claims and checks it all.
///
/// Reads the end-of-central-directory record, walks the central directory, and for each entry checks that the local
/// header agrees with the central one, that the stored sizes match, and that the CRC-32 (computed bit by bit here,
/// independently of the table-driven `CRC32`) matches the data.
enum TestZipReader {
    /// One entry as found in the archive.
    struct Entry: Equatable {
        let name: String
        let flags: UInt16
        let method: UInt16
        let dosTime: UInt16
        let dosDate: UInt16
        let crc: UInt32
        let localHeaderOffset: Int
        let contents: [UInt8]
    }

    /// Why an archive was rejected.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// All entries of `archive` in central directory order.
    static func entries(_ archive: [UInt8]) throws -> [Entry] {
        let endRecord = archive.count - 22
        guard endRecord >= 0, try uint32(archive, endRecord) == 0x0605_4B50 else {
            throw Failure(description: "no end-of-central-directory record in the last 22 bytes")
        }
        let entryCount = Int(try uint16(archive, endRecord + 10))
        guard try uint16(archive, endRecord + 8) == entryCount, try uint16(archive, endRecord + 20) == 0 else {
            throw Failure(description: "disk entry count differs from total, or a comment is present")
        }
        let directorySize = Int(try uint32(archive, endRecord + 12))
        let directoryOffset = Int(try uint32(archive, endRecord + 16))
        guard directoryOffset + directorySize == endRecord else {
            throw Failure(description: "central directory does not end where the end record starts")
        }

        var entries: [Entry] = []
        var position = directoryOffset
        var expectedLocalOffset = 0
        for index in 0..<entryCount {
            guard try uint32(archive, position) == 0x0201_4B50 else {
                throw Failure(description: "entry \(index): no central directory signature at \(position)")
            }
            let flags = try uint16(archive, position + 8)
            let method = try uint16(archive, position + 10)
            let time = try uint16(archive, position + 12)
            let date = try uint16(archive, position + 14)
            let crc = try uint32(archive, position + 16)
            let compressedSize = Int(try uint32(archive, position + 20))
            let size = Int(try uint32(archive, position + 24))
            let nameLength = Int(try uint16(archive, position + 28))
            let extraLength = Int(try uint16(archive, position + 30))
            let commentLength = Int(try uint16(archive, position + 32))
            let localOffset = Int(try uint32(archive, position + 42))
            let nameBytes = try slice(archive, position + 46, nameLength)
            let name = String(decoding: nameBytes, as: UTF8.self)
            guard compressedSize == size else {
                throw Failure(description: "\(name): compressed size \(compressedSize) ≠ size \(size) for stored")
            }
            guard localOffset == expectedLocalOffset else {
                throw Failure(description: "\(name): local header at \(localOffset), expected \(expectedLocalOffset)")
            }

            // The local header must repeat the central header's fields.
            guard try uint32(archive, localOffset) == 0x0403_4B50,
                try uint16(archive, localOffset + 6) == flags,
                try uint16(archive, localOffset + 8) == method,
                try uint16(archive, localOffset + 10) == time,
                try uint16(archive, localOffset + 12) == date,
                try uint32(archive, localOffset + 14) == crc,
                Int(try uint32(archive, localOffset + 18)) == size,
                Int(try uint32(archive, localOffset + 22)) == size,
                Int(try uint16(archive, localOffset + 26)) == nameLength,
                try slice(archive, localOffset + 30, nameLength) == nameBytes
            else {
                throw Failure(description: "\(name): local header disagrees with central directory")
            }
            let localExtra = Int(try uint16(archive, localOffset + 28))
            let contents = try slice(archive, localOffset + 30 + nameLength + localExtra, size)
            guard bitwiseCRC32(contents) == crc else {
                throw Failure(description: "\(name): CRC-32 mismatch")
            }
            entries.append(
                Entry(
                    name: name, flags: flags, method: method, dosTime: time, dosDate: date, crc: crc,
                    localHeaderOffset: localOffset, contents: contents))
            expectedLocalOffset = localOffset + 30 + nameLength + localExtra + size
            position += 46 + nameLength + extraLength + commentLength
        }
        guard expectedLocalOffset == directoryOffset, position == endRecord else {
            throw Failure(description: "gaps or overlaps between entries and central directory")
        }
        return entries
    }

    /// The contents of the entry named `name`, as text.
    static func text(of name: String, in archive: [UInt8]) throws -> String {
        guard let entry = try entries(archive).first(where: { $0.name == name }) else {
            throw Failure(description: "no entry \(name)")
        }
        return String(decoding: entry.contents, as: UTF8.self)
    }

    /// CRC-32 computed one bit at a time, the slow obvious way, as a reference for the table-driven one.
    static func bitwiseCRC32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 {
                crc = (crc >> 1) ^ (crc & 1 == 1 ? 0xEDB8_8320 : 0)
            }
        }
        return ~crc
    }

    private static func slice(_ bytes: [UInt8], _ start: Int, _ count: Int) throws -> [UInt8] {
        guard start >= 0, count >= 0, start + count <= bytes.count else {
            throw Failure(description: "read of \(count) bytes at \(start) passes the end (\(bytes.count))")
        }
        return Array(bytes[start..<(start + count)])
    }

    private static func uint16(_ bytes: [UInt8], _ offset: Int) throws -> UInt16 {
        let raw = try slice(bytes, offset, 2)
        return UInt16(raw[0]) | UInt16(raw[1]) << 8
    }

    private static func uint32(_ bytes: [UInt8], _ offset: Int) throws -> UInt32 {
        let raw = try slice(bytes, offset, 4)
        return raw.enumerated().reduce(0) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
    }
}
