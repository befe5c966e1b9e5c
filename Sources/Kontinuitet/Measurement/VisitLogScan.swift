import Foundation

/// Scans visit-log chunks: parses each row on bytes, applies the row rules (rejection, `ExclusionRule`,
/// `VisitIdentity`) and keeps only the counted rows of the period and one `UserTrace` per user. The steps of a row
/// are in their own types: `VisitRowDecoder`, `VisitRowIdentities`, `VisitRowExclusions`.
struct VisitLogScanner {
    let file: CSVFile
    let columns: ColumnIndex
    let period: PeriodWindow
    /// Counted rows are kept for the days `storedFirstDay ..< storedFirstDay + storedDays`: the 14 days of the
    /// period, or (rolling measurement) a wide range around it. Accounting is always against the period.
    let storedFirstDay: Int
    let storedDays: Int
    /// The provider of a file without a provider column (`--provider NAME`), as UTF-8; empty: none.
    var defaultProvider: [UInt8] = []
    /// The unit of a file without a unit column (`--unit NAME`), as UTF-8; empty: none.
    var defaultUnit: [UInt8] = []

    /// A scanner that keeps the counted rows of the period only.
    init(file: CSVFile, columns: ColumnIndex, period: PeriodWindow) {
        self.init(
            file: file, columns: columns, period: period, storedFirstDay: period.firstDay,
            storedDays: PeriodWindow.length)
    }

    /// A scanner that keeps the counted rows of a wider range of days.
    init(file: CSVFile, columns: ColumnIndex, period: PeriodWindow, storedFirstDay: Int, storedDays: Int) {
        self.file = file
        self.columns = columns
        self.period = period
        self.storedFirstDay = storedFirstDay
        self.storedDays = storedDays
    }

    /// Scans the records that start in `[start, end)` of `bytes`; `firstLine` is the line number of the first.
    ///
    /// Each record is decoded (`VisitRowDecoder`: the reading rules), its user resolved (`VisitRowIdentities`),
    /// the rules of docs/method.md, "Rows that do not count", asked (`VisitRowExclusions`), and a counted row of a
    /// kept day stored with its staff member and `VisitIdentity`.
    ///
    /// The steps are inlined into this loop, so that a decoded row stays in registers and is never built in memory:
    /// the larger ones are `@_transparent`, because the optimiser does not honour `@inline(__always)` on a function
    /// of more than 64 blocks called from one as large as this (out of line, the scan took 24 % more instructions).
    func scan(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, firstLine: Int) -> ChunkScan {
        var out = ChunkScan()
        out.file = file.path
        // The counted rows, in a store that appends without uniqueness checks and is handed over uncopied. Rolling
        // keeps most rows: room is made for them at once rather than by repeated growth (and copies).
        var rows = RowStore<CountedRow>(capacity: storedDays > PeriodWindow.length ? (end - start) / 48 : 1024)
        var decoder = VisitRowDecoder(
            file: file, columns: columns, defaultProvider: defaultProvider, start: start, end: end)
        let keepsEveryDay = storedDays > PeriodWindow.length
        let columns = decoder.columns
        var identities = VisitRowIdentities(
            columns: columns, defaultUnit: defaultUnit, prefetchesStaff: keepsEveryDay, periodEnd: period.endSecond)
        var rules = VisitRowExclusions(period: period)
        var outsidePeriod = 0
        var position = start

        while position < end {
            // Decode: the record and the fields every row must have.
            let recordStart = position
            let recordLine = firstLine + decoder.lines
            let bounds = decoder.nextRecord(bytes, from: &position)
            let row: DecodedVisitRow
            switch decoder.decode(bytes, recordStart: recordStart, bounds: bounds) {
            case .emptyLine:
                continue
            case .blank:
                out.accounting.blank += 1
                continue
            case .rejected(let reason, let detail):
                out.accounting.read += 1
                out.reject(bytes, reason, recordStart, bounds.contentEnd, recordLine, detail: detail)
                continue
            case .row(let decoded):
                out.accounting.read += 1
                row = decoded
            }
            // Resolve: the row's user, registered once a row of it is valid.
            guard let user = identities.user(of: row, rowNumber: out.accounting.read) else {
                out.reject(bytes, .badBirthDate, recordStart, bounds.contentEnd, recordLine)
                continue
            }
            // Rules: rule 1, the period, then rules 2–4 for the rows of a kept day.
            let day = row.day
            if day < out.accounting.earliestDay { out.accounting.earliestDay = day }
            if day > out.accounting.latestDay { out.accounting.latestDay = day }
            let inPeriod = rules.isInPeriod(day: day)
            let storedDay = day - storedFirstDay
            if inPeriod {
                identities.noteRowInPeriod(of: user)
            } else {
                outsidePeriod += 1
                if storedDay < 0 || storedDay >= storedDays { continue }
            }
            let secondOfDay = row.secondOfDay(day: day)
            if let rule = rules.exclusion(
                secondOfDay: secondOfDay, category: columns.category(of: row), role: columns.role(of: row))
            {
                if inPeriod { out.accounting.excluded[rule, default: 0] += 1 }
                continue
            }
            // Store: the counted row, its staff member and its visit.
            rows.append(
                CountedRow(
                    user: user, staff: identities.staffMember(row.staff), day: UInt16(storedDay),
                    minute: UInt16(secondOfDay / 60),
                    visit: VisitIdentity.key(visitID: columns.visit(of: row), startSecondOfDay: secondOfDay)))
            if inPeriod { out.accounting.used += 1 }
        }
        identities.finish(into: &out)
        out.rows = rows.block()
        out.lines = decoder.lines
        out.sawQuotedNewline = decoder.sawQuotedNewline
        if outsidePeriod > 0 { out.accounting.excluded[.outsidePeriod, default: 0] += outsidePeriod }
        return out
    }
}
