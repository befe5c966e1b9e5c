import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Errors of the output layer.
public enum OutputError: Error, CustomStringConvertible {
    case cannotCreateDirectory(path: String)
    case cannotWrite(path: String, reason: String)
    /// Shareable outputs would carry personal data; nothing was written.
    case disclosure([DisclosureCheck.Finding])

    public var description: String {
        switch self {
        case .disclosure(let findings):
            let shown = findings.prefix(10).map { "  \($0)" }.joined(separator: "\n")
            let more = findings.count > 10 ? "\n  … and \(findings.count - 10) more" : ""
            return "refusing to write outputs meant for sharing that look like they hold personal data "
                + "(previous results are left as they were):\n\(shown)\(more)"
        case .cannotCreateDirectory(let path): return "\(path): cannot create the output directory"
        case .cannotWrite(let path, let reason): return "\(path): cannot write (\(reason))"
        }
    }
}

/// An output directory whose new contents appear all at once.
///
/// Files are written into a hidden staging directory beside the output directory. `commit()` first links every
/// file of the old directory that this run did not rewrite, except the command's own outputs of an earlier run,
/// into the staging directory, then swaps the two
/// directories in one atomic `renameat2(RENAME_EXCHANGE)` and removes the old one. A run killed at any moment
/// therefore leaves either the complete previous results or the complete new ones, never a mix; the next run
/// removes the staging directory a killed run left behind. (On a file system without the exchange, the files
/// are renamed into place one by one, each atomically.)
///
/// `write` may be called from several threads at once (workers writing one file each); `commit` from one thread
/// after they are done.
public final class OutputDirectory: @unchecked Sendable {
    /// The output directory as the user named it.
    public let path: String
    private let staging: String
    // Guarded by `lock`: the files staged and the sub-directories made so far.
    private var written: Set<String> = []
    private var madeDirectories: Set<String> = []
    private let lock = NSLock()
    private var committed = false

    /// Prepares a staging directory for `path` (which is created at commit if it does not exist).
    public init(path: String) throws {
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        self.path = trimmed
        let parent = (trimmed as NSString).deletingLastPathComponent
        let name = (trimmed as NSString).lastPathComponent
        let parentPath = parent.isEmpty ? "." : parent
        do {
            try FileManager.default.createDirectory(atPath: parentPath, withIntermediateDirectories: true)
        } catch {
            throw OutputError.cannotCreateDirectory(path: parentPath)
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: trimmed, isDirectory: &isDirectory) && !isDirectory.boolValue {
            throw OutputError.cannotWrite(path: trimmed, reason: "it exists and is not a directory")
        }
        let prefix = ".\(name).kontinuitet-new-"
        for stale in (try? FileManager.default.contentsOfDirectory(atPath: parentPath)) ?? []
        where stale.hasPrefix(prefix) {
            try? FileManager.default.removeItem(atPath: (parentPath as NSString).appendingPathComponent(stale))
        }
        staging = (parentPath as NSString).appendingPathComponent("\(prefix)\(getpid())")
        do {
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        } catch {
            throw OutputError.cannotCreateDirectory(path: staging)
        }
    }

    /// Stages a file at `relativePath` (sub-directories are created) with permission bits `mode`.
    public func write(_ relativePath: String, _ bytes: [UInt8], mode: Int = 0o644) throws {
        let target = (staging as NSString).appendingPathComponent(relativePath)
        let shownPath = (path as NSString).appendingPathComponent(relativePath)
        let directory = (relativePath as NSString).deletingLastPathComponent
        lock.lock()
        if !directory.isEmpty && !madeDirectories.contains(directory) {
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

    /// Stages a text file.
    public func write(_ relativePath: String, text: String, mode: Int = 0o644) throws {
        try write(relativePath, Array(text.utf8), mode: mode)
    }

    /// Puts every staged file in place at once, after every staged byte is on disk.
    ///
    /// - Parameter replaced: the relative paths of the command's own outputs: such a file of an earlier run that
    ///   this run did not write again is removed, not kept (a form of a provider no longer in the input, a
    ///   rolling file from an earlier `--rolling` run), so the directory never mixes results of two runs. Other
    ///   files (the key, the analyst's own) are kept.
    public func commit(replacing replaced: (String) -> Bool = { _ in false }) throws {
        syncStaged()
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue {
            try carryOverUnwrittenFiles(except: replaced)
            if Self.exchange(staging, path) {
                FileTree.remove(staging)
                committed = true
                return
            }
            // No atomic exchange here: rename file by file.
            for relative in written.sorted() {
                let from = (staging as NSString).appendingPathComponent(relative)
                let to = (path as NSString).appendingPathComponent(relative)
                try? FileManager.default.createDirectory(
                    atPath: (to as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                guard rename(from, to) == 0 else {
                    throw OutputError.cannotWrite(path: to, reason: String(cString: strerror(errno)))
                }
            }
            for relative in filesOfCurrentDirectory() where replaced(relative) && !written.contains(relative) {
                try? FileManager.default.removeItem(atPath: (path as NSString).appendingPathComponent(relative))
            }
            try? FileManager.default.removeItem(atPath: staging)
        } else if rename(staging, path) != 0 {
            throw OutputError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
        committed = true
    }

    /// Hard-links (or copies) every file of the current directory that this run does not rewrite, and that is
    /// not one of the command's outputs (`replaced`), into the staging directory, so the swap keeps them.
    private func carryOverUnwrittenFiles(except replaced: (String) -> Bool) throws {
        for relative in filesOfCurrentDirectory() where !written.contains(relative) && !replaced(relative) {
            let source = (path as NSString).appendingPathComponent(relative)
            let target = (staging as NSString).appendingPathComponent(relative)
            try? FileManager.default.createDirectory(
                atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            if link(source, target) != 0 {
                do {
                    try FileManager.default.copyItem(atPath: source, toPath: target)
                } catch {
                    throw OutputError.cannotWrite(path: source, reason: "cannot keep the existing file")
                }
            }
        }
    }

    /// The relative paths of the files (not directories) under the current directory.
    private func filesOfCurrentDirectory() -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: path) else { return [] }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let full = (path as NSString).appendingPathComponent(relative)
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(relative)
            }
        }
        return files
    }

    /// Flushes the staged files to disk before they are swapped in: the whole file system at once with Linux's
    /// `syncfs` (one wait instead of one `fsync` per file), else file by file.
    private func syncStaged() {
        if let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "syncfs") {
            let syncfs = unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Int32).self)
            let fd = open(staging, O_RDONLY)
            if fd >= 0 {
                defer { close(fd) }
                if syncfs(fd) == 0 { return }
            }
        }
        for relative in written {
            let fd = open((staging as NSString).appendingPathComponent(relative), O_RDONLY)
            guard fd >= 0 else { continue }
            fsync(fd)
            close(fd)
        }
    }

    private typealias RenameAt2 =
        @convention(c) (
            Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32
        ) -> Int32

    /// Swaps two directories atomically with Linux's `renameat2(RENAME_EXCHANGE)`; false when unavailable.
    private static func exchange(_ a: String, _ b: String) -> Bool {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "renameat2") else { return false }
        let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
        let renameExchange: UInt32 = 2
        return renameat2(AT_FDCWD, a, AT_FDCWD, b, renameExchange) == 0
    }

    deinit {
        if !committed { try? FileManager.default.removeItem(atPath: staging) }
    }
}

/// Removing a directory tree with POSIX calls: `FileManager.removeItem` takes several times longer for the hundred
/// files of a city's outputs.
enum FileTree {
    /// Removes `path` and, for a directory, everything under it; best effort (what cannot be removed stays).
    ///
    /// The files are unlinked by two workers: freeing the blocks of files already on disk is most of the time, and
    /// the file system does it for two files at once.
    static func remove(_ path: String) {
        var files: [String] = []
        var directories: [String] = []
        collect(path, files: &files, directories: &directories)
        let all = files
        Parallel.forEach(count: 2, threads: 2) { half in
            for index in stride(from: half, to: all.count, by: 2) { unlink(all[index]) }
        }
        // Deepest first: every directory comes after its parent in `directories`.
        for directory in directories.reversed() { rmdir(directory) }
    }

    /// Appends `path` to `files` or, for a directory, to `directories` followed by everything under it.
    private static func collect(_ path: String, files: inout [String], directories: inout [String]) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            files.append(path)
            return
        }
        directories.append(path)
        var children: [String] = []
        if let directory = opendir(path) {
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
                }
                if name != "." && name != ".." { children.append(name) }
            }
            closedir(directory)
        }
        for name in children { collect(path + "/" + name, files: &files, directories: &directories) }
    }
}

/// Single files written so that they appear whole or not at all.
public enum AtomicFile {
    /// Writes `bytes` to a temporary name beside `path`, syncs it and renames it into place. The directory must
    /// exist.
    public static func write(_ path: String, _ bytes: [UInt8], mode: Int = 0o644) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let temporary = ((directory.isEmpty ? "." : directory) as NSString).appendingPathComponent(
            ".\(name).kontinuitet-tmp-\(getpid())")
        try writeFully(temporary, bytes, mode: mode, shownPath: path, createDirectories: false)
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw OutputError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
    }

    /// Creates (or truncates) `target` with `mode`, writes every byte and (with `sync`) syncs it; parents are
    /// created when `createDirectories`.
    static func writeFully(
        _ target: String, _ bytes: [UInt8], mode: Int, shownPath: String, createDirectories: Bool = true,
        sync: Bool = true
    ) throws {
        if createDirectories {
            let directory = (target as NSString).deletingLastPathComponent
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw OutputError.cannotCreateDirectory(path: (shownPath as NSString).deletingLastPathComponent)
            }
        }
        let fd = open(target, O_WRONLY | O_CREAT | O_TRUNC, mode_t(mode))
        guard fd >= 0 else {
            throw OutputError.cannotWrite(path: shownPath, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        fchmod(fd, mode_t(mode))
        var offset = 0
        try bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            while offset < raw.count {
                let n = Foundation.write(fd, base + offset, raw.count - offset)
                if n <= 0 {
                    throw OutputError.cannotWrite(path: shownPath, reason: String(cString: strerror(errno)))
                }
                offset += n
            }
        }
        if sync { fsync(fd) }
    }
}
