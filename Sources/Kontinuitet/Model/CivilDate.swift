/// Calendar arithmetic on proleptic Gregorian dates, without `Calendar` (which is slow and not needed here).
///
/// Days are counted from 1970-01-01 (day 0); the algorithms are Howard Hinnant's `days_from_civil` and
/// `civil_from_days`.
package struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    package var year: Int
    package var month: Int
    package var day: Int

    package init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date `dayNumber` days after 1970-01-01.
    package init(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// Days since 1970-01-01.
    package var dayNumber: Int { Self.dayNumber(year: year, month: month, day: day) }

    /// Days since 1970-01-01 of the given date (no validation).
    @inline(__always)
    package static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// ISO weekday: Monday 1 … Sunday 7.
    package var isoWeekday: Int { Self.isoWeekday(dayNumber: dayNumber) }

    /// ISO weekday of a day number: Monday 1 … Sunday 7 (1970-01-01 was a Thursday).
    package static func isoWeekday(dayNumber: Int) -> Int {
        ((dayNumber % 7 + 7 + 3) % 7) + 1
    }

    package static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    package static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// True when the fields form a real date.
    package static func isValid(year: Int, month: Int, day: Int) -> Bool {
        month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year: year, month: month)
    }

    /// Parses `YYYY-MM-DD` (also `YYYYMMDD` and `YYYY/MM/DD`), surrounding blanks allowed.
    package init?(parsing text: String) {
        var bytes = Array(text.utf8)
        guard let parsed = bytes.withUnsafeMutableBufferPointer({ Self.parse(UnsafeBufferPointer($0)) }) else {
            return nil
        }
        self = parsed
    }

    /// Parses a date on bytes; see `init?(parsing:)`.
    static func parse(_ raw: UnsafeBufferPointer<UInt8>) -> CivilDate? {
        let b = IdentifierNormalization.trimmed(raw)
        let digitsAt: (Int, Int, Int)
        if b.count == 10, b[4] == b[7], b[4] == 0x2D || b[4] == 0x2F {
            digitsAt = (0, 5, 8)
        } else if b.count == 8 {
            digitsAt = (0, 4, 6)
        } else {
            return nil
        }
        @inline(__always) func digit(_ i: Int) -> Int {
            let d = Int(b[i]) &- 48
            return d >= 0 && d <= 9 ? d : -10_000
        }
        let y =
            digit(digitsAt.0) * 1000 + digit(digitsAt.0 + 1) * 100 + digit(digitsAt.0 + 2) * 10
            + digit(digitsAt.0 + 3)
        let m = digit(digitsAt.1) * 10 + digit(digitsAt.1 + 1)
        let d = digit(digitsAt.2) * 10 + digit(digitsAt.2 + 1)
        guard y >= 0, m >= 0, d >= 0, isValid(year: y, month: m, day: d) else { return nil }
        return CivilDate(year: y, month: m, day: d)
    }

    package static func < (a: CivilDate, b: CivilDate) -> Bool { a.dayNumber < b.dayNumber }

    /// `YYYY-MM-DD`.
    package var description: String {
        if (0...9999).contains(year) {
            // The common case, written digit by digit (outputs print hundreds of thousands of dates).
            return String(unsafeUninitializedCapacity: 10) { buffer in
                func put(_ value: Int, at offset: Int, width: Int) {
                    var rest = value
                    for k in stride(from: width - 1, through: 0, by: -1) {
                        buffer[offset + k] = UInt8(ascii: "0") + UInt8(rest % 10)
                        rest /= 10
                    }
                }
                put(year, at: 0, width: 4)
                buffer[4] = UInt8(ascii: "-")
                put(month, at: 5, width: 2)
                buffer[7] = UInt8(ascii: "-")
                put(day, at: 8, width: 2)
                return 10
            }
        }
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// The date `days` days later.
    package func adding(days: Int) -> CivilDate { CivilDate(dayNumber: dayNumber + days) }

    /// The day someone born on `self` turns 65 (1 March in common years for a 29 February birthday).
    package var sixtyFifthBirthday: CivilDate {
        let year = self.year + 65
        if month == 2 && day == 29 && !Self.isLeapYear(year) { return CivilDate(year: year, month: 3, day: 1) }
        return CivilDate(year: year, month: month, day: day)
    }

    /// Completed years of age on `date` for someone born on `self`; a 29 February birthday counts from 1 March in
    /// common years.
    package func age(on date: CivilDate) -> Int {
        var age = date.year - year
        if (date.month, date.day) < (month, day) { age -= 1 }
        return age
    }
}
