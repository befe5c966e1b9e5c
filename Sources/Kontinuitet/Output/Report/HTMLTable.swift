/// A table of a report: a header row (optionally with a row of column groups above it), body rows, and summary rows
/// (totals, the city as comparison) set off at the foot.
///
/// Figure cells carry the exact machine text of the CSV in `data-value` (`<td data-value="13.45">13,45</td>`), so
/// that the shown figures can be checked against the CSV files mechanically.
struct HTMLTable {
    /// One column: its heading and whether it holds numbers (right-aligned).
    struct Column {
        var heading: String
        var numeric: Bool

        static func text(_ heading: String) -> Column { Column(heading: heading, numeric: false) }
        static func number(_ heading: String) -> Column { Column(heading: heading, numeric: true) }
    }

    /// A heading spanning consecutive columns, shown above the column headings.
    struct ColumnGroup {
        var heading: String
        var span: Int
    }

    /// One cell.
    enum Cell {
        /// Text; in the first column it becomes the row heading (`<th scope="row">`).
        case text(String)
        /// Short text that must stay on one line (a month, `oktober 2018`), with the CSV text behind it in
        /// `data-value`.
        case label(shown: String, csv: String)
        /// A figure: the display text and the exact CSV text behind it.
        case figure(shown: String, csv: String)
        /// A figure held back by the small-number rule: shows "för få" and carries no value at all.
        case suppressed
        /// A figure that does not exist (no sampled user): shows a dash; `data-value` is empty as in the CSV.
        case empty

        /// A count shown with thousands separated.
        static func count(_ value: Int) -> Cell { .figure(shown: ReportFormat.integer(value), csv: String(value)) }

        /// A decimal number from its CSV text, shown with a decimal comma.
        static func decimal(csv: String) -> Cell { .figure(shown: ReportFormat.decimal(csv: csv), csv: csv) }

        /// A share from its CSV text (fraction with three decimals), shown as a percentage with one decimal.
        static func percent(fractionCSV csv: String) -> Cell {
            .figure(shown: ReportFormat.percent(fractionCSV: csv), csv: csv)
        }
    }

    /// What a row is; summary rows are emphasised and kept at the foot.
    enum RowKind: String {
        case normal
        /// A total over the rows above.
        case total
        /// A comparison figure (the city mean) below the providers.
        case comparison
    }

    /// One row of cells, one per column.
    struct Row {
        var cells: [Cell]
        var kind: RowKind = .normal
    }

    /// A table of at most this many rows is kept on one printed page (`class="keep"`); a longer one breaks between
    /// rows, its header repeated on each page.
    static let keepTogetherRows = 15

    /// The text shown in place of a figure held back by the small-number rule.
    static let suppressedText = "för få"

    var caption: String?
    var columns: [Column]
    var groups: [ColumnGroup] = []
    var rows: [Row]
    /// A class on the `<table>` element (for column widths in the style sheet).
    var className: String?

    /// The `<table>` element.
    func node() -> HTMLNode {
        var children: [HTMLNode] = []
        if let caption { children.append(.element("caption", text: caption)) }
        var headRows: [HTMLNode] = []
        if !groups.isEmpty {
            headRows.append(
                .element(
                    "tr", [:],
                    groups.map { group in
                        .element(
                            "th",
                            [
                                "colspan": group.span > 1 ? String(group.span) : nil,
                                "class": group.heading.isEmpty ? "spacer" : "group", "scope": "colgroup",
                            ], text: group.heading)
                    }))
        }
        headRows.append(
            .element(
                "tr", [:],
                columns.map { column in
                    .element("th", ["scope": "col", "class": column.numeric ? "num" : nil], text: column.heading)
                }))
        children.append(.element("thead", [:], headRows))
        let body = rows.filter { $0.kind == .normal }
        let foot = rows.filter { $0.kind != .normal }
        children.append(.element("tbody", [:], body.map(rowNode)))
        if !foot.isEmpty { children.append(.element("tfoot", [:], foot.map(rowNode))) }
        let classes = [className, rows.count <= Self.keepTogetherRows ? "keep" : nil].compactMap { $0 }
        return .element("table", ["class": classes.isEmpty ? nil : classes.joined(separator: " ")], children)
    }

    private func rowNode(_ row: Row) -> HTMLNode {
        let cells = row.cells.enumerated().map { index, cell -> HTMLNode in
            let numeric = index < columns.count && columns[index].numeric
            switch cell {
            case .text(let text):
                if index == 0 { return .element("th", ["scope": "row"], text: text) }
                return .element("td", ["class": numeric ? "num" : nil], text: text)
            case .label(let shown, let csv):
                return .element("td", ["class": "nowrap", "data-value": csv], text: shown)
            case .figure(let shown, let csv):
                return .element("td", ["class": "num", "data-value": csv], text: shown)
            case .suppressed:
                return .element("td", ["class": "suppressed", "data-suppressed": "true"], text: Self.suppressedText)
            case .empty:
                return .element("td", ["class": "empty", "data-value": ""], text: "–")
            }
        }
        return .element("tr", ["class": row.kind == .normal ? nil : row.kind.rawValue], cells)
    }
}
