import Foundation

/// Merging the chunks in input order and counting each user's visits, days and staff (docs/method.md, "Staff").
extension VisitLogMeasurement {
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
}
