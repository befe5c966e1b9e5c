import Foundation

/// Löpnummer: the pseudonyms that replace user ids in every shareable output.
///
/// Numbers are per provider, 1, 2, 3 …. A provider's new users are numbered in a random order
/// (`PseudonymOrder`), after the highest number the key already holds; a key file from an earlier run is read
/// first, so a user keeps its number from run to run. The key is the only place that links a löpnummer to a user
/// id: it lives outside the output directory (`KeyFile`), with mode 0600, and is never shared.
package struct PseudonymKey: Sendable {
    private var numbers: [String: [String: Int]] = [:]
    private var highest: [String: Int] = [:]
    /// Entries in the order they were made (loaded ones first).
    private var entries: [(provider: String, number: Int, user: String)] = []

    package init() {}

    /// The columns of the key file.
    static let header = ["provider", "pseudonym", "user"]

    /// The number of users the key holds, over all providers.
    package var count: Int { entries.count }

    /// Reads an existing key file (`provider,pseudonym,user`).
    package static func load(path: String) throws -> PseudonymKey {
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
            key.add(
                provider: unneutralized(row[columns["provider"]]), user: unneutralized(row[columns["user"]]),
                number: number)
        }
        return key
    }

    /// A key value as it was before an earlier version's writer put `'` in front of a text starting with a formula
    /// character (`'-12` for the id `-12`); such an id would otherwise never be found again.
    private static func unneutralized(_ value: String) -> String {
        let bytes = value.utf8
        guard bytes.count > 1, bytes.first == UInt8(ascii: "'"),
            startsFormula(bytes[bytes.index(after: bytes.startIndex)])
        else { return value }
        return String(value.dropFirst())
    }

    private mutating func add(provider: String, user: String, number: Int) {
        guard numbers[provider]?[user] == nil else { return }
        numbers[provider, default: [:]][user] = number
        highest[provider] = max(highest[provider] ?? 0, number)
        entries.append((provider, number, user))
    }

    /// The löpnummer of a user the key holds.
    package func number(provider: String, user: String) -> Int? {
        numbers[provider]?[user]
    }

    /// Numbers the users the key does not hold yet: per provider, in the order `order` gives them, after the
    /// provider's highest number. Users already in the key keep their numbers; a user listed twice is numbered once.
    ///
    /// - Complexity: O(n) for n users, plus the sort of a seeded order.
    package mutating func assignNew(_ users: [(provider: String, user: String)], order: PseudonymOrder) {
        var newUsers: [String: [String]] = [:]
        var seen: [String: Set<String>] = [:]
        for (provider, user) in users where numbers[provider]?[user] == nil {
            if seen[provider, default: []].insert(user).inserted { newUsers[provider, default: []].append(user) }
        }
        // Providers in byte order: with a seed, the numbering does not depend on the dictionary's order.
        for provider in newUsers.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            var next = (highest[provider] ?? 0) + 1
            for user in order.shuffled(newUsers[provider] ?? [], provider: provider) {
                add(provider: provider, user: user, number: next)
                next += 1
            }
        }
    }

    /// The key file's bytes, sorted by provider and löpnummer. Ids and provider names are written exactly as read
    /// (quoted where CSV needs it, never prefixed with `'`), so that the next run finds them again; the key is a
    /// private file for this tool, not a spreadsheet.
    func csv() -> [UInt8] {
        var writer = CSVWriter(header: Self.header)
        let sorted = entries.sorted {
            $0.provider != $1.provider
                ? $0.provider.utf8.lexicographicallyPrecedes($1.provider.utf8) : $0.number < $1.number
        }
        for entry in sorted { writer.row([.raw(entry.provider), .integer(entry.number), .raw(entry.user)]) }
        return writer.bytes
    }
}
