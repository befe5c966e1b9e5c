import Foundation

/// The rolling pass of `measure --rolling`: every 14-day window of the data (docs/indices.md).
extension VisitLogMeasurement {
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
}
