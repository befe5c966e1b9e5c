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

    private struct Row {
        var file: String
        var line: Int
        var provider: String
        var month: String
        var anomalies: [PerformedAnomaly] = []
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
        var providerIDs: [String: Int32] = [:]
        // The first line of every (provider, user, staff, check-in, check-out): a repeat counts once.
        var firstOfRow: [String: Int] = [:]
        var normalized = ByteScratch(capacity: 64)
        /// A field as measure reads it: trimmed of blanks and no-break spaces, `foldCase` for staff ids.
        func identifier(_ bytes: UnsafeBufferPointer<UInt8>, foldCase: Bool) -> String {
            normalized.removeAll()
            IdentifierNormalization.appendNormalized(bytes, foldCase: foldCase, to: &normalized)
            return TextDecoding.string(normalized.bytes)
        }
        var userKeys: [String: Int32] = [:]
        var usersInOrder: [(provider: String, user: String)] = []
        var userMonthSeconds: [String: [String: Int]] = [:]  // "provider\u{1F}user" -> month -> seconds
        var providerMonthSeconds: [String: [String: Int]] = [:]
        var providerMonthVisits: [String: [String: Set<String>]] = [:]
        var providerMonthOpen: [String: [String: Int]] = [:]
        var providerDaySeconds: [String: [Int: Int]] = [:]
        var providerDayVisits: [String: [Int: Set<String>]] = [:]
        var inputNames: Set<String> = []
        let tolerance = options.plannedToleranceMinutes * 60

        for path in performed {
            let file = try CSVFile.open(path)
            let columns = try ColumnIndex.resolve(
                header: file.header, specs: VisitLogFormat.columns, file: path, line: file.headerLine)
            func field(_ fields: CSVFieldSplitter, _ name: String) -> String {
                columns[name].map { fields.string($0) } ?? ""
            }
            // A timestamp column, joined with the date column when the file has one (`datum` + `starttid`).
            var dateScratch = ByteScratch(capacity: 32)
            func timestamp(_ fields: CSVFieldSplitter, _ name: String) -> TimestampParser.Parsed? {
                guard let column = columns[name] else { return nil }
                guard let dateColumn = columns["date"] else { return TimestampParser.parse(fields.field(column)) }
                return TimestampParser.parse(
                    date: fields.field(dateColumn), time: fields.field(column), scratch: &dateScratch)
            }
            file.forEachRecord(
                { line, fields in
                    accounting.performedRead += 1
                    if columns["sort_name"] != nil { inputNames.insert(field(fields, "sort_name")) }
                    func reject(_ reason: String, _ detail: String) {
                        accounting.performedRejected += 1
                        rejected.append(
                            RejectedRow(
                                file: path, line: line, reason: reason, detail: detail,
                                row: CSVFile.rawRow(fields, delimiter: file.delimiter)))
                    }
                    func raw(_ name: String) -> UnsafeBufferPointer<UInt8> {
                        columns[name].map { fields.field($0) } ?? UnsafeBufferPointer(start: nil, count: 0)
                    }
                    let provider = identifier(raw("provider"), foldCase: false)
                    let user = identifier(raw("user"), foldCase: false)
                    let staff = identifier(raw("staff"), foldCase: true)
                    for (name, value) in [("provider", provider), ("user", user), ("staff", staff)] where value.isEmpty
                    {
                        return reject("missing_\(name)", "column '\(name)' is empty")
                    }
                    if field(fields, "start").isEmpty {
                        return reject("missing_start", "column 'start' (check-in) is empty")
                    }
                    guard let checkIn = timestamp(fields, "start") else {
                        return reject("bad_start", "column 'start' (check-in) is not a timestamp YYYY-MM-DD HH:MM")
                    }
                    let endText = field(fields, "end")
                    var checkOut: TimestampParser.Parsed?
                    if !endText.isEmpty {
                        guard var parsed = timestamp(fields, "end") else {
                            return reject("bad_end", "column 'end' (check-out) is not a timestamp YYYY-MM-DD HH:MM")
                        }
                        // With a date column, a check-out earlier in the day than the check-in is the next day.
                        if columns["date"] != nil && parsed.wall < checkIn.wall {
                            parsed.wall += 86_400
                            parsed.utc = parsed.utc.map { $0 + 86_400 }
                        }
                        checkOut = parsed
                    }
                    let plannedText = field(fields, "planned_start")
                    var planned: TimestampParser.Parsed?
                    if !plannedText.isEmpty {
                        guard let parsed = timestamp(fields, "planned_start") else {
                            return reject("bad_planned_start", "column 'planned_start' is not a timestamp")
                        }
                        planned = parsed
                    }

                    let userKey = provider + "\u{1F}" + user
                    let userID: Int32
                    if let known = userKeys[userKey] {
                        userID = known
                    } else {
                        userID = Int32(usersInOrder.count)
                        userKeys[userKey] = userID
                        usersInOrder.append((provider, user))
                    }
                    let checkInDay = Stockholm.floorDiv(checkIn.wall, 86_400)
                    let month = monthKey(day: checkInDay)
                    var row = Row(file: path, line: line, provider: provider, month: month)
                    // The same row twice (overlapping exports): counted once, both lines reported.
                    let rowKey = [
                        provider, user, staff, String(checkIn.utcSeconds()),
                        checkOut.map { String($0.utcSeconds()) } ?? "-",
                    ].joined(separator: "\u{1F}")
                    if let first = firstOfRow[rowKey] {
                        accounting.performedDuplicate += 1
                        if !rows[first].anomalies.contains(.duplicateRow) {
                            rows[first].anomalies.append(.duplicateRow)
                        }
                        row.anomalies.append(.duplicateRow)
                        rows.append(row)
                        return
                    }
                    firstOfRow[rowKey] = rows.count
                    let visitID = field(fields, "visit")
                    let visitKey = userKey + "\u{1F}" + (visitID.isEmpty ? String(checkIn.wall / 60) : "id:" + visitID)
                    providerMonthVisits[provider, default: [:]][month, default: []].insert(visitKey)
                    providerDayVisits[provider, default: [:]][checkInDay, default: []].insert(visitKey)
                    userMonthSeconds[userKey, default: [:]][month, default: 0] += 0

                    if let planned, abs(checkIn.utcSeconds() - planned.utcSeconds()) > tolerance {
                        row.anomalies.append(.farFromPlanned)
                    }
                    guard let checkOut else {
                        row.anomalies.append(.missingCheckOut)
                        providerMonthOpen[provider, default: [:]][month, default: 0] += 1
                        accounting.performedFlagged += 1
                        rows.append(row)
                        return
                    }
                    let seconds = PerformedTimeRule.elapsedSeconds(checkIn: checkIn, checkOut: checkOut)
                    guard seconds > 0 else {
                        row.anomalies.append(.checkOutBeforeCheckIn)
                        accounting.performedFlagged += 1
                        rows.append(row)
                        return
                    }
                    // Over 24 hours (a placeholder check-out such as 9999-12-31, a mistyped year): no time.
                    guard seconds <= PerformedTimeRule.longestCountedSeconds else {
                        row.anomalies.append(.over24Hours)
                        accounting.performedFlagged += 1
                        rows.append(row)
                        return
                    }
                    if seconds > PerformedTimeRule.longestPlausibleSeconds { row.anomalies.append(.over12Hours) }
                    accounting.performedUsed += 1
                    for part in PerformedTimeRule.partsByDay(checkIn: checkIn, checkOut: checkOut) {
                        let partMonth = monthKey(day: part.day)
                        userMonthSeconds[userKey, default: [:]][partMonth, default: 0] += part.seconds
                        providerMonthSeconds[provider, default: [:]][partMonth, default: 0] += part.seconds
                        providerDaySeconds[provider, default: [:]][part.day, default: 0] += part.seconds
                    }
                    var staffKey = Array(staff.utf8)
                    let staffID = staffKey.withUnsafeMutableBufferPointer { staffIDs.intern(UnsafeBufferPointer($0)) }
                    let providerID = providerIDs[provider] ?? Int32(providerIDs.count)
                    providerIDs[provider] = providerID
                    let start = checkIn.utcSeconds()
                    intervals.append(
                        Interval(
                            provider: providerID, staff: staffID, user: userID, start: start, end: start + seconds,
                            row: Int32(rows.count)))
                    rows.append(row)
                },
                malformed: { row in
                    accounting.performedRead += 1
                    accounting.performedRejected += 1
                    rejected.append(row)
                }, blank: {})
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
        for row in overlapping { rows[Int(row)].anomalies.append(.overlappingVisits) }

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
        for row in rows {
            for kind in row.anomalies {
                anomalyCounts[row.provider, default: [:]][row.month, default: [:]][kind, default: 0] += 1
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
                    visits: providerMonthVisits[provider]?[month]?.count ?? 0,
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
                        visits: providerDayVisits[provider]?[day]?.count ?? 0))
            }
        }
        var anomalies: [AnomalyRecord] = []
        for row in rows {
            for kind in PerformedAnomaly.allCases where row.anomalies.contains(kind) {
                anomalies.append(AnomalyRecord(file: row.file, line: row.line, kind: kind))
            }
        }
        return TimeReportResult(
            providerMonths: providerMonths, userMonths: userMonths, providerDays: providerDays, anomalies: anomalies,
            warnings: warnings, accounting: accounting, rejectedRows: rejected, usersInOrder: usersInOrder,
            allocatedGiven: !allocated.isEmpty, providersWithoutCeiling: withoutCeiling, inputNames: inputNames.sorted()
        )
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
