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

/// Advice to the kernel about how a mapped range will be read (`madvise`), by name.
enum MemoryAdvice {
    /// `MADV_SEQUENTIAL`: read ahead aggressively, drop pages soon after they are read.
    case sequential
    /// `MADV_DONTNEED`: this process is done with the pages (a private read-only mapping re-reads them from the
    /// page cache if touched again).
    case dontNeed
    /// Linux's `MADV_POPULATE_READ` (kernel 5.14): map the pages now, in one call, instead of one fault per few
    /// pages as they are first read.
    case populateRead

    /// The advice's number on this system; nil where it has none (the advice is then not given).
    var rawValue: Int32? {
        switch self {
        case .sequential: return Int32(MADV_SEQUENTIAL)
        case .dontNeed: return Int32(MADV_DONTNEED)
        case .populateRead:
            #if os(Linux)
                // Written out: C libraries older than glibc 2.35 do not define it. An older kernel rejects it
                // (EINVAL) and the pages are faulted in as they are read.
                return 22
            #else
                return nil
            #endif
        }
    }
}

/// Memory maps of files and the machine's memory figures: `mmap`, `munmap`, `madvise`, `sysconf`.
enum MemoryMapping {
    /// The size of a memory page in bytes (`sysconf(_SC_PAGESIZE)`).
    static let pageSize: Int = max(4096, Int(sysconf(Int32(_SC_PAGESIZE))))

    /// The machine's physical memory in bytes (`sysconf(_SC_PHYS_PAGES)` pages); `Int.max` when unknown.
    static let physicalMemory: Int = {
        let pages = Int(sysconf(Int32(_SC_PHYS_PAGES)))
        guard pages > 0 else { return Int.max }
        let (bytes, overflow) = pages.multipliedReportingOverflow(by: pageSize)
        return overflow ? Int.max : bytes
    }()

    /// Maps the first `count` bytes of the open file `file` read-only and private (`mmap`); `count` must be > 0.
    static func mapReadOnly(_ file: FileDescriptor, count: Int) throws(PlatformError) -> UnsafeRawPointer {
        let failed = UnsafeMutableRawPointer(bitPattern: -1)
        guard let address = mmap(nil, count, PROT_READ, MAP_PRIVATE, file.rawValue, 0), address != failed else {
            throw lastSystemError("mmap", path: file.path)
        }
        return UnsafeRawPointer(address)
    }

    /// `count` bytes of zeroed memory of their own (an anonymous private map, `count` > 0), given back to the
    /// system whole by `unmap`, whatever the C library's allocator would have kept: for large buffers allocated and
    /// freed in turn. Nil when the system refuses, or the portable paths are forced (`PlatformFallbacks`).
    static func mapAnonymous(count: Int) -> UnsafeMutableRawPointer? {
        guard !PlatformFallbacks.areForced else { return nil }
        let failed = UnsafeMutableRawPointer(bitPattern: -1)
        guard let address = mmap(nil, count, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
            address != failed
        else { return nil }
        return address
    }

    /// Removes a map made by `mapReadOnly` or `mapAnonymous` (`munmap`). It fails only for a range that was never mapped, which would
    /// be a bug here, so its result is not looked at.
    static func unmap(_ base: UnsafeRawPointer, count: Int) {
        _ = munmap(UnsafeMutableRawPointer(mutating: base), count)
    }

    /// Gives `advice` for the `count` bytes at `base` (`madvise`; `base` page-aligned). Best effort: returns false
    /// when the system has no such advice or rejects it, which changes speed, never results.
    @discardableResult
    static func advise(_ base: UnsafeRawPointer, count: Int, _ advice: MemoryAdvice) -> Bool {
        guard let value = advice.rawValue, count > 0 else { return false }
        return madvise(UnsafeMutableRawPointer(mutating: base), count, value) == 0
    }
}
