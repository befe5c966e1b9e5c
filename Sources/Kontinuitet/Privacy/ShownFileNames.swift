import Foundation

/// Input file paths as shareable outputs and the stderr summary show them: the path as given, or `fil N` (the N-th
/// input, counted from 1) when the path itself fails the disclosure check (`19310417-1370 besok.csv`,
/// `/data/Anna Svensson/besok.csv`).
///
/// Error messages about a file that cannot be opened keep the path: the user typed it, and needs it to act.
package struct ShownFileNames: Sendable {
    private var shown: [String: String] = [:]
    private var count: Int
    private let check: DisclosureCheck

    /// - Parameters:
    ///   - paths: the inputs in the order the command was given them (which gives the N of `fil N`).
    ///   - check: the check with the input's names (`DisclosureCheck(names: [])` before they are known).
    package init(paths: [String], check: DisclosureCheck) {
        self.check = check
        count = 0
        for path in paths where shown[path] == nil {
            count += 1
            shown[path] = Self.shown(path, number: count, check: check)
        }
    }

    /// The name to show for `path`; a path not given at `init` is checked here (and numbered after the others).
    package func callAsFunction(_ path: String) -> String {
        shown[path] ?? Self.shown(path, number: count + 1, check: check)
    }

    /// True when some path is shown as `fil N`.
    package var hidesAny: Bool { shown.contains { $0.key != $0.value } }

    /// Replaces every path that is hidden with its `fil N` in `message` (for progress lines that name a file).
    package func redacting(_ message: String) -> String {
        var result = message
        // Longest first, so that a path that is the beginning of another is not replaced inside it.
        for (path, name) in shown.sorted(by: { $0.key.count > $1.key.count }) where path != name {
            result = result.replacingOccurrences(of: path, with: name)
        }
        return result
    }

    private static func shown(_ path: String, number: Int, check: DisclosureCheck) -> String {
        // A path is one line of text; a line break in it would split a personnummer over two.
        let oneLine = path.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
        return check.scan(oneLine, file: "").isEmpty ? path : "fil \(number)"
    }
}
