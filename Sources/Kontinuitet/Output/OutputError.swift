/// Errors of the output layer: each names the path it is about.
package enum OutputError: Error, CustomStringConvertible {
    case cannotCreateDirectory(path: String)
    case cannotWrite(path: String, reason: String)
    /// The output directory named (`--out`) exists and is a file, not a directory.
    case notADirectory(path: String)
    /// Shareable outputs would carry personal data; nothing was written.
    case disclosure([DisclosureCheck.Finding])

    package var description: String {
        switch self {
        case .disclosure(let findings):
            let shown = findings.prefix(10).map { "  \($0)" }.joined(separator: "\n")
            let more = findings.count > 10 ? "\n  … and \(findings.count - 10) more" : ""
            return "refusing to write outputs meant for sharing that look like they hold personal data "
                + "(previous results are left as they were):\n\(shown)\(more)"
        case .cannotCreateDirectory(let path): return "\(path): cannot create the output directory"
        case .cannotWrite(let path, let reason): return "\(path): cannot write (\(reason))"
        case .notADirectory(let path):
            return "\(path): the output directory is an existing file, not a directory; name a directory "
                + "(it is created if it does not exist)"
        }
    }
}
