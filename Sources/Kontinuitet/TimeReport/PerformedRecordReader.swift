import Foundation

/// What `PerformedScanner.scan` keeps while it reads one chunk, and the reading of a record `VisitRowDecoder`
/// decoded (measure's reading rules, required fields and check-in) into a `PerformedRow` or a rejection: its
/// check-out and planned start (the same timestamp parser), and its ids through the same identifier normalisation
/// (`IdentifierNormalization`, by way of memos so that it runs once per distinct spelling).
///
/// One value owns every piece of state the record loop changes: the loop keeps one variable, which Swift would
/// otherwise check for exclusive access a dozen times per row if a closure captured them (about a quarter of the
/// scan's CPU time when it did).
struct PerformedRecordReader: ~Copyable {
    private var out = PerformedChunk()
    private var rows: RowStore<PerformedRow>
    private var normalized = ByteScratch(capacity: 64)
    private var rawKey = ByteScratch(capacity: 64)
    private var dateScratch = ByteScratch(capacity: 32)
    private var clock = PerformedClock()
    /// The columns the decoder reads (`VisitColumns`), and the two only performed-time exports have.
    private let columns: VisitColumns
    private let endColumn: Int, planned: Int
    private let path: String
    private let tolerance: Int
    // Raw spellings to ids: a spelling is normalised once (`IdentifierNormalization`); the previous row's
    // provider and user are compared byte for byte first (exports list a user's rows together or by day).
    private var providerOfRaw = InternedMemo<Int32>(capacity: 16)
    private var userOfRaw = InternedMemo<Int32>(capacity: 1024)
    private var staffOfRaw = InternedMemo<Int32>(capacity: 1024)
    private var staffCache = ShortKeyCache(bits: 10)
    private var lastProviderRaw = ByteScratch(capacity: 64)
    private var lastProvider: Int32 = -1
    private var lastUserRaw = ByteScratch(capacity: 64)
    private var lastUser: Int32 = -1
    private var lastUserProvider: Int32 = -1
    private var lastName = ByteScratch(capacity: 64)
    private var hasLastName = false

    /// A reader of `scanner`'s file, whose records the decoder splits by `columns`, with room for `capacity` rows.
    init(scanner: PerformedScanner, columns: VisitColumns, capacity: Int) {
        rows = RowStore<PerformedRow>(capacity: capacity)
        self.columns = columns
        endColumn = scanner.columns["end"] ?? -1
        planned = scanner.columns["planned_start"] ?? -1
        path = scanner.file.path
        tolerance = scanner.tolerance
    }

    /// The chunk read, with its physical line count, whether a quoted field held a line break and the offset its
    /// last record ends at.
    consuming func finish(lines: Int, sawQuotedNewline: Bool, next: Int) -> PerformedChunk {
        out.rows = rows.block()
        out.lines = lines
        out.sawQuotedNewline = sawQuotedNewline
        out.next = next
        return out
    }

    /// Reads a record `VisitRowDecoder` decoded, on `line` (relative to the chunk), into a row or a rejection;
    /// `raw` is the record's bytes as read.
    mutating func read(_ row: DecodedVisitRow, line: Int, raw: UnsafeBufferPointer<UInt8>) {
        out.read += 1
        let record = row.record
        if columns.sortName >= 0 {
            let value = columns.sortName(of: row)
            if !hasLastName || !ByteScratch.equal(value, lastName.bytes) {
                _ = out.names.intern(value)
                lastName.removeAll()
                lastName.append(value)
                hasLastName = true
            }
        }
        let providerField = row.provider
        let userField = row.user
        let staffField = row.staff
        // The decoder read the check-in's wall clock; a check-in with an offset (or in a date column) is read
        // again here for its UTC second.
        let checkIn: TimestampParser.Parsed
        let startField = record.trimmedField(columns.start)
        if columns.date < 0 && PerformedClock.isPlain(startField) {
            checkIn = TimestampParser.Parsed(wall: row.wall, utc: nil)
        } else {
            guard let parsed = timestamp(record, columns.start) else {
                return reject(.badStart, detail: nil, line: line, raw: raw)
            }
            checkIn = parsed
        }
        var checkOut: TimestampParser.Parsed?
        if !record.trimmedField(endColumn).isEmpty {
            guard var parsed = timestamp(record, endColumn) else {
                return reject(.badEnd, detail: nil, line: line, raw: raw)
            }
            // With a date column, a check-out earlier in the day than the check-in is the next day.
            if columns.date >= 0 && parsed.wall < checkIn.wall {
                parsed.wall += 86_400
                parsed.utc = parsed.utc.map { $0 + 86_400 }
            }
            checkOut = parsed
        }
        let checkInUTC = clock.utc(checkIn)
        var timing = PerformedTiming.noCheckOut
        var exact: Int?
        if let checkOut {
            let seconds = PerformedTimeRule.elapsedSeconds(checkIn: checkIn, checkOut: checkOut, zone: &clock.zone)
            let code = PerformedTiming.code(seconds: seconds)
            timing = code.code
            if code.keepExact { exact = seconds }
        }
        if !record.trimmedField(planned).isEmpty {
            guard let plannedStart = timestamp(record, planned) else {
                return reject(.badPlannedStart, detail: nil, line: line, raw: raw)
            }
            if abs(checkInUTC - clock.utc(plannedStart)) > tolerance {
                timing |= PerformedTiming.farFromPlanned
            }
        }
        // The row is valid: its ids.
        if lastProvider < 0 || !ByteScratch.equal(providerField, lastProviderRaw.bytes) {
            lastProvider = providerOfRaw.value(providerField) { raw in
                normalized.removeAll()
                IdentifierNormalization.appendNormalized(raw, foldCase: false, to: &normalized)
                return out.providers.intern(normalized.bytes)
            }
            lastProviderRaw.removeAll()
            lastProviderRaw.append(providerField)
        }
        if lastUser < 0 || lastUserProvider != lastProvider || !ByteScratch.equal(userField, lastUserRaw.bytes) {
            lastUser = Self.id(
                userField, provider: lastProvider, foldCase: false, memo: &userOfRaw, table: &out.users,
                rawKey: &rawKey, normalized: &normalized)
            lastUserProvider = lastProvider
            lastUserRaw.removeAll()
            lastUserRaw.append(userField)
        }
        // Staff through a cache of raw ids by provider (a row's staff member changes on nearly every row).
        let staffKey = ShortKey(staffField)
        let staffID: Int32
        if let staffKey, let cached = staffCache.id(of: staffKey, group: Int(lastProvider)) {
            staffID = cached
        } else {
            staffID = Self.id(
                staffField, provider: lastProvider, foldCase: true, memo: &staffOfRaw, table: &out.staff,
                rawKey: &rawKey, normalized: &normalized)
            if let staffKey { staffCache.store(staffKey, staffID, group: Int(lastProvider)) }
        }
        let visitID = columns.visit(of: row)
        let relativeLine = Int32(truncatingIfNeeded: line)
        if let exact { out.exactSeconds[relativeLine] = exact }
        rows.append(
            PerformedRow(
                checkIn: checkInUTC,
                visit: visitID.isEmpty
                    ? UInt64(bitPattern: Int64(Stockholm.floorDiv(checkIn.wall, 60))) & ~(1 << 63)
                    : VisitIdentity.key(visitID: visitID),
                user: lastUser, staff: staffID, line: relativeLine, timing: timing))
    }

    /// A record the decoder rejected, on `line` (relative to the chunk): `record` is its bytes as read.
    mutating func reject(_ reason: RowRejection, detail: String?, line: Int, record: UnsafeBufferPointer<UInt8>) {
        out.read += 1
        reject(reason, detail: detail, line: line, raw: record)
    }

    /// A record `read` rejects (its check-out or planned start).
    private mutating func reject(_ reason: RowRejection, detail: String?, line: Int, raw: UnsafeBufferPointer<UInt8>) {
        out.rejected.append(RejectedRow(file: path, line: line, reason, detail: detail, record: raw))
    }

    @inline(__always)
    private mutating func timestamp(_ record: RecordFields, _ column: Int) -> TimestampParser.Parsed? {
        columns.date < 0
            ? clock.read(record.trimmedField(column))
            : TimestampParser.parse(
                date: record.trimmedField(columns.date), time: record.trimmedField(column), scratch: &dateScratch)
    }

    /// The chunk's id of the user or staff member `raw` of `provider`: looked up in `memo` by the provider and
    /// the raw bytes; when the spelling is new, `table` gets the provider and the normalised id.
    private static func id(
        _ raw: UnsafeBufferPointer<UInt8>, provider: Int32, foldCase: Bool, memo: inout InternedMemo<Int32>,
        table: inout ByteInterner, rawKey: inout ByteScratch, normalized: inout ByteScratch
    ) -> Int32 {
        rawKey.removeAll()
        rawKey.append(id: provider)
        rawKey.append(raw)
        return memo.value(rawKey.bytes) { _ in
            normalized.removeAll()
            normalized.append(id: provider)
            IdentifierNormalization.appendNormalized(raw, foldCase: foldCase, to: &normalized)
            return table.intern(normalized.bytes)
        }
    }
}
