/// SPEC §2 rule 10, units change: "a provider register may rename or merge units with a date; results are
/// reported under the unit as it is at the end of the period."
///
/// A register row that stopped (`valid_to`) on or before the last day of the period is followed to what it
/// became: `renamed_to` first, else `merged_into`; a row that stopped with neither is *closed*. Chains are
/// followed (a unit renamed, then merged), cycles are cut. Rows that stopped after the period are reported as
/// they were.
public enum UnitChanges {
    /// What became of an id by the end of the period.
    public struct Resolution: Sendable, Equatable {
        public enum Status: String, Sendable {
            /// Unchanged (or not in the register at all).
            case active
            /// Renamed (possibly several times); `id` is the current name.
            case renamed
            /// Merged into another unit (possibly after a rename); `id` is the unit it is part of.
            case merged
            /// Stopped with no successor.
            case closed
        }

        /// The id to report under.
        public var id: String
        public var status: Status
    }

    /// Resolves `id` at `periodEnd` (nil: follow every change the register knows).
    public static func resolve(_ id: String, register: ProviderRegister, periodEnd: CivilDate?) -> Resolution {
        var current = id
        var status = Resolution.Status.active
        var seen: Set<String> = [id.lowercased()]
        while let entry = register.entries(for: current).max(by: {
            ($0.validFrom ?? .distantPast) < ($1.validFrom ?? .distantPast)
        }),
            let stopped = entry.validTo, periodEnd.map({ stopped <= $0 }) ?? true
        {
            let next: String
            if !entry.renamedTo.isEmpty {
                next = entry.renamedTo
                if status == .active { status = .renamed }
            } else if !entry.mergedInto.isEmpty {
                next = entry.mergedInto
                status = .merged
            } else {
                return Resolution(id: current, status: .closed)
            }
            guard seen.insert(next.lowercased()).inserted else { break }
            current = next
        }
        return Resolution(id: current, status: status)
    }
}

extension CivilDate {
    /// A date before any real one, for comparisons with missing dates.
    static let distantPast = CivilDate(year: 1, month: 1, day: 1)
}
