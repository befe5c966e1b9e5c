import Foundation

/// Options of `kontinuitet time-report`.
package struct TimeReportOptions: Sendable {
    /// A check-in further than this from the planned start is flagged (minutes).
    package var plannedToleranceMinutes = 60
    /// Worker threads for reading the exports; the result does not depend on it.
    package var threads = ProcessInfo.processInfo.activeProcessorCount
    /// The provider of exports without a provider column (`--provider NAME`).
    package var defaultProvider: String?
    /// The smallest chunk a file is cut into for parallel reading (tests make it tiny to exercise the cuts).
    var minimumChunkBytes = 1 << 20
    /// The most rows a pass indexes at once (`PerformedRows.mostIndexedRows`; tests make it tiny).
    var mostIndexedRows = PerformedRows.mostIndexedRows
    /// The largest chunk read at once (`PerformedScanner.largestChunkBytes`; tests make it tiny).
    var largestChunkBytes = PerformedScanner.largestChunkBytes
    /// Rows held in memory before they go to a scratch file, and rows per segment (`PerformedMonths`; tests make
    /// them tiny).
    var rowsInMemory = PerformedMonths.rowsInMemory
    var segmentRows = PerformedMonths.segmentRows
    /// The most rows added up at once (`PerformedMonths.rowsPerWindow`; tests make it 1: a month at a time).
    var rowsPerWindow = PerformedMonths.rowsPerWindow
    /// Where rows beyond `rowsInMemory` are kept (`TMPDIR`, else `/tmp`).
    var scratchDirectory = PerformedMonths.defaultScratchDirectory
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

/// The anomalies of a run, one entry per row with any, in file order: 12 bytes a row, for the millions of rows of a
/// city's year (`AnomalyRecord`s are made from them on demand).
package struct AnomalyRows: Sendable {
    package struct Row: Sendable {
        /// The index of the file in `files`.
        var file: Int32
        var line: Int32
        /// The anomalies as bits, in the order of `PerformedAnomaly.allCases`.
        var kinds: UInt8
    }

    package var files: [String] = []
    package var rows: [Row] = []

    /// The number of each kind of anomaly.
    package var totals: [PerformedAnomaly: Int] {
        var counts = [Int](repeating: 0, count: PerformedAnomaly.allCases.count)
        for row in rows {
            for k in counts.indices where row.kinds & (1 << UInt8(k)) != 0 { counts[k] += 1 }
        }
        var totals: [PerformedAnomaly: Int] = [:]
        for (k, kind) in PerformedAnomaly.allCases.enumerated() { totals[kind] = counts[k] }
        return totals
    }

    /// Calls `body` with each anomaly in order: the file's index, the line and the kind.
    func forEach(_ body: (Int, Int, PerformedAnomaly) throws -> Void) rethrows {
        let kinds = PerformedAnomaly.allCases
        try forEach(ofRows: rows.indices) { file, line, kind in try body(file, line, kinds[kind]) }
    }

    /// Calls `body` with each anomaly of `rows[range]` in order: the file's index, the line and the kind's index
    /// in `PerformedAnomaly.allCases`.
    @inline(__always)
    func forEach(ofRows range: Range<Int>, _ body: (Int, Int, Int) throws -> Void) rethrows {
        let kinds = PerformedAnomaly.allCases.count
        for row in rows[range] {
            for k in 0..<kinds where row.kinds & (1 << UInt8(k)) != 0 { try body(Int(row.file), Int(row.line), k) }
        }
    }

    /// `rows` in file order, the rows of one line made one (their anomalies together).
    static func inFileOrder(_ rows: [Row]) -> [Row] {
        var sorted = rows
        sorted.sort { $0.file != $1.file ? $0.file < $1.file : $0.line < $1.line }
        var merged: [Row] = []
        merged.reserveCapacity(sorted.count)
        for row in sorted {
            if let last = merged.last, last.file == row.file && last.line == row.line {
                merged[merged.count - 1].kinds |= row.kinds
            } else {
                merged.append(row)
            }
        }
        return merged
    }

    /// Every anomaly as a record (for tests and small runs).
    package var records: [AnomalyRecord] {
        var records: [AnomalyRecord] = []
        forEach { records.append(AnomalyRecord(file: files[$0], line: $1, kind: $2)) }
        return records
    }
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

    /// The message for stderr (Swedish; provider names only, never a user).
    package var message: String { text(month: month, space: " ") }

    /// The message with the month written as `month` and `space` before every unit (the report writes
    /// "oktober 2018" and a no-break space): one wording for stderr and the page.
    package func text(month: String, space: String, afterProvider: String = "") -> String {
        let performed = ReportFormat.decimal(csv: CSVWriter.format(performedHours, places: 1))
        let capacity = ReportFormat.decimal(csv: CSVWriter.format(capacityHours, places: 1))
        let head =
            "\(provider)\(afterProvider) \(month): \(performed)\(space)h utförd tid av \(capacity)\(space)h kapacitetstak"
        let share = "\(percent)\(space)%"
        switch level {
        case .ceilingReached: return "\(head) (\(share)) – kapacitetstaket är nått"
        case .nearCeiling: return "\(head) (\(share)) – nära kapacitetstaket (minst 90\(space)%)"
        case .forecastCeilingReached:
            let day = forecastDay.map { " omkring den \($0):e" } ?? ""
            return "\(head) hittills – prognos: taket nås\(day) (\(share) vid månadens slut)"
        case .forecastNearCeiling:
            return "\(head) hittills – prognos: \(share) av taket vid månadens slut (minst 90\(space)%)"
        case .backUnderCeiling:
            return "\(head) (\(share)) – under 90\(space)% igen: kan ta emot nya brukare"
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
    /// The anomalies of every row, in file order.
    package var anomalyRows: AnomalyRows
    /// The anomalies as records (built on each use: for tests and small runs).
    package var anomalies: [AnomalyRecord] { anomalyRows.records }
    package var warnings: [CapacityWarning]
    package var accounting: TimeAccounting
    package var rejectedRows: [RejectedRow]
    /// Users in order of first appearance (performed, then allocated), for löpnummer.
    package var usersInOrder: [(provider: String, user: String)]
    /// Whether an allocated-time report was given: without one, allocated hours are unknown, not zero.
    package var allocatedGiven = false
    /// Providers with performed time and no known capacity ceiling (no register, or none in it).
    package var providersWithoutCeiling: [String] = []
    /// Performed-time exports with a header and no data row.
    package var filesWithoutRows: [String] = []
    /// The values of the performed-time exports' name column (`sort_name`/`namn`), for the disclosure check.
    package var inputNames: [String] = []
}
