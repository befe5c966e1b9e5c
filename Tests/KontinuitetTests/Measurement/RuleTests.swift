import XCTest

@testable import Kontinuitet

/// One test (or a few) per rule of SPEC §2, on logs small enough to check by hand.
final class RuleTests: XCTestCase {
    // Rule 1: the period.
    func testPeriodDefaultIsISOWeeks36And37() {
        // 2018: Monday 3 September to Sunday 16 September (SPEC §2.1).
        let period = PeriodWindow.kolada(year: 2018)
        XCTAssertEqual(period.start, CivilDate(year: 2018, month: 9, day: 3))
        XCTAssertEqual(period.end, CivilDate(year: 2018, month: 9, day: 16))
        // 2020 starts on a Wednesday; week 36 begins Monday 31 August.
        XCTAssertEqual(PeriodWindow.kolada(year: 2020).start, CivilDate(year: 2020, month: 8, day: 31))
        // 2021: 4 January is a Monday, week 36 begins 6 September.
        XCTAssertEqual(PeriodWindow.kolada(year: 2021).start, CivilDate(year: 2021, month: 9, day: 6))
    }

    func testPeriodStartOptionMovesTheWindow() throws {
        var log = VisitLogBuilder()
        log.regularUser(user: "A", staff: ["s1", "s2"])
        // Starting a day later, the last day (17 September) has no visits: not measured.
        let later = try log.measure { $0.periodStart = CivilDate(year: 2018, month: 9, day: 4) }
        XCTAssertEqual(later.user("A")?.reason, .tooFewDailyVisits)
        XCTAssertEqual(later.user("A")?.daysWithVisits, 13)
        let kolada = try log.measure()
        XCTAssertNil(kolada.user("A")?.reason)
    }

    func testRowsOnlyOutsideThePeriodGiveNoVisitsInPeriod() throws {
        var log = VisitLogBuilder()
        log.row(user: "A", staff: "s1", day: -1, time: "08:00")
        log.row(user: "A", staff: "s1", day: 14, time: "08:00")
        log.regularUser(user: "B", staff: ["s1"])
        let result = try log.measure()
        XCTAssertEqual(result.user("A")?.reason, .noVisitsInPeriod)
        XCTAssertEqual(result.user("A")?.visits, 0)
        XCTAssertEqual(result.accounting.excluded[.outsidePeriod], 2)
    }

    // Rule 2: 07:00 ≤ start < 22:00.
    func testOnlyVisitsStartingFrom0700UntilBefore2200Count() throws {
        var log = VisitLogBuilder()
        log.regularUser(user: "A", staff: ["s1"])
        log.row(user: "A", staff: "early", day: 0, time: "06:59")
        log.row(user: "A", staff: "edge-start", day: 0, time: "07:00")
        log.row(user: "A", staff: "late-ok", day: 0, time: "21:59")
        log.row(user: "A", staff: "edge-end", day: 0, time: "22:00")
        let result = try log.measure()
        // s1 + edge-start + late-ok: 3 staff; 06:59 and 22:00 do not count.
        XCTAssertEqual(result.user("A")?.distinctStaff, 3)
        XCTAssertEqual(result.user("A")?.visits, 28 + 2)
        XCTAssertEqual(result.accounting.excluded[.outsideHours], 2)
    }

    // Rule 3: two or more visits every day; under 65.
    func testADayWithOneVisitMeansNotMeasured() throws {
        var log = VisitLogBuilder()
        log.regularUser(user: "A", staff: ["s1"], skipDay: 5)
        log.row(user: "A", staff: "s1", day: 5, time: "09:00")
        let result = try log.measure()
        XCTAssertEqual(result.user("A")?.reason, .tooFewDailyVisits)
        // Counts are reported for users who are not measured too.
        XCTAssertEqual(result.user("A")?.daysWithVisits, 14)
        XCTAssertEqual(result.user("A")?.visits, 27)
    }

    func testUsersUnder65OnTheFirstDayAreNotMeasured() throws {
        var log = VisitLogBuilder()
        // 65 on 3 September 2018 exactly: measured. One day younger: not.
        log.regularUser(user: "A", staff: ["s1"], birth: "1953-09-03")
        log.regularUser(user: "B", staff: ["s1"], birth: "1953-09-04")
        let result = try log.measure()
        XCTAssertNil(result.user("A")?.reason)
        XCTAssertEqual(result.user("B")?.reason, .under65)
    }

    func testBirthDateFromPersonnummer() {
        let reference = CivilDate(year: 2018, month: 9, day: 3)
        XCTAssertEqual(
            Personnummer.birthDate("19400101-1234", reference: reference), CivilDate(year: 1940, month: 1, day: 1))
        XCTAssertEqual(
            Personnummer.birthDate("400101-1234", reference: reference), CivilDate(year: 1940, month: 1, day: 1))
        // "+" marks 100 years or older.
        XCTAssertEqual(
            Personnummer.birthDate("150101+1234", reference: reference), CivilDate(year: 1915, month: 1, day: 1))
        // Samordningsnummer: day + 60.
        XCTAssertEqual(
            Personnummer.birthDate("19400161-1234", reference: reference), CivilDate(year: 1940, month: 1, day: 1))
        // 811218-9876 has a valid Luhn digit (8·2=16→7, 1, 1·2=2, 2, 1·2=2, 8, 9·2=18→9, 8, 7·2=14→5: sum 44 → 6).
        XCTAssertEqual(
            Personnummer.birthDate("8112189876", reference: reference), CivilDate(year: 1981, month: 12, day: 18))
        XCTAssertNil(Personnummer.birthDate("8112189875", reference: reference))
        XCTAssertNil(Personnummer.birthDate("B000123", reference: reference))
        XCTAssertNil(Personnummer.birthDate("19401301-1234", reference: reference))
    }

    func testUnder65FromAPersonnummerUserID() throws {
        var log = VisitLogBuilder()
        log.regularUser(user: "19600101-1234", staff: ["s1"])
        log.regularUser(user: "19300101-1234", staff: ["s1"])
        let result = try log.measure()
        XCTAssertEqual(result.user("19600101-1234")?.reason, .under65)
        XCTAssertNil(result.user("19300101-1234")?.reason)
    }

    func testReasonsApplyInOrder() throws {
        var log = VisitLogBuilder()
        // Under 65 and too few visits: under_65 comes first.
        log.row(user: "A", staff: "s1", day: 0, time: "08:00", birth: "1990-01-01")
        // Under 65 but only outside the period: no_visits_in_period comes first.
        log.row(user: "B", staff: "s1", day: 20, time: "08:00", birth: "1990-01-01")
        let result = try log.measure()
        XCTAssertEqual(result.user("A")?.reason, .under65)
        XCTAssertEqual(result.user("B")?.reason, .noVisitsInPeriod)
    }

    // Rule 4: visit identity.
    func testRowsWithTheSameVisitIDAreOneVisit() throws {
        var log = VisitLogBuilder()
        for day in 0..<14 {
            // Double staffing at 08:00 (one visit id, two rows) and a second visit at 17:00.
            log.row(user: "A", staff: "s1", day: day, time: "08:00", visit: "v\(day)a")
            log.row(user: "A", staff: "s2", day: day, time: "08:00", visit: "v\(day)a")
            log.row(user: "A", staff: "s1", day: day, time: "17:00", visit: "v\(day)b")
        }
        let result = try log.measure()
        // 2 visits a day × 14 days, not 3.
        XCTAssertEqual(result.user("A")?.visits, 28)
        XCTAssertNil(result.user("A")?.reason)
    }

    func testWithoutVisitIDTheSameStartMinuteIsOneVisit() throws {
        var log = VisitLogBuilder()
        for day in 0..<14 {
            log.row(user: "A", staff: "s1", day: day, time: "08:00")
            log.row(user: "A", staff: "s2", day: day, time: "08:00:45")
        }
        let result = try log.measure()
        // One visit a day (the same minute): not measured, 14 visits, 2 staff.
        XCTAssertEqual(result.user("A")?.visits, 14)
        XCTAssertEqual(result.user("A")?.reason, .tooFewDailyVisits)
        XCTAssertEqual(result.user("A")?.distinctStaff, 2)
    }

    // Rule 5: double staffing counts two people.
    func testDoubleStaffingCountsTwoPeople() throws {
        var log = VisitLogBuilder()
        log.regularUser(user: "A", staff: ["s1"])
        log.row(user: "A", staff: "s2", day: 3, time: "08:00")
        let result = try log.measure()
        XCTAssertEqual(result.user("A")?.distinctStaff, 2)
        XCTAssertEqual(result.user("A")?.visits, 28)
    }

    // Rule 6: what does not count.
    func testExcludedCategoriesAndRolesAreNeitherVisitsNorStaff() throws {
        var log = VisitLogBuilder()
        log.regularUser(user: "A", staff: ["s1"])
        log.row(user: "A", staff: "m", day: 0, time: "12:00", category: "Matleverans")
        log.row(user: "A", staff: "l", day: 0, time: "13:00", category: "Trygghetslarm")
        log.row(user: "A", staff: "h", day: 0, time: "14:00", category: "Hemsjukvård")
        log.row(user: "A", staff: "e", day: 0, time: "15:00", role: "Elev")
        log.row(user: "A", staff: "p", day: 0, time: "16:00", role: "Praktikant")
        log.row(user: "A", staff: "d", day: 0, time: "18:00", category: "Delegerad HSL", role: "Undersköterska")
        let result = try log.measure()
        // Only the delegated health-care task by home-care staff counts: s1 + d.
        XCTAssertEqual(result.user("A")?.distinctStaff, 2)
        XCTAssertEqual(result.accounting.excluded[.excludedCategory], 3)
        XCTAssertEqual(result.accounting.excluded[.excludedRole], 2)
    }

    func testExclusionMarkers() {
        XCTAssertTrue(ExclusionRule.isExcludedCategory("matleverans"))
        XCTAssertTrue(ExclusionRule.isExcludedCategory("Larm, utryckning"))
        XCTAssertFalse(ExclusionRule.isExcludedCategory("Dusch"))
        XCTAssertTrue(ExclusionRule.isExcludedRole("elev"))
        XCTAssertTrue(ExclusionRule.isExcludedRole("Student (VFU)"))
        XCTAssertFalse(ExclusionRule.isExcludedRole("Delegerad personal"))
        XCTAssertFalse(ExclusionRule.isExcludedRole("Televårdare"))
    }

    func testExclusionRulesApplyInTheMethodsOrder() {
        // docs/method.md, "Rows that do not count": period, category, role, hours; the first that applies counts.
        var rules = VisitRowExclusions(period: PeriodWindow(start: CivilDate(year: 2018, month: 9, day: 3)))
        let firstDay = CivilDate(year: 2018, month: 9, day: 3).dayNumber
        func fate(day: Int, time: Int, category: String = "", role: String = "") -> ExclusionRule? {
            Array(category.utf8).withUnsafeBufferPointer { category in
                Array(role.utf8).withUnsafeBufferPointer { role in
                    rules.fate(day: day, secondOfDay: time, category: category, role: role)
                }
            }
        }
        let morning = 8 * 3_600
        let night = 23 * 3_600
        XCTAssertNil(fate(day: firstDay, time: morning, category: "Dusch", role: "Undersköterska"))
        // 16 September is the 14th day, 17 September is outside, whatever else the row is.
        XCTAssertNil(fate(day: firstDay + 13, time: morning))
        XCTAssertEqual(fate(day: firstDay + 14, time: night, category: "Larm", role: "Elev"), .outsidePeriod)
        XCTAssertEqual(fate(day: firstDay, time: night, category: "Larm", role: "Elev"), .excludedCategory)
        XCTAssertEqual(fate(day: firstDay, time: night, category: "Dusch", role: "Elev"), .excludedRole)
        XCTAssertEqual(fate(day: firstDay, time: night, category: "Dusch"), .outsideHours)
        // The answers are remembered per value: asked again, the same.
        XCTAssertEqual(fate(day: firstDay, time: morning, category: "Larm"), .excludedCategory)
    }

    // Rule 7: distinct staff ids, trimmed and case-insensitive; a user is a (provider, user) pair.
    func testStaffIDsAreTrimmedAndCaseInsensitive() throws {
        var log = VisitLogBuilder()
        log.regularUser(user: "A", staff: ["Anna", " anna ", "ANNA", "Östen", "östen"])
        let result = try log.measure()
        XCTAssertEqual(result.user("A")?.distinctStaff, 2)
    }

    func testAUserAtTwoProvidersIsMeasuredAtEachSeparately() throws {
        var log = VisitLogBuilder()
        log.regularUser(provider: "P1", user: "A", staff: ["s1", "s2"])
        log.regularUser(provider: "P2", user: "A", staff: ["t1"])
        let result = try log.measure()
        XCTAssertEqual(result.user("A", provider: "P1")?.distinctStaff, 2)
        XCTAssertEqual(result.user("A", provider: "P2")?.distinctStaff, 1)
    }

    // Rule 9: provider figures.
    func testProviderSummary() {
        // [4, 10, 22, 30]: mean 16.5, median (10+22)/2 = 16, min 4, max 30, 2 of 4 over 20.
        let summary = ProviderSummary(staffCounts: [22, 4, 30, 10])
        XCTAssertEqual(summary.mean, 16.5)
        XCTAssertEqual(summary.median, 16)
        XCTAssertEqual(summary.min, 4)
        XCTAssertEqual(summary.max, 30)
        XCTAssertEqual(summary.shareOver20, 0.5)
        // 20 itself is not "more than 20".
        XCTAssertEqual(ProviderSummary(staffCounts: [20, 21, 5]).shareOver20 ?? -1, 1.0 / 3, accuracy: 1e-12)
        XCTAssertNil(ProviderSummary(staffCounts: []).mean)
    }
}
