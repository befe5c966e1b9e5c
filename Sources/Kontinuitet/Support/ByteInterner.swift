import Foundation

/// Maps byte strings to dense integer ids, assigned in order of first insertion.
///
/// Keys live in one contiguous arena, so interning a key that is already present allocates nothing. This is the
/// structure the hot path uses to turn provider, user, staff and unit fields into integers once per row.
///
/// - Complexity: `intern` and `id(of:)` are O(key length) on average (open addressing, linear probing).
struct ByteInterner {
    private var arena: [UInt8] = []
    private var keyStarts: [Int] = [0]
    private var hashes: [UInt64] = []
    private var slots: [Int32]
    private var mask: Int

    /// Creates an empty interner with room for about `capacity` keys before it grows.
    init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: -1, count: size)
        mask = size - 1
    }

    /// The number of distinct keys interned.
    var count: Int { hashes.count }

    /// A 64-bit hash of the bytes: eight bytes at a time, multiply–xor–shift mixing, and a final avalanche so
    /// that the low bits used for the table are well mixed.
    @inline(__always)
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        guard let base = key.baseAddress else { return 0x9E37_79B9_7F4A_7C15 }
        let raw = UnsafeRawPointer(base)
        let n = key.count
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(n)
        var i = 0
        while i + 8 <= n {
            let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ word) &* 0xff51_afd7_ed55_8ccd
            h ^= h >> 32
            i += 8
        }
        if i < n {
            // The last bytes as one word: the final eight (overlapping the words above) or, for a key under
            // eight bytes, its first and last four, two or one (overlapping).
            let tail: UInt64
            if n >= 8 {
                tail = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            } else if n >= 4 {
                tail =
                    UInt64(raw.loadUnaligned(as: UInt32.self))
                    | UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)) << 32
            } else if n >= 2 {
                tail =
                    UInt64(raw.loadUnaligned(as: UInt16.self))
                    | UInt64(raw.loadUnaligned(fromByteOffset: n - 2, as: UInt16.self)) << 16
            } else {
                tail = UInt64(base[0])
            }
            h = (h ^ tail) &* 0xc4ce_b9fe_1a85_ec53
        }
        h ^= h >> 33
        h &*= 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        return h
    }

    /// Returns the id of `key`, inserting it with the next free id when it is new.
    mutating func intern(_ key: UnsafeBufferPointer<UInt8>) -> Int32 {
        let h = Self.hash(key)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let id = slots[slot]
            if id < 0 { break }
            if hashes[Int(id)] == h && keyEquals(Int(id), key) { return id }
            slot = (slot + 1) & mask
        }
        let id = Int32(hashes.count)
        hashes.append(h)
        arena.append(contentsOf: key)
        keyStarts.append(arena.count)
        slots[slot] = id
        if hashes.count * 2 > slots.count { grow() }
        return id
    }

    /// Interns the UTF-8 bytes of a string.
    mutating func intern(_ key: String) -> Int32 {
        var bytes = Array(key.utf8)
        return bytes.withUnsafeMutableBufferPointer { intern(UnsafeBufferPointer($0)) }
    }

    /// Returns the id of `key` when it has been interned.
    func id(of key: UnsafeBufferPointer<UInt8>) -> Int32? {
        let h = Self.hash(key)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let id = slots[slot]
            if id < 0 { return nil }
            if hashes[Int(id)] == h && keyEquals(Int(id), key) { return id }
            slot = (slot + 1) & mask
        }
    }

    /// The bytes of the key with the given id.
    func key(_ id: Int32) -> ArraySlice<UInt8> {
        arena[keyStarts[Int(id)]..<keyStarts[Int(id) + 1]]
    }

    /// The key with the given id decoded as UTF-8 (keys are stored as UTF-8 by every caller).
    func string(_ id: Int32) -> String {
        String(decoding: key(id), as: UTF8.self)
    }

    /// True when the key with id `id` is `key`, byte for byte.
    @inline(__always)
    func keyEquals(_ id: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = keyStarts[id]
        let length = keyStarts[id + 1] - start
        guard length == key.count else { return false }
        if length == 0 { return true }
        return arena.withUnsafeBufferPointer { stored in
            guard let a = stored.baseAddress, let b = key.baseAddress else { return false }
            return Self.equal(a + start, b, count: length)
        }
    }

    /// Equality of `count` bytes, inline and a word at a time: ids are short, and a `memcmp` call costs more than
    /// comparing them. The last word overlaps the one before it, and a key under eight bytes is compared as two
    /// overlapping halves, so no byte is compared alone unless the key has one byte.
    @inline(__always)
    static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, count: Int) -> Bool {
        let x = UnsafeRawPointer(a)
        let y = UnsafeRawPointer(b)
        if count >= 8 {
            var i = 0
            while i + 8 < count {
                guard
                    x.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                        == y.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                else { return false }
                i += 8
            }
            return x.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
                == y.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        }
        if count >= 4 {
            return x.loadUnaligned(as: UInt32.self) == y.loadUnaligned(as: UInt32.self)
                && x.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
                    == y.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
        }
        if count >= 2 {
            return x.loadUnaligned(as: UInt16.self) == y.loadUnaligned(as: UInt16.self)
                && x.loadUnaligned(fromByteOffset: count - 2, as: UInt16.self)
                    == y.loadUnaligned(fromByteOffset: count - 2, as: UInt16.self)
        }
        return count == 0 || a[0] == b[0]
    }

    private mutating func grow() {
        let size = slots.count * 2
        var newSlots = [Int32](repeating: -1, count: size)
        let newMask = size - 1
        for id in 0..<hashes.count {
            var slot = Int(truncatingIfNeeded: hashes[id]) & newMask
            while newSlots[slot] >= 0 { slot = (slot + 1) & newMask }
            newSlots[slot] = Int32(id)
        }
        slots = newSlots
        mask = newMask
    }
}
