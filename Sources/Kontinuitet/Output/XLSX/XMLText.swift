/// Text rules of XML 1.0 as the XLSX writer needs them: which characters may appear, and escaping into UTF-8 bytes.
enum XMLText {
    /// Whether `scalar` may appear in an XML 1.0 document: TAB, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD and
    /// U+10000–U+10FFFF (surrogates cannot occur in a Swift `String`).
    static func isLegal(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return true
        case 0x00..<0x20: return false
        case 0xFFFE, 0xFFFF: return false
        default: return true
        }
    }

    /// `text` without the characters XML 1.0 cannot hold; returned unchanged, without copying, when all are legal.
    ///
    /// - Complexity: O(n); a byte scan first, scalars only when an illegal character may be present.
    static func removingIllegalCharacters(_ text: String) -> String {
        let mayHoldIllegal = text.utf8.contains { byte in
            // Control characters, or the lead byte of U+FFFE/U+FFFF (EF BF BE/BF).
            (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) || byte == 0xEF
        }
        guard mayHoldIllegal, !text.unicodeScalars.allSatisfy(isLegal) else {
            return text
        }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars where isLegal(scalar) {
            scalars.append(scalar)
        }
        return String(scalars)
    }

    /// Appends `text` to `output` as UTF-8, escaped for element content and attribute values.
    ///
    /// `&`, `<`, `>` and `"` become entities; CR becomes `&#13;` so that XML line-end normalisation keeps it. A
    /// literal `_xHHHH_` gets its `_` written as `_x005F_`, because Excel reads `_xHHHH_` in strings as an escaped
    /// character (ECMA-376 ST_Xstring). `text` must hold only legal characters (`removingIllegalCharacters(_:)`).
    ///
    /// - Complexity: O(n); text with nothing to escape is copied in one append.
    static func appendEscaped(_ text: String, to output: inout [UInt8]) {
        let needsEscaping = text.utf8.contains { byte in
            byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
                || byte == UInt8(ascii: "\"") || byte == 0x0D || byte == UInt8(ascii: "_")
        }
        guard needsEscaping else {
            output.append(contentsOf: text.utf8)
            return
        }
        let bytes = Array(text.utf8)
        for (index, byte) in bytes.enumerated() {
            switch byte {
            case UInt8(ascii: "&"): output.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): output.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): output.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): output.append(contentsOf: "&quot;".utf8)
            case 0x0D: output.append(contentsOf: "&#13;".utf8)
            case UInt8(ascii: "_") where startsExcelEscape(bytes, at: index):
                output.append(contentsOf: "_x005F_".utf8)
            default: output.append(byte)
            }
        }
    }

    /// Whether `bytes[index...]` starts with `_x` followed by four hex digits and `_`.
    private static func startsExcelEscape(_ bytes: [UInt8], at index: Int) -> Bool {
        guard index + 7 <= bytes.count, bytes[index + 1] == UInt8(ascii: "x"), bytes[index + 6] == UInt8(ascii: "_")
        else {
            return false
        }
        return bytes[(index + 2)..<(index + 6)].allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
        }
    }
}
