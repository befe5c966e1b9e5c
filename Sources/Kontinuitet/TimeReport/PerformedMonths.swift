/// The performed rows of a run by month of check-in, added up a month (or a few small months) at a time
/// (docs/time-report.md, "How it reads and adds up"): what the passes hold at once is a month of rows, not the
/// run's, so a run's memory does not grow with the number of months it covers.
///
/// Every rule is a month's own but one: duplicates share their check-in, a visit's time and visits are summed by
/// day (and so by month), anomalies are counted by the month of check-in. The exception is an overlap between a
/// visit that crosses midnight into a new month and a visit of that month: the crossing rows of each month are
/// carried into the next as context (`PerformedTiming.context`), seen only by the pass by staff member there.
/// Consecutive small months are added up together, as one window.
///
/// Rows arrive chunk by chunk in file order (`add`) and are kept per month in segments of `segmentRows`; the
/// segments beyond the first `rowsInMemory` rows go to a scratch file (made for this process alone, removed from
/// its directory at once, so it goes however the run ends) and are read back when their month's turn comes.
/// The rows there are numbers only (ids from the run's tables, seconds, line numbers): no id, name or text of a
/// file.
final class PerformedMonths {
    /// Rows per segment: 2 MB.
    static let segmentRows = 1 << 16
    /// Rows held in memory before segments go to the scratch file: 4 M rows, 128 MB.
    static let rowsInMemory = 1 << 22
    /// The most rows added up at once, unless one month has more: consecutive months are added up together up to
    /// this many (a run of a few months at once, and one with mistyped years in few passes).
    static let rowsPerWindow = 1 << 20

    /// A closed segment of a month's rows: in memory, or at `offset` in the scratch file.
    private enum Segment {
        case memory(RowBlock<PerformedRow>)
        case scratch(offset: Int, count: Int)

        var count: Int {
            switch self {
            case .memory(let block): return block.count
            case .scratch(_, let count): return count
            }
        }
    }

    /// The rows of the segment being filled.
    private final class Tail {
        var rows: RowStore<PerformedRow>
        init(capacity: Int) { rows = RowStore(capacity: capacity) }
    }

    /// A month's rows: its number (year × 12 + month − 1), its closed segments in file order, the one being filled.
    private struct Month {
        var number: Int32
        var segments: [Segment] = []
        var tail: Tail
    }

    private var months: [Month] = []
    private var indexOfMonth: [Int32: Int] = [:]
    /// The month of the last row routed and its check-ins in UTC seconds, `[first, end)`.
    private var lastMonth = (index: -1, first: Int.max, end: Int.min)
    private var zone = StockholmYearCache()
    private let segmentRows: Int
    private let mostRowsInMemory: Int
    private let mostRowsInWindow: Int
    private var rowsInMemory = 0
    private let scratchDirectory: String
    private var scratch: FileDescriptor?
    private var scratchEnd = 0
    /// The rows written to the scratch file.
    var scratchRows: Int { scratchEnd / MemoryLayout<PerformedRow>.stride }

    /// The run's line of each file's line 0.
    private(set) var fileBase: [Int] = []
    private var nextFileBase = 0
    private(set) var userProvider: [Int32] = []
    private var staffCount = 0
    /// The elapsed seconds of rows whose code does not hold them (`PerformedTiming.code`), by the run's line.
    private var exactSeconds: [Int32: Int] = [:]

    /// Months whose rows go to a scratch file in `scratchDirectory` once more than `rowsInMemory` are held.
    init(
        rowsInMemory: Int = PerformedMonths.rowsInMemory, segmentRows: Int = PerformedMonths.segmentRows,
        rowsPerWindow: Int = PerformedMonths.rowsPerWindow,
        scratchDirectory: String = PerformedMonths.defaultScratchDirectory
    ) {
        self.mostRowsInMemory = rowsInMemory
        self.mostRowsInWindow = rowsPerWindow
        self.segmentRows = max(1, segmentRows)
        self.scratchDirectory = scratchDirectory
    }

    deinit { try? scratch?.close() }

    /// `TMPDIR`, else `/tmp`.
    static var defaultScratchDirectory: String {
        let directory = Environment.value("TMPDIR") ?? ""
        return directory.isEmpty ? "/tmp" : directory
    }

    /// Starts a file; its lines are numbered after the previous file's.
    func startFile() {
        fileBase.append(nextFileBase)
    }

    /// Adds a chunk of the current file (`path`), in file order: `users`, `staff` map its ids to the run's.
    func add(
        _ chunk: PerformedChunk, path: String, users: [Int32], staff: [Int32], userProvider: [Int32], staffCount: Int
    ) throws {
        let base = fileBase[fileBase.count - 1]
        let rows = chunk.rows.mutableElements
        let firstLine = (rows.first.map { Int($0.line) } ?? 0)
        let lastLine = rows.reduce(firstLine) { max($0, Int($1.line)) }
        guard base + lastLine + 1 < Int(Int32.max) else {
            throw InputError.unreadable(
                file: path, reason: "the performed-time exports have more than \(Int32.max) lines together")
        }
        let offset = Int32(base)
        for (line, seconds) in chunk.exactSeconds { exactSeconds[line &+ offset] = seconds }
        self.userProvider = userProvider
        self.staffCount = staffCount
        // The ids made the run's in place, then the rows added a run of one month at a time (a file's rows come
        // day by day, or user by user, so the runs are long).
        users.withUnsafeBufferPointer { users in
            staff.withUnsafeBufferPointer { staff in
                for r in rows.indices {
                    rows[r].user = users[Int(rows[r].user)]
                    rows[r].staff = staff[Int(rows[r].staff)]
                    rows[r].line &+= offset
                }
            }
        }
        var month = lastMonth
        var runStart = 0
        for r in rows.indices {
            let checkIn = rows[r].checkIn
            guard checkIn < month.first || checkIn >= month.end else { continue }
            if r > runStart { try append(UnsafeBufferPointer(rebasing: rows[runStart..<r]), toMonth: month.index) }
            runStart = r
            month = self.month(ofCheckIn: checkIn)
        }
        if rows.count > runStart {
            try append(UnsafeBufferPointer(rebasing: rows[runStart...]), toMonth: month.index)
        }
        lastMonth = month
        chunk.rows.free()
        nextFileBase = max(nextFileBase, base + lastLine + 1)
    }

    /// Appends `rows` to month `index`, closing its segment whenever it is full.
    private func append(_ rows: UnsafeBufferPointer<PerformedRow>, toMonth index: Int) throws {
        var rest = rows
        while !rest.isEmpty {
            let tail = months[index].tail
            let taken = min(rest.count, segmentRows - tail.rows.count)
            tail.rows.append(UnsafeBufferPointer(rebasing: rest.prefix(taken)))
            rest = UnsafeBufferPointer(rebasing: rest.dropFirst(taken))
            if tail.rows.count >= segmentRows { try closeSegment(of: index) }
        }
    }

    /// The month of a check-in: its index in `months` (added when new) and its first and last second.
    private func month(ofCheckIn checkIn: Int) -> (index: Int, first: Int, end: Int) {
        let day = Stockholm.floorDiv(zone.wallClock(fromUTC: checkIn), 86_400)
        let number = PerformedRows.monthNumber(ofDay: day)
        let index: Int
        if let known = indexOfMonth[number] {
            index = known
        } else {
            index = months.count
            indexOfMonth[number] = index
            months.append(Month(number: number, tail: Tail(capacity: 16)))
        }
        // A month's first and last second: local midnights, which no change of clocks falls on.
        return (index, Self.firstSecond(ofMonth: number), Self.firstSecond(ofMonth: number + 1))
    }

    /// The UTC second local midnight of the first day of month `number` (year × 12 + month − 1) falls on.
    static func firstSecond(ofMonth number: Int32) -> Int {
        let year = Int(number) / 12
        let day = CivilDate.dayNumber(year: year, month: Int(number) - year * 12 + 1, day: 1)
        return Stockholm.utcSeconds(fromWallClock: day * 86_400)
    }

    /// Closes the segment being filled of month `index`: kept in memory while at most `mostRowsInMemory` rows
    /// are, else written to the scratch file.
    private func closeSegment(of index: Int) throws {
        var full = RowStore<PerformedRow>(capacity: segmentRows)
        swap(&full, &months[index].tail.rows)
        let block = full.block()
        if rowsInMemory + block.count <= mostRowsInMemory {
            months[index].segments.append(.memory(block))
            rowsInMemory += block.count
        } else {
            months[index].segments.append(.scratch(offset: scratchEnd, count: block.count))
            try writeScratch(UnsafeRawBufferPointer(block.elements))
        }
    }

    private func writeScratch(_ bytes: UnsafeRawBufferPointer) throws {
        do {
            if scratch == nil { scratch = try FileDescriptor.anonymousScratch(in: scratchDirectory) }
            try scratch?.writeAll(bytes, at: scratchEnd)
            scratchEnd += bytes.count
        } catch {
            throw OutputError.cannotWrite(
                path: scratchDirectory,
                reason: "the rows of a large run are kept in a temporary file there: \(error.reason); set TMPDIR "
                    + "to a directory with room for 32 bytes a row")
        }
    }

    private func readScratch(into block: RowBlock<PerformedRow>, at offset: Int) throws {
        do {
            try scratch?.readAll(into: UnsafeMutableRawBufferPointer(block.mutableElements), at: offset)
        } catch {
            throw OutputError.cannotWrite(
                path: scratchDirectory, reason: "the rows kept in a temporary file there: \(error.reason)")
        }
    }

    /// The rows of month `index` as blocks (the segments read back, the tail closed), taken out of `months`.
    private func takeRows(ofMonth index: Int) throws -> [RowBlock<PerformedRow>] {
        var blocks: [RowBlock<PerformedRow>] = []
        for segment in months[index].segments {
            switch segment {
            case .memory(let block):
                rowsInMemory -= block.count
                blocks.append(block)
            case .scratch(let offset, let count):
                let block = RowBlock<PerformedRow>(count: count)
                try readScratch(into: block, at: offset)
                blocks.append(block)
            }
        }
        months[index].segments = []
        var tail = RowStore<PerformedRow>(capacity: 16)
        swap(&tail, &months[index].tail.rows)
        if tail.count > 0 { blocks.append(tail.block()) }
        return blocks
    }

    /// `blocks` with the small ones (the tails of months) copied together into blocks of about `segmentRows`, so
    /// that a window of many small months is not thousands of blocks for the passes to go through one by one.
    private func coalesced(_ blocks: [RowBlock<PerformedRow>]) -> [RowBlock<PerformedRow>] {
        var result: [RowBlock<PerformedRow>] = []
        var small = RowStore<PerformedRow>(capacity: 16)
        for block in blocks {
            if block.count >= segmentRows / 2 {
                result.append(block)
                continue
            }
            small.append(block.elements)
            if small.count >= segmentRows {
                result.append(small.block())
                small = RowStore(capacity: 16)
            }
        }
        if small.count > 0 { result.append(small.block()) }
        return result
    }

    /// What adding up the months gives.
    struct Totals {
        var sums = PerformedRows.Sums()
        /// The rows with anomalies in file order.
        var anomalies: [AnomalyRows.Row] = []
        /// The count of each anomaly per provider and month of check-in.
        var counts: [PerformedRows.MonthKey: [Int]] = [:]
    }

    /// Adds the months up in order, a window of consecutive months at a time (`PerformedRows`: by user, by staff
    /// member, the anomalies): as many months as `rowsPerWindow` rows allow, at least one; each window's rows freed
    /// before the next window's are read back.
    func addUp(threads: Int, mostIndexedRows: Int) throws -> Totals {
        var totals = Totals()
        var context: [PerformedRow] = []
        var contextMonth: Int32 = .min
        let order = months.indices.sorted { months[$0].number < months[$1].number }
        let rowsOfMonth = months.map { $0.segments.reduce($0.tail.rows.count) { $0 + $1.count } }
        var next = 0
        while next < order.count {
            var window = [order[next]]
            var rowsInWindow = rowsOfMonth[order[next]]
            next += 1
            while next < order.count && rowsInWindow + rowsOfMonth[order[next]] <= mostRowsInWindow {
                window.append(order[next])
                rowsInWindow += rowsOfMonth[order[next]]
                next += 1
            }
            let first = months[window[0]].number
            let last = months[window[window.count - 1]].number
            var blocks: [RowBlock<PerformedRow>] = []
            for index in window { blocks += try takeRows(ofMonth: index) }
            blocks = coalesced(blocks)
            let carried = contextMonth == first ? context : []
            if !carried.isEmpty {
                var store = RowStore<PerformedRow>(capacity: carried.count)
                carried.withUnsafeBufferPointer { store.append($0) }
                blocks.append(store.block())
            }
            let rows = PerformedRows(
                blocks: blocks, fileBase: fileBase, userProvider: userProvider, staffCount: staffCount,
                exactSeconds: exactSeconds, hasContext: !carried.isEmpty)
            blocks = []
            totals.sums.add(rows.sumByUser(threads: threads, mostIndexedRows: mostIndexedRows))
            rows.flagOverlaps(threads: threads, mostIndexedRows: mostIndexedRows)
            context = rows.crossing(into: Self.firstSecond(ofMonth: last + 1))
            contextMonth = last + 1
            let flagged = rows.takeAnomalies(threads: threads)
            totals.anomalies += flagged.rows
            for (key, tally) in flagged.counts {
                if let total = totals.counts[key] {
                    totals.counts[key] = zip(total, tally).map { $0 + $1 }
                } else {
                    totals.counts[key] = tally
                }
            }
        }
        totals.anomalies = AnomalyRows.inFileOrder(totals.anomalies)
        try? scratch?.close()
        scratch = nil
        return totals
    }
}
