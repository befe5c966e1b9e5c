/// File system paths as plain strings, joined and split by pure functions (no `NSString`, no `URL`).
///
/// Paths are POSIX paths: components separated by `/`, absolute when they start with `/`. The functions work on
/// the text alone and never look at the file system, so `..` is kept as written: `a/..` is not `.` when `a` is a
/// symbolic link to another directory. A path is taken as the user wrote it; `normalized` only removes what can
/// never change its meaning (repeated and trailing slashes, `.` components).
enum Path {
    /// True when `path` starts at the root.
    static func isAbsolute(_ path: String) -> Bool { path.utf8.first == UInt8(ascii: "/") }

    /// The components of `path` other than empty ones and `.`: `"./a//b/"` gives `["a", "b"]`, `"/"` gives `[]`.
    static func components(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }.map(String.init)
    }

    /// `path` without repeated slashes, trailing slashes and `.` components; `..` is kept.
    ///
    /// `"./"` and `""` give `"."`, `"a/b/"` gives `"a/b"`, `"a//b"` gives `"a/b"`, `"/abs/x/"` gives `"/abs/x"`,
    /// `"//"` gives `"/"`, `".."` stays `".."`.
    static func normalized(_ path: String) -> String {
        let parts = components(path)
        if isAbsolute(path) { return "/" + parts.joined(separator: "/") }
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// `relative` under `base`: `join("out", "forms/a.csv")` is `"out/forms/a.csv"`.
    ///
    /// An absolute `relative` is returned as it is; an empty side gives the other one; `join(".", "a")` is `"./a"`
    /// (the result is normalized only as far as needed not to double a slash).
    static func join(_ base: String, _ relative: String) -> String {
        if base.isEmpty || isAbsolute(relative) { return relative }
        if relative.isEmpty { return base }
        return base.hasSuffix("/") ? base + relative : base + "/" + relative
    }

    /// The directory that holds `path`, by the text: `"a/b"` gives `"a"`, `"m"` gives `"."`, `"/x"` gives `"/"`,
    /// `"/"` gives `"/"`; `"."` gives `".."` and `".."` gives `"../.."`, since `..` is not resolved.
    static func parent(_ path: String) -> String {
        let normal = normalized(path)
        if normal == "/" { return "/" }
        if normal == "." { return ".." }
        if lastComponent(normal) == ".." { return normal + "/.." }
        var parts = components(normal)
        parts.removeLast()
        if isAbsolute(normal) { return "/" + parts.joined(separator: "/") }
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// The last component of `path`: `"a/b/"` gives `"b"`, `"m"` gives `"m"`, `"."`, `"./"` and `""` give `"."`,
    /// `".."` gives `".."`, `"/"` gives `"/"`.
    static func lastComponent(_ path: String) -> String {
        let normal = normalized(path)
        if normal == "/" || normal == "." { return normal }
        return components(normal).last ?? normal
    }

    /// True when `relative` is a relative path that stays inside the directory it is relative to: not empty, not
    /// absolute and without `..` components (a manifest line that is not could name a file elsewhere).
    static func staysInside(_ relative: String) -> Bool {
        !relative.isEmpty && !isAbsolute(relative) && !components(relative).contains("..")
            && !components(relative).isEmpty
    }
}
