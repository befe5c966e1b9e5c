/// The provider register (docs/compile-validate.md, "The register"): every provider or unit with its type, district, capacity ceiling and the
/// dates it was valid, and what it became (renamed or merged) when it stopped.
package struct ProviderRegister: Sendable {
    /// One row of the register.
    package struct Entry: Sendable, Equatable {
        package var line: Int
        /// The id used in visit logs and forms.
        package var provider: String
        package var name: String
        /// `kommunal` or `privat` (as written, lower-cased); empty when not given.
        package var providerType: String
        package var district: String
        /// Kapacitetstak: hours per month; nil when not given.
        package var capacityHours: Double?
        package var validFrom: CivilDate?
        package var validTo: CivilDate?
        package var mergedInto: String
        package var renamedTo: String

        /// True when the entry is valid on some day of `month` (`YYYY-MM`).
        package func isValid(inMonth first: CivilDate) -> Bool {
            let last = CivilDate(
                year: first.year, month: first.month,
                day: CivilDate.daysInMonth(year: first.year, month: first.month))
            if let validFrom, validFrom > last { return false }
            if let validTo, validTo < first { return false }
            return true
        }

        /// True when `key` (trimmed, case-insensitive) names this entry by id or by name.
        func matches(_ key: String) -> Bool {
            let folded = key.trimmingBlanks.lowercased()
            return provider.lowercased() == folded || (!name.isEmpty && name.lowercased() == folded)
        }
    }

    package static let columns: [ColumnSpec] = [
        ColumnSpec("provider", aliases: ["utförare", "utforare", "id", "enhet", "unit"], required: true),
        ColumnSpec("name", aliases: ["namn"]),
        ColumnSpec("provider_type", aliases: ["typ", "utförartyp", "regi"]),
        ColumnSpec("district", aliases: ["stadsdel", "område"]),
        ColumnSpec("capacity_hours", aliases: ["kapacitetstak", "kapacitet", "capacity"]),
        ColumnSpec("valid_from", aliases: ["giltig från", "från", "from"]),
        ColumnSpec("valid_to", aliases: ["giltig till", "till", "to"]),
        ColumnSpec("merged_into", aliases: ["sammanslagen med", "sammanslagen till", "uppgått i"]),
        ColumnSpec("renamed_to", aliases: ["nytt namn", "bytt namn till"]),
    ]

    package var path: String
    package var entries: [Entry]
    /// Rows that could not be read, with the reason.
    package var rejected: [RejectedRow]
    /// Data rows read (entries + rejected).
    package var rowsRead: Int { entries.count + rejected.count }

    /// The summary line of the register's rows for stderr.
    package var summary: String {
        "register \(path): rows read \(rowsRead) = used \(entries.count) + rejected \(rejected.count)"
    }

    /// Reads a register file.
    ///
    /// - Throws: `InputError` when the file cannot be read or lacks the `provider` column.
    package static func load(path: String) throws -> ProviderRegister {
        let table = try CSVTable.read(path)
        let columns = try ColumnIndex.resolve(
            header: table.file.header, specs: columns, file: path, line: table.file.headerLine)
        var entries: [Entry] = []
        var rejected = table.malformed
        for row in table.rows {
            func reject(_ reason: String, _ detail: String) {
                rejected.append(
                    RejectedRow(
                        file: path, line: row.line, reason: reason, detail: detail,
                        row: row.fields.joined(separator: ",")))
            }
            let provider = row[columns["provider"]]
            guard !provider.isEmpty else {
                reject("missing_provider", "column 'provider' is empty")
                continue
            }
            var capacity: Double?
            let capacityText = row[columns["capacity_hours"]]
            if !capacityText.isEmpty {
                guard let value = DecimalNumber.parse(capacityText), value >= 0 else {
                    reject("bad_capacity_hours", "column 'capacity_hours' is not a number of hours")
                    continue
                }
                capacity = value
            }
            var dates: [CivilDate?] = []
            var badDate: String?
            for column in ["valid_from", "valid_to"] {
                let text = row[columns[column]]
                if text.isEmpty {
                    dates.append(nil)
                } else if let date = CivilDate(parsing: text) {
                    dates.append(date)
                } else {
                    badDate = column
                }
            }
            if let badDate {
                reject("bad_\(badDate)", "column '\(badDate)' is not a date YYYY-MM-DD")
                continue
            }
            if let from = dates[0], let to = dates[1], to < from {
                reject("bad_validity", "column 'valid_to' is before 'valid_from'")
                continue
            }
            if !row[columns["merged_into"]].isEmpty && !row[columns["renamed_to"]].isEmpty {
                reject("bad_change", "both 'merged_into' and 'renamed_to' are given; a row says one change")
                continue
            }
            entries.append(
                Entry(
                    line: row.line, provider: provider, name: row[columns["name"]],
                    providerType: row[columns["provider_type"]].lowercased(), district: row[columns["district"]],
                    capacityHours: capacity, validFrom: dates[0], validTo: dates[1],
                    mergedInto: row[columns["merged_into"]], renamedTo: row[columns["renamed_to"]]))
        }
        return ProviderRegister(path: path, entries: entries, rejected: rejected)
    }

    /// The entry for `provider` (by id, else by name) valid in the month starting on `first`, if any.
    package func entry(for provider: String, inMonth first: CivilDate) -> Entry? {
        entries.first { $0.matches(provider) && $0.isValid(inMonth: first) }
    }

    /// Every entry for `provider` (by id, else by name).
    package func entries(for provider: String) -> [Entry] {
        entries.filter { $0.matches(provider) }
    }
}
