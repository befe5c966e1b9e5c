import Foundation
import XCTest

/// A run killed at any moment leaves the previous results whole (issue 7).
final class InterruptionTests: XCTestCase {
    override func tearDown() { CommandRunner.removeTemporaryDirectories() }

    /// A log big enough that a run takes a noticeable time: 2 000 users × 14 days × 4 visits.
    private func writeLog(to path: String) throws {
        var text = "provider,unit,user,staff,start,visit\n"
        text.reserveCapacity(10_000_000)
        for user in 0..<2_000 {
            for day in 3...16 {
                for (k, hour) in ["08", "11", "15", "19"].enumerated() {
                    let staff = (user * 7 + day * 3 + k) % 40
                    text +=
                        "P\(user % 5),E1,B\(user),S\(staff),2018-09-\(day < 10 ? "0" : "")\(day) \(hour):00,"
                        + "v\(user)-\(day)-\(k)\n"
                }
            }
        }
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }

    private func snapshot(_ directory: String) -> [String: Data] {
        var files: [String: Data] = [:]
        for name in CommandRunner.files(under: directory) {
            files[name] = FileManager.default.contents(atPath: directory + "/" + name)
        }
        return files
    }

    func testAKilledRunLeavesTheOldOrTheNewResultsWhole() throws {
        let work = CommandRunner.temporaryDirectory()
        let log = work + "/visits.csv"
        try writeLog(to: log)
        let out = work + "/out"
        XCTAssertEqual(try CommandRunner.run(["measure", "--visits", log, "--out", out, "--quiet"]).status, 0)
        let old = snapshot(out)
        XCTAssertTrue(old.keys.contains("users.csv"))
        let newOptions = ["--sample-cap", "3"]
        let reference = work + "/reference"
        XCTAssertEqual(
            try CommandRunner.run(["measure", "--visits", log, "--out", reference, "--quiet"] + newOptions).status, 0)
        let new = snapshot(reference)
        XCTAssertNotEqual(old, new)

        for delay in [0.02, 0.1, 0.3, 0.6, 1.0, 1.5] {
            let process = Process()
            process.executableURL = CommandRunner.executable
            process.arguments = ["measure", "--visits", log, "--out", out, "--quiet"] + newOptions
            process.environment = CommandRunner.environment()
            try process.run()
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let now = snapshot(out)
            XCTAssertTrue(now == old || now == new, "after a kill at \(delay) s the results are a mix")
            if now == new {
                // Put the old results back for the next round.
                try FileManager.default.removeItem(atPath: out)
                XCTAssertEqual(try CommandRunner.run(["measure", "--visits", log, "--out", out, "--quiet"]).status, 0)
            }
        }
        // No staging directory is left once a run completes.
        XCTAssertEqual(try CommandRunner.run(["measure", "--visits", log, "--out", out, "--quiet"]).status, 0)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: work).filter { $0.hasPrefix(".") }
        XCTAssertEqual(leftovers, [])
    }
}
