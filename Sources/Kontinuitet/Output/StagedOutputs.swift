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
    mutating func staged(_ path: String, _ bytes: [UInt8]) {
        shareable.append((path, bytes))
        written.append(path)
    }
}
