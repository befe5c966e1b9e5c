/// Numbers as Swedish and English exports write them: `7,5`, `7.5`, `1 234,5`, `1 234.5`, `-2`, `12`.
///
/// A comma is a decimal comma (exports with thousands separators use a space or a no-break space); a value with
/// both a comma and a point, or more than one of either, is not a number.
package enum DecimalNumber {
    /// The value of `text`, or nil when it is not a plain decimal number.
    package static func parse(_ text: String) -> Double? {
        var cleaned = ""
        var separators = 0
        for character in text.trimmingBlanks {
            switch character {
            case " ", "\u{00A0}", "\u{202F}": continue
            case ",", ".":
                separators += 1
                cleaned.append(".")
            case "-", "+", "0"..."9": cleaned.append(character)
            default: return nil
            }
        }
        guard separators <= 1, !cleaned.isEmpty, cleaned != ".", cleaned != "-", cleaned != "+" else { return nil }
        if let signIndex = cleaned.dropFirst().firstIndex(where: { $0 == "-" || $0 == "+" }),
            signIndex != cleaned.startIndex
        {
            return nil
        }
        return Double(cleaned)
    }

    /// The whole number `text` writes (`12`, `12,0`, `12.00`), or nil when it is not one; at most 15 digits,
    /// so an absurd value cannot overflow.
    package static func wholeNumber(_ text: String) -> Int? {
        let trimmed = text.trimmingBlanks
        guard trimmed.count <= 20, let value = parse(trimmed), value == value.rounded(), abs(value) < 1e15 else {
            return nil
        }
        return Int(value)
    }
}
