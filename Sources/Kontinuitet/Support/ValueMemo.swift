/// A byte string of at most 16 bytes held in two words, so that equality is three integer comparisons.
///
/// From 8 bytes on, the first and the last eight bytes (overlapping when shorter than 16) and the length
/// determine the string; shorter strings are packed into the first word.
struct ShortKey: Equatable {
    let length: Int
    let head: UInt64
    let tail: UInt64

    /// A key no byte string has (an empty cache entry).
    static let none = ShortKey(length: -1, head: 0, tail: 0)

    private init(length: Int, head: UInt64, tail: UInt64) {
        self.length = length
        self.head = head
        self.tail = tail
    }

    /// The key of `bytes`, or nil when they are longer than 16 bytes.
    @inline(__always)
    init?(_ bytes: UnsafeBufferPointer<UInt8>) {
        let n = bytes.count
        guard n <= 16 else { return nil }
        length = n
        guard n > 0, let base = bytes.baseAddress else {
            head = 0
            tail = 0
            return
        }
        let raw = UnsafeRawPointer(base)
        if n >= 8 {
            head = raw.loadUnaligned(as: UInt64.self)
            tail = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        } else if n >= 4 {
            // The first and the last four bytes (overlapping): with the length, every byte is held.
            head =
                UInt64(raw.loadUnaligned(as: UInt32.self))
                | UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)) << 32
            tail = 0
        } else if n >= 2 {
            head =
                UInt64(raw.loadUnaligned(as: UInt16.self))
                | UInt64(raw.loadUnaligned(fromByteOffset: n - 2, as: UInt16.self)) << 16
            tail = 0
        } else {
            head = UInt64(base[0])
            tail = 0
        }
    }

    /// The top `bits` bits of a mix of the key's words: a slot in a table of `1 << bits` entries.
    @inline(__always)
    func slot(bits: Int) -> Int {
        let mixed =
            (head ^ (tail &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(truncatingIfNeeded: length)) &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: mixed >> UInt64(64 - bits))
    }
}

/// A value computed once per distinct byte string: the strings are interned and each id's value kept, so a
/// string seen before costs one hash lookup (raw spellings of ids mapped to normalised ids, say).
struct InternedMemo<Value> {
    private var keys: ByteInterner
    private var values: [Value] = []

    init(capacity: Int = 64) { keys = ByteInterner(capacity: capacity) }

    /// The value for `key`, computed by `compute` the first time the key is seen.
    @inline(__always)
    mutating func value(_ key: UnsafeBufferPointer<UInt8>, _ compute: (UnsafeBufferPointer<UInt8>) -> Value) -> Value {
        entry(key, compute).value
    }

    /// The id of `key` (dense, in order of first sight) and its value, computed by `compute` the first time.
    @inline(__always)
    mutating func entry(_ key: UnsafeBufferPointer<UInt8>, _ compute: (UnsafeBufferPointer<UInt8>) -> Value)
        -> (id: Int32, value: Value)
    {
        let id = keys.intern(key)
        if Int(id) == values.count { values.append(compute(key)) }
        return (id, values[Int(id)])
    }

    /// True when the key with id `id` is `key`, byte for byte: a caller that remembers an id checks a repeat
    /// without hashing.
    @inline(__always)
    func isKey(_ id: Int32, _ key: UnsafeBufferPointer<UInt8>) -> Bool { keys.keyEquals(Int(id), key) }
}

/// Remembers a yes/no answer per distinct raw value of a column with few values (a visit's category, a staff
/// member's role), so the answer is computed once per value and, for a value of at most 16 bytes, looked up in one
/// slot of a small direct-mapped table on every later row.
struct ValueMemo {
    private static let bits = 6
    private var keys = [ShortKey](repeating: .none, count: 1 << ValueMemo.bits)
    private var answers = [Bool](repeating: false, count: 1 << ValueMemo.bits)
    /// Every value seen, with its answer: the table's slots are refilled from here after a collision, and values
    /// over 16 bytes are answered from here.
    private var seen = InternedMemo<Bool>(capacity: 16)

    /// The answer for `value`, computed by `compute` the first time the value is seen.
    @inline(__always)
    mutating func answer(_ value: UnsafeBufferPointer<UInt8>, _ compute: (UnsafeBufferPointer<UInt8>) -> Bool)
        -> Bool
    {
        guard let key = ShortKey(value) else { return seen.value(value, compute) }
        let slot = key.slot(bits: Self.bits)
        if keys[slot] == key { return answers[slot] }
        let result = seen.value(value, compute)
        keys[slot] = key
        answers[slot] = result
        return result
    }
}

/// A two-way set-associative cache of ids for keys of at most 16 bytes, in front of a `ByteInterner`: one or two
/// key comparisons in one cache line instead of a hash table's several dependent reads. A key goes to one set of
/// two entries; the newest key takes the first, the one it displaces moves to the second, and the key in the
/// second is dropped. (Direct-mapped, the hundred or more staff ids of a provider collided often enough that one
/// staff lookup in five went on to the interner.) An entry is 32 bytes and the table is aligned to 64, so a set
/// is exactly one cache line: with sixty providers' tables the lookups of a year's rows miss the CPU's cache
/// often, and each miss now costs one line, not two.
///
/// Keys are cached per group (the staff ids of one provider, say): a group's entries lie together. Non-copyable:
/// one owner, freed on deinit.
struct ShortKeyCache: ~Copyable {
    private struct Entry {
        var key: ShortKey
        var id: Int32
    }

    private var table: UnsafeMutablePointer<Entry>
    /// The number of entries of `table`: at least `1 << bits` for each group up to the highest stored so far (the
    /// table doubles, so that groups appearing one by one cost amortised constant time).
    private var entries = 0
    private let bits: Int

    /// A cache of `1 << bits` entries per group (`bits` ≥ 1).
    init(bits: Int = 9) {
        self.bits = bits
        table = Self.allocate(0)
    }

    deinit { table.deallocate() }

    private static func allocate(_ count: Int) -> UnsafeMutablePointer<Entry> {
        UnsafeMutableRawPointer.allocate(byteCount: max(1, count) * MemoryLayout<Entry>.stride, alignment: 64)
            .bindMemory(to: Entry.self, capacity: max(1, count))
    }

    /// The first entry of the set of `key` in `group`.
    @inline(__always)
    private func set(_ key: ShortKey, group: Int) -> Int {
        (group << bits | key.slot(bits: bits)) & ~1
    }

    /// The id stored for `key` in `group`, if any.
    @inline(__always)
    func id(of key: ShortKey, group: Int) -> Int32? {
        let index = set(key, group: group)
        guard index < entries else { return nil }
        if table[index].key == key { return table[index].id }
        if table[index + 1].key == key { return table[index + 1].id }
        return nil
    }

    /// Groups from this one on are not cached, so that a column of odd values cannot make the table huge.
    static let maxGroups = 256

    /// Stores `id` for `key` in `group` (`group` ≥ 0), which `id(of:group:)` did not find; a group from
    /// `maxGroups` on is not stored.
    @inline(__always)
    mutating func store(_ key: ShortKey, _ id: Int32, group: Int) {
        guard group < Self.maxGroups else { return }
        let index = set(key, group: group)
        if index >= entries { grow(to: max((group + 1) << bits, 2 * entries)) }
        table[index + 1] = table[index]
        table[index] = Entry(key: key, id: id)
    }

    private mutating func grow(to size: Int) {
        let larger = Self.allocate(size)
        larger.initialize(from: table, count: entries)
        (larger + entries).initialize(repeating: Entry(key: .none, id: -1), count: size - entries)
        table.deallocate()
        table = larger
        entries = size
    }
}
