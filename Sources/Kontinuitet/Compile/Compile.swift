/// Options of `kontinuitet compile`.
public struct CompileOptions: Sendable {
    /// The measurement period's first day; nil: `year`, else the forms' own `period_start`.
    public var periodStart: CivilDate?
    public var year: Int?
    /// The municipality code for `kolada.json` (Göteborg: 1480).
    public var municipality = "1480"
    public init() {}
}

/// The figures of one level (city, provider type, district, provider or unit) of `results.csv`.
public struct LevelResult: Sendable, Equatable {
    public enum Level: String, Sendable, CaseIterable {
        case city, providerType = "provider_type", district, provider, unit
    }

    public var level: Level
    /// The id (provider, unit), type or district; "Göteborg" style name for the city.
    public var key: String
    /// A readable name from the register when known.
    public var name: String
    /// `active`, `renamed`, `merged`, `closed` (from the register) or `missing` (registered, no form).
    public var status: String
    /// The district and provider type the row belongs to (for providers and units).
    public var district: String
    public var providerType: String
    /// Sampled users (rows of the forms), the figures over them and the distribution per `StaffCountBin`.
    public var summary: ProviderSummary
    public var bins: [Int]
}

/// One provider compared with its group and the city (`feedback.csv`).
public struct FeedbackRow: Sendable, Equatable {
    public var provider: String
    public var name: String
    public var providerType: String
    public var district: String
    public var users: Int
    public var mean: Double?
    public var groupMean: Double?
    public var cityMean: Double?

    /// The threshold in staff below or above which a provider is "better" or "worse" than a comparison.
    public static let threshold = 0.5

    public var differenceFromGroup: Double? { mean.flatMap { m in groupMean.map { m - $0 } } }
    public var differenceFromCity: Double? { mean.flatMap { m in cityMean.map { m - $0 } } }

    /// Swedish comment: fewer staff per user is better continuity.
    public static func comment(_ difference: Double?) -> String {
        guard let difference else { return "" }
        if difference <= -threshold { return "bättre" }
        if difference >= threshold { return "sämre" }
        return "som jämförelsen"
    }
}

/// Everything `compile` produced.
public struct CompileResult: Sendable {
    public var period: PeriodWindow?
    public var levels: [LevelResult]
    public var feedback: [FeedbackRow]
    /// Registered providers without a form: (provider, name, type, district).
    public var missing: [LevelResult]
    public var rejectedRows: [RejectedRow]
    public var rowsRead: Int
    public var rowsUsed: Int
    public var forms: [String]
    public var municipality: String
}

/// `kontinuitet compile`: the city's, districts', provider types' and providers' results from the forms.
public enum Compile {
    private struct UsedRow {
        var provider: String
        var providerStatus: UnitChanges.Resolution.Status
        var unit: String
        var unitStatus: UnitChanges.Resolution.Status
        var providerType: String
        var district: String
        var staff: Int
    }

    /// Reads the forms (and the register) and computes every level.
    ///
    /// - Throws: `InputError` when a form or the register cannot be read or lacks a required column.
    public static func run(forms paths: [String], register: ProviderRegister?, options: CompileOptions) throws
        -> CompileResult
    {
        let forms = try paths.map { try KoladaForm.load(path: $0) }
        let period = choosePeriod(forms: forms, options: options)
        let periodEnd = period?.end
        var rejected: [RejectedRow] = forms.flatMap(\.malformed)
        var rowsRead = rejected.count
        var used: [UsedRow] = []
        var seen: Set<String> = []
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
                guard seen.insert("\(row.provider.lowercased())\u{1F}\(row.user)").inserted else {
                    reject("duplicate_user", "the löpnummer appears earlier for the same provider")
                    continue
                }
                var provider = UnitChanges.Resolution(id: row.provider, status: .active)
                var unit = UnitChanges.Resolution(id: row.unit, status: .active)
                if let register {
                    provider = UnitChanges.resolve(row.provider, register: register, periodEnd: periodEnd)
                    if !row.unit.isEmpty {
                        unit = UnitChanges.resolve(row.unit, register: register, periodEnd: periodEnd)
                    }
                }
                let registered = register.flatMap { Compile.entry(for: provider.id, in: $0, at: periodEnd) }
                used.append(
                    UsedRow(
                        provider: provider.id, providerStatus: provider.status, unit: unit.id, unitStatus: unit.status,
                        providerType: row.providerType.isEmpty ? (registered?.providerType ?? "") : row.providerType,
                        district: row.district.isEmpty ? (registered?.district ?? "") : row.district, staff: staff))
            }
        }

        var levels: [LevelResult] = []
        func level(
            _ kind: LevelResult.Level, _ key: String, _ rows: [UsedRow], name: String = "", status: String = "active",
            district: String = "", type: String = ""
        ) -> LevelResult {
            let counts = rows.map(\.staff)
            var bins = [Int](repeating: 0, count: StaffCountBin.allCases.count)
            for count in counts { bins[StaffCountBin(staffCount: count).rawValue] += 1 }
            return LevelResult(
                level: kind, key: key, name: name, status: status, district: district, providerType: type,
                summary: ProviderSummary(staffCounts: counts), bins: bins)
        }
        func sortedKeys(_ keys: some Sequence<String>) -> [String] {
            Set(keys).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        }
        levels.append(level(.city, options.municipality, used, name: "Hela staden"))
        for type in sortedKeys(used.map(\.providerType).filter { !$0.isEmpty }) {
            levels.append(level(.providerType, type, used.filter { $0.providerType == type }, type: type))
        }
        let municipal = used.filter { $0.providerType == "kommunal" }
        for district in sortedKeys(municipal.map(\.district).filter { !$0.isEmpty }) {
            levels.append(
                level(
                    .district, district, municipal.filter { $0.district == district }, district: district,
                    type: "kommunal"))
        }
        var providerLevels: [LevelResult] = []
        for provider in sortedKeys(used.map(\.provider)) {
            let rows = used.filter { $0.provider == provider }
            let registered = register.flatMap { Compile.entry(for: provider, in: $0, at: periodEnd) }
            let status = rows.contains { $0.providerStatus == .closed } ? "closed" : rows[0].providerStatus.rawValue
            providerLevels.append(
                level(
                    .provider, provider, rows, name: registered?.name ?? "", status: status, district: rows[0].district,
                    type: rows[0].providerType))
        }
        levels += providerLevels
        for provider in sortedKeys(used.map(\.provider)) {
            let rows = used.filter { $0.provider == provider && !$0.unit.isEmpty }
            for unit in sortedKeys(rows.map(\.unit)) {
                let unitRows = rows.filter { $0.unit == unit }
                levels.append(
                    level(
                        .unit, provider + " / " + unit, unitRows, name: unit, status: unitRows[0].unitStatus.rawValue,
                        district: unitRows[0].district, type: unitRows[0].providerType))
            }
        }

        // Registered providers that should have sent a form and did not.
        var missing: [LevelResult] = []
        if let register {
            let reported = Set(used.map { $0.provider.lowercased() })
            for entry in register.entries where !entry.providerType.isEmpty {
                let validAtEnd =
                    periodEnd.map { end in
                        (entry.validFrom.map { $0 <= end } ?? true) && (entry.validTo.map { $0 > end } ?? true)
                    } ?? (entry.validTo == nil)
                guard validAtEnd, !reported.contains(entry.provider.lowercased()),
                    !reported.contains(entry.name.lowercased())
                else { continue }
                missing.append(
                    level(
                        .provider, entry.provider, [], name: entry.name, status: "missing", district: entry.district,
                        type: entry.providerType))
            }
        }

        let city = levels.first { $0.level == .city }?.summary.mean
        let groups = Dictionary(
            levels.filter { $0.level == .providerType }.map { ($0.key, $0.summary.mean) },
            uniquingKeysWith: { a, _ in a })
        let feedback = providerLevels.map { p in
            FeedbackRow(
                provider: p.key, name: p.name, providerType: p.providerType, district: p.district,
                users: p.summary.count, mean: p.summary.mean, groupMean: groups[p.providerType] ?? nil, cityMean: city)
        }
        return CompileResult(
            period: period, levels: levels, feedback: feedback, missing: missing, rejectedRows: rejected,
            rowsRead: rowsRead, rowsUsed: used.count, forms: paths, municipality: options.municipality)
    }

    /// The register entry of a provider valid at the end of the period (else its latest entry).
    static func entry(for provider: String, in register: ProviderRegister, at end: CivilDate?) -> ProviderRegister
        .Entry?
    {
        let entries = register.entries(for: provider)
        if let end,
            let valid = entries.first(where: {
                ($0.validFrom.map { $0 <= end } ?? true) && ($0.validTo.map { $0 >= end } ?? true)
            })
        {
            return valid
        }
        return entries.last
    }

    /// The period: `--period-start`, else `--year`, else the forms' most common `period_start`.
    static func choosePeriod(forms: [KoladaForm], options: CompileOptions) -> PeriodWindow? {
        if let start = options.periodStart { return PeriodWindow(start: start) }
        if let year = options.year { return PeriodWindow.kolada(year: year) }
        var counts: [CivilDate: Int] = [:]
        for form in forms {
            for row in form.rows {
                if let date = CivilDate(parsing: row.periodStart) { counts[date, default: 0] += 1 }
            }
        }
        return counts.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }.map {
            PeriodWindow(start: $0.key)
        }
    }
}
