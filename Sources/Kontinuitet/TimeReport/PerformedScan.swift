import Foundation

/// One performed-time row as the reader keeps it: ids in its chunk's tables, times in seconds, and what the row
/// rules need later (docs/time-report.md, "Rules"). 64 bytes, no strings.
struct PerformedRow {
    var provider: Int32
    var user: Int32
    var staff: Int32
    /// The line, relative to the chunk until the chunks are numbered.
    var line: Int32
    var checkInUTC: Int
    var checkInWall: Int
    /// Check-out − check-in in real seconds (`PerformedTimeRule.elapsedSeconds`); meaningless without a check-out.
    var seconds: Int
    /// The check-out's UTC second, `Int.min` when the row has none.
    var checkOutUTC: Int
    /// The visit (`VisitIdentity`): a visit id's hash, else the check-in's minute since 1970 (top bit clear).
    var visit: UInt64
    var farFromPlanned: Bool

    var hasCheckOut: Bool { checkOutUTC != Int.min }
}

/// What the scan of one byte range of a performed-time export found: its rows and tables, and its rejections.
struct PerformedChunk {
    var providers = ByteInterner(capacity: 16)
    var users = ByteInterner(capacity: 1024)
    var staff = ByteInterner(capacity: 1024)
    var rows: [PerformedRow] = []
    var rejected: [RejectedRow] = []
    /// Records read (blank rows are not records): rows + rejected.
    var read = 0
    /// Values of the name column, for the disclosure check.
    var names: Set<String> = []
    var lines = 0
    var sawQuotedNewline = false
}

/// Reads a performed-time export in parallel chunks, on bytes: the same record loop as every reader
/// (`CSVFile.forEachRecord`: field count, unterminated quotes, blank rows), the same identifier normalisation
/// as `measure` (`IdentifierNormalization`) and the same timestamp parser, one chunk per worker.
struct PerformedScanner {
    let file: CSVFile
    let columns: ColumnIndex
    /// A check-in further than this from the planned start is flagged (seconds).
    let tolerance: Int
    /// The provider of an export without a provider column (`--provider NAME`); empty: none.
    var defaultProvider = ""

    /// The chunks of the whole file, in file order, their lines numbered.
    ///
    /// The file is cut at line breaks near equal offsets; if a quoted field held a line break (so a cut may
    /// have fallen inside a record) it is read again in one piece. The result is the same for any thread count.
    func scanFile(threads: Int, minimumChunkBytes: Int = 1 << 20) -> [PerformedChunk] {
        let chunkCount = max(1, min(threads * 2, (file.byteCount - file.bodyStart) / max(1, minimumChunkBytes)))
        var cuts = file.withBytes {
            VisitLogMeasurement.cutsAtLineBreaks($0, from: file.bodyStart, chunks: chunkCount)
        }
        var chunks = scanChunks(cuts, threads: threads)
        if cuts.count > 2 && chunks.contains(where: \.sawQuotedNewline) {
            cuts = [file.bodyStart, file.byteCount]
            chunks = scanChunks(cuts, threads: 1)
        }
        var line = file.bodyLine
        for index in chunks.indices {
            for r in chunks[index].rejected.indices { chunks[index].rejected[r].line += line }
            for r in chunks[index].rows.indices { chunks[index].rows[r].line += Int32(truncatingIfNeeded: line) }
            line += chunks[index].lines
        }
        return chunks
    }

    private func scanChunks(_ cuts: [Int], threads: Int) -> [PerformedChunk] {
        let slots = ResultSlots<PerformedChunk>(count: cuts.count - 1)
        Parallel.forEach(count: cuts.count - 1, threads: threads) { index in
            slots.set(index, scan(from: cuts[index], to: cuts[index + 1]))
        }
        return slots.values()
    }

    /// Scans the records that start in `[start, end)`; lines are relative to the chunk (the first is 0).
    func scan(from start: Int, to end: Int) -> PerformedChunk {
        var out = PerformedChunk()
        var normalized = ByteScratch(capacity: 64)
        var dateScratch = ByteScratch(capacity: 32)
        let provider = columns["provider"] ?? -1
        let user = columns["user"] ?? -1
        let staff = columns["staff"] ?? -1
        let startColumn = columns["start"] ?? -1
        let endColumn = columns["end"] ?? -1
        let planned = columns["planned_start"] ?? -1
        let visit = columns["visit"] ?? -1
        let date = columns["date"] ?? -1
        let name = columns["sort_name"] ?? -1
        let path = file.path
        // The bytes of --provider, kept for the whole scan.
        var providerConstant = ByteScratch(capacity: max(1, defaultProvider.utf8.count))
        Array(defaultProvider.utf8).withUnsafeBufferPointer { providerConstant.append($0) }
        let defaultProviderBytes = providerConstant.bytes
        let walked = file.forEachRecord(
            in: start..<end, firstLine: 0,
            { line, fields in
                out.read += 1
                if name >= 0 { out.names.insert(fields.string(name)) }
                func reject(_ reason: RowRejection) {
                    out.rejected.append(
                        RejectedRow(
                            file: path, line: line, reason: reason.rawValue, detail: reason.detail,
                            row: CSVFile.rawRow(fields, delimiter: file.delimiter)))
                }
                func field(_ column: Int) -> UnsafeBufferPointer<UInt8> {
                    column >= 0 ? fields.field(column) : UnsafeBufferPointer(start: nil, count: 0)
                }
                func timestamp(_ column: Int) -> TimestampParser.Parsed? {
                    date < 0
                        ? TimestampParser.parse(field(column))
                        : TimestampParser.parse(date: field(date), time: field(column), scratch: &dateScratch)
                }
                func intern(_ column: Int, foldCase: Bool, in table: inout ByteInterner) -> Int32? {
                    normalized.removeAll()
                    IdentifierNormalization.appendNormalized(field(column), foldCase: foldCase, to: &normalized)
                    return normalized.count == 0 ? nil : table.intern(normalized.bytes)
                }
                let providerField =
                    provider >= 0
                    ? IdentifierNormalization.trimmed(field(provider)) : defaultProviderBytes
                if let rejection = VisitRowRules.missingField(
                    provider: providerField, user: IdentifierNormalization.trimmed(field(user)),
                    staff: IdentifierNormalization.trimmed(field(staff)),
                    start: IdentifierNormalization.trimmed(field(startColumn)))
                {
                    return reject(rejection)
                }
                let providerID =
                    provider >= 0
                    ? intern(provider, foldCase: false, in: &out.providers) ?? out.providers.intern("")
                    : out.providers.intern(defaultProvider)
                let userID = intern(user, foldCase: false, in: &out.users) ?? out.users.intern("")
                let staffID = intern(staff, foldCase: true, in: &out.staff) ?? out.staff.intern("")
                guard let checkIn = timestamp(startColumn) else { return reject(.badStart) }
                var checkOut: TimestampParser.Parsed?
                if !IdentifierNormalization.trimmed(field(endColumn)).isEmpty {
                    guard var parsed = timestamp(endColumn) else { return reject(.badEnd) }
                    // With a date column, a check-out earlier in the day than the check-in is the next day.
                    if date >= 0 && parsed.wall < checkIn.wall {
                        parsed.wall += 86_400
                        parsed.utc = parsed.utc.map { $0 + 86_400 }
                    }
                    checkOut = parsed
                }
                var far = false
                if !IdentifierNormalization.trimmed(field(planned)).isEmpty {
                    guard let plannedStart = timestamp(planned) else { return reject(.badPlannedStart) }
                    far = abs(checkIn.utcSeconds() - plannedStart.utcSeconds()) > tolerance
                }
                let visitID = IdentifierNormalization.trimmed(field(visit))
                out.rows.append(
                    PerformedRow(
                        provider: providerID, user: userID, staff: staffID, line: Int32(truncatingIfNeeded: line),
                        checkInUTC: checkIn.utcSeconds(), checkInWall: checkIn.wall,
                        seconds: checkOut.map { PerformedTimeRule.elapsedSeconds(checkIn: checkIn, checkOut: $0) } ?? 0,
                        checkOutUTC: checkOut?.utcSeconds() ?? Int.min,
                        visit: visitID.isEmpty
                            ? UInt64(bitPattern: Int64(Stockholm.floorDiv(checkIn.wall, 60)))
                                & ~(1 << 63)
                            : VisitIdentity.key(visitID: visitID),
                        farFromPlanned: far))
            },
            malformed: { row in
                out.read += 1
                out.rejected.append(row)
            }, blank: {})
        out.lines = walked.lines
        out.sawQuotedNewline = walked.sawQuotedNewline
        // The chunk's pages are no longer needed by this process (they stay in the page cache).
        file.releasePages(from: start, to: end)
        return out
    }
}
