import Kontinuitet

/// The options of commands that write löpnummer and keep their private files outside `--out` (`measure`,
/// `time-report`), written once so that their names and help stay the same in both (docs/security.md).
extension OptionSpec {
    static let keepIDs = OptionSpec(
        "--keep-ids", .flag, help: "write user ids instead of löpnummer (not for sharing)")
    static let key = OptionSpec(
        "--key", .single(valueName: "FILE"),
        help: "löpnummer key file, outside --out (default: a private per-user file, see docs/security.md)")
    static let rejectedRows = OptionSpec(
        "--rejected-rows", .single(valueName: "FILE"),
        help: "also write the rejected rows as read to FILE (private, mode 0600; outside --out)")
}
