/// Single files written so that they appear whole or not at all.
package enum AtomicFile {
    /// Writes `bytes` to a temporary name beside `path`, syncs it and renames it into place. The directory must
    /// exist.
    package static func write(_ path: String, _ bytes: [UInt8], mode: Int = 0o644) throws {
        let temporary = temporaryName(for: path)
        try writeFully(temporary, bytes, mode: mode, shownPath: path, createDirectories: false)
        do {
            try FileSystem.rename(temporary, to: path)
        } catch {
            try? FileSystem.removeFile(temporary)
            throw OutputError.cannotWrite(path: path, reason: error.reason)
        }
    }

    /// Creates (or truncates) `target` with `mode`, writes every byte and (with `sync`) syncs it; parents are
    /// created when `createDirectories`. Errors of `fsync` and `close` are reported, not dropped.
    static func writeFully(
        _ target: String, _ bytes: [UInt8], mode: Int, shownPath: String, createDirectories: Bool = true,
        sync: Bool = true
    ) throws {
        if createDirectories {
            do {
                try FileSystem.makeDirectories(Path.parent(target), mode: 0o777)
            } catch {
                throw OutputError.cannotCreateDirectory(path: Path.parent(shownPath))
            }
        }
        let written = bytes.withUnsafeBytes { raw in
            Result { () throws(PlatformError) in try writeFully(target, raw, mode: UInt32(mode), sync: sync) }
        }
        if case .failure(let error) = written {
            throw OutputError.cannotWrite(path: shownPath, reason: error.reason)
        }
    }

    /// Copies the file at `source` to a temporary name beside `target`, with the same permission bits, syncs it
    /// and renames it into place.
    static func copy(_ source: String, to target: String) throws(PlatformError) {
        let permissions = try FileSystem.status(source).permissions
        let bytes = try HeapBytes.readFile(source)
        let temporary = temporaryName(for: target)
        do throws(PlatformError) {
            try withExtendedLifetime(bytes) { () throws(PlatformError) in
                try writeFully(temporary, UnsafeRawBufferPointer(bytes.buffer), mode: permissions, sync: true)
            }
            try FileSystem.rename(temporary, to: target)
        } catch {
            try? FileSystem.removeFile(temporary)
            throw error
        }
    }

    /// Opens `target` (created or truncated, `mode` set whatever the umask), writes `bytes`, syncs when `sync`, and
    /// closes it.
    private static func writeFully(
        _ target: String, _ bytes: UnsafeRawBufferPointer, mode: UInt32, sync: Bool
    ) throws(PlatformError) {
        let file = try FileDescriptor.open(target, .createOrTruncate(mode: mode))
        do {
            try file.setPermissions(mode)
            try file.writeAll(bytes)
            if sync { try file.synchronize() }
        } catch {
            try? file.close()
            throw error
        }
        try file.close()
    }

    /// A hidden name beside `path` that no other process uses.
    private static func temporaryName(for path: String) -> String {
        Path.join(Path.parent(path), ".\(Path.lastComponent(path)).kontinuitet-tmp-\(FileSystem.processID)")
    }
}
