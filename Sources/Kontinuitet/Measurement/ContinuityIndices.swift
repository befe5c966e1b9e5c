/// Continuity indices of one user over the counted visits of the period: measures that see more than the
/// Kolada count (docs/indices.md gives the formulas and references).
///
/// A *visit* is as in `VisitIdentity`; a *contact* is one staff member at one visit, so a double-staffed visit is
/// two contacts. `n_j` is the number of contacts with staff member `j`, `N = Σ n_j`, and `V` the number of visits.
package struct ContinuityIndices: Sendable, Equatable {
    /// V: counted visits.
    package var visits: Int
    /// N: contacts (staff member × visit).
    package var contacts: Int
    /// Bice–Boxerman Continuity of Care index, `(Σ n_j² − N) / (N (N − 1))`: 1 when one staff member made every
    /// contact, 0 when every contact was with a different one. Undefined (nil) for N < 2.
    package var coc: Double?
    /// Usual Provider of Care: the share of contacts with the most frequent staff member, `max n_j / N`.
    /// Undefined for N = 0.
    package var upc: Double?
    /// Sequential continuity: the share of consecutive visit pairs (in time order) that share at least one staff
    /// member, `Σ c_i / (V − 1)`. Undefined for V < 2.
    package var secon: Double?
    /// The share of contacts made by the user's three most frequent staff members. Undefined for N = 0.
    package var topThreeShare: Double?

    /// Computes the indices from the visits in time order, each visit given as its distinct staff ids.
    ///
    /// - Complexity: O(N log N).
    static func compute(visitsInOrder visits: [[Int32]]) -> ContinuityIndices {
        var staff: [Int32] = []
        var staffEnds: [Int32] = []
        for visit in visits {
            staff.append(contentsOf: visit)
            staffEnds.append(Int32(staff.count))
        }
        var counts = ContactCounts()
        return compute(
            staff: staff, staffEnds: staffEnds, order: visits.indices.map { Int32($0) }, counts: &counts
        ).indices
    }

    /// Computes the indices, and the number of distinct staff, from visits held flat: visit `v`'s distinct staff
    /// are `staff[staffEnds[v - 1] ..< staffEnds[v]]` (from 0 for the first), and `order` lists the visits in time
    /// order. `counts` is working memory, reused between calls.
    static func compute(staff: [Int32], staffEnds: [Int32], order: [Int32], counts: inout ContactCounts)
        -> (indices: ContinuityIndices, staff: Int)
    {
        let contacts = staff.count
        for member in staff { counts.add(member) }
        var result = ContinuityIndices(visits: order.count, contacts: contacts)
        let distinct = counts.distinct
        if contacts > 0 {
            let perStaff = counts.sortedDescending()
            result.upc = Double(perStaff[0]) / Double(contacts)
            result.topThreeShare = Double(perStaff.prefix(3).reduce(0, +)) / Double(contacts)
            if contacts > 1 {
                let sumOfSquares = perStaff.reduce(0) { $0 + $1 * $1 }
                result.coc = Double(sumOfSquares - contacts) / Double(contacts * (contacts - 1))
            }
        }
        counts.reset()
        if order.count > 1 {
            func visitStaff(_ visit: Int32) -> ArraySlice<Int32> {
                let v = Int(visit)
                return staff[(v == 0 ? 0 : Int(staffEnds[v - 1]))..<Int(staffEnds[v])]
            }
            var continued = 0
            for position in 1..<order.count
            where sharesStaff(visitStaff(order[position - 1]), visitStaff(order[position])) {
                continued += 1
            }
            result.secon = Double(continued) / Double(order.count - 1)
        }
        return (result, distinct)
    }

    private init(visits: Int, contacts: Int) {
        self.visits = visits
        self.contacts = contacts
    }

    private static func sharesStaff(_ a: ArraySlice<Int32>, _ b: ArraySlice<Int32>) -> Bool {
        a.contains { b.contains($0) }
    }
}

/// Contacts per staff member of one user, counted in a table indexed by staff id that is reused from user to user:
/// only the entries a user touched are read and cleared.
struct ContactCounts {
    private var counts: [Int32] = []
    private var touched: [Int32] = []
    private var sorted: [Int] = []

    /// The number of distinct staff counted since the last reset.
    var distinct: Int { touched.count }

    /// Counts one contact with staff member `member` (≥ 0).
    @inline(__always)
    mutating func add(_ member: Int32) {
        let m = Int(member)
        if m >= counts.count {
            counts.append(contentsOf: repeatElement(0, count: max(m + 1, counts.count * 2) - counts.count))
        }
        if counts[m] == 0 { touched.append(member) }
        counts[m] += 1
    }

    /// The contacts of each staff member counted, largest first.
    mutating func sortedDescending() -> [Int] {
        sorted.removeAll(keepingCapacity: true)
        for member in touched { sorted.append(Int(counts[Int(member)])) }
        sorted.sort(by: >)
        return sorted
    }

    /// Clears the counts for the next user.
    mutating func reset() {
        for member in touched { counts[Int(member)] = 0 }
        touched.removeAll(keepingCapacity: true)
    }
}

/// The provider means of the indices over the users they are defined for.
package struct ProviderIndices: Sendable, Equatable {
    package var users: Int
    package var meanCOC: Double?
    package var meanUPC: Double?
    package var meanSECON: Double?
    package var meanTopThreeShare: Double?

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
