/// The bytes of one input file: a read-only memory map of a regular file, or the bytes of a stream (standard
/// input, a pipe, a FIFO, `/dev/stdin`, a `/dev/fd/N` of `<(zcat …)`, a terminal) read to its end.
///
/// Scanning releases the pages it has finished with (`release(from:to:)`), so the resident memory of a run stays a
/// few megabytes per worker however large a mapped file is; the pages stay in the kernel's page cache.
///
/// A mapped file that shrinks while it is read would raise `SIGBUS` at the first page past its new end; the map is
/// registered with `MappedRegions`, so the process then says which file changed and exits with status 2 instead of
/// crashing. With `KONTINUITET_PLATFORM_FALLBACKS=1` regular files are read into memory, not mapped.
final class MappedFile: @unchecked Sendable {
    let base: UnsafePointer<UInt8>?
    let count: Int
    private let storage: Storage

    /// Where the bytes live, which says how they are given back.
    private enum Storage {
        case none
        /// A map of `count` bytes, guarded by slot `region` of `MappedRegions` (nil when the table was full).
        case mapped(region: Int?)
        case heap(HeapBytes)
    }

    /// The bytes of `path` as the user named it; `-` is standard input.
    ///
    /// - Throws: `InputError.fileNotFound` when nothing is at `path`; `InputError.unreadable` for a directory, a
    ///   block device, a socket, or a file that cannot be opened, read or mapped.
    init(path: String) throws {
        let file: FileDescriptor
        if path == "-" {
            file = FileDescriptor.standardInput(shownPath: path)
        } else {
            try Self.refuseUnreadableKinds(path)
            do {
                file = try FileDescriptor.open(path, .read)
            } catch {
                throw Self.inputError(error, path: path)
            }
        }
        defer { if path != "-" { try? file.close() } }
        do {
            let status = try file.status()
            if let reason = Self.refusal(of: status.kind) { throw InputError.unreadable(file: path, reason: reason) }
            guard status.kind == .regular else {
                (base, count, storage) = try Self.read(file, sizeHint: 0)
                return
            }
            guard status.size > 0 else {
                (base, count, storage) = (nil, 0, .none)
                return
            }
            guard !PlatformFallbacks.areForced else {
                (base, count, storage) = try Self.read(file, sizeHint: status.size)
                return
            }
            let address = try MemoryMapping.mapReadOnly(file, count: status.size)
            let region = MappedRegions.register(start: address, count: status.size, message: Self.shrankMessage(path))
            guard region != nil else {
                // Every guard slot is taken (a thousand files open at once): read this one instead.
                MemoryMapping.unmap(address, count: status.size)
                (base, count, storage) = try Self.read(file, sizeHint: status.size)
                return
            }
            MemoryMapping.advise(address, count: status.size, .sequential)
            (base, count, storage) = (address.assumingMemoryBound(to: UInt8.self), status.size, .mapped(region: region))
            Self.pauseForTests()
        } catch let error as PlatformError {
            throw Self.inputError(error, path: path)
        }
    }

    /// Owns a copy of `bytes`.
    init(bytes: [UInt8]) {
        let heap = bytes.withUnsafeBytes { raw in HeapBytes(copying: raw) }
        base = UnsafePointer(heap.base)
        count = heap.count
        storage = .heap(heap)
    }

    var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// Tells the kernel that the pages wholly inside `[from, to)` are no longer needed by this process.
    func release(from: Int, to: Int) {
        guard case .mapped = storage, let base else { return }
        let pageSize = MemoryMapping.pageSize
        let first = (from + pageSize - 1) / pageSize * pageSize
        let last = to / pageSize * pageSize
        guard last > first else { return }
        MemoryMapping.advise(base + first, count: last - first, .dontNeed)
    }

    /// Maps the pages of `[from, to)` into this process's memory in one call (`MADV_POPULATE_READ`), instead
    /// of one page fault per few pages as they are first read. Best effort: a kernel without it faults them in.
    func populate(from: Int, to: Int) {
        guard case .mapped = storage, let base, to > from else { return }
        let pageSize = MemoryMapping.pageSize
        let first = from / pageSize * pageSize
        let last = min(count, to)
        guard last > first else { return }
        MemoryMapping.advise(base + first, count: last - first, .populateRead)
    }

    deinit {
        guard case .mapped(let region) = storage, let base else { return }
        if let region { MappedRegions.withdraw(region) }
        MemoryMapping.unmap(base, count: count)
    }

    /// Reads `file` to its end into memory.
    private static func read(
        _ file: FileDescriptor, sizeHint: Int
    ) throws(PlatformError) -> (UnsafePointer<UInt8>?, Int, Storage) {
        let heap = try HeapBytes.readToEnd(file, sizeHint: sizeHint)
        return heap.count == 0 ? (nil, 0, .none) : (UnsafePointer(heap.base), heap.count, .heap(heap))
    }

    /// Throws for what `path` names when it is no file to read, before opening it (opening a socket fails with a
    /// less helpful error, and a FIFO's open waits for a writer, which is wanted only for a FIFO).
    private static func refuseUnreadableKinds(_ path: String) throws {
        let status: FileStatus?
        do {
            status = try FileSystem.statusIfPresent(path)
        } catch {
            throw inputError(error, path: path)
        }
        guard let status else { throw InputError.fileNotFound(file: path) }
        if let reason = refusal(of: status.kind) { throw InputError.unreadable(file: path, reason: reason) }
    }

    /// Why a file system object of `kind` is not read, or nil when it is (a regular file, a FIFO or pipe, a
    /// character device such as a terminal or `/dev/null`, read as a stream).
    private static func refusal(of kind: FileKind) -> String? {
        switch kind {
        case .regular, .fifo, .characterDevice: return nil
        case .directory: return "it is a directory"
        case .blockDevice: return "it is a block device, a disk or partition, not a file"
        case .socket: return "it is a socket, not a file"
        case .symbolicLink, .unknown: return "it is not a regular file, a pipe or a device"
        }
    }

    private static func inputError(_ error: PlatformError, path: String) -> InputError {
        error.isNotFound ? .fileNotFound(file: path) : .unreadable(file: path, reason: error.reason)
    }

    /// What the process prints when the mapped file at `path` shrinks while it is read.
    private static func shrankMessage(_ path: String) -> String {
        "kontinuitet: \(path): the file changed while it was being read (it is shorter than when it was opened); "
            + "run again when it is complete\n"
    }

    /// The test hook `KONTINUITET_TEST_PAUSE_AFTER_MAP=FIFO`: after mapping a file, wait until the test has
    /// opened the FIFO at that path for writing and closed it again, so that the test can change the file at a
    /// known moment. Not set in normal runs.
    private static func pauseForTests() {
        guard let fifo = Environment.value("KONTINUITET_TEST_PAUSE_AFTER_MAP"), !fifo.isEmpty,
            let pause = try? FileDescriptor.open(fifo, .read)
        else { return }
        _ = try? HeapBytes.readToEnd(pause)
        try? pause.close()
    }
}
