import XCTest

@testable import Kontinuitet

/// `InPlaceGrouping` against the obvious implementation (a stable sort by key) on random input.
final class InPlaceGroupingTests: XCTestCase {
    func testGroupingGivesTheSortedKeysAndTheirGroupsStarts() {
        var generator = SystemRandomNumberGenerator()
        for trial in 0..<200 {
            let keyCount = 1 + trial % 37
            let count = Int.random(in: 0...300, using: &generator)
            // (key, serial): the serial tells the elements apart.
            let input = (0..<count).map { (key: Int.random(in: 0..<keyCount, using: &generator), serial: $0) }
            var grouped = input
            let starts = grouped.withUnsafeMutableBufferPointer {
                InPlaceGrouping.group($0, keyCount: keyCount) { $0.key }
            }
            XCTAssertEqual(grouped.map(\.key), input.map(\.key).sorted())
            XCTAssertEqual(Set(grouped.map(\.serial)), Set(0..<count))
            XCTAssertEqual(starts.count, keyCount + 1)
            for key in 0..<keyCount {
                XCTAssertEqual(starts[key + 1] - starts[key], input.filter { $0.key == key }.count)
                XCTAssertTrue(grouped[starts[key]..<starts[key + 1]].allSatisfy { $0.key == key })
            }
        }
    }

    func testNearlySortedSortAgreesWithSortOnOrderedShuffledAndReversedInput() {
        var generator = SystemRandomNumberGenerator()
        for trial in 0..<100 {
            let count = Int.random(in: 0...500, using: &generator)
            var values = (0..<count).map { _ in Int.random(in: 0..<50, using: &generator) }
            switch trial % 3 {
            case 0: values.sort()  // in order but for a few swaps
            case 1: values.sort(by: >)  // reversed: past the insertion budget
            default: break
            }
            if trial % 3 == 0 && count > 2 {
                for _ in 0..<3 { values.swapAt(Int.random(in: 0..<count), Int.random(in: 0..<count)) }
            }
            var sorted = values
            InPlaceGrouping.sortNearlySorted(&sorted, by: <)
            XCTAssertEqual(sorted, values.sorted())
        }
    }
}
