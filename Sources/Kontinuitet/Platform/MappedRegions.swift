import Foundation

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

/// The memory maps of input files, each with its message, for the `SIGBUS` handler to look a faulting address up
/// in: a file that shrinks while it is mapped makes the next read of a page past its new end raise `SIGBUS`.
///
/// A fixed table of `capacity` slots, allocated once and never freed, which the handler reads word by word without
/// a lock, a call or an allocation (async-signal-safe). Slots are filled and emptied under `lock`. A slot is
/// published by writing its `start` last and withdrawn by clearing `start` first, and the handler skips a slot
/// whose `start` is 0; the thread that faults in a region got the region's address only after its slot was
/// filled, so it always sees its own slot whole. (A slot of another file caught half-written is never the one
/// that holds the faulting address: maps do not overlap.) A message is freed only when its slot is reused.
enum MappedRegions {
    /// The most maps guarded at once; a file opened while all are in use is read into memory instead of mapped.
    static let capacity = 1024

    /// One mapped file: `[start, end)` and its message, a NUL-terminated C string of `length` bytes.
    struct Slot {
        var start: UInt
        var end: UInt
        var message: UnsafeMutablePointer<CChar>?
        var length: Int
    }

    /// The slots; allocated at first use, which `register` and `SignalHandlers.install` make happen before any
    /// handler can run.
    nonisolated(unsafe) static let slots: UnsafeMutablePointer<Slot> = {
        let slots = UnsafeMutablePointer<Slot>.allocate(capacity: capacity)
        slots.initialize(repeating: Slot(start: 0, end: 0, message: nil, length: 0), count: capacity)
        return slots
    }()

    private static let lock = NSLock()

    /// Guards `[start, start + count)`: a `SIGBUS` there writes `message` to stderr and ends the process with
    /// status 2. Returns the slot to give to `withdraw`, or nil when every slot is in use.
    static func register(start: UnsafeRawPointer, count: Int, message: String) -> Int? {
        SignalHandlers.installBusHandler()
        let rendered = strdup(message)
        lock.lock()
        defer { lock.unlock() }
        guard let index = (0..<capacity).first(where: { slots[$0].start == 0 }) else {
            free(rendered)
            return nil
        }
        let old = slots[index].message
        slots[index].message = rendered
        slots[index].length = message.utf8.count
        slots[index].end = UInt(bitPattern: start) + UInt(count)
        slots[index].start = UInt(bitPattern: start)
        // The previous message of this slot: no handler can be reading it, since its region is gone.
        free(old)
        return index
    }

    /// Stops guarding the region of slot `index` (before it is unmapped).
    static func withdraw(_ index: Int) {
        lock.lock()
        defer { lock.unlock() }
        slots[index].start = 0
        slots[index].end = 0
    }

    /// The message of the region that holds `address`, for the signal handler: reads the table, nothing else.
    static func message(containing address: UInt) -> (UnsafePointer<CChar>, Int)? {
        for index in 0..<capacity {
            let start = slots[index].start
            guard start != 0, address >= start, address < slots[index].end else { continue }
            guard let message = slots[index].message else { return nil }
            return (UnsafePointer(message), slots[index].length)
        }
        return nil
    }
}
