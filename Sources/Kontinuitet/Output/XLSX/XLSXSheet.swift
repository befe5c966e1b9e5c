/// One worksheet: a name and rows of cells, the first row usually a header.
///
/// Rows may have different lengths; missing cells are empty. The name is made acceptable to Excel when the
/// workbook is written (see `XLSXSheet.sanitizedNames(_:)`), so any string can be passed.
package struct XLSXSheet: Sendable, Equatable {
    /// The tab name. Excel allows at most 31 characters and none of `[ ] : * ? / \`; see `sanitizedNames(_:)`.
    package var name: String
    /// The cells, row by row from row 1, column by column from column A.
    package var rows: [[XLSXCell]]
    /// Whether the cells of the first row are bold.
    package var boldHeader: Bool
    /// Whether the first row stays in view when scrolling (a frozen pane below row 1).
    package var freezeHeader: Bool

    /// Creates a sheet; by default its first row is a bold, frozen header.
    package init(name: String, rows: [[XLSXCell]], boldHeader: Bool = true, freezeHeader: Bool = true) {
        self.name = name
        self.rows = rows
        self.boldHeader = boldHeader
        self.freezeHeader = freezeHeader
    }
}

extension XLSXSheet {
    /// The characters Excel refuses in a sheet name.
    static let forbiddenNameCharacters: Set<Unicode.Scalar> = ["[", "]", ":", "*", "?", "/", "\\"]

    /// Turns the requested names into names Excel accepts, in the same order.
    ///
    /// Each name: characters XML cannot hold are dropped, each of `[ ] : * ? / \` becomes `_`, surrounding
    /// whitespace and apostrophes (forbidden at either end) are trimmed, and the name is cut to 31 UTF-16 code units
    /// without splitting a character. An empty result becomes `Sheet<n>` (n counted from 1). Names must be unique
    /// without regard to case, and `History` is reserved by Excel: a clash gets ` (2)`, ` (3)`, … appended, cutting
    /// the name further when needed.
    static func sanitizedNames(_ requested: [String]) -> [String] {
        var used: Set<String> = ["history"]
        var result: [String] = []
        for (index, name) in requested.enumerated() {
            var base = cleanedName(name)
            if base.isEmpty {
                base = "Sheet\(index + 1)"
            }
            var candidate = base
            var number = 2
            while used.contains(candidate.lowercased()) {
                let suffix = " (\(number))"
                candidate =
                    truncated(base, toUTF16Length: XLSXLimits.maximumSheetNameLength - suffix.utf16.count)
                    + suffix
                number += 1
            }
            used.insert(candidate.lowercased())
            result.append(candidate)
        }
        return result
    }

    /// `name` with illegal characters replaced or dropped, trimmed and cut to Excel's length; may be empty.
    private static func cleanedName(_ name: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in name.unicodeScalars where XMLText.isLegal(scalar) {
            scalars.append(forbiddenNameCharacters.contains(scalar) ? "_" : scalar)
        }
        let trimmable: (Character) -> Bool = { $0 == "'" || $0.isWhitespace }
        var cleaned = Substring(String(scalars))
        while let first = cleaned.first, trimmable(first) {
            cleaned.removeFirst()
        }
        while let last = cleaned.last, trimmable(last) {
            cleaned.removeLast()
        }
        let cut = truncated(String(cleaned), toUTF16Length: XLSXLimits.maximumSheetNameLength)
        // Cutting may expose an apostrophe or a space at the end again.
        return String(cut.reversed().drop(while: trimmable).reversed())
    }

    /// The longest prefix of `text`, in whole characters, that fits in `limit` UTF-16 code units.
    private static func truncated(_ text: String, toUTF16Length limit: Int) -> String {
        guard text.utf16.count > limit else {
            return text
        }
        var length = 0
        var result = ""
        for character in text {
            length += character.utf16.count
            if length > limit {
                break
            }
            result.append(character)
        }
        return result
    }
}
