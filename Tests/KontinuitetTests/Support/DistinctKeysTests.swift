import XCTest

@testable import Kontinuitet

final class DistinctKeysTests: XCTestCase {
    func testCountsDistinctKeysAsASetDoes() {
        var distinct = DistinctKeys()
        var random = SplitMix64(seed: 11)
        // Runs of every size, from none to past several doublings, with many repeats and keys that differ in their
        // high bits only (visit-id keys) or low bits only (check-in minutes).
        for run in 0..<400 {
            distinct.removeAll()
            var reference: Set<UInt64> = []
            let length = run % 7 == 0 ? Int(random.next() % 2_000) : Int(random.next() % 20)
            for _ in 0..<length {
                let key: UInt64
                switch random.next() % 3 {
                case 0: key = random.next() % 16
                case 1: key = (random.next() % 64) << 58
                default: key = random.next()
                }
                distinct.insert(key)
                reference.insert(key)
            }
            XCTAssertEqual(distinct.count, reference.count, "run \(run)")
        }
    }

    func testHandWorkedRun() {
        var distinct = DistinctKeys()
        for key: UInt64 in [5, 7, 5, 0, 7, 1 << 63, 0] { distinct.insert(key) }
        XCTAssertEqual(distinct.count, 4)  // 5, 7, 0, 2^63
        distinct.removeAll()
        XCTAssertEqual(distinct.count, 0)
        distinct.insert(5)
        XCTAssertEqual(distinct.count, 1)
    }
}
