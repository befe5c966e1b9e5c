import XCTest

@testable import Kontinuitet

/// `--rolling`: the sliding windows must equal the plain computation run once per window start.
final class RollingTests: XCTestCase {
    /// A random log over 30 days: users with 1–4 visits a day from a small team, some days missing, some users
    /// turning 65 during the data.
    private func randomLog(seed: UInt64) -> (String, Int) {
        var generator = SplitMix64(seed: seed)
        var lines = ["provider,user,staff,start,visit,category,birth_date"]
        let days = 30
        for user in 0..<40 {
            let provider = "P\(user % 3)"
            // Users 0–4 turn 65 on a day of the data (born 1953-09-05 + user·3 days).
            let birth = user < 5 ? CivilDate(year: 1953, month: 9, day: 5).adding(days: user * 3).description : ""
            for day in 0..<days {
                let visits = Int(generator.next() % 10) == 0 ? 1 : 2 + Int(generator.next() % 3)
                for k in 0..<visits {
                    let date = CivilDate(year: 2018, month: 9, day: 1).adding(days: day)
                    let hour = 7 + k * 4 + Int(generator.next() % 2)
                    let staff = "S\(generator.next() % 12)"
                    let category = generator.next() % 25 == 0 ? "Matleverans" : ""
                    lines.append(
                        "\(provider),U\(user),\(staff),\(date) \(hour < 10 ? "0" : "")\(hour):00,v\(user)-\(day)-\(k),"
                            + "\(category),\(birth)")
                }
            }
        }
        return (lines.joined(separator: "\n") + "\n", days)
    }

    func testRollingWindowsEqualThePlainComputationForEveryStart() throws {
        let (text, days) = randomLog(seed: 11)
        let directory = TemporaryDirectory()
        let path = directory.file("log.csv", text)
        var options = MeasureOptions()
        options.rolling = true
        options.rollingPerUser = true
        options.sampling = .all
        options.periodStart = CivilDate(year: 2018, month: 9, day: 3)
        options.threads = 3
        let rolling = try XCTUnwrap(try VisitLogMeasurement.run(paths: [path], options: options))
        let result = try XCTUnwrap(rolling.rolling)
        XCTAssertEqual(result.firstDay, CivilDate(year: 2018, month: 9, day: 1))
        XCTAssertEqual(result.lastDay, CivilDate(year: 2018, month: 9, day: 30))
        var checkedWindows = 0
        for offset in 0...(days - PeriodWindow.length) {
            let start = CivilDate(year: 2018, month: 9, day: 1).adding(days: offset)
            var plainOptions = MeasureOptions()
            plainOptions.periodStart = start
            plainOptions.sampling = .all
            let plain = try VisitLogMeasurement.run(paths: [path], options: plainOptions)
            let expected = Set(plain.users.filter(\.measured).map { "\($0.provider)|\($0.userID)|\($0.distinctStaff)" })
            let actual = Set(
                result.users.filter { $0.windowStart == start }.map {
                    "\(rolling.users[$0.user].provider)|\(rolling.users[$0.user].userID)|\($0.distinctStaff)"
                })
            XCTAssertEqual(actual, expected, "window starting \(start)")
            for provider in plain.providers where provider.measuredUsers > 0 {
                let figure = result.windows.first { $0.provider == provider.provider && $0.windowStart == start }
                XCTAssertEqual(figure?.measuredUsers, provider.measuredUsers, "\(provider.provider) \(start)")
                XCTAssertEqual(figure?.mean ?? -1, provider.summary.mean ?? -2, accuracy: 1e-9)
                XCTAssertEqual(figure?.median, provider.summary.median)
            }
            checkedWindows += expected.count
        }
        XCTAssertGreaterThan(checkedWindows, 20, "the random data must measure users in some windows")
    }

    func testRollingLeavesThePeriodResultsUnchanged() throws {
        let (text, _) = randomLog(seed: 5)
        let directory = TemporaryDirectory()
        let path = directory.file("log.csv", text)
        var plainOptions = MeasureOptions()
        plainOptions.periodStart = CivilDate(year: 2018, month: 9, day: 10)
        var rollingOptions = plainOptions
        rollingOptions.rolling = true
        let plain = try VisitLogMeasurement.run(paths: [path], options: plainOptions)
        let rolling = try VisitLogMeasurement.run(paths: [path], options: rollingOptions)
        XCTAssertEqual(plain.accounting, rolling.accounting)
        XCTAssertEqual(
            plain.users.map { "\($0.userID)|\($0.reason?.rawValue ?? "")|\($0.visits)|\($0.distinctStaff)" },
            rolling.users.map { "\($0.userID)|\($0.reason?.rawValue ?? "")|\($0.visits)|\($0.distinctStaff)" })
        XCTAssertEqual(plain.users.map(\.indices), rolling.users.map(\.indices))
    }

    func testMonthlySeriesPoolsTheWindowsOfTheMonth() {
        // Two windows in one month with values [10, 20] and [30]: pooled mean 20, median 20.
        var odd: ArraySlice<Int32> = [30, 10, 20]
        XCTAssertEqual(RollingWindows.meanAndMedian(&odd).0, 20)
        XCTAssertEqual(RollingWindows.meanAndMedian(&odd).1, 20)
        var even: ArraySlice<Int32> = [7, 1, 4, 3]
        XCTAssertEqual(RollingWindows.meanAndMedian(&even).0, 3.75)
        XCTAssertEqual(RollingWindows.meanAndMedian(&even).1, 3.5)
    }

    /// Long lists (counted into a histogram) give ProviderSummary's mean and median, odd and even lengths.
    func testMeanAndMedianOfLongListsEqualTheProviderSummary() {
        var generator = SplitMix64(seed: 5)
        for length in [63, 64, 65, 200, 1001, 5000] {
            let values = (0..<length).map { _ in Int(generator.next() % 40) + (length % 2 == 0 ? 3 : 0) }
            var slice = ArraySlice(values.map { Int32($0) })
            let (mean, median) = RollingWindows.meanAndMedian(&slice)
            let summary = ProviderSummary(staffCounts: values)
            XCTAssertEqual(mean, summary.mean, "length \(length)")
            XCTAssertEqual(median, summary.median, "length \(length)")
        }
    }
}
