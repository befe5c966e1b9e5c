import Dispatch
import Foundation

/// One counted row reduced to what the per-user computation needs.
struct CountedRow {
    /// Local (chunk) or, after merging, global user id.
    var user: Int32
    /// Local or global staff id.
    var staff: Int32
    /// Day of the visit, counted from `VisitLogScanner.storedFirstDay` (0…13 are the period's days unless the
    /// scan keeps a wider range for rolling measurement).
    var day: UInt16
    /// Minute of the day the row starts (0…1439), to order visits.
    var minute: UInt16
    /// The `VisitIdentity` key in two halves: with no 8-byte field the row takes 20 bytes, not 24 (a rolling year
    /// keeps every counted row).
    private var visitLow: UInt32
    private var visitHigh: UInt32

    /// `VisitIdentity` key, unique within a user and a day.
    var visit: UInt64 {
        get { UInt64(visitHigh) << 32 | UInt64(visitLow) }
        set {
            visitLow = UInt32(truncatingIfNeeded: newValue)
            visitHigh = UInt32(truncatingIfNeeded: newValue >> 32)
        }
    }

    init(user: Int32, staff: Int32, day: UInt16, minute: UInt16, visit: UInt64) {
        self.user = user
        self.staff = staff
        self.day = day
        self.minute = minute
        visitLow = UInt32(truncatingIfNeeded: visit)
        visitHigh = UInt32(truncatingIfNeeded: visit >> 32)
    }
}

/// What one chunk learnt about one user.
struct UserTrace {
    var provider: Int32
    var hasRowsInPeriod = false
    var unit: Int32 = -1
    var unitStart = Int.min
    var sortName: Int32 = -1
    var birthDay: Int32 = Int32.min
}

/// Row accounting of one chunk or of a whole run.
public struct RowAccounting: Sendable, Equatable {
    /// Data rows read (blank rows are not rows).
    public var read = 0
    /// Rows counted as (part of) a visit.
    public var used = 0
    /// Rows excluded, by rule.
    public var excluded: [ExclusionRule: Int] = [:]
    /// Rows rejected as malformed.
    public var rejected = 0
    /// Rows of empty fields that were skipped (not counted as read).
    public var blank = 0

    /// The sum of every excluded row.
    public var excludedTotal: Int { excluded.values.reduce(0, +) }
    /// True when every row read is accounted for.
    public var reconciles: Bool { read == used + excludedTotal + rejected }

    mutating func add(_ other: RowAccounting) {
        read += other.read
        used += other.used
        rejected += other.rejected
        blank += other.blank
        for (rule, count) in other.excluded { excluded[rule, default: 0] += count }
    }
}

/// The result of scanning one byte range of a visit log: local interning tables and the counted rows of the
/// period. Nothing here depends on how the file was cut into chunks once `VisitLogMerge` has merged the chunks in
/// order.
struct ChunkScan {
    var providers = ByteInterner(capacity: 64)
    var users = ByteInterner(capacity: 1024)
    var traces: [UserTrace] = []
    var staff = ByteInterner(capacity: 1024)
    var units = ByteInterner(capacity: 64)
    var names = ByteInterner(capacity: 256)
    var rows = RowBlock<CountedRow>()
    var accounting = RowAccounting()
    var rejected: [RejectedRow] = []
    /// Physical lines the chunk spans (to number the lines of the next chunk).
    var lines = 0
    /// True when a record of this chunk had a quoted line break: the chunking must then be redone sequentially.
    var sawQuotedNewline = false
    /// The file rows are read from, for rejected rows.
    var file = ""

    /// Counts and keeps a rejected record; `line` is relative to the chunk until the chunks are numbered.
    mutating func reject(
        _ bytes: UnsafeBufferPointer<UInt8>, _ reason: String, _ detail: String, _ recordStart: Int,
        _ recordEnd: Int, _ line: Int
    ) {
        accounting.rejected += 1
        let raw = UnsafeBufferPointer(rebasing: bytes[recordStart..<min(recordEnd, recordStart + 4096)])
        rejected.append(
            RejectedRow(file: file, line: line, reason: reason, detail: detail, row: TextDecoding.string(raw)))
    }
}

/// Scans visit-log chunks: parses each row on bytes, applies the row rules (rejection, `ExclusionRule`,
/// `VisitIdentity`) and keeps only the counted rows of the period and one `UserTrace` per user.
struct VisitLogScanner {
    let file: CSVFile
    let columns: ColumnIndex
    let period: PeriodWindow
    /// Counted rows are kept for the days `storedFirstDay ..< storedFirstDay + storedDays`: the 14 days of the
    /// period, or (rolling measurement) a wide range around it. Accounting is always against the period.
    let storedFirstDay: Int
    let storedDays: Int

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

    private struct Positions {
        var provider = -1, unit = -1, user = -1, staff = -1, start = -1, visit = -1, category = -1, role = -1
        var sortName = -1, birthDate = -1
    }

    @inline(__always)
    private static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard let x = a.baseAddress, let y = b.baseAddress else { return true }
        return ByteInterner.equal(x, y, count: a.count)
    }

    /// Scans the records that start in `[start, end)` of `bytes`; `firstLine` is the line number of the first.
    func scan(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, firstLine: Int) -> ChunkScan {
        var out = ChunkScan()
        out.file = file.path
        // The counted rows, in a store that appends without uniqueness checks and is handed over uncopied. Rolling
        // keeps most rows: room is made for them at once rather than by repeated growth (and copies).
        var rows = RowStore<CountedRow>(capacity: storedDays > PeriodWindow.length ? (end - start) / 48 : 1024)
        var p = Positions()
        p.provider = columns["provider"] ?? -1
        p.unit = columns["unit"] ?? -1
        p.user = columns["user"] ?? -1
        p.staff = columns["staff"] ?? -1
        p.start = columns["start"] ?? -1
        p.visit = columns["visit"] ?? -1
        p.category = columns["category"] ?? -1
        p.role = columns["staff_role"] ?? -1
        p.sortName = columns["sort_name"] ?? -1
        p.birthDate = columns["birth_date"] ?? -1

        let scanner = CSVScanner(delimiter: file.delimiter)
        let fields = CSVFieldSplitter()
        var scratch = ByteScratch(capacity: 256)
        // The raw provider–user key of a row, apart from `scratch` where its normalised form is built.
        var rawKey = ByteScratch(capacity: 128)
        var lastUnitRaw = ByteScratch(capacity: 64)
        var lastUnit: Int32 = -1
        var unitOfRaw = InternedMemo<Int32>(capacity: 64)
        // Raw-byte caches in front of normalisation and interning: logs list a user's rows together, so the
        // previous row's user and birth date usually repeat; a staff id's raw bytes map to its normalised id.
        var lastProviderRaw = ByteScratch(capacity: 64)
        var lastUserRaw = ByteScratch(capacity: 64)
        var lastUser: Int32 = -1
        var userOfRaw = InternedMemo<Int32>(capacity: 1024)
        var lastBirthRaw = ByteScratch(capacity: 16)
        var lastBirthDay = Int32.min
        // Day numbers of birth dates by their raw bytes (Int32.min: not a date).
        var birthDayOfRaw = InternedMemo<Int32>(capacity: 1024)
        var staffOfRaw = InternedMemo<Int32>(capacity: 1024)
        var staffCache = ShortKeyCache()
        var clock = WallClockReader()
        // Per-user traces are read and written on every row: kept apart from `out` in a store without
        // copy-on-write checks, and handed to `out` at the end.
        var traces = RowStore<UserTrace>(capacity: 1024)
        var outsidePeriod = 0
        // Only the fields up to the last column used are split.
        let fieldLimit =
            [
                p.provider, p.unit, p.user, p.staff, p.start, p.visit, p.category, p.role, p.sortName,
                p.birthDate,
            ].max().map { $0 + 1 } ?? 1
        var categoryExcluded = ValueMemo()
        var roleExcluded = ValueMemo()
        var position = start
        var line = firstLine
        var lines = 0

        var released = start
        while position < end {
            if position - released >= 1 << 22 {
                file.releasePages(from: released, to: position)
                released = position
            }
            let recordStart = position
            let bounds = fields.splitRecord(bytes, start: position, scanner: scanner, limit: fieldLimit)
            let recordLine = line
            position = bounds.next
            line += bounds.lines
            lines += bounds.lines
            if bounds.quotedNewline { out.sawQuotedNewline = true }
            if bounds.unterminatedQuote {
                out.accounting.read += 1
                out.reject(
                    bytes, "unterminated_quote", "a quoted field is not closed", recordStart, bounds.contentEnd,
                    recordLine)
                continue
            }
            if bounds.contentEnd == recordStart { continue }
            let providerField = IdentifierNormalization.trimmed(fields.field(p.provider))
            let userField = IdentifierNormalization.trimmed(fields.field(p.user))
            let staffField = IdentifierNormalization.trimmed(fields.field(p.staff))
            let startField = IdentifierNormalization.trimmed(fields.field(p.start))
            if providerField.isEmpty && userField.isEmpty && staffField.isEmpty && startField.isEmpty {
                // Perhaps a row of delimiters only: look at every field to tell.
                fields.split(
                    bytes, start: recordStart, end: bounds.contentEnd, delimiter: file.delimiter,
                    hasQuotes: bounds.hasQuotes)
                if fields.isBlank {
                    out.accounting.blank += 1
                    continue
                }
            }
            out.accounting.read += 1
            if providerField.isEmpty {
                out.reject(
                    bytes, "missing_provider", "column 'provider' is empty", recordStart, bounds.contentEnd, recordLine)
                continue
            }
            if userField.isEmpty {
                out.reject(bytes, "missing_user", "column 'user' is empty", recordStart, bounds.contentEnd, recordLine)
                continue
            }
            if staffField.isEmpty {
                out.reject(
                    bytes, "missing_staff", "column 'staff' is empty", recordStart, bounds.contentEnd, recordLine)
                continue
            }
            if startField.isEmpty {
                out.reject(
                    bytes, "missing_start", "column 'start' is empty", recordStart, bounds.contentEnd, recordLine)
                continue
            }
            guard let wall = clock.wallClockSeconds(startField) else {
                out.reject(
                    bytes, "bad_start", "column 'start' is not a timestamp YYYY-MM-DD HH:MM", recordStart,
                    bounds.contentEnd, recordLine)
                continue
            }
            var birthDay = Int32.min
            if p.birthDate >= 0 {
                let birthField = IdentifierNormalization.trimmed(fields.field(p.birthDate))
                if !birthField.isEmpty && lastBirthDay != Int32.min && Self.equal(birthField, lastBirthRaw.bytes) {
                    birthDay = lastBirthDay
                } else if !birthField.isEmpty {
                    let day = birthDayOfRaw.value(birthField) { raw in
                        CivilDate.parse(raw).map { Int32($0.dayNumber) } ?? Int32.min
                    }
                    guard day != Int32.min else {
                        out.reject(
                            bytes, "bad_birth_date", "column 'birth_date' is not a date YYYY-MM-DD", recordStart,
                            bounds.contentEnd, recordLine)
                        continue
                    }
                    birthDay = day
                    lastBirthRaw.removeAll()
                    lastBirthRaw.append(birthField)
                    lastBirthDay = birthDay
                }
            }

            // The row is valid: register its user (provider and user id, joined by a unit separator).
            let user: Int32
            if lastUser >= 0 && Self.equal(userField, lastUserRaw.bytes)
                && Self.equal(providerField, lastProviderRaw.bytes)
            {
                user = lastUser
            } else {
                rawKey.removeAll()
                rawKey.append(providerField)
                rawKey.append(0x1F)
                rawKey.append(userField)
                user = userOfRaw.value(rawKey.bytes) { _ in
                    scratch.removeAll()
                    IdentifierNormalization.appendNormalized(providerField, foldCase: false, to: &scratch)
                    let providerLength = scratch.count
                    scratch.append(0x1F)
                    IdentifierNormalization.appendNormalized(userField, foldCase: false, to: &scratch)
                    let id = out.users.intern(scratch.bytes)
                    if Int(id) == traces.count {
                        traces.append(UserTrace(provider: out.providers.intern(scratch.prefix(providerLength))))
                    }
                    return id
                }
                lastProviderRaw.removeAll()
                lastProviderRaw.append(providerField)
                lastUserRaw.removeAll()
                lastUserRaw.append(userField)
                lastUser = user
            }
            if p.unit >= 0 && wall >= traces[Int(user)].unitStart {
                let unitField = fields.field(p.unit)
                if !Self.equal(unitField, lastUnitRaw.bytes) {
                    lastUnitRaw.removeAll()
                    lastUnitRaw.append(unitField)
                    lastUnit = unitOfRaw.value(unitField) { raw in
                        scratch.removeAll()
                        IdentifierNormalization.appendNormalized(raw, foldCase: false, to: &scratch)
                        return out.units.intern(scratch.bytes)
                    }
                }
                traces[Int(user)].unit = lastUnit
                traces[Int(user)].unitStart = wall
            }
            if p.sortName >= 0 && traces[Int(user)].sortName < 0 {
                scratch.removeAll()
                IdentifierNormalization.appendNormalized(fields.field(p.sortName), foldCase: false, to: &scratch)
                if scratch.count > 0 { traces[Int(user)].sortName = out.names.intern(scratch.bytes) }
            }
            if birthDay != Int32.min && traces[Int(user)].birthDay == Int32.min {
                traces[Int(user)].birthDay = birthDay
            }

            // Rule 1: the period.
            let dayNumber = Stockholm.floorDiv(wall, 86_400)
            let inPeriod = period.dayIndex(ofDay: dayNumber) != nil
            let storedDay = dayNumber - storedFirstDay
            if inPeriod {
                traces[Int(user)].hasRowsInPeriod = true
            } else {
                outsidePeriod += 1
                if storedDay < 0 || storedDay >= storedDays { continue }
            }
            // Rule 6: category and role.
            if p.category >= 0, case let value = IdentifierNormalization.trimmed(fields.field(p.category)),
                !value.isEmpty
            {
                let excluded = categoryExcluded.answer(value) {
                    ExclusionRule.isExcludedCategory(TextDecoding.string($0))
                }
                if excluded {
                    if inPeriod { out.accounting.excluded[.excludedCategory, default: 0] += 1 }
                    continue
                }
            }
            if p.role >= 0, case let value = IdentifierNormalization.trimmed(fields.field(p.role)), !value.isEmpty {
                let excluded = roleExcluded.answer(value) { ExclusionRule.isExcludedRole(TextDecoding.string($0)) }
                if excluded {
                    if inPeriod { out.accounting.excluded[.excludedRole, default: 0] += 1 }
                    continue
                }
            }
            // Rule 2: 07:00–22:00.
            let secondOfDay = wall - dayNumber * 86_400
            guard ExclusionRule.isWithinDayHours(secondOfDay: secondOfDay) else {
                if inPeriod { out.accounting.excluded[.outsideHours, default: 0] += 1 }
                continue
            }
            // Rules 4, 5, 7: the visit and the staff member.
            let staff: Int32
            let staffKey = ShortKey(staffField)
            let staffGroup = Int(traces[Int(user)].provider)
            if let staffKey, let cached = staffCache.id(of: staffKey, group: staffGroup) {
                staff = cached
            } else {
                staff = staffOfRaw.value(staffField) { raw in
                    scratch.removeAll()
                    IdentifierNormalization.appendNormalized(raw, foldCase: true, to: &scratch)
                    return out.staff.intern(scratch.bytes)
                }
                if let staffKey { staffCache.store(staffKey, staff, group: staffGroup) }
            }
            let visitField = p.visit >= 0 ? IdentifierNormalization.trimmed(fields.field(p.visit)) : fields.field(-1)
            let visit =
                visitField.isEmpty
                ? VisitIdentity.key(startSecondOfDay: secondOfDay) : VisitIdentity.key(visitID: visitField)
            rows.append(
                CountedRow(
                    user: user, staff: staff, day: UInt16(storedDay), minute: UInt16(secondOfDay / 60), visit: visit))
            if inPeriod { out.accounting.used += 1 }
        }
        out.traces = traces.array()
        out.rows = rows.block()
        out.lines = lines
        if outsidePeriod > 0 { out.accounting.excluded[.outsidePeriod, default: 0] += outsidePeriod }
        return out
    }
}
