import XCTest

@testable import Kontinuitet

/// The small caches in front of interning and exclusion rules on the hot path.
final class ValueMemoTests: XCTestCase {
    private func withBytes<T>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        Array(text.utf8).withUnsafeBufferPointer(body)
    }

    func testShortKeysAreEqualExactlyForEqualStrings() {
        let alphabet = ["a", "b"]
        var strings: Set<String> = [""]
        for length in 1...16 {
            for variant in 0..<3 {
                strings.insert(String((0..<length).map { Character(alphabet[($0 + variant) % 2]) }))
            }
        }
        strings.insert("Omvårdnad")  // 10 bytes, a two-byte letter
        strings.insert("Omvårdnaa")
        let keys = strings.map { text in (text, withBytes(text) { ShortKey($0) }) }
        for (a, keyA) in keys {
            XCTAssertNotNil(keyA, a)
            for (b, keyB) in keys { XCTAssertEqual(keyA == keyB, a == b, "\(a) / \(b)") }
        }
        XCTAssertNil(withBytes("seventeen bytes!!") { ShortKey($0) })
    }

    func testValueMemoComputesOncePerValueAndAnswersLongAndManyValues() {
        var memo = ValueMemo()
        var computed: [String] = []
        let values = (0..<40).map { "värde \($0)" } + ["ett mycket långt värde över sexton byte"]
        for round in 0..<3 {
            for value in values {
                let answer = withBytes(value) { bytes in
                    memo.answer(bytes) { raw in
                        computed.append(String(decoding: raw, as: UTF8.self))
                        return raw.count % 2 == 0
                    }
                }
                XCTAssertEqual(answer, value.utf8.count % 2 == 0, "round \(round): \(value)")
            }
        }
        XCTAssertEqual(computed, values)
    }

    /// Ids of thousands of keys whose tags collide often (a table of 16-bit tags): each found by its own key,
    /// through growth, and a key not stored is not found.
    func testTaggedIDTableFindsEachIDByItsKey() {
        var table = TaggedIDTable(capacity: 4)
        let keys = (0..<5_000).map { "B\(String(format: "%06d", $0))" }
        func tag(_ index: Int) -> UInt32 {
            withBytes(keys[index]) { ShortKey($0)! }.tag(salt: 3) & 0xFFFF
        }
        for index in keys.indices {
            table.insert(tag: tag(index), id: Int32(index))
            table.insert(tag: tag(index), id: Int32(index))  // a second insert of the same id changes nothing
        }
        XCTAssertEqual(table.count, keys.count)
        for index in keys.indices {
            let found = table.id(tag: tag(index)) { keys[Int($0)] == keys[index] }
            XCTAssertEqual(found, Int32(index))
        }
        XCTAssertNil(table.id(tag: tag(7)) { _ in false })
        // Another salt (another provider) gives another tag for the same key.
        let key = withBytes("B000001") { ShortKey($0)! }
        XCTAssertNotEqual(key.tag(salt: 1), key.tag(salt: 2))
    }

    /// The cache in front of an interner gives the interner's ids, for short and long values and more values than
    /// it has slots.
    func testInternerFrontGivesTheInternersIDs() {
        var front = InternerFront()
        var interner = ByteInterner()
        var reference = ByteInterner()
        let values = (0..<3_000).map { $0 % 2 == 0 ? "Hemtjänst \($0)" : "Omsorgsföretaget Söder AB, enhet \($0)" }
        for round in 0..<2 {
            for value in values {
                let id = withBytes(value) { front.intern($0, in: &interner) }
                XCTAssertEqual(id, reference.intern(value), "round \(round): \(value)")
            }
        }
        XCTAssertEqual(interner.count, values.count)
    }

    func testShortKeyCacheKeepsGroupsApart() {
        var cache = ShortKeyCache(bits: 4)
        let key = withBytes("S0007") { ShortKey($0) }!
        XCTAssertNil(cache.id(of: key, group: 0))
        cache.store(key, 7, group: 2)
        XCTAssertEqual(cache.id(of: key, group: 2), 7)
        XCTAssertNil(cache.id(of: key, group: 0))
        XCTAssertNil(cache.id(of: key, group: 5))
        cache.store(key, 9, group: 0)
        XCTAssertEqual(cache.id(of: key, group: 0), 9)
        XCTAssertEqual(cache.id(of: key, group: 2), 7)
    }

    /// A set holds two keys: a third one displaces the older of the two, and any key found maps to its own id.
    func testShortKeyCacheKeepsTheTwoNewestKeysOfASet() {
        // One bit: a single set of two entries per group.
        var cache = ShortKeyCache(bits: 1)
        let keys = ["P01-S0001", "P01-S0002", "P01-S0003"].map { name in withBytes(name) { ShortKey($0) }! }
        cache.store(keys[0], 1, group: 0)
        cache.store(keys[1], 2, group: 0)
        XCTAssertEqual(cache.id(of: keys[0], group: 0), 1)
        XCTAssertEqual(cache.id(of: keys[1], group: 0), 2)
        cache.store(keys[2], 3, group: 0)
        XCTAssertNil(cache.id(of: keys[0], group: 0))
        XCTAssertEqual(cache.id(of: keys[1], group: 0), 2)
        XCTAssertEqual(cache.id(of: keys[2], group: 0), 3)

        // Many keys in a small table: whatever is found is the right id.
        var large = ShortKeyCache(bits: 4)
        var found = 0
        for round in 0..<3 {
            for number in 0..<200 {
                let key = withBytes("S\(number)") { ShortKey($0) }!
                if let id = large.id(of: key, group: 1) {
                    XCTAssertEqual(id, Int32(number), "round \(round)")
                    found += 1
                } else {
                    large.store(key, Int32(number), group: 1)
                }
            }
        }
        XCTAssertEqual(large.id(of: withBytes("S199") { ShortKey($0) }!, group: 1), 199)
        XCTAssertLessThan(found, 400)
    }
}
