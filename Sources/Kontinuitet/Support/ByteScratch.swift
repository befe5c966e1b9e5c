/// A growable byte buffer for the hot path (see `RowStore`), with the text helpers of identifier normalisation.
typealias ByteScratch = RowStore<UInt8>

extension RowStore where Element == UInt8 {
    /// True when `a` and `b` hold the same bytes.
    @inline(__always)
    static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard let x = a.baseAddress, let y = b.baseAddress else { return true }
        return ByteInterner.equal(x, y, count: a.count)
    }

    /// The bytes held; valid until the next mutation.
    var bytes: UnsafeBufferPointer<UInt8> {
        @inline(__always) get { elements }
    }

    /// Appends `id` as four bytes, least significant first (a table key's prefix).
    @inline(__always)
    mutating func append(id: Int32) {
        let value = UInt32(bitPattern: id)
        append(UInt8(truncatingIfNeeded: value))
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value >> 16))
        append(UInt8(truncatingIfNeeded: value >> 24))
    }

    /// Removes no-break spaces (U+00A0, `C2 A0`) from both ends of the bytes after `start`.
    mutating func trimNoBreakSpaces(from start: Int) {
        var trailing = 0
        while count - trailing - start >= 2 && self[count - trailing - 2] == 0xC2 && self[count - trailing - 1] == 0xA0
        {
            trailing += 2
        }
        removeLast(trailing)
        var leading = 0
        while count - start - leading >= 2 && self[start + leading] == 0xC2 && self[start + leading + 1] == 0xA0 {
            leading += 2
        }
        if leading > 0 { remove(from: start, count: leading) }
    }

    /// Lower-cases the UTF-8 bytes after `start`: ASCII A–Z and the Latin-1 capitals À–Þ except ×.
    mutating func foldCase(from start: Int) {
        var i = start
        while i < count {
            let b = self[i]
            if b >= 0x41 && b <= 0x5A {
                self[i] = b | 0x20
            } else if b == 0xC3 && i + 1 < count {
                let next = self[i + 1]
                if next >= 0x80 && next <= 0x9E && next != 0x97 { self[i + 1] = next + 0x20 }
                i += 1
            }
            i += 1
        }
    }
}
