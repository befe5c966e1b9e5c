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
    /// `PeriodWindow.unitRank` of the row that gave `unit`.
    var unitRank = Int.min
    var sortName: Int32 = -1
    var birthDay: Int32 = Int32.min
}

/// What the scan of one chunk keeps of a user while it reads rows, in one cache line (64 bytes, in a store aligned
/// to 64): a log sorted by time has the next row's user at random among thousands, and all of what a row reads and
/// writes of its user is then one memory access, not three. Besides the user's `UserTrace` (without the
/// provider, kept apart as it is written once), the raw bytes to recognise a repeat without hashing: the raw user
/// id (up to 16 bytes) and the id of the raw provider it was last found under, the user whose row followed its
/// last row, the id of the raw unit last seen (in the scan's raw-unit memo), and the raw birth date of
/// `birthDay` (when up to 16 bytes).
struct UserState {
    private var keyHead: UInt64 = 0
    private var keyTail: UInt64 = 0
    private var birthHead: UInt64 = 0
    private var birthTail: UInt64 = 0
    /// `PeriodWindow.unitRank` of the row whose unit is `unitRaw`.
    var unitRank = Int.min
    var providerRaw: Int32 = -1
    var next: Int32 = -1
    var unitRaw: Int32 = -1
    var sortName: Int32 = -1
    /// The day number of the first valid birth date of the user's rows.
    var birthDay = Int32.min
    private var keyLength: Int8 = -1
    private var birthLength: Int8 = -1
    var hasRowsInPeriod = false

    /// True when the user was last found under `key` and the raw provider `providerRaw`.
    @inline(__always)
    func isKey(_ key: ShortKey, providerRaw: Int32) -> Bool {
        keyHead == key.head && keyTail == key.tail && Int(keyLength) == key.length && self.providerRaw == providerRaw
    }

    @inline(__always)
    mutating func setKey(_ key: ShortKey, providerRaw: Int32) {
        keyHead = key.head
        keyTail = key.tail
        keyLength = Int8(truncatingIfNeeded: key.length)
        self.providerRaw = providerRaw
    }

    /// True when `key` is the raw birth date `birthDay` was read from.
    @inline(__always)
    func isBirthKey(_ key: ShortKey) -> Bool {
        birthHead == key.head && birthTail == key.tail && Int(birthLength) == key.length
    }

    @inline(__always)
    mutating func setBirthKey(_ key: ShortKey) {
        birthHead = key.head
        birthTail = key.tail
        birthLength = Int8(truncatingIfNeeded: key.length)
    }
}

/// Row accounting of one chunk or of a whole run.
package struct RowAccounting: Sendable, Equatable {
    /// Data rows read (blank rows are not rows).
    package var read = 0
    /// Rows counted as (part of) a visit.
    package var used = 0
    /// Rows excluded, by rule.
    package var excluded: [ExclusionRule: Int] = [:]
    /// Rows rejected as malformed.
    package var rejected = 0
    /// Rows of empty fields that were skipped (not counted as read).
    package var blank = 0
    /// The first and last local day (day numbers) of a row with a readable start, in or out of the period: what
    /// the data covers, for the message of a run that measures nobody.
    package var earliestDay = Int.max
    package var latestDay = Int.min

    /// The sum of every excluded row.
    package var excludedTotal: Int { excluded.values.reduce(0, +) }
    /// True when every row read is accounted for.
    package var reconciles: Bool { read == used + excludedTotal + rejected }

    mutating func add(_ other: RowAccounting) {
        read += other.read
        used += other.used
        rejected += other.rejected
        blank += other.blank
        earliestDay = min(earliestDay, other.earliestDay)
        latestDay = max(latestDay, other.latestDay)
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
        _ bytes: UnsafeBufferPointer<UInt8>, _ reason: RowRejection, _ recordStart: Int, _ recordEnd: Int,
        _ line: Int, detail: String? = nil
    ) {
        accounting.rejected += 1
        rejected.append(
            RejectedRow(
                file: file, line: line, reason, detail: detail,
                record: UnsafeBufferPointer(rebasing: bytes[recordStart..<recordEnd])))
    }
}
