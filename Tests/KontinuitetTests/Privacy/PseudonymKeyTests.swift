import XCTest

@testable import Kontinuitet

/// Löpnummer: a random order for new users, stable numbers through the key.
final class PseudonymKeyTests: XCTestCase {
    /// Users U000…U099 in the order of their ids, as a log sorted by personnummer lists them.
    private let sortedUsers = (0..<100).map { "U" + String(1000 + $0).dropFirst() }

    private func numbers(_ key: PseudonymKey, provider: String = "P", users: [String]) -> [Int] {
        users.map { key.number(provider: provider, user: $0) ?? -1 }
    }

    func testNewUsersAreNumberedOneToNInAShuffledOrder() {
        for order in [PseudonymOrder.random, .seeded(1), .seeded(2)] {
            var key = PseudonymKey()
            key.assignNew(sortedUsers.map { ("P", $0) }, order: order)
            let assigned = numbers(key, users: sortedUsers)
            XCTAssertEqual(assigned.sorted(), Array(1...100), "every number once")
            // The identity order of 100 users comes up once in 100! shuffles.
            XCTAssertNotEqual(assigned, Array(1...100), "\(order): löpnummer follow the input's order")
        }
    }

    func testASeedGivesTheSameNumbersWhateverTheInputOrder() {
        var a = PseudonymKey()
        a.assignNew(sortedUsers.map { ("P", $0) }, order: .seeded(7))
        var b = PseudonymKey()
        b.assignNew(sortedUsers.reversed().map { ("P", $0) }, order: .seeded(7))
        XCTAssertEqual(numbers(a, users: sortedUsers), numbers(b, users: sortedUsers))
        var c = PseudonymKey()
        c.assignNew(sortedUsers.map { ("P", $0) }, order: .seeded(8))
        XCTAssertNotEqual(numbers(a, users: sortedUsers), numbers(c, users: sortedUsers))
    }

    func testOneProvidersNewUsersDoNotChangeAnothersNumbers() {
        var alone = PseudonymKey()
        alone.assignNew(sortedUsers.map { ("P", $0) }, order: .seeded(3))
        var together = PseudonymKey()
        together.assignNew([("A", "x"), ("A", "y")] + sortedUsers.map { ("P", $0) }, order: .seeded(3))
        XCTAssertEqual(numbers(alone, users: sortedUsers), numbers(together, users: sortedUsers))
    }

    func testKnownUsersKeepTheirNumbersAndNewOnesComeAfterTheHighest() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("key.csv", "provider,pseudonym,user\nP,1,A\nP,7,B\nQ,1,A\n")
        var key = try PseudonymKey.load(path: path)
        key.assignNew([("P", "B"), ("P", "C"), ("P", "D"), ("P", "C"), ("Q", "A")], order: .random)
        XCTAssertEqual(key.number(provider: "P", user: "A"), 1)
        XCTAssertEqual(key.number(provider: "P", user: "B"), 7)
        XCTAssertEqual(Set([key.number(provider: "P", user: "C"), key.number(provider: "P", user: "D")]), [8, 9])
        XCTAssertEqual(key.number(provider: "Q", user: "A"), 1)
        XCTAssertEqual(key.count, 5)
    }

    func testIdsThatLookLikeFormulasKeepTheirNumbers() throws {
        let directory = TemporaryDirectory()
        var key = PseudonymKey()
        let users = ["-12", "=x", "+46 70", "@a", "plain, with comma"]
        key.assignNew(users.map { ("+P", $0) }, order: .seeded(1))
        let path = directory.file("key.csv", bytes: key.csv())
        let loaded = try PseudonymKey.load(path: path)
        XCTAssertEqual(numbers(loaded, provider: "+P", users: users), numbers(key, provider: "+P", users: users))
        // A key an earlier version wrote with the spreadsheet prefix is read as the ids it meant.
        let old = try PseudonymKey.load(path: directory.file("old.csv", "provider,pseudonym,user\nP,3,'-12\nP,4,'x\n"))
        XCTAssertEqual(old.number(provider: "P", user: "-12"), 3)
        XCTAssertEqual(old.number(provider: "P", user: "'x"), 4)
    }

    func testTheSeedComesFromTheEnvironment() throws {
        XCTAssertEqual(try PseudonymOrder.fromEnvironment([:]), .random)
        XCTAssertEqual(try PseudonymOrder.fromEnvironment([PseudonymOrder.seedVariable: "42"]), .seeded(42))
        XCTAssertThrowsError(try PseudonymOrder.fromEnvironment([PseudonymOrder.seedVariable: "x"]))
    }

    func testTheUnbiasedDrawStaysBelowItsBound() {
        var generator = SplitMix64(seed: 9)
        var seen = Set<UInt64>()
        for _ in 0..<1_000 {
            let value = PseudonymOrder.uniform(below: 6, using: &generator)
            XCTAssertLessThan(value, 6)
            seen.insert(value)
        }
        XCTAssertEqual(seen.count, 6)
    }
}
