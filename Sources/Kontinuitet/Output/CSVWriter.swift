import Foundation

/// Writes machine CSV as SPEC §4 asks: UTF-8, comma, point decimal, header row, LF line ends, RFC 4180 quoting.
///
/// Text fields are passed through `neutralizeSpreadsheetFormula` so that a value from an input file can never
/// become a formula when someone opens the CSV in Excel; numbers written with `number`/`integer` are not touched.
struct CSVWriter {
    private(set) var bytes: [UInt8] = []

    /// Starts a file with the given header.
    init(header: [String]) {
        row(header.map { .text($0) })
    }

    /// One cell of a row.
    enum Cell {
        case text(String)
        /// Text that is known not to come from input (a code or a formatted number): not neutralised.
        case raw(String)
        case integer(Int)
        /// A number with a fixed number of decimals.
        case decimal(Double, places: Int)
        case empty
    }

    /// Appends one row.
    mutating func row(_ cells: [Cell]) {
        for (index, cell) in cells.enumerated() {
            if index > 0 { bytes.append(0x2C) }
            switch cell {
            case .text(let text): appendQuotedIfNeeded(neutralizeSpreadsheetFormula(text))
            case .raw(let text): appendQuotedIfNeeded(text)
            case .integer(let value): bytes.append(contentsOf: String(value).utf8)
            case .decimal(let value, let places): bytes.append(contentsOf: Self.format(value, places: places).utf8)
            case .empty: break
            }
        }
        bytes.append(0x0A)
    }

    /// Appends a row of text cells.
    mutating func row(_ texts: [String]) { row(texts.map { .text($0) }) }

    private mutating func appendQuotedIfNeeded(_ text: String) {
        let needsQuotes = text.utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
        guard needsQuotes else {
            bytes.append(contentsOf: text.utf8)
            return
        }
        bytes.append(0x22)
        for byte in text.utf8 {
            if byte == 0x22 { bytes.append(0x22) }
            bytes.append(byte)
        }
        bytes.append(0x22)
    }

    /// Formats `value` with exactly `places` decimals and a point, rounded as C's `printf("%.*f")` rounds (to
    /// the nearest, ties to even on the exact binary value): the same digits Python, R and DuckDB's `printf` give,
    /// so figures can be compared with theirs as text.
    static func format(_ value: Double, places: Int) -> String {
        String(format: "%.\(places)f", value)
    }

    /// A median: an integer when whole, else one decimal (medians are whole or halves).
    static func formatMedian(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : format(value, places: 1)
    }
}
