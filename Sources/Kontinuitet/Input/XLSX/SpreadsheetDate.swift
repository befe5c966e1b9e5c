/// Whether a number format shows a number as a date, a time of day, or both.
enum SpreadsheetDateKind: UInt8, Sendable {
    /// Not a date or time format: the number is a number.
    case none
    /// Only a date (`yyyy-mm-dd`, `d/m/yyyy`, built-in 14).
    case date
    /// Only a time (`hh:mm`, `[h]:mm:ss`, built-in 20).
    case time
    /// Both (`yyyy-mm-dd hh:mm`, built-in 22).
    case dateTime
}

/// Excel's dates: which number formats show serial numbers as dates, and the text a serial becomes.
///
/// A serial counts days (the fraction is the time of day) from an epoch: in the 1900 system serial 1 is
/// 1900-01-01, and serial 60 is 1900-02-29, a day that did not exist (Lotus 1-2-3 took 1900 for a leap year and
/// Excel kept it); it is read as 1900-02-28, so serials 59 and 60 give the same date, and serials from 61 on are
/// counted from 1899-12-30. Serial 0 is read as 1899-12-31 (Excel shows "1900-01-00"). In the 1904 system
/// (`<workbookPr date1904="1"/>`) serial 0 is 1904-01-01. Times are rounded to the nearest second, which turns
/// LibreOffice's 0.80902777777777701 (a microsecond short of 19:25) into 19:25:00.
enum SpreadsheetDate {
    /// The kind of built-in number format `id` (ECMA-376 Part 1, 18.8.30): 14–17 dates, 18–21 times, 22 date and
    /// time, 27–36 and 50–58 East Asian dates and times, 45–47 minutes and seconds.
    static func builtInKind(_ id: Int) -> SpreadsheetDateKind {
        switch id {
        case 14...17, 27...31, 36, 50...54, 57, 58: return .date
        case 18...21, 32...35, 45...47, 55, 56: return .time
        case 22: return .dateTime
        default: return .none
        }
    }

    /// The kind of a custom format code such as `yyyy-mm-dd hh:mm` or `[h]:mm:ss;@`.
    ///
    /// Looks for the date tokens y, d, m (month) and the time tokens h, s, m (minutes), `AM/PM`, and elapsed-time
    /// brackets `[h]` `[mm]` `[ss]`, outside quoted text, `\`-escaped and `_`/`*`-padded characters and other
    /// brackets (colours, conditions, locales). An `m` next to `h` or before `s` is minutes, any other `m` a month.
    /// `General` and number formats (`0.00`, `#,##0`, `0.0E+00`) have none of these and are not dates.
    static func kind(formatCode: String) -> SpreadsheetDateKind {
        let bytes = Array(formatCode.lowercased().utf8)
        var tokens: [UInt8] = []  // y, m, d, h, s, or "a" for AM/PM
        var index = 0
        func hasPrefix(_ text: String) -> Bool {
            let prefix = Array(text.utf8)
            return index + prefix.count <= bytes.count && Array(bytes[index..<(index + prefix.count)]) == prefix
        }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                while index < bytes.count && bytes[index] != UInt8(ascii: "\"") { index += 1 }
            case UInt8(ascii: "\\"), UInt8(ascii: "_"), UInt8(ascii: "*"):
                index += 1
            case UInt8(ascii: "["):
                let close = bytes[index...].firstIndex(of: UInt8(ascii: "]")) ?? bytes.count
                let inside = bytes[(index + 1)..<close]
                if let first = inside.first, [UInt8(ascii: "h"), UInt8(ascii: "m"), UInt8(ascii: "s")].contains(first),
                    inside.allSatisfy({ $0 == first })
                {
                    tokens.append(first == UInt8(ascii: "m") ? UInt8(ascii: "M") : first)
                }
                index = close
            case UInt8(ascii: "y"), UInt8(ascii: "d"), UInt8(ascii: "h"), UInt8(ascii: "s"), UInt8(ascii: "m"):
                if tokens.last != byte {
                    tokens.append(byte)
                }
            case UInt8(ascii: "a"):
                if hasPrefix("am/pm") || hasPrefix("a/p") {
                    tokens.append(UInt8(ascii: "a"))
                    index += hasPrefix("am/pm") ? 4 : 2
                }
            case UInt8(ascii: "g"):
                if hasPrefix("general") {
                    index += 6
                }
            default:
                break
            }
            index += 1
        }
        var hasDate = false
        var hasTime = false
        for (position, token) in tokens.enumerated() {
            switch token {
            case UInt8(ascii: "y"), UInt8(ascii: "d"):
                hasDate = true
            case UInt8(ascii: "h"), UInt8(ascii: "s"), UInt8(ascii: "a"), UInt8(ascii: "M"):
                hasTime = true
            case UInt8(ascii: "m"):
                let after = position + 1 < tokens.count ? tokens[position + 1] : 0
                let before = position > 0 ? tokens[position - 1] : 0
                if before == UInt8(ascii: "h") || after == UInt8(ascii: "s") {
                    hasTime = true
                } else {
                    hasDate = true
                }
            default:
                break
            }
        }
        switch (hasDate, hasTime) {
        case (true, true): return .dateTime
        case (true, false): return .date
        case (false, true): return .time
        case (false, false): return .none
        }
    }

    /// The largest serial read as a date: 9999-12-31 in the 1900 system.
    static let maximumSerial = 2_958_465.0

    /// Day number (days since 1970-01-01) of 1899-12-31, serial 0 of the 1900 system before the phantom day.
    private static let day1899December31 = CivilDate.dayNumber(year: 1899, month: 12, day: 31)
    /// Day number of 1899-12-30, from which serials 61 and later count.
    private static let day1899December30 = CivilDate.dayNumber(year: 1899, month: 12, day: 30)
    /// Day number of 1904-01-01, serial 0 of the 1904 system.
    private static let day1904January1 = CivilDate.dayNumber(year: 1904, month: 1, day: 1)

    /// Appends the text of the date serial written in `range` of `base` (the text of a `<v>` element) for a cell
    /// of format kind `kind` (not `.none`): `YYYY-MM-DD` for a whole serial with a date format, `HH:MM:SS` for a
    /// serial below 1 with a time format, `YYYY-MM-DD HH:MM:SS` otherwise (so a whole serial in a date-time
    /// format is midnight).
    ///
    /// Returns false, writing nothing, for text that is no number and for a serial Excel shows no date for
    /// (negative, or past 9999-12-31).
    static func append(
        _ base: UnsafePointer<UInt8>, _ range: Range<Int>, kind: SpreadsheetDateKind, uses1904: Bool,
        to output: inout [UInt8]
    ) -> Bool {
        guard let totalSeconds = seconds(base, range) else {
            return false
        }
        return append(totalSeconds: totalSeconds, kind: kind, uses1904: uses1904, to: &output)
    }

    /// The serial in `range` of `base` in seconds, rounded to the nearest; nil for text that is no number and for
    /// serials outside 0...`maximumSerial` + 1.
    ///
    /// A plain decimal (`45296.80902777777701`) is read digit by digit: whole days exactly, the fraction to well
    /// under a microsecond. Other forms (an exponent) go through `Double`.
    @inline(__always)
    static func seconds(_ base: UnsafePointer<UInt8>, _ text: Range<Int>) -> Int? {
        var start = text.lowerBound
        var end = text.upperBound
        while start < end && XMLTokenizer.isSpace(base[start]) { start += 1 }
        while end > start && XMLTokenizer.isSpace(base[end - 1]) { end -= 1 }
        let range = start..<end
        var index = range.lowerBound
        var days = 0
        while index < range.upperBound && index - range.lowerBound < 8 {
            let digit = base[index] &- UInt8(ascii: "0")
            guard digit < 10 else {
                break
            }
            days = days * 10 + Int(digit)
            index += 1
        }
        var fraction: UInt64 = 0
        var scale = 1.0
        var isPlain = index > range.lowerBound
        if isPlain && index < range.upperBound {
            isPlain = base[index] == UInt8(ascii: ".")
            index += 1
            var digits = 0
            while isPlain && index < range.upperBound {
                let digit = base[index] &- UInt8(ascii: "0")
                guard digit < 10 else {
                    isPlain = false
                    break
                }
                if digits < 18 {
                    fraction = fraction * 10 + UInt64(digit)
                    scale *= 10
                    digits += 1
                }
                index += 1
            }
        }
        if isPlain {
            guard Double(days) <= maximumSerial else {
                return nil
            }
            return days * 86_400 + Int((Double(fraction) / scale * 86_400).rounded())
        }
        guard let serial = SpreadsheetNumber.parse(base, range), serial >= 0, serial <= maximumSerial + 1 else {
            return nil
        }
        return Int((serial * 86_400).rounded())
    }

    /// Appends the date and/or time `totalSeconds` after the epoch, as `append(_:_:kind:uses1904:to:)` describes.
    static func append(
        totalSeconds: Int, kind: SpreadsheetDateKind, uses1904: Bool, to output: inout [UInt8]
    ) -> Bool {
        let days = totalSeconds / 86_400
        let seconds = totalSeconds % 86_400
        let showsDate = kind != .time || days > 0
        let showsTime = kind != .date || seconds > 0
        if showsDate {
            let dayNumber: Int
            if uses1904 {
                dayNumber = day1904January1 + days
            } else if days < 60 {
                dayNumber = day1899December31 + days
            } else if days == 60 {
                dayNumber = day1899December30 + 60  // the phantom 1900-02-29, read as 1900-02-28
            } else {
                dayNumber = day1899December30 + days
            }
            let date = CivilDate(dayNumber: dayNumber)
            guard date.year <= 9999 else {
                return false
            }
            appendTwoDigits(date.year / 100, to: &output)
            appendTwoDigits(date.year % 100, to: &output)
            output.append(UInt8(ascii: "-"))
            appendTwoDigits(date.month, to: &output)
            output.append(UInt8(ascii: "-"))
            appendTwoDigits(date.day, to: &output)
            if showsTime {
                output.append(UInt8(ascii: " "))
            }
        }
        if showsTime {
            appendTwoDigits(seconds / 3600, to: &output)
            output.append(UInt8(ascii: ":"))
            appendTwoDigits(seconds / 60 % 60, to: &output)
            output.append(UInt8(ascii: ":"))
            appendTwoDigits(seconds % 60, to: &output)
        }
        return true
    }

    /// Appends `value` (0–99) as two digits.
    @inline(__always)
    private static func appendTwoDigits(_ value: Int, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value / 10))
        output.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value % 10))
    }
}
