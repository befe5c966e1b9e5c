/// A growable byte buffer for the hot path: a raw allocation, so appending costs no uniqueness or exclusivity
/// checks (as an `Array` property or a class's stored property would). Non-copyable: one owner, freed on deinit.
struct ByteScratch: ~Copyable {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// The number of bytes held.
    private(set) var count = 0

    init(capacity: Int = 256) {
        self.capacity = max(16, capacity)
        base = UnsafeMutablePointer<UInt8>.allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The bytes held; valid until the next mutation.
    var bytes: UnsafeBufferPointer<UInt8> {
        @inline(__always) get { UnsafeBufferPointer(start: base, count: count) }
    }

    /// The first `length` bytes; valid until the next mutation.
    func prefix(_ length: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base, count: min(length, count))
    }

    mutating func removeAll() { count = 0 }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if count == capacity { grow(count + 1) }
        base[count] = byte
        count += 1
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        if count + bytes.count > capacity { grow(count + bytes.count) }
        (base + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    /// Removes no-break spaces (U+00A0, `C2 A0`) from both ends of the bytes after `start`.
    mutating func trimNoBreakSpaces(from start: Int) {
        while count - start >= 2 && base[count - 2] == 0xC2 && base[count - 1] == 0xA0 { count -= 2 }
        var leading = 0
        while count - start - leading >= 2 && base[start + leading] == 0xC2 && base[start + leading + 1] == 0xA0 {
            leading += 2
        }
        if leading > 0 {
            (base + start).update(from: base + start + leading, count: count - start - leading)
            count -= leading
        }
    }

    /// Lower-cases the UTF-8 bytes after `start`: ASCII A–Z and the Latin-1 capitals À–Þ except ×.
    mutating func foldCase(from start: Int) {
        var i = start
        while i < count {
            let b = base[i]
            if b >= 0x41 && b <= 0x5A {
                base[i] = b | 0x20
            } else if b == 0xC3 && i + 1 < count {
                let next = base[i + 1]
                if next >= 0x80 && next <= 0x9E && next != 0x97 { base[i + 1] = next + 0x20 }
                i += 1
            }
            i += 1
        }
    }

    private mutating func grow(_ needed: Int) {
        let newCapacity = max(needed, capacity * 2)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }
}
