import Foundation
import XCTest

/// `--out` may be any path (SPEC §4): each form, run from a temporary working directory, gives the committed
/// expected outputs.
final class OutputPathTests: XCTestCase {
    override func tearDown() { CommandRunner.removeTemporaryDirectories() }

    private let expected = CommandRunner.packageRoot.path + "/sample-data/expected/measure"

    private func measure(out: String, in directory: String, environment: [String: String] = [:]) throws {
        let result = try CommandRunner.run(
            ["measure", "--visits"] + CommandRunner.sampleVisits + ["--out", out, "--quiet"], in: directory,
            environment: environment)
        XCTAssertEqual(result.status, 0, "--out \(out): \(result.stderr)")
        XCTAssertEqual(result.stderr, "", "--out \(out)")
    }

    /// No staging directory is left anywhere under `directory`.
    private func assertNoStagingLeft(under directory: String, file: StaticString = #filePath, line: UInt = #line) {
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let name = enumerator?.nextObject() as? String {
            XCTAssertFalse(name.contains("kontinuitet-new-"), "\(name) is left", file: file, line: line)
            XCTAssertFalse(name.contains("kontinuitet-tmp-"), "\(name) is left", file: file, line: line)
        }
    }

    func testTheCurrentDirectoryAsDotAndDotSlash() throws {
        for out in [".", "./"] {
            let work = try CommandRunner.workingDirectoryWithSampleData()
            try measure(out: out, in: work)
            CommandRunner.assertSameFiles(expected: expected, actual: work)
            // A second run replaces the results in place, file by file, and keeps the user's file.
            try "the analyst's notes\n".write(toFile: work + "/notes.txt", atomically: false, encoding: .utf8)
            try measure(out: out, in: work)
            CommandRunner.assertSameFiles(expected: expected, actual: work)
            XCTAssertEqual(try String(contentsOfFile: work + "/notes.txt", encoding: .utf8), "the analyst's notes\n")
            assertNoStagingLeft(under: work)
        }
    }

    func testOneCharacterNameNestedNewDirectoriesAndAnAbsolutePath() throws {
        let work = try CommandRunner.workingDirectoryWithSampleData()
        for out in ["m", "a/b/", work + "/abs/x/", "a//c"] {
            try measure(out: out, in: work)
            let written = out.hasPrefix("/") ? out : work + "/" + out
            CommandRunner.assertSameFiles(expected: expected, actual: written)
            // And again, into the directory that now exists (swapped whole).
            try measure(out: out, in: work)
            CommandRunner.assertSameFiles(expected: expected, actual: written)
        }
        assertNoStagingLeft(under: work)
    }

    /// `..` is the directory above the current one, which cannot be swapped: filled file by file.
    func testTheParentDirectory() throws {
        let work = try CommandRunner.workingDirectoryWithSampleData()
        let below = work + "/below"
        try FileManager.default.createDirectory(atPath: below, withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(
            atPath: below + "/sample-data", withDestinationPath: CommandRunner.packageRoot.path + "/sample-data")
        try measure(out: "..", in: below)
        CommandRunner.assertSameFiles(expected: expected, actual: work)
        XCTAssertTrue(FileManager.default.fileExists(atPath: below + "/sample-data/visits"))
        assertNoStagingLeft(under: work)
    }

    /// The portable fallbacks (no exchange, no syncfs, no mmap) give the same outputs.
    func testThePortableFallbacksGiveTheSameOutputs() throws {
        let work = try CommandRunner.workingDirectoryWithSampleData()
        try measure(out: "m", in: work, environment: ["KONTINUITET_PLATFORM_FALLBACKS": "1"])
        try measure(out: "m", in: work, environment: ["KONTINUITET_PLATFORM_FALLBACKS": "1"])
        CommandRunner.assertSameFiles(expected: expected, actual: work + "/m")
        try measure(out: ".", in: work, environment: ["KONTINUITET_PLATFORM_FALLBACKS": "1"])
        CommandRunner.assertSameFiles(expected: expected, actual: work)
    }

    func testAnExistingFileAsOutIsRefusedBeforeAnythingIsWritten() throws {
        let work = try CommandRunner.workingDirectoryWithSampleData()
        try "not a directory\n".write(toFile: work + "/results", atomically: false, encoding: .utf8)
        let result = try CommandRunner.run(
            ["measure", "--visits"] + CommandRunner.sampleVisits + ["--out", "results", "--quiet"], in: work)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("results: the output directory is an existing file"), result.stderr)
        XCTAssertEqual(try String(contentsOfFile: work + "/results", encoding: .utf8), "not a directory\n")
        assertNoStagingLeft(under: work)
    }
}
