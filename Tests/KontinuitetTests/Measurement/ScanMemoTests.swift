import Foundation
import XCTest

@testable import Kontinuitet

/// The scan's shortcuts (the user after the previous user, the user's raw unit and birth date remembered) must give
/// what the rules give, whatever the order of the users and however the file is cut into chunks.
final class ScanMemoTests: XCTestCase {
    /// A log sorted by day whose users change order every other day, with the same user id at two providers, a
    /// unit change and a rejected birth date. Expected by hand:
    /// - A (P1): 2 visits a day by S1; unit U1 on days 0–4, U2 from day 5, so U2 (the latest row's); 1 staff.
    /// - B (P1): 2 visits a day by S1 then S2: 2 staff. B (P2): 2 visits a day by T1: 1 staff.
    /// - C (P1): 3 visits a day by S(day mod 3): 3 staff; the 12:00 row of day 3 has the birth date 1930-13-45 and
    ///   is rejected, so 41 visits.
    private func log() -> VisitLogBuilder {
        var log = VisitLogBuilder()
        let birth = "1930-01-01"
        for day in 0..<14 {
            let order = day % 2 == 0 ? ["A1", "B1", "B2", "C1"] : ["C1", "B2", "A1", "B1"]
            for who in order {
                switch who {
                case "A1":
                    for time in ["08:00", "17:00"] {
                        log.row(unit: day < 5 ? "U1" : "U2", user: "A", staff: "S1", day: day, time: time, birth: birth)
                    }
                case "B1":
                    log.row(user: "B", staff: "S1", day: day, time: "08:00", birth: birth)
                    log.row(user: "B", staff: "S2", day: day, time: "17:00", birth: birth)
                case "B2":
                    for time in ["08:00", "17:00"] {
                        log.row(provider: "P2", user: "B", staff: "T1", day: day, time: time, birth: birth)
                    }
                default:
                    for time in ["08:00", "12:00", "17:00"] {
                        let bad = day == 3 && time == "12:00"
                        log.row(
                            user: "C", staff: "S\(day % 3)", day: day, time: time, birth: bad ? "1930-13-45" : birth)
                    }
                }
            }
        }
        return log
    }

    private func check(_ result: MeasureResult, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.users.count, 4, file: file, line: line)
        XCTAssertEqual(result.accounting.rejected, 1, file: file, line: line)
        let a = result.user("A")
        XCTAssertEqual(a?.unit, "U2", file: file, line: line)
        XCTAssertEqual(a?.distinctStaff, 1, file: file, line: line)
        XCTAssertEqual(a?.visits, 28, file: file, line: line)
        XCTAssertEqual(result.user("B")?.distinctStaff, 2, file: file, line: line)
        XCTAssertEqual(result.user("B", provider: "P2")?.distinctStaff, 1, file: file, line: line)
        XCTAssertEqual(result.user("B", provider: "P2")?.visits, 28, file: file, line: line)
        let c = result.user("C")
        XCTAssertEqual(c?.visits, 41, file: file, line: line)
        XCTAssertEqual(c?.distinctStaff, 3, file: file, line: line)
        XCTAssertEqual(c?.unit, "U1", file: file, line: line)
        for user in result.users { XCTAssertTrue(user.measured, "\(user.userID) at \(user.provider)") }
    }

    func testUsersInChangingOrderAtTwoProvidersGiveTheRulesFigures() throws {
        check(try log().measure { $0.periodStart = CivilDate(year: 2018, month: 9, day: 3) })
    }

    func testTheFiguresDoNotDependOnTheChunks() throws {
        for chunkBytes in [64, 300, 1 << 20] {
            check(
                try log().measure {
                    $0.periodStart = CivilDate(year: 2018, month: 9, day: 3)
                    $0.minimumChunkBytes = chunkBytes
                    $0.threads = 3
                })
        }
    }

    /// SPEC §2 rule 10, the unit as it is at the end of the period (16 September; day 13). Expected by hand:
    /// - D: rows in E1 before the period (day −5), E2 on day 4, E3 on day 13 (the last before the end), E4 after
    ///   it (day 20), given out of time order: E3.
    /// - F: rows only after the period, G2 on day 16 twice (G1 then G2 in the input: the last wins), G3 on day 25
    ///   and G0 on day 30: G2, its earliest.
    /// - H: two rows at the same minute on day 13, H1 then H2 in the input: H2.
    func testTheUnitIsTheOneAtTheEndOfThePeriod() throws {
        for chunkBytes in [64, 1 << 20] {
            var log = VisitLogBuilder()
            log.row(unit: "E4", user: "D", staff: "S1", day: 20, time: "08:00")
            log.row(unit: "E2", user: "D", staff: "S1", day: 4, time: "08:00")
            log.row(unit: "E3", user: "D", staff: "S1", day: 13, time: "21:00")
            log.row(unit: "E1", user: "D", staff: "S1", day: -5, time: "08:00")
            log.row(unit: "G3", user: "F", staff: "S1", day: 25, time: "08:00")
            log.row(unit: "G1", user: "F", staff: "S1", day: 16, time: "08:00")
            log.row(unit: "G2", user: "F", staff: "S1", day: 16, time: "08:00")
            log.row(unit: "G0", user: "F", staff: "S1", day: 30, time: "08:00")
            log.row(unit: "H1", user: "H", staff: "S1", day: 13, time: "09:00")
            log.row(unit: "H2", user: "H", staff: "S1", day: 13, time: "09:00")
            let result = try log.measure {
                $0.periodStart = CivilDate(year: 2018, month: 9, day: 3)
                $0.minimumChunkBytes = chunkBytes
                $0.threads = 2
            }
            XCTAssertEqual(result.user("D")?.unit, "E3", "chunks of \(chunkBytes) bytes")
            XCTAssertEqual(result.user("F")?.unit, "G2", "chunks of \(chunkBytes) bytes")
            XCTAssertEqual(result.user("H")?.unit, "H2", "chunks of \(chunkBytes) bytes")
        }
    }

    /// Hand check of the flat form of the indices: visits {S1}, {S1, S2}, {S3} in that order: 4 contacts, S1 has
    /// 2, so UPC 1/2, COC (4 + 1 + 1 − 4) / 12 = 1/6, SECON 1/2 (the first pair shares S1, the second nothing).
    func testIndicesFromFlatVisitsInAGivenOrder() {
        var counts = ContactCounts()
        // Held out of order: visit 0 is {S3}, visit 1 {S1}, visit 2 {S1, S2}; time order 1, 2, 0.
        let (indices, staff) = ContinuityIndices.compute(
            staff: [3, 1, 1, 2], staffEnds: [1, 2, 4], order: [1, 2, 0], counts: &counts)
        XCTAssertEqual(staff, 3)
        XCTAssertEqual(indices.upc ?? 0, 0.5, accuracy: 1e-12)
        XCTAssertEqual(indices.coc ?? 0, 1.0 / 6, accuracy: 1e-12)
        XCTAssertEqual(indices.secon ?? 0, 0.5, accuracy: 1e-12)
        // The counts are cleared for the next user.
        let (next, nextStaff) = ContinuityIndices.compute(
            staff: [7], staffEnds: [1], order: [0], counts: &counts)
        XCTAssertEqual(nextStaff, 1)
        XCTAssertEqual(next.upc, 1)
    }

    func testSortIndicesEqualsTheStandardSortForFewAndMany() {
        var generator = SplitMix64(seed: 7)
        for count in [0, 1, 2, 5, 64, 65, 300] {
            let keys = (0..<count).map { _ in Int(generator.next() % 10) }
            var order = Array(0..<count)
            VisitLogMeasurement.sortIndices(&order) { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : $0 < $1 }
            let expected = Array(0..<count).sorted { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : $0 < $1 }
            XCTAssertEqual(order, expected, "\(count) values")
        }
    }
}
