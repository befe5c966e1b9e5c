/// Turns the raw text of SpreadsheetML elements and attributes into the characters it stands for, and writes
/// finished cell text as a CSV field.
enum XMLTextDecoder {
    /// Appends the text in `range` of `base` to `output`, decoding XML's entity references (`&amp;` `&lt;` `&gt;`
    /// `&quot;` `&apos;` and numeric `&#NN;` `&#xNN;`) and normalising line ends (CR LF and a lone CR become LF, as
    /// an XML parser must).
    ///
    /// An unknown or malformed reference is kept as written. Decoding cannot make the text longer.
    static func appendDecoded(_ base: UnsafePointer<UInt8>, _ range: Range<Int>, to output: inout [UInt8]) {
        var index = range.lowerBound
        let end = range.upperBound
        var runStart = index
        while index < end {
            let byte = base[index]
            if byte != UInt8(ascii: "&") && byte != 0x0D {
                index += 1
                continue
            }
            output.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: index - runStart))
            if byte == 0x0D {
                output.append(0x0A)
                index += index + 1 < end && base[index + 1] == 0x0A ? 2 : 1
            } else if let (scalar, length) = entity(base, index, end) {
                appendUTF8(scalar, to: &output)
                index += length
            } else {
                output.append(byte)
                index += 1
            }
            runStart = index
        }
        output.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: end - runStart))
    }

    /// The text in `range` of `base` decoded as `appendDecoded` does, as a `String`.
    static func string(_ base: UnsafePointer<UInt8>, _ range: Range<Int>) -> String {
        var bytes: [UInt8] = []
        appendDecoded(base, range, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The entity reference starting with the `&` at `index`: its scalar and its length including `;`.
    private static func entity(_ base: UnsafePointer<UInt8>, _ index: Int, _ end: Int) -> (Unicode.Scalar, Int)? {
        var semicolon = index + 1
        while semicolon < end && semicolon - index <= 10 && base[semicolon] != UInt8(ascii: ";") {
            semicolon += 1
        }
        guard semicolon < end && base[semicolon] == UInt8(ascii: ";") else {
            return nil
        }
        let name = Array(UnsafeBufferPointer(start: base + index + 1, count: semicolon - index - 1))
        let length = semicolon - index + 1
        switch name {
        case Array("amp".utf8): return ("&", length)
        case Array("lt".utf8): return ("<", length)
        case Array("gt".utf8): return (">", length)
        case Array("quot".utf8): return ("\"", length)
        case Array("apos".utf8): return ("'", length)
        default:
            guard name.count >= 2, name[0] == UInt8(ascii: "#") else {
                return nil
            }
            let isHex = name[1] == UInt8(ascii: "x")
            let digits = name[(isHex ? 2 : 1)...]
            guard !digits.isEmpty, let value = UInt32(String(decoding: digits, as: UTF8.self), radix: isHex ? 16 : 10),
                let scalar = Unicode.Scalar(value)
            else {
                return nil
            }
            return (scalar, length)
        }
    }

    /// Decodes the `_xHHHH_` escapes that Office writes for characters XML cannot hold (ECMA-376 Part 1, 22.4.2.4,
    /// ST_Xstring), in `bytes[start...]`: `_x000D_` is a CR, `_x005F_` an underscore. A surrogate pair comes as two
    /// escapes; a lone surrogate becomes U+FFFD.
    static func decodeOfficeEscapes(_ bytes: inout [UInt8], from start: Int) {
        guard bytes[start...].contains(UInt8(ascii: "_")) else {
            return
        }
        var output = Array(bytes[..<start])
        var index = start
        while index < bytes.count {
            guard let value = officeEscape(bytes, at: index) else {
                output.append(bytes[index])
                index += 1
                continue
            }
            index += 7
            if (0xD800..<0xDC00).contains(value), let low = officeEscape(bytes, at: index),
                (0xDC00..<0xE000).contains(low)
            {
                index += 7
                let combined = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                appendUTF8(Unicode.Scalar(combined) ?? "\u{FFFD}", to: &output)
            } else {
                appendUTF8(Unicode.Scalar(value) ?? "\u{FFFD}", to: &output)
            }
        }
        bytes = output
    }

    /// The value of the escape `_xHHHH_` at `index`, if one is there.
    private static func officeEscape(_ bytes: [UInt8], at index: Int) -> UInt32? {
        guard index + 7 <= bytes.count, bytes[index] == UInt8(ascii: "_"), bytes[index + 1] == UInt8(ascii: "x"),
            bytes[index + 6] == UInt8(ascii: "_")
        else {
            return nil
        }
        var value: UInt32 = 0
        for offset in 2..<6 {
            guard let digit = hexDigit(bytes[index + offset]) else {
                return nil
            }
            value = value << 4 | digit
        }
        return value
    }

    private static func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    static func appendUTF8(_ scalar: Unicode.Scalar, to output: inout [UInt8]) {
        UTF8.encode(scalar) { output.append($0) }
    }

    // MARK: CSV

    /// Appends `text` as one RFC 4180 field: in double quotes, with quotes doubled, when it holds a comma, a quote,
    /// CR or LF, or starts or ends with a space or tab (which a reader might trim); as it is otherwise.
    static func appendCSVField(_ text: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        guard let first = text.first, let last = text.last else {
            return
        }
        var needsQuotes = first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09
        if !needsQuotes {
            for byte in text
            where byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == 0x0A || byte == 0x0D {
                needsQuotes = true
                break
            }
        }
        guard needsQuotes else {
            output.append(contentsOf: text)
            return
        }
        output.append(UInt8(ascii: "\""))
        for byte in text {
            output.append(byte)
            if byte == UInt8(ascii: "\"") {
                output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
