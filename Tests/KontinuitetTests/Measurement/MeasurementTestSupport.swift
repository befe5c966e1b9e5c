import Foundation

@testable import Kontinuitet

/// Builds small visit logs whose right answer is known by hand.
struct VisitLogBuilder {
    var header = "provider,unit,user,staff,start,visit,category,staff_role,sort_name,birth_date"
    private(set) var lines: [String] = []

    /// One row. `day` is the 0-based day of the 2018 Kolada period (day 0 = Monday 3 September 2018).
    mutating func row(
        provider: String = "P1", unit: String = "U1", user: String, staff: String, day: Int, time: String,
        visit: String = "", category: String = "", role: String = "", name: String = "", birth: String = ""
    ) {
        let date = CivilDate(year: 2018, month: 9, day: 3).adding(days: day)
        lines.append(
            [provider, unit, user, staff, "\(date) \(time)", visit, category, role, name, birth].joined(separator: ","))
    }

    /// Two visits (08:00 and 17:00) on every day of the period, by staff taken in turn from `staff`.
    mutating func regularUser(
        provider: String = "P1", unit: String = "U1", user: String, staff: [String], name: String = "",
        birth: String = "", skipDay: Int? = nil
    ) {
        var next = 0
        for day in 0..<14 where day != skipDay {
            for time in ["08:00", "17:00"] {
                row(
                    provider: provider, unit: unit, user: user, staff: staff[next % staff.count], day: day,
                    time: time, name: name, birth: birth)
                next += 1
            }
        }
    }

    var text: String { ([header] + lines).joined(separator: "\n") + "\n" }

    /// Writes the log and measures it with the given options.
    func measure(_ configure: (inout MeasureOptions) -> Void = { _ in }) throws -> MeasureResult {
        let directory = TemporaryDirectory()
        let path = directory.file("visits.csv", text)
        var options = MeasureOptions()
        configure(&options)
        return try VisitLogMeasurement.run(paths: [path], options: options)
    }
}

extension MeasureResult {
    func user(_ id: String, provider: String = "P1") -> UserMeasurement? {
        users.first { $0.userID == id && $0.provider == provider }
    }
}
