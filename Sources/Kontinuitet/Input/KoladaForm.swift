/// The Kolada continuity form a provider submits (docs/compile-validate.md, "The form"): one row per measured user with its löpnummer and
/// the number of staff it met. Read as text: `validate` reports every problem with its line, `compile` uses the
/// rows that are sound.
package struct KoladaForm: Sendable {
    /// One row as written.
    package struct Row: Sendable, Equatable {
        package var line: Int
        package var provider: String
        package var unit: String
        /// The löpnummer.
        package var user: String
        /// The staff count as written (validated by `FormValidation`).
        package var staffCountText: String
        package var district: String
        package var providerType: String
        package var periodStart: String
        package var periodEnd: String
        /// Every cell of the row, for the checks for personal data.
        package var cells: [String]

        /// The staff count when it is a whole number (`12`, `12,0` and `12.0` alike).
        package var staffCount: Int? { DecimalNumber.wholeNumber(staffCountText) }
    }

    package static let columns: [ColumnSpec] = [
        ColumnSpec("provider", aliases: ["utförare", "utforare"], required: true),
        ColumnSpec("unit", aliases: ["enhet"]),
        ColumnSpec("user", aliases: ["löpnummer", "lopnummer", "löpnr", "brukare", "user_id"], required: true),
        ColumnSpec("staff_count", aliases: ["antal personal", "antal", "personal", "staff"], required: true),
        ColumnSpec("district", aliases: ["stadsdel", "stadsdelsförvaltning", "område"]),
        ColumnSpec("provider_type", aliases: ["utförartyp", "typ", "regi"]),
        ColumnSpec("period_start", aliases: ["periodstart", "period från", "mätperiod start"]),
        ColumnSpec("period_end", aliases: ["periodslut", "period till", "mätperiod slut"]),
    ]

    package var path: String
    package var header: [String]
    package var headerLine: Int
    package var rows: [Row]
    /// Records that could not be split at all.
    package var malformed: [RejectedRow]

    /// Reads a form.
    ///
    /// - Throws: `InputError` when the file cannot be read or lacks the provider, löpnummer or staff count column.
    package static func load(path: String) throws -> KoladaForm {
        let table = try CSVTable.read(path)
        let columns = try ColumnIndex.resolve(
            header: table.file.header, specs: columns, file: path, line: table.file.headerLine)
        let rows = table.rows.map { row in
            Row(
                line: row.line, provider: row[columns["provider"]], unit: row[columns["unit"]],
                user: row[columns["user"]], staffCountText: row[columns["staff_count"]],
                district: row[columns["district"]], providerType: row[columns["provider_type"]].lowercased(),
                periodStart: row[columns["period_start"]], periodEnd: row[columns["period_end"]], cells: row.fields)
        }
        return KoladaForm(
            path: path, header: table.file.header, headerLine: table.file.headerLine, rows: rows,
            malformed: table.malformed)
    }
}
