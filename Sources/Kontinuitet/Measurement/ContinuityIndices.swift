/// Continuity indices of one user over the counted visits of the period: measures that see more than the
/// Kolada count (docs/indices.md gives the formulas and references).
///
/// A *visit* is as in `VisitIdentity`; a *contact* is one staff member at one visit, so a double-staffed visit is
/// two contacts. `n_j` is the number of contacts with staff member `j`, `N = Σ n_j`, and `V` the number of visits.
public struct ContinuityIndices: Sendable, Equatable {
    /// V: counted visits.
    public var visits: Int
    /// N: contacts (staff member × visit).
    public var contacts: Int
    /// Bice–Boxerman Continuity of Care index, `(Σ n_j² − N) / (N (N − 1))`: 1 when one staff member made every
    /// contact, 0 when every contact was with a different one. Undefined (nil) for N < 2.
    public var coc: Double?
    /// Usual Provider of Care: the share of contacts with the most frequent staff member, `max n_j / N`.
    /// Undefined for N = 0.
    public var upc: Double?
    /// Sequential continuity: the share of consecutive visit pairs (in time order) that share at least one staff
    /// member, `Σ c_i / (V − 1)`. Undefined for V < 2.
    public var secon: Double?
    /// The share of contacts made by the user's three most frequent staff members. Undefined for N = 0.
    public var topThreeShare: Double?

    /// Computes the indices from the visits in time order, each visit given as its distinct staff ids.
    ///
    /// - Complexity: O(N log N).
    static func compute(visitsInOrder visits: [[Int32]]) -> ContinuityIndices {
        var contactsByStaff: [Int32: Int] = [:]
        var contacts = 0
        for visit in visits {
            for staff in visit {
                contactsByStaff[staff, default: 0] += 1
                contacts += 1
            }
        }
        var result = ContinuityIndices(visits: visits.count, contacts: contacts)
        if contacts > 0 {
            let counts = contactsByStaff.values.sorted(by: >)
            result.upc = Double(counts[0]) / Double(contacts)
            result.topThreeShare = Double(counts.prefix(3).reduce(0, +)) / Double(contacts)
            if contacts > 1 {
                let sumOfSquares = counts.reduce(0) { $0 + $1 * $1 }
                result.coc = Double(sumOfSquares - contacts) / Double(contacts * (contacts - 1))
            }
        }
        if visits.count > 1 {
            var continued = 0
            for index in 1..<visits.count where sharesStaff(visits[index - 1], visits[index]) { continued += 1 }
            result.secon = Double(continued) / Double(visits.count - 1)
        }
        return result
    }

    private init(visits: Int, contacts: Int) {
        self.visits = visits
        self.contacts = contacts
    }

    private static func sharesStaff(_ a: [Int32], _ b: [Int32]) -> Bool {
        a.contains { b.contains($0) }
    }
}

/// The provider means of the indices over the users they are defined for.
public struct ProviderIndices: Sendable, Equatable {
    public var users: Int
    public var meanCOC: Double?
    public var meanUPC: Double?
    public var meanSECON: Double?
    public var meanTopThreeShare: Double?

    init(_ indices: [ContinuityIndices]) {
        users = indices.count
        func mean(_ values: [Double]) -> Double? {
            values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
        }
        meanCOC = mean(indices.compactMap(\.coc))
        meanUPC = mean(indices.compactMap(\.upc))
        meanSECON = mean(indices.compactMap(\.secon))
        meanTopThreeShare = mean(indices.compactMap(\.topThreeShare))
    }
}
