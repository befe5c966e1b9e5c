import Foundation
import XCTest

@testable import Kontinuitet

/// The ZIP reader against archives made by Python's zipfile module and by our own writer.
final class ZipReaderTests: XCTestCase {
    /// Makes the test archives and writes each entry's contents beside them as `NAME.N.raw`.
    private static let script = """
        import io, zipfile
        big = "".join("<row r=\\"%d\\"><c><v>%d</v></c></row>" % (i, i * 7919 % 100003) for i in range(80000)).encode()
        entries = [
            ("xl/worksheets/sheet1.xml", big, zipfile.ZIP_DEFLATED),
            ("stored.txt", b"stored as is", zipfile.ZIP_STORED),
            ("empty.txt", b"", zipfile.ZIP_DEFLATED),
            ("mappar/", b"", zipfile.ZIP_STORED),
            ("../utanför/besök – Åsa.csv", "å;ä;ö\\n".encode(), zipfile.ZIP_DEFLATED),
            ("/absolut.txt", b"x" * 1000, zipfile.ZIP_DEFLATED),
        ]
        def write(path, comment=b"", zip64=False, force=False, seekable=True):
            buffer = io.BytesIO()
            class Unseekable(io.RawIOBase):
                def writable(self): return True
                def write(self, b): return buffer.write(b)
                def tell(self): return buffer.tell()
                def seek(self, *a): raise OSError("unseekable")
                def flush(self): pass
            target = buffer if seekable else Unseekable()
            with zipfile.ZipFile(target, "w") as z:
                for name, data, method in entries:
                    info = zipfile.ZipInfo(name, (2024, 1, 5, 7, 30, 0))
                    info.compress_type = method
                    if force:
                        with z.open(info, "w", force_zip64=True) as f:
                            f.write(data)
                    else:
                        z.writestr(info, data)
                z.comment = comment
            open(path, "wb").write(buffer.getvalue())
        write("plain.zip")
        all_entries, entries = entries, entries[1:]
        write("small.zip", comment=b"kommentar")
        entries = all_entries
        # A comment that itself holds an end-of-central-directory signature, to test the backwards search.
        write("comment.zip", comment=b"PK\\x05\\x06 not the end " + b"c" * 3000)
        write("descriptor.zip", seekable=False)
        write("forced.zip", force=True)
        zipfile.ZIP64_LIMIT = 0
        zipfile.ZIP_FILECOUNT_LIMIT = 0
        write("zip64.zip", force=True)
        with zipfile.ZipFile("bzip2.zip", "w", zipfile.ZIP_BZIP2) as z:
            z.writestr("a.txt", b"bzip2 is not read")
        for index, (name, data, method) in enumerate(entries):
            open("%d.raw" % index, "wb").write(data)
        """

    private struct Reference {
        let directory: TemporaryDirectory
        let names = [
            "xl/worksheets/sheet1.xml", "stored.txt", "empty.txt", "mappar/", "../utanför/besök – Åsa.csv",
            "/absolut.txt",
        ]

        func archive(_ name: String) throws -> [UInt8] { try PythonReference.read(name, in: directory.path) }
        func contents(_ index: Int) throws -> [UInt8] { try PythonReference.read("\(index).raw", in: directory.path) }
    }

    private func reference() throws -> Reference {
        let directory = TemporaryDirectory()
        _ = try PythonReference.run(ZipReaderTests.script, in: directory.path)
        return Reference(directory: directory)
    }

    func testReadsEveryKindOfArchivePythonWrites() throws {
        // plain; a comment holding a false end signature; data descriptors (flag bit 3, sizes only in the central
        // directory); ZIP64 extra fields in local headers (force_zip64); and a full ZIP64 archive, with ZIP64 end
        // record, locator and central extra fields (zipfile's limits set to 0).
        let reference = try reference()
        for archiveName in ["plain.zip", "comment.zip", "descriptor.zip", "forced.zip", "zip64.zip"] {
            let bytes = try reference.archive(archiveName)
            XCTAssertTrue(ZipReader.isZip(bytes))
            let zip = try ZipReader(bytes)
            XCTAssertEqual(zip.entries.map(\.name), reference.names, archiveName)
            for (index, name) in reference.names.enumerated() {
                let expected = try reference.contents(index)
                XCTAssertTrue(try zip.extract(named: name) == expected, "\(archiveName): \(name)")
            }
        }
    }

    func testZip64ArchiveReallyHasZip64Records() throws {
        // Guards the test above: the ZIP64 end record and locator are in the file, and the first central header
        // marks both sizes 0xFFFFFFFF, so they come from its ZIP64 extra field.
        let reference = try reference()
        let bytes = try reference.archive("zip64.zip")
        func offset(of signature: UInt32) -> Int? {
            (0..<(bytes.count - 3)).first { ZipReader.uint32(bytes, $0) == signature }
        }
        XCTAssertNotNil(offset(of: ZipFormat.zip64EndRecordSignature))
        XCTAssertNotNil(offset(of: ZipFormat.zip64LocatorSignature))
        let central = try XCTUnwrap(offset(of: ZipFormat.centralHeaderSignature))
        XCTAssertEqual(ZipReader.uint32(bytes, central + 20), 0xFFFF_FFFF)
        XCTAssertEqual(ZipReader.uint32(bytes, central + 24), 0xFFFF_FFFF)
        let zip = try ZipReader(bytes)
        XCTAssertEqual(zip.entries.first?.uncompressedSize, try reference.contents(0).count)
    }

    func testStreamsALargeEntryInChunks() throws {
        let reference = try reference()
        let zip = try ZipReader(try reference.archive("plain.zip"))
        let entry = try XCTUnwrap(zip.entry(named: "xl/worksheets/sheet1.xml"))
        XCTAssertEqual(entry.method, 8)
        let reader = try zip.open(entry)
        var joined: [UInt8] = []
        var chunks = 0
        while let chunk = try reader.next() {
            joined.append(contentsOf: chunk)
            chunks += 1
        }
        XCTAssertGreaterThanOrEqual(chunks, 3, "about 2.4 MB in chunks of 512 KiB")
        XCTAssertTrue(joined == (try reference.contents(0)))
    }

    func testStreamsALargeStoredEntryInChunks() throws {
        // 1.3 MB stored by our writer: copied out in chunks of at most 512 KiB, CRC-32 checked at the end.
        let contents = (0..<1_300_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 9) }
        var archive = ZipArchive()
        try archive.addFile(path: "stort.bin", contents: contents)
        let zip = try ZipReader(archive.bytes())
        let reader = try zip.open(try XCTUnwrap(zip.entry(named: "stort.bin")))
        var sizes: [Int] = []
        var joined: [UInt8] = []
        while let chunk = try reader.next() {
            sizes.append(chunk.count)
            joined.append(contentsOf: chunk)
        }
        XCTAssertEqual(sizes, [524_288, 524_288, 251_424])
        XCTAssertTrue(joined == contents)
    }

    func testNamesAreFoundExactlyThenIgnoringCase() throws {
        let zip = try ZipReader(try reference().archive("plain.zip"))
        XCTAssertEqual(zip.entry(named: "stored.txt")?.method, 0)
        XCTAssertEqual(zip.entry(named: "STORED.TXT")?.name, "stored.txt")
        XCTAssertNil(zip.entry(named: "missing.txt"))
        XCTAssertThrowsError(try zip.extract(named: "missing.txt")) { error in
            XCTAssertEqual(error as? ArchiveError, .entryNotFound("missing.txt"))
        }
    }

    func testReadsOurOwnWriter() throws {
        var archive = ZipArchive()
        try archive.addFile(path: "[Content_Types].xml", contents: Array("<Types/>".utf8))
        try archive.addFile(path: "xl/tom.xml", contents: [])
        let zip = try ZipReader(archive.bytes())
        XCTAssertEqual(zip.entries.map(\.name), ["[Content_Types].xml", "xl/tom.xml"])
        XCTAssertEqual(try zip.extract(named: "[Content_Types].xml"), Array("<Types/>".utf8))
        XCTAssertEqual(try zip.extract(named: "xl/tom.xml"), [])
        XCTAssertTrue(ZipReader.isZip(ZipArchive().bytes()), "an empty archive is only its end record")
        XCTAssertEqual(try ZipReader(ZipArchive().bytes()).entries, [])
    }

    /// The offset of the first central directory header of `bytes`.
    private func centralDirectoryStart(_ bytes: [UInt8]) throws -> Int {
        let end = bytes.count - 22
        XCTAssertEqual(ZipReader.uint32(bytes, end), ZipFormat.endRecordSignature)
        return Int(ZipReader.uint32(bytes, end + 16))
    }

    func testEncryptedUnsupportedAndMismatchedEntriesThrow() throws {
        var archive = ZipArchive()
        try archive.addFile(path: "a.txt", contents: Array("hemtjänst".utf8))
        let bytes = archive.bytes()
        let central = try centralDirectoryStart(bytes)

        var encrypted = bytes
        encrypted[central + 8] |= 1
        XCTAssertThrowsError(try ZipReader(encrypted).extract(named: "a.txt")) { error in
            XCTAssertEqual(error as? ArchiveError, .encryptedEntry("a.txt"))
        }

        var badCRC = bytes
        badCRC[central + 16] ^= 0xFF
        XCTAssertThrowsError(try ZipReader(badCRC).extract(named: "a.txt")) { error in
            XCTAssertEqual(error as? ArchiveError, .entryChecksumMismatch(entry: "a.txt"))
        }

        // "hemtjänst" is 10 bytes in UTF-8; declare 9, then 11. The stored size (compressed) stays 10.
        for declared in [9, 11] {
            var badSize = bytes
            badSize[central + 24] = UInt8(declared)
            XCTAssertThrowsError(try ZipReader(badSize).extract(named: "a.txt")) { error in
                XCTAssertEqual(
                    error as? ArchiveError, .entrySizeMismatch(entry: "a.txt", declared: declared, actual: 10))
            }
        }

        var badLocal = bytes
        badLocal[central + 42] = 5
        XCTAssertThrowsError(try ZipReader(badLocal).extract(named: "a.txt")) { error in
            XCTAssertEqual(error as? ArchiveError, .malformedLocalHeader(entry: "a.txt"))
        }

        let bzip2 = try ZipReader(try reference().archive("bzip2.zip"))
        XCTAssertThrowsError(try bzip2.extract(named: "a.txt")) { error in
            XCTAssertEqual(error as? ArchiveError, .unsupportedMethod(entry: "a.txt", method: 12))
        }
    }

    func testDeflateErrorsNameTheEntry() throws {
        let reference = try reference()
        var bytes = try reference.archive("plain.zip")
        let zip = try ZipReader(bytes)
        let entry = try XCTUnwrap(zip.entry(named: "/absolut.txt"))
        // Cut the entry's deflate data short by declaring a smaller compressed size: 2 bytes of data.
        let central = try centralDirectoryStart(bytes)
        var position = central
        for _ in 0..<5 {
            position += 46 + Int(ZipReader.uint16(bytes, position + 28)) + Int(ZipReader.uint16(bytes, position + 30))
        }
        XCTAssertEqual(Int(ZipReader.uint32(bytes, position + 42)), entry.localHeaderOffset)
        bytes[position + 20] = 2
        bytes[position + 21] = 0
        bytes[position + 22] = 0
        bytes[position + 23] = 0
        XCTAssertThrowsError(try ZipReader(bytes).extract(named: "/absolut.txt")) { error in
            guard case .inEntry("/absolut.txt", .truncatedStream) = error as? ArchiveError else {
                return XCTFail("\(error)")
            }
        }
    }

    func testNotAnArchiveAndDamagedDirectoriesThrowNeverCrash() throws {
        for bytes: [UInt8] in [[], Array("provider;user\n".utf8), [UInt8](repeating: 0, count: 100)] {
            XCTAssertFalse(ZipReader.isZip(bytes))
            XCTAssertThrowsError(try ZipReader(bytes)) { error in
                XCTAssertEqual(error as? ArchiveError, .noEndOfCentralDirectory)
            }
        }
        // Every cut of a small archive, and random byte changes near its end (where the directory is): each read
        // ends with entries or an error.
        let small = try reference().archive("small.zip")
        var state: UInt64 = 12345
        func random(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % bound
        }
        let limits = InflateLimits(maximumOutput: 1 << 20, maximumRatio: 1000)
        var failures = 0
        for trial in 0..<(small.count + 1500) {
            var bytes = small
            if trial < small.count {
                bytes = Array(small.prefix(trial))
            } else {
                for _ in 0...random(4) {
                    bytes[bytes.count - 1 - random(bytes.count)] = UInt8(random(256))
                }
            }
            do {
                let zip = try ZipReader(bytes)
                for entry in zip.entries {
                    _ = try zip.extract(entry, limits: limits)
                }
            } catch {
                failures += 1
            }
        }
        XCTAssertGreaterThan(failures, small.count, "every cut fails, and some changes")
    }
}
