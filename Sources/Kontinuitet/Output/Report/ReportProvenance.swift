import Foundation

/// What a report says about itself: the day it was made, the program and version that made it, and the input files
/// it was made from, so that a printed page can be traced back to its run.
///
/// The day is today's in Stockholm, unless the environment variable `SOURCE_DATE_EPOCH` (the reproducible-builds
/// convention: seconds since 1970-01-01 UTC) gives another instant, so that a rerun on other days writes the same
/// bytes. Input files are named by their file name only (no folders), each passed through `DisclosureCheck`
/// first: a name that looks like a personnummer or holds a name from the input's name column is shown as
/// "fil 3" (its place among the inputs) instead.
struct ReportProvenance: Equatable {
    /// The day the report was made.
    var date: CivilDate
    /// `Kontinuitet.version`.
    var version: String
    /// The input files as the report shows them, in the order given.
    var inputs: [String]

    /// The environment variable that fixes the report's date.
    static let sourceDateVariable = "SOURCE_DATE_EPOCH"

    init(date: CivilDate, version: String = Kontinuitet.version, inputs: [String]) {
        self.date = date
        self.version = version
        self.inputs = inputs
    }

    /// The provenance of a report made now from `inputPaths`, whose name column held `names`. `kinds`, when
    /// given, says what each file is (`fördelad tid`) and is shown after its name.
    init(
        inputPaths: [String], kinds: [String] = [], names: [String] = [],
        environment: [String: String] = ProcessInfo.processInfo.environment, now: Date = Date()
    ) {
        let shown = Self.shownNames(inputPaths, check: DisclosureCheck.cached(names: names))
        self.init(
            date: Self.date(environment: environment, now: now),
            inputs: shown.enumerated().map { index, name in
                index < kinds.count && !kinds[index].isEmpty ? "\(name) (\(kinds[index]))" : name
            })
    }

    /// The day in Stockholm at `SOURCE_DATE_EPOCH` when it holds a whole number of seconds, else at `now`.
    static func date(environment: [String: String], now: Date) -> CivilDate {
        let seconds =
            environment[sourceDateVariable].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            ?? Int(now.timeIntervalSince1970.rounded(.down))
        return CivilDate(dayNumber: Stockholm.floorDiv(Stockholm.wallClock(fromUTC: seconds), 86_400))
    }

    /// The file name of each path, or "fil N" (N its 1-based place) when the name fails the disclosure check;
    /// standard input (`-`) is "standard input".
    static func shownNames(_ paths: [String], check: DisclosureCheck) -> [String] {
        paths.enumerated().map { index, path in
            if path == "-" { return "standard input" }
            let name = (path as NSString).lastPathComponent
            return check.scan(name, file: name).isEmpty ? name : "fil \(index + 1)"
        }
    }

    /// "a.csv", "a.csv och b.csv", "a.csv, b.csv och c.csv".
    static func list(_ items: [String]) -> String {
        guard let last = items.last else { return "" }
        let rest = items.dropLast()
        return rest.isEmpty ? last : rest.joined(separator: ", ") + " och " + last
    }

    /// One line for the top of the page: `Skapad 4 december 2026 med kontinuitet 0.1.0.`
    func madeLine(command: String) -> HTMLNode {
        .element(
            "p", ["class": "made"],
            text: "Skapad \(ReportFormat.date(date)) med kontinuitet \(version) (\(command)).")
    }

    /// The paragraph of the footer: when, by what and from which files.
    func footerParagraph(command: String) -> HTMLNode {
        let files =
            inputs.isEmpty
            ? "Inga indatafiler."
            : "Underlag: \(Self.list(inputs))."
        return .element(
            "p", ["class": "provenance"],
            text: "Rapporten skapades \(ReportFormat.date(date)) med programmet kontinuitet, version \(version) "
                + "(kommandot \(command)). \(files)")
    }
}
