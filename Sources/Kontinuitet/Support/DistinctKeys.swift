/// Counts the distinct values among keys added one by one, without sorting them: an open-addressing hash set that
/// is emptied in constant time (a slot holds a key only when stamped with the current generation). For the
/// visits of one user's day or month, counted for every user of a city's year.
struct DistinctKeys {
    private var keys = [UInt64](repeating: 0, count: 64)
    private var stamps = [UInt32](repeating: 0, count: 64)
    private var generation: UInt32 = 1
    /// The number of distinct keys added since the last `removeAll`.
    private(set) var count = 0

    /// Forgets every key.
    @inline(__always)
    mutating func removeAll() {
        count = 0
        generation &+= 1
        if generation == 0 {
            for slot in stamps.indices { stamps[slot] = 0 }
            generation = 1
        }
    }

    /// Adds `key`; `count` grows when it was not there.
    @inline(__always)
    mutating func insert(_ key: UInt64) {
        if count * 2 >= keys.count { grow() }
        let mask = keys.count - 1
        var slot = Self.slot(key, mask: mask)
        while stamps[slot] == generation {
            if keys[slot] == key { return }
            slot = (slot + 1) & mask
        }
        stamps[slot] = generation
        keys[slot] = key
        count += 1
    }

    @inline(__always)
    private static func slot(_ key: UInt64, mask: Int) -> Int {
        // Fibonacci hashing: the high half of the product mixes every bit of the key.
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// Doubles the table and adds the current keys again.
    private mutating func grow() {
        let current = keys.indices.filter { stamps[$0] == generation }.map { keys[$0] }
        keys = [UInt64](repeating: 0, count: keys.count * 2)
        stamps = [UInt32](repeating: 0, count: keys.count)
        generation = 1
        count = 0
        for key in current { insert(key) }
    }
}
