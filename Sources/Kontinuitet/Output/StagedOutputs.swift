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

    /// Records a shared file that a worker has already staged.
    /// Stages a shareable file too large to hold whole (`anomalies.csv` of a city's year): `body` emits it in
    /// pieces that end at line breaks; the pieces are checked by `check` a few at a time, in parallel, as they are
    /// written (`pieceFindings`, with the file's line numbers), and none is kept.
    mutating func sharePieces(
        _ path: String, check: DisclosureCheck, threads: Int = 2, _ body: (([UInt8]) throws -> Void) throws -> Void
    ) throws {
        var lines = 0
        var findings: [DisclosureCheck.Finding] = []
        var batch: [[UInt8]] = []
        try directory.writePieces(path) { append in
            try withoutActuallyEscaping(append) { append in
                func flush() throws {
                    let checked = check.scanEach(batch.map { (path, $0) }, threads: threads)
                    for (index, piece) in batch.enumerated() {
                        for finding in checked[index] {
                            var shifted = finding
                            shifted.line += lines
                            findings.append(shifted)
                        }
                        lines += piece.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                        try append(piece)
                    }
                    batch.removeAll()
                }
                try body { piece in
                    batch.append(piece)
                    if batch.count >= threads { try flush() }
                }
                try flush()
            }
        }
        pieceFindings += findings
        written.append(path)
    }

    /// Findings of the files staged in pieces (`sharePieces`).
    private(set) var pieceFindings: [DisclosureCheck.Finding] = []

    mutating func staged(_ path: String, _ bytes: [UInt8]) {
        shareable.append((path, bytes))
        written.append(path)
    }
}
