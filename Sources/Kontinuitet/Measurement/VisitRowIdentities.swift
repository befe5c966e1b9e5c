/// The scan's bookkeeping of who a row is about: the chunk-local ids of its provider, user, staff member, unit and
/// sort name, and per user what the scan keeps (`UserState`). The rules of docs/method.md, "Users" and "Staff", are
/// the normalisation (`IdentifierNormalization`) and `PeriodWindow.unitRank`; everything else here is speed
/// machinery in front of the interners, and gives the ids the interners alone would give.
///
/// A log lists a user's rows together, or day by day in the same order of users, and a user's unit and birth date
/// rarely change: a row is matched against the previous row's user and the user that followed it last time before
/// anything is hashed. Non-copyable: it owns raw tables freed on deinit.
struct VisitRowIdentities: ~Copyable {
    // The chunk's interners of normalised values, handed to its `ChunkScan` by `finish`.
    private var providers = ByteInterner(capacity: 64)
    private var users = ByteInterner(capacity: 1024)
    private var staff = ByteInterner(capacity: 1024)
    private var units = ByteInterner(capacity: 64)
    private var names = ByteInterner(capacity: 256)
    /// Where a normalised value is built.
    private var scratch = ByteScratch(capacity: 256)
    /// The raw provider–user key of a row, apart from `scratch`.
    private var rawKey = ByteScratch(capacity: 128)

    // In front of normalisation and interning: the raw provider of the last row and its id among raw providers
    // (and, when the provider changes from row to row, a cache of those ids); registered users by a hash of raw
    // provider and raw user id; per user, the raw unit and birth date last seen.
    private var rawProviders = ByteInterner(capacity: 64)
    private var lastProviderRaw = ByteScratch(capacity: 64)
    /// The id among raw providers of the current row's provider (-1 before the first row).
    private var providerRawID: Int32 = -1
    private var providerFront = InternerFront()
    private var userTable = TaggedIDTable(capacity: 1024)
    private var lastUserKey = ShortKey.none
    private var lastUserProviderRawID: Int32 = -1
    private var lastUser: Int32 = -1
    /// The user of the previous valid row, whatever its id's length.
    private var previousUser: Int32 = -1
    /// Trust in the prediction that the user following `previousUser` last time follows it again: up by one when
    /// it holds, down by one when not (between -8 and 8); it is tried while the trust is not negative. A log
    /// sorted by time changes user on nearly every row and the prediction rarely holds: it is then tried only on
    /// one row in 64, so that checking it does not cost a cache miss on every row.
    private var predictionCredit = 0
    private var userOfRaw = InternedMemo<Int32>(capacity: 1024)
    /// Per user, what rows read and write (one cache line each) and, apart, the provider.
    private var states = RowStore<UserState>(capacity: 1024, alignment: 64)
    private var userProviders = RowStore<Int32>(capacity: 1024)
    /// Day numbers of birth dates by their raw bytes (`Int32.min`: not a date).
    private var birthDayOfRaw = InternedMemo<Int32>(capacity: 1024)
    private var unitOfRaw = InternedMemo<Int32>(capacity: 64)
    private var staffOfRaw = InternedMemo<Int32>(capacity: 1024)
    /// 1 024 entries (32 KB) per provider: a large provider has hundreds of staff in a year, and a row that misses
    /// the cache is looked up by hashing its bytes (a rolling run looks every row's staff up).
    private var staffCache = ShortKeyCache(bits: 10)

    private let columns: VisitColumns
    /// The unit the command line gives a file without a unit column (`--unit NAME`); empty: none.
    private let unitConstant: ByteScratch
    /// True when rows have a unit (a unit column or `--unit`).
    private let hasUnit: Bool
    /// True when the scan looks every row's staff member up (it keeps rows of every day): the cache line of the
    /// lookup, a miss on most rows of a year, is then asked for as soon as the row's provider is known.
    private let prefetchesStaff: Bool
    /// `PeriodWindow.endSecond` of the period, for the unit rank.
    private let periodEnd: Int

    init(columns: VisitColumns, defaultUnit: [UInt8], prefetchesStaff: Bool, periodEnd: Int) {
        self.columns = columns
        var unitConstant = ByteScratch(capacity: max(1, defaultUnit.count))
        defaultUnit.withUnsafeBufferPointer { unitConstant.append($0) }
        self.unitConstant = unitConstant
        hasUnit = columns.unit >= 0 || !defaultUnit.isEmpty
        self.prefetchesStaff = prefetchesStaff
        self.periodEnd = periodEnd
    }

    /// The chunk-local id of the user of `row`, registered if new, with the row's birth date, unit and sort name
    /// noted; nil, with nothing registered, when the row's birth date is given but is not a date (the row is then
    /// rejected as `bad_birth_date`). `rowNumber` is the number of rows read so far (it paces the prediction).
    @_transparent
    mutating func user(of row: DecodedVisitRow, rowNumber: Int) -> Int32? {
        enterProvider(row.provider)
        if prefetchesStaff, let staffKey = ShortKey(row.staff) {
            staffCache.prefetch(staffKey, group: Int(providerRawID))
        }
        let userKey = ShortKey(row.user)
        var user: Int32 = -1
        if let userKey { user = registeredUser(userKey, rowNumber: rowNumber) }
        var birthDay = Int32.min
        var newBirthKey: ShortKey? = nil
        let birthField = columns.birthDate(of: row)
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
                guard day != Int32.min else { return nil }
                birthDay = day
                newBirthKey = birthKey
            }
        }
        // The row is valid: register its user if new.
        if user < 0 { user = register(provider: row.provider, user: row.user, key: userKey) }
        let state = states.address(of: Int(user))
        if let userKey {
            if userKey != lastUserKey || providerRawID != lastUserProviderRawID {
                state.pointee.setKey(userKey, providerRaw: providerRawID)
            }
            lastUserKey = userKey
            lastUserProviderRawID = providerRawID
            lastUser = user
        } else {
            lastUserKey = .none
        }
        if user != previousUser {
            if previousUser >= 0 { states.address(of: Int(previousUser)).pointee.next = user }
            previousUser = user
        }
        // The user's birth date is its first valid one; its raw bytes are kept to recognise it on later rows (a
        // row with another birth date is checked by the memo of raw birth dates).
        if birthDay != Int32.min && state.pointee.birthDay == Int32.min {
            state.pointee.birthDay = birthDay
            if let newBirthKey { state.pointee.setBirthKey(newBirthKey) }
        }
        if hasUnit {
            noteUnit(columns.unit >= 0 ? columns.unit(of: row) : unitConstant.bytes, start: row.wall, of: state)
        }
        if columns.sortName >= 0 && state.pointee.sortName < 0 {
            scratch.removeAll()
            IdentifierNormalization.appendNormalized(columns.sortName(of: row), foldCase: false, to: &scratch)
            if scratch.count > 0 { state.pointee.sortName = names.intern(scratch.bytes) }
        }
        return user
    }

    /// Notes that `user` has a row in the period (whatever the rules make of it).
    @inline(__always)
    mutating func noteRowInPeriod(of user: Int32) {
        states.address(of: Int(user)).pointee.hasRowsInPeriod = true
    }

    /// The chunk-local id of the normalised (case-folded) raw staff id `raw` of the row `user(of:rowNumber:)` last
    /// saw.
    @_transparent
    mutating func staffMember(_ raw: UnsafeBufferPointer<UInt8>) -> Int32 {
        let staffKey = ShortKey(raw)
        // Staff ids are cached by the row's raw provider: any grouping gives the same ids, and this one does not
        // wait for the user's state to be read.
        let group = Int(providerRawID)
        if let staffKey, let cached = staffCache.id(of: staffKey, group: group) { return cached }
        let id = staffOfRaw.value(raw) { raw in
            scratch.removeAll()
            IdentifierNormalization.appendNormalized(raw, foldCase: true, to: &scratch)
            return staff.intern(scratch.bytes)
        }
        if let staffKey { staffCache.store(staffKey, id, group: group) }
        return id
    }

    /// Hands the interners and one `UserTrace` per user to `out`.
    consuming func finish(into out: inout ChunkScan) {
        out.traces.reserveCapacity(states.count)
        for user in 0..<states.count {
            let state = states[user]
            out.traces.append(
                UserTrace(
                    provider: userProviders[user], hasRowsInPeriod: state.hasRowsInPeriod,
                    unit: state.unitRaw >= 0 ? unitOfRaw.value(ofID: state.unitRaw) : -1, unitRank: state.unitRank,
                    sortName: state.sortName, birthDay: state.birthDay))
        }
        out.providers = providers
        out.users = users
        out.staff = staff
        out.units = units
        out.names = names
    }

    /// Makes `raw` the current row's provider, looked up among raw providers only when it differs from the last.
    @_transparent
    private mutating func enterProvider(_ raw: UnsafeBufferPointer<UInt8>) {
        if providerRawID < 0 || !Self.equal(raw, lastProviderRaw.bytes) {
            providerRawID = providerFront.intern(raw, in: &rawProviders)
            lastProviderRaw.removeAll()
            lastProviderRaw.append(raw)
        }
    }

    /// The user an earlier row registered under the raw user id `key` (of at most 16 bytes) and the current raw
    /// provider, or -1: the last row's user, the predicted one, or one found through `userTable`.
    @_transparent
    private mutating func registeredUser(_ key: ShortKey, rowNumber: Int) -> Int32 {
        if key == lastUserKey && providerRawID == lastUserProviderRawID { return lastUser }
        // Logs sorted by day list the users in the same order every day: the user that followed the previous row's
        // user last time is the likely one, and its state is next to the previous one's.
        if previousUser >= 0 && (predictionCredit >= 0 || rowNumber & 63 == 0) {
            let predicted = states.address(of: Int(previousUser)).pointee.next
            if predicted >= 0, states.address(of: Int(predicted)).pointee.isKey(key, providerRaw: providerRawID) {
                predictionCredit = min(predictionCredit + 1, 8)
                return predicted
            }
            predictionCredit = max(predictionCredit - 1, -8)
        }
        // (A local function, not a closure, so that it is inlined into the scan's loop however large that is.)
        let provider = providerRawID
        @inline(__always)
        func isUser(_ id: Int32) -> Bool { states.address(of: Int(id)).pointee.isKey(key, providerRaw: provider) }
        return userTable.id(tag: key.tag(salt: provider), where: isUser) ?? -1
    }

    /// The id of the user of raw provider `provider` and raw user id `user`, registered (with its provider and a
    /// fresh `UserState`) when no row named it before; `key` is the raw user id's key when it has one.
    @inline(never)
    private mutating func register(
        provider: UnsafeBufferPointer<UInt8>, user: UnsafeBufferPointer<UInt8>, key: ShortKey?
    ) -> Int32 {
        // The provider and the user id, joined by a unit separator.
        rawKey.removeAll()
        rawKey.append(provider)
        rawKey.append(0x1F)
        rawKey.append(user)
        let id = userOfRaw.value(rawKey.bytes) { _ in
            scratch.removeAll()
            IdentifierNormalization.appendNormalized(provider, foldCase: false, to: &scratch)
            let providerLength = scratch.count
            scratch.append(0x1F)
            IdentifierNormalization.appendNormalized(user, foldCase: false, to: &scratch)
            let id = users.intern(scratch.bytes)
            if Int(id) == states.count {
                userProviders.append(providers.intern(scratch.prefix(providerLength)))
                states.append(UserState())
            }
            return id
        }
        if let key { userTable.insert(tag: key.tag(salt: providerRawID), id: id) }
        return id
    }

    /// The unit at the end of the period (docs/method.md, "Users"): the raw unit of the row starting at `wall` is
    /// the user's when the row ranks at least as high as the one that gave it; its raw bytes are looked up only when
    /// they change.
    @_transparent
    private mutating func noteUnit(
        _ raw: UnsafeBufferPointer<UInt8>, start wall: Int, of state: UnsafeMutablePointer<UserState>
    ) {
        let unitRank = PeriodWindow.unitRank(ofStart: wall, periodEnd: periodEnd)
        guard unitRank >= state.pointee.unitRank else { return }
        let known = state.pointee.unitRaw
        if known < 0 || !unitOfRaw.isKey(known, raw) {
            state.pointee.unitRaw =
                unitOfRaw.entry(raw) { raw in
                    scratch.removeAll()
                    IdentifierNormalization.appendNormalized(raw, foldCase: false, to: &scratch)
                    return units.intern(scratch.bytes)
                }
                .id
        }
        state.pointee.unitRank = unitRank
    }

    @inline(__always)
    private static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard let x = a.baseAddress, let y = b.baseAddress else { return true }
        return ByteInterner.equal(x, y, count: a.count)
    }
}
