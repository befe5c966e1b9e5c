import Foundation
import XCTest

@testable import Kontinuitet

/// Inputs that are not regular files: standard input, a FIFO, a directory (SPEC §4: exit 2 with a message).
final class InputKindTests: XCTestCase {
    override func tearDown() { CommandRunner.removeTemporaryDirectories() }

    private let log = "sample-data/visits/hemtjanst-norr.csv"

    /// The outputs of the same log given as a file, without `rejected.csv` and `report.html`, which name the file.
    private func reference(in work: String) throws -> String {
        let result = try CommandRunner.run(
            ["measure", "--visits", log, "--out", "reference", "--keep-ids", "--quiet"], in: work)
        XCTAssertEqual(result.status, 0, result.stderr)
        return work + "/reference"
    }

    private func assertSameResults(_ actual: String, as reference: String, file: StaticString = #filePath) {
        for name in ["users.csv", "providers.csv", "units.csv", "excluded.csv", "user_indices.csv"] {
            let want = FileManager.default.contents(atPath: reference + "/" + name)
            XCTAssertEqual(FileManager.default.contents(atPath: actual + "/" + name), want, name, file: file)
        }
    }

    func testStandardInputAsDashAndAsDevStdin() throws {
        let work = try CommandRunner.workingDirectoryWithSampleData()
        let reference = try reference(in: work)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: work + "/" + log))
        for name in ["-", "/dev/stdin"] {
            let result = try CommandRunner.run(
                ["measure", "--visits", name, "--out", "piped", "--keep-ids", "--quiet"], in: work, input: bytes)
            XCTAssertEqual(result.status, 0, "\(name): \(result.stderr)")
            assertSameResults(work + "/piped", as: reference)
        }
    }

    /// A FIFO is read to its end; the run waits for the writer, as `cat` does.
    func testANamedPipe() throws {
        let work = try CommandRunner.workingDirectoryWithSampleData()
        let reference = try reference(in: work)
        try FileSystem.makeFIFO(work + "/visits.fifo")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: work + "/" + log))
        let writer = Thread {
            guard let handle = FileHandle(forWritingAtPath: work + "/visits.fifo") else { return }
            // In pieces, with pauses, as a decompressor would write it.
            for start in stride(from: 0, to: bytes.count, by: 10_000) {
                handle.write(bytes.subdata(in: start..<min(bytes.count, start + 10_000)))
                Thread.sleep(forTimeInterval: 0.002)
            }
            try? handle.close()
        }
        writer.start()
        let result = try CommandRunner.run(
            ["measure", "--visits", "visits.fifo", "--out", "fifo", "--keep-ids", "--quiet"], in: work)
        XCTAssertEqual(result.status, 0, result.stderr)
        assertSameResults(work + "/fifo", as: reference)
    }

    func testADirectoryGivenAsInput() throws {
        let work = try CommandRunner.workingDirectoryWithSampleData()
        let result = try CommandRunner.run(
            ["measure", "--visits", "sample-data/visits", "--out", "out", "--quiet"], in: work)
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(
            result.stderr, "kontinuitet measure: sample-data/visits: cannot read the file (it is a directory)\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: work + "/out"))
    }
}
