import XCTest

@testable import Kontinuitet

/// `measure` and `time-report` read a row the same way: the same record loop, the same normalisation, the same
/// timestamp parser and the same reasons (docs/time-report.md, "Rules").
final class OneRowPipelineTests: XCTestCase {
    /// Records whose fate is worked out by hand: used, or rejected with the reason in the comment.
    private let records = [
        "P1,u1,s1,2018-09-03 08:00",  // used
        "P1,u1\u{00A0},S1,2018-09-03 09:00",  // used: the same user (no-break space trimmed), the same staff
        "P1,u2,Łukasz,2018-09-03 10:00",  // used
        "P1,u2,łukasz,2018-09-03 11:00",  // used: the same staff member as Łukasz
        ",u3,s1,2018-09-03 08:00",  // missing_provider
        "P1,,s1,2018-09-03 08:00",  // missing_user
        "P1,u4, ,2018-09-03 08:00",  // missing_staff
        "P1,u5,s1,",  // missing_start
        "P1,u6,s1,igår",  // bad_start
        "P1,u7,s1,2018-09-03 08.30",  // used: the Swedish HH.MM
        "P1,u8,s1,2018-09-03 08:00,x",  // field_count
        "P1,u9,s1",  // field_count
        "P1,\"u10,s1,2018-09-03 08:00",  // unterminated_quote
        " , ,,",  // a row of blanks: not a record, neither read nor rejected
    ]

    func testEveryRowGetsTheSameFateAndReasonInMeasureAndTimeReport() throws {
        let directory = TemporaryDirectory()
        let text = "provider,user,staff,start\n" + records.joined(separator: "\n") + "\n"
        let path = directory.file("log.csv", text)
        var options = MeasureOptions()
        options.periodStart = CivilDate(year: 2018, month: 9, day: 3)
        let measured = try VisitLogMeasurement.run(paths: [path], options: options)
        let timed = try TimeReport.run(performed: [path], allocated: [], register: nil, options: TimeReportOptions())
        let expected = [
            6: "missing_provider", 7: "missing_user", 8: "missing_staff", 9: "missing_start", 10: "bad_start",
            12: "field_count", 13: "field_count", 14: "unterminated_quote",
        ]
        func fates(_ rows: [RejectedRow]) -> [Int: String] {
            Dictionary(rows.map { ($0.line, $0.reason) }, uniquingKeysWith: { a, _ in a })
        }
        XCTAssertEqual(fates(measured.rejectedRows), expected)
        XCTAssertEqual(fates(timed.rejectedRows), expected)
        // The rows as read, for --rejected-rows: the same text from both.
        XCTAssertEqual(measured.rejectedRows.map(\.row), timed.rejectedRows.map(\.row))
        XCTAssertEqual(timed.rejectedRows.first { $0.line == 12 }?.row, "P1,u8,s1,2018-09-03 08:00,x")
        // Read 13 = used 5 + rejected 8 in both (time-report: the five are visits without a check-out).
        XCTAssertEqual(measured.accounting.read, 13)
        XCTAssertEqual(timed.accounting.performedRead, 13)
        XCTAssertEqual(timed.accounting.performedFlagged, 5)
        // The same users: u1 (one, with or without the no-break space), u2 and u7.
        XCTAssertEqual(Set(measured.users.map(\.userID)), ["u1", "u2", "u7"])
        XCTAssertEqual(Set(timed.usersInOrder.map(\.user)), ["u1", "u2", "u7"])
        // Łukasz and łukasz are one staff member: u2 met one person.
        XCTAssertEqual(measured.users.first { $0.userID == "u2" }?.distinctStaff, 1)
    }

    func testTimeReportGivesTheSameResultOnAnyNumberOfThreadsChunksAndIndexRanges() throws {
        let directory = TemporaryDirectory()
        var lines = ["provider,user,staff,start,end,visit"]
        var random = SplitMix64(seed: 7)
        for k in 0..<3_000 {
            let day = 1 + Int(random.next() % 28)
            let hour = 7 + Int(random.next() % 14)
            let length = Int(random.next() % 90)
            let start = "2018-10-\(day < 10 ? "0" : "")\(day) \(hour < 10 ? "0" : "")\(hour):00"
            let endMinute = length % 60
            let endHour = hour + length / 60
            let end =
                random.next() % 20 == 0
                ? "" : "2018-10-\(day < 10 ? "0" : "")\(day) \(endHour):\(endMinute < 10 ? "0" : "")\(endMinute)"
            lines.append("P\(k % 3),u\(k % 97),s\(k % 11),\(start),\(end),\(random.next() % 2 == 0 ? "v\(k)" : "")")
            if k % 50 == 0 { lines.append(lines[lines.count - 1]) }  // a duplicate row now and then
        }
        let path = directory.file("performed.csv", lines.joined(separator: "\n") + "\n")
        var results: [TimeReportResult] = []
        // The last two index the rows a range of users (and of staff) at a time: 100 rows at most, or 10, fewer
        // than one user's or staff member's rows (which then get a range of their own).
        for (threads, chunk, mostIndexed) in [
            (1, 1 << 20, 1 << 23), (2, 256, 1 << 23), (3, 4096, 1 << 23), (2, 256, 100),
            (1, 1 << 20, 10),
        ] {
            var options = TimeReportOptions()
            options.threads = threads
            options.minimumChunkBytes = chunk
            options.mostIndexedRows = mostIndexed
            results.append(try TimeReport.run(performed: [path], allocated: [], register: nil, options: options))
        }
        // The data has what the passes look for: copies of rows and overlapping visits.
        XCTAssertTrue(results[0].anomalies.contains { $0.kind == .duplicateRow })
        XCTAssertTrue(results[0].anomalies.contains { $0.kind == .overlappingVisits })
        for r in results.dropFirst() {
            let first = results[0]
            XCTAssertEqual(r.accounting, first.accounting)
            XCTAssertEqual(r.providerMonths, first.providerMonths)
            XCTAssertEqual(r.userMonths, first.userMonths)
            XCTAssertEqual(r.providerDays, first.providerDays)
            XCTAssertEqual(r.anomalies.count, first.anomalies.count)
            XCTAssertEqual(r.anomalies.first { !first.anomalies.contains($0) }, nil)
            XCTAssertEqual(r.usersInOrder.map(\.user), first.usersInOrder.map(\.user))
        }
    }
}
