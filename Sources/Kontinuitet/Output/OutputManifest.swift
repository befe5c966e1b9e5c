/// The list of files the tool wrote into an output directory: a hidden file `.kontinuitet-files` in it, one path
/// relative to the directory per line, sorted. It holds file names only.
///
/// A run removes a file of an earlier run only when the file is in the previous manifest, is one of the command's
/// outputs (`commit(replacing:)`), and was not written again: a file the user put there, even under `forms/`, is
/// never in the manifest and so never removed. A directory without a manifest (written by an older version), or
/// with one that is not a regular file, loses nothing.
enum OutputManifest {
    /// The manifest's name in the output directory.
    static let fileName = ".kontinuitet-files"

    /// The relative paths listed in the manifest of `directory`; empty when there is none or it cannot be read.
    /// Lines that are not relative paths inside the directory (absolute, with `..`) are ignored, so a damaged
    /// manifest cannot make a run remove a file elsewhere.
    static func read(in directory: String) -> Set<String> {
        let path = Path.join(directory, fileName)
        // Only a regular file: a FIFO put there would hold the run forever.
        guard (try? FileSystem.status(path, followingLinks: false))?.kind == .regular,
            let bytes = try? HeapBytes.contents(ofFile: path)
        else { return [] }
        var paths: Set<String> = []
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            let path = String(decoding: line, as: UTF8.self)
            if Path.staysInside(path) && path != fileName { paths.insert(path) }
        }
        return paths
    }

    /// The manifest's bytes for `paths`: sorted, one per line; a path with a line break cannot be listed and is
    /// left out (it is then kept by later runs, never removed).
    static func bytes(_ paths: Set<String>) -> [UInt8] {
        Array(paths.filter { !$0.contains("\n") && !$0.contains("\r") }.sorted().map { $0 + "\n" }.joined().utf8)
    }
}
