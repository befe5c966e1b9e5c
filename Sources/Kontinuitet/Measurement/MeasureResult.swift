import Foundation

/// The options of a measurement run (`kontinuitet measure`).
package struct MeasureOptions: Sendable {
    /// The first day of the period; nil means the Kolada default of the measurement year.
    package var periodStart: CivilDate?
    /// The measurement year for the Kolada default; nil means the year most rows fall in.
    package var year: Int?
    package var sampling: SamplingMethod = .everyKth
    /// The cap on sampled users per provider (150 by the method).
    package var sampleCap = SamplingRule.defaultCap
    /// Worker threads for scanning and aggregation; the output does not depend on it.
    package var threads = ProcessInfo.processInfo.activeProcessorCount
    /// Also measure every 14-day window of the data (`--rolling`).
    package var rolling = false
    /// With `rolling`, keep every user's windows too (`--per-user`).
    package var rollingPerUser = false
    /// The provider of files without a provider column (`--provider NAME`).
    package var defaultProvider: String?
    /// The unit of files without a unit column (`--unit NAME`).
    package var defaultUnit: String?
    /// The smallest chunk a file is cut into for parallel scanning (tests make it tiny to exercise the cuts).
    var minimumChunkBytes = 1 << 20

    package init() {}
}

/// One input file as it was read.
package struct InputFileSummary: Sendable {
    package var path: String
    package var encoding: TextEncoding
    /// `,`, `;` or `TAB`.
    package var delimiter: String
    package var accounting: RowAccounting
}

/// The measurement of one user (a provider–user pair): a row of `users.csv`.
package struct UserMeasurement: Sendable {
    package var provider: String
    package var unit: String
    package var userID: String
    /// The reason the user is not measured; nil for a measured user.
    package var reason: NotMeasuredReason?
    /// Days of the period with at least one counted visit.
    package var daysWithVisits: Int
    /// Counted visits in the period.
    package var visits: Int
    /// Distinct staff over the counted visits of the period.
    package var distinctStaff: Int
    package var sampled: Bool
    /// Continuity indices over the counted visits of the period.
    package var indices: ContinuityIndices
    /// 0-based order of first appearance in the input (files in the order given).
    package var firstSeen: Int

    package var measured: Bool { reason == nil }
}

/// The result of one provider: a row of `providers.csv`.
package struct ProviderMeasurement: Sendable {
    package var provider: String
    package var users: Int
    package var measuredUsers: Int
    package var sampledUsers: Int
    /// Figures over the sampled users.
    package var summary: ProviderSummary
    /// Sampled users per `StaffCountBin`, in bin order.
    package var distribution: [Int]
    /// Means of the continuity indices over the sampled users.
    package var indices: ProviderIndices
}

/// Everything a measurement run produced.
package struct MeasureResult: Sendable {
    package var period: PeriodWindow
    /// How the period was chosen, for the summary ("--period-start", "Kolada weeks 36–37 of 2018 (…)").
    package var periodSource: String
    package var options: MeasureOptions
    /// Users in order of first appearance.
    package var users: [UserMeasurement]
    /// Providers in byte order of their ids.
    package var providers: [ProviderMeasurement]
    package var accounting: RowAccounting
    package var files: [InputFileSummary]
    /// Rejected rows, by file (in the order given) and line.
    package var rejectedRows: [RejectedRow]
    /// The rolling measurement, when asked for.
    package var rolling: RollingResult?
    /// The values of the input's name column, kept only to check that no output carries them.
    package var inputNames: [String]
}
