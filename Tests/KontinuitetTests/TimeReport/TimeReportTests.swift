import XCTest

@testable import Kontinuitet

/// The rules of performed time, on rows whose minutes are computed by hand in the comments.
final class TimeReportTests: XCTestCase {
    private let header = "provider;user;staff;start;end;visit;planned_start"

    private func report(
        _ rows: [String], allocated: [String]? = nil, register: [String]? = nil, tolerance: Int = 60
    ) throws -> TimeReportResult {
        let directory = TemporaryDirectory()
        let performed = directory.file("performed.csv", ([header] + rows).joined(separator: "\n") + "\n")
        var allocatedPaths: [String] = []
        if let allocated {
            allocatedPaths.append(directory.file("allocated.csv", allocated.joined(separator: "\n") + "\n"))
        }
        var providerRegister: ProviderRegister?
        if let register {
            providerRegister = try ProviderRegister.load(
                path: directory.file("providers.csv", register.joined(separator: "\n") + "\n"))
        }
        var options = TimeReportOptions()
        options.plannedToleranceMinutes = tolerance
        return try TimeReport.run(
            performed: [performed], allocated: allocatedPaths, register: providerRegister, options: options)
    }

    private func minutes(_ result: TimeReportResult, _ month: String, provider: String = "P1") -> Double? {
        result.providerMonths.first { $0.provider == provider && $0.month == month }.map {
            Double($0.performedSeconds) / 60
        }
    }

    private func parsed(_ text: String) throws -> TimestampParser.Parsed {
        try XCTUnwrap(TimestampParser.parse(text))
    }

    func testSpringForwardVisitIsOneRealHour() throws {
        // 25 March 2018: clocks go from 02:00 to 03:00. 01:30 CET → 03:30 CEST is one real hour.
        let seconds = PerformedTimeRule.elapsedSeconds(
            checkIn: try parsed("2018-03-25 01:30"), checkOut: try parsed("2018-03-25 03:30"))
        XCTAssertEqual(seconds, 3_600)
    }

    func testAutumnBackVisitsCountTheRepeatedHour() throws {
        // 28 October 2018: 03:00 CEST becomes 02:00 CET. 01:30 → 03:30 on the wall is three real hours.
        XCTAssertEqual(
            PerformedTimeRule.elapsedSeconds(
                checkIn: try parsed("2018-10-28 01:30"), checkOut: try parsed("2018-10-28 03:30")), 3 * 3_600)
        // 02:30 (first, summer time) → 02:15 (second, standard time): 45 minutes, not minus 15.
        XCTAssertEqual(
            PerformedTimeRule.elapsedSeconds(
                checkIn: try parsed("2018-10-28 02:30"), checkOut: try parsed("2018-10-28 02:15")), 45 * 60)
        // With explicit offsets there is no ambiguity: 02:30+02:00 → 02:15+01:00 is 45 minutes too.
        XCTAssertEqual(
            PerformedTimeRule.elapsedSeconds(
                checkIn: try parsed("2018-10-28T02:30+02:00"), checkOut: try parsed("2018-10-28T02:15+01:00")),
            45 * 60)
    }

    func testAVisitOverMidnightIsSplitByDay() throws {
        let parts = PerformedTimeRule.partsByDay(
            checkIn: try parsed("2018-09-03 23:30"), checkOut: try parsed("2018-09-04 00:45"))
        XCTAssertEqual(parts.map(\.seconds), [30 * 60, 45 * 60])
        XCTAssertEqual(parts.map { CivilDate(dayNumber: $0.day).day }, [3, 4])
    }

    func testAVisitOverAMonthBoundaryCountsInBothMonths() throws {
        let result = try report(["P1;A;s1;2018-09-30 23:30;2018-10-01 00:30;v1;"])
        // 30 minutes in September, 30 in October; the visit itself counts in September (its check-in).
        XCTAssertEqual(minutes(result, "2018-09"), 30)
        XCTAssertEqual(minutes(result, "2018-10"), 30)
        XCTAssertEqual(result.providerMonths.first { $0.month == "2018-09" }?.visits, 1)
        XCTAssertEqual(result.providerMonths.first { $0.month == "2018-10" }?.visits, 0)
        XCTAssertEqual(result.userMonths.map(\.performedSeconds), [1_800, 1_800])
    }

    func testDoubleStaffingCountsEachStaffMembersTime() throws {
        let result = try report([
            "P1;A;s1;2018-09-03 08:00;2018-09-03 08:30;v1;", "P1;A;s2;2018-09-03 08:00;2018-09-03 08:30;v1;",
        ])
        // 30 + 30 minutes, one visit.
        XCTAssertEqual(minutes(result, "2018-09"), 60)
        XCTAssertEqual(result.providerMonths.first?.visits, 1)
        XCTAssertTrue(result.anomalies.isEmpty, "two staff at one user at once is double staffing, not an overlap")
    }

    func testMissingCheckOutCountsTheVisitButNoTime() throws {
        let result = try report([
            "P1;A;s1;2018-09-03 08:00;;v1;", "P1;A;s1;2018-09-03 12:00;2018-09-03 12:20;v2;",
        ])
        let month = try XCTUnwrap(result.providerMonths.first)
        XCTAssertEqual(month.performedSeconds, 20 * 60)
        XCTAssertEqual(month.visits, 2)
        XCTAssertEqual(month.visitsWithoutCheckOut, 1)
        XCTAssertEqual(
            result.anomalies, [AnomalyRecord(file: result.anomalies[0].file, line: 2, kind: .missingCheckOut)])
        // 2 rows read = 1 used + 1 flagged without time + 0 rejected.
        XCTAssertEqual(result.accounting.performedUsed, 1)
        XCTAssertEqual(result.accounting.performedFlagged, 1)
        XCTAssertTrue(result.accounting.reconciles)
    }

    func testCheckOutBeforeCheckInAndVeryLongVisits() throws {
        let result = try report([
            "P1;A;s1;2018-09-03 09:00;2018-09-03 08:00;v1;", "P1;B;s2;2018-09-03 07:00;2018-09-03 20:00;v2;",
        ])
        XCTAssertEqual(result.anomalies.map(\.kind), [.checkOutBeforeCheckIn, .over12Hours])
        // The 13-hour visit still counts: 780 minutes.
        XCTAssertEqual(minutes(result, "2018-09"), 780)
    }

    func testTheSameStaffAtTwoUsersAtOnceIsFlaggedOnBothRows() throws {
        let result = try report([
            "P1;A;s1;2018-09-03 08:00;2018-09-03 09:00;v1;", "P1;B;S1 ;2018-09-03 08:30;2018-09-03 09:00;v2;",
            "P1;C;s1;2018-09-03 09:00;2018-09-03 09:30;v3;",
        ])
        // Rows on lines 2 and 3 overlap (08:30–09:00); line 4 starts when line 2 ends: no overlap.
        XCTAssertEqual(result.anomalies.map(\.line), [2, 3])
        XCTAssertEqual(Set(result.anomalies.map(\.kind)), [.overlappingVisits])
    }

    func testCheckInFarFromThePlannedTime() throws {
        let result = try report([
            "P1;A;s1;2018-09-03 09:30;2018-09-03 10:00;v1;2018-09-03 08:00",
            "P1;A;s1;2018-09-03 12:30;2018-09-03 13:00;v2;2018-09-03 12:00",
        ])
        // 90 minutes late is beyond the 60-minute tolerance; 30 minutes is not.
        XCTAssertEqual(result.anomalies.map(\.line), [2])
        XCTAssertEqual(result.anomalies.map(\.kind), [.farFromPlanned])
    }

    func testAllocatedTimeWithDecimalCommaAndTheRatios() throws {
        let result = try report(
            ["P1;A;s1;2018-09-03 08:00;2018-09-03 09:30;v1;", "P1;B;s1;2018-09-04 08:00;2018-09-04 08:30;v2;"],
            allocated: [
                "utförare;brukare;månad;fördelad tid;beviljad tid", "P1;A;2018-09;1,5;2", "P1;B;2018-09;0,5;",
                "P1;C;2018-09;3;4",
            ])
        let month = try XCTUnwrap(result.providerMonths.first)
        // Allocated 1.5 + 0.5 + 3 = 5 h; granted 2 + 4 = 6 h; performed 1.5 + 0.5 = 2 h.
        XCTAssertEqual(month.allocatedHours, 5)
        XCTAssertEqual(month.grantedHours, 6)
        XCTAssertEqual(month.performedHours, 2)
        XCTAssertEqual(try XCTUnwrap(month.performedAllocatedRatio), 0.4, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(month.executionRate), 2.0 / 6, accuracy: 1e-12)
        // User C has allocated time but no visits: a user-month with 0 performed, difference −3 h.
        let c = try XCTUnwrap(result.userMonths.first { $0.user == "C" })
        XCTAssertEqual(c.differenceHours, -3)
        XCTAssertEqual(result.accounting.allocatedRead, 3)
        XCTAssertEqual(result.accounting.allocatedUsed, 3)
    }

    func testCapacityWarningsAt90And100Percent() throws {
        // P1 performs 9 h in September against a 10-hour ceiling: 90 % (early warning). P2: 2 h of 2 h: reached.
        // P3: 1 h of 10 h: no warning. The data runs to 30 September (P3's visit without time), so September is
        // complete and not forecast.
        let result = try report(
            [
                "P1;A;s1;2018-09-03 08:00;2018-09-03 17:00;v1;", "P2;B;s2;2018-09-03 08:00;2018-09-03 10:00;v2;",
                "P3;C;s3;2018-09-03 08:00;2018-09-03 09:00;v3;", "P3;C;s3;2018-09-30 08:00;2018-09-30 08:00;v4;",
            ],
            register: [
                "provider;name;provider_type;district;capacity_hours;valid_from;valid_to",
                "P1;Ett;kommunal;Norr;10;2018-01-01;", "P2;Två;privat;Väst;2,0;2018-01-01;2018-12-31",
                "P3;Tre;privat;Väst;10;;",
            ])
        XCTAssertEqual(result.warnings.map(\.provider), ["P1", "P2"])
        XCTAssertEqual(result.warnings.map(\.level), [.nearCeiling, .ceilingReached])
        XCTAssertEqual(result.providerMonths.first { $0.provider == "P1" }?.capacityShare, 0.9)
        XCTAssertTrue(result.warnings[1].message.contains("kapacitetstaket är nått"))
    }

    func testMalformedRowsAreRejectedAndCounted() throws {
        let result = try report([
            "P1;A;s1;igår;2018-09-03 09:00;v1;", "P1;A;;2018-09-03 08:00;2018-09-03 09:00;v1;",
            "P1;A;s1;2018-09-03 08:00;snart;v1;", "P1;A;s1;2018-09-03 08:00;2018-09-03 09:00;v1;",
        ])
        XCTAssertEqual(result.rejectedRows.map(\.reason), ["bad_start", "missing_staff", "bad_end"])
        XCTAssertEqual(result.rejectedRows.map(\.line), [2, 3, 4])
        XCTAssertEqual(result.accounting.performedRead, 4)
        XCTAssertTrue(result.accounting.reconciles)
    }

    func testDecimalNumbers() {
        XCTAssertEqual(DecimalNumber.parse("7,5"), 7.5)
        XCTAssertEqual(DecimalNumber.parse(" 1 234,5 "), 1234.5)
        XCTAssertEqual(DecimalNumber.parse("12"), 12)
        XCTAssertEqual(DecimalNumber.parse("-2.25"), -2.25)
        XCTAssertNil(DecimalNumber.parse("1.234,5"))
        XCTAssertNil(DecimalNumber.parse("sju"))
        XCTAssertNil(DecimalNumber.parse(""))
    }
}
