/// Listing and removing directory trees with the platform layer's calls: `FileManager.removeItem` takes several
/// times longer for the hundred files of a city's outputs.
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
            for index in stride(from: half, to: all.count, by: 2) { try? FileSystem.removeFile(all[index]) }
        }
        // Deepest first: every directory comes after its parent in `directories`.
        for directory in directories.reversed() { try? FileSystem.removeDirectory(directory) }
    }

    /// Appends `path` to `files` or, for a directory (not a link to one), to `directories` followed by everything
    /// under it.
    private static func collect(_ path: String, files: inout [String], directories: inout [String]) {
        guard let status = try? FileSystem.status(path, followingLinks: false) else { return }
        guard status.kind == .directory else {
            files.append(path)
            return
        }
        directories.append(path)
        for entry in (try? FileSystem.entries(ofDirectory: path)) ?? [] {
            collect(Path.join(path, entry.name), files: &files, directories: &directories)
        }
    }

    /// What lies under the directory `root`, as paths relative to it, sorted: the directories (each after the one
    /// that holds it) and everything else (files, symbolic links, which are not followed). A path for which
    /// `skipping` is true is left out with everything under it.
    static func list(
        _ root: String, skipping: (String) -> Bool = { _ in false }
    ) -> (files: [String], directories: [String]) {
        var files: [String] = []
        var directories: [String] = []
        var pending = [""]
        while let relative = pending.popLast() {
            let full = relative.isEmpty ? root : Path.join(root, relative)
            for entry in (try? FileSystem.entries(ofDirectory: full)) ?? [] {
                let child = relative.isEmpty ? entry.name : Path.join(relative, entry.name)
                if skipping(child) { continue }
                let kind = entry.kind ?? (try? FileSystem.status(Path.join(root, child), followingLinks: false))?.kind
                if kind == .directory {
                    directories.append(child)
                    pending.append(child)
                } else {
                    files.append(child)
                }
            }
        }
        return (files.sorted(), directories.sorted())
    }
}
