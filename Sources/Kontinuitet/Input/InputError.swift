/// Input that cannot be processed at all: the command stops with exit status 2.
///
/// Every case names the file, and the line where there is one. No case carries a value read from a data row, so
/// a message can never leak a personnummer or a name.
package enum InputError: Error, CustomStringConvertible, Equatable {
    /// The file does not exist.
    case fileNotFound(file: String)
    /// The file exists but could not be read.
    case unreadable(file: String, reason: String)
    /// The file has no header row.
    case empty(file: String)
    /// The file is in a format no importer reads (`name`); `advice` says what to save it as.
    case unsupportedFormat(file: String, name: String, advice: String)
    /// A required column is missing from the header on `line`.
    case missingColumn(file: String, line: Int, column: String, accepted: [String])
    /// A column is named twice in the header.
    case duplicateColumn(file: String, line: Int, column: String)
    /// No file has a data row (only headers, or blank lines): the run has no result (exit status 4).
    case noDataRows(files: [String])
    /// No row of any file had a readable start time, so the default period cannot be chosen.
    case cannotDetermineYear(files: [String])

    /// True for the input that can be read but yields no result (exit status 4, not 2).
    package var isNoResult: Bool {
        if case .noDataRows = self { return true }
        return false
    }

    package var description: String {
        switch self {
        case .fileNotFound(let file):
            return "\(file): file not found"
        case .unreadable(let file, let reason):
            return "\(file): cannot read the file (\(reason))"
        case .unsupportedFormat(let file, let name, let advice):
            return advice.isEmpty
                ? "\(file): the file is \(name)" : "\(file): the file is \(name), which cannot be read; \(advice)"
        case .empty(let file):
            return "\(file):1: the file is empty; expected a header row"
        case .missingColumn(let file, let line, let column, let accepted):
            let names = accepted.map { "'\($0)'" }.joined(separator: ", ")
            return "\(file):\(line): required column '\(column)' is missing (accepted headers: \(names))"
        case .duplicateColumn(let file, let line, let column):
            return "\(file):\(line): column '\(column)' appears twice in the header"
        case .noDataRows(let files):
            return "no result: \(files.joined(separator: ", ")): no data rows, only a header"
        case .cannotDetermineYear(let files):
            return "\(files.joined(separator: ", ")): no row has a readable start time, so the measurement year "
                + "cannot be chosen; give --period-start YYYY-MM-DD"
        }
    }
}
