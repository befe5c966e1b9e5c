/// The cell formats of `xl/styles.xml`; the raw value is the index into `<cellXfs>` written as a cell's `s`.
enum XLSXStyle: Int, CaseIterable {
    /// Default font, general number format.
    case normal = 0
    /// Bold font: header cells holding text or integers.
    case bold = 1
    /// Two decimals (built-in number format 2, `0.00`): number cells.
    case twoDecimals = 2
    /// Bold with two decimals: number cells in a header row.
    case boldTwoDecimals = 3
    /// A percentage with one decimal (custom number format 164, `0.0%`).
    case percent = 4

    /// The style for `cell` in a row that is (or is not) a bold header.
    static func style(for cell: XLSXCell, bold: Bool) -> XLSXStyle {
        switch cell {
        case .number: return bold ? .boldTwoDecimals : .twoDecimals
        case .percent: return .percent
        case .text, .integer, .general, .empty: return bold ? .bold : .normal
        }
    }

    /// The `<xf>` element for this style inside `<cellXfs>`.
    private var cellFormat: String {
        switch self {
        case .normal:
            return #"<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>"#
        case .bold:
            return #"<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>"#
        case .twoDecimals:
            return #"<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"#
        case .boldTwoDecimals:
            return
                #"<xf numFmtId="2" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyNumberFormat="1"/>"#
        case .percent:
            return #"<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"#
        }
    }

    /// The whole `xl/styles.xml`: font 0 regular and font 1 bold (Calibri 11, Excel's default), the two fills and
    /// the border Excel expects to find, and one `<xf>` per case in declaration order.
    static var stylesheetXML: String {
        let cellFormats = allCases.map(\.cellFormat).joined()
        return XLSXWorkbook.xmlDeclaration
            + #"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#
            + #"<numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts>"#
            + #"<fonts count="2">"#
            + #"<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>"#
            + #"<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>"#
            + "</fonts>"
            + #"<fills count="2"><fill><patternFill patternType="none"/></fill>"#
            + #"<fill><patternFill patternType="gray125"/></fill></fills>"#
            + #"<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"#
            + #"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"#
            + #"<cellXfs count="\#(allCases.count)">"# + cellFormats + "</cellXfs>"
            + #"<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>"#
            + "</styleSheet>"
    }
}
