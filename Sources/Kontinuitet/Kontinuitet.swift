/// Kontinuitet measures personalkontinuitet in Swedish home care by the Kolada/RKA method.
///
/// The library holds everything testable: the CSV reader, the measurement rules, the time report and the outputs.
/// The `kontinuitet` executable only parses arguments and calls into it.
package enum Kontinuitet {
    /// The version printed by `kontinuitet --version`.
    package static let version = "0.1.0"
}
