import Foundation
import XCTest

/// The command line as a user meets it: help, exit statuses, messages.
final class CommandLineTests: XCTestCase {
    override func tearDown() { CommandRunner.removeTemporaryDirectories() }

    func testHelpOnEveryCommand() throws {
        let top = try CommandRunner.run(["--help"])
        XCTAssertEqual(top.status, 0)
        XCTAssertTrue(top.stdout.contains("measure"))
        for command in ["measure", "time-report", "compile", "validate"] {
            let help = try CommandRunner.run([command, "--help"])
            XCTAssertEqual(help.status, 0, command)
            XCTAssertTrue(help.stdout.contains("USAGE: kontinuitet \(command)"), command)
        }
    }

    func testUsageErrorsExitOne() throws {
        XCTAssertEqual(try CommandRunner.run([]).status, 1)
        XCTAssertEqual(try CommandRunner.run(["nonsense"]).status, 1)
        let missing = try CommandRunner.run(["measure", "--out", "/tmp/x"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("'--visits' is required"), missing.stderr)
        let bad = try CommandRunner.run(["measure", "--visits", "a.csv", "--sample", "half"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertFalse(bad.stderr.contains("Fatal error"))
    }

    func testMissingFileExitsTwoNamingTheFile() throws {
        let out = CommandRunner.temporaryDirectory()
        let result = try CommandRunner.run(["measure", "--visits", "/nonexistent/besok.csv", "--out", out])
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stderr, "kontinuitet measure: /nonexistent/besok.csv: file not found\n")
    }

    func testMissingColumnExitsTwoNamingFileLineAndColumn() throws {
        let directory = CommandRunner.temporaryDirectory()
        let path = directory + "/visits.csv"
        try "utförare;brukare;starttid\nP1;19400101-1234;2018-09-03 08:00\n".write(
            toFile: path, atomically: false, encoding: .utf8)
        let result = try CommandRunner.run(["measure", "--visits", path, "--out", directory + "/out"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("\(path):1: required column 'staff' is missing"), result.stderr)
        XCTAssertFalse(result.stderr.contains("19400101"))
    }

    func testStrictTurnsRejectedRowsIntoExitThreeWithoutLeakingIDs() throws {
        let directory = CommandRunner.temporaryDirectory()
        let path = directory + "/visits.csv"
        // 28 rows that measure the user (two visits on each of the 14 days) and one that is rejected.
        try (CommandRunner.measurableLog(user: "19400101-1234") + "P1,19400101-1234,s1,igår\n").write(
            toFile: path, atomically: false, encoding: .utf8)
        let lenient = try CommandRunner.run(["measure", "--visits", path, "--out", directory + "/a"])
        XCTAssertEqual(lenient.status, 0)
        XCTAssertTrue(lenient.stderr.contains("rows read 29 = used 28 + excluded 0 + rejected 1"), lenient.stderr)
        let strict = try CommandRunner.run(["measure", "--visits", path, "--out", directory + "/b", "--strict"])
        XCTAssertEqual(strict.status, 3)
        XCTAssertFalse(strict.stderr.contains("19400101"))
        XCTAssertFalse(strict.stderr.contains("igår"))
        let rejected = try String(contentsOfFile: directory + "/b/rejected.csv", encoding: .utf8)
        XCTAssertTrue(rejected.contains("visits.csv,30,start,bad_start,"), rejected)
        XCTAssertFalse(rejected.contains("igår"), "rejected.csv may be shared: no row content")
    }
}
