/// Units change, through the provider register (docs/compile-validate.md, "The register"): every provider and unit a form or log names is
/// resolved to the register's id, and a unit renamed or merged before the end of the period is reported under
/// what it became (docs/compile-validate.md, "The register").
///
/// - A form may write a provider or unit by the register's id or by its name, in any case and with spaces around
///   or doubled inside: all are the same (`RegisterKey`).
/// - `valid_from` and `valid_to` are inclusive. A register row whose `valid_to` is *before* the period's last day
///   has stopped by the end of the period and is followed to what it became: `renamed_to` first, else
///   `merged_into`; one that stopped with neither is *closed*. A row valid through the last day still holds.
/// - Chains are followed (renamed, then merged), cycles are cut, and every id is resolved once: the whole
///   register resolves in time linear in its size, however long its chains.
package enum UnitChanges {
    /// What became of an id by the end of the period.
    package struct Resolution: Sendable, Equatable {
        package enum Status: String, Sendable {
            /// Unchanged (or not in the register at all).
            case active
            /// Renamed (possibly several times); `id` is the current name.
            case renamed
            /// Merged into another unit (possibly after a rename); `id` is the unit it is part of.
            case merged
            /// Stopped with no successor.
            case closed
        }

        /// The id to report under: the register's id when the register knows it, else the id as written.
        package var id: String
        package var status: Status
    }

    /// Resolves `id` at `periodEnd` (nil: follow every change the register knows). For many ids, build one
    /// `RegisterResolver` and ask it.
    package static func resolve(_ id: String, register: ProviderRegister, periodEnd: CivilDate?) -> Resolution {
        var resolver = RegisterResolver(register: register, periodEnd: periodEnd)
        return resolver.resolve(id)
    }
}

/// The form of a provider or unit name used to match it with the register: trimmed, inner runs of blanks as one
/// space, lower case.
enum RegisterKey {
    static func fold(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ").lowercased()
    }
}

/// The register indexed for resolving ids and names at the end of one period, with every answer remembered.
package struct RegisterResolver {
    package let register: ProviderRegister
    package let periodEnd: CivilDate?
    /// Register id (as written in its first row) by folded id and by folded name.
    private var idByKey: [String: String] = [:]
    /// The rows of each register id, by folded id.
    private var rowsByID: [String: [Int]] = [:]
    private var resolved: [String: UnitChanges.Resolution] = [:]

    package init(register: ProviderRegister, periodEnd: CivilDate?) {
        self.register = register
        self.periodEnd = periodEnd
        for (index, entry) in register.entries.enumerated() {
            let key = RegisterKey.fold(entry.provider)
            rowsByID[key, default: []].append(index)
            if idByKey[key] == nil { idByKey[key] = entry.provider }
        }
        // Names are aliases of ids; an id always wins over another entry's name.
        for entry in register.entries where !entry.name.isEmpty {
            let key = RegisterKey.fold(entry.name)
            if idByKey[key] == nil { idByKey[key] = entry.provider }
        }
    }

    /// The register's id for `text` (an id or a name, any case and spacing), or nil when the register does not
    /// know it.
    package func registeredID(_ text: String) -> String? { idByKey[RegisterKey.fold(text)] }

    /// The register row of `id` that describes it at the end of the period: the one valid on the period's last
    /// day, else the one that started last (ties: the later line).
    package func entry(forID id: String) -> ProviderRegister.Entry? {
        guard let rows = rowsByID[RegisterKey.fold(id)] else { return nil }
        let entries = rows.map { register.entries[$0] }
        if let end = periodEnd,
            let valid = entries.last(where: {
                ($0.validFrom.map { $0 <= end } ?? true) && ($0.validTo.map { $0 >= end } ?? true)
            })
        {
            return valid
        }
        return entries.max { ($0.validFrom ?? .distantPast, $0.line) < ($1.validFrom ?? .distantPast, $1.line) }
    }

    /// What `text` (an id or name) had become by the end of the period.
    ///
    /// - Complexity: amortised O(1) per call over a run: each id's chain is walked once.
    package mutating func resolve(_ text: String) -> UnitChanges.Resolution {
        guard let id = registeredID(text) else { return UnitChanges.Resolution(id: text, status: .active) }
        // Walk the chain until an id already resolved, or the end, or a cycle; then fill in every id walked.
        var path: [String] = []
        var onPath: Set<String> = []
        var current = id
        var tail: UnitChanges.Resolution
        while true {
            let key = RegisterKey.fold(current)
            if let known = resolved[key] {
                tail = known
                break
            }
            guard onPath.insert(key).inserted else {
                // A cycle: it stops at the last id reached before coming round again.
                tail = UnitChanges.Resolution(id: path.last ?? current, status: .active)
                break
            }
            path.append(current)
            guard let entry = entry(forID: current), let stopped = entry.validTo,
                periodEnd.map({ stopped < $0 }) ?? true
            else {
                tail = UnitChanges.Resolution(id: current, status: .active)
                resolved[key] = tail
                path.removeLast()
                break
            }
            let next = entry.renamedTo.isEmpty ? entry.mergedInto : entry.renamedTo
            if next.isEmpty {
                tail = UnitChanges.Resolution(id: current, status: .closed)
                resolved[key] = tail
                path.removeLast()
                break
            }
            current = registeredID(next) ?? next
            if registeredID(next) == nil {
                // A successor the register does not list: reported as written.
                tail = UnitChanges.Resolution(id: next, status: .active)
                break
            }
        }
        // Back along the path: each id's status is the change it made, combined with what followed.
        var result = tail
        for step in path.reversed() {
            let entry = self.entry(forID: step)
            let merged = !(entry?.mergedInto.isEmpty ?? true) && (entry?.renamedTo.isEmpty ?? true)
            let status: UnitChanges.Resolution.Status
            switch (merged, result.status) {
            case (_, .closed): status = .closed
            case (true, _), (_, .merged): status = .merged
            default: status = .renamed
            }
            result = UnitChanges.Resolution(id: result.id, status: status)
            resolved[RegisterKey.fold(step)] = result
        }
        return resolved[RegisterKey.fold(id)] ?? result
    }
}

extension CivilDate {
    /// A date before any real one, for comparisons with missing dates.
    static let distantPast = CivilDate(year: 1, month: 1, day: 1)
}
