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

/// Errors of the platform layer: a system call that failed, with the call, the path it was given and the error
/// number.
///
/// The layers above turn these into their own errors (`InputError.unreadable`, `OutputError.cannotWrite`) with
/// `reason` as the explanation; no case carries a byte of a file.
enum PlatformError: Error, CustomStringConvertible, Equatable {
    /// `call` on `path` failed with the error number `code` (an `errno` value).
    case systemCall(String, path: String, code: Int32)
    /// A stream (pipe, FIFO, terminal) at `path` held more than `limit` bytes, this machine's memory, and was
    /// not read to its end.
    case streamTooLarge(path: String, limit: Int)

    /// The error number of a failed call; nil for `streamTooLarge`.
    var code: Int32? {
        switch self {
        case .systemCall(_, _, let code): return code
        case .streamTooLarge: return nil
        }
    }

    /// The path the failed call was given.
    var path: String {
        switch self {
        case .systemCall(_, let path, _), .streamTooLarge(let path, _): return path
        }
    }

    /// What went wrong, in the system's words ("No such file or directory") or ours.
    var reason: String {
        switch self {
        case .systemCall(_, _, let code): return Self.text(ofErrorNumber: code)
        case .streamTooLarge(_, let limit):
            return "it is a stream larger than this machine's memory (\(limit / 1_048_576) MiB) and cannot be "
                + "mapped; save it to a file first"
        }
    }

    var description: String {
        switch self {
        case .systemCall(let call, let path, _): return "\(path): \(call) failed: \(reason)"
        case .streamTooLarge(let path, _): return "\(path): \(reason)"
        }
    }

    /// True when the call failed because the path does not exist (or a component of it is not a directory).
    var isNotFound: Bool { code == ENOENT || code == ENOTDIR }

    /// `strerror`'s text for `code`.
    static func text(ofErrorNumber code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}

/// The error numbers the layers above look at, by name.
enum ErrorNumber {
    static let notFound = ENOENT
    static let exists = EEXIST
    static let crossDevice = EXDEV
    static let notSupported = ENOTSUP
    static let notEmpty = ENOTEMPTY
    static let isDirectory = EISDIR
    static let invalidArgument = EINVAL
}

/// Runs the system call `body` and returns its result, retrying it while it fails with `EINTR` (a signal arrived
/// before it did anything): the one place where an interrupted call is retried.
///
/// - Throws: `PlatformError.systemCall(call, path:, code: errno)` when `body` returns -1 for another reason.
@inline(__always)
func systemCall<Result: BinaryInteger>(
    _ call: String, path: String, _ body: () -> Result
) throws(PlatformError) -> Result {
    while true {
        let result = body()
        guard result == -1 else { return result }
        let code = errno
        if code == EINTR { continue }
        throw PlatformError.systemCall(call, path: path, code: code)
    }
}

/// The `errno` of the call that just failed, as a `PlatformError` (for calls that do not return -1: `opendir`,
/// `mmap`).
func lastSystemError(_ call: String, path: String) -> PlatformError {
    PlatformError.systemCall(call, path: path, code: errno)
}
