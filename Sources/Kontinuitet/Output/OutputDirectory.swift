import Foundation

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

/// An output directory whose files appear all at once.
///
/// Each file is first written to a hidden temporary name in the same directory (so a rename cannot cross file
/// systems); `commit()` renames them all into place only after every file has been written. A run killed before
/// then leaves the previous results whole and at most some `.kontinuitet-tmp-*` files behind, which the next run
/// removes.
public final class OutputDirectory {
    public let path: String
    private var staged: [(temporary: String, final: String)] = []
    private let token = "\(getpid())"

    /// Creates the directory (and parents) if needed and clears temporaries left by a killed run.
    public init(path: String) throws {
        self.path = path
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw OutputError.cannotCreateDirectory(path: path)
        }
        removeStaleTemporaries(in: path)
    }

    /// Stages a file at `relativePath` (sub-directories are created) with permission bits `mode`.
    public func write(_ relativePath: String, _ bytes: [UInt8], mode: Int = 0o644) throws {
        let final = (path as NSString).appendingPathComponent(relativePath)
        let directory = (final as NSString).deletingLastPathComponent
        let name = (final as NSString).lastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw OutputError.cannotCreateDirectory(path: directory)
        }
        removeStaleTemporaries(in: directory)
        let temporary = (directory as NSString).appendingPathComponent(".kontinuitet-tmp-\(token)-\(name)")
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, mode_t(mode))
        guard fd >= 0 else { throw OutputError.cannotWrite(path: final, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        fchmod(fd, mode_t(mode))
        var written = 0
        try bytes.withUnsafeBytes { raw in
            while written < raw.count {
                guard let base = raw.baseAddress else { break }
                let n = Foundation.write(fd, base + written, raw.count - written)
                if n <= 0 {
                    throw OutputError.cannotWrite(path: final, reason: String(cString: strerror(errno)))
                }
                written += n
            }
        }
        fsync(fd)
        staged.append((temporary, final))
    }

    /// Stages a text file.
    public func write(_ relativePath: String, text: String, mode: Int = 0o644) throws {
        try write(relativePath, Array(text.utf8), mode: mode)
    }

    /// Renames every staged file into place.
    public func commit() throws {
        for (temporary, final) in staged where rename(temporary, final) != 0 {
            throw OutputError.cannotWrite(path: final, reason: String(cString: strerror(errno)))
        }
        staged = []
    }

    private var cleaned: Set<String> = []

    private func removeStaleTemporaries(in directory: String) {
        guard !cleaned.contains(directory) else { return }
        cleaned.insert(directory)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names where name.hasPrefix(".kontinuitet-tmp-") {
            try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(name))
        }
    }

    deinit {
        for (temporary, _) in staged { unlink(temporary) }
    }
}
