/// What an XLSX worksheet becomes for the CSV row pipeline.
struct XLSXTranscript {
    /// The sheet's name as Excel shows it on its tab (e.g. "Blad1").
    var sheetName: String
    /// UTF-8, comma-delimited, RFC 4180 quoting (fields holding `,` `"` CR LF or leading/trailing spaces are
    /// quoted), LF line ends. Line N of this text is the sheet's row N exactly (blank lines for absent rows and for
    /// rows whose cells are all empty), so a CSV reader's line numbers are Excel's row numbers. Empty cells at the
    /// end of a row are dropped, and a row shorter than the first non-blank row gets empty fields up to its width,
    /// so that a header's width holds for the rows under it.
    var csv: [UInt8]
    /// Rows holding an error cell (#N/A, #REF!, #DIV/0!, …; `t="e"`): blank lines in `csv`, listed here with the
    /// first error cell's column letters (e.g. "C") so the caller can reject them.
    var errorRows: [(row: Int, column: String)]
}

/// How much a workbook may expand to while being read, against decompression bombs and absurd sheets.
struct XLSXReadLimits: Sendable {
    /// The most bytes all parts read (workbook, relationships, styles, shared strings, the sheet) may expand to.
    var maximumExpandedBytes: Int
    /// The most a part may expand per compressed byte (see `InflateLimits`).
    var maximumRatio: Int
    /// The longest CSV transcript produced.
    var maximumTranscriptBytes: Int

    /// 4 GiB expanded, 1,000 to 1, a 2 GiB transcript: far beyond Excel's own sheets (a full 1,048,576-row visit
    /// log is about 150 MB of CSV), far below what would exhaust memory.
    static let standard = XLSXReadLimits(
        maximumExpandedBytes: 4 << 30, maximumRatio: 1000, maximumTranscriptBytes: 2 << 30)
}

/// Counts what the parts of one workbook have expanded to, so that the limits hold for the workbook as a whole.
struct XLSXReadBudget {
    let limits: XLSXReadLimits
    /// Bytes expanded so far.
    private(set) var used = 0

    init(limits: XLSXReadLimits) {
        self.limits = limits
    }

    /// The inflate limits for the next part: what is left of the budget.
    var inflateLimits: InflateLimits {
        InflateLimits(maximumOutput: max(0, limits.maximumExpandedBytes - used), maximumRatio: limits.maximumRatio)
    }

    /// The whole of a small part (at most `XLSXPackage.maximumSmallPartSize`).
    mutating func extract(_ part: String, from zip: ZipReader) throws(XLSXReadError) -> [UInt8] {
        guard let entry = zip.entry(named: part) else {
            throw .missingPart(part)
        }
        var partLimits = inflateLimits
        partLimits.maximumOutput = min(partLimits.maximumOutput, XLSXPackage.maximumSmallPartSize)
        do {
            let bytes = try zip.extract(entry, limits: partLimits)
            used += bytes.count
            return bytes
        } catch {
            throw .damagedArchive(error)
        }
    }

    /// A chunk reader of a part of any size; call `record(_:)` when done with it.
    func open(_ part: String, from zip: ZipReader) throws(XLSXReadError) -> ZipEntryReader {
        guard let entry = zip.entry(named: part) else {
            throw .missingPart(part)
        }
        do {
            return try zip.open(entry, limits: inflateLimits)
        } catch {
            throw .damagedArchive(error)
        }
    }

    /// Counts what `reader` expanded to.
    mutating func record(_ reader: ZipEntryReader) {
        used += reader.totalOutput
    }
}

/// Reads a worksheet of an Excel workbook (.xlsx, SpreadsheetML, ECMA-376) into CSV text for the row pipeline,
/// with its own ZIP, DEFLATE and XML readers: no Foundation XML parser, nothing written to disk.
///
/// The sheet's XML is decompressed and scanned in chunks, so memory is the shared string table, the CSV
/// transcript and one chunk, never the sheet's XML whole. Cell values become text as `XLSXSheetTranscriber`
/// describes: shared, inline and formula strings as they are; numbers in their shortest form (`12`, `12.5`,
/// `193104171370`); booleans `TRUE`/`FALSE`; numbers in a date or time format (built-in or custom, see
/// `SpreadsheetDate`) as `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS` or `HH:MM:SS`, in the workbook's date system.
enum XLSXReader {
    /// Whether `bytes` starts like a ZIP archive, as every .xlsx file does (but so do .ods, .docx and others:
    /// `identify(_:)` tells them apart).
    static func isZip(_ bytes: [UInt8]) -> Bool {
        ZipReader.isZip(bytes)
    }

    /// What `bytes` holds: an Excel workbook, another kind of ZIP package (OpenDocument, Word, …), a legacy or
    /// encrypted Office file, a PDF, or something else.
    ///
    /// A ZIP archive too damaged to list is reported as `.otherZip`; `transcribe` says how it is damaged.
    static func identify(_ bytes: [UInt8]) -> SpreadsheetFileKind {
        guard isZip(bytes) else {
            if bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
                return .compoundFile
            }
            if bytes.starts(with: Array("%PDF-".utf8)) {
                return .pdf
            }
            return .unknown
        }
        guard let zip = try? ZipReader(bytes) else {
            return .otherZip
        }
        return XLSXPackage.identify(zip)
    }

    /// The names of the workbook's sheets in tab order (chart sheets included).
    static func sheetNames(_ bytes: [UInt8], limits: XLSXReadLimits = .standard) throws(XLSXReadError) -> [String] {
        var budget = XLSXReadBudget(limits: limits)
        return try openPackage(bytes, budget: &budget).sheets.map(\.name)
    }

    /// The CSV transcript of one worksheet of the workbook `bytes`: the one named `sheet` (matched exactly, then
    /// ignoring case), or the first visible worksheet in the workbook's tab order when `sheet` is nil.
    ///
    /// - Throws: `XLSXReadError`: `.notAWorkbook` (saying what the file is instead), `.sheetNotFound` (listing
    ///   the sheets), `.damagedArchive`, `.missingPart`, `.malformedXML` (with the row), `.cellBeyondSheetLimits`,
    ///   `.transcriptTooLarge`.
    /// - Complexity: O(n) in the decompressed size of the sheet and the shared strings.
    static func transcribe(
        _ bytes: [UInt8], sheet: String?, limits: XLSXReadLimits = .standard
    ) throws(XLSXReadError) -> XLSXTranscript {
        var budget = XLSXReadBudget(limits: limits)
        let package = try openPackage(bytes, budget: &budget)
        let chosen = try package.sheet(named: sheet)
        guard let part = chosen.part, package.zip.entry(named: part) != nil else {
            throw .missingPart(chosen.part ?? "the part of sheet '\(chosen.name)'")
        }
        let dateKinds = try package.dateKinds(budget: &budget)
        var sharedStrings = XLSXSharedStrings()
        if let stringsPart = package.sharedStringsPart, package.zip.entry(named: stringsPart) != nil {
            let reader = try budget.open(stringsPart, from: package.zip)
            sharedStrings = try XLSXSharedStrings.read(reader, part: stringsPart)
            budget.record(reader)
        }
        var transcriber = XLSXSheetTranscriber(
            sheetName: chosen.name, sharedStrings: sharedStrings, dateKinds: dateKinds, uses1904: package.uses1904,
            maximumTranscriptBytes: limits.maximumTranscriptBytes)
        let reader = try budget.open(part, from: package.zip)
        try XMLPartScanner.scan(reader, part: part, into: &transcriber)
        budget.record(reader)
        return XLSXTranscript(sheetName: chosen.name, csv: transcriber.csv, errorRows: transcriber.errorRows)
    }

    /// Opens the archive and reads the workbook, after checking that it is one.
    private static func openPackage(
        _ bytes: [UInt8], budget: inout XLSXReadBudget
    ) throws(XLSXReadError) -> XLSXPackage {
        guard isZip(bytes) else {
            throw .notAWorkbook(identify(bytes))
        }
        let zip: ZipReader
        do {
            zip = try ZipReader(bytes)
        } catch {
            throw .damagedArchive(error)
        }
        let kind = XLSXPackage.identify(zip)
        guard kind == .workbook else {
            throw .notAWorkbook(kind)
        }
        return try XLSXPackage(zip, budget: &budget)
    }
}
