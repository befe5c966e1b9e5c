import Foundation

/// One performed-time row as the run keeps it, 32 bytes: ids in tables, times in seconds, no strings
/// (docs/time-report.md, "Rules"). A city's year is about 13 million of them.
struct PerformedRow: BitwiseCopyable {
    /// The check-in's UTC second.
    var checkIn: Int
    /// The visit (`VisitIdentity`): a visit id's key (top bit set), else the check-in's wall-clock minute since
    /// 1970 (top bit clear), so that the rows of one visit share it and no two days do.
    var visit: UInt64
    /// The user (a provider and a user id): the chunk's id, then the run's.
    var user: Int32
    /// The staff member within the user's provider: the chunk's id, then the run's.
    var staff: Int32
    /// The line: relative to the chunk while it is scanned, then the run's line number (`PerformedRows.lineBase`).
    var line: Int32
    /// Duration and flags (`PerformedTiming`).
    var timing: UInt32

    /// The seconds the row counts (1 … 86 400), or 0 when it counts no time or is a later copy of a row.
    @inline(__always)
    var countedSeconds: Int {
        let code = timing & PerformedTiming.durationMask
        return timing & PerformedTiming.repeated == 0 && code <= PerformedTiming.longestCounted ? Int(code) : 0
    }
}

/// A performed row's duration and flags in 32 bits: the low 24 bits are the elapsed seconds when the row counts
/// time (1 … 86 400, `PerformedTimeRule`), or a code; the high bits are flags.
enum PerformedTiming {
    /// The check-out is at or before the check-in: no time.
    static let notAfterCheckIn: UInt32 = 0
    /// The longest counted visit, `PerformedTimeRule.longestCountedSeconds`.
    static let longestCounted = UInt32(PerformedTimeRule.longestCountedSeconds)
    /// Longer than 24 hours: no time.
    static let over24Hours: UInt32 = 0xFF_FFFE
    /// No check-out: no time.
    static let noCheckOut: UInt32 = 0xFF_FFFF
    static let durationMask: UInt32 = 0xFF_FFFF
    /// The check-in is further than the tolerance from the planned start.
    static let farFromPlanned: UInt32 = 1 << 24
    /// The same provider, user, staff member, check-in and check-out as another row (every copy is flagged).
    static let duplicate: UInt32 = 1 << 25
    /// A later copy of a duplicated row: it counts nothing and has no other anomaly.
    static let repeated: UInt32 = 1 << 26
    /// The staff member was at another user at an overlapping time.
    static let overlapping: UInt32 = 1 << 27
    /// A row of the previous month, crossing into this one, there only for overlaps (`PerformedMonths`).
    static let context: UInt32 = 1 << 28
    /// A context row already found overlapping in its own month.
    static let overlappingBefore: UInt32 = 1 << 29

    /// The code of a row with `seconds` elapsed (nil: no check-out), and whether those seconds must be kept
    /// apart to tell duplicates (they do not fit the code).
    @inline(__always)
    static func code(seconds: Int?) -> (code: UInt32, keepExact: Bool) {
        guard let seconds else { return (noCheckOut, false) }
        if seconds <= 0 { return (notAfterCheckIn, true) }
        if seconds > PerformedTimeRule.longestCountedSeconds { return (over24Hours, true) }
        return (UInt32(seconds), false)
    }
}

/// What the scan of one byte range of a performed-time export found: its rows, its id tables, its rejections.
struct PerformedChunk {
    var providers = ByteInterner(capacity: 16)
    /// Users: the provider's id in `providers` (four bytes) and the normalised user id.
    var users = ByteInterner(capacity: 1024)
    /// Staff: the provider's id (four bytes) and the normalised, case-folded staff id.
    var staff = ByteInterner(capacity: 1024)
    var rows = RowBlock<PerformedRow>()
    /// The elapsed seconds of rows whose code does not hold them (`PerformedTiming.code`), by line.
    var exactSeconds: [Int32: Int] = [:]
    var rejected: [RejectedRow] = []
    /// Records read (blank rows are not records): rows + rejected.
    var read = 0
    /// Values of the name column, for the disclosure check.
    var names = ByteInterner(capacity: 256)
    var lines = 0
    var sawQuotedNewline = false
    /// The byte offset the chunk's last record ends at.
    var next = 0

    /// The provider id at the head of a `users` or `staff` key.
    static func provider(ofKey key: ArraySlice<UInt8>) -> Int32 {
        let i = key.startIndex
        return Int32(
            bitPattern: UInt32(key[i]) | UInt32(key[i + 1]) << 8 | UInt32(key[i + 2]) << 16 | UInt32(key[i + 3]) << 24)
    }

    /// A `users` or `staff` key without its provider id.
    static func id(ofKey key: ArraySlice<UInt8>) -> ArraySlice<UInt8> { key.dropFirst(4) }
}

/// The timestamps of a performed-time export, read by `TimestampParser`: a plain `YYYY-MM-DD HH:MM[:SS]` (the
/// common form) through the scan's `WallClockReader`, which reads a date once, and its UTC second through a
/// `StockholmYearCache`.
struct PerformedClock: ~Copyable {
    private var reader = WallClockReader()
    var zone = StockholmYearCache()

    /// The timestamp in `raw`, or nil when it is not one.
    @inline(__always)
    mutating func read(_ raw: UnsafeBufferPointer<UInt8>) -> TimestampParser.Parsed? {
        let b = IdentifierNormalization.trimmed(raw)
        if Self.isPlain(b) { return reader.wallClockSeconds(b).map { TimestampParser.Parsed(wall: $0, utc: nil) } }
        return TimestampParser.parse(b)
    }

    /// True when trimmed `b` has the plain shape `YYYY-MM-DD HH:MM[:SS]` (or `T` between): no offset can be
    /// written in it, so its wall clock is the whole of it.
    @inline(__always)
    static func isPlain(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = b.count
        return (n == 16 || n == 19) && b[4] == 0x2D && b[7] == 0x2D && (b[10] == 0x20 || b[10] == 0x54)
            && b[13] == 0x3A && (n == 16 || b[16] == 0x3A)
    }

    /// The UTC second of a timestamp read.
    @inline(__always)
    mutating func utc(_ parsed: TimestampParser.Parsed) -> Int {
        parsed.utc ?? zone.utcSeconds(fromWallClock: parsed.wall)
    }
}

/// Reads a performed-time export in parallel chunks, on bytes, one chunk per worker: each record through
/// `measure`'s `VisitRowDecoder` (the record loop, blank rows, the field-count rule, unterminated quotes, the
/// required fields and the start timestamp, with the same rejection reasons), then `PerformedRecordReader` (its
/// check-out, planned start, ids and timing).
struct PerformedScanner {
    let file: CSVFile
    let columns: ColumnIndex
    /// A check-in further than this from the planned start is flagged (seconds).
    let tolerance: Int
    /// The provider of an export without a provider column (`--provider NAME`); empty: none.
    var defaultProvider = ""

    /// The most bytes of text read into one chunk (32 MiB, about 220 000 rows): a run holds a few chunks at once.
    static let largestChunkBytes = 1 << 25

    /// Calls `consume` with the file's chunks in file order, their lines numbered from the file's first data line;
    /// at most `threads` + 1 chunks of at most about `largestChunkBytes` are held at once.
    ///
    /// The file is cut at line breaks near equal offsets; `threads` workers read the chunks after the one being
    /// consumed (`InOrderPieces`). A cut is right
    /// unless it falls inside a quoted field, and then the record before it, read by the chunk before, holds a
    /// quoted line break: so once a chunk saw one, the rest of the file is read from where that chunk's last
    /// record ended, one chunk after another, each cut where a record ends. The result is the same for any thread
    /// count and chunk size.
    func scanFile(
        threads: Int, minimumChunkBytes: Int = 1 << 20, largestChunkBytes: Int = PerformedScanner.largestChunkBytes,
        consume: (PerformedChunk) throws -> Void
    ) throws {
        let body = file.byteCount - file.bodyStart
        let largest = max(1, largestChunkBytes)
        let chunkCount = max(
            1, min(threads * 2, body / max(1, minimumChunkBytes)), (body + largest - 1) / largest)
        let cuts = file.withBytes {
            VisitLogMeasurement.cutsAtLineBreaks($0, from: file.bodyStart, chunks: chunkCount)
        }
        // Finding each cut maps the pages around it (with read-ahead, megabytes on a large file): given back
        // until their chunk is read.
        file.releasePages(from: file.bodyStart, to: file.byteCount)
        var line = file.bodyLine
        func hand(_ chunk: inout PerformedChunk) throws {
            number(&chunk, from: line)
            line += chunk.lines
            try consume(chunk)
        }
        let count = cuts.count - 1
        let pieces = InOrderPieces(count: count) { k in scan(from: cuts[k], to: cuts[k + 1]) }
        let ahead = max(1, threads)
        for k in 0..<min(ahead, count) { pieces.start(k) }
        defer { pieces.waitForAll() }
        for k in 0..<count {
            guard var chunk = pieces.take(k) else { continue }
            if k + ahead < count { pieces.start(k + ahead) }
            try hand(&chunk)
            guard chunk.sawQuotedNewline && k + 1 < count else { continue }
            var position = chunk.next
            while position < file.byteCount {
                var rest = scan(from: position, to: file.byteCount, largest: largest)
                position = rest.next
                try hand(&rest)
            }
            return
        }
    }

    /// Numbers a chunk's lines (relative to the chunk as scanned) from `line`, the file's line of its start.
    private func number(_ chunk: inout PerformedChunk, from line: Int) {
        for r in chunk.rejected.indices { chunk.rejected[r].line += line }
        let offset = Int32(truncatingIfNeeded: line)
        let rows = chunk.rows.mutableElements
        for r in rows.indices { rows[r].line &+= offset }
        if !chunk.exactSeconds.isEmpty {
            chunk.exactSeconds = Dictionary(
                uniqueKeysWithValues: chunk.exactSeconds.map { ($0.key &+ offset, $0.value) })
        }
    }

    /// Scans the records that start in `[start, end)`, or up to the first record that starts `largest` bytes or
    /// more after `start`; lines are relative to the chunk (the first is 0).
    func scan(from start: Int, to end: Int, largest: Int = .max) -> PerformedChunk {
        file.withBytes { bytes in
            var decoder = VisitRowDecoder(
                file: file, columns: columns, defaultProvider: Array(defaultProvider.utf8), start: start, end: end)
            // Rows are at least 40 bytes of text: room for all of them at once (pages never written are not used).
            var reader = PerformedRecordReader(
                scanner: self, columns: decoder.columns, capacity: min(end - start, largest) / 40 + 16)
            var position = start
            while position < end && position - start < largest {
                let recordStart = position
                let line = decoder.lines
                let bounds = decoder.nextRecord(bytes, from: &position)
                let raw = UnsafeBufferPointer(rebasing: bytes[recordStart..<bounds.contentEnd])
                switch decoder.decode(bytes, recordStart: recordStart, bounds: bounds) {
                case .emptyLine, .blank:
                    continue
                case .rejected(let reason, let detail):
                    reader.reject(reason, detail: detail, line: line, record: raw)
                case .row(let row):
                    reader.read(row, line: line, raw: raw)
                }
            }
            return reader.finish(lines: decoder.lines, sawQuotedNewline: decoder.sawQuotedNewline, next: position)
        }
    }
}
