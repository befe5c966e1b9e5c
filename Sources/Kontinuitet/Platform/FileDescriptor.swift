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

/// An open file descriptor and the path it was opened with (for messages): one thin wrapper per system call on
/// it. Every descriptor is opened close-on-exec. The owner closes it with `close()`, once.
struct FileDescriptor {
    /// The descriptor number.
    let rawValue: Int32
    /// The path it was opened with, as the user gave it; every error names it.
    let path: String

    /// How a file is opened.
    enum Access {
        /// Read only (`O_RDONLY`).
        case read
        /// A directory, read only, to sync it (`O_RDONLY | O_DIRECTORY`).
        case directory
        /// Write only, created with `mode` when missing, emptied when present (`O_WRONLY | O_CREAT | O_TRUNC`).
        case createOrTruncate(mode: UInt32)

        var flags: Int32 {
            switch self {
            case .read: return O_RDONLY | O_CLOEXEC
            case .directory: return O_RDONLY | O_DIRECTORY | O_CLOEXEC
            case .createOrTruncate: return O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC
            }
        }

        var mode: mode_t {
            if case .createOrTruncate(let mode) = self { return mode_t(mode) }
            return 0
        }
    }

    /// Standard input, named `shownPath` in messages.
    static func standardInput(shownPath: String) -> FileDescriptor {
        FileDescriptor(rawValue: STDIN_FILENO, path: shownPath)
    }

    /// `open(2)`. Opening a FIFO for reading waits until a writer opens it, as `cat` does.
    static func open(_ path: String, _ access: Access) throws(PlatformError) -> FileDescriptor {
        let flags = access.flags
        let mode = access.mode
        let fd = try systemCall("open", path: path) { cOpen(path, flags, mode) }
        return FileDescriptor(rawValue: fd, path: path)
    }

    /// `read(2)` into `buffer`; returns the number of bytes read, 0 at the end of the file.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(PlatformError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        return try systemCall("read", path: path) { cRead(rawValue, base, buffer.count) }
    }

    /// `write(2)` of `bytes`; returns the number of bytes written, which may be fewer than asked.
    func write(_ bytes: UnsafeRawBufferPointer) throws(PlatformError) -> Int {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
        return try systemCall("write", path: path) { cWrite(rawValue, base, bytes.count) }
    }

    /// Writes every byte of `bytes`, continuing after short writes.
    func writeAll(_ bytes: UnsafeRawBufferPointer) throws(PlatformError) {
        var offset = 0
        while offset < bytes.count {
            let written = try write(UnsafeRawBufferPointer(rebasing: bytes[offset...]))
            guard written > 0 else { throw PlatformError.systemCall("write", path: path, code: EIO) }
            offset += written
        }
    }

    /// `close(2)`, with its error reported: on a network or full file system a failed write may show only here.
    ///
    /// Not retried on `EINTR`: Linux releases the descriptor before it reports that, and a retry could close a
    /// descriptor another thread has just opened; the call is taken as done.
    func close() throws(PlatformError) {
        if cClose(rawValue) == -1 && errno != EINTR { throw lastSystemError("close", path: path) }
    }

    /// `fstat(2)`.
    func status() throws(PlatformError) -> FileStatus {
        var info = stat()
        _ = try systemCall("fstat", path: path) { fstat(rawValue, &info) }
        return FileStatus(info)
    }

    /// `fsync(2)`: the file's data and metadata are on the disk when it returns.
    func synchronize() throws(PlatformError) {
        _ = try systemCall("fsync", path: path) { fsync(rawValue) }
    }

    /// Linux's `syncfs(2)`: every file of the file system that holds this descriptor's file is on the disk when it
    /// returns (one wait for many files). Returns false, having done nothing, where it is not available (not Linux,
    /// a C library without it, `KONTINUITET_PLATFORM_FALLBACKS=1`); the caller then syncs file by file.
    func synchronizeFileSystem() throws(PlatformError) -> Bool {
        guard !PlatformFallbacks.areForced, let syncfs = LinuxExtensions.syncfs else { return false }
        _ = try systemCall("syncfs", path: path) { syncfs(rawValue) }
        return true
    }

    /// `fchmod(2)`: sets the permission bits (which `open`'s mode, narrowed by the umask, may not have given).
    func setPermissions(_ mode: UInt32) throws(PlatformError) {
        _ = try systemCall("fchmod", path: path) { fchmod(rawValue, mode_t(mode)) }
    }

    /// A new file in `directory` for this process alone, opened for reading and writing: made by `mkstemp(3)`
    /// (mode 0600) and removed from the directory at once, so that no other process can open it and it goes when
    /// it is closed or the process ends, however it ends. `path` names the directory.
    static func anonymousScratch(in directory: String) throws(PlatformError) -> FileDescriptor {
        var template = Array((directory.hasSuffix("/") ? directory : directory + "/").utf8CString.dropLast())
        template += Array("kontinuitet-scratch-XXXXXX".utf8CString)
        let fd = try template.withUnsafeMutableBufferPointer { buffer throws(PlatformError) -> Int32 in
            guard let base = buffer.baseAddress else {
                throw PlatformError.systemCall("mkstemp", path: directory, code: EINVAL)
            }
            let fd = try systemCall("mkstemp", path: directory) { mkstemp(base) }
            _ = unlink(base)
            return fd
        }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return FileDescriptor(rawValue: fd, path: directory)
    }

    /// `pwrite(2)` of every byte of `bytes` at `offset`, continuing after short writes.
    func writeAll(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(PlatformError) {
        guard let start = bytes.baseAddress else { return }
        try transferAll("pwrite", count: bytes.count) { done in
            pwrite(rawValue, start + done, bytes.count - done, off_t(offset + done))
        }
    }

    /// `pread(2)` of exactly `buffer.count` bytes at `offset`.
    func readAll(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(PlatformError) {
        guard let start = buffer.baseAddress else { return }
        try transferAll("pread", count: buffer.count) { done in
            pread(rawValue, start + done, buffer.count - done, off_t(offset + done))
        }
    }

    /// Calls `transfer` (`call` of the bytes from the given count on) until `count` bytes are done; a transfer
    /// of none (the end of the file, for a read) is an error.
    private func transferAll(_ call: String, count: Int, _ transfer: (Int) -> Int) throws(PlatformError) {
        var done = 0
        while done < count {
            let moved = try systemCall(call, path: path) { transfer(done) }
            guard moved > 0 else { throw PlatformError.systemCall(call, path: path, code: EIO) }
            done += moved
        }
    }
}

// The C calls under names that the methods of `FileDescriptor`, which would shadow them there, do not take.
private func cOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { open(path, flags, mode) }
private func cRead(_ fd: Int32, _ base: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, base, count) }
private func cWrite(_ fd: Int32, _ base: UnsafeRawPointer, _ count: Int) -> Int { write(fd, base, count) }
private func cClose(_ fd: Int32) -> Int32 { close(fd) }

/// Linux calls that the C library has but its Swift module does not declare (glibc declares them only with
/// `_GNU_SOURCE`): looked up once by name in the running process. nil where the library lacks them (a glibc
/// before 2.28 for `renameat2`, a static binary), and on other systems.
enum LinuxExtensions {
    typealias SyncFS = @convention(c) (Int32) -> Int32
    typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32

    /// `syncfs(int fd)`.
    static let syncfs: SyncFS? = symbol("syncfs", as: SyncFS.self)

    /// `renameat2(olddirfd, oldpath, newdirfd, newpath, flags)`.
    static let renameat2: RenameAt2? = symbol("renameat2", as: RenameAt2.self)

    /// `RENAME_EXCHANGE` of `<linux/fs.h>`: swap the two names atomically.
    static let renameExchange: UInt32 = 1 << 1

    private static func symbol<Function>(_ name: String, as type: Function.Type) -> Function? {
        #if os(Linux)
            guard let handle = dlopen(nil, RTLD_NOW), let address = dlsym(handle, name) else { return nil }
            return unsafeBitCast(address, to: type)
        #else
            return nil
        #endif
    }
}
