import Foundation
import XCTest

@testable import Kontinuitet

final class ParallelAndFileTreeTests: XCTestCase {
    /// Workers claim items one by one: every item runs exactly once, whatever the number of threads.
    func testEveryItemRunsOnceOnAnyNumberOfThreads() {
        // Many rounds of tiny items, so that workers write their slots at the same moment as often as possible.
        for threads in [1, 2, 3, 8] {
            for _ in 0..<200 {
                let slots = ResultSlots<Int>(count: 100)
                Parallel.forEach(count: 100, threads: threads) { index in slots.set(index, index * index) }
                XCTAssertEqual(slots.values(), (0..<100).map { $0 * $0 }, "\(threads) threads")
            }
        }
    }

    /// Slots handed out with `take` are emptied, each once, and hold their values until then.
    func testTakenSlotsAreEmptiedOnce() {
        let slots = ResultSlots((0..<500).map { "item \($0)" })
        let taken = ResultSlots<String>(count: 500)
        Parallel.forEach(count: 500, threads: 4) { index in
            if let value = slots.take(index) { taken.set(index, value) }
        }
        XCTAssertEqual(taken.values(), (0..<500).map { "item \($0)" })
        XCTAssertEqual(slots.values(), [])
        XCTAssertNil(slots.take(0))
    }

    /// Workers stage files at the same time, the first file of each sub-directory creating it; all are committed.
    func testOutputDirectoryTakesWritesFromSeveralThreads() throws {
        let temporary = TemporaryDirectory()
        let directory = try OutputDirectory(path: (temporary.path as NSString).appendingPathComponent("out"))
        let failures = ResultSlots<String>(count: 300)
        Parallel.forEach(count: 300, threads: 4) { index in
            do {
                try directory.write("part\(index % 5)/file\(index).csv", Array("\(index)\n".utf8))
            } catch {
                failures.set(index, "\(error)")
            }
        }
        XCTAssertEqual(failures.values(), [])
        try directory.commit()
        for index in 0..<300 {
            XCTAssertEqual(temporary.read("out/part\(index % 5)/file\(index).csv"), "\(index)\n")
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
