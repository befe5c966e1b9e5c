/// Writes the numbers of numeric cells as text the way a person reads them: the shortest decimal that reads back as
/// the same `Double`, with a decimal point and without exponent for ordinary magnitudes.
///
/// `12` not `12.0`, `12.5`, `193104171370` in full, `0.1` for the double nearest 0.1, `-0.5`. Positional notation
/// is used from 1e-6 up to (not including) 1e21, as JavaScript's `Number.prototype.toString` does; beyond, an
/// exponent (`1e+21`, `1.5e-8`). Negative zero is `0`.
enum SpreadsheetNumber {
    /// Appends the number written as `range` of `base` (the text of a `<v>` element) to `output`.
    ///
    /// Text that is already the shortest form (an integer, or a decimal of at most 15 significant digits without
    /// trailing zeros or exponent) is copied; anything else is parsed and rewritten. Returns false, writing
    /// nothing, when the text is not a number.
    static func append(_ base: UnsafePointer<UInt8>, _ range: Range<Int>, to output: inout [UInt8]) -> Bool {
        var start = range.lowerBound
        var end = range.upperBound
        while start < end && XMLTokenizer.isSpace(base[start]) { start += 1 }
        while end > start && XMLTokenizer.isSpace(base[end - 1]) { end -= 1 }
        guard start < end else {
            return false
        }
        if isShortestForm(base, start, end) {
            output.append(contentsOf: UnsafeBufferPointer(start: base + start, count: end - start))
            return true
        }
        guard let value = parse(base, start..<end) else {
            return false
        }
        appendShortest(value, to: &output)
        return true
    }

    /// The `Double` written in `range` of `base`, if it is a decimal number (with optional sign and exponent).
    static func parse(_ base: UnsafePointer<UInt8>, _ range: Range<Int>) -> Double? {
        guard range.count <= 400 else {
            return nil
        }
        let text = String(
            decoding: UnsafeBufferPointer(start: base + range.lowerBound, count: range.count), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            return nil
        }
        return value
    }

    /// Whether `start..<end` is `-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?` with at most 15 significant digits and not
    /// negative zero: then no shorter text reads back as the same double (15 digits always round-trip, so two
    /// such texts of different value never give the same double), and it can be copied as it is.
    @inline(__always)
    private static func isShortestForm(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var index = start
        let isNegative = base[index] == UInt8(ascii: "-")
        if isNegative {
            index += 1
        }
        guard index < end, isDigit(base[index]) else {
            return false
        }
        if base[index] == UInt8(ascii: "0") && index + 1 < end && isDigit(base[index + 1]) {
            return false
        }
        var significant = 0
        var seenNonZero = false
        while index < end && isDigit(base[index]) {
            if base[index] != UInt8(ascii: "0") { seenNonZero = true }
            if seenNonZero { significant += 1 }
            index += 1
        }
        if index < end {
            guard base[index] == UInt8(ascii: "."), index + 1 < end, base[end - 1] != UInt8(ascii: "0") else {
                return false
            }
            index += 1
            while index < end && isDigit(base[index]) {
                if base[index] != UInt8(ascii: "0") { seenNonZero = true }
                if seenNonZero { significant += 1 }
                index += 1
            }
            guard index == end else {
                return false
            }
        }
        return significant <= 15 && (seenNonZero || !isNegative)
    }

    @inline(__always)
    private static func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }

    /// Appends the shortest round-trip text of `value`.
    static func appendShortest(_ value: Double, to output: inout [UInt8]) {
        guard value.isFinite else {
            output.append(contentsOf: Array(value.description.utf8))
            return
        }
        if value == 0 {
            output.append(UInt8(ascii: "0"))
            return
        }
        if value == value.rounded(), abs(value) < 1e15 {
            output.append(contentsOf: Array(String(Int64(value)).utf8))
            return
        }
        // Swift's description holds the shortest round-trip digits, as "1.2345e-05", "123.45" or "1e+16".
        let described = Array(value.magnitude.description.utf8)
        var digits: [UInt8] = []
        var pointPosition: Int?
        var exponent = 0
        var index = 0
        while index < described.count {
            let byte = described[index]
            if byte == UInt8(ascii: ".") {
                pointPosition = digits.count
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                exponent = Int(String(decoding: described[(index + 1)...], as: UTF8.self)) ?? 0
                break
            } else {
                digits.append(byte)
            }
            index += 1
        }
        // value = 0.d1d2d3… × 10^decimalExponent after removing leading zeros.
        var decimalExponent = (pointPosition ?? digits.count) + exponent
        while digits.first == UInt8(ascii: "0") {
            digits.removeFirst()
            decimalExponent -= 1
        }
        while digits.last == UInt8(ascii: "0") {
            digits.removeLast()
        }
        if value < 0 {
            output.append(UInt8(ascii: "-"))
        }
        if decimalExponent > 21 || decimalExponent < -5 {
            output.append(digits[0])
            if digits.count > 1 {
                output.append(UInt8(ascii: "."))
                output.append(contentsOf: digits[1...])
            }
            let power = decimalExponent - 1
            output.append(contentsOf: Array((power < 0 ? "e-\(-power)" : "e+\(power)").utf8))
        } else if decimalExponent <= 0 {
            output.append(contentsOf: Array("0.".utf8))
            output.append(contentsOf: [UInt8](repeating: UInt8(ascii: "0"), count: -decimalExponent))
            output.append(contentsOf: digits)
        } else if decimalExponent >= digits.count {
            output.append(contentsOf: digits)
            output.append(contentsOf: [UInt8](repeating: UInt8(ascii: "0"), count: decimalExponent - digits.count))
        } else {
            output.append(contentsOf: digits[..<decimalExponent])
            output.append(UInt8(ascii: "."))
            output.append(contentsOf: digits[decimalExponent...])
        }
    }
}
