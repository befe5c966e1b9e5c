/// The rules of performed time (utförd tid), each in one place.
///
/// A performed-time row is one staff member's check-in and check-out at one user's home (docs/time-report.md, "Inputs"); a
/// double-staffed visit is two rows, and each staff member's time counts.
package enum PerformedTimeRule {
    /// Elapsed real seconds between check-in and check-out, in UTC: a visit across the change to summer time is
    /// an hour shorter than the wall clock says, one across the change back an hour longer.
    ///
    /// In the autumn hour that occurs twice, a check-out that would fall before its check-in in the first reading
    /// is read as the second occurrence (standard time).
    package static func elapsedSeconds(checkIn: TimestampParser.Parsed, checkOut: TimestampParser.Parsed) -> Int {
        var zone = StockholmYearCache()
        return elapsedSeconds(checkIn: checkIn, checkOut: checkOut, zone: &zone)
    }

    /// `elapsedSeconds(checkIn:checkOut:)` with Stockholm's offsets from `zone` (the scan's, on the hot path).
    @inline(__always)
    static func elapsedSeconds(
        checkIn: TimestampParser.Parsed, checkOut: TimestampParser.Parsed, zone: inout StockholmYearCache
    ) -> Int {
        let start = checkIn.utc ?? zone.utcSeconds(fromWallClock: checkIn.wall)
        let end = checkOut.utc ?? zone.utcSeconds(fromWallClock: checkOut.wall)
        if end < start && checkOut.utc == nil {
            return zone.utcSeconds(fromWallClock: checkOut.wall, preferStandardTime: true) - start
        }
        return end - start
    }

    /// The longest plausible single visit; longer ones are counted but flagged.
    package static let longestPlausibleSeconds = 12 * 3_600
    /// The longest visit whose time counts at all: a longer one (a placeholder check-out such as
    /// `9999-12-31 23:59`, a year typed 2081) counts no time and is flagged.
    package static let longestCountedSeconds = 24 * 3_600

    /// Splits the interval `[checkIn, checkOut)` at every local midnight between them: each part is the local
    /// day it falls on and its real elapsed seconds. The parts sum to `elapsedSeconds`. Per-day and per-month
    /// sums use the parts (a visit from 23:30 on 30 September to 00:30 on 1 October is 30 minutes in each month).
    package static func partsByDay(checkIn: TimestampParser.Parsed, checkOut: TimestampParser.Parsed)
        -> [(day: Int, seconds: Int)]
    {
        partsByDay(
            startUTC: checkIn.utcSeconds(), startWall: checkIn.wall,
            seconds: elapsedSeconds(checkIn: checkIn, checkOut: checkOut))
    }

    /// `partsByDay(checkIn:checkOut:)` of a visit that starts at `startUTC` (wall clock `startWall`) and lasts
    /// `seconds` real seconds.
    static func partsByDay(startUTC: Int, startWall: Int, seconds total: Int) -> [(day: Int, seconds: Int)] {
        var parts: [(day: Int, seconds: Int)] = []
        var zone = StockholmYearCache()
        forEachPartByDay(startUTC: startUTC, startWall: startWall, seconds: total, zone: &zone) {
            parts.append(($0, $1))
        }
        return parts
    }

    /// `partsByDay(startUTC:startWall:seconds:)` without an array: `body(day, seconds)` for each part in order.
    @inline(__always)
    static func forEachPartByDay(
        startUTC: Int, startWall: Int, seconds total: Int, zone: inout StockholmYearCache,
        _ body: (Int, Int) -> Void
    ) {
        guard total > 0 else { return }
        let endUTC = startUTC + total
        var day = Stockholm.floorDiv(startWall, 86_400)
        var partStart = startUTC
        while partStart < endUTC {
            // Local midnight at the end of `day` (midnight never falls in a DST change in Sweden).
            let nextMidnightUTC = zone.utcSeconds(fromWallClock: (day + 1) * 86_400)
            let partEnd = min(endUTC, nextMidnightUTC)
            if partEnd > partStart { body(day, partEnd - partStart) }
            partStart = partEnd
            day += 1
        }
    }
}

/// The kinds of anomaly a performed-time row can have (`anomalies.csv`).
package enum PerformedAnomaly: String, CaseIterable, Sendable {
    /// No check-out: the visit counts, its time is 0 (not used for time).
    case missingCheckOut = "missing_check_out"
    /// Check-out before (or at) check-in: the visit counts, its time is 0 (not used for time).
    case checkOutBeforeCheckIn = "check_out_before_check_in"
    /// Longer than 12 hours: counted, flagged.
    case over12Hours = "over_12_hours"
    /// The same staff member checked in at two different users at overlapping times: counted, flagged on both.
    case overlappingVisits = "overlapping_visits"
    /// Check-in further from the planned start than the tolerance: counted, flagged.
    case farFromPlanned = "far_from_planned"
    /// Longer than 24 hours: no time counts, flagged.
    case over24Hours = "over_24_hours"
    /// The same provider, user, staff, check-in and check-out as another row: counted once, both flagged.
    case duplicateRow = "duplicate_row"

    /// True for the anomalies that leave the row without performed time.
    package var dropsTime: Bool { self == .missingCheckOut || self == .checkOutBeforeCheckIn || self == .over24Hours }

    /// Swedish description for people.
    package var swedish: String {
        switch self {
        case .missingCheckOut: return "utcheckning saknas"
        case .checkOutBeforeCheckIn: return "utcheckning före incheckning"
        case .over12Hours: return "besök längre än 12 timmar"
        case .overlappingVisits: return "samma medarbetare incheckad hos två brukare samtidigt"
        case .farFromPlanned: return "incheckning långt från planerad tid"
        case .over24Hours: return "besök längre än 24 timmar (räknas inte)"
        case .duplicateRow: return "samma rad två gånger (räknas en gång)"
        }
    }
}
