import Foundation

/// The measurement pipeline of docs/method.md: scans every visit log in parallel chunks, merges the chunks in input
/// order, computes each user's counts in parallel partitions, applies eligibility and sampling.
///
/// Memory grows with the number of users, staff and counted rows of the 14-day period, not with the rows of the
/// file: rows outside the period only update their user's trace.
package enum VisitLogMeasurement {
    /// Runs the measurement over `paths`.
    ///
    /// - Throws: `InputError` when a file cannot be opened, lacks a required column, or (without a period start)
    ///   no row has a readable start time.
    package static func run(paths: [String], options: MeasureOptions, progress: (String) -> Void = { _ in })
        throws -> MeasureResult
    {
        try run(files: paths.map { try CSVFile.open($0) }, options: options, progress: progress)
    }

    /// Runs the measurement over files already opened (or held in memory).
    ///
    /// - Throws: `InputError` when a file lacks a required column, or (without a period start) no row has a
    ///   readable start time.
    package static func run(files csvFiles: [CSVFile], options: MeasureOptions, progress: (String) -> Void = { _ in })
        throws -> MeasureResult
    {
        let files = try csvFiles.map { file -> (CSVFile, ColumnIndex) in
            let columns = try ColumnIndex.resolve(
                header: file.header, specs: VisitLogFormat.columns, file: file.path, line: file.headerLine,
                supplied: options.defaultProvider == nil ? [] : ["provider"])
            return (file, columns)
        }
        let (period, periodSource) = try choosePeriod(files: files, options: options)
        progress("period \(period.start) – \(period.end) (\(periodSource))")

        var chunkResults: [[ChunkScan]] = []
        for (file, columns) in files {
            let started = Date()
            var scanner =
                options.rolling
                ? VisitLogScanner(
                    file: file, columns: columns, period: period, storedFirstDay: period.firstDay - rollingReach,
                    storedDays: 2 * rollingReach)
                : VisitLogScanner(file: file, columns: columns, period: period)
            scanner.defaultProvider = Array((options.defaultProvider ?? "").utf8)
            scanner.defaultUnit = Array((options.defaultUnit ?? "").utf8)
            chunkResults.append(
                scanFile(scanner, threads: options.threads, minimumChunkBytes: options.minimumChunkBytes))
            let seconds = Date().timeIntervalSince(started)
            let rows = chunkResults.last?.reduce(0) { $0 + $1.accounting.read } ?? 0
            progress("read \(file.path): \(rows) rows in \(String(format: "%.2f", seconds)) s")
        }
        return aggregate(
            files: files.map(\.0), chunks: &chunkResults, period: period, periodSource: periodSource,
            options: options)
    }

    /// With `--rolling`, counted rows are kept for this many days either side of the period (about 89 years).
    static let rollingReach = 32_767

    // MARK: - Period

    static func choosePeriod(files: [(CSVFile, ColumnIndex)], options: MeasureOptions) throws
        -> (PeriodWindow, String)
    {
        if let start = options.periodStart { return (PeriodWindow(start: start), "--period-start") }
        if let year = options.year { return (PeriodWindow.kolada(year: year), "ISO weeks 36–37 of --year \(year)") }
        var years: [Int: Int] = [:]
        for (file, columns) in files {
            guard let startColumn = columns["start"] else { continue }
            for year in sampleYears(file, startColumn: startColumn, dateColumn: columns["date"]) {
                years[year, default: 0] += 1
            }
        }
        guard let best = years.max(by: { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }) else {
            if files.allSatisfy({ !$0.0.hasDataRows }) { throw InputError.noDataRows(files: files.map(\.0.path)) }
            throw InputError.cannotDetermineYear(files: files.map(\.0.path))
        }
        return (PeriodWindow.kolada(year: best.key), "ISO weeks 36–37 of \(best.key), the year of most rows")
    }

    /// The years of up to 257 rows spread evenly over the file.
    static func sampleYears(_ file: CSVFile, startColumn: Int, dateColumn: Int? = nil) -> [Int] {
        file.withBytes { bytes in
            var years: [Int] = []
            var scratch = ByteScratch(capacity: 32)
            let scanner = CSVScanner(delimiter: file.delimiter)
            let fields = CSVFieldSplitter()
            let body = bytes.count - file.bodyStart
            guard body > 0 else { return years }
            let samples = 256
            for k in 0...samples {
                var position = file.bodyStart + body / samples * k
                if k > 0 {
                    guard let next = nextLineStart(bytes, after: position) else { break }
                    position = next
                }
                guard position < bytes.count else { break }
                fields.splitRecord(bytes, start: position, scanner: scanner)
                let time = fields.field(startColumn)
                let start =
                    dateColumn.map { TimestampParser.parse(date: fields.field($0), time: time, scratch: &scratch) }
                    ?? TimestampParser.parse(time)
                if let wall = start?.wall {
                    years.append(CivilDate(dayNumber: Stockholm.floorDiv(wall, 86_400)).year)
                }
            }
            return years
        }
    }

    private static func nextLineStart(_ bytes: UnsafeBufferPointer<UInt8>, after position: Int) -> Int? {
        guard let base = bytes.baseAddress, position < bytes.count else { return nil }
        guard let hit = memchr(base + position, Int32(CSVScanner.newline), bytes.count - position) else { return nil }
        return base.distance(to: hit.assumingMemoryBound(to: UInt8.self)) + 1
    }

    // MARK: - Scanning

    /// Scans one file in chunks on `threads` workers.
    ///
    /// The file is cut at line breaks near equal offsets. If any record turns out to hold a quoted line break
    /// (so a cut may have fallen inside a record), the cuts are recomputed by a sequential record scan and the
    /// chunks scanned again: the result is the same for every thread count either way.
    static func scanFile(_ scanner: VisitLogScanner, threads: Int, minimumChunkBytes: Int) -> [ChunkScan] {
        let file = scanner.file
        // Two chunks per thread: workers claim chunks as they finish, so one slowed down takes fewer; more chunks
        // cost more than they balance (each builds its own tables of users, staff and caches, merged afterwards).
        let chunkCount = max(1, min(threads * 2, (file.byteCount - file.bodyStart) / max(1, minimumChunkBytes)))
        var cuts = file.withBytes { cutsAtLineBreaks($0, from: file.bodyStart, chunks: chunkCount) }
        var results = scanChunks(scanner, cuts: cuts, threads: threads)
        if cuts.count > 2 && results.contains(where: \.sawQuotedNewline) {
            cuts = file.withBytes { cutsAtRecords($0, from: file.bodyStart, chunks: chunkCount, scanner: scanner) }
            results = scanChunks(scanner, cuts: cuts, threads: threads)
        }
        // Number lines: each chunk starts where the previous one ended.
        var line = file.bodyLine
        for index in results.indices {
            for r in results[index].rejected.indices { results[index].rejected[r].line += line }
            line += results[index].lines
        }
        return results
    }

    private static func scanChunks(_ scanner: VisitLogScanner, cuts: [Int], threads: Int) -> [ChunkScan] {
        let slots = ResultSlots<ChunkScan>(count: cuts.count - 1)
        Parallel.forEach(count: cuts.count - 1, threads: threads) { index in
            let scan = scanner.file.withBytes { bytes in
                scanner.scan(bytes, from: cuts[index], to: cuts[index + 1], firstLine: 0)
            }
            slots.set(index, scan)
        }
        return slots.values()
    }

    /// Chunk boundaries just after line breaks near `chunks` equal offsets (first = `from`, last = end).
    static func cutsAtLineBreaks(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, chunks: Int) -> [Int] {
        var cuts = [start]
        let size = bytes.count - start
        for k in 1..<max(1, chunks) {
            let nominal = max(start + size / chunks * k, cuts[cuts.count - 1])
            let cut = nextLineStart(bytes, after: nominal) ?? bytes.count
            if cut > cuts[cuts.count - 1] && cut < bytes.count { cuts.append(cut) }
        }
        cuts.append(bytes.count)
        return cuts
    }

    /// Chunk boundaries at record starts found by a sequential scan (for files with quoted line breaks).
    static func cutsAtRecords(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, chunks: Int,
        scanner: VisitLogScanner
    ) -> [Int] {
        let csv = CSVScanner(delimiter: scanner.file.delimiter)
        var cuts = [start]
        let size = bytes.count - start
        var next = 1
        var position = start
        while position < bytes.count && next < chunks {
            position = csv.bounds(of: position, in: bytes).next
            if position >= start + size / chunks * next && position < bytes.count {
                cuts.append(position)
                next += 1
            }
        }
        cuts.append(bytes.count)
        return cuts
    }

    static func delimiterName(_ delimiter: UInt8) -> String {
        switch delimiter {
        case 0x09: return "TAB"
        case 0x3B: return ";"
        default: return ","
        }
    }
}
