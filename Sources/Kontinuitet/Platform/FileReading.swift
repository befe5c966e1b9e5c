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

/// Bytes in memory from `malloc`, grown with `realloc` (which moves a large block's pages, not its bytes), freed
/// with the object.
final class HeapBytes {
    /// The bytes; nil when there are none.
    private(set) var base: UnsafeMutablePointer<UInt8>?
    /// The number of bytes held.
    private(set) var count = 0
    private var capacity = 0

    /// An empty buffer.
    init() {}

    /// A copy of `bytes`; traps when there is no memory for it, as an array would.
    init(copying bytes: UnsafeRawBufferPointer) {
        guard (try? reserve(bytes.count, path: "")) != nil else { fatalError("no memory for \(bytes.count) bytes") }
        if let source = bytes.baseAddress, let base, bytes.count > 0 {
            UnsafeMutableRawPointer(base).copyMemory(from: source, byteCount: bytes.count)
        }
        count = bytes.count
    }

    /// Makes room for at least `wanted` bytes in all.
    private func reserve(_ wanted: Int, path: String) throws(PlatformError) {
        guard wanted > capacity || base == nil else { return }
        let size = max(wanted, 1)
        guard let grown = realloc(base, size) else {
            throw PlatformError.systemCall("realloc", path: path, code: ENOMEM)
        }
        base = grown.assumingMemoryBound(to: UInt8.self)
        capacity = size
    }

    /// Reads `file` from where it stands to its end, however it delivers its bytes (a pipe a few KiB at a time).
    ///
    /// - Parameters:
    ///   - sizeHint: the expected size (a regular file's), to read it into one block; 0 when unknown.
    ///   - limit: the most bytes to hold; a stream with more throws `PlatformError.streamTooLarge`.
    static func readToEnd(
        _ file: FileDescriptor, sizeHint: Int = 0, limit: Int = MemoryMapping.physicalMemory
    ) throws(PlatformError) -> HeapBytes {
        let bytes = HeapBytes()
        try bytes.reserve(sizeHint > 0 ? sizeHint + 1 : 1 << 16, path: file.path)
        while true {
            if bytes.count == bytes.capacity {
                guard bytes.capacity < limit else { throw PlatformError.streamTooLarge(path: file.path, limit: limit) }
                try bytes.reserve(min(limit, bytes.capacity * 2), path: file.path)
            }
            guard let base = bytes.base else { return bytes }
            let free = UnsafeMutableRawBufferPointer(start: base + bytes.count, count: bytes.capacity - bytes.count)
            let read = try file.read(into: free)
            if read == 0 { return bytes }
            bytes.count += read
        }
    }

    /// The whole file at `path`, read into memory.
    static func readFile(_ path: String) throws(PlatformError) -> HeapBytes {
        let file = try FileDescriptor.open(path, .read)
        let bytes: HeapBytes
        do {
            bytes = try readToEnd(file)
        } catch {
            try? file.close()
            throw error
        }
        try file.close()
        return bytes
    }

    /// The whole file at `path` as an array, for small files the program reads itself (`/proc/cpuinfo`, which
    /// tells no size, and the output directory's manifest).
    static func contents(ofFile path: String) throws(PlatformError) -> [UInt8] {
        let bytes = try readFile(path)
        return withExtendedLifetime(bytes) { Array(bytes.buffer) }
    }

    /// The bytes held.
    var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    deinit { free(base) }
}
