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

    func testTimeReportGivesTheSameResultWhateverItsChunksAndWhereItKeepsTheRows() throws {
        // Four months, with visits across midnight into a new month, copies, overlaps and, in the second file,
        // names with a quoted line break (so the file is read record by record after the first chunk that has one).
        let directory = TemporaryDirectory()
        var random = SplitMix64(seed: 11)
        var files: [String] = []
        for file in 0..<2 {
            var lines = ["provider,user,staff,start,end,visit,sort_name"]
            for k in 0..<2_500 {
                let month = 9 + Int(random.next() % 4)
                let last = month == 9 || month == 11 ? 30 : 31
                let day = 1 + Int(random.next() % UInt64(last))
                let hour = 7 + Int(random.next() % 17)
                let start = String(format: "2018-%02d-%02d %02d:%02d", month, day, hour, Int(random.next() % 4) * 15)
                let minutes = hour * 60 + 30 + Int(random.next() % 120)
                // Past midnight: the next day, in the next month after the month's last day.
                let (endMonth, endDay) =
                    minutes >= 24 * 60 ? (day == last ? (month + 1, 1) : (month, day + 1)) : (month, day)
                let end = String(format: "2018-%02d-%02d %02d:%02d", endMonth, endDay, minutes / 60 % 24, minutes % 60)
                let name = file == 1 && k % 300 == 7 ? "\"Ek, Anna\nEk\"" : "Ek"
                lines.append("P\(k % 2),u\(k % 41),s\(k % 7),\(start),\(end),\(k % 3 == 0 ? "v\(k)" : ""),\(name)")
                if k % 40 == 0 { lines.append(lines[lines.count - 1]) }
            }
            lines.append("P0,u1,s1,2018-12-31 23:50,2019-01-01 00:20,,Ek")
            files.append(directory.file("p\(file).csv", lines.joined(separator: "\n") + "\n"))
        }
        var results: [TimeReportResult] = []
        let scratch = TemporaryDirectory()
        // threads, smallest and largest chunk, rows in memory, rows per segment, rows per window; the first reads
        // each file in one piece, all in memory, and adds all months up at once.
        for (threads, smallest, largest, inMemory, segment, window) in [
            (1, 1 << 20, 1 << 25, 1 << 22, 1 << 16, 1 << 20), (2, 256, 1 << 25, 1 << 22, 1 << 16, 1),
            (1, 256, 4096, 0, 7, 1), (2, 256, 10_000, 500, 64, 2_000), (3, 256, 300, 1 << 22, 1, 1),
        ] {
            var options = TimeReportOptions()
            options.threads = threads
            options.minimumChunkBytes = smallest
            options.largestChunkBytes = largest
            options.rowsInMemory = inMemory
            options.segmentRows = segment
            options.rowsPerWindow = window
            options.scratchDirectory = scratch.path
            var kept: [String] = []
            results.append(
                try TimeReport.run(performed: files, allocated: [], register: nil, options: options) {
                    if $0.contains("temporary file") { kept.append($0) }
                })
            // Rows beyond those held in memory went to the scratch file (all of them with none in memory).
            XCTAssertEqual(kept.count, inMemory < 5_128 ? 1 : 0, kept.joined())
            // With none in memory, every row but those of each month's last, unfilled segment (fewer than 7 rows in
            // each of the 5 months).
            if inMemory == 0, let count = kept.first?.split(separator: " ").first.flatMap({ Int($0) }) {
                XCTAssertTrue((5_128 - 5 * 6...5_128).contains(count), kept.joined())
            }
        }
        let first = results[0]
        XCTAssertEqual(first.accounting.performedRead, 2 * (2_500 + 63 + 1))
        XCTAssertEqual(Set(first.providerMonths.map(\.month)), ["2018-09", "2018-10", "2018-11", "2018-12", "2019-01"])
        XCTAssertTrue(first.anomalies.contains { $0.kind == .duplicateRow })
        XCTAssertTrue(first.anomalies.contains { $0.kind == .overlappingVisits })
        for r in results.dropFirst() {
            XCTAssertEqual(r.accounting, first.accounting)
            XCTAssertEqual(r.providerMonths, first.providerMonths)
            XCTAssertEqual(r.userMonths, first.userMonths)
            XCTAssertEqual(r.providerDays, first.providerDays)
            XCTAssertEqual(r.anomalies, first.anomalies)
            XCTAssertEqual(r.rejectedRows.map(\.line), first.rejectedRows.map(\.line))
        }
        // No scratch file is left behind (it has no name from the start).
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch.path), [])
    }

    func testAScratchDirectoryThatCannotBeWrittenIsAClearError() throws {
        let directory = TemporaryDirectory()
        let path = directory.file(
            "p.csv",
            "provider,user,staff,start,end\nP,u1,s1,2018-10-01 08:00,2018-10-01 08:30\n"
                + "P,u1,s1,2018-10-02 08:00,2018-10-02 08:30\n")
        var options = TimeReportOptions()
        options.rowsInMemory = 0
        options.segmentRows = 1
        options.scratchDirectory = directory.path + "/missing"
        XCTAssertThrowsError(try TimeReport.run(performed: [path], allocated: [], register: nil, options: options)) {
            let message = String(describing: $0)
            XCTAssertTrue($0 is OutputError, message)
            XCTAssertTrue(message.hasPrefix(directory.path + "/missing: cannot write"), message)
            XCTAssertTrue(message.contains("set TMPDIR"), message)
        }
    }
}
