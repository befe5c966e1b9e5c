import Foundation

/// The performed rows of a month of a run (`PerformedMonths`), their ids the run's, and the passes that add them
/// up (docs/time-report.md, "Rules"): by user (duplicates, visits, time per user, provider, month and day), by
/// staff member within a provider (overlaps), then the anomalies in file order. The rows stay in their blocks,
/// never copied or moved; each pass reads them through an index of 4-byte references (`RowIndex`).
final class PerformedRows: @unchecked Sendable {
    struct Block {
        var rows: RowBlock<PerformedRow>
    }

    let blocks: [Block]
    /// The run's line of each file's line 0.
    private let fileBase: [Int]
    /// The provider of each user (users are a provider's).
    let userProvider: [Int32]
    private let staffCount: Int
    /// The elapsed seconds of rows whose code does not hold them (`PerformedTiming.code`), by the run's line.
    private let exactSeconds: [Int32: Int]
    /// True when some rows are the previous month's, there as context for overlaps (`PerformedTiming.context`).
    private let hasContext: Bool

    /// The rows of `blocks`, in file order but for context rows (last).
    init(
        blocks: [RowBlock<PerformedRow>], fileBase: [Int], userProvider: [Int32], staffCount: Int,
        exactSeconds: [Int32: Int], hasContext: Bool
    ) {
        self.blocks = blocks.map { Block(rows: $0) }
        self.fileBase = fileBase
        self.userProvider = userProvider
        self.staffCount = staffCount
        self.exactSeconds = exactSeconds
        self.hasContext = hasContext
    }

    /// Months as numbers: year × 12 + month − 1.
    static func monthNumber(ofDay day: Int) -> Int32 {
        let date = CivilDate(dayNumber: day)
        return Int32(truncatingIfNeeded: date.year * 12 + date.month - 1)
    }

    /// `YYYY-MM` of a month number.
    static func monthKey(_ month: Int32) -> String {
        TimeReport.monthKey(day: CivilDate.dayNumber(year: Int(month) / 12, month: Int(month) % 12 + 1, day: 1))
    }

    // MARK: - By user

    struct MonthKey: Hashable {
        var provider: Int32
        var month: Int32
    }

    struct DayKey: Hashable {
        var provider: Int32
        var day: Int32
    }

    struct MonthCell {
        var seconds = 0
        var visits = 0
        var open = 0

        mutating func add(_ other: MonthCell) {
            seconds += other.seconds
            visits += other.visits
            open += other.open
        }
    }

    struct DayCell {
        var seconds = 0
        var visits = 0

        mutating func add(_ other: DayCell) {
            seconds += other.seconds
            visits += other.visits
        }
    }

    /// What the pass by user adds up.
    struct Sums {
        /// Per user, its months in order: performed seconds (0 for a month of rows without time).
        var userMonths: [(user: Int32, month: Int32, seconds: Int)] = []
        var providerMonths: [MonthKey: MonthCell] = [:]
        var providerDays: [DayKey: DayCell] = [:]
        /// Rows that count time, rows flagged without time, later copies of duplicated rows.
        var used = 0
        var flagged = 0
        var duplicates = 0
        /// The last day with a check-in.
        var lastDay: Int?

        mutating func add(_ other: Sums) {
            userMonths += other.userMonths
            for (key, cell) in other.providerMonths { providerMonths[key, default: MonthCell()].add(cell) }
            for (key, cell) in other.providerDays { providerDays[key, default: DayCell()].add(cell) }
            used += other.used
            flagged += other.flagged
            duplicates += other.duplicates
            if let day = other.lastDay { lastDay = max(lastDay ?? day, day) }
        }
    }

    /// The pass by user: regroups the rows by user, then, for each user, finds its duplicated rows (flagged, the
    /// first in file order counted), counts its visits per day and month and adds its time up by day and month.
    func sumByUser(threads: Int, mostIndexedRows: Int = PerformedRows.mostIndexedRows) -> Sums {
        var sums = Sums()
        forEachIndex(threads: threads, most: mostIndexedRows, keyCount: userProvider.count, key: { Int($0.user) }) {
            index in
            let parts = index.parts(threads * 4)
            let results = ResultSlots<Sums>(count: parts.count)
            Parallel.forEach(count: parts.count, threads: threads) { part in
                var adder = UserAdder(rows: self)
                for user in parts[part] { adder.add(user: user, index: index) }
                results.set(part, adder.sums)
            }
            for part in results.values() { sums.add(part) }
        }
        return sums
    }

    /// One worker's state in the pass by user.
    private struct UserAdder {
        let rows: PerformedRows
        var sums = Sums()
        var zone = StockholmYearCache()
        var pointers: [UnsafeMutablePointer<PerformedRow>] = []
        var days: [(day: Int, cell: DayCell)] = []
        var months: [(month: Int32, cell: MonthCell)] = []
        /// The visit keys of the current day and month.
        var dayKeys = DistinctKeys()
        var monthKeys = DistinctKeys()
        var monthDay = Int.min
        var monthOfDay: Int32 = 0

        init(rows: PerformedRows) { self.rows = rows }

        mutating func month(ofDay day: Int) -> Int32 {
            if day != monthDay {
                monthDay = day
                monthOfDay = PerformedRows.monthNumber(ofDay: day)
            }
            return monthOfDay
        }

        /// The index of `day` in `days` (in order; added when missing).
        mutating func dayIndex(_ day: Int) -> Int {
            var i = days.count
            while i > 0 && days[i - 1].day > day { i -= 1 }
            if i > 0 && days[i - 1].day == day { return i - 1 }
            days.insert((day, DayCell()), at: i)
            return i
        }

        mutating func monthIndex(_ month: Int32) -> Int {
            var i = months.count
            while i > 0 && months[i - 1].month > month { i -= 1 }
            if i > 0 && months[i - 1].month == month { return i - 1 }
            months.insert((month, MonthCell()), at: i)
            return i
        }

        mutating func add(user: Int, index: RowIndex) {
            index.rows(ofKey: user, into: &pointers)
            // The previous month's rows there for overlaps are its own to add up.
            if rows.hasContext { pointers.removeAll { $0.pointee.timing & PerformedTiming.context != 0 } }
            guard !pointers.isEmpty else { return }
            let exact = rows.exactSeconds
            NearlySorted.sort(&pointers) { PerformedRows.precedes($0.pointee, $1.pointee, exact) }
            // The same row twice: every copy flagged, the first counted, the others count nothing.
            var i = 0
            while i < pointers.count {
                var j = i + 1
                while j < pointers.count && PerformedRows.isCopy(pointers[i].pointee, pointers[j].pointee, exact) {
                    j += 1
                }
                if j - i > 1 {
                    pointers[i].pointee.timing |= PerformedTiming.duplicate
                    for k in i + 1..<j {
                        let code = pointers[k].pointee.timing & PerformedTiming.durationMask
                        pointers[k].pointee.timing = code | PerformedTiming.duplicate | PerformedTiming.repeated
                    }
                    sums.duplicates += j - i - 1
                }
                i = j
            }
            // Visits (distinct keys per day and per month) and time, in check-in order.
            days.removeAll(keepingCapacity: true)
            months.removeAll(keepingCapacity: true)
            var currentDay = Int.min
            var currentMonth = Int32.min
            for pointer in pointers {
                let row = pointer.pointee
                if row.timing & PerformedTiming.repeated != 0 { continue }
                let wall = zone.wallClock(fromUTC: row.checkIn)
                let day = Stockholm.floorDiv(wall, 86_400)
                if day != currentDay {
                    if currentDay != Int.min { days[dayIndex(currentDay)].cell.visits += dayKeys.count }
                    dayKeys.removeAll()
                    currentDay = day
                    _ = dayIndex(day)
                }
                let month = month(ofDay: day)
                if month != currentMonth {
                    if currentMonth != Int32.min {
                        months[monthIndex(currentMonth)].cell.visits += monthKeys.count
                    }
                    monthKeys.removeAll()
                    currentMonth = month
                }
                dayKeys.insert(row.visit)
                monthKeys.insert(row.visit)
                let monthSlot = monthIndex(month)
                sums.lastDay = max(sums.lastDay ?? day, day)
                let code = row.timing & PerformedTiming.durationMask
                if code == PerformedTiming.noCheckOut {
                    months[monthSlot].cell.open += 1
                    sums.flagged += 1
                } else if code == PerformedTiming.notAfterCheckIn || code > PerformedTiming.longestCounted {
                    sums.flagged += 1
                } else {
                    sums.used += 1
                    var partZone = zone
                    PerformedTimeRule.forEachPartByDay(
                        startUTC: row.checkIn, startWall: wall, seconds: Int(code), zone: &partZone
                    ) { partDay, seconds in
                        days[dayIndex(partDay)].cell.seconds += seconds
                        months[monthIndex(self.month(ofDay: partDay))].cell.seconds += seconds
                    }
                    zone = partZone
                }
            }
            if currentDay != Int.min { days[dayIndex(currentDay)].cell.visits += dayKeys.count }
            if currentMonth != Int32.min { months[monthIndex(currentMonth)].cell.visits += monthKeys.count }
            let provider = rows.userProvider[user]
            for (month, cell) in months {
                sums.userMonths.append((Int32(user), month, cell.seconds))
                sums.providerMonths[MonthKey(provider: provider, month: month), default: MonthCell()].add(cell)
            }
            for (day, cell) in days {
                sums.providerDays[DayKey(provider: provider, day: Int32(truncatingIfNeeded: day)), default: DayCell()]
                    .add(cell)
            }
        }
    }

    /// The elapsed seconds of a row with a check-out: exact, whatever its code.
    private static func elapsed(_ row: PerformedRow, _ exact: [Int32: Int]) -> Int {
        let code = row.timing & PerformedTiming.durationMask
        if code == PerformedTiming.notAfterCheckIn || code == PerformedTiming.over24Hours {
            return exact[row.line] ?? 0
        }
        return Int(code)
    }

    /// The order of a user's rows: check-in, staff member, check-out, then line (so that of equal rows the
    /// first in the files comes first).
    @inline(__always)
    static func precedes(_ a: PerformedRow, _ b: PerformedRow, _ exact: [Int32: Int]) -> Bool {
        if a.checkIn != b.checkIn { return a.checkIn < b.checkIn }
        if a.staff != b.staff { return a.staff < b.staff }
        let codeA = a.timing & PerformedTiming.durationMask
        let codeB = b.timing & PerformedTiming.durationMask
        if codeA != codeB { return codeA < codeB }
        if codeA == PerformedTiming.notAfterCheckIn || codeA == PerformedTiming.over24Hours {
            let x = elapsed(a, exact)
            let y = elapsed(b, exact)
            if x != y { return x < y }
        }
        return a.line < b.line
    }

    /// True when `b` is a copy of `a` (same user, staff member, check-in and check-out; docs/time-report.md,
    /// "Duplicates").
    @inline(__always)
    static func isCopy(_ a: PerformedRow, _ b: PerformedRow, _ exact: [Int32: Int]) -> Bool {
        guard a.checkIn == b.checkIn, a.staff == b.staff, a.user == b.user else { return false }
        let code = a.timing & PerformedTiming.durationMask
        guard code == b.timing & PerformedTiming.durationMask else { return false }
        if code == PerformedTiming.notAfterCheckIn || code == PerformedTiming.over24Hours {
            return elapsed(a, exact) == elapsed(b, exact)
        }
        return true
    }

    // MARK: - By staff member

    /// The pass by staff member: regroups the rows by (provider, staff member) and flags the rows of a staff member
    /// at two different users at overlapping times (only rows that count time; docs/time-report.md, "Overlaps").
    func flagOverlaps(threads: Int, mostIndexedRows: Int = PerformedRows.mostIndexedRows) {
        forEachIndex(threads: threads, most: mostIndexedRows, keyCount: staffCount, key: { Int($0.staff) }) { index in
            flagOverlaps(index, threads: threads)
        }
    }

    /// Flags the overlapping rows of the staff members of `index`.
    private func flagOverlaps(_ index: RowIndex, threads: Int) {
        let parts = index.parts(threads * 4)
        Parallel.forEach(count: parts.count, threads: threads) { part in
            var visits: [(start: Int, end: Int, user: Int32, row: UnsafeMutablePointer<PerformedRow>)] = []
            var pointers: [UnsafeMutablePointer<PerformedRow>] = []
            for staff in parts[part] {
                visits.removeAll(keepingCapacity: true)
                index.rows(ofKey: staff, into: &pointers)
                for row in pointers {
                    let seconds = row.pointee.countedSeconds
                    if seconds > 0 {
                        visits.append((row.pointee.checkIn, row.pointee.checkIn + seconds, row.pointee.user, row))
                    }
                }
                NearlySorted.sort(&visits) { $0.start < $1.start }
                for i in visits.indices {
                    var j = i + 1
                    while j < visits.count && visits[j].start < visits[i].end {
                        if visits[j].user != visits[i].user {
                            visits[i].row.pointee.timing |= PerformedTiming.overlapping
                            visits[j].row.pointee.timing |= PerformedTiming.overlapping
                        }
                        j += 1
                    }
                }
            }
        }
    }

    /// Copies of the rows that count time into the next month, from `end` (its first second) on, as context
    /// there (`PerformedTiming.context`), whether they were found overlapping here kept.
    func crossing(into end: Int) -> [PerformedRow] {
        var crossing: [PerformedRow] = []
        for block in blocks {
            for var row in block.rows.elements where row.timing & PerformedTiming.context == 0 {
                let seconds = row.countedSeconds
                guard seconds > 0 && row.checkIn + seconds > end else { continue }
                row.timing |= PerformedTiming.context
                if row.timing & PerformedTiming.overlapping != 0 { row.timing |= PerformedTiming.overlappingBefore }
                crossing.append(row)
            }
        }
        return crossing
    }

    // MARK: - Anomalies

    /// A row's anomalies as bits in the order of `PerformedAnomaly.allCases`.
    @inline(__always)
    static func anomalyBits(_ row: PerformedRow) -> UInt8 {
        // A context row (the previous month's) has an anomaly of its own here only if found overlapping here.
        if row.timing & PerformedTiming.context != 0 {
            let found = row.timing & (PerformedTiming.overlapping | PerformedTiming.overlappingBefore)
            return found == PerformedTiming.overlapping ? bit(.overlappingVisits) : 0
        }
        if row.timing & PerformedTiming.repeated != 0 { return bit(.duplicateRow) }
        var bits: UInt8 = 0
        let code = row.timing & PerformedTiming.durationMask
        if code == PerformedTiming.noCheckOut {
            bits |= bit(.missingCheckOut)
        } else if code == PerformedTiming.notAfterCheckIn {
            bits |= bit(.checkOutBeforeCheckIn)
        } else if code == PerformedTiming.over24Hours {
            bits |= bit(.over24Hours)
        } else if Int(code) > PerformedTimeRule.longestPlausibleSeconds {
            bits |= bit(.over12Hours)
        }
        if row.timing & PerformedTiming.overlapping != 0 { bits |= bit(.overlappingVisits) }
        if row.timing & PerformedTiming.farFromPlanned != 0 { bits |= bit(.farFromPlanned) }
        if row.timing & PerformedTiming.duplicate != 0 { bits |= bit(.duplicateRow) }
        return bits
    }

    static func bit(_ kind: PerformedAnomaly) -> UInt8 {
        1 << UInt8(PerformedAnomaly.allCases.firstIndex(of: kind) ?? 0)
    }

    /// The rows with anomalies in file order, and the count of each anomaly per provider and month of check-in.
    /// The last pass: it frees each block of rows once it is done with it, and the rows cannot be read afterwards.
    ///
    /// The rows with anomalies are first counted per block, so that each block writes its rows into its own part
    /// of one array of the exact size: no array grows and none is joined to another (on a city's year, 4.5 million
    /// rows of 12 bytes while the 400 MB of rows are still held, and then freed block by block as the array fills).
    func takeAnomalies(threads: Int) -> (rows: [AnomalyRows.Row], counts: [MonthKey: [Int]]) {
        let flaggedInBlock = ResultSlots<Int>(count: blocks.count)
        Parallel.forEach(count: blocks.count, threads: threads) { b in
            var flagged = 0
            for row in self.blocks[b].rows.elements where Self.anomalyBits(row) != 0 { flagged += 1 }
            flaggedInBlock.set(b, flagged)
        }
        var firstOfBlock: [Int] = []
        var total = 0
        for flagged in flaggedInBlock.values() {
            firstOfBlock.append(total)
            total += flagged
        }
        let starts = firstOfBlock
        let countsOfBlock = ResultSlots<[MonthKey: [Int]]>(count: blocks.count)
        let kinds = PerformedAnomaly.allCases.count
        let rows = [AnomalyRows.Row](unsafeUninitializedCapacity: total) { buffer, initialized in
            let out = DisjointWrites(buffer: buffer)
            Parallel.forEach(count: blocks.count, threads: threads) { b in
                countsOfBlock.set(b, self.anomalies(ofBlock: b, into: out, at: starts[b], kinds: kinds))
                self.blocks[b].rows.free()
            }
            initialized = total
        }
        var counts: [MonthKey: [Int]] = [:]
        for blockCounts in countsOfBlock.values() {
            for (key, tally) in blockCounts {
                var total = counts[key] ?? [Int](repeating: 0, count: kinds)
                for k in 0..<kinds { total[k] += tally[k] }
                counts[key] = total
            }
        }
        return (rows, counts)
    }

    /// Writes the rows of block `b` with anomalies into `out` from `first` on, in file order, and returns the
    /// count of each anomaly per provider and month of check-in.
    private func anomalies(ofBlock b: Int, into out: DisjointWrites<AnomalyRows.Row>, at first: Int, kinds: Int)
        -> [MonthKey: [Int]]
    {
        let block = blocks[b]
        var next = first
        // The file of the last row written (rows of several files share a block).
        var file = 0
        var counts: [MonthKey: [Int]] = [:]
        var zone = StockholmYearCache()
        var lastDay = Int.min
        var lastMonth: Int32 = 0
        // The counts of the provider-month of the last rows (rows of one provider and month come in runs),
        // added to `counts` when another begins.
        var key = MonthKey(provider: -1, month: 0)
        var tally = [Int](repeating: 0, count: kinds)
        func flush() {
            guard key.provider >= 0 else { return }
            counts[key, default: [Int](repeating: 0, count: kinds)].withUnsafeMutableBufferPointer { total in
                for k in 0..<kinds { total[k] += tally[k] }
            }
            for k in 0..<kinds { tally[k] = 0 }
        }
        for row in block.rows.elements {
            let bits = Self.anomalyBits(row)
            guard bits != 0 else { continue }
            let line = Int(row.line)
            if line < fileBase[file] || (file + 1 < fileBase.count && line >= fileBase[file + 1]) {
                file = fileBase.lastIndex { $0 <= line } ?? 0
            }
            out.write(
                AnomalyRows.Row(file: Int32(file), line: Int32(line - fileBase[file]), kinds: bits), at: next)
            next += 1
            let day = Stockholm.floorDiv(zone.wallClock(fromUTC: row.checkIn), 86_400)
            if day != lastDay {
                lastDay = day
                lastMonth = Self.monthNumber(ofDay: day)
            }
            let rowKey = MonthKey(provider: userProvider[Int(row.user)], month: lastMonth)
            if rowKey != key {
                flush()
                key = rowKey
            }
            for k in 0..<kinds where bits & (1 << UInt8(k)) != 0 { tally[k] += 1 }
        }
        flush()
        return counts
    }
}
