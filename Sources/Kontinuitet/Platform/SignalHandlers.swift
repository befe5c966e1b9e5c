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

/// The process's handlers of fatal signals (`sigaction` with `SA_SIGINFO`): one handler for all of them, which
/// writes a fixed message with `write(2)` and ends the process with `_exit`, so that nothing of the program's
/// memory or registers (which may hold input bytes, personnummer) is ever printed.
///
/// `SIGBUS` at an address inside a mapped input file (`MappedRegions`) means the file shrank while it was read:
/// the file's own message and exit status 2. Any other fatal signal is an internal error: exit status 70
/// (`EX_SOFTWARE`).
enum SignalHandlers {
    /// The exit status of an internal error.
    static let internalErrorStatus: Int32 = 70
    /// The exit status of input that cannot be processed (README, exit status), here a file that shrank while it was read.
    static let changedFileStatus: Int32 = 2

    /// The signals a crash raises: a bad memory access, an illegal or trap instruction (Swift's own checks,
    /// `fatalError`, an arithmetic overflow trap), a division fault, `abort()`.
    static let crashSignals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGABRT]

    /// Installs the handler for `SIGBUS`, once (the first file mapped does it).
    static func installBusHandler() { _ = busHandlerInstalled }

    private static let busHandlerInstalled: Bool = {
        install(for: [SIGBUS])
        return true
    }()

    /// Installs the handler for every one of `crashSignals`, and an alternate stack for the calling thread so that
    /// the handler still runs when that thread's stack overflowed. Once is enough; again does no harm.
    static func installCrashHandlers() {
        installAlternateStack()
        install(for: crashSignals)
    }

    private static func install(for signals: [Int32]) {
        // Everything the handler reads is made before it can run.
        _ = MappedRegions.slots
        _ = CrashMessages.table
        var action = sigaction()
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_SIGINFO | SA_ONSTACK
        #if canImport(Glibc)
            action.__sigaction_handler.sa_sigaction = handleFatalSignal
        #elseif canImport(Musl)
            action.__sa_handler.sa_sigaction = handleFatalSignal
        #else
            action.__sigaction_u.__sa_sigaction = handleFatalSignal
        #endif
        for signal in signals { sigaction(signal, &action, nil) }
    }

    /// A stack of 256 KiB, never freed, for the handler of the thread that installs the handlers.
    private static func installAlternateStack() {
        let size = 256 * 1024
        var stack = stack_t()
        stack.ss_sp = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        stack.ss_size = size
        stack.ss_flags = 0
        sigaltstack(&stack, nil)
    }
}

/// The messages of internal errors, one per signal number, rendered before any handler can run (the handler may
/// not format or allocate).
private enum CrashMessages {
    static let highestSignal = 64

    /// `table[n]` is the message for signal `n` (a NUL-terminated C string) and its length.
    nonisolated(unsafe) static let table: UnsafeMutablePointer<(UnsafeMutablePointer<CChar>?, Int)> = {
        let table = UnsafeMutablePointer<(UnsafeMutablePointer<CChar>?, Int)>.allocate(capacity: highestSignal + 1)
        for signal in 0...highestSignal {
            let text = "kontinuitet: internal error (signal \(signal)); no input data is shown. Please report it.\n"
            (table + signal).initialize(to: (strdup(text), text.utf8.count))
        }
        return table
    }()
}

/// The handler of every fatal signal (see `SignalHandlers`): async-signal-safe, it only reads tables made
/// beforehand and calls `write` and `_exit`.
private func handleFatalSignal(
    _ signal: Int32, _ info: UnsafeMutablePointer<siginfo_t>?, _ context: UnsafeMutableRawPointer?
) {
    // A SIGBUS the kernel raised (si_code > 0; one sent with kill() has no address) inside a mapped input file.
    if signal == SIGBUS, let info, info.pointee.si_code > 0,
        let (message, length) = MappedRegions.message(containing: faultAddress(info))
    {
        writeToStandardError(message, length)
        _exit(SignalHandlers.changedFileStatus)
    }
    let index = signal >= 0 && signal <= CrashMessages.highestSignal ? Int(signal) : 0
    let (message, length) = CrashMessages.table[index]
    if let message { writeToStandardError(message, length) }
    _exit(SignalHandlers.internalErrorStatus)
}

/// The address whose access raised the signal (`si_addr`).
private func faultAddress(_ info: UnsafeMutablePointer<siginfo_t>) -> UInt {
    #if canImport(Glibc)
        return UInt(bitPattern: info.pointee._sifields._sigfault.si_addr)
    #elseif canImport(Musl)
        return UInt(bitPattern: info.pointee.__si_fields.__sigfault.si_addr)
    #else
        return UInt(bitPattern: info.pointee.si_addr)
    #endif
}

/// Writes `length` bytes at `message` to file descriptor 2 with `write(2)`, as far as it goes.
private func writeToStandardError(_ message: UnsafePointer<CChar>, _ length: Int) {
    var offset = 0
    while offset < length {
        let written = write(STDERR_FILENO, message + offset, length - offset)
        if written > 0 {
            offset += written
        } else if written < 0 && errno == EINTR {
            continue
        } else {
            return
        }
    }
}
