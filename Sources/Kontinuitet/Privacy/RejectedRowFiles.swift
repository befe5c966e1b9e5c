import Foundation

/// The two files of rejected rows: `rejected.csv` in the output directory, which says where and why and may be
/// shared, and the private `--rejected-rows FILE`, which holds the rows as read (they may hold personnummer and
/// names) for correcting the source, and is written only when asked for.
package enum RejectedRowFiles {
    /// The columns of `rejected.csv`.
    package static let header = ["file", "line", "column", "reason", "detail"]
    /// The columns of `--rejected-rows FILE`.
    package static let rawHeader = ["file", "line", "reason", "detail", "row"]

    /// `rejected.csv`: file (as `ShownFileNames` shows it), line, column (when the reason names one), reason and
    /// the sentence saying what is wrong; never a value from the row.
    static func shareableCSV(_ rows: [RejectedRow], files: ShownFileNames) -> [UInt8] {
        var writer = CSVWriter(header: header)
        for row in rows {
            writer.row([
                .text(files(row.file)), .integer(row.line), .text(column(row.detail) ?? ""), .raw(row.reason),
                .text(row.detail),
            ])
        }
        return writer.bytes
    }

    /// The private file: the rows as read (truncated to 4 KiB by the readers), with the files' own paths.
    static func rawCSV(_ rows: [RejectedRow]) -> [UInt8] {
        var writer = CSVWriter(header: rawHeader)
        for row in rows {
            writer.row([.text(row.file), .integer(row.line), .raw(row.reason), .text(row.detail), .text(row.row)])
        }
        return writer.bytes
    }

    /// Writes the private file at `path` (mode 0600, atomically), refusing a path inside `outputDirectory`.
    static func writeRaw(_ rows: [RejectedRow], to path: String, outputDirectory: String) throws {
        try PrivateFile.refuseInside(path, outputDirectory: outputDirectory, option: "--rejected-rows")
        try PrivateFile.write(path, rawCSV(rows), option: "--rejected-rows")
    }

    /// The column a reason's detail names: the readers write "column 'start' is empty" (the canonical column
    /// name, not the file's header).
    static func column(_ detail: String) -> String? {
        guard let open = detail.range(of: "column '") else { return nil }
        let rest = detail[open.upperBound...]
        guard let close = rest.firstIndex(of: "'") else { return nil }
        return String(rest[..<close])
    }
}
