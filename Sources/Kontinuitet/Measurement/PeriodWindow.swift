/// The period (docs/method.md, "Period"): "14 consecutive local days. Default: Monday of ISO week 36 to Sunday of ISO
/// week 37 of the measurement year (2018: 3–16 September). Any start date can be given."
package struct PeriodWindow: Sendable, Equatable {
    /// The number of days in a Kolada measurement period.
    package static let length = 14

    /// Day number (days since 1970-01-01) of the first local day.
    package let firstDay: Int

    package init(start: CivilDate) { firstDay = start.dayNumber }

    /// The Kolada default: Monday of ISO week 36 through Sunday of ISO week 37 of `year`.
    package static func kolada(year: Int) -> PeriodWindow {
        PeriodWindow(start: CivilDate(dayNumber: mondayOfISOWeek(36, year: year)))
    }

    /// Day number of the Monday of ISO week `week` of `year` (week 1 is the week holding 4 January).
    static func mondayOfISOWeek(_ week: Int, year: Int) -> Int {
        let january4 = CivilDate.dayNumber(year: year, month: 1, day: 4)
        let mondayOfWeek1 = january4 - (CivilDate.isoWeekday(dayNumber: january4) - 1)
        return mondayOfWeek1 + (week - 1) * 7
    }

    package var start: CivilDate { CivilDate(dayNumber: firstDay) }
    package var end: CivilDate { CivilDate(dayNumber: firstDay + Self.length - 1) }

    /// docs/method.md, "Users": a user's unit is "the unit as it is at the end of the period", that of its row with the
    /// latest start before the period ends or, when it has none, of its earliest row after (ties: the last in input
    /// order). This ranks a row by its start (wall-clock seconds), given the period's `endSecond`, so that the row
    /// giving the unit ranks highest: rows before the end by their start, rows from the end on below all of them,
    /// the earliest highest.
    @inline(__always)
    static func unitRank(ofStart wall: Int, periodEnd end: Int) -> Int {
        // Starts are within a few thousand years of 1970 (|wall| < 10^12), far from the limits of Int.
        wall < end ? wall : Int.min / 2 &- (wall &- end)
    }

    /// The wall-clock second the period ends (midnight after its last day).
    package var endSecond: Int { (firstDay + Self.length) * 86_400 }

    /// The 0-based index (0…13) of a local day in the period, or nil when the day is outside it.
    @inline(__always)
    package func dayIndex(ofDay dayNumber: Int) -> Int? {
        let index = dayNumber - firstDay
        return index >= 0 && index < Self.length ? index : nil
    }
}
