import Foundation

/// Options of `kontinuitet time-report`.
package struct TimeReportOptions: Sendable {
    /// A check-in further than this from the planned start is flagged (minutes).
    package var plannedToleranceMinutes = 60
    package init() {}
}

/// One provider-month of `provider_months.csv`.
package struct ProviderMonth: Sendable, Equatable {
    package var provider: String
    /// `YYYY-MM`.
    package var month: String
    package var allocatedHours: Double
    package var grantedHours: Double?
    package var performedSeconds: Int
    package var visits: Int
    package var visitsWithoutCheckOut: Int
    package var capacityHours: Double?
    /// Anomalies of the provider's rows in the month, by kind (the month of the row's check-in).
    package var anomalyCounts: [PerformedAnomaly: Int] = [:]

    package var performedHours: Double { Double(performedSeconds) / 3_600 }
    /// Performed / allocated; nil without allocated time.
    package var performedAllocatedRatio: Double? { allocatedHours > 0 ? performedHours / allocatedHours : nil }
    /// Utförandegrad: performed / granted.
    package var executionRate: Double? { (grantedHours ?? 0) > 0 ? performedHours / (grantedHours ?? 1) : nil }
    /// Performed hours as a share of the capacity ceiling.
    package var capacityShare: Double? { (capacityHours ?? 0) > 0 ? performedHours / (capacityHours ?? 1) : nil }
    /// The ceiling as exact integers (`CapacityRule`), nil without one.
    package var ceiling: CapacityRule? { capacityHours.flatMap(CapacityRule.init(hours:)) }
}

/// The capacity-ceiling thresholds in exact arithmetic (docs/time-report.md, "Capacity"): performed time in whole
/// seconds against the ceiling in hundredths of an hour, so a provider at exactly 90 % is warned (8.1 h of 9 h is
/// 0.8999999999999999 in floating point).
package struct CapacityRule: Sendable, Equatable {
    /// The ceiling in hundredths of an hour.
    package let centiHours: Int
    /// The ceiling in seconds (36 seconds per hundredth).
    package var seconds: Int { centiHours * 36 }

    /// A ceiling of `hours` (rounded to hundredths); nil when not positive or absurd.
    package init?(hours: Double) {
        guard hours > 0, hours < 1e9 else { return nil }
        centiHours = Int((hours * 100).rounded())
        guard centiHours > 0 else { return nil }
    }

    /// True when `performedSeconds` is at least `percent` % of the ceiling.
    package func isReached(_ performedSeconds: Int, percent: Int) -> Bool {
        performedSeconds * 100 >= seconds * percent
    }

    /// The share in per cent, rounded half up (104.8 % is 105 %).
    package func percent(_ performedSeconds: Int) -> Int {
        (performedSeconds * 200 + seconds) / (2 * seconds)
    }
}

/// One user-month of `user_months.csv`.
package struct UserMonth: Sendable, Equatable {
    package var provider: String
    package var user: String
    package var month: String
    package var allocatedHours: Double
    package var grantedHours: Double?
    package var performedSeconds: Int

    package var performedHours: Double { Double(performedSeconds) / 3_600 }
    /// Performed minus allocated hours.
    package var differenceHours: Double { performedHours - allocatedHours }
}

/// One provider-day of `provider_days.csv`.
package struct ProviderDay: Sendable, Equatable {
    package var provider: String
    package var date: CivilDate
    package var performedSeconds: Int
    package var visits: Int
}

/// One anomaly of one row.
package struct AnomalyRecord: Sendable, Equatable {
    package var file: String
    package var line: Int
    package var kind: PerformedAnomaly
}

/// A provider-month at or above 90 % of its capacity ceiling.
package struct CapacityWarning: Sendable, Equatable {
    package enum Level: String, Sendable {
        /// ≥ 90 %: early warning.
        case nearCeiling = "near_ceiling"
        /// ≥ 100 %: the ceiling is reached.
        case ceilingReached = "ceiling_reached"
        /// The month so far, projected to its end, reaches 90 % (the last, incomplete month of the data).
        case forecastNearCeiling = "forecast_near_ceiling"
        /// The month so far, projected to its end, reaches the ceiling; `forecastDay` says about when.
        case forecastCeilingReached = "forecast_ceiling_reached"
        /// Under 90 % again after a month at or above it: the provider can take new users.
        case backUnderCeiling = "back_under_ceiling"
    }

    package var provider: String
    package var month: String
    package var performedHours: Double
    package var capacityHours: Double
    package var level: Level
    /// The share of the ceiling in per cent, rounded half up (projected for a forecast).
    package var percent: Int = 0
    /// For a forecast that reaches the ceiling: the day of the month it is reached at the month's pace so far.
    package var forecastDay: Int?

    /// The message for stderr and the report (Swedish; provider names only, never a user).
    package var message: String {
        let performed = ReportFormat.decimal(csv: CSVWriter.format(performedHours, places: 1))
        let capacity = ReportFormat.decimal(csv: CSVWriter.format(capacityHours, places: 1))
        let head = "\(provider) \(month): \(performed) h utförd tid av \(capacity) h kapacitetstak"
        switch level {
        case .ceilingReached: return "\(head) (\(percent) %) – kapacitetstaket är nått"
        case .nearCeiling: return "\(head) (\(percent) %) – nära kapacitetstaket (minst 90 %)"
        case .forecastCeilingReached:
            let day = forecastDay.map { " omkring den \($0):e" } ?? ""
            return "\(head) hittills – prognos: taket nås\(day) (\(percent) % vid månadens slut)"
        case .forecastNearCeiling:
            return "\(head) hittills – prognos: \(percent) % av taket vid månadens slut (minst 90 %)"
        case .backUnderCeiling:
            return "\(head) (\(percent) %) – under 90 % igen: kan ta emot nya brukare"
        }
    }
}

/// Row accounting of the time report: performed rows read = used + flagged (without time) + rejected.
package struct TimeAccounting: Sendable, Equatable {
    package var performedRead = 0
    /// Rows whose time counts (with or without a warning flag).
    package var performedUsed = 0
    /// Rows counted as visits without time: no check-out, or check-out before check-in.
    package var performedFlagged = 0
    package var performedRejected = 0
    /// Rows that repeat an earlier row (same provider, user, staff, check-in and check-out): counted once.
    package var performedDuplicate = 0
    package var allocatedRead = 0
    package var allocatedUsed = 0
    package var allocatedRejected = 0
    package var registerRead = 0
    package var registerRejected = 0

    package var reconciles: Bool {
        performedRead == performedUsed + performedFlagged + performedDuplicate + performedRejected
            && allocatedRead == allocatedUsed + allocatedRejected
    }
}

/// Everything `time-report` produced.
package struct TimeReportResult: Sendable {
    package var providerMonths: [ProviderMonth]
    package var userMonths: [UserMonth]
    package var providerDays: [ProviderDay]
    package var anomalies: [AnomalyRecord]
    package var warnings: [CapacityWarning]
    package var accounting: TimeAccounting
    package var rejectedRows: [RejectedRow]
    /// Users in order of first appearance (performed, then allocated), for löpnummer.
    package var usersInOrder: [(provider: String, user: String)]
    /// Whether an allocated-time report was given: without one, allocated hours are unknown, not zero.
    package var allocatedGiven = false
    /// Providers with performed time and no known capacity ceiling (no register, or none in it).
    package var providersWithoutCeiling: [String] = []
    /// The values of the performed-time exports' name column (`sort_name`/`namn`), for the disclosure check.
    package var inputNames: [String] = []
}

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
