import XCTest

@testable import Kontinuitet

/// Inputs meant to break a reader (issue 7): none may crash, hang or lose a row without saying so.
final class HostileInputTests: XCTestCase {
    private let header = "provider,user,staff,start\n"

    private func measure(_ bytes: [UInt8]) throws -> MeasureResult {
        let file = try CSVFile(path: "hostile.csv", bytes: bytes)
        var options = MeasureOptions()
        options.periodStart = CivilDate(year: 2018, month: 9, day: 3)
        options.threads = 2
        options.minimumChunkBytes = 32
        return try VisitLogMeasurement.run(files: [file], options: options)
    }

    func testEmptyFileAndOnlyAHeader() throws {
        XCTAssertThrowsError(try measure([]))
        let result = try measure(Array(header.utf8))
        XCTAssertEqual(result.accounting.read, 0)
        XCTAssertTrue(result.users.isEmpty)
    }

    func testTruncatedFileMidRow() throws {
        let result = try measure(Array((header + "P1,A,s1,2018-09-03 08:00\nP1,B,s1,2018-09-0").utf8))
        XCTAssertEqual(result.accounting.read, 2)
        XCTAssertEqual(result.accounting.rejected, 1)
        XCTAssertEqual(result.rejectedRows.first?.line, 3)
    }

    func testNULBytesAndInvalidUTF8AreRowsLikeAnyOther() throws {
        var bytes = Array((header + "P1,A\u{0},s1,2018-09-03 08:00\n").utf8)
        bytes += [0x50, 0x31, 0x2C, 0xFF, 0xFE, 0x2C, 0x73, 0x31, 0x2C] + Array("2018-09-03 09:00\n".utf8)
        bytes += Array("P1,".utf8) + [0xC3] + Array(",s1,2018-09-03 10:00\n".utf8)
        let result = try measure(bytes)
        XCTAssertEqual(result.accounting.read, 3)
        XCTAssertEqual(result.accounting.used, 3)
        XCTAssertTrue(result.accounting.reconciles)
    }

    func testAOneMegabyteFieldAndUnbalancedQuotes() throws {
        let big = String(repeating: "x", count: 1 << 20)
        let text =
            header + "P1,\(big),s1,2018-09-03 08:00\nP1,\(big),,2018-09-03 08:00\n"
            + "P1,\"A,s1,2018-09-03 09:00\nP1,B,s1,2018-09-03 10:00\n"
        let result = try measure(Array(text.utf8))
        XCTAssertEqual(result.accounting.read, 4)
        XCTAssertEqual(result.accounting.used, 2)
        XCTAssertEqual(result.rejectedRows.map(\.reason), ["missing_staff", "unterminated_quote"])
        XCTAssertEqual(result.rejectedRows.first?.row.count, 4096, "rejected rows are kept to 4 KiB")
    }

    func testAMillionColumns() throws {
        let wide = header.dropLast() + String(repeating: ",x", count: 1_000_000) + "\n"
        let row = "P1,A,s1,2018-09-03 08:00" + String(repeating: ",", count: 1_000_000) + "\n"
        let result = try measure(Array((wide + row).utf8))
        XCTAssertEqual(result.accounting.used, 1)
    }

    func testAllFuzzRegressionsStillPass() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fuzz/regressions")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for name in names.sorted() where name != "README.md" {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            FuzzHarness.run(Array(data))
        }
    }

    func testSeededMutationsOfARealLog() throws {
        // A deterministic mutation driver: flip, insert and delete bytes of a valid log, 300 times.
        let seed = Array(
            (header + "P1,A,s1,2018-09-03 08:00\n\"P1\",\"B\",\"s;2\",2018-09-03T09:00:00+02:00\r\nP2,C,s3,x\n").utf8)
        var generator = SplitMix64(seed: 2026)
        let interesting: [UInt8] = [0x22, 0x2C, 0x3B, 0x0A, 0x0D, 0x00, 0xFF, 0xC3, 0x09, 0x20]
        for _ in 0..<300 {
            var bytes = seed
            for _ in 0..<(1 + Int(generator.next() % 6)) {
                let position = Int(generator.next() % UInt64(bytes.count + 1))
                let byte = interesting[Int(generator.next() % UInt64(interesting.count))]
                switch generator.next() % 3 {
                case 0 where position < bytes.count: bytes[position] = byte
                case 1: bytes.insert(byte, at: position)
                default: if position < bytes.count { bytes.remove(at: position) }
                }
            }
            FuzzHarness.run(bytes)
            if let result = try? measure(bytes) { XCTAssertTrue(result.accounting.reconciles) }
        }
    }
}
