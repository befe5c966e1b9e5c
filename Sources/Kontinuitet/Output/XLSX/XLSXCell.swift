/// The value of one worksheet cell.
///
/// Numbers are written as numeric cells, so Excel can sum and sort them; text is written as an inline string and is
/// never evaluated as a formula (see `neutralizeSpreadsheetFormula(_:)`).
package enum XLSXCell: Sendable, Equatable {
    /// Text, shown as is. Characters that XML 1.0 cannot hold (control characters other than TAB, LF and CR) are
    /// dropped; text starting with `=`, `+`, `-`, `@`, TAB or CR gets a leading `'`.
    case text(String)
    /// A decimal number, shown with two decimals (`0.00`, in the reader's locale: `12,35` in Swedish Excel). NaN and
    /// infinities have no spreadsheet value and are written as an empty cell.
    case number(Double)
    /// A whole number, shown without decimals.
    case integer(Int)
    /// A fraction shown as a percentage with one decimal (`0.123` shows `12,3 %` in Swedish Excel).
    case percent(Double)
    /// A number in the General format: as many decimals as it has (a median `14` or `14,5`).
    case general(Double)
    /// No value; the cell is left out of the sheet.
    case empty
}

extension XLSXCell: ExpressibleByStringLiteral {
    /// A text cell: `"Hemtjänst Norr"`.
    package init(stringLiteral value: String) {
        self = .text(value)
    }
}

extension XLSXCell: ExpressibleByIntegerLiteral {
    /// An integer cell: `42`.
    package init(integerLiteral value: Int) {
        self = .integer(value)
    }
}

extension XLSXCell: ExpressibleByFloatLiteral {
    /// A number cell: `12.5`.
    package init(floatLiteral value: Double) {
        self = .number(value)
    }
}
