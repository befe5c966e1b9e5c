import MemoryHints

/// The index the passes of `PerformedRows` read the rows through.
extension PerformedRows {
    /// The rows of each key as references, the rows left where they are (moving 32-byte rows to random places
    /// costs more than reading them there): `refs[starts[k] ..< starts[k + 1]]` are the rows of key k in file
    /// order, each as its ordinal among all rows.
    final class RowIndex: @unchecked Sendable {
        let starts: [Int]
        fileprivate let refs: UnsafeMutableBufferPointer<UInt32>
        /// The first ordinal of each block, and one past the last.
        fileprivate let blockStart: [Int]
        fileprivate let blocks: [UnsafeMutableBufferPointer<PerformedRow>]

        fileprivate init(
            starts: [Int], refs: UnsafeMutableBufferPointer<UInt32>, blockStart: [Int],
            blocks: [UnsafeMutableBufferPointer<PerformedRow>]
        ) {
            self.starts = starts
            self.refs = refs
            self.blockStart = blockStart
            self.blocks = blocks
        }

        deinit { refs.deallocate() }

        /// The rows of `key`, in file order, in `pointers`; each row's memory is asked for as it is found.
        func rows(ofKey key: Int, into pointers: inout [UnsafeMutablePointer<PerformedRow>]) {
            pointers.removeAll(keepingCapacity: true)
            var block = 0
            for r in starts[key]..<starts[key + 1] {
                let ref = Int(refs[r])
                while ref >= blockStart[block + 1] { block += 1 }
                // (A reference never points into an empty block.)
                guard let base = blocks[block].baseAddress else { continue }
                let row = base + (ref - blockStart[block])
                kontinuitet_prefetch(row)
                pointers.append(row)
            }
        }
    }

    /// The rows of each key (`key` gives it, in `0..<keyCount`), counted and referenced block by block in
    /// parallel.
    func index(threads: Int, keyCount: Int, key: @escaping @Sendable (PerformedRow) -> Int) -> RowIndex {
        let counted = ResultSlots<[Int]>(count: blocks.count)
        Parallel.forEach(count: blocks.count, threads: threads) { b in
            var counts = [Int](repeating: 0, count: keyCount)
            for row in self.blocks[b].rows.elements { counts[key(row)] += 1 }
            counted.set(b, counts)
        }
        let counts = counted.values()
        // Where each block's rows of each key go: keys in order, blocks in order within a key.
        var next = counts.map { _ in [Int](repeating: 0, count: keyCount) }
        var starts = [Int](repeating: 0, count: keyCount + 1)
        var position = 0
        for k in 0..<keyCount {
            starts[k] = position
            for b in blocks.indices {
                next[b][k] = position
                position += counts[b][k]
            }
        }
        starts[keyCount] = position
        var blockStart = [0]
        for block in blocks { blockStart.append(blockStart[blockStart.count - 1] + block.rows.count) }
        let index = RowIndex(
            starts: starts, refs: .allocate(capacity: max(1, position)), blockStart: blockStart,
            blocks: blocks.map { $0.rows.mutableElements })
        let slots = ResultSlots(next)
        Parallel.forEach(count: blocks.count, threads: threads) { b in
            guard var next = slots.take(b) else { return }
            let first = index.blockStart[b]
            for (i, row) in self.blocks[b].rows.elements.enumerated() {
                let k = key(row)
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
