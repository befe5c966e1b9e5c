import Foundation

/// `kontinuitet time-report`: performed time against allocated time and the capacity ceiling.
package enum TimeReport {
    /// Reads the performed-time exports, the allocated-time reports and the register, and aggregates.
    package static func run(
        performed: [String], allocated: [String], register: ProviderRegister?, options: TimeReportOptions,
        progress: (String) -> Void = { _ in }
    ) throws -> TimeReportResult {
        var accounting = TimeAccounting()
        // The register's unusable rows are rejected rows of the run like any other (a provider would otherwise
        // lose its ceiling without a word).
        var rejected: [RejectedRow] = register?.rejected ?? []
        accounting.registerRead = register?.rowsRead ?? 0
        accounting.registerRejected = register?.rejected.count ?? 0
        var userKeys: [String: Int32] = [:]
        var usersInOrder: [(provider: String, user: String)] = []
        var inputNames: Set<String> = []
        let tolerance = options.plannedToleranceMinutes * 60

        // The rows, decoded in parallel chunks on bytes (`PerformedScanner`); each chunk's ids made the run's
        // (providers by name, users by provider and id, staff by provider and id), in file order, and its rows
        // kept by month (`PerformedMonths`).
        let byMonth = PerformedMonths(
            rowsInMemory: options.rowsInMemory, segmentRows: options.segmentRows,
            rowsPerWindow: options.rowsPerWindow, scratchDirectory: options.scratchDirectory)
        var providerIDs: [String: Int32] = [:]
        var providerNames: [String] = []
        var userProvider: [Int32] = []
        var staffPairs = ByteInterner(capacity: 1024)
        // Users by the bytes of (provider, user id), each pair's run user found once by name (ids equal as
        // strings are one user).
        var userPairs = ByteInterner(capacity: 1024)
        var userOfPair: [Int32] = []
        var pairKey = ByteScratch(capacity: 64)
        var files: [String] = []
        var filesWithoutRows: [String] = []
        for path in performed {
            let file = try CSVFile.open(path)
            let columns = try ColumnIndex.resolve(
                header: file.header, specs: VisitLogFormat.columns, file: file.path, line: file.headerLine,
                supplied: options.defaultProvider == nil ? [] : ["provider"])
            let readBefore = accounting.performedRead
            defer { if accounting.performedRead == readBefore { filesWithoutRows.append(file.path) } }
            files.append(file.path)
            byMonth.startFile()
            // A workbook's rows with an error cell: read and rejected.
            accounting.performedRead += file.preRejected.count
            accounting.performedRejected += file.preRejected.count
            rejected += file.preRejected
            let scanner = PerformedScanner(
                file: file, columns: columns, tolerance: tolerance, defaultProvider: options.defaultProvider ?? "")
            let started = Date()
            try scanner.scanFile(
                threads: options.threads, minimumChunkBytes: options.minimumChunkBytes,
                largestChunkBytes: options.largestChunkBytes
            ) { chunk in
                accounting.performedRead += chunk.read
                accounting.performedRejected += chunk.rejected.count
                rejected += chunk.rejected
                for name in 0..<chunk.names.count { inputNames.insert(chunk.names.string(Int32(name))) }
                let providers = (0..<chunk.providers.count).map { local -> Int32 in
                    let name = chunk.providers.string(Int32(local))
                    if let known = providerIDs[name] { return known }
                    let id = Int32(providerNames.count)
                    providerIDs[name] = id
                    providerNames.append(name)
                    return id
                }
                let users = (0..<chunk.users.count).map { local -> Int32 in
                    let key = chunk.users.key(Int32(local))
                    let provider = providers[Int(PerformedChunk.provider(ofKey: key))]
                    pairKey.removeAll()
                    pairKey.append(id: provider)
                    PerformedChunk.id(ofKey: key).withUnsafeBufferPointer { pairKey.append($0) }
                    let pair = Int(userPairs.intern(pairKey.bytes))
                    if pair < userOfPair.count { return userOfPair[pair] }
                    let name = providerNames[Int(provider)]
                    let user = String(decoding: PerformedChunk.id(ofKey: key), as: UTF8.self)
                    let userKey = name + "\u{1F}" + user
                    if let known = userKeys[userKey] {
                        userOfPair.append(known)
                        return known
                    }
                    let id = Int32(usersInOrder.count)
                    userKeys[userKey] = id
                    usersInOrder.append((name, user))
                    userProvider.append(provider)
                    userOfPair.append(id)
                    return id
                }
                let staff = (0..<chunk.staff.count).map { local -> Int32 in
                    let key = chunk.staff.key(Int32(local))
                    pairKey.removeAll()
                    pairKey.append(id: providers[Int(PerformedChunk.provider(ofKey: key))])
                    PerformedChunk.id(ofKey: key).withUnsafeBufferPointer { pairKey.append($0) }
                    return staffPairs.intern(pairKey.bytes)
                }
                try byMonth.add(
                    chunk, path: file.path, users: users, staff: staff, userProvider: userProvider,
                    staffCount: staffPairs.count)
            }
            let seconds = Date().timeIntervalSince(started)
            progress(
                "read \(file.path): \(accounting.performedRead - readBefore) rows in \(String(format: "%.2f", seconds)) s"
            )
        }
        if byMonth.scratchRows > 0 {
            progress(
                "\(byMonth.scratchRows) rows kept in a temporary file in \(options.scratchDirectory) (beyond the "
                    + "first \(options.rowsInMemory) in memory)")
        }
        let started = Date()
        // Added up month by month: by user (duplicates, visits, time), then by staff member (overlaps), then the
        // anomalies.
        let flagged = try byMonth.addUp(threads: options.threads, mostIndexedRows: options.mostIndexedRows)
        let sums = flagged.sums
        accounting.performedUsed = sums.used
        accounting.performedFlagged = sums.flagged
        accounting.performedDuplicate = sums.duplicates
        progress(
            "added up by user, staff member and day in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")

        // The sums under names, as the tables below are built.
        let tablesStarted = Date()
        var months: [Int32: String] = [:]
        func month(_ number: Int32) -> String {
            if let known = months[number] { return known }
            let key = PerformedRows.monthKey(number)
            months[number] = key
            return key
        }
        var userMonthSeconds: [String: [String: Int]] = [:]  // "provider\u{1F}user" -> month -> seconds
        for entry in sums.userMonths {
            let (provider, user) = usersInOrder[Int(entry.user)]
            // (A month's time can come from two months' rows: a visit from the evening before its first day.)
            userMonthSeconds[provider + "\u{1F}" + user, default: [:]][month(entry.month), default: 0] += entry.seconds
        }
        var providerMonthSeconds: [String: [String: Int]] = [:]
        var providerMonthOpen: [String: [String: Int]] = [:]
        var providerMonthVisits: [String: [String: Int]] = [:]
        for (key, cell) in sums.providerMonths {
            let provider = providerNames[Int(key.provider)]
            if cell.seconds > 0 { providerMonthSeconds[provider, default: [:]][month(key.month)] = cell.seconds }
            if cell.open > 0 { providerMonthOpen[provider, default: [:]][month(key.month)] = cell.open }
            if cell.visits > 0 { providerMonthVisits[provider, default: [:]][month(key.month)] = cell.visits }
        }
        var providerDaySeconds: [String: [Int: Int]] = [:]
        var providerDayVisits: [String: [Int: Int]] = [:]
        for (key, cell) in sums.providerDays {
            let provider = providerNames[Int(key.provider)]
            if cell.seconds > 0 { providerDaySeconds[provider, default: [:]][Int(key.day)] = cell.seconds }
            if cell.visits > 0 { providerDayVisits[provider, default: [:]][Int(key.day)] = cell.visits }
        }
        var anomalyCounts: [String: [String: [PerformedAnomaly: Int]]] = [:]
        for (key, tally) in flagged.counts {
            for (index, kind) in PerformedAnomaly.allCases.enumerated() where tally[index] > 0 {
                anomalyCounts[providerNames[Int(key.provider)], default: [:]][month(key.month), default: [:]][kind] =
                    tally[index]
            }
        }

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

        var providerMonths: [ProviderMonth] = []
        var warnings: [CapacityWarning] = []
        var withoutCeiling: [String] = []
        let lastDataDay = sums.lastDay
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
        progress(
            "tables of \(providerMonths.count) provider-months, \(userMonths.count) user-months and "
                + "\(providerDays.count) provider-days in \(String(format: "%.2f", Date().timeIntervalSince(tablesStarted))) s"
        )
        return TimeReportResult(
            providerMonths: providerMonths, userMonths: userMonths, providerDays: providerDays,
            anomalyRows: AnomalyRows(files: files, rows: flagged.anomalies),
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
