import Foundation

/// Writes machine CSV as README's "What it writes" says: UTF-8, comma, point decimal, header row, LF line ends, RFC 4180 quoting.
///
/// Text fields are passed through `neutralizeSpreadsheetFormula` so that a value from an input file can never
/// become a formula when someone opens the CSV in Excel; numbers written with `number`/`integer` are not touched.
struct CSVWriter {
    private(set) var bytes: [UInt8] = []

    /// Starts a file with the given header.
    init(header: [String]) {
        row(header.map { .text($0) })
    }

    /// A writer without a header, for pieces of a file.
    init() {}

    /// Empties the writer (a piece written, the next begun).
    mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    /// Appends raw bytes: the bytes of cells rendered once (`cellBytes`) and reused on many rows.
    mutating func append(bytes more: [UInt8]) { bytes.append(contentsOf: more) }

    /// Appends a whole number and a comma or line break after it (a row's cell written without a `Cell`).
    mutating func append(integer value: Int, then separator: UInt8) {
        Self.appendDecimal(value, to: &bytes)
        bytes.append(separator)
    }

    /// The bytes of `cells` as a row writes them, without the line break.
    static func cellBytes(_ cells: [Cell]) -> [UInt8] {
        var writer = CSVWriter()
        writer.row(cells)
        return Array(writer.bytes.dropLast())
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
            case .text(let text): append(text, neutralizing: true)
            case .raw(let text): append(text, neutralizing: false)
            case .integer(let value): append(value)
            case .decimal(let value, let places): bytes.append(contentsOf: Self.format(value, places: places).utf8)
            case .empty: break
            }
        }
        bytes.append(0x0A)
    }

    /// Appends a row of text cells.
    mutating func row(_ texts: [String]) { row(texts.map { .text($0) }) }

    /// Appends `text`, quoted when it holds a comma, quote or line break, with `'` in front when `neutralizing`
    /// and it could start a formula (`neutralizeSpreadsheetFormula`, without building the prefixed string).
    private mutating func append(_ text: String, neutralizing: Bool) {
        var text = text
        text.withUTF8 { utf8 in
            var needsQuotes = false
            for byte in utf8 where byte == 0x2C || byte == 0x22 || byte == 0x0A || byte == 0x0D {
                needsQuotes = true
                break
            }
            if needsQuotes { bytes.append(0x22) }
            if neutralizing, let first = utf8.first, startsFormula(first) { bytes.append(UInt8(ascii: "'")) }
            if needsQuotes {
                for byte in utf8 {
                    if byte == 0x22 { bytes.append(0x22) }
                    bytes.append(byte)
                }
                bytes.append(0x22)
            } else {
                bytes.append(contentsOf: utf8)
            }
        }
    }

    /// Appends the decimal digits of `value`.
    private mutating func append(_ value: Int) { Self.appendDecimal(value, to: &bytes) }

    /// Appends the decimal digits of `value` (a minus sign first when negative), as `String(value)` has them, without
    /// allocating a string.
    static func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[23 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            bytes.append(contentsOf: buffer[(24 - count)...])
        }
    }

    /// Formats `value` with exactly `places` decimals and a point, rounded as C's `printf("%.*f")` rounds: the
    /// exact binary value to the nearest, ties to even. These are the same digits Python, R and DuckDB's `printf`
    /// give, so figures can be compared with theirs as text (13.125 → "13.12", 0.0625 → "0.062").
    ///
    /// Works on the double's exact value in 128-bit integers rather than through `String(format:)`, which costs
    /// microseconds a call on Linux.
    static func format(_ value: Double, places: Int) -> String {
        guard value.isFinite, abs(value) < 1e15, places >= 0, places <= 9 else {
            return String(format: "%.\(places)f", value)
        }
        var scale: UInt128 = 1
        for _ in 0..<places { scale *= 10 }
        let magnitude = abs(value)
        var scaled: UInt128 = 0
        if magnitude < 1e-18 {
            // Below 2^-59: even scaled by 10^9 it rounds to zero (and the shifts below stay under 128 bits).
            scaled = 0
        } else if case let exponent = Int(magnitude.exponent) - Double.significandBitCount,
            case let significand = UInt128(magnitude.significandBitPattern | (1 << 52)), exponent >= 0
        {
            scaled = (significand << UInt128(exponent)) * scale
        } else {
            let exponent = Int(magnitude.exponent) - Double.significandBitCount
            let significand = UInt128(magnitude.significandBitPattern | (1 << 52))
            let product = significand * scale
            let shift = UInt128(-exponent)
            scaled = product >> shift
            let remainder = product & ((1 << shift) - 1)
            let half: UInt128 = 1 << (shift - 1)
            if remainder > half || (remainder == half && scaled & 1 == 1) { scaled += 1 }
        }
        let negative = value.sign == .minus
        guard scaled <= UInt128(UInt64.max) else {
            let whole = scaled / scale
            var text = (negative ? "-" : "") + String(whole)
            if places > 0 {
                let fraction = String(scaled % scale)
                text += "." + String(repeating: "0", count: places - fraction.count) + fraction
            }
            return text
        }
        // The common case: 64-bit division, and the digits written straight into the string.
        let scale64 = UInt64(scale)
        let whole = UInt64(scaled) / scale64
        let fraction = UInt64(scaled) % scale64
        return String(unsafeUninitializedCapacity: 48) { buffer in
            var n = 0
            if negative {
                buffer[n] = UInt8(ascii: "-")
                n += 1
            }
            var digits = 1
            var rest = whole / 10
            while rest > 0 {
                digits += 1
                rest /= 10
            }
            var remaining = whole
            for k in stride(from: digits - 1, through: 0, by: -1) {
                buffer[n + k] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
            }
            n += digits
            if places > 0 {
                buffer[n] = UInt8(ascii: ".")
                n += 1
                var remainingFraction = fraction
                for k in stride(from: places - 1, through: 0, by: -1) {
                    buffer[n + k] = UInt8(ascii: "0") + UInt8(remainingFraction % 10)
                    remainingFraction /= 10
                }
                n += places
            }
            return n
        }
    }

    /// A median: an integer when whole, else one decimal (medians are whole or halves).
    static func formatMedian(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : format(value, places: 1)
    }
}
