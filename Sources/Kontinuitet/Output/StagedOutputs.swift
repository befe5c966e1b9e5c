import Foundation

/// The files a run stages in its output directory, and which of them the disclosure check must read before the
/// commit: every file is shared, except, with `--keep-ids`, those holding user ids (staged with mode 0600 and not
/// checked, as they hold what the check looks for; docs/security.md).
struct StagedOutputs {
    let directory: OutputDirectory
    let keepIDs: Bool
    /// The relative paths staged, in order.
    private(set) var written: [String] = []
    /// The staged files that are shared, with their bytes, for the disclosure check.
    private(set) var shareable: [(path: String, bytes: [UInt8])] = []

    init(_ directory: OutputDirectory, keepIDs: Bool) {
        self.directory = directory
        self.keepIDs = keepIDs
    }

    /// Stages a file; `holdsIDs` marks one that holds user ids under `--keep-ids`.
    mutating func share(_ path: String, _ bytes: [UInt8], holdsIDs: Bool = false) throws {
        if keepIDs && holdsIDs {
            try directory.write(path, bytes, mode: 0o600)
        } else {
            shareable.append((path, bytes))
            try directory.write(path, bytes)
        }
        written.append(path)
    }

    /// Stages a shareable file too large to hold whole (`anomalies.csv` of a city's year), made of `count`
    /// pieces that each end at a line break: `piece(i)` makes piece `i`. Pieces are made and checked by `check`
    /// on worker threads, a few ahead of the one being written, and written in order on this thread (so that the
    /// writing, the largest part, overlaps the rest); findings are kept with the file's line numbers
    /// (`pieceFindings`), no piece is kept once written.
    mutating func sharePieces(
        _ path: String, check: DisclosureCheck, count: Int, threads: Int = 2,
        piece: @escaping @Sendable (Int) -> [UInt8]
    ) throws {
        // Each piece made and checked on a worker thread, taken in order by the thread that writes.
        let pieces = InOrderPieces<(bytes: [UInt8], findings: [DisclosureCheck.Finding], lines: Int)>(count: count) {
            index in
            let bytes = piece(index)
            return (bytes, check.scanOutput(bytes, path: path), bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) })
        }
        let ahead = max(2, threads * 2)
        for index in 0..<min(ahead, count) { pieces.start(index) }
        defer { pieces.waitForAll() }
        var lines = 0
        try directory.writePieces(path) { append in
            for index in 0..<count {
                guard let made = pieces.take(index) else { continue }
                if index + ahead < count { pieces.start(index + ahead) }
                for finding in made.findings {
                    var shifted = finding
                    shifted.line += lines
                    pieceFindings.append(shifted)
                }
                lines += made.lines
                try append(made.bytes)
            }
        }
        written.append(path)
    }

    /// Findings of the files staged in pieces (`sharePieces`).
    private(set) var pieceFindings: [DisclosureCheck.Finding] = []

    /// Records a shared file that a worker has already staged.
    mutating func staged(_ path: String, _ bytes: [UInt8]) {
        shareable.append((path, bytes))
        written.append(path)
    }
}
