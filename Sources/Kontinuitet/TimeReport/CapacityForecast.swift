/// The capacity-ceiling warnings of one provider's months (docs/time-report.md, "Capacity"): at 90 % and 100 % of
/// the ceiling (exact, `CapacityRule`); for the last month of the data when it is incomplete, a forecast from the
/// month's pace so far, so that a provider learns before it reaches its ceiling; and, after a month at or above
/// 90 %, a month back under 90 % (the provider can take new users again). The seed routine asks providers to tell
/// EKU both.
enum CapacityForecast {
    /// The warnings of `months` (one provider's, in month order); `lastDataDay` is the day number of the last day
    /// with performed time in the data.
    static func warnings(_ months: [ProviderMonth], lastDataDay: Int?) -> [CapacityWarning] {
        var warnings: [CapacityWarning] = []
        var previous: (month: String, atOrAbove90: Bool)?
        for (index, month) in months.enumerated() {
            defer {
                let reached = month.ceiling.map { $0.isReached(month.performedSeconds, percent: 90) } ?? false
                previous = (month.month, reached)
            }
            guard let ceiling = month.ceiling, let capacity = month.capacityHours,
                let first = CivilDate(parsing: month.month + "-01")
            else { continue }
            let days = CivilDate.daysInMonth(year: first.year, month: first.month)
            let firstDay = first.dayNumber
            // The last month of the data, when the data stops before its last day: project its pace.
            var projected: Int?
            var daysSoFar = days
            if index == months.count - 1, let last = lastDataDay, last >= firstDay, last < firstDay + days - 1 {
                daysSoFar = last - firstDay + 1
                projected = month.performedSeconds * days / daysSoFar
            }
            func warning(_ level: CapacityWarning.Level, seconds: Int, day: Int? = nil) -> CapacityWarning {
                CapacityWarning(
                    provider: month.provider, month: month.month, performedHours: month.performedHours,
                    capacityHours: capacity, level: level, percent: ceiling.percent(seconds), forecastDay: day)
            }
            if ceiling.isReached(month.performedSeconds, percent: 100) {
                warnings.append(warning(.ceilingReached, seconds: month.performedSeconds))
            } else if let projected, ceiling.isReached(projected, percent: 100), month.performedSeconds > 0 {
                // At the pace so far the ceiling is reached on the day the running total passes it.
                let day = (ceiling.seconds * daysSoFar + month.performedSeconds - 1) / month.performedSeconds
                warnings.append(warning(.forecastCeilingReached, seconds: projected, day: min(day, days)))
            } else if ceiling.isReached(month.performedSeconds, percent: 90) {
                warnings.append(warning(.nearCeiling, seconds: month.performedSeconds))
            } else if let projected, ceiling.isReached(projected, percent: 90) {
                warnings.append(warning(.forecastNearCeiling, seconds: projected))
            } else if let previous, previous.atOrAbove90, isMonth(previous.month, before: first) {
                warnings.append(warning(.backUnderCeiling, seconds: projected ?? month.performedSeconds))
            }
        }
        return warnings
    }

    /// True when `month` (`YYYY-MM`) is the calendar month before `first`.
    private static func isMonth(_ month: String, before first: CivilDate) -> Bool {
        guard let earlier = CivilDate(parsing: month + "-01") else { return false }
        return earlier.year * 12 + earlier.month + 1 == first.year * 12 + first.month
    }
}
