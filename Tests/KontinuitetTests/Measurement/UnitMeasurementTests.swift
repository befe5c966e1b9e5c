import Foundation
import XCTest

@testable import Kontinuitet

/// SPEC §4, per unit: `units.csv` holds per (provider, unit) the figures `providers.csv` holds per provider, over
/// the unit's sampled users, with each user in the unit its rows carry at the end of the period (rule 10).
final class UnitMeasurementTests: XCTestCase {
    private static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The bundled sample, checked by hand: the numbers below were worked out from the per-user rows of
    /// `sample-data/expected/measure/users.csv` (unit, measured, sampled, distinct_staff) with a spreadsheet-style
    /// grouping, not with this code.
    ///
    /// - Hemtjänst Norr, Norr 1: 29 users, 26 measured (HN-E02 too few visits, HN-E03 under 65, HN-E04 no visits),
    ///   all 26 sampled (57 measured at the provider, under the cap of 150). Their staff counts add up to 397:
    ///   mean 397/26 = 15.27; sorted, the 13th and 14th are both 16: median 16; lowest 2 (HN-E05's two staff),
    ///   highest 25; 3 of 26 over 20 = 0.115.
    /// - Norr 2: 31 users, all measured and sampled; sum 458, mean 458/31 = 14.77, median (16th) 14, 8–26, 4 of 31
    ///   over 20 = 0.129. The provider's mean is (397 + 458) / 57 = 15.00, as providers.csv says.
    /// - Omsorg Väst AB samples every 2nd of its 179 measured users in alphabetical order (k = ceil(179/150) = 2),
    ///   across its units, so a unit's sample is the part of the provider's that falls in it: Väst A 59 measured,
    ///   28 sampled, sum 437, mean 15.61, median (14th, 15th) 15, 8–25, 7/28 = 0.250; Väst B 51, 30, sum 442, mean
    ///   14.73, median 14, 7–29, 3/30 = 0.100; Väst C 69, 32, sum 517, mean 16.16, median (16th 14, 17th 15) 14.5,
    ///   7–31, 11/32 = 0.344. Together 90 sampled, (437 + 442 + 517) / 90 = 15.51, as providers.csv says.
    /// - Trygg Omsorg has one unit, Centrum, so its row repeats the provider's: 43 measured (one of its 45 users
    ///   is under 65, one has a day with under two visits), mean 13.33, median 14, 6–20, none over 20.
    func testTheSampleUnitsAreTheHandCheckedFigures() throws {
        let visits = ["hemtjanst-norr.csv", "omsorg-vast.csv", "trygg-omsorg-phoniro.csv"].map {
            Self.packageRoot.appendingPathComponent("sample-data/visits/" + $0).path
        }
        let result = try VisitLogMeasurement.run(paths: visits, options: MeasureOptions())
        XCTAssertEqual(
            String(decoding: MeasureOutputs.unitsCSV(result.units), as: UTF8.self),
            """
            provider,unit,measured_users,sampled_users,mean_staff,median_staff,min_staff,max_staff,share_over_20
            Hemtjänst Norr,Norr 1,26,26,15.27,16,2,25,0.115
            Hemtjänst Norr,Norr 2,31,31,14.77,14,8,26,0.129
            Omsorg Väst AB,Väst A,59,28,15.61,15,8,25,0.250
            Omsorg Väst AB,Väst B,51,30,14.73,14,7,29,0.100
            Omsorg Väst AB,Väst C,69,32,16.16,14.5,7,31,0.344
            Trygg Omsorg,Centrum,43,43,13.33,14,6,20,0.000

            """)
        // Users found per unit, measured or not: Norr 1's 29 include its three planted users who are not measured.
        XCTAssertEqual(result.units.map(\.users), [29, 31, 59, 51, 69, 45])
    }

    /// Rule 10: a user moved from U1 to U2 during the period belongs to U2, the unit at the end of the period.
    /// Users whose rows carry no unit are grouped under the empty unit, and a unit name used by two providers is
    /// two units.
    func testAUserIsInTheUnitOfTheEndOfThePeriodAndEmptyUnitsAreOneGroup() throws {
        var log = VisitLogBuilder()
        // A: days 0–9 in U1, days 10–13 in U2 (two visits a day throughout, 3 staff): U2.
        for day in 0..<14 {
            for (time, staff) in [("08:00", "s\(day % 3)"), ("17:00", "s\((day + 1) % 3)")] {
                log.row(unit: day < 10 ? "U1" : "U2", user: "A", staff: staff, day: day, time: time)
            }
        }
        log.regularUser(unit: "U1", user: "B", staff: ["s1", "s2", "s3", "s4", "s5"])
        log.regularUser(unit: "", user: "C", staff: ["s1"])
        log.regularUser(unit: "", user: "D", staff: ["s1", "s2"])
        log.regularUser(provider: "P2", unit: "U1", user: "E", staff: ["t1", "t2", "t3", "t4"])
        let units = try log.measure().units
        XCTAssertEqual(units.map { "\($0.provider)/\($0.unit)" }, ["P1/", "P1/U1", "P1/U2", "P2/U1"])
        // P1's empty unit: C (1 staff) and D (2): mean 1.50, median 1.5.
        XCTAssertEqual(units[0].sampledUsers, 2)
        XCTAssertEqual(units[0].summary.mean, 1.5)
        XCTAssertEqual(units[0].summary.median, 1.5)
        // U1 holds B alone (5 staff); A's 3 staff are U2's.
        XCTAssertEqual(units[1].summary.min, 5)
        XCTAssertEqual(units[1].sampledUsers, 1)
        XCTAssertEqual(units[2].summary.max, 3)
        XCTAssertEqual(units[3].summary.mean, 4)
    }

    /// The sample is drawn per provider (rule 8), and a unit's figures are over its users in that sample: with a
    /// cap of 2 and every-kth, P1's three measured users (ids A, B, C in U1, U1, U2) give k = 2, so A and C are
    /// sampled: U1 has 2 measured and 1 sampled user, U2 1 and 1.
    func testAUnitsFiguresAreOverItsUsersInTheProvidersSample() throws {
        var log = VisitLogBuilder()
        log.regularUser(unit: "U1", user: "A", staff: ["s1", "s2"])
        log.regularUser(unit: "U1", user: "B", staff: ["s1", "s2", "s3", "s4"])
        log.regularUser(unit: "U2", user: "C", staff: ["s1", "s2", "s3", "s4", "s5", "s6"])
        let units = try log.measure { $0.sampleCap = 2 }.units
        XCTAssertEqual(units.map(\.measuredUsers), [2, 1])
        XCTAssertEqual(units.map(\.sampledUsers), [1, 1])
        XCTAssertEqual(units.map(\.summary.mean), [2, 6])
        XCTAssertEqual(units.map(\.distribution), [[1, 0, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0]])
    }
}
