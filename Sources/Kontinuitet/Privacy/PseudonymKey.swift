import Foundation

/// Löpnummer: the pseudonyms that replace user ids in every shareable output.
///
/// Numbers are per provider, 1, 2, 3 … in order of first appearance in the input. A key file from an earlier run
/// is read first, so a user keeps its number from run to run (new users get the next free numbers). The key is
/// the only place that links a löpnummer to a user id; it is written with mode 0600 and never shared.
public struct PseudonymKey: Sendable {
    private var numbers: [String: [String: Int]] = [:]
    private var highest: [String: Int] = [:]
    /// Entries in the order they were made (loaded ones first).
    private var entries: [(provider: String, number: Int, user: String)] = []

    public init() {}

    /// The columns of the key file.
    static let header = ["provider", "pseudonym", "user"]

    /// Reads an existing key file (`provider,pseudonym,user`).
    public static func load(path: String) throws -> PseudonymKey {
        let table = try CSVTable.read(path)
        let columns = try ColumnIndex.resolve(
            header: table.file.header,
            specs: [
                ColumnSpec("provider", required: true), ColumnSpec("pseudonym", aliases: ["löpnummer"], required: true),
                ColumnSpec("user", required: true),
            ], file: path, line: table.file.headerLine)
        var key = PseudonymKey()
        for row in table.rows {
            guard let number = Int(row[columns["pseudonym"]]) else { continue }
            key.add(provider: row[columns["provider"]], user: row[columns["user"]], number: number)
        }
        return key
    }

    private mutating func add(provider: String, user: String, number: Int) {
        guard numbers[provider]?[user] == nil else { return }
        numbers[provider, default: [:]][user] = number
        highest[provider] = max(highest[provider] ?? 0, number)
        entries.append((provider, number, user))
    }

    /// The löpnummer of a user, assigning the next free one when the user is new.
    public mutating func number(provider: String, user: String) -> Int {
        if let known = numbers[provider]?[user] { return known }
        let next = (highest[provider] ?? 0) + 1
        add(provider: provider, user: user, number: next)
        return next
    }

    /// The key of an output run: the existing file at `explicitPath` (`--key`) or `DIR/key.csv` if there is one,
    /// else an empty key.
    static func openForOutputs(explicitPath: String?, directory: OutputDirectory) throws -> PseudonymKey {
        let path = explicitPath ?? Path.join(directory.path, "key.csv")
        return FileManager.default.fileExists(atPath: path) ? try load(path: path) : PseudonymKey()
    }

    /// Saves the key with mode 0600: staged as `key.csv` with the directory's other outputs, or (with `--key`)
    /// written atomically at its own path. Returns the staged name, if any.
    @discardableResult
    func save(explicitPath: String?, directory: OutputDirectory) throws -> String? {
        if let explicitPath {
            try AtomicFile.write(explicitPath, csv(), mode: 0o600)
            return nil
        }
        try directory.write("key.csv", csv(), mode: 0o600)
        return "key.csv"
    }

    /// The key file's bytes, sorted by provider and löpnummer.
    func csv() -> [UInt8] {
        var writer = CSVWriter(header: Self.header)
        let sorted = entries.sorted {
            $0.provider != $1.provider
                ? $0.provider.utf8.lexicographicallyPrecedes($1.provider.utf8) : $0.number < $1.number
        }
        for entry in sorted { writer.row([.text(entry.provider), .integer(entry.number), .text(entry.user)]) }
        return writer.bytes
    }
}
