/// Rolling measurement (`measure --rolling`): the Kolada count for every 14-day window starting on each day of
/// the data, not only in weeks 36–37.
///
/// The rules are those of the period: in a window, a user is measured when it has at least two counted visits on
/// each of the 14 days (and is 65 or older on the window's first day where a birth date is known); the result is
/// the number of distinct staff over the window's counted visits. Every measured user counts (no sample: the
/// sample is a paper-era device, and a system can count everyone, as RKA advises).
package struct RollingResult: Sendable {
    /// The first and last day with counted visits in the data.
    package var firstDay: CivilDate
    package var lastDay: CivilDate
    /// Per provider and window start (only windows with at least one measured user), by provider then date.
    package var windows: [RollingWindowFigure]
    /// Per provider and calendar month of the window start.
    package var months: [RollingMonthFigure]
    /// Per user and window (filled only with `--per-user`), by first appearance of the user then date.
    package var users: [RollingUserWindow]
}

/// One provider's figure for one 14-day window.
package struct RollingWindowFigure: Sendable, Equatable {
    package var provider: String
    package var windowStart: CivilDate
    package var measuredUsers: Int
    package var mean: Double
    package var median: Double
}

/// One provider's figures over the windows that start in one month.
package struct RollingMonthFigure: Sendable, Equatable {
    package var provider: String
    /// `YYYY-MM`.
    package var month: String
    /// Measured user-windows starting in the month.
    package var userWindows: Int
    package var mean: Double
    package var median: Double
}

/// One measured window of one user.
package struct RollingUserWindow: Sendable, Equatable {
    /// Index into `MeasureResult.users`.
    package var user: Int
    package var windowStart: CivilDate
    package var distinctStaff: Int
}

/// The sliding-window computation.
enum RollingWindows {
    /// One user's days: distinct visits and distinct staff per day, days relative to the data's first day.
    /// Staff of day `d` are `staff[dayStaffStart[d] ..< dayStaffStart[d + 1]]`.
    struct UserDays {
        var visits: [UInt16]
        var dayStaffStart: [Int32]
        var staff: [Int32]

        /// Scratch: where each day's rows end in `ordered` while bucketing, and the rows bucketed by day.
        var dayEnds: [Int32] = []
        var ordered: [CountedRow] = []

        /// Refills the days from one user's counted rows: the rows are bucketed by day (a counting sort, as a
        /// year of rows is long and a day's few), then each day's distinct visits are counted and its distinct
        /// staff listed, by comparing each row with the day's rows before it (a day with more than `fewRows` rows
        /// is sorted instead). `staff` may hold unused entries past `dayStaffStart[dayCount]`.
        mutating func fill(from index: UserRowIndex, user: Int, firstStored: Int) {
            let dayCount = visits.count
            let rowCount = index.rowCount(of: user)
            let blank = CountedRow(user: 0, staff: 0, day: 0, minute: 0, visit: 0)
            dayEnds.removeAll(keepingCapacity: true)
            dayEnds.append(contentsOf: repeatElement(0, count: dayCount + 1))
            if dayStaffStart.count != dayCount + 1 {
                dayStaffStart = [Int32](repeating: 0, count: dayCount + 1)
            }
            // Every place of `ordered` and `staff` used is written below; they grow only for a longer user.
            if ordered.count < rowCount {
                ordered.append(contentsOf: repeatElement(blank, count: rowCount - ordered.count))
            }
            if staff.count < rowCount { staff.append(contentsOf: repeatElement(0, count: rowCount - staff.count)) }
            dayEnds.withUnsafeMutableBufferPointer { ends in
                ordered.withUnsafeMutableBufferPointer { out in
                    index.forEachRow(of: user) { row in ends[Int(row.day) - firstStored + 1] += 1 }
                    for day in 0..<dayCount { ends[day + 1] += ends[day] }
                    // ends[d] is now where day d starts; placing the rows moves it to where day d ends.
                    index.forEachRow(of: user) { row in
                        let day = Int(row.day) - firstStored
                        out[Int(ends[day])] = row
                        ends[day] += 1
                    }
                    staff.withUnsafeMutableBufferPointer { staffOut in
                        dayStaffStart.withUnsafeMutableBufferPointer { starts in
                            visits.withUnsafeMutableBufferPointer { dailyVisits in
                                var from = 0
                                var staffCount = 0
                                for day in 0..<dayCount {
                                    let to = Int(ends[day])
                                    starts[day] = Int32(staffCount)
                                    var distinct = 0
                                    if to - from > Self.fewRows {
                                        // Sorted in a copy: the day's rows stay in input order.
                                        var rowsOfDay = Array(out[from..<to])
                                        rowsOfDay.sort { $0.visit < $1.visit }
                                        distinct = 1
                                        for k in 1..<rowsOfDay.count where rowsOfDay[k].visit != rowsOfDay[k - 1].visit
                                        {
                                            distinct += 1
                                        }
                                        rowsOfDay.sort { $0.staff < $1.staff }
                                        staffOut[staffCount] = rowsOfDay[0].staff
                                        staffCount += 1
                                        for k in 1..<rowsOfDay.count where rowsOfDay[k].staff != rowsOfDay[k - 1].staff
                                        {
                                            staffOut[staffCount] = rowsOfDay[k].staff
                                            staffCount += 1
                                        }
                                    } else if to > from {
                                        // A day's few rows: each visit and staff member compared with those before
                                        // it, without sorting.
                                        let dayStaffStart = staffCount
                                        for k in from..<to {
                                            let row = out[k]
                                            var newVisit = true
                                            var j = from
                                            while j < k {
                                                if out[j].visit == row.visit {
                                                    newVisit = false
                                                    break
                                                }
                                                j += 1
                                            }
                                            if newVisit { distinct += 1 }
                                            var newStaff = true
                                            var m = dayStaffStart
                                            while m < staffCount {
                                                if staffOut[m] == row.staff {
                                                    newStaff = false
                                                    break
                                                }
                                                m += 1
                                            }
                                            if newStaff {
                                                staffOut[staffCount] = row.staff
                                                staffCount += 1
                                            }
                                        }
                                    }
                                    dailyVisits[day] = UInt16(min(distinct, Int(UInt16.max)))
                                    from = to
                                }
                                starts[dayCount] = Int32(staffCount)
                            }
                        }
                    }
                }
            }
        }

        /// The rows of `days` (relative days, clipped to the user's days) as `fill` left them: by day, and in
        /// input order within a day.
        func rows(ofDays range: Range<Int>) -> [CountedRow] {
            let first = max(0, range.lowerBound)
            let last = min(visits.count, range.upperBound)
            guard first < last else { return [] }
            let from = first == 0 ? 0 : Int(dayEnds[first - 1])
            return Array(ordered[from..<Int(dayEnds[last - 1])])
        }

        /// Up to this many rows, a day's distinct visits and staff are found by comparing each row with those
        /// before it; more are sorted.
        static let fewRows = 24
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
        // Staff ids index `counter` (sized to every staff member) and day offsets come from `fill`: the loops read
        // and write through pointers, without a bounds check per staff member and day.
        days.visits.withUnsafeBufferPointer { visits in
            days.dayStaffStart.withUnsafeBufferPointer { dayStaffStart in
                days.staff.withUnsafeBufferPointer { staffOfDays in
                    counter.withUnsafeMutableBufferPointer { counter in
                        var distinct = 0
                        var thinDays = 0
                        let minimum = MeasurementEligibility.minimumDailyVisits
                        for day in 0..<length {
                            if visits[day] < minimum { thinDays += 1 }
                            for position in Int(dayStaffStart[day])..<Int(dayStaffStart[day + 1]) {
                                let staff = Int(staffOfDays[position])
                                if counter[staff] == 0 { distinct += 1 }
                                counter[staff] += 1
                            }
                        }
                        for start in 0...(dayCount - length) {
                            if start > 0 {
                                let leaving = start - 1
                                if visits[leaving] < minimum { thinDays -= 1 }
                                for position in Int(dayStaffStart[leaving])..<Int(dayStaffStart[leaving + 1]) {
                                    let staff = Int(staffOfDays[position])
                                    counter[staff] -= 1
                                    if counter[staff] == 0 { distinct -= 1 }
                                }
                                let entering = start + length - 1
                                if visits[entering] < minimum { thinDays += 1 }
                                for position in Int(dayStaffStart[entering])..<Int(dayStaffStart[entering + 1]) {
                                    let staff = Int(staffOfDays[position])
                                    if counter[staff] == 0 { distinct += 1 }
                                    counter[staff] += 1
                                }
                            }
                            if thinDays == 0 && start >= eligibleFrom { result.append((start, distinct)) }
                        }
                        // Leave `counter` all zero for the next user.
                        for day in (dayCount - length)..<dayCount {
                            for position in Int(dayStaffStart[day])..<Int(dayStaffStart[day + 1]) {
                                counter[Int(staffOfDays[position])] = 0
                            }
                        }
                    }
                }
            }
        }
        return result
    }

    /// The mean and median of a non-empty list of counts, as `ProviderSummary` computes them. Staff counts are
    /// small, so a long list is counted into a histogram instead of sorted; a short one is sorted in place.
    static func meanAndMedian(_ values: inout ArraySlice<Int32>) -> (Double, Double) {
        let n = values.count
        let sum = values.reduce(0) { $0 + Int($1) }
        let mean = Double(sum) / Double(n)
        guard let low = values.min(), let high = values.max() else { return (0, 0) }
        // The values at sorted positions n / 2 − 1 and n / 2 (the median is one or their mean).
        let lowerRank = (n - 1) / 2
        let upperRank = n / 2
        var lower = 0
        var upper = 0
        let span = Int(high) - Int(low) + 1
        if n < 64 || span > 4 * n {
            values.sort()
            lower = Int(values[values.startIndex + lowerRank])
            upper = Int(values[values.startIndex + upperRank])
        } else {
            var histogram = [Int](repeating: 0, count: span)
            for value in values { histogram[Int(value) - Int(low)] += 1 }
            var seen = 0
            var foundLower = false
            for (offset, count) in histogram.enumerated() where count > 0 {
                seen += count
                if !foundLower && seen > lowerRank {
                    lower = Int(low) + offset
                    foundLower = true
                }
                if seen > upperRank {
                    upper = Int(low) + offset
                    break
                }
            }
        }
        return (mean, n % 2 == 1 ? Double(upper) : Double(lower + upper) / 2)
    }
}
