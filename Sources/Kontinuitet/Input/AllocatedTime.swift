/// The allocated-time report (docs/time-report.md, "Inputs"), Treserva's "fördelad tid": hours per provider, unit, user and month.
package struct AllocatedTime: Sendable {
    /// One row, hours as given.
    package struct Entry: Sendable, Equatable {
        package var file: String
        package var line: Int
        package var provider: String
        package var unit: String
        package var user: String
        /// `YYYY-MM`.
        package var month: String
        package var allocatedHours: Double
        package var grantedHours: Double?
    }

    package static let columns: [ColumnSpec] = [
        ColumnSpec("provider", aliases: ["utförare", "utforare"], required: true),
        ColumnSpec("unit", aliases: ["enhet"]),
        ColumnSpec("user", aliases: ["brukare", "kund", "user_id"], required: true),
        ColumnSpec("month", aliases: ["månad", "period"], required: true),
        ColumnSpec("allocated_hours", aliases: ["fördelad tid", "fördelade timmar", "allocated"], required: true),
        ColumnSpec("granted_hours", aliases: ["beviljad tid", "beviljade timmar", "granted"]),
        ColumnSpec("insats", aliases: ["category", "kategori"]),
    ]

    package var entries: [Entry]
    package var rejected: [RejectedRow]
    package var rowsRead: Int

    /// Reads allocated-time reports; a row with a bad month or number is rejected with its line.
    package static func load(paths: [String]) throws -> AllocatedTime {
        var result = AllocatedTime(entries: [], rejected: [], rowsRead: 0)
        for path in paths {
            let file = try CSVFile.open(path)
            let columns = try ColumnIndex.resolve(
                header: file.header, specs: columns, file: path, line: file.headerLine)
            file.forEachRecord(
                { line, fields in
                    result.rowsRead += 1
                    func value(_ name: String) -> String { columns[name].map { fields.string($0) } ?? "" }
                    func reject(_ reason: String, _ detail: String) {
                        result.rejected.append(
                            RejectedRow(
                                file: path, line: line, reason: reason, detail: detail,
                                row: CSVFile.rawRow(fields, delimiter: file.delimiter)))
                    }
                    for required in ["provider", "user"] where value(required).isEmpty {
                        return reject("missing_\(required)", "column '\(required)' is empty")
                    }
                    guard let month = Self.month(value("month")) else {
                        return reject("bad_month", "column 'month' is not a month YYYY-MM")
                    }
                    guard let allocated = DecimalNumber.parse(value("allocated_hours")), allocated >= 0 else {
                        return reject("bad_allocated_hours", "column 'allocated_hours' is not a number of hours")
                    }
                    // One user cannot be given more hours than the month has.
                    let monthHours = Self.hours(inMonth: month)
                    guard allocated <= monthHours else {
                        return reject(
                            "implausible_allocated_hours",
                            "column 'allocated_hours' is more than the \(Int(monthHours)) hours of the month")
                    }
                    var granted: Double?
                    if !value("granted_hours").isEmpty {
                        guard let number = DecimalNumber.parse(value("granted_hours")), number >= 0 else {
                            return reject("bad_granted_hours", "column 'granted_hours' is not a number of hours")
                        }
                        guard number <= monthHours else {
                            return reject(
                                "implausible_granted_hours",
                                "column 'granted_hours' is more than the \(Int(monthHours)) hours of the month")
                        }
                        granted = number
                    }
                    result.entries.append(
                        Entry(
                            file: path, line: line, provider: value("provider"), unit: value("unit"),
                            user: value("user"), month: month, allocatedHours: allocated, grantedHours: granted))
                },
                malformed: { row in
                    result.rowsRead += 1
                    result.rejected.append(row)
                }, blank: {})
        }
        return result
    }

    /// The hours of a `YYYY-MM` month (24 × its days).
    static func hours(inMonth month: String) -> Double {
        guard let first = CivilDate(parsing: month + "-01") else { return 31 * 24 }
        return Double(24 * CivilDate.daysInMonth(year: first.year, month: first.month))
    }

    /// `YYYY-MM` from `YYYY-MM`, `YYYYMM` or `YYYY-MM-DD` (any day of the month).
    static func month(_ text: String) -> String? {
        let digits = text.filter(\.isNumber)
        guard digits.count == 6 || digits.count == 8, let year = Int(digits.prefix(4)),
            let month = Int(digits.dropFirst(4).prefix(2)), (1...12).contains(month), year > 1900
        else { return nil }
        return "\(year)-\(month < 10 ? "0" : "")\(month)"
    }
}
