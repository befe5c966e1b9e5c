import Foundation

/// How numbers and dates are shown in reports: Swedish display text derived from the machine CSV text, so that the
/// report can never show a figure that differs from the CSV.
enum ReportFormat {
    /// A no-break space: the Swedish thousands separator, and the space before `%`, that never breaks a line. It is
    /// the one separator of every report: counts, hours, axis ticks and percentages all group digits with it.
    static let noBreakSpace = "\u{00A0}"

    /// A decimal number as CSV text (point decimal) shown with a decimal comma and the whole part's thousands
    /// separated as `integer` separates them: `13.45` → `13,45`, `-0.5` → `−0,5`, `1234.50` → `1 234,50`.
    ///
    /// Text that is not a plain decimal number is shown with only the comma and minus sign changed.
    static func decimal(csv text: String) -> String {
        let negative = text.hasPrefix("-")
        let unsigned = negative ? text.dropFirst() : Substring(text)
        let parts = unsigned.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        var shown: String
        if let whole = parts.first, !whole.isEmpty, whole.count <= 18, whole.allSatisfy(\.isASCII),
            let value = Int(whole), value >= 0
        {
            shown = integer(value)
            if parts.count == 2 { shown += "," + parts[1] }
        } else {
            shown = unsigned.replacingOccurrences(of: ".", with: ",")
        }
        return negative ? "\u{2212}" + shown : shown
    }

    /// An integer with a no-break space between thousands: `1234567` → `1 234 567`.
    static func integer(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped += noBreakSpace }
            grouped.append(digit)
        }
        return (value < 0 ? "\u{2212}" : "") + grouped
    }

    /// A share written in the CSV as a fraction with three decimals (`0.125`), shown as a percentage with one
    /// decimal (`12,5 %`) by moving the decimal point two places in the text itself, never by recomputing.
    ///
    /// Text that is not a plain fraction with three decimals is shown as a decimal number unchanged.
    static func percent(fractionCSV text: String) -> String {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count == 3, let whole = Int(parts[0]), whole >= 0,
            parts[1].allSatisfy(\.isASCII), let thousandths = Int(parts[1])
        else { return decimal(csv: text) }
        let tenths = whole * 1000 + thousandths
        return "\(integer(tenths / 10)),\(tenths % 10)\(noBreakSpace)%"
    }

    /// A value on a chart axis: whole numbers as integers, others with up to `places` decimals and a comma.
    static func axis(_ value: Double, places: Int = 1) -> String {
        if value == value.rounded() && abs(value) < 1e15 { return integer(Int(value)) }
        var text = CSVWriter.format(value, places: places)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return decimal(csv: text)
    }

    static let monthNames = [
        "januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november",
        "december",
    ]

    /// Swedish month abbreviations for chart axes, where the full name does not fit.
    static let shortMonthNames = [
        "jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
    ]

    /// A month written `YYYY-MM` (as the CSV files write it) as Swedish text: `2018-09` → `september 2018`. Text
    /// that is not such a month is returned unchanged.
    static func month(csv text: String) -> String {
        guard let (year, month) = yearAndMonth(text) else { return text }
        return "\(monthNames[month - 1]) \(year)"
    }

    /// The year and month (1…12) of `YYYY-MM` text, nil for other text.
    static func yearAndMonth(_ text: String) -> (year: Int, month: Int)? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) }), let year = Int(parts[0]), let month = Int(parts[1]),
            (1...12).contains(month)
        else { return nil }
        return (year, month)
    }

    /// A range of months written `YYYY-MM` as Swedish text: `oktober – november 2018`, `december 2018 – januari
    /// 2019`, `oktober 2018` for one month.
    static func monthRange(csv first: String, _ last: String) -> String {
        guard let a = yearAndMonth(first), let b = yearAndMonth(last) else { return "\(first) – \(last)" }
        if a == b { return month(csv: first) }
        if a.year == b.year { return "\(monthNames[a.month - 1]) – \(month(csv: last))" }
        return "\(month(csv: first)) – \(month(csv: last))"
    }

    /// Labels for a date axis of consecutive days from `firstDay`: every first of a month gets the month's short
    /// name (`sep`), and the first day too when the next month is more than ten days away; the first label and
    /// every January carry the year (`sep 2018`, `jan 2019`). Other days get an empty label. `every` keeps one
    /// month in that many, counted from January (3: quarters).
    static func monthAxisLabels(firstDay: Int, count: Int, every: Int = 1) -> [String] {
        var labels = [String](repeating: "", count: count)
        var yearShown = false
        for offset in 0..<count {
            let date = CivilDate(dayNumber: firstDay + offset)
            let daysLeft = CivilDate.daysInMonth(year: date.year, month: date.month) - date.day
            let starts = date.day == 1 || (offset == 0 && daysLeft > 10)
            guard starts, (date.month - 1) % max(1, every) == 0 || offset == 0 else { continue }
            let name = shortMonthNames[date.month - 1]
            labels[offset] = !yearShown || date.month == 1 ? "\(name) \(date.year)" : name
            yearShown = true
        }
        return labels
    }

    /// A date as Swedish text: `3 september 2018`.
    static func date(_ date: CivilDate) -> String {
        "\(date.day) \(monthNames[date.month - 1]) \(date.year)"
    }

    /// A range of days as Swedish text: `3–16 september 2018`, `27 augusti – 9 september 2018`,
    /// `24 december 2018 – 6 januari 2019`.
    static func dateRange(_ first: CivilDate, _ last: CivilDate) -> String {
        if first.year != last.year { return "\(date(first)) – \(date(last))" }
        if first.month != last.month {
            return "\(first.day) \(monthNames[first.month - 1]) – \(date(last))"
        }
        return "\(first.day)–\(date(last))"
    }
}
