import Foundation
import XCTest

@testable import Kontinuitet

/// The wrappers of `Platform/` against the real file system.
final class FileSystemTests: XCTestCase {
    func testMakeDirectoriesMakesParentsAndAcceptsAnExistingDirectory() throws {
        let directory = TemporaryDirectory()
        let deep = Path.join(directory.path, "a/b/c")
        try FileSystem.makeDirectories(deep)
        XCTAssertEqual(try FileSystem.status(deep).kind, .directory)
        try FileSystem.makeDirectories(deep)
        let file = directory.file("plain", "x")
        XCTAssertThrowsError(try FileSystem.makeDirectories(Path.join(file, "below")))
    }

    func testStatusNamesTheKindAndMissingIsNil() throws {
        let directory = TemporaryDirectory()
        let file = directory.file("a.csv", "x\n")
        let fifo = Path.join(directory.path, "pipe")
        try FileSystem.makeFIFO(fifo)
        XCTAssertEqual(try FileSystem.status(file).kind, .regular)
        XCTAssertEqual(try FileSystem.status(file).size, 2)
        XCTAssertEqual(try FileSystem.status(directory.path).kind, .directory)
        XCTAssertEqual(try FileSystem.status(fifo).kind, .fifo)
        XCTAssertEqual(try FileSystem.status("/dev/null").kind, .characterDevice)
        XCTAssertNil(try FileSystem.statusIfPresent(Path.join(directory.path, "missing")))
        XCTAssertNil(try FileSystem.statusIfPresent(Path.join(file, "below")))
        do {
            _ = try FileSystem.status(Path.join(directory.path, "missing"))
            XCTFail("no error")
        } catch {
            XCTAssertTrue(error.isNotFound)
            XCTAssertEqual(error.path, Path.join(directory.path, "missing"))
        }
    }

    /// The exchange swaps two directories in one step where the system has one (Linux, Darwin).
    func testExchangeSwapsTwoDirectories() throws {
        let directory = TemporaryDirectory()
        directory.file("old/a.csv", "old\n")
        directory.file("new/a.csv", "new\n")
        guard try FileSystem.exchange(Path.join(directory.path, "new"), Path.join(directory.path, "old")) else {
            throw XCTSkip("no atomic exchange on this system")
        }
        XCTAssertEqual(directory.read("old/a.csv"), "new\n")
        XCTAssertEqual(directory.read("new/a.csv"), "old\n")
    }

    func testEntriesListsADirectoryWithoutDotAndDotDot() throws {
        let directory = TemporaryDirectory()
        directory.file("a.csv", "x")
        directory.file("forms/b.csv", "y")
        let entries = try FileSystem.entries(ofDirectory: directory.path).sorted { $0.name < $1.name }
        XCTAssertEqual(entries.map(\.name), ["a.csv", "forms"])
        XCTAssertThrowsError(try FileSystem.entries(ofDirectory: Path.join(directory.path, "missing")))
        let listing = FileTree.list(directory.path)
        XCTAssertEqual(listing.files, ["a.csv", "forms/b.csv"])
        XCTAssertEqual(listing.directories, ["forms"])
    }

    /// A stream is read to its end however it delivers its bytes: here a pipe written in small pieces.
    func testReadToEndReadsAPipeWrittenInPieces() throws {
        let pipe = Pipe()
        let expected = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let writer = Thread {
            for start in stride(from: 0, to: expected.count, by: 4_099) {
                pipe.fileHandleForWriting.write(Data(expected[start..<min(expected.count, start + 4_099)]))
            }
            try? pipe.fileHandleForWriting.close()
        }
        writer.start()
        let file = FileDescriptor(rawValue: pipe.fileHandleForReading.fileDescriptor, path: "pipe")
        let bytes = try HeapBytes.readToEnd(file)
        XCTAssertEqual(Array(bytes.buffer), expected)
    }

    func testAStreamLargerThanTheLimitIsRefused() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("big", bytes: [UInt8](repeating: 65, count: 300_000))
        let file = try FileDescriptor.open(path, .read)
        defer { try? file.close() }
        XCTAssertThrowsError(try HeapBytes.readToEnd(file, limit: 100_000)) { error in
            XCTAssertEqual(error as? PlatformError, .streamTooLarge(path: path, limit: 100_000))
        }
    }
}
