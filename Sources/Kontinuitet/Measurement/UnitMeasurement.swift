/// Per unit (docs/report.md): "per unit (enhet) the same figures as per provider (`units.csv` and a section of the
/// report): quality reports are written per unit."
///
/// A unit is a (provider, unit) pair: two providers' units of the same name are two units. A user belongs to the
/// unit `UserMeasurement.unit` names, which the scan takes by rule 10 (the unit as it is at the end of the period:
/// that of the user's row with the latest start before the period ends, else of its earliest row after;
/// `PeriodWindow.unitRank`). Users whose rows carry no unit make up the unit with the empty name. The figures are
/// rule 9's, computed by `ProviderSummary` over the unit's sampled users, so they add up to the provider's: the
/// sample is drawn per provider (rule 8) and a unit's figures are over the sampled users who belong to it.
package struct UnitMeasurement: Sendable, Equatable {
    package var provider: String
    /// The unit's name as the input writes it; empty for users whose rows carry no unit.
    package var unit: String
    /// Users found in the input who belong to the unit, measured or not.
    package var users: Int
    package var measuredUsers: Int
    package var sampledUsers: Int
    /// Figures over the unit's sampled users.
    package var summary: ProviderSummary
    /// Sampled users per `StaffCountBin`, in bin order.
    package var distribution: [Int]

    /// Every unit of `users`, ordered by provider and then unit, both in byte order (the order of
    /// `providers.csv`); a unit is listed when any user found in the input belongs to it.
    ///
    /// - Complexity: O(n log n) in the number of users.
    package static func units(of users: [UserMeasurement]) -> [UnitMeasurement] {
        // Keyed by bytes, as the scan interns providers: two spellings that Swift's String equality would take
        // for one (composed and decomposed å) are two providers in providers.csv, so two units here.
        var members: [UnitKey: [Int]] = [:]
        for (index, user) in users.enumerated() {
            members[UnitKey(provider: Array(user.provider.utf8), unit: Array(user.unit.utf8)), default: []]
                .append(index)
        }
        let keys = members.keys.sorted { a, b in
            a.provider != b.provider
                ? a.provider.lexicographicallyPrecedes(b.provider) : a.unit.lexicographicallyPrecedes(b.unit)
        }
        return keys.map { key in
            let indices = members[key] ?? []
            let first = users[indices[0]]
            let staffCounts = indices.filter { users[$0].sampled }.map { users[$0].distinctStaff }
            var distribution = [Int](repeating: 0, count: StaffCountBin.allCases.count)
            for count in staffCounts { distribution[StaffCountBin(staffCount: count).rawValue] += 1 }
            return UnitMeasurement(
                provider: first.provider, unit: first.unit, users: indices.count,
                measuredUsers: indices.filter { users[$0].measured }.count, sampledUsers: staffCounts.count,
                summary: ProviderSummary(staffCounts: staffCounts), distribution: distribution)
        }
    }

    private struct UnitKey: Hashable {
        var provider: [UInt8]
        var unit: [UInt8]
    }
}

extension MeasureResult {
    /// The figures per unit (`units.csv`), computed from the users on each call.
    package var units: [UnitMeasurement] { UnitMeasurement.units(of: users) }
}
