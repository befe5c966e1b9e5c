/// Who is measured (docs/method.md, "Who is measured"): "users with daily visits, two or more every day, between 07:00 and 22:00, on
/// each of the 14 days … Home care for the elderly: where a birth date or personnummer is known, users under 65 on
/// the first day are not measured."
package enum NotMeasuredReason: String, Sendable, CaseIterable {
    /// The user's rows all lie outside the period.
    case noVisitsInPeriod = "no_visits_in_period"
    /// A birth date is known and the user is under 65 on the first day.
    case under65 = "under_65"
    /// Some day of the period has fewer than two counted visits.
    case tooFewDailyVisits = "too_few_daily_visits"
}

/// The eligibility rules, applied in the order of `NotMeasuredReason`.
enum MeasurementEligibility {
    /// The minimum number of counted visits on every day of the period.
    static let minimumDailyVisits = 2
    /// The age from which a user is measured.
    static let minimumAge = 65

    /// The first reason that applies, or nil when the user is measured.
    ///
    /// - Parameters:
    ///   - hasRowsInPeriod: whether any of the user's rows (excluded or not) starts on a day of the period.
    ///   - birthDate: the known birth date, if any.
    ///   - dailyVisits: counted visits on each of the 14 days.
    static func reason(hasRowsInPeriod: Bool, birthDate: CivilDate?, period: PeriodWindow, dailyVisits: [Int])
        -> NotMeasuredReason?
    {
        if !hasRowsInPeriod { return .noVisitsInPeriod }
        if let birthDate, birthDate.age(on: period.start) < minimumAge { return .under65 }
        if dailyVisits.contains(where: { $0 < minimumDailyVisits }) { return .tooFewDailyVisits }
        return nil
    }
}

/// Swedish personal identity numbers, read for the birth date they carry.
package enum Personnummer {
    /// The birth date in a personnummer or samordningsnummer, or nil when `text` is not one.
    ///
    /// Accepted: `YYYYMMDD-NNNN`, `YYYYMMDDNNNN`, `YYMMDD-NNNN`, `YYMMDD+NNNN`, and `YYMMDDNNNN` only when its Luhn
    /// check digit is valid (a bare ten-digit number is too often something else). A samordningsnummer has 60
    /// added to the day. A two-digit year takes the century that makes the person under 100 on `reference`
    /// (100 or more with `+`).
    package static func birthDate(_ text: String, reference: CivilDate) -> CivilDate? {
        let trimmed = text.trimmingBlanks
        var digits: [Int] = []
        var separator: Character?
        for (offset, character) in trimmed.enumerated() {
            if let value = character.wholeNumberValue, character.isASCII {
                digits.append(value)
            } else if (character == "-" || character == "+") && separator == nil
                && (offset == 6 || offset == 8)
            {
                separator = character
            } else {
                return nil
            }
        }
        let year: Int
        let rest: ArraySlice<Int>
        switch digits.count {
        case 12:
            guard separator != "+", separator == nil || trimmed.count == 13 else { return nil }
            year = digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3]
            rest = digits[4...]
        case 10:
            if separator == nil && !luhnValid(Array(digits)) { return nil }
            if separator != nil && trimmed.count != 11 { return nil }
            let yy = digits[0] * 10 + digits[1]
            var candidate = (reference.year / 100) * 100 + yy
            if candidate > reference.year { candidate -= 100 }
            if separator == "+" { candidate -= 100 }
            year = candidate
            rest = digits[2...]
        default:
            return nil
        }
        let r = Array(rest)
        let month = r[0] * 10 + r[1]
        var day = r[2] * 10 + r[3]
        if day > 60 { day -= 60 }
        guard CivilDate.isValid(year: year, month: month, day: day) else { return nil }
        return CivilDate(year: year, month: month, day: day)
    }

    /// True when the last of ten digits is the Luhn check digit of the first nine.
    package static func luhnValid(_ digits: [Int]) -> Bool {
        guard digits.count == 10 else { return false }
        var sum = 0
        for (index, digit) in digits.prefix(9).enumerated() {
            let product = digit * (index % 2 == 0 ? 2 : 1)
            sum += product / 10 + product % 10
        }
        return (10 - sum % 10) % 10 == digits[9]
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and line breaks (without going through NSString).
    var trimmingBlanks: String {
        let blanks: Set<Character> = [" ", "\t", "\r", "\n", "\u{00A0}"]
        guard let first = firstIndex(where: { !blanks.contains($0) }),
            let last = lastIndex(where: { !blanks.contains($0) })
        else { return "" }
        return String(self[first...last])
    }
}
