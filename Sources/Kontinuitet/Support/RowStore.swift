import Foundation

/// A growable array of plain values for the hot path: a raw allocation, so reading and writing an element costs
/// no uniqueness or exclusivity check (as `Array`'s copy-on-write, or a class's stored property, does on every
/// write). Non-copyable: one owner, freed on deinit. `ByteScratch` is the byte form, with text helpers.
struct RowStore<Element: BitwiseCopyable>: ~Copyable {
    private var base: UnsafeMutablePointer<Element>
    private var capacity: Int
    /// The byte alignment of the allocation.
    private let alignment: Int
    /// The number of elements held.
    private(set) var count = 0

    /// A store with room for `capacity` elements before it grows; its allocation is aligned to `alignment` bytes
    /// (at least the element's own), so that elements of a cache line's size each take exactly one line.
    init(capacity: Int = 256, alignment: Int = 1) {
        self.capacity = max(16, capacity)
        self.alignment = max(alignment, MemoryLayout<Element>.alignment)
        base = Self.allocate(self.capacity, alignment: self.alignment)
    }

    private static func allocate(_ count: Int, alignment: Int) -> UnsafeMutablePointer<Element> {
        UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Element>.stride, alignment: alignment)
            .bindMemory(to: Element.self, capacity: count)
    }

    deinit { base.deallocate() }

    /// The element at `index` (`0 ..< count`).
    subscript(index: Int) -> Element {
        @inline(__always) get {
            precondition(index >= 0 && index < count, "RowStore index out of range")
            return base[index]
        }
        @inline(__always) set {
            precondition(index >= 0 && index < count, "RowStore index out of range")
            base[index] = newValue
        }
    }

    /// The address of the element at `index` (`0 ..< count`), for several reads and writes of its fields; valid
    /// until the next append.
    @inline(__always)
    func address(of index: Int) -> UnsafeMutablePointer<Element> {
        precondition(index >= 0 && index < count, "RowStore index out of range")
        return base + index
    }

    /// The elements held; valid until the next mutation.
    var elements: UnsafeBufferPointer<Element> {
        @inline(__always) get { UnsafeBufferPointer(start: base, count: count) }
    }

    /// The first `length` elements; valid until the next mutation.
    func prefix(_ length: Int) -> UnsafeBufferPointer<Element> {
        UnsafeBufferPointer(start: base, count: min(length, count))
    }

    mutating func removeAll() { count = 0 }

    /// Removes the last `k` elements.
    mutating func removeLast(_ k: Int) {
        precondition(k >= 0 && k <= count, "RowStore removeLast out of range")
        count -= k
    }

    /// Removes `k` elements from `start` on, moving the ones after them down.
    mutating func remove(from start: Int, count k: Int) {
        precondition(start >= 0 && k >= 0 && start + k <= count, "RowStore remove out of range")
        (base + start).update(from: base + start + k, count: count - start - k)
        count -= k
    }

    @inline(__always)
    mutating func append(_ element: Element) {
        if count == capacity { grow(count + 1) }
        (base + count).initialize(to: element)
        count += 1
    }

    @inline(__always)
    mutating func append(_ elements: UnsafeBufferPointer<Element>) {
        guard let source = elements.baseAddress, elements.count > 0 else { return }
        if count + elements.count > capacity { grow(count + elements.count) }
        (base + count).update(from: source, count: elements.count)
        count += elements.count
    }

    /// The elements as an array.
    func array() -> [Element] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Hands the elements over to a block, without copying them.
    consuming func block() -> RowBlock<Element> {
        let block = RowBlock(adopting: base, count: count, capacity: capacity)
        discard self
        return block
    }

    private mutating func grow(_ needed: Int) {
        let newCapacity = max(needed, capacity * 2)
        let newBase = Self.allocate(newCapacity, alignment: alignment)
        newBase.moveInitialize(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }
}

/// Values handed over by a `RowStore` without a copy, or taken from a `RowBlockPool`: filled by one owner,
/// then read-only and shared between threads; freed with the last reference unless given back to a pool.
final class RowBlock<Element: BitwiseCopyable>: @unchecked Sendable {
    private let base: UnsafeMutablePointer<Element>
    let count: Int
    /// The number of elements the allocation has room for.
    let capacity: Int
    private var owned = true

    /// A block that owns the allocation at `base` (from `allocate(capacity:)`), whose first `count` elements it
    /// holds.
    fileprivate init(adopting base: UnsafeMutablePointer<Element>, count: Int, capacity: Int) {
        self.base = base
        self.count = count
        self.capacity = capacity
    }

    /// An empty block.
    convenience init() { self.init(adopting: .allocate(capacity: 1), count: 0, capacity: 1) }

    /// A block of `count` elements whose bytes its owner writes before any is read (read from a file).
    convenience init(count: Int) {
        self.init(adopting: .allocate(capacity: max(1, count)), count: count, capacity: max(1, count))
    }

    deinit { if owned { base.deallocate() } }

    /// Frees the elements now rather than with the last reference (the block must not be read afterwards): for
    /// the last pass over large blocks, so that each block's memory goes as soon as the pass is done with it.
    func free() {
        guard owned else { return }
        owned = false
        base.deallocate()
    }

    /// The elements; valid while the block is alive.
    var elements: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }

    /// The elements, to be written by the block's one owner before the block is shared.
    var mutableElements: UnsafeMutableBufferPointer<Element> { UnsafeMutableBufferPointer(start: base, count: count) }

    /// Gives up the allocation (the block must not be read afterwards).
    fileprivate func relinquish() -> (UnsafeMutablePointer<Element>, Int) {
        owned = false
        return (base, capacity)
    }
}

/// Allocations of blocks no longer needed, lent out again: memory the process already has is reused instead of
/// new memory being mapped and faulted in page by page. Thread-safe.
final class RowBlockPool<Element: BitwiseCopyable>: @unchecked Sendable {
    private var spare: [(UnsafeMutablePointer<Element>, Int)] = []
    private let lock = NSLock()

    init() {}

    deinit { for (base, _) in spare { base.deallocate() } }

    /// A block of `count` elements, to be written before it is read: a spare allocation with room for them, or
    /// a new one.
    func take(count: Int) -> RowBlock<Element> {
        let reused: (UnsafeMutablePointer<Element>, Int)? = lock.withLock {
            guard let index = spare.firstIndex(where: { $0.1 >= count }) else { return nil }
            return spare.remove(at: index)
        }
        if let (base, capacity) = reused { return RowBlock(adopting: base, count: count, capacity: capacity) }
        let capacity = max(count, 1)
        return RowBlock(adopting: .allocate(capacity: capacity), count: count, capacity: capacity)
    }

    /// Takes over the allocation of `block`, which must not be read afterwards.
    func give(_ block: RowBlock<Element>) {
        let allocation = block.relinquish()
        lock.withLock { spare.append(allocation) }
    }
}
