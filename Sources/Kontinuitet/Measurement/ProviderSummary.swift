/// The result per provider (docs/method.md, "Provider figures"): "the mean of the per-user results over the sampled users (this is
/// the Kolada figure; later Kolada years publish the median, so both are reported), plus the number of users,
/// min, max, the share of users who met more than 20 staff … and the distribution."
package struct ProviderSummary: Sendable, Equatable {
    /// The staff count above which a user counts as an outlier ("more than 20").
    package static let outlierThreshold = 20

    package var count: Int
    package var mean: Double?
    package var median: Double?
    package var min: Int?
    package var max: Int?
    /// Fraction (0…1) of users with more than 20 staff.
    package var shareOver20: Double?

    /// Summarises per-user distinct-staff counts; all figures are nil for an empty list.
    package init(staffCounts: [Int]) {
        count = staffCounts.count
        guard !staffCounts.isEmpty else { return }
        let sorted = staffCounts.sorted()
        mean = Double(sorted.reduce(0, +)) / Double(sorted.count)
        let middle = sorted.count / 2
        median =
            sorted.count % 2 == 1
            ? Double(sorted[middle]) : Double(sorted[middle - 1] + sorted[middle]) / 2
        min = sorted.first
        max = sorted.last
        shareOver20 = Double(sorted.filter { $0 > Self.outlierThreshold }.count) / Double(sorted.count)
    }
}

/// The distribution bins of `compile` (docs/compile-validate.md): 1–5, 6–10, 11–15, 16–20, 21–25 and more than 25 staff.
package enum StaffCountBin: Int, CaseIterable, Sendable {
    case upTo5, upTo10, upTo15, upTo20, upTo25, over25

    /// The bin of a staff count (0 falls in the first bin).
    package init(staffCount: Int) {
        switch staffCount {
        case ...5: self = .upTo5
        case 6...10: self = .upTo10
        case 11...15: self = .upTo15
        case 16...20: self = .upTo20
        case 21...25: self = .upTo25
        default: self = .over25
        }
    }

    /// The label used in CSV headers and reports.
    package var label: String {
        switch self {
        case .upTo5: return "1-5"
        case .upTo10: return "6-10"
        case .upTo15: return "11-15"
        case .upTo20: return "16-20"
        case .upTo25: return "21-25"
        case .over25: return ">25"
        }
    }
}
