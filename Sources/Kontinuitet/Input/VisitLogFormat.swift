/// The columns of a visit log (README, "Input formats") and of a Phoniro-style performed-time export
/// (docs/time-report.md, "Inputs"), which is a visit log with planned times and can feed `measure` too.
package enum VisitLogFormat {
    package static let provider = ColumnSpec("provider", aliases: ["utförare", "utforare"], required: true)
    package static let unit = ColumnSpec("unit", aliases: ["enhet"])
    package static let user = ColumnSpec(
        "user", aliases: ["brukare", "kund", "user_id", "brukar_id"],
        fallbackAliases: ["personnummer", "pnr", "personnr"], required: true)
    /// The day of a visit when `start` and `end` hold only a time of day (`datum` + `starttid`).
    package static let date = ColumnSpec("date", aliases: ["datum", "besöksdatum", "dag"])
    package static let staff = ColumnSpec(
        "staff", aliases: ["personal", "medarbetare", "staff_id", "personal_id"], required: true)
    package static let start = ColumnSpec(
        "start", aliases: ["starttid", "incheckning", "check_in", "utförd start", "incheckad"], required: true)
    package static let end = ColumnSpec("end", aliases: ["sluttid", "utcheckning", "check_out", "utförd slut"])
    package static let visit = ColumnSpec("visit", aliases: ["besök", "besok", "visit_id", "besöks_id"])
    package static let category = ColumnSpec("category", aliases: ["insats", "kategori"])
    package static let staffRole = ColumnSpec("staff_role", aliases: ["roll", "role"])
    package static let sortName = ColumnSpec("sort_name", aliases: ["namn", "name", "sorteringsnamn"])
    package static let birthDate = ColumnSpec("birth_date", aliases: ["födelsedatum", "fodelsedatum"])
    package static let plannedStart = ColumnSpec("planned_start", aliases: ["planerad start", "planerad_start"])
    package static let plannedEnd = ColumnSpec("planned_end", aliases: ["planerad slut", "planerad_slut"])

    /// Every column, in the order README's "Input formats" lists them.
    package static let columns: [ColumnSpec] = [
        provider, unit, user, staff, date, start, end, visit, category, staffRole, sortName, birthDate, plannedStart,
        plannedEnd,
    ]
}
