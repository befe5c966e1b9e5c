/// One column an importer knows, with the header names it accepts.
package struct ColumnSpec: Sendable, Hashable {
    /// The canonical (English, machine CSV) name, such as `staff`.
    package let name: String
    /// Every accepted header, canonical name included, as README's "Input formats" lists them.
    package let aliases: [String]
    /// Headers taken for the column only when no header names it by `aliases` (`personnummer` is the user
    /// column of a file without a user id column, and an ordinary column of one that has both).
    package let fallbackAliases: [String]
    /// Whether the importer cannot work without the column.
    package let required: Bool

    package init(_ name: String, aliases: [String] = [], fallbackAliases: [String] = [], required: Bool = false) {
        self.name = name
        self.aliases = [name] + aliases
        self.fallbackAliases = fallbackAliases
        self.required = required
    }

    /// The form of a header name used for matching: lower case, with spaces, underscores, hyphens and dots
    /// removed, and å/ä folded to a, ö to o, é to e (so `Besök`, `besok` and `BESÖK` all match `besök`).
    static func matchKey(_ header: String) -> String {
        var key = ""
        for scalar in header.lowercased().unicodeScalars {
            switch scalar {
            case " ", "_", "-", ".", "\u{00A0}", "\t": continue
            case "å", "ä", "à", "á": key.append("a")
            case "ö", "ø", "ó": key.append("o")
            case "é", "è": key.append("e")
            default: key.unicodeScalars.append(scalar)
            }
        }
        return key
    }
}

/// Where each known column sits in one file's header.
package struct ColumnIndex: Sendable {
    private var positions: [String: Int]

    /// The 0-based field position of the column with canonical name `name`, if the header has it.
    package subscript(name: String) -> Int? { positions[name] }

    /// Matches `header` against `specs`.
    ///
    /// - Throws: `InputError.missingColumn` for the first required column not found, and
    ///   `InputError.duplicateColumn` when two header cells name the same known column.
    ///   `supplied` names required columns whose value the command line gives (`--provider NAME`): they may be
    ///   absent.
    package static func resolve(
        header: [String], specs: [ColumnSpec], file: String, line: Int, supplied: Set<String> = []
    ) throws -> ColumnIndex {
        var byKey: [String: String] = [:]
        var fallbackByKey: [String: String] = [:]
        for spec in specs {
            for alias in spec.aliases { byKey[ColumnSpec.matchKey(alias)] = spec.name }
            for alias in spec.fallbackAliases { fallbackByKey[ColumnSpec.matchKey(alias)] = spec.name }
        }
        var positions: [String: Int] = [:]
        for (position, cell) in header.enumerated() {
            guard let name = byKey[ColumnSpec.matchKey(cell)] else { continue }
            if positions[name] != nil { throw InputError.duplicateColumn(file: file, line: line, column: name) }
            positions[name] = position
        }
        for (position, cell) in header.enumerated() {
            guard let name = fallbackByKey[ColumnSpec.matchKey(cell)], positions[name] == nil else { continue }
            positions[name] = position
        }
        for spec in specs where spec.required && positions[spec.name] == nil && !supplied.contains(spec.name) {
            throw InputError.missingColumn(file: file, line: line, column: spec.name, accepted: spec.aliases)
        }
        return ColumnIndex(positions: positions)
    }
}
