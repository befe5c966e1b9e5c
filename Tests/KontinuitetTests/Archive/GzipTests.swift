import Foundation
import XCTest

@testable import Kontinuitet

/// The gzip reader against files made by Python's gzip and zlib modules.
final class GzipTests: XCTestCase {
    /// Makes the test files; each `NAME.gz` decompresses to `NAME.raw`.
    private static let script = """
        import gzip, struct, zlib
        text = "".join("P%d;U%05d;2024-01-%02d 07:%02d\\n" % (i % 7, i * 37 % 99991, i % 28 + 1, i % 60)
                       for i in range(50000)).encode()
        def member(data, flags=0, extra=b"", name=b"", comment=b""):
            header = b"\\x1f\\x8b\\x08" + bytes([flags]) + struct.pack("<I", 1700000000) + b"\\x00\\x03"
            if flags & 4: header += struct.pack("<H", len(extra)) + extra
            if flags & 8: header += name + b"\\x00"
            if flags & 16: header += comment + b"\\x00"
            if flags & 2: header += struct.pack("<H", zlib.crc32(header) & 0xFFFF)
            c = zlib.compressobj(6, zlib.DEFLATED, -15)
            return header + c.compress(data) + c.flush() + struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)
        files = {
            "plain": (gzip.compress(text, 6, mtime=0), text),
            "empty": (gzip.compress(b"", 6, mtime=0), b""),
            "allflags": (member(text[:5000], 2 | 4 | 8 | 16, b"AB\\x02\\x00xy", "besök.csv".encode("latin-1"),
                                b"export"), text[:5000]),
            "members": (gzip.compress(text[:1000]) + gzip.compress(b"") + member(text[1000:], 8, name=b"b.csv")
                        + b"\\x00" * 7, text),
        }
        for name, (compressed, raw) in files.items():
            open(name + ".gz", "wb").write(compressed)
            open(name + ".raw", "wb").write(raw)
        """

    private func makeFiles() throws -> TemporaryDirectory {
        let directory = TemporaryDirectory()
        _ = try PythonReference.run(GzipTests.script, in: directory.path)
        return directory
    }

    func testReadsWhatPythonWrote() throws {
        // plain: gzip.compress; empty: a member of nothing; allflags: FEXTRA, FNAME, FCOMMENT and FHCRC all set;
        // members: three members (one empty) and zero padding, read as one stream as `gzip -d` does.
        let directory = try makeFiles()
        for name in ["plain", "empty", "allflags", "members"] {
            let file = try PythonReference.read(name + ".gz", in: directory.path)
            let expected = try PythonReference.read(name + ".raw", in: directory.path)
            XCTAssertTrue(GzipReader.isGzip(file), name)
            XCTAssertTrue(try GzipReader.decompress(file) == expected, name)
        }
    }

    func testStreamsMultiMemberFilesInChunks() throws {
        let directory = try makeFiles()
        let file = try PythonReference.read("members.gz", in: directory.path)
        let expected = try PythonReference.read("members.raw", in: directory.path)
        let reader = try GzipReader(file)
        var joined: [UInt8] = []
        var chunks = 0
        while let chunk = try reader.next() {
            joined.append(contentsOf: chunk)
            chunks += 1
        }
        // Member one gives one chunk, the empty member none, member three (about 1.6 MB) several.
        XCTAssertGreaterThanOrEqual(chunks, 4)
        XCTAssertTrue(joined == expected)
        XCTAssertEqual(reader.totalOutput, expected.count)
    }

    func testNotGzip() {
        for bytes: [UInt8] in [[], [0x1F], Array("provider;user\n".utf8), [0x50, 0x4B, 0x03, 0x04]] {
            XCTAssertFalse(GzipReader.isGzip(bytes))
            XCTAssertThrowsError(try GzipReader.decompress(bytes)) { error in
                XCTAssertEqual(error as? ArchiveError, .notGzip)
            }
        }
    }

    func testDamagedTrailerHeaderAndPaddingThrow() throws {
        let directory = try makeFiles()
        let plain = try PythonReference.read("plain.gz", in: directory.path)
        let withFlags = try PythonReference.read("allflags.gz", in: directory.path)
        let count = plain.count

        var badCRC = plain
        badCRC[count - 8] ^= 0x01
        XCTAssertThrowsError(try GzipReader.decompress(badCRC)) { error in
            XCTAssertEqual(error as? ArchiveError, .gzipChecksumMismatch(member: 1))
        }

        var badSize = plain
        badSize[count - 4] ^= 0x01
        XCTAssertThrowsError(try GzipReader.decompress(badSize)) { error in
            guard case .gzipSizeMismatch(1, _, _) = error as? ArchiveError else { return XCTFail("\(error)") }
        }

        // The header CRC covers the header; byte 4 is part of MTIME.
        var badHeader = withFlags
        badHeader[4] ^= 0x01
        XCTAssertThrowsError(try GzipReader.decompress(badHeader)) { error in
            XCTAssertEqual(error as? ArchiveError, .gzipHeaderChecksumMismatch(offset: 0))
        }

        var method = plain
        method[2] = 7
        XCTAssertThrowsError(try GzipReader.decompress(method)) { error in
            XCTAssertEqual(error as? ArchiveError, .unsupportedGzipMethod(offset: 0, method: 7))
        }

        var reserved = plain
        reserved[3] = 0x20
        XCTAssertThrowsError(try GzipReader.decompress(reserved)) { error in
            XCTAssertEqual(error as? ArchiveError, .reservedGzipFlags(offset: 0))
        }

        XCTAssertThrowsError(try GzipReader.decompress(plain + [0, 0, 0x41, 0x42])) { error in
            XCTAssertEqual(error as? ArchiveError, .trailingGarbage(offset: count + 2))
        }
        XCTAssertThrowsError(try GzipReader.decompress(plain + [0x1F, 0x8B, 8])) { error in
            XCTAssertEqual(error as? ArchiveError, .truncatedGzipMember(offset: count))
        }
        for cut in [count - 1, count - 8, count - 9, 11, 5] {
            XCTAssertThrowsError(try GzipReader.decompress(Array(plain[..<cut])), "cut to \(cut)")
        }
    }
}
