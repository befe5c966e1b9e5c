import Foundation
import XCTest

@testable import Kontinuitet

/// No crash output can carry input bytes: a file that shrinks while it is read, and any fatal signal, end the
/// process with a fixed message, never Swift's backtrace with its registers and memory.
final class CrashOutputTests: XCTestCase {
    override func tearDown() { CommandRunner.removeTemporaryDirectories() }

    /// What Swift's backtracer prints, none of which may appear.
    private func assertNoCrashReport(_ stderr: String, file: StaticString = #filePath, line: UInt = #line) {
        for marker in ["Register", "Crashed", "crashed", "Backtrac", "rip 0x", "Thread 0", "Fatal error"] {
            XCTAssertFalse(stderr.contains(marker), "stderr shows '\(marker)':\n\(stderr)", file: file, line: line)
        }
    }

    /// Opens `fifo` for writing once the child has opened it for reading; gives up after `timeout` seconds.
    private func openForWriting(_ fifo: String, timeout: TimeInterval = 60) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let fd = open(fifo, O_WRONLY | O_NONBLOCK)
            if fd >= 0 { return fd }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return nil
    }

    /// A large visit log: 1 500 users × 14 days × 4 visits, about 5 MB.
    private func writeLog(to path: String) throws {
        var text = "provider,unit,user,staff,start,visit\n"
        for user in 0..<1_500 {
            for day in 3...16 {
                for (k, hour) in ["08", "11", "15", "19"].enumerated() {
                    text +=
                        "P\(user % 5),E1,19\(user % 90 + 10)0101-\(1000 + user),S\((user + k) % 40),"
                        + "2018-09-\(day < 10 ? "0" : "")\(day) \(hour):00,v\(user)-\(day)-\(k)\n"
                }
            }
        }
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }

    func testAFileTruncatedWhileItIsReadEndsWithExitTwoAndAMessage() throws {
        let work = CommandRunner.temporaryDirectory()
        let log = work + "/visits.csv"
        try writeLog(to: log)
        let pause = work + "/pause"
        try FileSystem.makeFIFO(pause)
        let process = CommandRunner.configuredProcess(
            ["measure", "--visits", log, "--out", work + "/out", "--quiet"], in: work,
            environment: ["KONTINUITET_TEST_PAUSE_AFTER_MAP": pause])
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // The child has mapped the file and waits on the FIFO: truncate the file, then let it go on.
        guard let fd = openForWriting(pause) else {
            process.terminate()
            return XCTFail("the run did not reach the pause")
        }
        XCTAssertEqual(truncate(log, 1_000), 0)
        close(fd)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .exit)
        XCTAssertEqual(process.terminationStatus, 2, stderr)
        XCTAssertEqual(
            stderr,
            "kontinuitet: \(log): the file changed while it was being read (it is shorter than when it was opened); "
                + "run again when it is complete\n")
        assertNoCrashReport(stderr)
        XCTAssertFalse(stderr.contains("0101-"), "no input bytes")
    }

    /// Any other fatal signal: the fixed internal-error message and exit status 70.
    func testAFatalSignalPrintsOnlyTheFixedMessage() throws {
        let work = CommandRunner.temporaryDirectory()
        let fifo = work + "/visits.fifo"
        try FileSystem.makeFIFO(fifo)
        for signal in [SIGSEGV, SIGBUS, SIGILL, SIGABRT] {
            let process = CommandRunner.configuredProcess(
                ["measure", "--visits", fifo, "--out", work + "/out", "--quiet"], in: work, environment: [:])
            let err = Pipe()
            process.standardError = err
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            // Once the child has the FIFO open it is past its start-up (handlers installed) and waits in read().
            guard let fd = openForWriting(fifo) else {
                process.terminate()
                return XCTFail("the run did not open the FIFO")
            }
            kill(process.processIdentifier, signal)
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            close(fd)
            XCTAssertEqual(process.terminationStatus, 70, "signal \(signal): \(stderr)")
            XCTAssertEqual(
                stderr,
                "kontinuitet: internal error (signal \(signal)); no input data is shown. Please report it.\n")
            assertNoCrashReport(stderr)
        }
    }
}
