import XCTest

@testable import Kontinuitet

/// The raw growable store of the hot path, its hand-over to a shared block, and the pool of reused allocations.
final class RowStoreTests: XCTestCase {
    func testStoreGrowsKeepsOrderAndHandsOverWithoutLoss() {
        var store = RowStore<Int32>(capacity: 4)
        for value in 0..<1_000 { store.append(Int32(value)) }
        XCTAssertEqual(store.count, 1_000)
        store[10] = -10
        XCTAssertEqual(store[10], -10)
        let block = store.block()
        XCTAssertEqual(block.count, 1_000)
        XCTAssertGreaterThanOrEqual(block.capacity, 1_000)
        XCTAssertEqual(Array(block.elements.prefix(12)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, -10, 11])
        XCTAssertEqual(block.elements.last, 999)
    }

    func testAlignedStoreStaysAlignedAsItGrows() {
        var store = RowStore<UserState>(capacity: 1, alignment: 64)
        XCTAssertEqual(MemoryLayout<UserState>.stride, 64, "a user's state is one cache line")
        for user in 0..<100 {
            var state = UserState()
            state.sortName = Int32(user)
            store.append(state)
            XCTAssertEqual(Int(bitPattern: store.address(of: 0)) % 64, 0)
        }
        XCTAssertEqual((0..<100).map { store[$0].sortName }, (0..<100).map { Int32($0) })
    }

    func testByteScratchRemovesAndFolds() {
        var scratch = ByteScratch(capacity: 2)
        Array("x\u{A0}\u{A0}Åsa BERG\u{A0}".utf8).withUnsafeBufferPointer { scratch.append($0) }
        scratch.trimNoBreakSpaces(from: 1)
        scratch.foldCase(from: 0)
        XCTAssertEqual(String(decoding: scratch.bytes, as: UTF8.self), "xåsa berg")
        scratch.removeLast(5)
        scratch.remove(from: 0, count: 1)
        XCTAssertEqual(String(decoding: scratch.bytes, as: UTF8.self), "åsa")
    }

    func testPoolLendsAGivenAllocationAgain() {
        let pool = RowBlockPool<UInt64>()
        let first = pool.take(count: 100)
        XCTAssertEqual(first.count, 100)
        XCTAssertEqual(first.capacity, 100)
        pool.give(first)
        // A smaller block fits in the given allocation; a larger one needs a new one.
        let reused = pool.take(count: 60)
        XCTAssertEqual(reused.count, 60)
        XCTAssertEqual(reused.capacity, 100)
        let fresh = pool.take(count: 200)
        XCTAssertEqual(fresh.capacity, 200)
        for index in 0..<60 { reused.mutableElements[index] = UInt64(index) }
        XCTAssertEqual(reused.elements.reduce(0, +), 1_770)
    }
}
