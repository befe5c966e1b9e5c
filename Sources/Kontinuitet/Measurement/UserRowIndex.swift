/// The counted rows of every chunk, remapped to global ids and sorted by user, so that one user's rows are one
/// slice per chunk.
///
/// Sorting each chunk on its own (in parallel) rather than the whole set at once means that the rows are held
/// once, plus one chunk's worth of scratch space, however many rows there are.
struct UserRowIndex: Sendable {
    let users: Int
    private let chunks: [[CountedRow]]
    /// Per chunk, `users + 1` offsets: user `u`'s rows are `chunks[c][offsets[c][u] ..< offsets[c][u + 1]]`.
    private let offsets: [[Int32]]

    /// Remaps and sorts every chunk.
    ///
    /// - Parameters:
    ///   - maps: per chunk, local → global user ids and local → global staff ids.
    ///   - chunks: the chunks' rows; each is released as soon as it has been sorted.
    init(
        chunks: ResultSlots<[CountedRow]>, count: Int, maps: [(users: [Int32], staff: [Int32])], users: Int,
        threads: Int
    ) {
        self.users = users
        let slots = ResultSlots<([CountedRow], [Int32])>(count: count)
        Parallel.forEach(count: count, threads: threads) { chunk in
            let rows = chunks.take(chunk) ?? []
            let (userMap, staffMap) = maps[chunk]
            var counts = [Int32](repeating: 0, count: users + 1)
            for row in rows { counts[Int(userMap[Int(row.user)]) + 1] += 1 }
            for user in 0..<users { counts[user + 1] += counts[user] }
            var fill = counts
            var sorted = [CountedRow](
                repeating: CountedRow(user: 0, staff: 0, day: 0, minute: 0, visit: 0), count: rows.count)
            for var row in rows {
                let user = userMap[Int(row.user)]
                row.user = user
                row.staff = staffMap[Int(row.staff)]
                sorted[Int(fill[Int(user)])] = row
                fill[Int(user)] += 1
            }
            slots.set(chunk, (sorted, counts))
        }
        let results = slots.values()
        self.chunks = results.map(\.0)
        self.offsets = results.map(\.1)
    }

    /// Replaces the contents of `rows` with every counted row of `user`, in input order.
    func gather(_ user: Int, into rows: inout [CountedRow]) {
        rows.removeAll(keepingCapacity: true)
        for chunk in chunks.indices {
            let from = Int(offsets[chunk][user])
            let to = Int(offsets[chunk][user + 1])
            if to > from { rows.append(contentsOf: chunks[chunk][from..<to]) }
        }
    }

    /// The smallest and largest stored day of any row, or nil when there are no rows.
    func dayRange() -> (Int, Int)? {
        var low = Int.max
        var high = Int.min
        for chunk in chunks {
            for row in chunk {
                low = min(low, Int(row.day))
                high = max(high, Int(row.day))
            }
        }
        return low <= high ? (low, high) : nil
    }
}
