/// A1-style cell references as written in the `r` attribute of a cell (`B3`) and in `<dimension>`.
enum XLSXCellReference {
    /// The column letters of the 1-based column `number`: 1 → `A`, 26 → `Z`, 27 → `AA`, 703 → `AAA`.
    ///
    /// Bijective base 26: there is no zero digit, so after `Z` comes `AA`. Excel's last column is 16,384 (`XFD`).
    /// Returns an empty string for a number below 1.
    static func columnLetters(_ number: Int) -> String {
        var remaining = number
        var letters: [UInt8] = []
        while remaining > 0 {
            let digit = (remaining - 1) % 26
            letters.append(UInt8(ascii: "A") + UInt8(digit))
            remaining = (remaining - 1) / 26
        }
        return String(decoding: letters.reversed(), as: UTF8.self)
    }

    /// The reference of the cell at 1-based `row` and `column`: row 3, column 2 → `B3`.
    static func reference(row: Int, column: Int) -> String {
        columnLetters(column) + String(row)
    }
}
