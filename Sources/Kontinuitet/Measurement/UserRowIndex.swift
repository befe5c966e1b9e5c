/// The counted rows of every chunk, remapped to global ids and sorted by user, so that one user's rows are one
/// slice per chunk.
///
/// Sorting each chunk on its own (in parallel) rather than the whole set at once means that the rows are held
/// once, plus one chunk's worth of scratch space per thread, however many rows there are.
struct UserRowIndex: Sendable {
    let users: Int
    private let chunks: [RowBlock<CountedRow>]
    /// Per chunk, `users + 1` offsets: user `u`'s rows are `chunks[c].elements[offsets[c][u] ..< offsets[c][u + 1]]`.
    private let offsets: [[Int32]]
    /// The smallest and largest stored day of any row, or nil when there are no rows.
    let dayRange: (Int, Int)?

    /// Remaps and sorts every chunk.
    ///
    /// - Parameters:
    ///   - maps: per chunk, local → global user ids and local → global staff ids.
    ///   - chunks: the chunks' rows; each one's memory is reused for a chunk sorted after it.
    init(
        chunks: ResultSlots<RowBlock<CountedRow>>, count: Int, maps: [(users: [Int32], staff: [Int32])], users: Int,
        threads: Int
    ) {
        self.users = users
        let slots = ResultSlots<(RowBlock<CountedRow>, [Int32], Int, Int)>(count: count)
        // A sorted chunk goes into the memory of a chunk sorted before it, so only about one chunk per thread is
        // newly allocated.
        let spares = RowBlockPool<CountedRow>()
        Parallel.forEach(count: count, threads: threads) { chunk in
            let source = chunks.take(chunk) ?? RowBlock()
            let rows = source.elements
            let (userMap, staffMap) = maps[chunk]
            var counts = [Int32](repeating: 0, count: users + 1)
            var low = Int.max
            var high = Int.min
            let sorted = spares.take(count: rows.count)
            let out = sorted.mutableElements
            // The ids in `rows` come from the chunk's own interning, so every lookup below is in range: the maps
            // and counts are read through pointers, without a bounds check per row.
            userMap.withUnsafeBufferPointer { userMap in
                staffMap.withUnsafeBufferPointer { staffMap in
                    counts.withUnsafeMutableBufferPointer { counts in
                        for row in rows { counts[Int(userMap[Int(row.user)]) + 1] += 1 }
                        for user in 0..<users { counts[user + 1] += counts[user] }
                    }
                    var fill = counts
                    fill.withUnsafeMutableBufferPointer { fill in
                        for var row in rows {
                            let user = userMap[Int(row.user)]
                            row.user = user
                            row.staff = staffMap[Int(row.staff)]
                            low = min(low, Int(row.day))
                            high = max(high, Int(row.day))
                            out[Int(fill[Int(user)])] = row
                            fill[Int(user)] += 1
                        }
                    }
                }
            }
            spares.give(source)
            slots.set(chunk, (sorted, counts, low, high))
        }
        let results = slots.values()
        self.chunks = results.map(\.0)
        self.offsets = results.map(\.1)
        let low = results.map(\.2).min() ?? Int.max
        let high = results.map(\.3).max() ?? Int.min
        dayRange = low <= high ? (low, high) : nil
    }

    /// Replaces the contents of `rows` with the counted rows of `user` whose day is in `days`, in input order.
    func gather(_ user: Int, days: Range<Int>, into rows: inout [CountedRow]) {
        rows.removeAll(keepingCapacity: true)
        forEachRow(of: user) { row in
            if days.contains(Int(row.day)) { rows.append(row) }
        }
    }

    /// The number of counted rows of `user`.
    func rowCount(of user: Int) -> Int {
        chunks.indices.reduce(0) { $0 + Int(offsets[$1][user + 1] - offsets[$1][user]) }
    }

    /// Calls `body` with every counted row of `user`, in input order, without copying them.
    @inline(__always)
    func forEachRow(of user: Int, _ body: (CountedRow) -> Void) {
        for chunk in chunks.indices {
            let from = Int(offsets[chunk][user])
            let to = Int(offsets[chunk][user + 1])
            guard to > from else { continue }
            withExtendedLifetime(chunks[chunk]) {
                let rows = chunks[chunk].elements
                for position in from..<to { body(rows[position]) }
            }
        }
    }

}
