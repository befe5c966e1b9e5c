/// Local Swedish wall-clock time and the Europe/Stockholm rules, computed by hand.
///
/// A *wall-clock second* is the number of seconds from 1970-01-01 00:00 as the clock on the wall reads, with no
/// time zone: day number × 86 400 + seconds of the day. Measurement works on wall-clock time (its rules are about
/// local days and local hours); elapsed time, as the time report needs it, goes through `utcSeconds`.
package enum Stockholm {
    /// Day number of the last Sunday of `month` in `year`.
    static func lastSunday(year: Int, month: Int) -> Int {
        let last = CivilDate.dayNumber(year: year, month: month, day: CivilDate.daysInMonth(year: year, month: month))
        return last - (CivilDate.isoWeekday(dayNumber: last) % 7)
    }

    /// UTC second at which summer time (CEST, UTC+2) starts: the last Sunday of March, 01:00 UTC.
    static func summerTimeStartUTC(year: Int) -> Int { lastSunday(year: year, month: 3) * 86_400 + 3_600 }

    /// UTC second at which summer time ends: the last Sunday of October, 01:00 UTC.
    static func summerTimeEndUTC(year: Int) -> Int { lastSunday(year: year, month: 10) * 86_400 + 3_600 }

    /// The offset from UTC in seconds at the given UTC instant: 3 600 (CET) or 7 200 (CEST).
    package static func offset(atUTC utc: Int) -> Int {
        let year = CivilDate(dayNumber: floorDiv(utc, 86_400)).year
        return utc >= summerTimeStartUTC(year: year) && utc < summerTimeEndUTC(year: year) ? 7_200 : 3_600
    }

    /// Wall-clock seconds in Stockholm at a UTC instant.
    package static func wallClock(fromUTC utc: Int) -> Int { utc + offset(atUTC: utc) }

    /// The UTC instant of a Stockholm wall-clock time.
    ///
    /// In the hour the clocks go back (02:00–03:00 on the last Sunday of October) a wall time occurs twice; the
    /// first occurrence (summer time) is returned unless `preferStandardTime`. A wall time in the hour that does
    /// not exist in spring is read as standard time (so 02:30 becomes 03:30 CEST).
    package static func utcSeconds(fromWallClock wall: Int, preferStandardTime: Bool = false) -> Int {
        utcSeconds(fromWallClock: wall, preferStandardTime: preferStandardTime, offset: offset(atUTC:))
    }

    /// `utcSeconds(fromWallClock:preferStandardTime:)` with the offsets from `offset` (`StockholmYearCache`'s, on
    /// a hot path): the rule is written here once.
    @inline(__always)
    static func utcSeconds(fromWallClock wall: Int, preferStandardTime: Bool, offset: (Int) -> Int) -> Int {
        let asSummer = wall - 7_200
        let asStandard = wall - 3_600
        let summerValid = offset(asSummer) == 7_200
        let standardValid = offset(asStandard) == 3_600
        if summerValid && standardValid { return preferStandardTime ? asStandard : asSummer }
        if summerValid { return asSummer }
        return asStandard
    }

    @inline(__always)
    static func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
}

/// `Stockholm.offset(atUTC:)` with the summer-time bounds of the last year asked kept: rows of one export fall in
/// one or two years, and the bounds (two last Sundays) are then computed once per year instead of on every call.
struct StockholmYearCache {
    private var yearStart = Int.max
    private var yearEnd = Int.min
    private var summerStart = 0
    private var summerEnd = 0

    /// The offset from UTC at `utc`, as `Stockholm.offset(atUTC:)` gives it.
    @inline(__always)
    mutating func offset(atUTC utc: Int) -> Int {
        if utc < yearStart || utc >= yearEnd { load(utc) }
        return utc >= summerStart && utc < summerEnd ? 7_200 : 3_600
    }

    /// Wall-clock seconds at `utc` (`Stockholm.wallClock(fromUTC:)`).
    @inline(__always)
    mutating func wallClock(fromUTC utc: Int) -> Int { utc + offset(atUTC: utc) }

    /// `Stockholm.utcSeconds(fromWallClock:preferStandardTime:)`.
    @inline(__always)
    mutating func utcSeconds(fromWallClock wall: Int, preferStandardTime: Bool = false) -> Int {
        Stockholm.utcSeconds(fromWallClock: wall, preferStandardTime: preferStandardTime) { offset(atUTC: $0) }
    }

    @inline(never)
    private mutating func load(_ utc: Int) {
        let year = CivilDate(dayNumber: Stockholm.floorDiv(utc, 86_400)).year
        yearStart = CivilDate.dayNumber(year: year, month: 1, day: 1) * 86_400
        yearEnd = CivilDate.dayNumber(year: year + 1, month: 1, day: 1) * 86_400
        summerStart = Stockholm.summerTimeStartUTC(year: year)
        summerEnd = Stockholm.summerTimeEndUTC(year: year)
    }
}

/// `TimestampParser.wallClockSeconds` with a memory of the dates read: a log's rows share a few dates, so a plain
/// `YYYY-MM-DD HH:MM[:SS]` whose date and separator repeat the last one's only needs its time of day read. A log
/// that lists each user's year in turn changes date every few rows, but back to a date it has read before: the
/// dates read are also kept in a small table (by their bytes), looked up before the date is parsed again. The
/// result is the parser's for every input.
struct WallClockReader: ~Copyable {
    /// The last plain timestamp's first 11 bytes (date and separator): bytes 0…7, and 8…10 in the low three bytes.
    private var dateHead: UInt64 = 0
    private var dateTail: UInt64 = 0
    /// The wall-clock second the last plain timestamp's day starts; `Int.min` before the first.
    private var dayStart = Int.min

    /// A date read, as `dateHead`, `dateTail` and `dayStart` hold the last one (`dayStart` `Int.min`: empty).
    private struct KnownDate {
        var head: UInt64 = 0
        var tail: UInt64 = 0
        var dayStart = Int.min
    }

    /// Dates read, direct-mapped by their bytes: 1 024 slots (24 KB), room for a few years of dates.
    private static let knownBits = 10
    private var known = [KnownDate](repeating: KnownDate(), count: 1 << WallClockReader.knownBits)

    /// Wall-clock seconds of the timestamp, or nil when it is not one.
    ///
    /// The common case (a 16-byte `YYYY-MM-DD HH:MM` of the last row's date, no blanks around it) is inlined;
    /// everything else goes to `readSlowly`.
    @inline(__always)
    mutating func wallClockSeconds(_ raw: UnsafeBufferPointer<UInt8>) -> Int? {
        guard raw.count == 16, let base = raw.baseAddress else { return readSlowly(raw) }
        let bytes = UnsafeRawPointer(base)
        let head = UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))
        let middle = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        guard head == dateHead && middle & 0xFF_FFFF == dateTail && dayStart != Int.min,
            let time = Self.timeOfDay(middle >> 24, seconds: nil)
        else { return readSlowly(raw) }
        return dayStart &+ time
    }

    /// `wallClockSeconds` for everything but the common case: blanks around the timestamp, seconds, another date
    /// than the last, or not a plain timestamp at all.
    @inline(never)
    private mutating func readSlowly(_ raw: UnsafeBufferPointer<UInt8>) -> Int? {
        let b = IdentifierNormalization.trimmed(raw)
        let n = b.count
        guard n == 16 || n == 19, let base = b.baseAddress else { return TimestampParser.wallClockSeconds(raw) }
        let bytes = UnsafeRawPointer(base)
        let head = UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))
        let middle = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        guard let time = Self.timeOfDay(middle >> 24, seconds: n == 19 ? b : nil) else {
            return TimestampParser.wallClockSeconds(raw)
        }
        let tail = middle & 0xFF_FFFF
        if head == dateHead && tail == dateTail && dayStart != Int.min { return dayStart &+ time }
        let slot = ShortKey.slot(head: head, tail: tail, length: 11, bits: Self.knownBits)
        let date = known[slot]
        if date.head == head && date.tail == tail && date.dayStart != Int.min {
            dateHead = head
            dateTail = tail
            dayStart = date.dayStart
            return dayStart &+ time
        }
        guard let parsed = TimestampParser.parse(raw) else { return nil }
        guard parsed.utc == nil else { return parsed.wall }
        dateHead = head
        dateTail = tail
        dayStart = parsed.wall - time
        known[slot] = KnownDate(head: head, tail: tail, dayStart: dayStart)
        return parsed.wall
    }

    /// Seconds of the day of the `HH:MM` whose five bytes are the low bytes of `clock` (first byte lowest), plus
    /// the `:SS` at bytes 16…18 of `seconds` when given, as the parser reads them (a leap second 60 reads as 59);
    /// nil when they are not that.
    @inline(__always)
    private static func timeOfDay(_ clock: UInt64, seconds: UnsafeBufferPointer<UInt8>?) -> Int? {
        // Xor with "00:00" turns the digits into 0…9 and the colon into 0; a byte is then valid when adding 0x76
        // (0x7F for the colon) leaves its high bit clear. A byte of 0x80 or more fails through `| x` (so a carry
        // out of it cannot hide anything).
        let x = (clock ^ 0x30_30_3A_30_30) & 0xFF_FFFF_FFFF
        guard (x &+ 0x76_76_7F_76_76 | x) & 0x80_80_80_80_80 == 0 else { return nil }
        let hour = Int(x & 0xFF) &* 10 &+ Int(x >> 8 & 0xFF)
        let minute = Int(x >> 24 & 0xFF) &* 10 &+ Int(x >> 32 & 0xFF)
        var second = 0
        if let b = seconds {
            let s0 = Int(b[17]) &- 48
            let s1 = Int(b[18]) &- 48
            guard b[16] == 0x3A, s0 >= 0 && s0 <= 9, s1 >= 0 && s1 <= 9 else { return nil }
            second = s0 &* 10 &+ s1
        }
        guard hour <= 23, minute <= 59, second <= 60 else { return nil }
        return hour &* 3_600 &+ minute &* 60 &+ min(second, 59)
    }
}

/// Parses timestamps as people export them, on bytes and without allocation.
///
/// Accepted: `YYYY-MM-DD HH:MM`, optional `:SS` and fractional seconds, `T` or blanks between date and time, a
/// one-digit hour, `/` as date separator; an optional `Z`, `±HH`, `±HHMM` or `±HH:MM` offset, in which case the
/// instant is converted to Stockholm wall-clock time.
package enum TimestampParser {
    /// Wall-clock seconds (see `Stockholm`) of the timestamp, or nil when it is not one.
    @inline(__always)
    package static func wallClockSeconds(_ raw: UnsafeBufferPointer<UInt8>) -> Int? {
        parse(raw)?.wall
    }

    /// A timestamp read: its Stockholm wall-clock seconds and, when it carried an offset, its exact UTC second.
    package struct Parsed: Sendable, Equatable {
        package var wall: Int
        package var utc: Int?

        /// The UTC second: the written one, or the wall-clock time read in Stockholm (summer time first in the
        /// ambiguous autumn hour, unless `preferStandardTime`).
        package func utcSeconds(preferStandardTime: Bool = false) -> Int {
            utc ?? Stockholm.utcSeconds(fromWallClock: wall, preferStandardTime: preferStandardTime)
        }
    }

    /// Parses a timestamp (see the type's documentation for the forms accepted).
    package static func parse(_ raw: UnsafeBufferPointer<UInt8>) -> Parsed? {
        let b = IdentifierNormalization.trimmed(raw)
        let n = b.count
        guard n >= 15 else { return nil }
        @inline(__always) func digit(_ i: Int) -> Int? {
            let d = Int(b[i]) &- 48
            return d >= 0 && d <= 9 ? d : nil
        }
        guard let y0 = digit(0), let y1 = digit(1), let y2 = digit(2), let y3 = digit(3),
            b[4] == 0x2D || b[4] == 0x2F, b[7] == b[4],
            let m0 = digit(5), let m1 = digit(6), let d0 = digit(8), let d1 = digit(9)
        else { return nil }
        let year = y0 * 1000 + y1 * 100 + y2 * 10 + y3
        let month = m0 * 10 + m1
        let day = d0 * 10 + d1
        guard CivilDate.isValid(year: year, month: month, day: day) else { return nil }
        var i = 10
        guard b[i] == 0x54 || b[i] == 0x20 else { return nil }
        while i < n && (b[i] == 0x54 || b[i] == 0x20) { i += 1 }
        guard i < n, let h0 = digit(i) else { return nil }
        var hour = h0
        i += 1
        if i < n, let h1 = digit(i) {
            hour = hour * 10 + h1
            i += 1
        }
        // `HH:MM`, or the Swedish `HH.MM`; seconds follow with the same separator.
        let separator = i < n && b[i] == 0x2E ? UInt8(0x2E) : UInt8(0x3A)
        guard i + 2 < n, b[i] == separator, let mi0 = digit(i + 1), let mi1 = digit(i + 2)
        else { return nil }
        let minute = mi0 * 10 + mi1
        i += 3
        var second = 0
        if i < n && b[i] == separator {
            guard i + 2 < n, let s0 = digit(i + 1), let s1 = digit(i + 2) else { return nil }
            second = s0 * 10 + s1
            i += 3
            if i < n && (b[i] == 0x2E || b[i] == 0x2C) {
                i += 1
                while i < n, digit(i) != nil { i += 1 }
            }
        }
        guard hour <= 23, minute <= 59, second <= 60 else { return nil }
        let wall =
            CivilDate.dayNumber(year: year, month: month, day: day) * 86_400 + hour * 3_600 + minute * 60
            + min(second, 59)
        while i < n && b[i] == 0x20 { i += 1 }
        if i == n { return Parsed(wall: wall, utc: nil) }
        // An explicit offset: the written time is wall - offset in UTC.
        var offset = 0
        if b[i] == 0x5A || b[i] == 0x7A {
            guard i + 1 == n else { return nil }
        } else if b[i] == 0x2B || b[i] == 0x2D {
            let sign = b[i] == 0x2D ? -1 : 1
            i += 1
            guard i + 1 < n, let o0 = digit(i), let o1 = digit(i + 1) else { return nil }
            var minutes = (o0 * 10 + o1) * 60
            i += 2
            if i < n && b[i] == 0x3A { i += 1 }
            if i < n {
                guard i + 2 == n, let p0 = digit(i), let p1 = digit(i + 1) else { return nil }
                minutes += p0 * 10 + p1
            }
            guard minutes <= 18 * 60 else { return nil }
            offset = sign * minutes * 60
        } else {
            return nil
        }
        let utc = wall - offset
        return Parsed(wall: Stockholm.wallClock(fromUTC: utc), utc: utc)
    }

    /// A timestamp written as a date column and a time column side by side (`datum` + `starttid`): the date
    /// `YYYY-MM-DD` and a time of day `HH:MM[:SS]` or `HH.MM`, read as `parse` reads "date time". A `time` that is
    /// already a whole timestamp is read as it is. `scratch` holds the joined bytes.
    static func parse(
        date: UnsafeBufferPointer<UInt8>, time: UnsafeBufferPointer<UInt8>, scratch: inout ByteScratch
    ) -> Parsed? {
        let time = IdentifierNormalization.trimmed(time)
        if time.count >= 15 { return parse(time) }
        let date = IdentifierNormalization.trimmed(date)
        guard date.count == 10, !time.isEmpty else { return nil }
        scratch.removeAll()
        scratch.append(date)
        scratch.append(0x20)
        scratch.append(time)
        return parse(scratch.bytes)
    }

    /// String convenience for tests and small inputs.
    package static func wallClockSeconds(_ text: String) -> Int? { parse(text)?.wall }

    /// String convenience for tests and small inputs.
    package static func parse(_ text: String) -> Parsed? {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { parse(UnsafeBufferPointer($0)) }
    }
}
