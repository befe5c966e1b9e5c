import Foundation

/// The options of a measurement run (`kontinuitet measure`).
package struct MeasureOptions: Sendable {
    /// The first day of the period; nil means the Kolada default of the measurement year.
    package var periodStart: CivilDate?
    /// The measurement year for the Kolada default; nil means the year most rows fall in.
    package var year: Int?
    package var sampling: SamplingMethod = .everyKth
    /// The cap on sampled users per provider (150 by the method).
    package var sampleCap = SamplingRule.defaultCap
    /// Worker threads for scanning and aggregation; the output does not depend on it.
    package var threads = ProcessInfo.processInfo.activeProcessorCount
    /// Also measure every 14-day window of the data (`--rolling`).
    package var rolling = false
    /// With `rolling`, keep every user's windows too (`--per-user`).
    package var rollingPerUser = false
    /// The provider of files without a provider column (`--provider NAME`).
    package var defaultProvider: String?
    /// The unit of files without a unit column (`--unit NAME`).
    package var defaultUnit: String?
    /// The smallest chunk a file is cut into for parallel scanning (tests make it tiny to exercise the cuts).
    var minimumChunkBytes = 1 << 20

    package init() {}
}

/// One input file as it was read.
package struct InputFileSummary: Sendable {
    package var path: String
    package var encoding: TextEncoding
    /// `,`, `;` or `TAB`.
    package var delimiter: String
    package var accounting: RowAccounting
}

/// The measurement of one user (a provider–user pair): a row of `users.csv`.
package struct UserMeasurement: Sendable {
    package var provider: String
    package var unit: String
    package var userID: String
    /// The reason the user is not measured; nil for a measured user.
    package var reason: NotMeasuredReason?
    /// Days of the period with at least one counted visit.
    package var daysWithVisits: Int
    /// Counted visits in the period.
    package var visits: Int
    /// Distinct staff over the counted visits of the period.
    package var distinctStaff: Int
    package var sampled: Bool
    /// Continuity indices over the counted visits of the period.
    package var indices: ContinuityIndices
    /// 0-based order of first appearance in the input (files in the order given).
    package var firstSeen: Int

    package var measured: Bool { reason == nil }
}

/// The result of one provider: a row of `providers.csv`.
package struct ProviderMeasurement: Sendable {
    package var provider: String
    package var users: Int
    package var measuredUsers: Int
    package var sampledUsers: Int
    /// Figures over the sampled users.
    package var summary: ProviderSummary
    /// Sampled users per `StaffCountBin`, in bin order.
    package var distribution: [Int]
    /// Means of the continuity indices over the sampled users.
    package var indices: ProviderIndices
}

/// Everything a measurement run produced.
package struct MeasureResult: Sendable {
    package var period: PeriodWindow
    /// How the period was chosen, for the summary ("--period-start", "Kolada weeks 36–37 of 2018 (…)").
    package var periodSource: String
    package var options: MeasureOptions
    /// Users in order of first appearance.
    package var users: [UserMeasurement]
    /// Providers in byte order of their ids.
    package var providers: [ProviderMeasurement]
    package var accounting: RowAccounting
    package var files: [InputFileSummary]
    /// Rejected rows, by file (in the order given) and line.
    package var rejectedRows: [RejectedRow]
    /// The rolling measurement, when asked for.
    package var rolling: RollingResult?
    /// The values of the input's name column, kept only to check that no output carries them.
    package var inputNames: [String]
}

/// The measurement pipeline of docs/method.md: scans every visit log in parallel chunks, merges the chunks in input
/// order, computes each user's counts in parallel partitions, applies eligibility and sampling.
///
/// Memory grows with the number of users, staff and counted rows of the 14-day period, not with the rows of the
/// file: rows outside the period only update their user's trace.
package enum VisitLogMeasurement {
    /// Runs the measurement over `paths`.
    ///
    /// - Throws: `InputError` when a file cannot be opened, lacks a required column, or (without a period start)
    ///   no row has a readable start time.
    package static func run(paths: [String], options: MeasureOptions, progress: (String) -> Void = { _ in })
        throws -> MeasureResult
    {
        try run(files: paths.map { try CSVFile.open($0) }, options: options, progress: progress)
    }

    /// Runs the measurement over files already opened (or held in memory).
    ///
    /// - Throws: `InputError` when a file lacks a required column, or (without a period start) no row has a
    ///   readable start time.
    package static func run(files csvFiles: [CSVFile], options: MeasureOptions, progress: (String) -> Void = { _ in })
        throws -> MeasureResult
    {
        let files = try csvFiles.map { file -> (CSVFile, ColumnIndex) in
            let columns = try ColumnIndex.resolve(
                header: file.header, specs: VisitLogFormat.columns, file: file.path, line: file.headerLine,
                supplied: options.defaultProvider == nil ? [] : ["provider"])
            return (file, columns)
        }
        let (period, periodSource) = try choosePeriod(files: files, options: options)
        progress("period \(period.start) – \(period.end) (\(periodSource))")

        var chunkResults: [[ChunkScan]] = []
        for (file, columns) in files {
            let started = Date()
            var scanner =
                options.rolling
                ? VisitLogScanner(
                    file: file, columns: columns, period: period, storedFirstDay: period.firstDay - rollingReach,
                    storedDays: 2 * rollingReach)
                : VisitLogScanner(file: file, columns: columns, period: period)
            scanner.defaultProvider = Array((options.defaultProvider ?? "").utf8)
            scanner.defaultUnit = Array((options.defaultUnit ?? "").utf8)
            chunkResults.append(
                scanFile(scanner, threads: options.threads, minimumChunkBytes: options.minimumChunkBytes))
            let seconds = Date().timeIntervalSince(started)
            let rows = chunkResults.last?.reduce(0) { $0 + $1.accounting.read } ?? 0
            progress("read \(file.path): \(rows) rows in \(String(format: "%.2f", seconds)) s")
        }
        return aggregate(
            files: files.map(\.0), chunks: &chunkResults, period: period, periodSource: periodSource,
            options: options)
    }

    /// With `--rolling`, counted rows are kept for this many days either side of the period (about 89 years).
    static let rollingReach = 32_767

    // MARK: - Period

    static func choosePeriod(files: [(CSVFile, ColumnIndex)], options: MeasureOptions) throws
        -> (PeriodWindow, String)
    {
        if let start = options.periodStart { return (PeriodWindow(start: start), "--period-start") }
        if let year = options.year { return (PeriodWindow.kolada(year: year), "ISO weeks 36–37 of --year \(year)") }
        var years: [Int: Int] = [:]
        for (file, columns) in files {
            guard let startColumn = columns["start"] else { continue }
            for year in sampleYears(file, startColumn: startColumn, dateColumn: columns["date"]) {
                years[year, default: 0] += 1
            }
        }
        guard let best = years.max(by: { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }) else {
            if files.allSatisfy({ !$0.0.hasDataRows }) { throw InputError.noDataRows(files: files.map(\.0.path)) }
            throw InputError.cannotDetermineYear(files: files.map(\.0.path))
        }
        return (PeriodWindow.kolada(year: best.key), "ISO weeks 36–37 of \(best.key), the year of most rows")
    }

    /// The years of up to 257 rows spread evenly over the file.
    static func sampleYears(_ file: CSVFile, startColumn: Int, dateColumn: Int? = nil) -> [Int] {
        file.withBytes { bytes in
            var years: [Int] = []
            var scratch = ByteScratch(capacity: 32)
            let scanner = CSVScanner(delimiter: file.delimiter)
            let fields = CSVFieldSplitter()
            let body = bytes.count - file.bodyStart
            guard body > 0 else { return years }
            let samples = 256
            for k in 0...samples {
                var position = file.bodyStart + body / samples * k
                if k > 0 {
                    guard let next = nextLineStart(bytes, after: position) else { break }
                    position = next
                }
                guard position < bytes.count else { break }
                fields.splitRecord(bytes, start: position, scanner: scanner)
                let time = fields.field(startColumn)
                let start =
                    dateColumn.map { TimestampParser.parse(date: fields.field($0), time: time, scratch: &scratch) }
                    ?? TimestampParser.parse(time)
                if let wall = start?.wall {
                    years.append(CivilDate(dayNumber: Stockholm.floorDiv(wall, 86_400)).year)
                }
            }
            return years
        }
    }

    private static func nextLineStart(_ bytes: UnsafeBufferPointer<UInt8>, after position: Int) -> Int? {
        guard let base = bytes.baseAddress, position < bytes.count else { return nil }
        guard let hit = memchr(base + position, Int32(CSVScanner.newline), bytes.count - position) else { return nil }
        return base.distance(to: hit.assumingMemoryBound(to: UInt8.self)) + 1
    }

    // MARK: - Scanning

    /// Scans one file in chunks on `threads` workers.
    ///
    /// The file is cut at line breaks near equal offsets. If any record turns out to hold a quoted line break
    /// (so a cut may have fallen inside a record), the cuts are recomputed by a sequential record scan and the
    /// chunks scanned again: the result is the same for every thread count either way.
    static func scanFile(_ scanner: VisitLogScanner, threads: Int, minimumChunkBytes: Int) -> [ChunkScan] {
        let file = scanner.file
        // Two chunks per thread: workers claim chunks as they finish, so one slowed down takes fewer; more chunks
        // cost more than they balance (each builds its own tables of users, staff and caches, merged afterwards).
        let chunkCount = max(1, min(threads * 2, (file.byteCount - file.bodyStart) / max(1, minimumChunkBytes)))
        var cuts = file.withBytes { cutsAtLineBreaks($0, from: file.bodyStart, chunks: chunkCount) }
        var results = scanChunks(scanner, cuts: cuts, threads: threads)
        if cuts.count > 2 && results.contains(where: \.sawQuotedNewline) {
            cuts = file.withBytes { cutsAtRecords($0, from: file.bodyStart, chunks: chunkCount, scanner: scanner) }
            results = scanChunks(scanner, cuts: cuts, threads: threads)
        }
        // Number lines: each chunk starts where the previous one ended.
        var line = file.bodyLine
        for index in results.indices {
            for r in results[index].rejected.indices { results[index].rejected[r].line += line }
            line += results[index].lines
        }
        return results
    }

    private static func scanChunks(_ scanner: VisitLogScanner, cuts: [Int], threads: Int) -> [ChunkScan] {
        let slots = ResultSlots<ChunkScan>(count: cuts.count - 1)
        Parallel.forEach(count: cuts.count - 1, threads: threads) { index in
            let scan = scanner.file.withBytes { bytes in
                scanner.scan(bytes, from: cuts[index], to: cuts[index + 1], firstLine: 0)
            }
            slots.set(index, scan)
        }
        return slots.values()
    }

    /// Chunk boundaries just after line breaks near `chunks` equal offsets (first = `from`, last = end).
    static func cutsAtLineBreaks(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, chunks: Int) -> [Int] {
        var cuts = [start]
        let size = bytes.count - start
        for k in 1..<max(1, chunks) {
            let nominal = max(start + size / chunks * k, cuts[cuts.count - 1])
            let cut = nextLineStart(bytes, after: nominal) ?? bytes.count
            if cut > cuts[cuts.count - 1] && cut < bytes.count { cuts.append(cut) }
        }
        cuts.append(bytes.count)
        return cuts
    }

    /// Chunk boundaries at record starts found by a sequential scan (for files with quoted line breaks).
    static func cutsAtRecords(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, chunks: Int,
        scanner: VisitLogScanner
    ) -> [Int] {
        let csv = CSVScanner(delimiter: scanner.file.delimiter)
        var cuts = [start]
        let size = bytes.count - start
        var next = 1
        var position = start
        while position < bytes.count && next < chunks {
            position = csv.bounds(of: position, in: bytes).next
            if position >= start + size / chunks * next && position < bytes.count {
                cuts.append(position)
                next += 1
            }
        }
        cuts.append(bytes.count)
        return cuts
    }

    // MARK: - Merging and per-user counts

    private struct GlobalTrace {
        var provider: Int32
        var trace: UserTrace
        var sortName: String?
    }

    /// Counts of one user computed from its counted rows of the period.
    struct UserCounts {
        var dailyVisits: [Int]
        var visits: Int
        var distinctStaff: Int
        var indices: ContinuityIndices
    }

    static func aggregate(
        files: [CSVFile], chunks: inout [[ChunkScan]], period: PeriodWindow, periodSource: String,
        options: MeasureOptions
    ) -> MeasureResult {
        var providers = ByteInterner(capacity: 64)
        var users = ByteInterner(capacity: 8192)
        var staff = ByteInterner(capacity: 8192)
        var units = ByteInterner(capacity: 256)
        var traces: [GlobalTrace] = []
        var accounting = RowAccounting()
        var fileSummaries: [InputFileSummary] = []
        var rejected: [RejectedRow] = []
        var maps: [(users: [Int32], staff: [Int32])] = []
        var chunkRows: [RowBlock<CountedRow>] = []
        for (fileIndex, fileChunks) in chunks.enumerated() {
            var fileAccounting = RowAccounting()
            // A workbook's rows with an error cell, rejected when it was transcribed: read and rejected.
            let preRejected = files[fileIndex].preRejected
            fileAccounting.read += preRejected.count
            fileAccounting.rejected += preRejected.count
            rejected.append(contentsOf: preRejected)
            for chunkIndex in fileChunks.indices {
                let chunk = fileChunks[chunkIndex]
                fileAccounting.add(chunk.accounting)
                rejected.append(contentsOf: chunk.rejected)
                let providerMap = (0..<chunk.providers.count).map { local in
                    chunk.providers.key(Int32(local)).withUnsafeBufferPointer { providers.intern($0) }
                }
                let unitMap = (0..<chunk.units.count).map { local in
                    chunk.units.key(Int32(local)).withUnsafeBufferPointer { units.intern($0) }
                }
                let userMap = (0..<chunk.users.count).map { local -> Int32 in
                    let global = chunk.users.key(Int32(local)).withUnsafeBufferPointer { users.intern($0) }
                    let local = chunk.traces[local]
                    if Int(global) == traces.count {
                        traces.append(
                            GlobalTrace(
                                provider: providerMap[Int(local.provider)],
                                trace: UserTrace(
                                    provider: providerMap[Int(local.provider)])))
                    }
                    var merged = traces[Int(global)]
                    merged.trace.hasRowsInPeriod = merged.trace.hasRowsInPeriod || local.hasRowsInPeriod
                    if local.unit >= 0 && local.unitRank >= merged.trace.unitRank {
                        merged.trace.unit = unitMap[Int(local.unit)]
                        merged.trace.unitRank = local.unitRank
                    }
                    if merged.sortName == nil && local.sortName >= 0 {
                        merged.sortName = chunk.names.string(local.sortName)
                    }
                    if merged.trace.birthDay == Int32.min { merged.trace.birthDay = local.birthDay }
                    traces[Int(global)] = merged
                    return global
                }
                let staffMap = (0..<chunk.staff.count).map { local in
                    chunk.staff.key(Int32(local)).withUnsafeBufferPointer { staff.intern($0) }
                }
                maps.append((userMap, staffMap))
                chunkRows.append(chunk.rows)
                chunks[fileIndex][chunkIndex].rows = RowBlock()
            }
            accounting.add(fileAccounting)
            let file = files[fileIndex]
            fileSummaries.append(
                InputFileSummary(
                    path: file.path, encoding: file.encoding, delimiter: delimiterName(file.delimiter),
                    accounting: fileAccounting))
        }

        // Each chunk's rows, remapped to global ids and sorted by user, in parallel; a user's rows are then the
        // union of one slice per chunk.
        let rowSlots = ResultSlots(chunkRows)
        let chunkCount = chunkRows.count
        chunkRows = []
        let index = UserRowIndex(
            chunks: rowSlots, count: chunkCount, maps: maps, users: traces.count, threads: options.threads)
        let birthDates: [CivilDate?] = traces.enumerated().map { index, global in
            if global.trace.birthDay != Int32.min { return CivilDate(dayNumber: Int(global.trace.birthDay)) }
            let key = users.key(Int32(index))
            let userID = String(decoding: key.dropFirst(providers.key(global.provider).count + 1), as: UTF8.self)
            return Personnummer.birthDate(userID, reference: period.start)
        }
        let periodOffset = options.rolling ? rollingReach : 0
        // Rolling: the period counts come out of the same pass over the rows as the windows.
        let rollingPass =
            options.rolling
            ? rollingPass(
                index, birthDates: birthDates, storedFirstDay: period.firstDay - rollingReach,
                periodOffset: periodOffset, staffCount: staff.count, threads: options.threads) : nil
        let counts = rollingPass?.counts ?? userCounts(index, periodOffset: periodOffset, threads: options.threads)

        var results: [UserMeasurement] = []
        results.reserveCapacity(traces.count)
        for (index, global) in traces.enumerated() {
            let providerName = providers.string(global.provider)
            let key = users.key(Int32(index))
            let userID = String(decoding: key.dropFirst(providers.key(global.provider).count + 1), as: UTF8.self)
            let birthDate = birthDates[index]
            let count = counts[index]
            let reason = MeasurementEligibility.reason(
                hasRowsInPeriod: global.trace.hasRowsInPeriod, birthDate: birthDate, period: period,
                dailyVisits: count.dailyVisits)
            results.append(
                UserMeasurement(
                    provider: providerName, unit: global.trace.unit >= 0 ? units.string(global.trace.unit) : "",
                    userID: userID, reason: reason, daysWithVisits: count.dailyVisits.filter { $0 > 0 }.count,
                    visits: count.visits, distinctStaff: count.distinctStaff, sampled: false, indices: count.indices,
                    firstSeen: index))
        }

        // Sampling and provider figures.
        var byProvider: [Int32: [Int]] = [:]
        for (index, global) in traces.enumerated() { byProvider[global.provider, default: []].append(index) }
        var providerResults: [ProviderMeasurement] = []
        for (provider, members) in byProvider {
            let measured = members.filter { results[$0].measured }
            let candidates = measured.map { index in
                SamplingCandidate(index: index, userID: results[index].userID, sortName: traces[index].sortName)
            }
            let sampled = SamplingRule.sample(candidates, method: options.sampling, cap: options.sampleCap)
            for index in sampled { results[index].sampled = true }
            let staffCounts = sampled.map { results[$0].distinctStaff }
            var distribution = [Int](repeating: 0, count: StaffCountBin.allCases.count)
            for count in staffCounts { distribution[StaffCountBin(staffCount: count).rawValue] += 1 }
            providerResults.append(
                ProviderMeasurement(
                    provider: providers.string(provider), users: members.count, measuredUsers: measured.count,
                    sampledUsers: sampled.count, summary: ProviderSummary(staffCounts: staffCounts),
                    distribution: distribution, indices: ProviderIndices(sampled.map { results[$0].indices })))
        }
        providerResults.sort { $0.provider.utf8.lexicographicallyPrecedes($1.provider.utf8) }

        let rolling = rollingPass.map { rollingResult($0, users: results, options: options) }
        return MeasureResult(
            period: period, periodSource: periodSource, options: options, users: results,
            providers: providerResults, accounting: accounting, files: fileSummaries, rejectedRows: rejected,
            rolling: rolling, inputNames: traces.compactMap(\.sortName))
    }

    /// Per-user daily visits, visits, distinct staff and indices, computed over contiguous user partitions in
    /// parallel.
    static func userCounts(_ index: UserRowIndex, periodOffset: Int, threads: Int) -> [UserCounts] {
        let userCount = index.users
        let partitions = max(1, min(userCount, threads * 8))
        let slots = ResultSlots<[UserCounts]>(count: partitions)
        Parallel.forEach(count: partitions, threads: threads) { partition in
            let lo = userCount * partition / partitions
            let hi = userCount * (partition + 1) / partitions
            var out: [UserCounts] = []
            out.reserveCapacity(hi - lo)
            var rows: [CountedRow] = []
            var scratch = UserCountsScratch()
            for user in lo..<hi {
                index.gather(user, days: periodOffset..<periodOffset + PeriodWindow.length, into: &rows)
                out.append(countsOfOneUser(rows, periodOffset: periodOffset, scratch: &scratch))
            }
            slots.set(partition, out)
        }
        return slots.values().flatMap { $0 }
    }

    /// Rule 4 (distinct visits per day), rule 7 (distinct staff) and the continuity indices of one user's counted
    /// rows of the period, given in input order.
    ///
    /// Visits are put in time order by day and start minute (the earliest row's); visits that start in the same
    /// minute keep the order in which their first rows appear in the input, so the order never depends on how visit
    /// ids hash (docs/indices.md). `scratch` holds the working memory, reused from user to user.
    static func countsOfOneUser(_ rows: [CountedRow], periodOffset: Int, scratch: inout UserCountsScratch)
        -> UserCounts
    {
        var daily = [Int](repeating: 0, count: PeriodWindow.length)
        // Rows by (day, visit, staff), ties in input order: a visit's rows are then together, its staff sorted.
        var order = scratch.order
        order.removeAll(keepingCapacity: true)
        for position in rows.indices { order.append(Int32(position)) }
        Self.sortIndices(&order) { i, j in
            let a = rows[Int(i)]
            let b = rows[Int(j)]
            if a.day != b.day { return a.day < b.day }
            if a.visit != b.visit { return a.visit < b.visit }
            if a.staff != b.staff { return a.staff < b.staff }
            return i < j
        }
        // Visits: runs of equal (day, visit); each with its first minute, its first row and its distinct staff,
        // which go to one flat list (visit `v`'s are `staff[staffEnds[v - 1] ..< staffEnds[v]]`).
        var visits = scratch.visits
        var staff = scratch.staff
        var staffEnds = scratch.staffEnds
        visits.removeAll(keepingCapacity: true)
        staff.removeAll(keepingCapacity: true)
        staffEnds.removeAll(keepingCapacity: true)
        var start = 0
        while start < order.count {
            let head = rows[Int(order[start])]
            var end = start + 1
            var minute = head.minute
            var first = order[start]
            staff.append(head.staff)
            while end < order.count, case let row = rows[Int(order[end])],
                row.day == head.day && row.visit == head.visit
            {
                minute = min(minute, row.minute)
                first = min(first, order[end])
                if row.staff != staff[staff.count - 1] { staff.append(row.staff) }
                end += 1
            }
            visits.append(VisitInOrder(day: head.day, minute: minute, first: first, index: Int32(visits.count)))
            staffEnds.append(Int32(staff.count))
            daily[Int(head.day) - periodOffset] += 1
            start = end
        }
        Self.sortIndices(&visits) { a, b in
            if a.day != b.day { return a.day < b.day }
            if a.minute != b.minute { return a.minute < b.minute }
            return a.first < b.first
        }
        var visitOrder = scratch.visitOrder
        visitOrder.removeAll(keepingCapacity: true)
        for visit in visits { visitOrder.append(visit.index) }
        let indices = ContinuityIndices.compute(
            staff: staff, staffEnds: staffEnds, order: visitOrder, counts: &scratch.contacts)
        scratch.order = order
        scratch.visits = visits
        scratch.staff = staff
        scratch.staffEnds = staffEnds
        scratch.visitOrder = visitOrder
        return UserCounts(
            dailyVisits: daily, visits: visits.count, distinctStaff: indices.staff, indices: indices.indices)
    }

    /// A visit of one user while its counts are computed: its day, first minute, first row and place in the list.
    struct VisitInOrder {
        var day: UInt16
        var minute: UInt16
        var first: Int32
        var index: Int32
    }

    /// The working memory of `countsOfOneUser`, kept by a worker from one user to the next.
    struct UserCountsScratch {
        var order: [Int32] = []
        var visits: [VisitInOrder] = []
        var staff: [Int32] = []
        var staffEnds: [Int32] = []
        var visitOrder: [Int32] = []
        var contacts = ContactCounts()
    }

    /// Sorts `values` by `areInIncreasingOrder`: by insertion when they are few (a user's rows of two weeks are,
    /// and come nearly in order), else by the standard library's sort.
    @inline(__always)
    static func sortIndices<T>(_ values: inout [T], by areInIncreasingOrder: (T, T) -> Bool) {
        guard values.count > 64 else {
            values.withUnsafeMutableBufferPointer { buffer in
                guard buffer.count > 1 else { return }
                for i in 1..<buffer.count {
                    let value = buffer[i]
                    var j = i
                    while j > 0 && areInIncreasingOrder(value, buffer[j - 1]) {
                        buffer[j] = buffer[j - 1]
                        j -= 1
                    }
                    buffer[j] = value
                }
            }
            return
        }
        values.sort(by: areInIncreasingOrder)
    }

    /// One user's measured 14-day window: 12 bytes, as a city year has millions.
    struct MeasuredWindow {
        var user: Int32
        var start: Int32
        var staff: Int32
    }

    /// What one pass over every user's rows gives in rolling mode: the period counts of every user (as
    /// `userCounts`) and the measured windows, per partition in user order.
    struct RollingPass {
        var counts: [UserCounts]
        var measured: [[MeasuredWindow]]
        /// The day number of the first stored day with rows, and the number of days from it to the last.
        var firstDay: Int
        var dayCount: Int
    }

    /// Every user's period counts and measured 14-day windows in one parallel pass over the user's rows: the rows
    /// are bucketed by day once (`RollingWindows.UserDays`), the windows slide over the days, and the period's
    /// days are read from the same buckets (in input order within a day, as `countsOfOneUser` needs). Nil when no
    /// row was kept.
    static func rollingPass(
        _ index: UserRowIndex, birthDates: [CivilDate?], storedFirstDay: Int, periodOffset: Int, staffCount: Int,
        threads: Int
    ) -> RollingPass? {
        guard let (firstStored, lastStored) = index.dayRange else { return nil }
        let dayCount = lastStored - firstStored + 1
        let firstDay = storedFirstDay + firstStored
        let periodDays = (periodOffset - firstStored)..<(periodOffset - firstStored + PeriodWindow.length)
        let userCount = index.users
        let partitions = max(1, min(userCount, threads * 8))
        let slots = ResultSlots<(counts: [UserCounts], windows: [MeasuredWindow])>(count: partitions)
        Parallel.forEach(count: partitions, threads: threads) { partition in
            let lo = userCount * partition / partitions
            let hi = userCount * (partition + 1) / partitions
            var counter = [UInt16](repeating: 0, count: staffCount)
            var out: [MeasuredWindow] = []
            var counts: [UserCounts] = []
            counts.reserveCapacity(hi - lo)
            var days = RollingWindows.UserDays(
                visits: [UInt16](repeating: 0, count: dayCount), dayStaffStart: [], staff: [])
            var scratch = UserCountsScratch()
            for user in lo..<hi {
                guard index.rowCount(of: user) > 0 else {
                    counts.append(countsOfOneUser([], periodOffset: periodOffset, scratch: &scratch))
                    continue
                }
                days.fill(from: index, user: user, firstStored: firstStored)
                counts.append(
                    countsOfOneUser(days.rows(ofDays: periodDays), periodOffset: periodOffset, scratch: &scratch))
                var eligibleFrom = 0
                if let born = birthDates[user] {
                    eligibleFrom = max(0, born.sixtyFifthBirthday.dayNumber - firstDay)
                }
                for window in RollingWindows.windows(days, eligibleFrom: eligibleFrom, counter: &counter) {
                    out.append(
                        MeasuredWindow(user: Int32(user), start: Int32(window.start), staff: Int32(window.staff)))
                }
            }
            slots.set(partition, (counts, out))
        }
        let parts = slots.values()
        return RollingPass(
            counts: parts.flatMap(\.counts), measured: parts.map(\.windows), firstDay: firstDay, dayCount: dayCount)
    }

    /// The rolling figures per provider and window start and per provider and month, from the measured windows.
    static func rollingResult(_ pass: RollingPass, users: [UserMeasurement], options: MeasureOptions) -> RollingResult {
        let dayCount = pass.dayCount
        let firstDay = pass.firstDay
        // The partitions' windows in user order, read where they are (not joined into one more array).
        let measured = pass.measured
        let measuredCount = measured.reduce(0) { $0 + $1.count }

        // Group the measured windows by (provider, window start) and (provider, month) in flat buckets.
        var providerNames: [String] = []
        var providerIndex: [String: Int] = [:]
        let providerOfUser = users.map { user -> Int in
            if let known = providerIndex[user.provider] { return known }
            providerIndex[user.provider] = providerNames.count
            providerNames.append(user.provider)
            return providerNames.count - 1
        }
        let starts = max(0, dayCount - PeriodWindow.length + 1)
        var monthNames: [String] = []
        var monthIndexOfStart: [Int] = []
        for start in 0..<starts {
            let name = String(CivilDate(dayNumber: firstDay + start).description.prefix(7))
            if monthNames.last != name { monthNames.append(name) }
            monthIndexOfStart.append(monthNames.count - 1)
        }
        // Flat buckets by (provider, window start) and (provider, month): a counting sort of the windows' staff
        // counts, each partition counted and placed in parallel at offsets that keep the partitions in user order,
        // then each provider's figures in parallel.
        let monthCount = monthNames.count
        let monthOfStart = monthIndexOfStart
        let windowBucketCount = providerNames.count * starts
        let monthBucketCount = providerNames.count * monthCount
        let partCounts = ResultSlots<(windows: [Int32], months: [Int32])>(count: measured.count)
        Parallel.forEach(count: measured.count, threads: options.threads) { part in
            var windows = [Int32](repeating: 0, count: windowBucketCount)
            var months = [Int32](repeating: 0, count: monthBucketCount)
            for entry in measured[part] {
                let provider = providerOfUser[Int(entry.user)]
                let start = Int(entry.start)
                windows[provider * starts + start] += 1
                months[provider * monthCount + monthOfStart[start]] += 1
            }
            partCounts.set(part, (windows, months))
        }
        let counted = partCounts.values()
        /// Per partition, where its first entry of each bucket goes; and where each bucket starts.
        func offsets(_ counts: [[Int32]], buckets: Int) -> (perPart: [[Int]], starts: [Int]) {
            var perPart = counts.map { _ in [Int](repeating: 0, count: buckets) }
            var bucketStarts = [Int](repeating: 0, count: buckets + 1)
            var running = 0
            for bucket in 0..<buckets {
                bucketStarts[bucket] = running
                for part in counts.indices {
                    perPart[part][bucket] = running
                    running += Int(counts[part][bucket])
                }
            }
            bucketStarts[buckets] = running
            return (perPart, bucketStarts)
        }
        let windowOffsets = offsets(counted.map(\.windows), buckets: windowBucketCount)
        let monthOffsets = offsets(counted.map(\.months), buckets: monthBucketCount)
        let windowStarts = windowOffsets.starts
        let monthStarts = monthOffsets.starts
        var windowValues = [Int32](repeating: 0, count: measuredCount)
        var monthValues = [Int32](repeating: 0, count: measuredCount)
        windowValues.withUnsafeMutableBufferPointer { windowBuffer in
            monthValues.withUnsafeMutableBufferPointer { monthBuffer in
                let windowOut = DisjointWrites(buffer: windowBuffer)
                let monthOut = DisjointWrites(buffer: monthBuffer)
                Parallel.forEach(count: measured.count, threads: options.threads) { part in
                    var windowFill = windowOffsets.perPart[part]
                    var monthFill = monthOffsets.perPart[part]
                    for entry in measured[part] {
                        let provider = providerOfUser[Int(entry.user)]
                        let start = Int(entry.start)
                        let window = provider * starts + start
                        let month = provider * monthCount + monthOfStart[start]
                        windowOut.write(entry.staff, at: windowFill[window])
                        windowFill[window] += 1
                        monthOut.write(entry.staff, at: monthFill[month])
                        monthFill[month] += 1
                    }
                }
            }
        }
        var perUser: [RollingUserWindow] = []
        if options.rollingPerUser {
            perUser.reserveCapacity(measuredCount)
            for part in measured {
                for entry in part {
                    perUser.append(
                        RollingUserWindow(
                            user: Int(entry.user), windowStart: CivilDate(dayNumber: firstDay + Int(entry.start)),
                            distinctStaff: Int(entry.staff)))
                }
            }
        }
        let providerOrder = providerNames.indices.sorted {
            providerNames[$0].utf8.lexicographicallyPrecedes(providerNames[$1].utf8)
        }
        let figures = ResultSlots<([RollingWindowFigure], [RollingMonthFigure])>(count: providerOrder.count)
        let windowBuckets = (starts: windowStarts, values: windowValues)
        let monthBuckets = (starts: monthStarts, values: monthValues)
        let names = providerNames
        let monthLabels = monthNames
        /// The number, mean and median of one bucket's staff counts; nil for an empty bucket.
        @Sendable func summary(_ buckets: (starts: [Int], values: [Int32]), _ bucket: Int) -> (
            count: Int, mean: Double, median: Double
        )? {
            var values = buckets.values[buckets.starts[bucket]..<buckets.starts[bucket + 1]]
            guard !values.isEmpty else { return nil }
            let (mean, median) = RollingWindows.meanAndMedian(&values)
            return (values.count, mean, median)
        }
        Parallel.forEach(count: providerOrder.count, threads: options.threads) { position in
            let provider = providerOrder[position]
            var windows: [RollingWindowFigure] = []
            var monthFigures: [RollingMonthFigure] = []
            for start in 0..<starts {
                guard let figure = summary(windowBuckets, provider * starts + start) else { continue }
                windows.append(
                    RollingWindowFigure(
                        provider: names[provider], windowStart: CivilDate(dayNumber: firstDay + start),
                        measuredUsers: figure.count, mean: figure.mean, median: figure.median))
            }
            for month in monthLabels.indices {
                guard let figure = summary(monthBuckets, provider * monthCount + month) else { continue }
                monthFigures.append(
                    RollingMonthFigure(
                        provider: names[provider], month: monthLabels[month], userWindows: figure.count,
                        mean: figure.mean, median: figure.median))
            }
            figures.set(position, (windows, monthFigures))
        }
        let results = figures.values()
        let windows = results.flatMap(\.0)
        let months = results.flatMap(\.1)
        return RollingResult(
            firstDay: CivilDate(dayNumber: firstDay), lastDay: CivilDate(dayNumber: firstDay + dayCount - 1),
            windows: windows, months: months, users: perUser)
    }

    static func delimiterName(_ delimiter: UInt8) -> String {
        switch delimiter {
        case 0x09: return "TAB"
        case 0x3B: return ";"
        default: return ","
        }
    }
}
