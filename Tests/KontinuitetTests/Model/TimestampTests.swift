import XCTest

@testable import Kontinuitet

/// Timestamps, civil dates and the Europe/Stockholm rules.
final class TimestampTests: XCTestCase {
    private func wall(_ y: Int, _ m: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int = 0) -> Int {
        CivilDate.dayNumber(year: y, month: m, day: d) * 86_400 + h * 3_600 + mi * 60 + s
    }

    func testLocalFormats() {
        let expected = wall(2018, 9, 3, 7, 5)
        XCTAssertEqual(TimestampParser.wallClockSeconds("2018-09-03 07:05"), expected)
        XCTAssertEqual(TimestampParser.wallClockSeconds("2018-09-03T07:05"), expected)
        XCTAssertEqual(TimestampParser.wallClockSeconds(" 2018-09-03 7:05 "), expected)
        XCTAssertEqual(TimestampParser.wallClockSeconds("2018-09-03 07:05:30"), expected + 30)
        XCTAssertEqual(TimestampParser.wallClockSeconds("2018-09-03 07:05:30.250"), expected + 30)
        XCTAssertEqual(TimestampParser.wallClockSeconds("2018/09/03 07:05"), expected)
    }

    /// The reader that remembers the last date gives the parser's answer on any sequence of timestamps.
    func testWallClockReaderEqualsTheParser() {
        var generator = SplitMix64(seed: 11)
        let dates = ["2018-09-03", "2018-09-04", "2018/09/04", "2018-02-30", "2018-10-28", "20x8-09-03"]
        let separators = [" ", "T", "  "]
        let times = [
            "09:25", "23:59", "24:00", "07:60", "9:25", "09:25:30", "09:25:60", "09:25:61", "09:25+02",
            // Malformed in the places the fast path checks: a letter, a wrong separator, a byte above 0x7F.
            "0a:25", "09;25", "09:2x", "1:234", "09:25:6x", "09:25;30", "\u{e9}9:25",
        ]
        let tails = ["", "", "", " ", "Z", "+01:00"]
        var reader = WallClockReader()
        var fastAnswers = 0
        for _ in 0..<20000 {
            func pick(_ values: [String]) -> String { values[Int(generator.next() % UInt64(values.count))] }
            let text = pick(dates) + pick(separators) + pick(times) + pick(tails)
            let bytes = Array(text.utf8)
            bytes.withUnsafeBufferPointer { buffer in
                let expected = TimestampParser.wallClockSeconds(buffer)
                XCTAssertEqual(reader.wallClockSeconds(buffer), expected, text)
                if expected != nil && (bytes.count == 16 || bytes.count == 19) { fastAnswers += 1 }
            }
        }
        XCTAssertGreaterThan(fastAnswers, 500)
    }

    /// A log that lists each user's days in turn returns to dates read before (the reader's table of dates); more
    /// dates than the table has slots, so some share one. The reader still gives the parser's answer.
    func testWallClockReaderEqualsTheParserOnDatesThatReturn() {
        var generator = SplitMix64(seed: 12)
        let firstDay = CivilDate(year: 2017, month: 12, day: 1).dayNumber
        var reader = WallClockReader()
        for user in 0..<3 {
            for offset in 0..<1_300 {
                let date = CivilDate(dayNumber: firstDay + offset)
                var text = String(format: "%04d-%02d-%02d", date.year, date.month, date.day)
                if offset % 97 == 13 { text = String(format: "%04d-02-30", date.year) }
                for _ in 0..<1 + user {
                    let minute = Int(generator.next() % 1_440)
                    let line = text + String(format: " %02d:%02d", minute / 60, minute % 60)
                    Array(line.utf8).withUnsafeBufferPointer { buffer in
                        XCTAssertEqual(reader.wallClockSeconds(buffer), TimestampParser.wallClockSeconds(buffer), line)
                    }
                }
            }
        }
    }

    func testRejectsNonTimestamps() {
        for text in [
            "", "2018-09-03", "2018-13-03 07:00", "2018-02-29 07:00", "2018-09-03 24:00", "igår 07:00",
            "2018-09-03 07:60", "2018-09-03 07:05 CET", "2018-09-03 07",
        ] {
            XCTAssertNil(TimestampParser.wallClockSeconds(text), text)
        }
    }

    func testOffsetsConvertToStockholm() {
        // Summer: UTC+2. 05:30Z is 07:30 in Stockholm.
        XCTAssertEqual(TimestampParser.wallClockSeconds("2018-09-03T05:30:00Z"), wall(2018, 9, 3, 7, 30))
        XCTAssertEqual(TimestampParser.wallClockSeconds("2018-09-03T07:30:00+02:00"), wall(2018, 9, 3, 7, 30))
        XCTAssertEqual(TimestampParser.wallClockSeconds("2018-09-03 06:30+0100"), wall(2018, 9, 3, 7, 30))
        // Winter: UTC+1.
        XCTAssertEqual(TimestampParser.wallClockSeconds("2018-12-03T06:30Z"), wall(2018, 12, 3, 7, 30))
    }

    func testDaylightSavingBoundariesOnLastSundays() {
        // 2018: summer time from Sunday 25 March 01:00 UTC to Sunday 28 October 01:00 UTC.
        XCTAssertEqual(Stockholm.lastSunday(year: 2018, month: 3), CivilDate(year: 2018, month: 3, day: 25).dayNumber)
        XCTAssertEqual(Stockholm.lastSunday(year: 2018, month: 10), CivilDate(year: 2018, month: 10, day: 28).dayNumber)
        XCTAssertEqual(TimestampParser.wallClockSeconds("2018-03-25T00:59Z"), wall(2018, 3, 25, 1, 59))
        XCTAssertEqual(TimestampParser.wallClockSeconds("2018-03-25T01:00Z"), wall(2018, 3, 25, 3, 0))
        XCTAssertEqual(TimestampParser.wallClockSeconds("2018-10-28T00:59Z"), wall(2018, 10, 28, 2, 59))
        XCTAssertEqual(TimestampParser.wallClockSeconds("2018-10-28T01:00Z"), wall(2018, 10, 28, 2, 0))
        // Elapsed time across the spring change: 01:30 to 03:30 on the wall is one real hour.
        let before = Stockholm.utcSeconds(fromWallClock: wall(2018, 3, 25, 1, 30))
        let after = Stockholm.utcSeconds(fromWallClock: wall(2018, 3, 25, 3, 30))
        XCTAssertEqual(after - before, 3_600)
    }

    func testCivilDateRoundTripAndWeekday() {
        for day in stride(from: -800_000, to: 800_000, by: 997) {
            XCTAssertEqual(CivilDate(dayNumber: day).dayNumber, day)
        }
        XCTAssertEqual(CivilDate(year: 2018, month: 9, day: 3).isoWeekday, 1)
        XCTAssertEqual(CivilDate(year: 1970, month: 1, day: 1).isoWeekday, 4)
    }

    /// The date as text is YYYY-MM-DD, zero-padded, and parses back to the same date.
    func testCivilDateDescriptionIsZeroPaddedAndParsesBack() throws {
        XCTAssertEqual(CivilDate(year: 2018, month: 9, day: 3).description, "2018-09-03")
        XCTAssertEqual(CivilDate(year: 999, month: 12, day: 31).description, "0999-12-31")
        XCTAssertEqual(CivilDate(year: 12_345, month: 1, day: 2).description, "12345-01-02")
        for dayNumber in stride(from: -1_000, to: 40_000, by: 37) {
            let date = CivilDate(dayNumber: dayNumber)
            let text = date.description
            XCTAssertEqual(text.count, 10)
            let parsed = try XCTUnwrap(Array(text.utf8).withUnsafeBufferPointer { CivilDate.parse($0) })
            XCTAssertEqual(parsed, date, text)
        }
    }

    func testAgeCountsCompletedYearsAndLeapDayBirthdays() {
        let born = CivilDate(year: 1953, month: 9, day: 4)
        XCTAssertEqual(born.age(on: CivilDate(year: 2018, month: 9, day: 3)), 64)
        XCTAssertEqual(born.age(on: CivilDate(year: 2018, month: 9, day: 4)), 65)
        let leap = CivilDate(year: 1952, month: 2, day: 29)
        XCTAssertEqual(leap.age(on: CivilDate(year: 2017, month: 2, day: 28)), 64)
        XCTAssertEqual(leap.age(on: CivilDate(year: 2017, month: 3, day: 1)), 65)
    }
}
