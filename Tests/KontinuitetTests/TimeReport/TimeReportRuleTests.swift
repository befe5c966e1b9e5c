import XCTest

@testable import Kontinuitet

/// The time-report rules of docs/time-report.md on hand-made exports, the hours worked out in the comments.
final class TimeReportRuleTests: XCTestCase {
    private let header = "provider,user,staff,start,end"
    private let registerHeader = "provider,name,provider_type,district,capacity_hours,valid_from,valid_to"

    private func report(_ rows: [String], allocated: [String]? = nil, register: [String]? = nil) throws
        -> TimeReportResult
    {
        let directory = TemporaryDirectory()
        let performed = directory.file("p.csv", ([header] + rows).joined(separator: "\n") + "\n")
        let allocatedPaths = allocated.map { [directory.file("a.csv", $0.joined(separator: "\n") + "\n")] } ?? []
        let providerRegister = try register.map {
            try ProviderRegister.load(path: directory.file("r.csv", ([registerHeader] + $0).joined(separator: "\n")))
        }
        return try TimeReport.run(
            performed: [performed], allocated: allocatedPaths, register: providerRegister, options: TimeReportOptions())
    }

    func testAProviderAtExactlyNinetyPercentIsWarned() throws {
        // 8 h + 6 min = 8.1 h of a 9 h ceiling is exactly 90 % (in floating point 0.8999999999999999); the data
        // runs to 31 October, so the month is complete (no forecast).
        let result = try report(
            ["P,u1,s1,2018-10-01 08:00,2018-10-01 16:00", "P,u1,s1,2018-10-31 08:00,2018-10-31 08:06"],
            register: ["P,,privat,,9,2018-01-01,"])
        XCTAssertEqual(result.warnings.map(\.level), [.nearCeiling])
        XCTAssertEqual(result.warnings.first?.percent, 90)
    }

    func testSharesAreRoundedHalfUp() throws {
        // A 10 h ceiling and 10 h 29 min = 104.83 % → 105 % (not 104, as rounding down gave).
        let rule = try XCTUnwrap(CapacityRule(hours: 10))
        XCTAssertEqual(rule.percent(10 * 3_600 + 29 * 60), 105)
        // 104.5 % exactly (10 h 27 min) rounds up to 105; 104.49 % to 104.
        XCTAssertEqual(rule.percent(10 * 3_600 + 27 * 60), 105)
        XCTAssertEqual(rule.percent(10 * 3_600 + 26 * 60 + 56), 104)
    }

    func testTheSameRowTwiceCountsOnceAndIsReported() throws {
        // The same 30-minute visit in two overlapping exports: 30 minutes, not 60, and no false warning.
        let row = "P,u1,s1,2018-10-01 08:00,2018-10-01 08:30"
        let result = try report([row, "P,u1,s2,2018-10-01 09:00,2018-10-01 09:20", row])
        XCTAssertEqual(result.providerMonths.first?.performedSeconds, 50 * 60)
        XCTAssertEqual(result.accounting.performedDuplicate, 1)
        XCTAssertTrue(result.accounting.reconciles)
        // Both lines (2 and 4) are reported.
        XCTAssertEqual(result.anomalies.filter { $0.kind == .duplicateRow }.map(\.line), [2, 4])
    }

    func testAVisitOverTwentyFourHoursCountsNoTime() throws {
        // A placeholder check-out 9999-12-31 and a year typed 2081: no time, flagged, and quick.
        let result = try report([
            "P,u1,s1,2018-10-01 08:00,9999-12-31 23:59", "P,u1,s1,2018-10-02 08:00,2081-10-02 08:30",
            "P,u1,s1,2018-10-03 08:00,2018-10-03 08:45",
        ])
        // Only the third: 45 minutes.
        XCTAssertEqual(result.providerMonths.first?.performedSeconds, 45 * 60)
        XCTAssertEqual(result.anomalies.filter { $0.kind == .over24Hours }.map(\.line), [2, 3])
        XCTAssertEqual(result.providerDays.count, 3, "no day past the data's own")
    }

    func testAllocatedHoursAboveTheMonthsHoursAreRejected() throws {
        // October has 31 × 24 = 744 hours: 745 and a 30-digit number are rejected, 744 is not.
        let result = try report(
            ["P,u1,s1,2018-10-01 08:00,2018-10-01 08:30"],
            allocated: [
                "provider,user,month,allocated_hours", "P,u1,2018-10,744", "P,u2,2018-10,745",
                "P,u3,2018-10,123456789012345678901234567890",
            ])
        XCTAssertEqual(
            result.rejectedRows.map(\.reason), ["implausible_allocated_hours", "implausible_allocated_hours"])
        XCTAssertEqual(result.accounting.allocatedUsed, 1)
    }

    func testOverlapsAreLookedForWithinOneProviderOnly() throws {
        // Staff id "s1" at P and "s1" at Q are two people: no overlap. s1 at P with two users at once is one.
        let result = try report([
            "P,u1,s1,2018-10-01 08:00,2018-10-01 09:00", "Q,u9,s1,2018-10-01 08:30,2018-10-01 09:30",
            "P,u2,s1,2018-10-01 08:45,2018-10-01 09:15",
        ])
        XCTAssertEqual(result.anomalies.filter { $0.kind == .overlappingVisits }.map(\.line), [2, 4])
        // The anomaly counts per provider-month: P has two overlapping rows, Q none.
        XCTAssertEqual(result.providerMonths.first { $0.provider == "P" }?.anomalyCounts[.overlappingVisits], 2)
        XCTAssertNil(result.providerMonths.first { $0.provider == "Q" }?.anomalyCounts[.overlappingVisits])
    }

    func testAVisitIntoANewMonthCountsInBothAndOverlapsThere() throws {
        // s1 at u1 from 31 October 23:30 to 1 November 00:40 (30 min in October, 40 in November) and at u2 from
        // 1 November 00:10 to 00:50 (40 min): they overlap, though the rows are added up month by month. The copy
        // of u1's row (line 4) counts once; s2 at u3 from 23:00 to 23:20 on 31 October (20 min) overlaps nothing.
        var options = TimeReportOptions()
        options.rowsInMemory = 0  // every row through the scratch file
        options.segmentRows = 1
        options.rowsPerWindow = 1  // a month at a time
        let directory = TemporaryDirectory()
        let rows = [
            "P,u1,s1,2018-10-31 23:30,2018-11-01 00:40", "P,u2,s1,2018-11-01 00:10,2018-11-01 00:50",
            "P,u1,s1,2018-10-31 23:30,2018-11-01 00:40", "P,u3,s2,2018-10-31 23:00,2018-10-31 23:20",
        ]
        let path = directory.file("p.csv", ([header] + rows).joined(separator: "\n") + "\n")
        let result = try TimeReport.run(performed: [path], allocated: [], register: nil, options: options)
        let months = Dictionary(uniqueKeysWithValues: result.providerMonths.map { ($0.month, $0) })
        XCTAssertEqual(months["2018-10"]?.performedSeconds, (30 + 20) * 60)
        XCTAssertEqual(months["2018-11"]?.performedSeconds, (40 + 40) * 60)
        let u1 = result.userMonths.filter { $0.user == "u1" }.map { [$0.month: $0.performedSeconds] }
        XCTAssertEqual(u1, [["2018-10": 30 * 60], ["2018-11": 40 * 60]])
        XCTAssertEqual(
            result.anomalies.filter { $0.kind == .overlappingVisits }.map(\.line), [2, 3],
            "u1's first row and u2's; the copy counts no time, so it overlaps nothing")
        XCTAssertEqual(result.anomalies.filter { $0.kind == .duplicateRow }.map(\.line), [2, 4])
        // Counted in the month of check-in: u1's row in October, u2's in November.
        XCTAssertEqual(months["2018-10"]?.anomalyCounts[.overlappingVisits], 1)
        XCTAssertEqual(months["2018-11"]?.anomalyCounts[.overlappingVisits], 1)
        XCTAssertTrue(result.accounting.reconciles)
    }

    func testHonestWithoutAllocatedTimeOrACeiling() throws {
        let result = try report(["P,u1,s1,2018-10-01 08:00,2018-10-01 08:30"])
        XCTAssertFalse(result.allocatedGiven)
        XCTAssertEqual(result.providersWithoutCeiling, ["P"])
        XCTAssertTrue(TimeReportOutputs.summary(result).contains("no allocated-time report given"))
    }

    func testTheLastIncompleteMonthIsForecast() throws {
        // A 100 h ceiling; 1–10 November, 4 h a day = 40 h in 10 days. At that pace November (30 days) ends at
        // 120 h = 120 %, and the running total passes 100 h on day 25 (4 h × 25 = 100 h).
        var rows: [String] = []
        for day in 1...10 {
            let date = "2018-11-" + (day < 10 ? "0\(day)" : "\(day)")
            rows.append("P,u1,s1,\(date) 08:00,\(date) 12:00")
        }
        let result = try report(rows, register: ["P,,privat,,100,2018-01-01,"])
        XCTAssertEqual(result.warnings.map(\.level), [.forecastCeilingReached])
        XCTAssertEqual(result.warnings.first?.forecastDay, 25)
        XCTAssertEqual(result.warnings.first?.percent, 120)
        XCTAssertTrue(result.warnings.first?.message.contains("prognos: taket nås omkring den 25:e") ?? false)
    }

    func testBackUnderNinetyPercentAfterAMonthAtTheCeiling() throws {
        // October: 10 h of a 10 h ceiling (100 %); November, whose data runs to the 30th (a visit without time
        // on the 30th), 5 h (50 %).
        let result = try report(
            [
                "P,u1,s1,2018-10-01 08:00,2018-10-01 18:00", "P,u1,s1,2018-11-01 08:00,2018-11-01 13:00",
                "P,u1,s1,2018-11-30 08:00,2018-11-30 08:00",
            ], register: ["P,,privat,,10,2018-01-01,"])
        XCTAssertEqual(result.warnings.map(\.level), [.ceilingReached, .backUnderCeiling])
        XCTAssertTrue(result.warnings.last?.message.contains("kan ta emot nya brukare") ?? false)
    }
}
