import Foundation

/// `kontinuitet time-report`: performed time against allocated time and the capacity ceiling.
package enum TimeReport {
    private struct Interval {
        var provider: Int32
        var staff: Int32
        var user: Int32
        var start: Int
        var end: Int
        var row: Int32
    }

    /// A performed row as the report remembers it: where it is, whose, which month, and its anomalies (a bit per
    /// `PerformedAnomaly` case). 16 bytes.
    private struct Row {
        var file: Int32
        var line: Int32
        var provider: Int32
        var month: Int16
        var anomalies: UInt16 = 0

        func has(_ kind: PerformedAnomaly) -> Bool { anomalies & Self.bit(kind) != 0 }
        mutating func flag(_ kind: PerformedAnomaly) { anomalies |= Self.bit(kind) }
        static func bit(_ kind: PerformedAnomaly) -> UInt16 {
            1 << UInt16(PerformedAnomaly.allCases.firstIndex(of: kind) ?? 0)
        }
    }

    /// Reads the performed-time exports, the allocated-time reports and the register, and aggregates.
    package static func run(
        performed: [String], allocated: [String], register: ProviderRegister?, options: TimeReportOptions
    ) throws -> TimeReportResult {
        var accounting = TimeAccounting()
        // The register's unusable rows are rejected rows of the run like any other (a provider would otherwise
        // lose its ceiling without a word).
        var rejected: [RejectedRow] = register?.rejected ?? []
        accounting.registerRead = register?.rowsRead ?? 0
        accounting.registerRejected = register?.rejected.count ?? 0
        var rows: [Row] = []
        var intervals: [Interval] = []
        var staffIDs = ByteInterner(capacity: 1024)
        var userKeys: [String: Int32] = [:]
        var usersInOrder: [(provider: String, user: String)] = []
        var userMonthSeconds: [String: [String: Int]] = [:]  // "provider\u{1F}user" -> month -> seconds
        var providerMonthSeconds: [String: [String: Int]] = [:]
        var providerMonthOpen: [String: [String: Int]] = [:]
        var providerDaySeconds: [String: [Int: Int]] = [:]
        var inputNames: Set<String> = []
        let tolerance = options.plannedToleranceMinutes * 60

        // The rows, decoded in parallel chunks on bytes (`PerformedScanner`), then added up here in file order on
        // integer keys; the sums are turned into the named tables after the loop.
        var providerIDs: [String: Int32] = [:]
        var providerNames: [String] = []
        var files: [String] = []
        // Months as indices into `months` (`YYYY-MM`), made once per month.
        var monthIndex: [Int: Int16] = [:]
        var months: [String] = []
        func month(ofDay day: Int) -> Int16 {
            let date = CivilDate(dayNumber: day)
            let key = date.year * 12 + date.month
            if let known = monthIndex[key] { return known }
            let index = Int16(truncatingIfNeeded: months.count)
            months.append(monthKey(day: day))
            monthIndex[key] = index
            return index
        }
        struct Cell: Hashable {
            var owner: Int32
            var slot: Int32
        }
        struct VisitRef: Hashable {
            var provider: Int32
            var slot: Int32
            var user: Int32
            var visit: UInt64
        }
        struct RowKey: Hashable {
            var provider: Int32
            var user: Int32
            var staff: Int32
            var checkIn: Int
            var checkOut: Int
        }
        var userMonth: [Cell: Int] = [:]
        var providerMonth: [Cell: Int] = [:]
        var providerDay: [Cell: Int] = [:]
        var providerOpen: [Cell: Int] = [:]
        var monthVisits: Set<VisitRef> = []
        var dayVisits: Set<VisitRef> = []
        var firstOfRow: [RowKey: Int] = [:]
        var filesWithoutRows: [String] = []
        for path in performed {
            let file = try CSVFile.open(path)
            let columns = try ColumnIndex.resolve(
                header: file.header, specs: VisitLogFormat.columns, file: file.path, line: file.headerLine,
                supplied: options.defaultProvider == nil ? [] : ["provider"])
            let fileIndex = Int32(files.count)
            let readBefore = accounting.performedRead
            defer { if accounting.performedRead == readBefore { filesWithoutRows.append(file.path) } }
            files.append(file.path)
            // A workbook's rows with an error cell: read and rejected.
            accounting.performedRead += file.preRejected.count
            accounting.performedRejected += file.preRejected.count
            rejected += file.preRejected
            let scanner = PerformedScanner(
                file: file, columns: columns, tolerance: tolerance, defaultProvider: options.defaultProvider ?? "")
            let chunks = scanner.scanFile(threads: options.threads, minimumChunkBytes: options.minimumChunkBytes)
            // Room for every row of the file at once, rather than by repeated growth (and rehashing).
            let fileRows = chunks.reduce(0) { $0 + $1.rows.count }
            rows.reserveCapacity(rows.count + fileRows)
            intervals.reserveCapacity(intervals.count + fileRows)
            firstOfRow.reserveCapacity(firstOfRow.count + fileRows)
            monthVisits.reserveCapacity(monthVisits.count + fileRows)
            dayVisits.reserveCapacity(dayVisits.count + fileRows)
            for chunk in chunks {
                accounting.performedRead += chunk.read
                accounting.performedRejected += chunk.rejected.count
                rejected += chunk.rejected
                inputNames.formUnion(chunk.names)
                // The chunk's ids as the run's: providers and staff by name, users by provider and id.
                let providers = (0..<chunk.providers.count).map { local -> Int32 in
                    let name = chunk.providers.string(Int32(local))
                    if let known = providerIDs[name] { return known }
                    let id = Int32(providerNames.count)
                    providerIDs[name] = id
                    providerNames.append(name)
                    return id
                }
                let staff = (0..<chunk.staff.count).map { local in
                    chunk.staff.key(Int32(local)).withUnsafeBufferPointer { staffIDs.intern($0) }
                }
                // A user is a (provider, user id) pair: the chunk's user table holds ids only.
                var users: [Int64: Int32] = [:]
                for row in chunk.rows {
                    let provider = providers[Int(row.provider)]
                    let pair = Int64(row.provider) << 32 | Int64(row.user)
                    var userID = users[pair] ?? -1
                    if userID < 0 {
                        let name = providerNames[Int(provider)]
                        let user = chunk.users.string(row.user)
                        let userKey = name + "\u{1F}" + user
                        if let known = userKeys[userKey] {
                            userID = known
                        } else {
                            userID = Int32(usersInOrder.count)
                            userKeys[userKey] = userID
                            usersInOrder.append((name, user))
                        }
                        users[pair] = userID
                    }
                    let checkInDay = Stockholm.floorDiv(row.checkInWall, 86_400)
                    let rowMonth = month(ofDay: checkInDay)
                    var record = Row(file: fileIndex, line: row.line, provider: provider, month: rowMonth)
                    // The same row twice (overlapping exports): counted once, both lines reported.
                    let key = RowKey(
                        provider: provider, user: userID, staff: staff[Int(row.staff)], checkIn: row.checkInUTC,
                        checkOut: row.checkOutUTC)
                    if let first = firstOfRow[key] {
                        accounting.performedDuplicate += 1
                        rows[first].flag(.duplicateRow)
                        record.flag(.duplicateRow)
                        rows.append(record)
                        continue
                    }
                    firstOfRow[key] = rows.count
                    monthVisits.insert(
                        VisitRef(provider: provider, slot: Int32(rowMonth), user: userID, visit: row.visit))
                    dayVisits.insert(
                        VisitRef(provider: provider, slot: Int32(checkInDay), user: userID, visit: row.visit))
                    userMonth[Cell(owner: userID, slot: Int32(rowMonth)), default: 0] += 0
                    if row.farFromPlanned { record.flag(.farFromPlanned) }
                    guard row.hasCheckOut else {
                        record.flag(.missingCheckOut)
                        providerOpen[Cell(owner: provider, slot: Int32(rowMonth)), default: 0] += 1
                        accounting.performedFlagged += 1
                        rows.append(record)
                        continue
                    }
                    guard row.seconds > 0 else {
                        record.flag(.checkOutBeforeCheckIn)
                        accounting.performedFlagged += 1
                        rows.append(record)
                        continue
                    }
                    // Over 24 hours (a placeholder check-out such as 9999-12-31, a mistyped year): no time.
                    guard row.seconds <= PerformedTimeRule.longestCountedSeconds else {
                        record.flag(.over24Hours)
                        accounting.performedFlagged += 1
                        rows.append(record)
                        continue
                    }
                    if row.seconds > PerformedTimeRule.longestPlausibleSeconds { record.flag(.over12Hours) }
                    accounting.performedUsed += 1
                    for part in PerformedTimeRule.partsByDay(
                        startUTC: row.checkInUTC, startWall: row.checkInWall, seconds: row.seconds)
                    {
                        let partMonth = Int32(month(ofDay: part.day))
                        userMonth[Cell(owner: userID, slot: partMonth), default: 0] += part.seconds
                        providerMonth[Cell(owner: provider, slot: partMonth), default: 0] += part.seconds
                        providerDay[Cell(owner: provider, slot: Int32(part.day)), default: 0] += part.seconds
                    }
                    intervals.append(
                        Interval(
                            provider: provider, staff: staff[Int(row.staff)], user: userID, start: row.checkInUTC,
                            end: row.checkInUTC + row.seconds, row: Int32(rows.count)))
                    rows.append(record)
                }
            }
        }
        // The sums under names, as the tables below are built.
        for (cell, seconds) in userMonth {
            let (provider, user) = usersInOrder[Int(cell.owner)]
            userMonthSeconds[provider + "\u{1F}" + user, default: [:]][months[Int(cell.slot)]] = seconds
        }
        for (cell, seconds) in providerMonth {
            providerMonthSeconds[providerNames[Int(cell.owner)], default: [:]][months[Int(cell.slot)]] = seconds
        }
        for (cell, seconds) in providerDay {
            providerDaySeconds[providerNames[Int(cell.owner)], default: [:]][Int(cell.slot)] = seconds
        }
        for (cell, count) in providerOpen {
            providerMonthOpen[providerNames[Int(cell.owner)], default: [:]][months[Int(cell.slot)]] = count
        }
        var providerMonthVisits: [String: [String: Int]] = [:]
        for visit in monthVisits {
            providerMonthVisits[providerNames[Int(visit.provider)], default: [:]][
                months[Int(visit.slot)], default: 0] += 1
        }
        var providerDayVisits: [String: [Int: Int]] = [:]
        for visit in dayVisits {
            providerDayVisits[providerNames[Int(visit.provider)], default: [:]][Int(visit.slot), default: 0] += 1
        }

        // The same staff member at two users at once, within one provider (staff ids are each provider's own):
        // flag both rows.
        intervals.sort { ($0.provider, $0.staff, $0.start) < ($1.provider, $1.staff, $1.start) }
        var overlapping = Set<Int32>()
        for i in intervals.indices {
            var j = i + 1
            while j < intervals.count && intervals[j].staff == intervals[i].staff
                && intervals[j].provider == intervals[i].provider && intervals[j].start < intervals[i].end
            {
                if intervals[j].user != intervals[i].user {
                    overlapping.insert(intervals[i].row)
                    overlapping.insert(intervals[j].row)
                }
                j += 1
            }
        }
        for row in overlapping { rows[Int(row)].flag(.overlappingVisits) }

        // Allocated time.
        var allocatedByUser: [String: [String: (allocated: Double, granted: Double?)]] = [:]
        if !allocated.isEmpty {
            let report = try AllocatedTime.load(paths: allocated)
            accounting.allocatedRead = report.rowsRead
            accounting.allocatedRejected = report.rejected.count
            accounting.allocatedUsed = report.entries.count
            rejected += report.rejected
            for var entry in report.entries {
                entry.provider = entry.provider.trimmingBlanks
                entry.user = entry.user.trimmingBlanks
                let userKey = entry.provider + "\u{1F}" + entry.user
                if userKeys[userKey] == nil {
                    userKeys[userKey] = Int32(usersInOrder.count)
                    usersInOrder.append((entry.provider, entry.user))
                }
                var current = allocatedByUser[userKey, default: [:]][entry.month] ?? (0, nil)
                current.allocated += entry.allocatedHours
                if let granted = entry.grantedHours { current.granted = (current.granted ?? 0) + granted }
                allocatedByUser[userKey, default: [:]][entry.month] = current
            }
        }

        // User months: every user with performed or allocated time, every month either has.
        var userMonths: [UserMonth] = []
        var providerAllocated: [String: [String: (allocated: Double, granted: Double?)]] = [:]
        for (provider, user) in usersInOrder {
            let key = provider + "\u{1F}" + user
            let months = Set((userMonthSeconds[key] ?? [:]).keys).union((allocatedByUser[key] ?? [:]).keys)
            for month in months.sorted() {
                let allocation = allocatedByUser[key]?[month]
                userMonths.append(
                    UserMonth(
                        provider: provider, user: user, month: month, allocatedHours: allocation?.allocated ?? 0,
                        grantedHours: allocation?.granted, performedSeconds: userMonthSeconds[key]?[month] ?? 0))
                if let allocation {
                    var total = providerAllocated[provider, default: [:]][month] ?? (0, nil)
                    total.allocated += allocation.allocated
                    if let granted = allocation.granted { total.granted = (total.granted ?? 0) + granted }
                    providerAllocated[provider, default: [:]][month] = total
                }
            }
        }

        var anomalyCounts: [String: [String: [PerformedAnomaly: Int]]] = [:]
        for row in rows where row.anomalies != 0 {
            for kind in PerformedAnomaly.allCases where row.has(kind) {
                anomalyCounts[providerNames[Int(row.provider)], default: [:]][months[Int(row.month)], default: [:]][
                    kind, default: 0] += 1
            }
        }
        var providerMonths: [ProviderMonth] = []
        var warnings: [CapacityWarning] = []
        var withoutCeiling: [String] = []
        let lastDataDay = providerDayVisits.values.compactMap { $0.keys.max() }.max()
        let providers = Set(providerMonthSeconds.keys).union(providerAllocated.keys).union(providerMonthVisits.keys)
        for provider in providers.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let months = Set((providerMonthSeconds[provider] ?? [:]).keys)
                .union((providerAllocated[provider] ?? [:]).keys).union((providerMonthVisits[provider] ?? [:]).keys)
            for month in months.sorted() {
                let allocation = providerAllocated[provider]?[month]
                var capacity: Double?
                if let register, let first = monthStart(month) {
                    capacity = register.entry(for: provider, inMonth: first)?.capacityHours
                }
                let figure = ProviderMonth(
                    provider: provider, month: month, allocatedHours: allocation?.allocated ?? 0,
                    grantedHours: allocation?.granted, performedSeconds: providerMonthSeconds[provider]?[month] ?? 0,
                    visits: providerMonthVisits[provider]?[month] ?? 0,
                    visitsWithoutCheckOut: providerMonthOpen[provider]?[month] ?? 0, capacityHours: capacity,
                    anomalyCounts: anomalyCounts[provider]?[month] ?? [:])
                providerMonths.append(figure)
            }
            let figures = providerMonths.filter { $0.provider == provider }
            if figures.contains(where: { $0.performedSeconds > 0 }) && !figures.contains(where: { $0.ceiling != nil }) {
                withoutCeiling.append(provider)
            }
            // The data's last day, across providers: an export ends on one day for all.
            warnings += CapacityForecast.warnings(figures, lastDataDay: lastDataDay)
        }
        var providerDays: [ProviderDay] = []
        for provider in Set(providerDayVisits.keys).sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let days = Set((providerDayVisits[provider] ?? [:]).keys).union((providerDaySeconds[provider] ?? [:]).keys)
            for day in days.sorted() {
                providerDays.append(
                    ProviderDay(
                        provider: provider, date: CivilDate(dayNumber: day),
                        performedSeconds: providerDaySeconds[provider]?[day] ?? 0,
                        visits: providerDayVisits[provider]?[day] ?? 0))
            }
        }
        var anomalies: [AnomalyRecord] = []
        for row in rows where row.anomalies != 0 {
            for kind in PerformedAnomaly.allCases where row.has(kind) {
                anomalies.append(AnomalyRecord(file: files[Int(row.file)], line: Int(row.line), kind: kind))
            }
        }
        return TimeReportResult(
            providerMonths: providerMonths, userMonths: userMonths, providerDays: providerDays, anomalies: anomalies,
            warnings: warnings, accounting: accounting, rejectedRows: rejected, usersInOrder: usersInOrder,
            allocatedGiven: !allocated.isEmpty, providersWithoutCeiling: withoutCeiling,
            filesWithoutRows: filesWithoutRows, inputNames: inputNames.sorted())
    }

    /// `YYYY-MM` of a day number.
    static func monthKey(day: Int) -> String {
        String(CivilDate(dayNumber: day).description.prefix(7))
    }

    /// The first day of a `YYYY-MM` month.
    static func monthStart(_ month: String) -> CivilDate? {
        CivilDate(parsing: month + "-01")
    }
}
