/// The character encodings the reader detects: UTF-8 (with or without a byte-order mark) and Windows-1252,
/// which is what Swedish Excel writes when it saves "CSV (semikolonavgränsad)".
package enum TextEncoding: String, Sendable {
    case utf8 = "UTF-8"
    case utf8WithBOM = "UTF-8 (BOM)"
    case windows1252 = "Windows-1252"
}

/// Decoding of field bytes to text, byte by byte as the hot path needs it.
///
/// Every field is decoded on its own: valid UTF-8 is taken as UTF-8, anything else as Windows-1252. A file that
/// mixes the two (a UTF-8 export with rows pasted from an old Excel file) therefore still reads right.
enum TextDecoding {
    /// Unicode scalars of Windows-1252 bytes 0x80–0x9F; the five bytes the code page leaves undefined map to U+FFFD.
    private static let windows1252High: [UInt32] = [
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152,
        0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122,
        0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
    ]

    /// The Unicode scalar of one Windows-1252 byte.
    static func windows1252Scalar(_ byte: UInt8) -> UInt32 {
        if byte >= 0x80 && byte < 0xA0 { return windows1252High[Int(byte) - 0x80] }
        return UInt32(byte)
    }

    /// True when the bytes are all ASCII.
    @inline(__always)
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in bytes where byte >= 0x80 { return false }
        return true
    }

    /// True when the bytes are well-formed UTF-8.
    static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                i += 1
                continue
            }
            let length: Int
            if b & 0xE0 == 0xC0 {
                guard b >= 0xC2 else { return false }
                length = 2
            } else if b & 0xF0 == 0xE0 {
                length = 3
            } else if b & 0xF8 == 0xF0 && b <= 0xF4 {
                length = 4
            } else {
                return false
            }
            guard i + length <= n else { return false }
            for k in 1..<length where bytes[i + k] & 0xC0 != 0x80 { return false }
            if length == 3 {
                let b1 = bytes[i + 1]
                if (b == 0xE0 && b1 < 0xA0) || (b == 0xED && b1 >= 0xA0) { return false }
            } else if length == 4 {
                let b1 = bytes[i + 1]
                if (b == 0xF0 && b1 < 0x90) || (b == 0xF4 && b1 >= 0x90) { return false }
            }
            i += length
        }
        return true
    }

    /// Appends the UTF-8 form of Windows-1252 bytes to `output`.
    static func appendWindows1252(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout ByteScratch) {
        for byte in bytes {
            if byte < 0x80 {
                output.append(byte)
            } else {
                appendScalar(windows1252Scalar(byte), to: &output)
            }
        }
    }

    /// Decodes field bytes to a `String`: UTF-8 when valid, else Windows-1252.
    static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if isASCII(bytes) || isValidUTF8(bytes) { return String(decoding: bytes, as: UTF8.self) }
        var out = ByteScratch(capacity: bytes.count * 2 + 8)
        appendWindows1252(bytes, to: &out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// Decodes a byte array (see `string(_:)` for the rule).
    static func string(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { string($0) }
    }

    /// Appends the UTF-8 encoding of a scalar below U+10000.
    static func appendScalar(_ scalar: UInt32, to output: inout ByteScratch) {
        if scalar < 0x80 {
            output.append(UInt8(scalar))
        } else if scalar < 0x800 {
            output.append(UInt8(0xC0 | (scalar >> 6)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        } else {
            output.append(UInt8(0xE0 | (scalar >> 12)))
            output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

}

/// Normalisation of identifier fields, on bytes.
enum IdentifierNormalization {
    /// Returns the field without leading and trailing spaces, tabs, carriage returns and no-break spaces.
    @inline(__always)
    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return bytes }
        var start = 0
        var end = bytes.count
        // Most fields have no blank at either end: two comparisons.
        if base[0] > 0x20 && base[end &- 1] > 0x20 { return bytes }
        while start < end, isBlank(base[start]) { start &+= 1 }
        while end > start, isBlank(base[end &- 1]) { end &-= 1 }
        return UnsafeBufferPointer(start: base + start, count: end &- start)
    }

    @inline(__always)
    private static func isBlank(_ byte: UInt8) -> Bool {
        byte <= 0x20 && (byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A)
    }

    /// Appends the trimmed UTF-8 form of the field to `output`, lower-cased when `foldCase` is set (ASCII by a
    /// byte loop, anything else by Unicode's full lower-case mapping: `Ł`/`ł`, `Å`/`å`, `Σ`/`σ` are one letter).
    /// No-break spaces at either end count as blanks.
    ///
    /// - Complexity: O(field length); ASCII fields (the common case) are copied in one pass.
    @inline(__always)
    static func appendNormalized(_ bytes: UnsafeBufferPointer<UInt8>, foldCase: Bool, to output: inout ByteScratch) {
        let field = trimmed(bytes)
        if TextDecoding.isASCII(field) {
            if foldCase {
                for byte in field { output.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) }
            } else {
                output.append(field)
            }
            return
        }
        let regionStart = output.count
        if TextDecoding.isValidUTF8(field) {
            output.append(field)
        } else {
            TextDecoding.appendWindows1252(field, to: &output)
        }
        output.trimNoBreakSpaces(from: regionStart)
        if foldCase { foldCaseFully(&output, from: regionStart) }
    }

    /// Lower-cases the UTF-8 text after `start` by Unicode's full lower-case mapping (`String.lowercased()`):
    /// `Ł` and `ł` are one letter, as `Å` and `å` (docs/method.md, "Staff"). Only non-ASCII fields come here, and
    /// the fast paths remember each raw id's answer.
    private static func foldCaseFully(_ output: inout ByteScratch, from start: Int) {
        let region = UnsafeBufferPointer(rebasing: output.bytes[start...])
        let lowered = String(decoding: region, as: UTF8.self).lowercased()
        if lowered.utf8.elementsEqual(region) { return }
        output.removeLast(output.count - start)
        var utf8 = Array(lowered.utf8)
        utf8.withUnsafeMutableBufferPointer { output.append(UnsafeBufferPointer($0)) }
    }

    /// The normalised form of the field as an array (see `appendNormalized`).
    static func normalize(_ bytes: UnsafeBufferPointer<UInt8>, foldCase: Bool, into output: inout [UInt8]) {
        var scratch = ByteScratch(capacity: bytes.count + 8)
        appendNormalized(bytes, foldCase: foldCase, to: &scratch)
        output = Array(scratch.bytes)
    }
}
