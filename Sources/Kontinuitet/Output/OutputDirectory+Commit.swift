/// Putting the staged files in place: the swap of the whole directory, or file by file.
extension OutputDirectory {
    /// Puts every staged file in place, after every staged byte is on disk.
    ///
    /// - Parameter replaced: the relative paths of the command's own outputs: such a file that an earlier run
    ///   wrote (it is in the directory's manifest) and that this run did not write again is removed, not kept (a
    ///   form of a provider no longer in the input, a rolling file from an earlier `--rolling` run), so the
    ///   directory never mixes results of two runs. Every other file (the key, the analyst's own, a file the user
    ///   put under `forms/`) is kept.
    package func commit(replacing replaced: (String) -> Bool = { _ in false }) throws {
        let present = (try? FileSystem.statusIfPresent(path))?.kind == .directory
        let previous = present ? OutputManifest.read(in: path) : []
        let removed = previous.filter { replaced($0) && !written.contains($0) }
        let kept = previous.filter {
            !removed.contains($0) && !written.contains($0)
                && (try? FileSystem.statusIfPresent(Path.join(path, $0), followingLinks: false)) != nil
        }
        let manifest = OutputManifest.bytes(written.union(kept))
        try AtomicFile.writeFully(
            Path.join(staging, OutputManifest.fileName), manifest, mode: 0o644,
            shownPath: Path.join(path, OutputManifest.fileName), createDirectories: false, sync: false)
        try syncStaged()

        guard present else {
            // A new directory: the staging directory becomes it.
            try place { () throws(PlatformError) in
                try FileSystem.setPermissions(staging, newDirectoryMode)
                try FileSystem.rename(staging, to: path)
            }
            committed = true
            try syncDirectory(Path.parent(path))
            return
        }
        if mayExchange && !stagingIsInside, try exchangeWhole(keeping: removed) {
            committed = true
            return
        }
        try placeFileByFile(removing: removed, interimManifest: OutputManifest.bytes(previous.union(written)))
        committed = true
    }

    /// Links the files to keep into the staging directory and swaps it with the output directory; false, with
    /// nothing changed in the output directory, when the exchange is not available or fails.
    private func exchangeWhole(keeping removed: Set<String>) throws -> Bool {
        guard let status = try? FileSystem.status(path) else { return false }
        try carryOverUnwrittenFiles(except: removed)
        do {
            try FileSystem.setPermissions(staging, status.permissions)
            guard try FileSystem.exchange(staging, path) else {
                try FileSystem.setPermissions(staging, 0o700)
                return false
            }
        } catch {
            // The exchange failed (the file system has none, say): back to private, then file by file.
            try? FileSystem.setPermissions(staging, 0o700)
            return false
        }
        // `staging` now names the old directory.
        FileTree.remove(staging)
        try syncDirectory(Path.parent(path))
        return true
    }

    /// Renames the staged files into the output directory one by one, each atomically, then removes the outputs
    /// of earlier runs that were not written again (`removed`).
    ///
    /// The manifest goes in first listing the earlier and the new files (`interimManifest`), and last as it should
    /// be: a run killed halfway leaves a manifest that names every file the tool may have put there.
    private func placeFileByFile(removing removed: Set<String>, interimManifest: [UInt8]) throws {
        let manifestPath = Path.join(path, OutputManifest.fileName)
        try AtomicFile.write(manifestPath, interimManifest)
        for relative in written.sorted() {
            let target = Path.join(path, relative)
            try place { () throws(PlatformError) in
                try FileSystem.makeDirectories(Path.parent(target), mode: 0o777)
                try Self.move(Path.join(staging, relative), to: target)
            }
        }
        for relative in removed.sorted() {
            try? FileSystem.removeFile(Path.join(path, relative))
        }
        try place { () throws(PlatformError) in
            try Self.move(Path.join(staging, OutputManifest.fileName), to: manifestPath)
        }
        FileTree.remove(staging)
        try syncDirectory(path)
    }

    /// Renames `source` to `target`; across file systems (a mount point inside the way), copies it beside
    /// `target` and renames the copy, which is atomic too.
    private static func move(_ source: String, to target: String) throws(PlatformError) {
        do {
            try FileSystem.rename(source, to: target)
        } catch let error where error.code == ErrorNumber.crossDevice {
            try AtomicFile.copy(source, to: target)
        }
    }

    /// Hard-links (or copies) every file of the output directory that this run does not rewrite, and that is not
    /// an earlier output to remove (`removed`), into the staging directory, so the swap keeps them. Directories,
    /// empty ones too, are made again.
    private func carryOverUnwrittenFiles(except removed: Set<String>) throws {
        let listing = FileTree.list(path) { relative in
            // Stale staging directories and the old manifest are not kept.
            relative.hasPrefix(Self.insidePrefix) || relative == OutputManifest.fileName
        }
        for relative in listing.directories {
            try place { () throws(PlatformError) in
                try FileSystem.makeDirectories(Path.join(staging, relative), mode: 0o777)
            }
        }
        for relative in listing.files where !written.contains(relative) && !removed.contains(relative) {
            let source = Path.join(path, relative)
            let target = Path.join(staging, relative)
            do {
                try FileSystem.link(source, to: target)
            } catch {
                do {
                    try AtomicFile.copy(source, to: target)
                } catch {
                    let reason = "cannot keep the existing file: \(error.reason)"
                    throw OutputError.cannotWrite(path: source, reason: reason)
                }
            }
        }
    }

    /// Flushes the staged files to disk before they are put in place: the whole file system at once with Linux's
    /// `syncfs` (one wait instead of one `fsync` per file), else file by file.
    private func syncStaged() throws {
        try place { () throws(PlatformError) in
            let directory = try FileDescriptor.open(staging, .directory)
            do throws(PlatformError) {
                if try directory.synchronizeFileSystem() {
                    try directory.close()
                    return
                }
                for relative in written.sorted() + [OutputManifest.fileName] {
                    let file = try FileDescriptor.open(Path.join(staging, relative), .read)
                    do throws(PlatformError) {
                        try file.synchronize()
                    } catch {
                        try? file.close()
                        throw error
                    }
                    try file.close()
                }
                try directory.synchronize()
            } catch {
                try? directory.close()
                throw error
            }
            try directory.close()
        }
    }

    /// Syncs the entries of `directory` (the renames just made) to disk. A file system that cannot sync a
    /// directory (`EINVAL`) is no error.
    private func syncDirectory(_ directory: String) throws {
        try place { () throws(PlatformError) in
            let file = try FileDescriptor.open(directory, .directory)
            do throws(PlatformError) {
                try file.synchronize()
            } catch let error where error.code == ErrorNumber.invalidArgument {
                // Nothing to do.
            } catch {
                try? file.close()
                throw error
            }
            try file.close()
        }
    }

    /// Runs `body`, turning a platform error into `OutputError.cannotWrite` naming its path.
    private func place(_ body: () throws(PlatformError) -> Void) throws {
        do {
            try body()
        } catch {
            throw OutputError.cannotWrite(path: error.path, reason: error.reason)
        }
    }
}
