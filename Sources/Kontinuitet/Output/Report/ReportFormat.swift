import Foundation

/// How numbers and dates are shown in reports: Swedish display text derived from the machine CSV text, so that the
/// report can never show a figure that differs from the CSV.
enum ReportFormat {
    /// A no-break space: the Swedish thousands separator, and the space before `%`, that never breaks a line.
    static let noBreakSpace = "\u{00A0}"

    /// A decimal number as CSV text (point decimal) shown with a decimal comma: `13.45` → `13,45`, `-0.5` → `−0,5`.
    static func decimal(csv text: String) -> String {
        var shown = text.replacingOccurrences(of: ".", with: ",")
        if shown.hasPrefix("-") { shown = "\u{2212}" + shown.dropFirst() }
        return shown
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
