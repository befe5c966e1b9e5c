import XCTest

@testable import Kontinuitet

/// COC, UPC, SECON and the top-three share, on sequences small enough to compute by hand (docs/indices.md).
final class ContinuityIndicesTests: XCTestCase {
    private func indices(_ visits: [[Int32]]) -> ContinuityIndices {
        ContinuityIndices.compute(visitsInOrder: visits)
    }

    func testMixedSequence() throws {
        // a, a, b, a: N = 4, n_a = 3, n_b = 1.
        let i = indices([[1], [1], [2], [1]])
        // COC = (3² + 1² − 4) / (4 · 3) = 6 / 12.
        XCTAssertEqual(try XCTUnwrap(i.coc), 0.5, accuracy: 1e-12)
        // UPC = 3 / 4.
        XCTAssertEqual(i.upc, 0.75)
        // Consecutive pairs: (a,a) same, (a,b) no, (b,a) no → 1 of 3.
        XCTAssertEqual(try XCTUnwrap(i.secon), 1.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(i.topThreeShare, 1)
    }

    func testOneVisitLeavesCOCAndSECONUndefined() {
        let i = indices([[1]])
        XCTAssertNil(i.coc)
        XCTAssertNil(i.secon)
        XCTAssertEqual(i.upc, 1)
        XCTAssertEqual(i.topThreeShare, 1)
    }

    func testOneStaffMemberIsPerfectContinuity() {
        let i = indices([[7], [7], [7]])
        // COC = (9 − 3) / (3 · 2) = 1.
        XCTAssertEqual(i.coc, 1)
        XCTAssertEqual(i.upc, 1)
        XCTAssertEqual(i.secon, 1)
    }

    func testEveryVisitADifferentStaffMember() throws {
        let i = indices([[1], [2], [3], [4], [5]])
        XCTAssertEqual(i.coc, 0)
        XCTAssertEqual(try XCTUnwrap(i.upc), 0.2, accuracy: 1e-12)
        XCTAssertEqual(i.secon, 0)
        XCTAssertEqual(try XCTUnwrap(i.topThreeShare), 0.6, accuracy: 1e-12)
    }

    func testDoubleStaffingCountsContacts() throws {
        // {a,b}, {b,c}: contacts 4; n_a = 1, n_b = 2, n_c = 1.
        let i = indices([[1, 2], [2, 3]])
        XCTAssertEqual(i.contacts, 4)
        // COC = (1 + 4 + 1 − 4) / (4 · 3) = 2 / 12.
        XCTAssertEqual(try XCTUnwrap(i.coc), 2.0 / 12, accuracy: 1e-12)
        XCTAssertEqual(i.upc, 0.5)
        // The two visits share b.
        XCTAssertEqual(i.secon, 1)
    }

    func testNoVisitsLeavesEverythingUndefined() {
        let i = indices([])
        XCTAssertNil(i.coc)
        XCTAssertNil(i.upc)
        XCTAssertNil(i.secon)
        XCTAssertNil(i.topThreeShare)
    }

    func testSequenceFollowsStartTimeNotVisitID() throws {
        var log = VisitLogBuilder()
        // Each day: 08:00 by s1 (visit id "z…"), 12:00 by s2 (visit id "a…"), 17:00 by s1 (visit id "m…").
        for day in 0..<14 {
            log.row(user: "A", staff: "s1", day: day, time: "08:00", visit: "z\(day)")
            log.row(user: "A", staff: "s2", day: day, time: "12:00", visit: "a\(day)")
            log.row(user: "A", staff: "s1", day: day, time: "17:00", visit: "m\(day)")
        }
        let user = try XCTUnwrap(try log.measure().user("A"))
        // In time order s1 s2 s1 | s1 s2 s1 | …: 42 visits, 41 pairs, the same staff only across midnight
        // (17:00 s1 → next 08:00 s1): 13 of 41.
        XCTAssertEqual(user.indices.visits, 42)
        XCTAssertEqual(try XCTUnwrap(user.indices.secon), 13.0 / 41, accuracy: 1e-12)
        // n_s1 = 28, n_s2 = 14, N = 42: COC = (784 + 196 − 42) / (42 · 41) = 938 / 1722.
        XCTAssertEqual(try XCTUnwrap(user.indices.coc), 938.0 / 1722, accuracy: 1e-12)
    }

    /// Visits that start in the same minute keep the order of their first rows in the input, whatever their ids.
    func testVisitsStartingInTheSameMinuteKeepInputOrder() throws {
        func secon(firstID: String, firstStaff: String, secondID: String, secondStaff: String) throws -> Double? {
            var log = VisitLogBuilder()
            // Each day: two visits at 08:00 (in this input order), then 17:00 by s2.
            for day in 0..<14 {
                log.row(user: "A", staff: firstStaff, day: day, time: "08:00", visit: "\(firstID)\(day)")
                log.row(user: "A", staff: secondStaff, day: day, time: "08:00", visit: "\(secondID)\(day)")
                log.row(user: "A", staff: "s2", day: day, time: "17:00", visit: "e\(day)")
            }
            return try XCTUnwrap(try log.measure().user("A")).indices.secon
        }
        // Input order s1 s2 s2 each day: within the day (s1,s2) no, (s2,s2) yes; across midnight (s2,s1) no.
        // 42 visits, 41 pairs, 14 alike.
        let s1First = try XCTUnwrap(try secon(firstID: "b", firstStaff: "s1", secondID: "a", secondStaff: "s2"))
        XCTAssertEqual(s1First, 14.0 / 41, accuracy: 1e-12)
        // The same visits listed s2 first: s2 s1 s2 each day, no pair alike within the day; across midnight
        // (s2,s2) yes: 13 of 41. Swapping the ids alone changes nothing.
        let s2First = try XCTUnwrap(try secon(firstID: "a", firstStaff: "s2", secondID: "b", secondStaff: "s1"))
        XCTAssertEqual(s2First, 13.0 / 41, accuracy: 1e-12)
        let s2FirstOtherIDs = try XCTUnwrap(
            try secon(firstID: "b", firstStaff: "s2", secondID: "a", secondStaff: "s1"))
        XCTAssertEqual(s2FirstOtherIDs, 13.0 / 41, accuracy: 1e-12)
    }
}
