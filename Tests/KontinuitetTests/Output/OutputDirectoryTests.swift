import Foundation
import XCTest

@testable import Kontinuitet

/// `OutputDirectory`: where it stages, how it commits, and which files of an earlier run a rerun removes.
final class OutputDirectoryTests: XCTestCase {
    /// `measure`'s rule: the files under `forms/` and `users.csv` are its own outputs.
    private func isOwnOutput(_ relative: String) -> Bool {
        relative.hasPrefix("forms/") || relative == "users.csv"
    }

    private func run(_ path: String, mayExchange: Bool, files: [String]) throws {
        let out = try OutputDirectory(path: path, mayExchange: mayExchange)
        for file in files { try out.write(file, text: "new \(file)\n") }
        try out.commit(replacing: isOwnOutput)
    }

    /// The rule of a rerun, both when the directory is swapped whole and when it is filled file by file: a file
    /// is removed only when an earlier run wrote it (manifest), it is an own output, and this run did not write it.
    func testARerunRemovesOnlyItsOwnEarlierOutputs() throws {
        for mayExchange in [true, false] {
            let directory = TemporaryDirectory()
            let out = directory.path + "/out"
            try run(out, mayExchange: mayExchange, files: ["users.csv", "forms/a.csv", "forms/b.csv"])
            XCTAssertEqual(directory.read("out/.kontinuitet-files"), "forms/a.csv\nforms/b.csv\nusers.csv\n")
            // The user's own files, one of them where the tool's outputs go.
            directory.file("out/forms/mine.csv", "the user's form\n")
            directory.file("out/notes.txt", "the user's notes\n")

            try run(out, mayExchange: mayExchange, files: ["users.csv", "forms/a.csv"])
            XCTAssertEqual(directory.read("out/users.csv"), "new users.csv\n")
            XCTAssertEqual(directory.read("out/forms/a.csv"), "new forms/a.csv\n")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/forms/b.csv"), "exchange: \(mayExchange)")
            XCTAssertEqual(directory.read("out/forms/mine.csv"), "the user's form\n", "exchange: \(mayExchange)")
            XCTAssertEqual(directory.read("out/notes.txt"), "the user's notes\n")
            XCTAssertEqual(directory.read("out/.kontinuitet-files"), "forms/a.csv\nusers.csv\n")
            // Nothing staged is left beside or inside the directory.
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["out"])
            XCTAssertEqual(
                try FileManager.default.contentsOfDirectory(atPath: out).sorted(),
                [".kontinuitet-files", "forms", "notes.txt", "users.csv"])
        }
    }

    /// A directory written before there was a manifest loses nothing: no file is known to be the tool's.
    func testWithoutAManifestNothingIsRemoved() throws {
        let directory = TemporaryDirectory()
        directory.file("out/forms/old.csv", "from an older version\n")
        try run(directory.path + "/out", mayExchange: true, files: ["forms/a.csv"])
        XCTAssertEqual(directory.read("out/forms/old.csv"), "from an older version\n")
        XCTAssertEqual(directory.read("out/.kontinuitet-files"), "forms/a.csv\n")
    }

    /// A file the tool wrote that is not one of the command's outputs (the key) is kept and stays in the manifest;
    /// a manifest line naming a file outside the directory is ignored.
    func testKeptFilesStayInTheManifestAndBadLinesAreIgnored() throws {
        let directory = TemporaryDirectory()
        let out = directory.path + "/out"
        try run(out, mayExchange: true, files: ["key.csv", "users.csv"])
        directory.file("outside.csv", "not the tool's\n")
        directory.file("out/.kontinuitet-files", "../outside.csv\n/etc/hostname\nkey.csv\nusers.csv\n")
        try run(out, mayExchange: true, files: ["users.csv"])
        XCTAssertEqual(directory.read("outside.csv"), "not the tool's\n")
        XCTAssertEqual(directory.read("out/key.csv"), "new key.csv\n")
        XCTAssertEqual(directory.read("out/.kontinuitet-files"), "key.csv\nusers.csv\n")
    }

    /// A manifest that is not a regular file is not read (a FIFO would hold the run forever), and is replaced.
    func testAManifestThatIsAFIFOIsIgnored() throws {
        for mayExchange in [true, false] {
            let directory = TemporaryDirectory()
            directory.file("out/forms/old.csv", "x\n")
            try FileSystem.makeFIFO(directory.path + "/out/.kontinuitet-files")
            try run(directory.path + "/out", mayExchange: mayExchange, files: ["forms/a.csv"])
            XCTAssertEqual(directory.read("out/forms/old.csv"), "x\n")
            XCTAssertEqual(directory.read("out/.kontinuitet-files"), "forms/a.csv\n")
        }
    }

    func testAnExistingFileIsRefusedAtOnce() throws {
        let directory = TemporaryDirectory()
        let file = directory.file("results", "a file\n")
        XCTAssertThrowsError(try OutputDirectory(path: file)) { error in
            guard case OutputError.notADirectory(let path) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, file)
        }
        XCTAssertThrowsError(try OutputDirectory(path: file + "/")) { error in
            guard case OutputError.notADirectory = error else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(directory.read("results"), "a file\n")
    }

    /// The staging directory may hold the key and rejected rows for a moment: only its owner may enter it. The
    /// directory itself gets the usual mode when it appears.
    func testStagingIsPrivateAndTheNewDirectoryIsNot() throws {
        let directory = TemporaryDirectory()
        let out = try OutputDirectory(path: directory.path + "/a/b/")
        XCTAssertEqual(out.path, directory.path + "/a/b")
        try out.write("key.csv", text: "secret\n", mode: 0o600)
        XCTAssertEqual(try FileSystem.status(out.staging).permissions, 0o700)
        XCTAssertFalse(out.stagingIsInside)
        try out.commit()
        let mode = try FileSystem.status(directory.path + "/a/b").permissions
        XCTAssertEqual(mode, 0o777 & ~FileSystem.fileCreationMask())
        XCTAssertEqual(try FileSystem.status(directory.path + "/a/b/key.csv").permissions, 0o600)
    }

    /// A symbolic link to a directory is filled through the link (swapping would replace the link itself).
    func testASymbolicLinkToADirectoryIsFilledFileByFile() throws {
        let directory = TemporaryDirectory()
        directory.file("real/notes.txt", "kept\n")
        try FileManager.default.createSymbolicLink(
            atPath: directory.path + "/link", withDestinationPath: directory.path + "/real")
        let out = try OutputDirectory(path: directory.path + "/link")
        XCTAssertTrue(out.stagingIsInside)
        try out.write("users.csv", text: "new\n")
        try out.commit()
        XCTAssertEqual(directory.read("real/users.csv"), "new\n")
        XCTAssertEqual(directory.read("real/notes.txt"), "kept\n")
        let link = try FileManager.default.destinationOfSymbolicLink(atPath: directory.path + "/link")
        XCTAssertEqual(link, directory.path + "/real")
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: directory.path + "/real").sorted(),
            [".kontinuitet-files", "notes.txt", "users.csv"])
    }

    /// A staging directory left inside by a killed run is removed by the next.
    func testAStagingDirectoryOfAKilledRunIsRemoved() throws {
        let directory = TemporaryDirectory()
        directory.file("out/.kontinuitet-new-99999/users.csv", "half\n")
        directory.file(".out.kontinuitet-new-99998/users.csv", "half\n")
        try run(directory.path + "/out", mayExchange: true, files: ["users.csv"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["out"])
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: directory.path + "/out").sorted(),
            [".kontinuitet-files", "users.csv"])
    }

    /// The current directory cannot be swapped; nor can `.` or `..` by name, or a directory above the current one.
    func testWhichDirectoriesCanBeSwappedWhole() throws {
        let directory = TemporaryDirectory()
        directory.file("out/a.csv", "x")
        let status = try FileSystem.status(directory.path + "/out")
        XCTAssertTrue(OutputDirectory.canSwapWhole(directory.path + "/out", status: status))
        XCTAssertFalse(OutputDirectory.canSwapWhole(".", status: try FileSystem.status(".")))
        XCTAssertFalse(OutputDirectory.canSwapWhole("..", status: try FileSystem.status("..")))
        let current = FileManager.default.currentDirectoryPath
        XCTAssertFalse(OutputDirectory.canSwapWhole(current, status: try FileSystem.status(current)))
        let above = Path.parent(current)
        XCTAssertFalse(OutputDirectory.canSwapWhole(above, status: try FileSystem.status(above)))
    }
}
