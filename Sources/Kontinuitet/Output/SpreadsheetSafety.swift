/// The first characters that make Excel, LibreOffice Calc or Google Sheets read a cell as a formula (or, for TAB and
/// CR, hide such a character in front of one) when a person opens or pastes the file.
///
/// The set is OWASP's list for CSV injection: `=`, `+`, `-`, `@`, TAB (U+0009) and CR (U+000D).
let spreadsheetFormulaTriggers: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

/// Returns `text` with a single quote `'` put in front when its first character could start a formula.
///
/// Used by every writer of spreadsheet-bound text (the CSV writer and the XLSX writer) so that a name such as
/// `=HYPERLINK(...)` or `@SUM(...)` coming from an input file is shown as text and never evaluated. Text that does
/// not start with one of `spreadsheetFormulaTriggers` is returned unchanged, so numbers written as numbers are
/// never touched; a negative number written as text (`-5`) does get the prefix.
///
/// The first Unicode scalar is checked, not the first `Character`: `"\r\n"` and `"=\u{301}"` are single Swift
/// characters but still start with a trigger.
func neutralizeSpreadsheetFormula(_ text: String) -> String {
    guard let first = text.utf8.first, startsFormula(first) else { return text }
    return "'" + text
}

/// True when a text whose first UTF-8 byte is `byte` starts with one of `spreadsheetFormulaTriggers`: they are all
/// ASCII, and a first scalar is ASCII exactly when the first byte is, so the byte decides.
@inline(__always)
func startsFormula(_ byte: UInt8) -> Bool {
    byte < 0x80 && spreadsheetFormulaTriggers.contains(Unicode.Scalar(byte))
}
