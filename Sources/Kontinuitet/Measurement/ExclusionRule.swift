/// docs/method.md, "Rows that do not count": the rows that are neither visits nor staff.
///
/// Rule 6: "meal delivery (matleverans), alarm call-outs (larm, trygghetslarm), students and trainees (elev,
/// praktikant), and the city's home health-care staff (hemsjukvård). Such rows are neither visits nor staff."
/// Rule 2: "only visits whose local start time is at or after 07:00 and before 22:00 count."
/// A row is tested in the order of the cases below and counted under the first that applies.
package enum ExclusionRule: String, CaseIterable, Sendable {
    /// The row's start date is not one of the 14 days.
    case outsidePeriod = "outside_period"
    /// The category (insats) is meal delivery, an alarm call-out or home health care.
    case excludedCategory = "excluded_category"
    /// The staff role is a student, a trainee or the city's home health-care staff.
    case excludedRole = "excluded_role"
    /// The local start time is before 07:00 or at or after 22:00.
    case outsideHours = "outside_hours"

    /// Rule 2: true when a local time of day (seconds after midnight) is in [07:00, 22:00).
    @inline(__always)
    package static func isWithinDayHours(secondOfDay: Int) -> Bool {
        secondOfDay >= 7 * 3_600 && secondOfDay < 22 * 3_600
    }

    /// Rule 6 for the category column: true when the category names meal delivery, an alarm call-out or home
    /// health care (`matleverans`, `matdistribution`, `larm` — also in compounds such as `trygghetslarm` —,
    /// `meal`, `alarm`, `hemsjukvård`, `home health`), case-insensitively.
    package static func isExcludedCategory(_ category: String) -> Bool {
        let text = category.lowercased()
        let markers = [
            "matleverans", "matdistribution", "larm", "meal", "alarm", "hemsjukvård", "hemsjukvard",
            "home health",
        ]
        return markers.contains { text.contains($0) }
    }

    /// Rule 6 for the staff-role column: true when one of its words is `elev`, `student` or `trainee`, or it
    /// contains `praktikant` or `hemsjukvård`, case-insensitively. Whole words for the short markers, so that
    /// `Delegerad` or `Televård` are not taken for `elev`.
    package static func isExcludedRole(_ role: String) -> Bool {
        let text = role.lowercased()
        if ["praktikant", "hemsjukvård", "hemsjukvard", "home health"].contains(where: { text.contains($0) }) {
            return true
        }
        let words = text.split { !$0.isLetter }
        return words.contains { $0 == "elev" || $0 == "student" || $0 == "trainee" || $0 == "elever" }
    }
}
