import MemoryHints

/// The index the passes of `PerformedRows` read the rows through.
extension PerformedRows {
    /// The most row references an index holds at once by default (32 MB): a run with more rows is indexed a range
    /// of keys at a time (`forEachIndex`), so that what a pass needs beside the rows themselves does not grow with
    /// them.
    static let mostIndexedRows = 1 << 23

    /// The rows of each key of a range of keys as references, the rows left where they are (moving 32-byte rows
    /// to random places costs more than reading them there): `refs[starts[k - firstKey] ..< starts[k - firstKey +
    /// 1]]` are the rows of key k in file order, each as its ordinal among all rows.
    final class RowIndex: @unchecked Sendable {
        /// The first key indexed.
        let firstKey: Int
        let starts: [Int]
        fileprivate let refs: UnsafeMutableBufferPointer<UInt32>
        /// The first ordinal of each block, and one past the last.
        fileprivate let blockStart: [Int]
        fileprivate let blocks: [UnsafeMutableBufferPointer<PerformedRow>]

        /// The map `refs` lies in, and its size; nil when `refs` is the allocator's memory.
        private let map: (base: UnsafeMutableRawPointer, bytes: Int)?

        /// An index of the keys from `firstKey` on, with room for `count` references.
        fileprivate init(
            firstKey: Int, starts: [Int], count: Int, blockStart: [Int],
            blocks: [UnsafeMutableBufferPointer<PerformedRow>]
        ) {
            self.firstKey = firstKey
            self.starts = starts
            self.blockStart = blockStart
            self.blocks = blocks
            // The references in a map of their own, returned to the system when the index goes: the allocator
            // would keep tens of megabytes freed by one index for the next, and the rows' pass after it would
            // then hold both.
            let bytes = max(1, count) * MemoryLayout<UInt32>.stride
            if let base = MemoryMapping.mapAnonymous(count: bytes) {
                refs = UnsafeMutableBufferPointer(
                    start: base.bindMemory(to: UInt32.self, capacity: count), count: count)
                map = (base, bytes)
            } else {
                refs = .allocate(capacity: max(1, count))
                map = nil
            }
        }

        deinit {
            if let map {
                MemoryMapping.unmap(UnsafeRawPointer(map.base), count: map.bytes)
            } else {
                refs.deallocate()
            }
        }

        /// The rows of `key` (a key of the range indexed), in file order, in `pointers`; each row's memory is asked
        /// for as it is found.
        func rows(ofKey key: Int, into pointers: inout [UnsafeMutablePointer<PerformedRow>]) {
            pointers.removeAll(keepingCapacity: true)
            var block = 0
            for r in starts[key - firstKey]..<starts[key - firstKey + 1] {
                let ref = Int(refs[r])
                while ref >= blockStart[block + 1] { block += 1 }
                // (A reference never points into an empty block.)
                guard let base = blocks[block].baseAddress else { continue }
                let row = base + (ref - blockStart[block])
                kontinuitet_prefetch(row)
                pointers.append(row)
            }
        }

        /// Up to `count` consecutive ranges of the keys indexed with about equal numbers of rows.
        func parts(_ count: Int) -> [Range<Int>] {
            PerformedRows.ranges(starts, count: count).map { ($0.lowerBound + firstKey)..<($0.upperBound + firstKey) }
        }
    }

    /// Calls `body` with an index of the rows of each key (`key` gives it, in `0..<keyCount`): of every key at
    /// once, or, when the rows are more than `most`, of one range of keys after another, each with at most that
    /// many rows (or one key). The rows of each key are counted once, for every range.
    func forEachIndex(
        threads: Int, most: Int, keyCount: Int, key: @escaping @Sendable (PerformedRow) -> Int,
        _ body: (RowIndex) -> Void
    ) {
        let counts = countPerKey(threads: threads, keyCount: keyCount, key: key)
        let rowCount = blocks.reduce(0) { $0 + $1.rows.count }
        guard rowCount > most else {
            return body(index(threads: threads, keys: 0..<keyCount, counts: counts, key: key))
        }
        var perKey = [Int](repeating: 0, count: keyCount)
        for blockCounts in counts {
            for k in 0..<keyCount { perKey[k] += blockCounts[k] }
        }
        var first = 0
        var rows = 0
        for k in 0..<keyCount {
            if rows > 0 && rows + perKey[k] > most {
                body(index(threads: threads, keys: first..<k, counts: counts, key: key))
                first = k
                rows = 0
            }
            rows += perKey[k]
        }
        body(index(threads: threads, keys: first..<keyCount, counts: counts, key: key))
    }

    /// Per block, the number of rows of each key.
    private func countPerKey(threads: Int, keyCount: Int, key: @escaping @Sendable (PerformedRow) -> Int)
        -> [[Int]]
    {
        let counted = ResultSlots<[Int]>(count: blocks.count)
        Parallel.forEach(count: blocks.count, threads: threads) { b in
            var counts = [Int](repeating: 0, count: keyCount)
            for row in self.blocks[b].rows.elements { counts[key(row)] += 1 }
            counted.set(b, counts)
        }
        return counted.values()
    }

    /// The rows of each key of `keys` (`counts`: per block, the rows of every key), referenced block by block in
    /// parallel.
    private func index(
        threads: Int, keys: Range<Int>, counts: [[Int]], key: @escaping @Sendable (PerformedRow) -> Int
    ) -> RowIndex {
        let keyCount = keys.count
        // Where each block's rows of each key go: keys in order, blocks in order within a key.
        var next = counts.map { _ in [Int](repeating: 0, count: keyCount) }
        var starts = [Int](repeating: 0, count: keyCount + 1)
        var position = 0
        for k in 0..<keyCount {
            starts[k] = position
            for b in blocks.indices {
                next[b][k] = position
                position += counts[b][keys.lowerBound + k]
            }
        }
        starts[keyCount] = position
        var blockStart = [0]
        for block in blocks { blockStart.append(blockStart[blockStart.count - 1] + block.rows.count) }
        let index = RowIndex(
            firstKey: keys.lowerBound, starts: starts, count: position, blockStart: blockStart,
            blocks: blocks.map { $0.rows.mutableElements })
        let slots = ResultSlots(next)
        let firstKey = keys.lowerBound
        Parallel.forEach(count: blocks.count, threads: threads) { b in
            guard var next = slots.take(b) else { return }
            let first = index.blockStart[b]
            for (i, row) in self.blocks[b].rows.elements.enumerated() {
                let k = key(row) &- firstKey
                guard UInt(bitPattern: k) < UInt(keyCount) else { continue }
                index.refs[next[k]] = UInt32(truncatingIfNeeded: first + i)
                next[k] += 1
            }
        }
        return index
    }

    /// Up to `count` consecutive ranges of keys with about equal numbers of rows (`starts` as `RowIndex`'s).
    static func ranges(_ starts: [Int], count: Int) -> [Range<Int>] {
        let keyCount = starts.count - 1
        let share = max(1, (starts[keyCount] + count - 1) / max(1, count))
        var ranges: [Range<Int>] = []
        var first = 0
        for key in 0..<keyCount where starts[key + 1] - starts[first] >= share {
            ranges.append(first..<key + 1)
            first = key + 1
        }
        if first < keyCount { ranges.append(first..<keyCount) }
        return ranges
    }
}
