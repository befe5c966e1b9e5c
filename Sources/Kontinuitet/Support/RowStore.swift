/// A growable array of plain values for the hot path: a raw allocation, so reading and writing an element costs
/// no uniqueness check (as `Array`'s copy-on-write does on every write). Non-copyable: one owner, freed on deinit.
struct RowStore<Element: BitwiseCopyable>: ~Copyable {
    private var base: UnsafeMutablePointer<Element>
    private var capacity: Int
    /// The number of elements held.
    private(set) var count = 0

    init(capacity: Int = 256) {
        self.capacity = max(16, capacity)
        base = UnsafeMutablePointer<Element>.allocate(capacity: self.capacity)
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

    @inline(__always)
    mutating func append(_ element: Element) {
        if count == capacity { grow() }
        (base + count).initialize(to: element)
        count += 1
    }

    /// The elements as an array.
    func array() -> [Element] { Array(UnsafeBufferPointer(start: base, count: count)) }

    private mutating func grow() {
        let newCapacity = capacity * 2
        let newBase = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        newBase.moveInitialize(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }
}
