#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#elseif os(Windows)
    import ucrt
    #error("Platform/ has no Windows wrappers yet (mmap, sigaction, opendir, links); see docs/platform.md")
#else
    #error("Platform/: unknown platform; add its imports and wrappers (see docs/platform.md)")
#endif

/// The system calls that take paths: one thin wrapper per call, errors as `PlatformError` naming the path.
enum FileSystem {
    /// `stat(2)`, or `lstat(2)` when not `followingLinks` (a symbolic link is then described, not its target).
    static func status(_ path: String, followingLinks: Bool = true) throws(PlatformError) -> FileStatus {
        var info = stat()
        if followingLinks {
            _ = try systemCall("stat", path: path) { stat(path, &info) }
        } else {
            _ = try systemCall("lstat", path: path) { lstat(path, &info) }
        }
        return FileStatus(info)
    }

    /// As `status`, but nil when nothing is at `path`.
    static func statusIfPresent(_ path: String, followingLinks: Bool = true) throws(PlatformError) -> FileStatus? {
        do {
            return try status(path, followingLinks: followingLinks)
        } catch let error where error.isNotFound {
            return nil
        }
    }

    /// True when `path` names a file system object (following symbolic links).
    static func exists(_ path: String) -> Bool { (try? statusIfPresent(path)) != nil }

    /// `mkdir(2)` with `mode` (narrowed by the umask).
    static func makeDirectory(_ path: String, mode: UInt32) throws(PlatformError) {
        _ = try systemCall("mkdir", path: path) { mkdir(path, mode_t(mode)) }
    }

    /// Makes `path` and every missing directory above it, as `mkdir -p`; a directory already there is no error.
    ///
    /// A `..` component is not resolved: the directory before it must exist.
    static func makeDirectories(_ path: String, mode: UInt32 = 0o777) throws(PlatformError) {
        if let existing = try statusIfPresent(path) {
            guard existing.kind == .directory else {
                throw PlatformError.systemCall("mkdir", path: path, code: ENOTDIR)
            }
            return
        }
        let parent = Path.parent(path)
        if Path.lastComponent(path) != ".." && parent != Path.normalized(path) {
            try makeDirectories(parent, mode: mode)
        }
        do {
            try makeDirectory(path, mode: mode)
        } catch let error where error.code == EEXIST {
            // Made by another thread or process in the meantime; fine if it is a directory.
            guard try status(path).kind == .directory else { throw error }
        }
    }

    /// `unlink(2)`.
    static func removeFile(_ path: String) throws(PlatformError) {
        _ = try systemCall("unlink", path: path) { unlink(path) }
    }

    /// `rmdir(2)`: removes an empty directory.
    static func removeDirectory(_ path: String) throws(PlatformError) {
        _ = try systemCall("rmdir", path: path) { rmdir(path) }
    }

    /// `rename(2)`: atomically replaces `target` (a file, or an empty directory) with `source`.
    static func rename(_ source: String, to target: String) throws(PlatformError) {
        _ = try systemCall("rename", path: source) { cRename(source, target) }
    }

    /// Swaps the names `first` and `second` (two directories, say) in one atomic step: Linux's
    /// `renameat2(RENAME_EXCHANGE)`, Darwin's `renamex_np(RENAME_SWAP)`.
    ///
    /// Returns false, having done nothing, where no such call exists (other systems, a C library without it,
    /// `KONTINUITET_PLATFORM_FALLBACKS=1`): the documented fallback is for the caller to rename file by file.
    /// - Throws: when the call exists but fails (a file system without the exchange, the current directory, a mount
    ///   point).
    static func exchange(_ first: String, _ second: String) throws(PlatformError) -> Bool {
        guard !PlatformFallbacks.areForced else { return false }
        #if canImport(Darwin)
            _ = try systemCall("renamex_np", path: second) { renamex_np(first, second, UInt32(RENAME_SWAP)) }
            return true
        #else
            guard let renameat2 = LinuxExtensions.renameat2 else { return false }
            _ = try systemCall("renameat2", path: second) {
                renameat2(AT_FDCWD, first, AT_FDCWD, second, LinuxExtensions.renameExchange)
            }
            return true
        #endif
    }

    /// A hard link at `target` to the object at `source` (`linkat` without following a symbolic link, so a link
    /// is linked, not its target).
    static func link(_ source: String, to target: String) throws(PlatformError) {
        _ = try systemCall("linkat", path: source) { linkat(AT_FDCWD, source, AT_FDCWD, target, 0) }
    }

    /// `chmod(2)`.
    static func setPermissions(_ path: String, _ mode: UInt32) throws(PlatformError) {
        _ = try systemCall("chmod", path: path) { chmod(path, mode_t(mode)) }
    }

    /// `mkfifo(3)`: a named pipe at `path`.
    static func makeFIFO(_ path: String, mode: UInt32 = 0o600) throws(PlatformError) {
        _ = try systemCall("mkfifo", path: path) { mkfifo(path, mode_t(mode)) }
    }

    /// The process's file mode creation mask (`umask(2)`), which narrows the mode of every file and directory made.
    ///
    /// `umask` can only be read by setting it: it is set to 0 and back at once. Call it before starting threads
    /// that create files (a file made between the two calls would get the full mode).
    static func fileCreationMask() -> UInt32 {
        let mask = umask(0)
        umask(mask)
        return UInt32(mask)
    }

    /// This process's id (`getpid`), for names no other process uses.
    static var processID: Int32 { getpid() }

    /// The user this process runs as (`getuid`), to check who owns a private directory.
    static var userID: UInt32 { UInt32(getuid()) }

    /// One entry of a directory.
    struct DirectoryEntry {
        var name: String
        /// The kind when the directory says it (`d_type`); nil when the file system leaves it to `lstat`.
        var kind: FileKind?
    }

    /// The entries of the directory at `path`, without `.` and `..` (`opendir`, `readdir`, `closedir`).
    static func entries(ofDirectory path: String) throws(PlatformError) -> [DirectoryEntry] {
        guard let directory = opendir(path) else { throw lastSystemError("opendir", path: path) }
        defer { closedir(directory) }
        var entries: [DirectoryEntry] = []
        while true {
            errno = 0
            guard let entry = readdir(directory) else {
                if errno != 0 { throw lastSystemError("readdir", path: path) }
                return entries
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            entries.append(DirectoryEntry(name: name, kind: kind(ofDirectoryEntryType: Int(entry.pointee.d_type))))
        }
    }

    private static func kind(ofDirectoryEntryType type: Int) -> FileKind? {
        switch type {
        case Int(DT_REG): return .regular
        case Int(DT_DIR): return .directory
        case Int(DT_LNK): return .symbolicLink
        case Int(DT_FIFO): return .fifo
        case Int(DT_CHR): return .characterDevice
        case Int(DT_BLK): return .blockDevice
        case Int(DT_SOCK): return .socket
        default: return nil
        }
    }
}

/// `rename(2)` under a name `FileSystem.rename` does not shadow.
private func cRename(_ source: String, _ target: String) -> Int32 { rename(source, target) }
