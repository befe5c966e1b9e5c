import Foundation
import XCTest

@testable import Kontinuitet

/// What `CSVFile.open` makes of each kind of path: regular files mapped, streams read, the rest refused.
final class MappedFileTests: XCTestCase {
    private let log = "provider,unit,user,staff,start\nP1,E1,B1,S1,2018-09-03 08:00\n"

    func testARegularFileIsMappedWhole() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("visits.csv", log)
        let mapped = try MappedFile(path: path)
        XCTAssertEqual(Array(mapped.buffer), Array(log.utf8))
        XCTAssertEqual(try CSVFile.open(path).header, ["provider", "unit", "user", "staff", "start"])
    }

    func testAnEmptyFileHasNoBytes() throws {
        let directory = TemporaryDirectory()
        let mapped = try MappedFile(path: directory.file("empty.csv", ""))
        XCTAssertEqual(mapped.count, 0)
        XCTAssertThrowsError(try CSVFile.open(directory.file("empty2.csv", ""))) { error in
            XCTAssertEqual(error as? InputError, .empty(file: directory.path + "/empty2.csv"))
        }
    }

    func testADirectoryGivenAsInputIsRefused() {
        let directory = TemporaryDirectory()
        XCTAssertThrowsError(try CSVFile.open(directory.path)) { error in
            XCTAssertEqual(error as? InputError, .unreadable(file: directory.path, reason: "it is a directory"))
        }
    }

    func testAMissingFileIsNotFound() {
        let directory = TemporaryDirectory()
        let missing = directory.path + "/missing.csv"
        XCTAssertThrowsError(try CSVFile.open(missing)) { error in
            XCTAssertEqual(error as? InputError, .fileNotFound(file: missing))
        }
        let below = directory.file("plain.csv", "x") + "/below.csv"
        XCTAssertThrowsError(try CSVFile.open(below)) { error in
            XCTAssertEqual(error as? InputError, .fileNotFound(file: below))
        }
    }

    func testABlockDeviceIsRefused() throws {
        let candidates = ["/dev/loop0", "/dev/sda", "/dev/vda", "/dev/nvme0n1", "/dev/disk0"]
        guard let device = candidates.first(where: { (try? FileSystem.status($0).kind) == .blockDevice }) else {
            throw XCTSkip("no block device to try")
        }
        XCTAssertThrowsError(try CSVFile.open(device)) { error in
            XCTAssertEqual(
                error as? InputError,
                .unreadable(file: device, reason: "it is a block device, a disk or partition, not a file"))
        }
    }

    /// `/dev/null` is a character device, read as a stream: no bytes, so the file is empty.
    func testACharacterDeviceIsReadAsAStream() {
        XCTAssertThrowsError(try CSVFile.open("/dev/null")) { error in
            XCTAssertEqual(error as? InputError, .empty(file: "/dev/null"))
        }
    }

    /// A FIFO is read to its end: the open waits for the writer, as `cat` does.
    func testAFIFOIsReadToItsEnd() throws {
        let directory = TemporaryDirectory()
        let fifo = directory.path + "/visits.fifo"
        try FileSystem.makeFIFO(fifo)
        let text = log
        let writer = Thread {
            guard let handle = FileHandle(forWritingAtPath: fifo) else { return }
            for line in text.split(separator: "\n") { handle.write(Data((line + "\n").utf8)) }
            try? handle.close()
        }
        writer.start()
        let file = try CSVFile.open(fifo)
        XCTAssertEqual(file.byteCount, log.utf8.count)
        XCTAssertEqual(file.header, ["provider", "unit", "user", "staff", "start"])
    }

    /// A mapped file's range is in the `SIGBUS` table, with the message naming the file, while it is mapped, and
    /// leaves it when the file is released.
    func testMappedRegionsAreRegisteredAndWithdrawn() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("visits.csv", log)
        var mapped: MappedFile? = try MappedFile(path: path)
        guard let base = mapped?.base else { return XCTFail("nothing mapped") }
        let address = UInt(bitPattern: base) + 3
        if !PlatformFallbacks.areForced {
            XCTAssertNotNil(MappedRegions.message(containing: address))
            let message = MappedRegions.message(containing: address).map { String(cString: $0.0) }
            XCTAssertEqual(
                message,
                "kontinuitet: \(path): the file changed while it was being read (it is shorter than when it was "
                    + "opened); run again when it is complete\n")
        }
        mapped = nil
        XCTAssertNil(MappedRegions.message(containing: address))
    }
}
