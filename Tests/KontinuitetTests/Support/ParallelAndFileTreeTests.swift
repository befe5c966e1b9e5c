import Foundation
import XCTest

@testable import Kontinuitet

final class ParallelAndFileTreeTests: XCTestCase {
    /// Workers claim items one by one: every item runs exactly once, whatever the number of threads.
    func testEveryItemRunsOnceOnAnyNumberOfThreads() {
        for threads in [1, 2, 3, 8] {
            let slots = ResultSlots<Int>(count: 100)
            Parallel.forEach(count: 100, threads: threads) { index in slots.set(index, index * index) }
            XCTAssertEqual(slots.values(), (0..<100).map { $0 * $0 }, "\(threads) threads")
        }
    }

    func testFileTreeRemovesNestedFilesAndDirectories() {
        let directory = TemporaryDirectory()
        let root = (directory.path as NSString).appendingPathComponent("out")
        directory.file("out/users.csv", "a\n")
        directory.file("out/forms/a.csv", "b\n")
        directory.file("out/forms/deeper/b.xlsx", bytes: [1, 2, 3])
        directory.file("kept.csv", "c\n")
        FileTree.remove(root)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root))
        XCTAssertEqual(directory.read("kept.csv"), "c\n")
        // A missing path is no error.
        FileTree.remove(root)
    }
}
