import Foundation

/// An output directory whose new contents appear all at once.
///
/// Files are written into a hidden staging directory (mode 0700: it may hold private files for a moment).
/// `commit()` puts them in place in one of two ways:
///
/// - swapping the whole directory: the staging directory sits beside the output directory; every file of the old
///   directory that this run does not rewrite and that is not an output of an earlier run to remove is hard-linked
///   into it, then the two directories are swapped in one atomic `FileSystem.exchange` and the old one is removed.
///   A run killed at any moment leaves either the complete previous results or the complete new ones, never a mix.
/// - file by file, each file renamed into place atomically: where the directory cannot be swapped as a whole (the
///   current directory or one above it, `.`, `..`, a mount point, a symbolic link, a system or file system without
///   the exchange, `KONTINUITET_PLATFORM_FALLBACKS=1`, any failure of the exchange). The staging directory then sits
///   inside the output directory when it cannot be made beside it.
///
/// A new output directory (parents are created) is the staging directory renamed, which is atomic too. The next
/// run removes a staging directory that a killed run left behind.
///
/// The directory keeps a manifest (`OutputManifest`) of the files the tool wrote there, so that a later run removes
/// only its own earlier outputs, never a file the user put there.
///
/// `write` may be called from several threads at once (workers writing one file each); `commit` from one thread
/// after they are done.
package final class OutputDirectory: @unchecked Sendable {
    /// The output directory as the user named it, normalized (`Path.normalized`: `./` is `.`, `a/b/` is `a/b`).
    package let path: String
    /// Where the files are staged.
    let staging: String
    /// True when the staging directory is inside the output directory (which is then filled file by file).
    let stagingIsInside: Bool
    /// False when the directory must be filled file by file.
    let mayExchange: Bool
    /// The permission bits a directory made by this process gets (0o777 less the umask).
    let newDirectoryMode: UInt32
    // Guarded by `lock`: the files staged and the sub-directories made so far.
    var written: Set<String> = []
    private var madeDirectories: Set<String> = []
    private let lock = NSLock()
    var committed = false

    /// Prepares a staging directory for `path`. A missing directory is created at commit (its parents now).
    ///
    /// - Throws: `OutputError.notADirectory` when `path` is an existing file (before any input is read, since the
    ///   commands create their output directory first), `.cannotCreateDirectory` when the parents or the staging
    ///   directory cannot be made.
    package convenience init(path: String) throws {
        try self.init(path: path, mayExchange: true)
    }

    /// As `init(path:)`; with `mayExchange` false the directory is filled file by file even where it could be
    /// swapped (tests use this to check both ways).
    init(path: String, mayExchange: Bool) throws {
        let normal = Path.normalized(path)
        self.path = normal
        newDirectoryMode = Self.newDirectoryMode
        let existing: FileStatus?
        do {
            existing = try FileSystem.statusIfPresent(normal)
        } catch {
            throw OutputError.cannotWrite(path: normal, reason: error.reason)
        }
        if let existing, existing.kind != .directory { throw OutputError.notADirectory(path: normal) }
        let parent = Path.parent(normal)
        if existing == nil {
            do {
                try FileSystem.makeDirectories(parent, mode: 0o777)
            } catch {
                throw OutputError.cannotCreateDirectory(path: parent)
            }
        }
        let swappable = existing.map { Self.canSwapWhole(normal, status: $0) } ?? true
        self.mayExchange = mayExchange && swappable

        let name = Path.lastComponent(normal)
        let beside = Path.join(parent, ".\(name).kontinuitet-new-\(FileSystem.processID)")
        if existing != nil {
            Self.removeStaleStaging(in: normal, prefix: Self.insidePrefix)
        }
        if swappable {
            Self.removeStaleStaging(in: parent, prefix: ".\(name).kontinuitet-new-")
            if (try? FileSystem.makeDirectory(beside, mode: 0o700)) != nil {
                (staging, stagingIsInside) = (beside, false)
                return
            }
            // The parent cannot take it (not writable, say): inside, if there is an inside.
            guard existing != nil else { throw OutputError.cannotCreateDirectory(path: beside) }
        }
        let inside = Path.join(normal, "\(Self.insidePrefix)\(FileSystem.processID)")
        do {
            try FileSystem.makeDirectory(inside, mode: 0o700)
        } catch {
            throw OutputError.cannotCreateDirectory(path: inside)
        }
        (staging, stagingIsInside) = (inside, true)
    }

    /// 0o777 less the umask, read once (reading the umask sets it for a moment, which no other thread should see
    /// while it creates a file; the first output directory is made before the work starts).
    private static let newDirectoryMode: UInt32 = 0o777 & ~FileSystem.fileCreationMask()

    /// The name prefix of a staging directory inside the output directory.
    static let insidePrefix = ".kontinuitet-new-"

    /// Stages a file at `relativePath` (sub-directories are created) with permission bits `mode`.
    package func write(_ relativePath: String, _ bytes: [UInt8], mode: Int = 0o644) throws {
        let target = Path.join(staging, relativePath)
        let shownPath = Path.join(path, relativePath)
        let directory = Path.parent(relativePath)
        lock.lock()
        if directory != "." && !madeDirectories.contains(directory) {
            // The first file of a sub-directory creates it, under the lock, so no other writer looks for it first.
            defer { lock.unlock() }
            try AtomicFile.writeFully(
                target, bytes, mode: mode, shownPath: shownPath, createDirectories: true, sync: false)
            madeDirectories.insert(directory)
            written.insert(relativePath)
            return
        }
        lock.unlock()
        try AtomicFile.writeFully(
            target, bytes, mode: mode, shownPath: shownPath, createDirectories: false, sync: false)
        lock.withLock { _ = written.insert(relativePath) }
    }

    /// Stages a file at `relativePath` (in the directory itself) written in pieces: `body` gets a function that
    /// appends bytes, so that a file of hundreds of megabytes is never held whole.
    func writePieces(_ relativePath: String, mode: Int = 0o644, _ body: (([UInt8]) throws -> Void) throws -> Void)
        throws
    {
        let target = Path.join(staging, relativePath)
        let shownPath = Path.join(path, relativePath)
        func failed(_ error: PlatformError) -> OutputError { .cannotWrite(path: shownPath, reason: error.reason) }
        let file: FileDescriptor
        do { file = try FileDescriptor.open(target, .createOrTruncate(mode: UInt32(mode))) } catch {
            throw failed(error)
        }
        lock.withLock { _ = written.insert(relativePath) }
        do {
            try body { bytes in
                let result = bytes.withUnsafeBytes { raw in
                    Result { () throws(PlatformError) in try file.writeAll(raw) }
                }
                if case .failure(let error) = result { throw failed(error) }
            }
        } catch {
            try? file.close()
            throw error
        }
        do { try file.close() } catch { throw failed(error) }
    }

    /// Stages a text file.
    package func write(_ relativePath: String, text: String, mode: Int = 0o644) throws {
        try write(relativePath, Array(text.utf8), mode: mode)
    }

    /// False when the directory at `path` (described by `status`) cannot be swapped as a whole by renaming: `.` or
    /// `..` as its last component, a symbolic link (the link would be swapped, not the directory), the current
    /// directory or one above it, the root, or a mount point.
    static func canSwapWhole(_ path: String, status: FileStatus) -> Bool {
        let name = Path.lastComponent(path)
        guard name != "." && name != ".." && name != "/" else { return false }
        guard let own = try? FileSystem.status(path, followingLinks: false), own.kind == .directory else {
            return false
        }
        guard let parent = try? FileSystem.status(Path.parent(path)), parent.device == status.device else {
            return false
        }
        return !isCurrentDirectoryOrAbove(status)
    }

    /// True when `status` describes the current directory or a directory above it.
    private static func isCurrentDirectoryOrAbove(_ status: FileStatus) -> Bool {
        var level = "."
        for _ in 0..<4096 {
            guard let here = try? FileSystem.status(level) else { return false }
            if here.isSameObject(as: status) { return true }
            let up = level == "." ? ".." : level + "/.."
            guard let above = try? FileSystem.status(up), !above.isSameObject(as: here) else { return false }
            level = up
        }
        return false
    }

    /// Removes what earlier, killed runs staged in `directory` (names starting with `prefix`), this process's own
    /// excepted.
    private static func removeStaleStaging(in directory: String, prefix: String) {
        guard let entries = try? FileSystem.entries(ofDirectory: directory) else { return }
        for entry in entries where entry.name.hasPrefix(prefix) {
            FileTree.remove(Path.join(directory, entry.name))
        }
    }

    deinit {
        if !committed { FileTree.remove(staging) }
    }
}
