/// The rules of docs/method.md, "Rows that do not count", as the scan asks them of a decoded row, in the method's
/// order: rule 1 (the period, `PeriodWindow`) by `isInPeriod(day:)`, then rules 2–4 (category, role, 07:00–22:00,
/// `ExclusionRule`) by `exclusion(secondOfDay:category:role:)`. A row neither excludes is counted; `fate` gives the
/// four in one answer.
///
/// The rules themselves are `ExclusionRule`'s and `PeriodWindow`'s; this only remembers the answer for each
/// distinct raw category and role (`ValueMemo`), as a log repeats a handful of them on every row.
struct VisitRowExclusions {
    let period: PeriodWindow
    private var categoryExcluded = ValueMemo()
    private var roleExcluded = ValueMemo()

    init(period: PeriodWindow) { self.period = period }

    /// Rule 1: true when the local day `day` (a day number) is one of the period's 14.
    @inline(__always)
    func isInPeriod(day: Int) -> Bool { period.dayIndex(ofDay: day) != nil }

    /// Rules 2–4 for a row of any day: the first of `excludedCategory`, `excludedRole` and `outsideHours` that
    /// applies to its trimmed `category` and `role` (empty: no value) and its local start time `secondOfDay`, or
    /// nil when none does. (Rolling measurement keeps rows of other days that these rules would count.)
    @_transparent
    mutating func exclusion(
        secondOfDay: Int, category: UnsafeBufferPointer<UInt8>, role: UnsafeBufferPointer<UInt8>
    ) -> ExclusionRule? {
        // (Nested conditions rather than `&&`, whose right side is a closure the loop would call.)
        if !category.isEmpty {
            if categoryExcluded.answer(category, { ExclusionRule.isExcludedCategory(TextDecoding.string($0)) }) {
                return .excludedCategory
            }
        }
        if !role.isEmpty {
            if roleExcluded.answer(role, { ExclusionRule.isExcludedRole(TextDecoding.string($0)) }) {
                return .excludedRole
            }
        }
        if !ExclusionRule.isWithinDayHours(secondOfDay: secondOfDay) { return .outsideHours }
        return nil
    }

    /// The rule a row starting at `secondOfDay` of local day `day` is excluded under, in the method's order, or nil
    /// when the row is counted.
    @_transparent
    mutating func fate(
        day: Int, secondOfDay: Int, category: UnsafeBufferPointer<UInt8>, role: UnsafeBufferPointer<UInt8>
    ) -> ExclusionRule? {
        guard isInPeriod(day: day) else { return .outsidePeriod }
        return exclusion(secondOfDay: secondOfDay, category: category, role: role)
    }
}
