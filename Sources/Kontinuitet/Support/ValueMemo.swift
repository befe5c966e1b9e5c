import MemoryHints

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
        guard bytes.count <= 16 else { return nil }
        length = bytes.count
        (head, tail) = Self.words(bytes)
    }

    /// Two words of `bytes` that, with the length, determine bytes of up to 16 (and, of longer bytes, the first
    /// and the last eight): from 8 bytes on, the first and the last eight (overlapping when shorter than 16);
    /// shorter bytes packed into the first word.
    @inline(__always)
    static func words(_ bytes: UnsafeBufferPointer<UInt8>) -> (head: UInt64, tail: UInt64) {
        let n = bytes.count
        guard n > 0, let base = bytes.baseAddress else { return (0, 0) }
        let raw = UnsafeRawPointer(base)
        if n >= 8 {
            return (raw.loadUnaligned(as: UInt64.self), raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
        } else if n >= 4 {
            // The first and the last four bytes (overlapping): with the length, every byte is held.
            return (
                UInt64(raw.loadUnaligned(as: UInt32.self))
                    | UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)) << 32, 0
            )
        } else if n >= 2 {
            return (
                UInt64(raw.loadUnaligned(as: UInt16.self))
                    | UInt64(raw.loadUnaligned(fromByteOffset: n - 2, as: UInt16.self)) << 16, 0
            )
        }
        return (UInt64(base[0]), 0)
    }

    /// The top `bits` bits of a mix of the key's words: a slot in a table of `1 << bits` entries.
    @inline(__always)
    func slot(bits: Int) -> Int { Self.slot(head: head, tail: tail, length: length, bits: bits) }

    /// The top `bits` bits of a mix of two words and a length (see `words(_:)`).
    @inline(__always)
    static func slot(head: UInt64, tail: UInt64, length: Int, bits: Int) -> Int {
        let mixed =
            (head ^ (tail &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(truncatingIfNeeded: length)) &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: mixed >> UInt64(64 - bits))
    }

    /// A 32-bit hash of the key together with `salt` (the id of the group the key belongs to, say), for a
    /// `TaggedIDTable`, which takes its low bits as a slot: every bit of the key reaches every bit of the hash
    /// (ids such as "B000679" differ in their last bytes only).
    @inline(__always)
    func tag(salt: Int32) -> UInt32 {
        var mixed =
            (head ^ (tail &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(truncatingIfNeeded: length)
                ^ UInt64(UInt32(bitPattern: salt)) << 40) &* 0x9E37_79B9_7F4A_7C15
        mixed ^= mixed >> 32
        mixed = mixed &* 0xFF51_AFD7_ED55_8CCD
        return UInt32(truncatingIfNeeded: mixed >> 32)
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

    /// The value of the key with id `id` (an id `entry(_:_:)` returned).
    @inline(__always)
    func value(ofID id: Int32) -> Value { values[Int(id)] }

    /// True when the key with id `id` is `key`, byte for byte: a caller that remembers an id checks a repeat
    /// without hashing.
    @inline(__always)
    func isKey(_ id: Int32, _ key: UnsafeBufferPointer<UInt8>) -> Bool { keys.keyEquals(Int(id), key) }
}

/// A direct-mapped cache of ids in front of a `ByteInterner`, for a column of few distinct values that changes
/// from row to row (the raw provider of a log sorted by time, where 60 providers take turns): a slot chosen from the
/// value's length and first and last eight bytes, then one byte comparison with the interned key, instead of
/// hashing the whole value and probing the interner's table.
struct InternerFront {
    /// 2 048 slots (8 KB): a city's hundred or more providers rarely share one.
    private static let bits = 11
    private var ids = [Int32](repeating: -1, count: 1 << InternerFront.bits)

    /// The id of `key` in `interner`, which interns it if it is new.
    @inline(__always)
    mutating func intern(_ key: UnsafeBufferPointer<UInt8>, in interner: inout ByteInterner) -> Int32 {
        let (head, tail) = ShortKey.words(key)
        let slot = ShortKey.slot(head: head, tail: tail, length: key.count, bits: Self.bits)
        let cached = ids[slot]
        if cached >= 0 && interner.keyEquals(Int(cached), key) { return cached }
        let id = interner.intern(key)
        ids[slot] = id
        return id
    }
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

    /// Asks the processor to load the set of `key` in `group` (a hint: a lookup made later then finds the line in
    /// the cache).
    @inline(__always)
    func prefetch(_ key: ShortKey, group: Int) {
        let index = set(key, group: group)
        if index < entries { kontinuitet_prefetch(table + index) }
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

/// Ids by a 32-bit hash ("tag") of their keys, in 8-byte entries: a table of the ids of thousands of keys stays in
/// the CPU's cache where one holding the keys would not. The table does not know the keys: a lookup offers each id
/// stored under the tag to the caller, who checks it against the key it keeps elsewhere (in the record of that
/// id, which it is about to read anyway). Open addressing with linear probing, at most half full. Non-copyable:
/// one owner, freed on deinit.
struct TaggedIDTable: ~Copyable {
    private struct Entry {
        var tag: UInt32
        var id: Int32
    }

    private var table: UnsafeMutablePointer<Entry>
    private var mask: Int
    /// The number of entries in use.
    private(set) var count = 0

    /// A table with room for `capacity` entries before it grows.
    init(capacity: Int = 1024) {
        var size = 16
        while size < 2 * capacity { size *= 2 }
        mask = size - 1
        table = Self.allocate(size)
    }

    deinit { table.deallocate() }

    private static func allocate(_ size: Int) -> UnsafeMutablePointer<Entry> {
        let table = UnsafeMutableRawPointer.allocate(byteCount: size * MemoryLayout<Entry>.stride, alignment: 64)
            .bindMemory(to: Entry.self, capacity: size)
        table.initialize(repeating: Entry(tag: 0, id: -1), count: size)
        return table
    }

    /// The first id stored under `tag` that `matches` accepts, if any.
    @inline(__always)
    func id(tag: UInt32, where matches: (Int32) -> Bool) -> Int32? {
        var index = Int(tag) & mask
        while true {
            let entry = table[index]
            if entry.id < 0 { return nil }
            if entry.tag == tag && matches(entry.id) { return entry.id }
            index = (index + 1) & mask
        }
    }

    /// Stores `id` (≥ 0) under `tag`, unless it is stored there already.
    mutating func insert(tag: UInt32, id: Int32) {
        precondition(id >= 0, "TaggedIDTable ids are not negative")
        var index = Int(tag) & mask
        while table[index].id >= 0 {
            if table[index].tag == tag && table[index].id == id { return }
            index = (index + 1) & mask
        }
        table[index] = Entry(tag: tag, id: id)
        count += 1
        if 2 * count > mask + 1 { grow() }
    }

    private mutating func grow() {
        let oldSize = mask + 1
        let old = table
        mask = 2 * oldSize - 1
        table = Self.allocate(2 * oldSize)
        for slot in 0..<oldSize where old[slot].id >= 0 {
            var index = Int(old[slot].tag) & mask
            while table[index].id >= 0 { index = (index + 1) & mask }
            table[index] = old[slot]
        }
        old.deallocate()
    }
}
