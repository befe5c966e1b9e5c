import Dispatch
import Foundation

/// Fixed slots that parallel workers fill, each slot by exactly one worker.
///
/// This is the one place where results cross threads: `Parallel.forEach` guarantees that index `i` is written by
/// one iteration only and read after all iterations have finished, which is what makes the unchecked conformance
/// sound.
final class ResultSlots<Element>: @unchecked Sendable {
    // Raw memory, not an array: `Array.withUnsafeMutableBufferPointer` moves the array out of its variable for the
    // duration of the call, so two workers writing through it at once would race on the array itself.
    private let storage: UnsafeMutableBufferPointer<Element?>

    init(count: Int) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil)
    }

    /// Slots filled with `values`, for workers that each `take` one.
    init(_ values: [Element]) {
        storage = .allocate(capacity: values.count)
        _ = storage.initialize(from: values.lazy.map { Optional($0) })
    }

    deinit {
        storage.deinitialize()
        storage.deallocate()
    }

    /// Removes and returns slot `index`, so that its memory is freed as soon as the worker is done with it; call
    /// from one worker per index only.
    func take(_ index: Int) -> Element? {
        let value = storage[index]
        storage[index] = nil
        return value
    }

    /// Writes slot `index`; call from one worker per index only.
    func set(_ index: Int, _ value: Element) { storage[index] = value }

    /// The filled slots in index order; call after the workers have finished.
    func values() -> [Element] { storage.compactMap { $0 } }
}

/// Runs independent work items on a fixed number of threads.
enum Parallel {
    /// Calls `body(i)` for every `i` in `0..<count`, on `threads` workers with `DispatchQueue.concurrentPerform`.
    ///
    /// Each worker claims the next item not yet taken, so a worker slowed down (by another process on a shared
    /// machine, say) takes fewer items; the caller merges results by item index, so the output never depends on
    /// the thread count or on which worker ran what.
    static func forEach(count: Int, threads: Int, _ body: @Sendable (Int) -> Void) {
        let workers = max(1, min(threads, count))
        if workers == 1 {
            for index in 0..<count { body(index) }
            return
        }
        let next = ItemCounter()
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while case let index = next.claim(), index < count { body(index) }
        }
    }
}

/// Hands out 0, 1, 2, … to workers, one number per call.
private final class ItemCounter: @unchecked Sendable {
    private var next = 0
    private let lock = NSLock()

    func claim() -> Int {
        lock.lock()
        defer { lock.unlock() }
        next += 1
        return next - 1
    }
}

/// A buffer that parallel workers write into at places no two of them share (each worker its own precomputed
/// offsets), so no lock is needed. The owner keeps the memory alive until the workers are done.
struct DisjointWrites<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>

    /// Writes `value` at `index`; no other worker may write there.
    @inline(__always)
    func write(_ value: Element, at index: Int) { buffer[index] = value }
}

/// Pieces of work made on worker threads ahead of the one thread that takes them, each taken once, in order: the
/// taker works on one piece while the workers make the next (a file's pieces checked while it is written, a file's
/// chunks read while the rows of the one before are kept).
final class InOrderPieces<Made>: @unchecked Sendable {
    private let make: @Sendable (Int) -> Made
    private let slots: ResultSlots<Made>
    private let ready: [DispatchSemaphore]
    private let group = DispatchGroup()

    init(count: Int, make: @escaping @Sendable (Int) -> Made) {
        self.make = make
        slots = ResultSlots(count: count)
        ready = (0..<count).map { _ in DispatchSemaphore(value: 0) }
    }

    /// Makes piece `index` on a worker thread.
    func start(_ index: Int) {
        DispatchQueue.global().async(group: group) { [self] in
            slots.set(index, make(index))
            ready[index].signal()
        }
    }

    /// Waits for piece `index` (started before) and hands it over.
    func take(_ index: Int) -> Made? {
        ready[index].wait()
        return slots.take(index)
    }

    /// Waits for every piece started (a taker that stopped early leaves some made and not taken).
    func waitForAll() { group.wait() }
}
