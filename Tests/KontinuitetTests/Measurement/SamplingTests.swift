import XCTest

@testable import Kontinuitet

/// SPEC §2 rule 8: the sample.
final class SamplingTests: XCTestCase {
    private func candidates(_ names: [String]) -> [SamplingCandidate] {
        names.enumerated().map { SamplingCandidate(index: $0.offset, userID: "u\($0.offset)", sortName: $0.element) }
    }

    func testSwedishOrderPutsÅÄÖAfterZ() {
        let names = ["Örjan", "Åsa", "Zelda", "Ärla", "anna", "Bertil", "émile"]
        let sorted = names.sorted { SwedishCollation.key($0).lexicographicallyPrecedes(SwedishCollation.key($1)) }
        XCTAssertEqual(sorted, ["anna", "Bertil", "émile", "Zelda", "Åsa", "Ärla", "Örjan"])
    }

    func testEveryKthStartsWithTheFirst() {
        // 7 users, cap 3: k = ceil(7/3) = 3, positions 0, 3, 6 of the alphabetical order.
        let names = ["G", "A", "D", "B", "F", "C", "E"]
        let sampled = SamplingRule.sample(candidates(names), method: .everyKth, cap: 3)
        XCTAssertEqual(sampled.map { names[$0] }.sorted(), ["A", "D", "G"])
    }

    func testEveryOtherPersonUpTo300() {
        // 300 users, cap 150: k = 2, every other person, 150 sampled.
        XCTAssertEqual(SamplingRule.step(measured: 300, cap: 150), 2)
        XCTAssertEqual(SamplingRule.step(measured: 301, cap: 150), 3)
        XCTAssertEqual(SamplingRule.step(measured: 151, cap: 150), 2)
        let names = (0..<151).map { String(format: "N%03d", $0) }
        // 151 users: k = 2 → positions 0, 2, …, 150: 76 users.
        XCTAssertEqual(SamplingRule.sample(candidates(names), method: .everyKth, cap: 150).count, 76)
    }

    func testTiesAreBrokenByUserID() {
        let list = [
            SamplingCandidate(index: 0, userID: "b", sortName: "Same"),
            SamplingCandidate(index: 1, userID: "a", sortName: "same"),
            SamplingCandidate(index: 2, userID: "c", sortName: "Zed"),
        ]
        // k = 2: positions 0 and 2 of [a (same), b (Same), c (Zed)] → indices 1 and 2.
        XCTAssertEqual(SamplingRule.sample(list, method: .everyKth, cap: 2), [1, 2])
    }

    func testWithoutSortNameTheUserIDOrders() {
        let list = (0..<4).map { SamplingCandidate(index: $0, userID: ["d", "a", "c", "b"][$0], sortName: nil) }
        // Order a, b, c, d; k = 2 → a, c → indices 1, 2.
        XCTAssertEqual(SamplingRule.sample(list, method: .everyKth, cap: 2), [1, 2])
    }

    func testAtOrUnderTheCapEveryoneIsSampled() {
        XCTAssertEqual(SamplingRule.sample(candidates(["A", "B"]), method: .everyKth, cap: 150), [0, 1])
    }

    func testRandomIsReproducibleFromTheSeedAndCapped() {
        let names = (0..<500).map { "N\($0)" }
        let first = SamplingRule.sample(candidates(names), method: .random(seed: 7), cap: 150)
        let again = SamplingRule.sample(candidates(names), method: .random(seed: 7), cap: 150)
        let other = SamplingRule.sample(candidates(names), method: .random(seed: 8), cap: 150)
        XCTAssertEqual(first.count, 150)
        XCTAssertEqual(first, again)
        XCTAssertNotEqual(first, other)
    }

    func testAllSamplesEveryone() {
        let names = (0..<400).map { "N\($0)" }
        XCTAssertEqual(SamplingRule.sample(candidates(names), method: .all, cap: 150).count, 400)
    }

    func testProviderMeasurementUsesTheSample() throws {
        var log = VisitLogBuilder()
        // 4 measured users with 1, 2, 3, 4 staff; cap 2 → k = 2: users Ada (1) and Cilla (3) by name.
        for (index, name) in ["Ada", "Bo", "Cilla", "Doris"].enumerated() {
            log.regularUser(user: "U\(index)", staff: (0...index).map { "s\($0)" }, name: name)
        }
        let result = try log.measure { $0.sampleCap = 2 }
        let provider = try XCTUnwrap(result.providers.first)
        XCTAssertEqual(provider.measuredUsers, 4)
        XCTAssertEqual(provider.sampledUsers, 2)
        XCTAssertEqual(provider.summary.mean, 2)
        XCTAssertEqual(result.users.filter(\.sampled).map(\.userID).sorted(), ["U0", "U2"])
    }
}
