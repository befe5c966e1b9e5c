import XCTest

@testable import Kontinuitet

final class ZipArchiveTests: XCTestCase {
    // MARK: CRC-32

    func testCRC32OfStandardCheckString() {
        // "123456789" is the check input of every CRC catalogue; CRC-32/ISO-HDLC gives 0xCBF43926.
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)
    }

    func testCRC32OfEmptyInputIsZero() {
        // Initial value 0xFFFFFFFF, no bytes, final XOR 0xFFFFFFFF: 0.
        XCTAssertEqual(CRC32.checksum([]), 0)
        XCTAssertEqual(CRC32().value, 0)
    }

    func testCRC32OfOtherKnownVectors() {
        XCTAssertEqual(CRC32.checksum(Array("a".utf8)), 0xE8B7_BE43)
        XCTAssertEqual(CRC32.checksum(Array("The quick brown fox jumps over the lazy dog".utf8)), 0x414F_A339)
    }

    func testCRC32InPiecesEqualsCRC32AtOnce() {
        let bytes = Array("Hemtjänst i Västerås, 2024".utf8)
        var crc = CRC32()
        crc.update(Array(bytes[..<7]))
        crc.update([])
        crc.update(Array(bytes[7...]))
        XCTAssertEqual(crc.value, CRC32.checksum(bytes))
    }

    func testCRC32MatchesBitwiseReference() {
        // Every byte value, then pseudo-random lengths from a fixed linear congruential sequence.
        XCTAssertEqual(CRC32.checksum(Array(0...255)), TestZipReader.bitwiseCRC32(Array(0...255)))
        var state: UInt64 = 42
        for length in [1, 2, 3, 7, 8, 9, 15, 16, 17, 63, 64, 65, 255, 1000, 4099] {
            let bytes = (0..<length).map { _ -> UInt8 in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return UInt8(truncatingIfNeeded: state >> 33)
            }
            XCTAssertEqual(CRC32.checksum(bytes), TestZipReader.bitwiseCRC32(bytes), "length \(length)")
        }
    }

    // MARK: Archive

    func testArchiveRoundTripsNamesAndContents() throws {
        let files: [(String, [UInt8])] = [
            ("[Content_Types].xml", Array("<Types/>".utf8)),
            ("empty.txt", []),
            ("xl/worksheets/Åsa Öberg – blad.xml", Array("Västerås é".utf8)),
            ("binary/all-bytes.bin", Array(0...255)),
        ]
        var archive = ZipArchive()
        for (path, contents) in files {
            try archive.addFile(path: path, contents: contents)
        }
        XCTAssertEqual(archive.entryCount, 4)

        let entries = try TestZipReader.entries(archive.bytes())
        XCTAssertEqual(entries.map(\.name), files.map(\.0))
        XCTAssertEqual(entries.map(\.contents), files.map(\.1))
    }

    func testEntriesAreStoredUTF8WithFixedDOSTimestamp() throws {
        var archive = ZipArchive()
        try archive.addFile(path: "å.txt", contents: Array("ö".utf8))
        let entry = try XCTUnwrap(TestZipReader.entries(archive.bytes()).first)
        XCTAssertEqual(entry.method, 0, "stored, no compression")
        XCTAssertEqual(entry.flags, 0x0800, "bit 11: UTF-8 name, nothing else")
        XCTAssertEqual(entry.dosTime, 0, "00:00:00")
        // 1980-01-01: year 0 << 9 | month 1 << 5 | day 1.
        XCTAssertEqual(entry.dosDate, 0x0021)
        XCTAssertEqual(entry.crc, CRC32.checksum(Array("ö".utf8)))
    }

    func testLayoutIsHeaderThenDataWithoutGaps() throws {
        var archive = ZipArchive()
        try archive.addFile(path: "a", contents: [1, 2, 3])
        try archive.addFile(path: "bc", contents: [4])
        let bytes = archive.bytes()
        // Local header 30 + name 1 + data 3 = 34; second 30 + 2 + 1 = 33; two central headers 46 + 1 and 46 + 2;
        // end record 22.
        XCTAssertEqual(bytes.count, 34 + 33 + 47 + 48 + 22)
        XCTAssertEqual(Array(bytes[0..<4]), [0x50, 0x4B, 0x03, 0x04])
        XCTAssertEqual(try TestZipReader.entries(bytes).map(\.localHeaderOffset), [0, 34])
    }

    func testEmptyArchiveIsOnlyTheEndRecord() throws {
        let bytes = ZipArchive().bytes()
        XCTAssertEqual(bytes.count, 22)
        XCTAssertEqual(try TestZipReader.entries(bytes), [])
    }

    func testSameFilesGiveSameBytes() throws {
        func build() throws -> [UInt8] {
            var archive = ZipArchive()
            try archive.addFile(path: "x/1.xml", contents: Array("<a/>".utf8))
            try archive.addFile(path: "x/2.xml", contents: Array("<b/>".utf8))
            return archive.bytes()
        }
        XCTAssertEqual(try build(), try build())
    }

    func testUnsafeOrRepeatedPathsAreRefused() throws {
        var archive = ZipArchive()
        for path in ["", "/etc/passwd", "a/../b", "..", "a\\b", "a//b", "a/", "./a"] {
            XCTAssertThrowsError(try archive.addFile(path: path, contents: [])) { error in
                XCTAssertEqual(error as? XLSXError, .invalidArchivePath(path))
            }
        }
        try archive.addFile(path: "a/b.xml", contents: [])
        XCTAssertThrowsError(try archive.addFile(path: "a/b.xml", contents: [1])) { error in
            XCTAssertEqual(error as? XLSXError, .duplicateArchivePath("a/b.xml"))
        }
        XCTAssertEqual(archive.entryCount, 1, "refused entries leave the archive as it was")
        XCTAssertEqual(try TestZipReader.entries(archive.bytes()).count, 1)
    }
}
