/// The levels of one period's compiled form rows: city, provider type, district (municipal home care),
/// provider and unit, each user-weighted (docs/compile-validate.md, "Levels").
enum CompileLevels {
    /// What one provider's rows say, settled whatever their order.
    private struct ProviderFacts {
        var name = ""
        var status = "active"
        var providerType = ""
        var district = ""
    }

    /// Every level of `rows` (one period's), and the registered providers without a row.
    static func levels(
        _ rows: [Compile.CandidateRow], period: PeriodWindow?, resolver: RegisterResolver?, municipality: String
    ) -> (levels: [LevelResult], missing: [LevelResult]) {
        let year = period?.start.year
        func level(
            _ kind: LevelResult.Level, _ key: String, _ rows: [Compile.CandidateRow], name: String = "",
            status: String = "active", district: String = "", type: String = ""
        ) -> LevelResult {
            let counts = rows.map(\.staff)
            var bins = [Int](repeating: 0, count: StaffCountBin.allCases.count)
            for count in counts { bins[StaffCountBin(staffCount: count).rawValue] += 1 }
            return LevelResult(
                level: kind, key: key, name: name, status: status, district: district, providerType: type,
                summary: ProviderSummary(staffCounts: counts), bins: bins, year: year)
        }

        // Providers by the register's id (case and spaces folded), their facts settled once.
        var rowsByProvider: [String: [Compile.CandidateRow]] = [:]
        for row in rows { rowsByProvider[RegisterKey.fold(row.provider.id), default: []].append(row) }
        var facts: [String: ProviderFacts] = [:]
        var shownID: [String: String] = [:]
        for (key, providerRows) in rowsByProvider {
            let id = mostCommon(providerRows.map(\.provider.id)) ?? key
            shownID[key] = id
            let registered = resolver?.entry(forID: id)
            var fact = ProviderFacts()
            fact.name = registered?.name ?? ""
            fact.status = providerRows.contains { $0.provider.status == .closed } ? "closed" : "active"
            fact.providerType =
                mostCommon(providerRows.map(\.providerType).filter { !$0.isEmpty }) ?? registered?.providerType ?? ""
            fact.district =
                mostCommon(providerRows.map(\.district).filter { !$0.isEmpty }) ?? registered?.district ?? ""
            facts[key] = fact
        }
        // Every row takes its provider's type and district, so a provider is in one group only.
        let settled = rows.map { row -> Compile.CandidateRow in
            var row = row
            let fact = facts[RegisterKey.fold(row.provider.id)] ?? ProviderFacts()
            row.providerType = fact.providerType
            row.district = fact.district
            return row
        }

        var levels: [LevelResult] = [level(.city, municipality, settled, name: "Hela staden")]
        let types = Dictionary(grouping: settled.filter { !$0.providerType.isEmpty }, by: \.providerType)
        for type in sortedKeys(types.keys) {
            levels.append(level(.providerType, type, types[type] ?? [], type: type))
        }
        let municipal = settled.filter { $0.providerType == "kommunal" }
        let districts = Dictionary(grouping: municipal.filter { !$0.district.isEmpty }, by: \.district)
        for district in sortedKeys(districts.keys) {
            levels.append(
                level(.district, district, districts[district] ?? [], district: district, type: "kommunal"))
        }
        let providerKeys = rowsByProvider.keys.sorted { (shownID[$0] ?? $0, $0) < (shownID[$1] ?? $1, $1) }
        for key in providerKeys {
            let providerRows = settled.filter { RegisterKey.fold($0.provider.id) == key }
            let fact = facts[key] ?? ProviderFacts()
            let id = shownID[key] ?? key
            var result = level(
                .provider, id, providerRows, name: fact.name, status: fact.status, district: fact.district,
                type: fact.providerType)
            result.mergedFrom = sortedKeys(
                providerRows.map(\.writtenProvider).filter { RegisterKey.fold($0) != key })
            result.overCap = providerRows.count > FormValidation.sampleCap
            levels.append(result)
        }
        for key in providerKeys {
            let id = shownID[key] ?? key
            let unitRows = settled.filter { RegisterKey.fold($0.provider.id) == key && !$0.unit.id.isEmpty }
            let units = Dictionary(grouping: unitRows, by: { RegisterKey.fold($0.unit.id) })
            let unitIDs = units.mapValues { mostCommon($0.map(\.unit.id)) ?? "" }
            for unitKey in units.keys.sorted(by: { (unitIDs[$0] ?? $0, $0) < (unitIDs[$1] ?? $1, $1) }) {
                let members = units[unitKey] ?? []
                let unitID = unitIDs[unitKey] ?? unitKey
                var result = level(
                    .unit, id + " / " + unitID, members, name: unitID,
                    status: members.contains { $0.unit.status == .closed } ? "closed" : "active",
                    district: facts[key]?.district ?? "", type: facts[key]?.providerType ?? "")
                result.mergedFrom = sortedKeys(members.map(\.writtenUnit).filter { RegisterKey.fold($0) != unitKey })
                levels.append(result)
            }
        }

        // Registered providers that should have sent a form and did not: a type, valid on the period's last day.
        var missing: [LevelResult] = []
        if let resolver {
            let end = period?.end
            var listed: Set<String> = []
            for entry in resolver.register.entries where !entry.providerType.isEmpty {
                let key = RegisterKey.fold(entry.provider)
                let validAtEnd =
                    end.map { end in
                        (entry.validFrom.map { $0 <= end } ?? true) && (entry.validTo.map { $0 >= end } ?? true)
                    } ?? (entry.validTo == nil)
                guard validAtEnd, rowsByProvider[key] == nil, listed.insert(key).inserted else { continue }
                missing.append(
                    level(
                        .provider, entry.provider, [], name: entry.name, status: "missing", district: entry.district,
                        type: entry.providerType))
            }
            missing.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        }
        return (levels, missing)
    }

    /// Each provider against its group (provider type) and the city.
    static func feedback(_ levels: [LevelResult]) -> [FeedbackRow] {
        let city = levels.first { $0.level == .city }?.summary.mean
        var groups: [String: Double?] = [:]
        for level in levels where level.level == .providerType { groups[level.key] = level.summary.mean }
        return levels.filter { $0.level == .provider }.map { p in
            FeedbackRow(
                provider: p.key, name: p.name, providerType: p.providerType, district: p.district,
                users: p.summary.count, mean: p.summary.mean, groupMean: groups[p.providerType] ?? nil, cityMean: city)
        }
    }

    /// The most common value (ties: the first in byte order), or nil for none.
    static func mostCommon(_ values: [String]) -> String? {
        var counts: [String: Int] = [:]
        for value in values { counts[value, default: 0] += 1 }
        return counts.min { a, b in
            a.value != b.value ? a.value > b.value : a.key.utf8.lexicographicallyPrecedes(b.key.utf8)
        }?.key
    }

    /// Distinct keys in byte order.
    static func sortedKeys(_ keys: some Sequence<String>) -> [String] {
        Set(keys).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
