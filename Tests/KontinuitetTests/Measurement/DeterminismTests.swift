import XCTest

@testable import Kontinuitet

/// The output must not depend on the thread count or on where files are cut into chunks.
final class DeterminismTests: XCTestCase {
    /// A random log with double staffing, excluded rows, malformed rows and (optionally) quoted line breaks.
    private func randomLog(seed: UInt64, quotedNewlines: Bool) -> String {
        var generator = SplitMix64(seed: seed)
        var lines = ["provider,unit,user,staff,start,visit,category,staff_role,sort_name"]
        let categories = ["", "", "", "Matleverans", "Dusch"]
        for _ in 0..<3_000 {
            let provider = "P\(generator.next() % 3)"
            let user = "U\(generator.next() % 60)"
            let staff = "S\(generator.next() % 40)"
            let day = Int(generator.next() % 16) - 1
            let hour = 6 + Int(generator.next() % 17)
            let minute = Int(generator.next() % 4) * 15
            let date = CivilDate(year: 2018, month: 9, day: 3).adding(days: day)
            let time = "\(date) \(hour < 10 ? "0" : "")\(hour):\(minute == 0 ? "00" : String(minute))"
            let visit = generator.next() % 3 == 0 ? "" : "v\(user)-\(day)-\(hour)"
            let category = categories[Int(generator.next() % UInt64(categories.count))]
            var name = "Namn \(user)"
            if quotedNewlines && generator.next() % 50 == 0 { name = "\"Namn,\n\(user)\"" }
            if generator.next() % 200 == 0 {
                lines.append("\(provider),E1,\(user),,\(time),\(visit),\(category),,\(name)")
            } else if generator.next() % 300 == 0 {
                lines.append("\(provider),E1,\(user),\(staff),not a time,\(visit),\(category),,\(name)")
            } else {
                lines.append("\(provider),E1,\(user),\(staff),\(time),\(visit),\(category),,\(name)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private struct Snapshot: Equatable {
        var users: [String]
        var providers: [String]
        var accounting: RowAccounting
        var rejected: [RejectedRow]
    }

    private func snapshot(_ text: String, threads: Int, chunkBytes: Int) throws -> Snapshot {
        let directory = TemporaryDirectory()
        let path = directory.file("log.csv", text)
        var options = MeasureOptions()
        options.threads = threads
        options.minimumChunkBytes = chunkBytes
        options.sampleCap = 5
        let result = try VisitLogMeasurement.run(paths: [path], options: options)
        return Snapshot(
            users: result.users.map {
                "\($0.provider)|\($0.userID)|\($0.unit)|\($0.reason?.rawValue ?? "")|\($0.daysWithVisits)|\($0.visits)|"
                    + "\($0.distinctStaff)|\($0.sampled)"
            },
            providers: result.providers.map { "\($0.provider)|\($0.sampledUsers)|\($0.summary)" },
            accounting: result.accounting,
            rejected: result.rejectedRows.map {
                var row = $0
                row.file = ""
                return row
            })
    }

    func testOneThreadAndFourThreadsGiveTheSameResult() throws {
        let log = randomLog(seed: 1, quotedNewlines: false)
        let reference = try snapshot(log, threads: 1, chunkBytes: 1 << 30)
        XCTAssertTrue(reference.accounting.reconciles)
        XCTAssertGreaterThan(reference.accounting.rejected, 0)
        for chunkBytes in [64, 1_000, 7_777] {
            XCTAssertEqual(try snapshot(log, threads: 4, chunkBytes: chunkBytes), reference, "chunks of \(chunkBytes)")
            XCTAssertEqual(try snapshot(log, threads: 2, chunkBytes: chunkBytes), reference, "chunks of \(chunkBytes)")
        }
    }

    func testQuotedLineBreaksFallBackToRecordCuts() throws {
        let log = randomLog(seed: 2, quotedNewlines: true)
        let reference = try snapshot(log, threads: 1, chunkBytes: 1 << 30)
        XCTAssertEqual(try snapshot(log, threads: 4, chunkBytes: 100), reference)
        XCTAssertEqual(try snapshot(log, threads: 3, chunkBytes: 5_000), reference)
    }

    func testRejectedRowsCarryTheirLineNumbers() throws {
        let text = """
            provider,user,staff,start
            P1,A,s1,2018-09-03 08:00
            P1,A,,2018-09-03 09:00
            P1,"B
            with newline",s1,2018-09-03 10:00
            P1,C,s1,yesterday
            ,,,
            P1,D,s2,"2018-09-03 11:00

            """
        let directory = TemporaryDirectory()
        let path = directory.file("log.csv", text)
        var options = MeasureOptions()
        options.threads = 3
        options.minimumChunkBytes = 16
        let result = try VisitLogMeasurement.run(paths: [path], options: options)
        XCTAssertEqual(result.rejectedRows.map(\.line), [3, 6, 8])
        XCTAssertEqual(result.rejectedRows.map(\.reason), ["missing_staff", "bad_start", "unterminated_quote"])
        // 5 rows read: 2 used (A at 08:00, B), 3 rejected; the ",,," row is blank, not a row.
        XCTAssertEqual(result.accounting.read, 5)
        XCTAssertEqual(result.accounting.used, 2)
        XCTAssertEqual(result.accounting.rejected, 3)
        XCTAssertEqual(result.accounting.blank, 1)
        XCTAssertTrue(result.accounting.reconciles)
        XCTAssertTrue(result.rejectedRows.allSatisfy { !$0.detail.contains("yesterday") })
    }
}
