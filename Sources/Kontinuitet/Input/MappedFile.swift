import Foundation

/// A read-only memory map of a whole file, or an owned copy of bytes already in memory.
///
/// Scanning releases the pages it has finished with (`release(upTo:)`), so the resident memory of a run stays a
/// few megabytes per worker however large the file is; the pages stay in the kernel's page cache.
final class MappedFile: @unchecked Sendable {
    let base: UnsafePointer<UInt8>?
    let count: Int
    private let isMapped: Bool
    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Maps the file at `path`; throws `InputError.unreadable` when it cannot be opened or mapped.
    init(path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw InputError.unreadable(file: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw InputError.unreadable(file: path, reason: String(cString: strerror(errno)))
        }
        count = Int(info.st_size)
        guard count > 0 else {
            base = nil
            isMapped = false
            return
        }
        guard let address = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0), address != MAP_FAILED else {
            throw InputError.unreadable(file: path, reason: "cannot map the file: \(String(cString: strerror(errno)))")
        }
        madvise(address, count, MADV_SEQUENTIAL)
        base = UnsafePointer(address.assumingMemoryBound(to: UInt8.self))
        isMapped = true
    }

    /// Owns a copy of `bytes`.
    init(bytes: [UInt8]) {
        count = bytes.count
        let copy = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, bytes.count))
        bytes.withUnsafeBufferPointer { source in
            if let from = source.baseAddress { copy.initialize(from: from, count: bytes.count) }
        }
        base = UnsafePointer(copy)
        isMapped = false
    }

    var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// Tells the kernel that the pages wholly inside `[from, to)` are no longer needed by this process.
    func release(from: Int, to: Int) {
        guard isMapped, let base else { return }
        let first = (from + Self.pageSize - 1) / Self.pageSize * Self.pageSize
        let last = to / Self.pageSize * Self.pageSize
        guard last > first else { return }
        madvise(UnsafeMutableRawPointer(mutating: base + first), last - first, MADV_DONTNEED)
    }

    /// Maps the pages of `[from, to)` into this process's memory in one call (`MADV_POPULATE_READ`), instead
    /// of one page fault per few pages as they are first read. Best effort: a kernel without it faults them in.
    func populate(from: Int, to: Int) {
        guard isMapped, let base, to > from else { return }
        let first = from / Self.pageSize * Self.pageSize
        let last = min(count, to)
        guard last > first else { return }
        madvise(UnsafeMutableRawPointer(mutating: base + first), last - first, Self.populateRead)
    }

    /// Linux's `MADV_POPULATE_READ` (kernel 5.14), written out because C libraries older than glibc 2.35 do not
    /// define it; an older kernel rejects the advice and the pages are faulted in as they are read.
    private static let populateRead: Int32 = 22

    deinit {
        guard let base else { return }
        if isMapped {
            munmap(UnsafeMutableRawPointer(mutating: base), count)
        } else {
            base.deallocate()
        }
    }
}
