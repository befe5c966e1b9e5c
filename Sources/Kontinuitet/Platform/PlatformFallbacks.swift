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

/// The switch that makes the platform layer take its portable paths where it has a faster platform-specific one,
/// so that CI can check on Linux that both give the same outputs.
///
/// With the environment variable `KONTINUITET_PLATFORM_FALLBACKS=1`: no `renameat2(RENAME_EXCHANGE)` (the output
/// directory's files are renamed into place one by one), no `syncfs` (one `fsync` per file), no `mmap` (input
/// files are read into memory, large buffers come from the allocator) and so no `madvise`. Read once, at first
/// use.
enum PlatformFallbacks {
    /// True when the portable fallbacks are forced.
    static let areForced: Bool = Environment.value("KONTINUITET_PLATFORM_FALLBACKS") == "1"
}

/// The process's environment variables.
enum Environment {
    /// The value of the environment variable `name`, nil when it is not set (`getenv`).
    static func value(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }
}
