import XCTest

@testable import Kontinuitet

/// `NearlySorted` against the standard library's sort on random input.
final class NearlySortedTests: XCTestCase {
    func testAgreesWithSortOnOrderedShuffledAndReversedInput() {
        var generator = SystemRandomNumberGenerator()
        for trial in 0..<300 {
            let count = Int.random(in: 0...500, using: &generator)
            var values = (0..<count).map { _ in Int.random(in: 0..<50, using: &generator) }
            switch trial % 3 {
            case 0: values.sort()  // in order but for the few swaps below
            case 1: values.sort(by: >)  // reversed: past the insertion budget
            default: break
            }
            if trial % 3 == 0 && count > 2 {
                for _ in 0..<3 { values.swapAt(Int.random(in: 0..<count), Int.random(in: 0..<count)) }
            }
            var sorted = values
            NearlySorted.sort(&sorted, by: <)
            XCTAssertEqual(sorted, values.sorted())
        }
    }
}
