import Dispatch
import Foundation
import MemoryHints

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

    private struct Positions {
        var provider = -1, unit = -1, user = -1, staff = -1, start = -1, visit = -1, category = -1, role = -1
        var sortName = -1, birthDate = -1, date = -1
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
        p.date = columns["date"] ?? -1
        // The provider and unit the command line gives a file without those columns, and the bytes a date column
        // and a time column are joined in.
        var providerConstant = ByteScratch(capacity: max(1, defaultProvider.count))
        defaultProvider.withUnsafeBufferPointer { providerConstant.append($0) }
        var unitConstant = ByteScratch(capacity: max(1, defaultUnit.count))
        defaultUnit.withUnsafeBufferPointer { unitConstant.append($0) }
        let hasUnit = p.unit >= 0 || !defaultUnit.isEmpty
        var dateScratch = ByteScratch(capacity: 32)

        let scanner = CSVScanner(delimiter: file.delimiter)
        let fields = CSVFieldSplitter()
        var scratch = ByteScratch(capacity: 256)
        // The raw provider–user key of a row, apart from `scratch` where its normalised form is built.
        var rawKey = ByteScratch(capacity: 128)
        var unitOfRaw = InternedMemo<Int32>(capacity: 64)
        // In front of normalisation and interning: the raw provider of the last row and its id among raw
        // providers (and, when the provider changes from row to row, a cache of those ids); registered users by a
        // hash of raw provider and raw user id; per user, the raw unit and birth date last seen (logs list a
        // user's rows together, or day by day, and a user's unit and birth date rarely change).
        var rawProviders = ByteInterner(capacity: 64)
        var lastProviderRaw = ByteScratch(capacity: 64)
        var lastProviderRawID: Int32 = -1
        var providerFront = InternerFront()
        var userTable = TaggedIDTable(capacity: 1024)
        var lastUserKey = ShortKey.none
        var lastUserProviderRawID: Int32 = -1
        var lastUser: Int32 = -1
        // The user of the previous valid row, whatever its id's length.
        var previousUser: Int32 = -1
        // Trust in that prediction: up by one when it holds, down by one when not (between -8 and 8); it is tried
        // while the trust is not negative. A log sorted by time changes user on nearly every row and the
        // prediction rarely holds: it is then tried only on one row in 64, so that checking it does not cost a
        // cache miss on every row.
        var predictionCredit = 0
        var userOfRaw = InternedMemo<Int32>(capacity: 1024)
        // Per user, what rows read and write (one cache line each) and, apart, the provider.
        var states = RowStore<UserState>(capacity: 1024, alignment: 64)
        var userProviders = RowStore<Int32>(capacity: 1024)
        // Day numbers of birth dates by their raw bytes (Int32.min: not a date).
        var birthDayOfRaw = InternedMemo<Int32>(capacity: 1024)
        var staffOfRaw = InternedMemo<Int32>(capacity: 1024)
        // 1 024 entries (32 KB) per provider: a large provider has hundreds of staff in a year, and a row that
        // misses the cache is looked up by hashing its bytes (a rolling run looks every row's staff up).
        var staffCache = ShortKeyCache(bits: 10)
        var clock = WallClockReader()
        var outsidePeriod = 0
        let periodEnd = period.endSecond
        let headerWidth = FieldCountRule.width(ofHeader: file.header)
        let keepsEveryDay = storedDays > PeriodWindow.length
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
                file.populatePages(from: position, to: min(end, position + (1 << 22)))
            }
            let recordStart = position
            let bounds = fields.splitRecord(bytes, start: position, scanner: scanner)
            let record = fields.current
            let recordLine = line
            position = bounds.next
            line += bounds.lines
            lines += bounds.lines
            if bounds.quotedNewline { out.sawQuotedNewline = true }
            if bounds.unterminatedQuote {
                out.accounting.read += 1
                out.reject(bytes, .unterminatedQuote, recordStart, bounds.contentEnd, recordLine)
                continue
            }
            if bounds.contentEnd == recordStart { continue }
            let providerField = p.provider >= 0 ? record.trimmedField(p.provider) : providerConstant.bytes
            let userField = record.trimmedField(p.user)
            let staffField = record.trimmedField(p.staff)
            let startField = record.trimmedField(p.start)
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
            if record.count != headerWidth,
                let problem = FieldCountRule.violation(
                    count: record.count, width: headerWidth, isBlank: { record.trimmedField($0).isEmpty })
            {
                out.reject(bytes, .fieldCount, recordStart, bounds.contentEnd, recordLine, detail: problem)
                continue
            }
            if let rejection = VisitRowRules.missingField(
                provider: providerField, user: userField, staff: staffField, start: startField)
            {
                out.reject(bytes, rejection, recordStart, bounds.contentEnd, recordLine)
                continue
            }
            let parsedWall =
                p.date < 0
                ? clock.wallClockSeconds(startField)
                : TimestampParser.parse(date: record.trimmedField(p.date), time: startField, scratch: &dateScratch)?
                    .wall
            guard let wall = parsedWall else {
                out.reject(bytes, .badStart, recordStart, bounds.contentEnd, recordLine)
                continue
            }
            // The user, when an earlier row registered it: the raw provider's id and the raw user id (up to 16
            // bytes) find it through `userTable`. A user is registered only once a row of it is valid.
            if lastProviderRawID < 0 || !Self.equal(providerField, lastProviderRaw.bytes) {
                lastProviderRawID = providerFront.intern(providerField, in: &rawProviders)
                lastProviderRaw.removeAll()
                lastProviderRaw.append(providerField)
            }
            // A row kept whatever its day (rolling measurement) looks its staff member up: the cache line of the
            // lookup, a miss on most rows of a year, is asked for now and read after the user's checks.
            if keepsEveryDay, let staffKey = ShortKey(staffField) {
                staffCache.prefetch(staffKey, group: Int(lastProviderRawID))
            }
            let userKey = ShortKey(userField)
            var user: Int32 = -1
            var userTag: UInt32 = 0
            if let userKey {
                if userKey == lastUserKey && lastProviderRawID == lastUserProviderRawID {
                    user = lastUser
                } else {
                    // Logs sorted by day list the users in the same order every day: the user that followed the
                    // previous row's user last time is the likely one, and its state is next to the previous one's.
                    if previousUser >= 0 && (predictionCredit >= 0 || out.accounting.read & 63 == 0) {
                        let predicted = states.address(of: Int(previousUser)).pointee.next
                        if predicted >= 0,
                            states.address(of: Int(predicted)).pointee.isKey(userKey, providerRaw: lastProviderRawID)
                        {
                            user = predicted
                            predictionCredit = min(predictionCredit + 1, 8)
                        } else {
                            predictionCredit = max(predictionCredit - 1, -8)
                        }
                    }
                    if user < 0 {
                        userTag = userKey.tag(salt: lastProviderRawID)
                        user =
                            userTable.id(tag: userTag) {
                                states.address(of: Int($0)).pointee.isKey(userKey, providerRaw: lastProviderRawID)
                            } ?? -1
                    }
                }
            }
            var birthDay = Int32.min
            var newBirthKey: ShortKey? = nil
            if p.birthDate >= 0 {
                let birthField = record.trimmedField(p.birthDate)
                if !birthField.isEmpty {
                    let birthKey = ShortKey(birthField)
                    if user >= 0, let birthKey, case let state = states.address(of: Int(user)),
                        state.pointee.isBirthKey(birthKey)
                    {
                        birthDay = state.pointee.birthDay
                    } else {
                        let day = birthDayOfRaw.value(birthField) { raw in
                            CivilDate.parse(raw).map { Int32($0.dayNumber) } ?? Int32.min
                        }
                        guard day != Int32.min else {
                            out.reject(bytes, .badBirthDate, recordStart, bounds.contentEnd, recordLine)
                            continue
                        }
                        birthDay = day
                        newBirthKey = birthKey
                    }
                }
            }

            // The row is valid: register its user (provider and user id, joined by a unit separator) if new.
            if user < 0 {
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
                    if Int(id) == states.count {
                        userProviders.append(out.providers.intern(scratch.prefix(providerLength)))
                        states.append(UserState())
                    }
                    return id
                }
                // (`userTag` was computed by the lookup that did not find the user.)
                if userKey != nil { userTable.insert(tag: userTag, id: user) }
            }
            let state = states.address(of: Int(user))
            if let userKey {
                if userKey != lastUserKey || lastProviderRawID != lastUserProviderRawID {
                    state.pointee.setKey(userKey, providerRaw: lastProviderRawID)
                }
                lastUserKey = userKey
                lastUserProviderRawID = lastProviderRawID
                lastUser = user
            } else {
                lastUserKey = .none
            }
            if user != previousUser {
                if previousUser >= 0 { states.address(of: Int(previousUser)).pointee.next = user }
                previousUser = user
            }
            // The user's birth date is its first valid one; its raw bytes are kept to recognise it on later rows
            // (a row with another birth date is checked by the memo of raw birth dates).
            if birthDay != Int32.min && state.pointee.birthDay == Int32.min {
                state.pointee.birthDay = birthDay
                if let newBirthKey { state.pointee.setBirthKey(newBirthKey) }
            }
            if hasUnit, case let unitRank = PeriodWindow.unitRank(ofStart: wall, periodEnd: periodEnd),
                unitRank >= state.pointee.unitRank
            {
                // The unit at the end of the period; the raw bytes are looked up only when they change.
                let unitField = p.unit >= 0 ? record.field(p.unit) : unitConstant.bytes
                let known = state.pointee.unitRaw
                if known < 0 || !unitOfRaw.isKey(known, unitField) {
                    state.pointee.unitRaw =
                        unitOfRaw.entry(unitField) { raw in
                            scratch.removeAll()
                            IdentifierNormalization.appendNormalized(raw, foldCase: false, to: &scratch)
                            return out.units.intern(scratch.bytes)
                        }
                        .id
                }
                state.pointee.unitRank = unitRank
            }
            if p.sortName >= 0 && state.pointee.sortName < 0 {
                scratch.removeAll()
                IdentifierNormalization.appendNormalized(record.field(p.sortName), foldCase: false, to: &scratch)
                if scratch.count > 0 { state.pointee.sortName = out.names.intern(scratch.bytes) }
            }

            // Rule 1: the period.
            let dayNumber = Stockholm.floorDiv(wall, 86_400)
            if dayNumber < out.accounting.earliestDay { out.accounting.earliestDay = dayNumber }
            if dayNumber > out.accounting.latestDay { out.accounting.latestDay = dayNumber }
            let inPeriod = period.dayIndex(ofDay: dayNumber) != nil
            let storedDay = dayNumber - storedFirstDay
            if inPeriod {
                state.pointee.hasRowsInPeriod = true
            } else {
                outsidePeriod += 1
                if storedDay < 0 || storedDay >= storedDays { continue }
            }
            // Rule 6: category and role.
            if p.category >= 0, case let value = record.trimmedField(p.category),
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
            if p.role >= 0, case let value = record.trimmedField(p.role), !value.isEmpty {
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
            // Staff ids are cached by the row's raw provider: any grouping gives the same ids, and this one does not
            // wait for the user's state to be read.
            let staffGroup = Int(lastProviderRawID)
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
            let visitField = p.visit >= 0 ? record.trimmedField(p.visit) : record.field(-1)
            let visit =
                visitField.isEmpty
                ? VisitIdentity.key(startSecondOfDay: secondOfDay) : VisitIdentity.key(visitID: visitField)
            rows.append(
                CountedRow(
                    user: user, staff: staff, day: UInt16(storedDay), minute: UInt16(secondOfDay / 60), visit: visit))
            if inPeriod { out.accounting.used += 1 }
        }
        out.traces.reserveCapacity(states.count)
        for user in 0..<states.count {
            let state = states[user]
            out.traces.append(
                UserTrace(
                    provider: userProviders[user], hasRowsInPeriod: state.hasRowsInPeriod,
                    unit: state.unitRaw >= 0 ? unitOfRaw.value(ofID: state.unitRaw) : -1, unitRank: state.unitRank,
                    sortName: state.sortName, birthDay: state.birthDay))
        }
        out.rows = rows.block()
        out.lines = lines
        if outsidePeriod > 0 { out.accounting.excluded[.outsidePeriod, default: 0] += outsidePeriod }
        return out
    }
}
