/// Options of `kontinuitet compile`.
package struct CompileOptions: Sendable {
    /// The measurement period's first day; nil: `year`, else the forms' own `period_start`.
    package var periodStart: CivilDate?
    package var year: Int?
    /// The municipality code for `kolada.json` (Göteborg: 1480).
    package var municipality = "1480"
    /// Compile the forms of every period side by side, one figure per level and year (`--trend`), instead of
    /// rejecting the rows of other periods.
    package var trend = false
    package init() {}
}

/// The figures of one level (city, provider type, district, provider or unit) of `results.csv`.
package struct LevelResult: Sendable, Equatable {
    package enum Level: String, Sendable, CaseIterable {
        case city, providerType = "provider_type", district, provider, unit

        /// The level in Swedish, as the report and the workbooks name it.
        var swedishName: String {
            switch self {
            case .city: return "Staden"
            case .providerType: return "Utförartyp"
            case .district: return "Stadsdel (kommunal regi)"
            case .provider: return "Utförare"
            case .unit: return "Enhet"
            }
        }
    }

    /// A `status` in Swedish: aktiv, bytt namn, sammanslagen, nedlagd, blankett saknas.
    static func swedishStatus(_ status: String) -> String {
        [
            "active": "aktiv", "renamed": "bytt namn", "merged": "sammanslagen", "closed": "nedlagd",
            "missing": "blankett saknas",
        ][status] ?? status
    }

    package var level: Level
    /// The id (provider, unit), type or district; "Göteborg" style name for the city.
    package var key: String
    /// A readable name from the register when known.
    package var name: String
    /// `active`, `renamed`, `merged`, `closed` (from the register) or `missing` (registered, no form).
    package var status: String
    /// The district and provider type the row belongs to (for providers and units).
    package var district: String
    package var providerType: String
    /// Sampled users (rows of the forms), the figures over them and the distribution per `StaffCountBin`.
    package var summary: ProviderSummary
    package var bins: [Int]
    /// The ids renamed or merged into this provider or unit by the end of the period, as the forms wrote them
    /// resolved to the register (sorted).
    package var mergedFrom: [String] = []
    /// More users than the method's cap (150) for one provider: the form was not sampled as the method says.
    package var overCap = false
    /// The year of the period (set on every level; the trend has one level row per year).
    package var year: Int?
}

/// One provider compared with its group and the city (`feedback.csv`).
package struct FeedbackRow: Sendable, Equatable {
    package var provider: String
    package var name: String
    package var providerType: String
    package var district: String
    package var users: Int
    package var mean: Double?
    package var groupMean: Double?
    package var cityMean: Double?

    /// The threshold in staff below or above which a provider is "better" or "worse" than a comparison.
    package static let threshold = 0.5

    package var differenceFromGroup: Double? { mean.flatMap { m in groupMean.map { m - $0 } } }
    package var differenceFromCity: Double? { mean.flatMap { m in cityMean.map { m - $0 } } }

    /// Swedish comment: fewer staff per user is better continuity.
    package static func comment(_ difference: Double?) -> String {
        guard let difference else { return "" }
        if difference <= -threshold { return "bättre" }
        if difference >= threshold { return "sämre" }
        return "som jämförelsen"
    }
}

/// Everything `compile` produced.
package struct CompileResult: Sendable {
    package var period: PeriodWindow?
    package var levels: [LevelResult]
    package var feedback: [FeedbackRow]
    /// Registered providers without a form: (provider, name, type, district).
    package var missing: [LevelResult]
    package var rejectedRows: [RejectedRow]
    package var rowsRead: Int
    package var rowsUsed: Int
    package var forms: [String]
    package var municipality: String
    /// With `--trend`: every level of every period, oldest first (the levels above are the latest period's).
    package var trend: [LevelResult] = []
    /// Forms with a header and no row.
    package var formsWithoutRows: [String] = []
    /// The register's rows: read, and rejected (included in `rejectedRows`).
    package var registerRowsRead = 0
    package var registerRowsRejected = 0
}

/// `kontinuitet compile`: the city's, districts', provider types' and providers' results from the forms
/// (docs/compile-validate.md).
///
/// Results do not depend on the order of the files or of their rows: providers and units are keyed by the
/// register's id, levels are sorted by key, a löpnummer given twice for a provider counts once when both rows
/// agree and not at all when they disagree, and every attribute taken from rows is their most common value.
package enum Compile {
    /// A form row that passed the row checks, before duplicates are settled.
    struct CandidateRow {
        var file: String
        var line: Int
        var cells: [String]
        /// The provider and unit as the register resolves them.
        var provider: UnitChanges.Resolution
        var unit: UnitChanges.Resolution
        /// The provider and unit as written (for `merged_from`), resolved to the register's id when it knows it.
        var writtenProvider: String
        var writtenUnit: String
        var user: String
        var staff: Int
        var providerType: String
        var district: String
        var period: PeriodWindow?
    }

    /// Reads the forms (and the register) and computes every level.
    ///
    /// - Throws: `InputError` when a form or the register cannot be read or lacks a required column.
    package static func run(forms paths: [String], register: ProviderRegister?, options: CompileOptions) throws
        -> CompileResult
    {
        let forms = try paths.map { try KoladaForm.load(path: $0) }
        let period = choosePeriod(forms: forms, options: options)
        var rejected: [RejectedRow] = (register?.rejected ?? []) + forms.flatMap(\.malformed)
        var rowsRead = forms.reduce(0) { $0 + $1.malformed.count }
        var candidates: [CandidateRow] = []
        var resolvers: [Int: RegisterResolver] = [:]
        func resolver(_ window: PeriodWindow?) -> RegisterResolver? {
            guard let register else { return nil }
            let key = window?.firstDay ?? Int.min
            if let known = resolvers[key] { return known }
            let made = RegisterResolver(register: register, periodEnd: window?.end)
            resolvers[key] = made
            return made
        }
        for form in forms {
            for row in form.rows {
                rowsRead += 1
                func reject(_ reason: String, _ detail: String) {
                    rejected.append(
                        RejectedRow(
                            file: form.path, line: row.line, reason: reason, detail: detail,
                            row: row.cells.joined(separator: ",")))
                }
                guard !row.provider.isEmpty else {
                    reject("missing_provider", "column 'provider' is empty")
                    continue
                }
                guard !row.user.isEmpty else {
                    reject("missing_user", "column 'user' (löpnummer) is empty")
                    continue
                }
                guard let staff = row.staffCount, staff >= 1, staff <= FormValidation.maximumStaff else {
                    reject(
                        "bad_staff_count",
                        "column 'staff_count' is not a whole number from 1 to \(FormValidation.maximumStaff)")
                    continue
                }
                var rowPeriod = period
                if !row.periodStart.isEmpty {
                    guard let start = CivilDate(parsing: row.periodStart) else {
                        reject("bad_period", "column 'period_start' is not a date YYYY-MM-DD")
                        continue
                    }
                    if options.trend {
                        rowPeriod = PeriodWindow(start: start)
                    } else if let period, start != period.start {
                        reject("other_period", "the row is for the period starting \(start), not \(period.start)")
                        continue
                    }
                }
                var unitsAndProviders = resolver(rowPeriod)
                let provider =
                    unitsAndProviders?.resolve(row.provider)
                    ?? UnitChanges.Resolution(id: row.provider, status: .active)
                let unit =
                    row.unit.isEmpty
                    ? UnitChanges.Resolution(id: "", status: .active)
                    : unitsAndProviders?.resolve(row.unit) ?? UnitChanges.Resolution(id: row.unit, status: .active)
                if let unitsAndProviders { resolvers[rowPeriod?.firstDay ?? Int.min] = unitsAndProviders }
                candidates.append(
                    CandidateRow(
                        file: form.path, line: row.line, cells: row.cells, provider: provider, unit: unit,
                        writtenProvider: unitsAndProviders?.registeredID(row.provider) ?? row.provider,
                        writtenUnit: row.unit.isEmpty ? "" : unitsAndProviders?.registeredID(row.unit) ?? row.unit,
                        user: row.user.trimmingBlanks, staff: staff, providerType: row.providerType,
                        district: row.district, period: rowPeriod))
            }
        }
        let (used, duplicates) = settleDuplicates(candidates)
        rejected += duplicates
        rejected.sort { ($0.file, $0.line) < ($1.file, $1.line) }

        var byPeriod: [Int: [CandidateRow]] = [:]
        for row in used { byPeriod[row.period?.firstDay ?? Int.min, default: []].append(row) }
        var trend: [LevelResult] = []
        var levels: [LevelResult] = []
        var missing: [LevelResult] = []
        let latest = options.trend ? byPeriod.keys.max() : (period?.firstDay ?? Int.min)
        for key in byPeriod.keys.sorted() {
            let window = key == Int.min ? nil : PeriodWindow(start: CivilDate(dayNumber: key))
            let compiled = CompileLevels.levels(
                byPeriod[key] ?? [], period: window, resolver: resolver(window), municipality: options.municipality)
            if options.trend { trend += compiled.levels }
            if key == latest {
                levels = compiled.levels
                missing = compiled.missing
            }
        }
        if levels.isEmpty {
            let compiled = CompileLevels.levels(
                [], period: period, resolver: resolver(period), municipality: options.municipality)
            levels = compiled.levels
            missing = compiled.missing
        }
        let shownPeriod = latest.flatMap { $0 == Int.min ? nil : PeriodWindow(start: CivilDate(dayNumber: $0)) }
        return CompileResult(
            period: options.trend ? shownPeriod : period, levels: levels,
            feedback: CompileLevels.feedback(levels), missing: missing, rejectedRows: rejected, rowsRead: rowsRead,
            rowsUsed: used.count, forms: paths, municipality: options.municipality, trend: trend,
            formsWithoutRows: forms.filter { $0.rows.isEmpty && $0.malformed.isEmpty }.map(\.path),
            registerRowsRead: register?.rowsRead ?? 0, registerRowsRejected: register?.rejected.count ?? 0)
    }

    /// The rows of one provider, löpnummer and period given more than once: when every copy has the same staff
    /// count the user counts once and the other copies are rejected (`duplicate_user`); when they disagree none
    /// counts (`conflicting_duplicate`), as no order of the files can say which is right.
    static func settleDuplicates(_ rows: [CandidateRow]) -> (used: [CandidateRow], rejected: [RejectedRow]) {
        var groups: [String: [Int]] = [:]
        for (index, row) in rows.enumerated() {
            let key = [
                String(row.period?.firstDay ?? Int.min), RegisterKey.fold(row.provider.id), row.user,
            ].joined(separator: "\u{1F}")
            groups[key, default: []].append(index)
        }
        var used: [CandidateRow] = []
        var rejected: [RejectedRow] = []
        for indices in groups.values {
            let copies = indices.map { rows[$0] }.sorted { ($0.file, $0.line) < ($1.file, $1.line) }
            guard copies.count > 1 else {
                used.append(copies[0])
                continue
            }
            let agree = Set(copies.map(\.staff)).count == 1
            if agree { used.append(copies[0]) }
            for copy in agree ? Array(copies.dropFirst()) : copies {
                rejected.append(
                    RejectedRow(
                        file: copy.file, line: copy.line, reason: agree ? "duplicate_user" : "conflicting_duplicate",
                        detail: agree
                            ? "the löpnummer appears \(copies.count) times for the provider with the same count; "
                                + "counted once"
                            : "the löpnummer appears \(copies.count) times for the provider with different counts; "
                                + "not counted",
                        row: copy.cells.joined(separator: ",")))
            }
        }
        used.sort { ($0.file, $0.line) < ($1.file, $1.line) }
        return (used, rejected)
    }

    /// The period: `--period-start`, else `--year`, else the forms' most common `period_start` (the latest of
    /// equally common ones; with `--trend`, the latest).
    static func choosePeriod(forms: [KoladaForm], options: CompileOptions) -> PeriodWindow? {
        if let start = options.periodStart { return PeriodWindow(start: start) }
        if let year = options.year { return PeriodWindow.kolada(year: year) }
        var counts: [CivilDate: Int] = [:]
        for form in forms {
            for row in form.rows {
                if let date = CivilDate(parsing: row.periodStart) { counts[date, default: 0] += 1 }
            }
        }
        if options.trend { return counts.keys.max().map { PeriodWindow(start: $0) } }
        return counts.max { $0.value != $1.value ? $0.value < $1.value : $0.key < $1.key }.map {
            PeriodWindow(start: $0.key)
        }
    }
}
