/// Where the columns of a visit log are in its records: 0-based field positions, -1 for a column the file lacks.
struct VisitColumns {
    let provider: Int, unit: Int, user: Int, staff: Int, start: Int, visit: Int, category: Int, role: Int
    let sortName: Int, birthDate: Int, date: Int

    init(_ columns: ColumnIndex) {
        provider = columns["provider"] ?? -1
        unit = columns["unit"] ?? -1
        user = columns["user"] ?? -1
        staff = columns["staff"] ?? -1
        start = columns["start"] ?? -1
        visit = columns["visit"] ?? -1
        category = columns["category"] ?? -1
        role = columns["staff_role"] ?? -1
        sortName = columns["sort_name"] ?? -1
        birthDate = columns["birth_date"] ?? -1
        date = columns["date"] ?? -1
    }
}

/// A record of a visit log that passed the reading rules: its required fields, trimmed and not empty, and its
/// start. Its other fields are read when asked for, through `VisitColumns`. Every buffer points into the file's bytes
/// or the decoder's scratch and is valid until the decoder splits the next record.
struct DecodedVisitRow {
    let record: RecordFields
    /// The raw provider, user and staff ids, trimmed (the provider is `--provider`'s for a file without the
    /// column).
    let provider: UnsafeBufferPointer<UInt8>
    let user: UnsafeBufferPointer<UInt8>
    let staff: UnsafeBufferPointer<UInt8>
    /// The start in wall-clock seconds: local (Swedish) time counted as if it were UTC.
    let wall: Int

    /// The local day number (days since 1970-01-01) of the start.
    var day: Int {
        @inline(__always) get { Stockholm.floorDiv(wall, 86_400) }
    }

    /// The local time of day of the start, in seconds after midnight of `day`.
    @inline(__always)
    func secondOfDay(day: Int) -> Int { wall - day * 86_400 }
}

extension VisitColumns {
    /// The raw unit of `row`, untrimmed (normalisation trims it); empty without the column.
    @inline(__always)
    func unit(of row: DecodedVisitRow) -> UnsafeBufferPointer<UInt8> { row.record.field(unit) }

    /// The raw sort name of `row`, untrimmed; empty without the column.
    @inline(__always)
    func sortName(of row: DecodedVisitRow) -> UnsafeBufferPointer<UInt8> { row.record.field(sortName) }

    /// The trimmed birth date of `row`; empty without the column.
    @inline(__always)
    func birthDate(of row: DecodedVisitRow) -> UnsafeBufferPointer<UInt8> { row.record.trimmedField(birthDate) }

    /// The trimmed category (insats) of `row`; empty without the column.
    @inline(__always)
    func category(of row: DecodedVisitRow) -> UnsafeBufferPointer<UInt8> { row.record.trimmedField(category) }

    /// The trimmed staff role of `row`; empty without the column.
    @inline(__always)
    func role(of row: DecodedVisitRow) -> UnsafeBufferPointer<UInt8> { row.record.trimmedField(role) }

    /// The trimmed visit id of `row`; empty without the column.
    @inline(__always)
    func visit(of row: DecodedVisitRow) -> UnsafeBufferPointer<UInt8> { row.record.trimmedField(visit) }
}

/// What the decoder makes of one record.
enum VisitRowDecoding {
    /// An empty line: not a row, and not counted.
    case emptyLine
    /// A row of empty fields (Excel's trailing `;;;;`): not a row, counted as blank.
    case blank
    /// A malformed row, rejected for `reason` (`detail`: the sentence for `rejected.csv` when not the reason's own).
    case rejected(RowRejection, detail: String?)
    /// A row the later steps read.
    case row(DecodedVisitRow)
}

/// Reads the records of one byte range of a visit log and applies the reading rules of docs/method.md, "Reading
/// the files": blank rows, unterminated quotes, the field-count rule [`FieldCountRule`], the required fields
/// [`VisitRowRules`] and the start timestamp [`TimestampParser`]. What a row means (its user, whether it counts)
/// is decided by the scan's later steps. Non-copyable: it owns the timestamp reader's memory of dates.
struct VisitRowDecoder: ~Copyable {
    let columns: VisitColumns
    private let file: CSVFile
    private let scanner: CSVScanner
    private let fields = CSVFieldSplitter()
    private let headerWidth: Int
    /// The provider the command line gives a file without a provider column.
    private let providerConstant: ByteScratch
    /// The bytes a date column and a time column are joined in.
    private var dateScratch = ByteScratch(capacity: 32)
    private var clock = WallClockReader()
    /// The mapped file's pages are released behind the records read and mapped ahead of them, 4 MiB at a time:
    /// `released` is where the pages still held start, `end` where the range read ends.
    private var released: Int
    private let end: Int

    /// A decoder of the records that start in `[start, end)` of `file`'s bytes.
    init(file: CSVFile, columns: ColumnIndex, defaultProvider: [UInt8], start: Int, end: Int) {
        self.file = file
        self.columns = VisitColumns(columns)
        scanner = CSVScanner(delimiter: file.delimiter)
        headerWidth = FieldCountRule.width(ofHeader: file.header)
        var providerConstant = ByteScratch(capacity: max(1, defaultProvider.count))
        defaultProvider.withUnsafeBufferPointer { providerConstant.append($0) }
        self.providerConstant = providerConstant
        released = start
        self.end = end
    }

    /// The pages of the range still held are given back when the range is read (they stay in the page cache).
    deinit { file.releasePages(from: released, to: end) }

    /// The physical lines of the records split so far.
    private(set) var lines = 0
    /// True when a quoted field of a record split so far held a line break.
    private(set) var sawQuotedNewline = false

    /// Splits the record that starts at `position` (its fields are then what `decode` reads) and moves `position`
    /// to the next record.
    @inline(__always)
    mutating func nextRecord(_ bytes: UnsafeBufferPointer<UInt8>, from position: inout Int) -> RecordBounds {
        if position - released >= 1 << 22 {
            file.releasePages(from: released, to: position)
            released = position
            file.populatePages(from: position, to: min(end, position + (1 << 22)))
        }
        let bounds = fields.splitRecord(bytes, start: position, scanner: scanner)
        position = bounds.next
        lines += bounds.lines
        if bounds.quotedNewline { sawQuotedNewline = true }
        return bounds
    }

    /// Decodes the record `nextRecord` split at `recordStart`, whose bounds are `bounds`.
    @_transparent
    mutating func decode(_ bytes: UnsafeBufferPointer<UInt8>, recordStart: Int, bounds: RecordBounds)
        -> VisitRowDecoding
    {
        let record = fields.current
        if bounds.unterminatedQuote { return .rejected(.unterminatedQuote, detail: nil) }
        if bounds.contentEnd == recordStart { return .emptyLine }
        let provider = columns.provider >= 0 ? record.trimmedField(columns.provider) : providerConstant.bytes
        let user = record.trimmedField(columns.user)
        let staff = record.trimmedField(columns.staff)
        let start = record.trimmedField(columns.start)
        if provider.isEmpty && user.isEmpty && staff.isEmpty && start.isEmpty {
            // Perhaps a row of delimiters only: look at every field to tell.
            fields.split(
                bytes, start: recordStart, end: bounds.contentEnd, delimiter: file.delimiter,
                hasQuotes: bounds.hasQuotes)
            if fields.isBlank { return .blank }
        }
        if record.count != headerWidth,
            let problem = FieldCountRule.violation(
                count: record.count, width: headerWidth, isBlank: { record.trimmedField($0).isEmpty })
        {
            return .rejected(.fieldCount, detail: problem)
        }
        if let rejection = VisitRowRules.missingField(provider: provider, user: user, staff: staff, start: start) {
            return .rejected(rejection, detail: nil)
        }
        let parsedWall =
            columns.date < 0
            ? clock.wallClockSeconds(start)
            : TimestampParser.parse(date: record.trimmedField(columns.date), time: start, scratch: &dateScratch)?
                .wall
        guard let wall = parsedWall else { return .rejected(.badStart, detail: nil) }
        return .row(DecodedVisitRow(record: record, provider: provider, user: user, staff: staff, wall: wall))
    }
}
