/// Rolling measurement (`measure --rolling`): the Kolada count for every 14-day window starting on each day of
/// the data, not only in weeks 36–37.
///
/// The rules are those of the period: in a window, a user is measured when it has at least two counted visits on
/// each of the 14 days (and is 65 or older on the window's first day where a birth date is known); the result is
/// the number of distinct staff over the window's counted visits. Every measured user counts (no sample: the
/// sample is a paper-era device, and a system can count everyone, as RKA advises).
public struct RollingResult: Sendable {
    /// The first and last day with counted visits in the data.
    public var firstDay: CivilDate
    public var lastDay: CivilDate
    /// Per provider and window start (only windows with at least one measured user), by provider then date.
    public var windows: [RollingWindowFigure]
    /// Per provider and calendar month of the window start.
    public var months: [RollingMonthFigure]
    /// Per user and window (filled only with `--per-user`), by first appearance of the user then date.
    public var users: [RollingUserWindow]
}

/// One provider's figure for one 14-day window.
public struct RollingWindowFigure: Sendable, Equatable {
    public var provider: String
    public var windowStart: CivilDate
    public var measuredUsers: Int
    public var mean: Double
    public var median: Double
}

/// One provider's figures over the windows that start in one month.
public struct RollingMonthFigure: Sendable, Equatable {
    public var provider: String
    /// `YYYY-MM`.
    public var month: String
    /// Measured user-windows starting in the month.
    public var userWindows: Int
    public var mean: Double
    public var median: Double
}

/// One measured window of one user.
public struct RollingUserWindow: Sendable, Equatable {
    /// Index into `MeasureResult.users`.
    public var user: Int
    public var windowStart: CivilDate
    public var distinctStaff: Int
}

/// The sliding-window computation.
enum RollingWindows {
    /// One user's days: distinct visits and distinct staff per day, days relative to the data's first day.
    /// Staff of day `d` are `staff[dayStaffStart[d] ..< dayStaffStart[d + 1]]`.
    struct UserDays {
        var visits: [UInt16]
        var dayStaffStart: [Int32]
        var staff: [Int32]

        /// Refills the days from one user's counted rows (`rows` is sorted in place).
        mutating func fill(from rows: inout [CountedRow], firstStored: Int) {
            for day in visits.indices { visits[day] = 0 }
            rows.sort { a, b in
                if a.day != b.day { return a.day < b.day }
                if a.staff != b.staff { return a.staff < b.staff }
                return a.visit < b.visit
            }
            dayStaffStart.removeAll(keepingCapacity: true)
            staff.removeAll(keepingCapacity: true)
            var index = 0
            var dayKeys: [UInt64] = []
            for day in 0..<visits.count {
                dayStaffStart.append(Int32(staff.count))
                dayKeys.removeAll(keepingCapacity: true)
                while index < rows.count && Int(rows[index].day) - firstStored == day {
                    let row = rows[index]
                    if staff.count == Int(dayStaffStart[day]) || staff[staff.count - 1] != row.staff {
                        staff.append(row.staff)
                    }
                    dayKeys.append(row.visit)
                    index += 1
                }
                if !dayKeys.isEmpty {
                    dayKeys.sort()
                    var distinct = 1
                    for k in 1..<dayKeys.count where dayKeys[k] != dayKeys[k - 1] { distinct += 1 }
                    visits[day] = UInt16(min(distinct, Int(UInt16.max)))
                }
            }
            dayStaffStart.append(Int32(staff.count))
        }
    }

    /// The measured windows of one user: `(window start, distinct staff)` for every start `0 ... days − 14`
    /// where each of the 14 days has at least two visits and `eligibleFrom` allows it.
    ///
    /// Staff members' day counts are added and removed as the window slides, so the whole year costs
    /// O(staff-days), not 365 recomputations. `counter` is scratch space indexed by staff id, all zero on entry and
    /// on return.
    ///
    /// - Parameter eligibleFrom: the first window start at which the user is 65 (0 when no birth date is known).
    static func windows(_ days: UserDays, eligibleFrom: Int, counter: inout [UInt16]) -> [(start: Int, staff: Int)] {
        let length = PeriodWindow.length
        let dayCount = days.visits.count
        guard dayCount >= length else { return [] }
        var result: [(start: Int, staff: Int)] = []
        var distinct = 0
        var thinDays = 0
        func add(_ day: Int) {
            if days.visits[day] < MeasurementEligibility.minimumDailyVisits { thinDays += 1 }
            for position in Int(days.dayStaffStart[day])..<Int(days.dayStaffStart[day + 1]) {
                let staff = Int(days.staff[position])
                if counter[staff] == 0 { distinct += 1 }
                counter[staff] += 1
            }
        }
        func remove(_ day: Int) {
            if days.visits[day] < MeasurementEligibility.minimumDailyVisits { thinDays -= 1 }
            for position in Int(days.dayStaffStart[day])..<Int(days.dayStaffStart[day + 1]) {
                let staff = Int(days.staff[position])
                counter[staff] -= 1
                if counter[staff] == 0 { distinct -= 1 }
            }
        }
        for day in 0..<length { add(day) }
        for start in 0...(dayCount - length) {
            if start > 0 {
                remove(start - 1)
                add(start + length - 1)
            }
            if thinDays == 0 && start >= eligibleFrom { result.append((start, distinct)) }
        }
        for day in (dayCount - length)..<dayCount { remove(day) }
        return result
    }

    /// The mean and median of a non-empty list of counts.
    static func meanAndMedian(_ values: [Int]) -> (Double, Double) {
        let summary = ProviderSummary(staffCounts: values)
        return (summary.mean ?? 0, summary.median ?? 0)
    }
}
