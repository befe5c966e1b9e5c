/// Makes sure that no crash can print input data.
///
/// Swift's runtime on Linux installs a backtracer that, when the program crashes, prints the faulting thread's
/// registers, a stack dump and memory around them, any of which may hold bytes of an input file (a personnummer,
/// a name). `install()` replaces the handlers of `SIGSEGV`, `SIGBUS`, `SIGILL`, `SIGTRAP`, `SIGFPE` and `SIGABRT`
/// with one that writes only
///
///     kontinuitet: internal error (signal N); no input data is shown. Please report it.
///
/// to stderr and exits with status 70, so Swift's backtracer never runs (and `SWIFT_BACKTRACE` has no effect on
/// those signals). A `SIGBUS` inside a mapped input file is not an internal error: the file shrank while it was
/// read, and the handler says so, naming the file, and exits with status 2 (see `MappedFile`).
///
/// What this cannot cover: a message Swift's runtime prints itself before it traps (`Fatal error: Index out of
/// range`; such messages name the check, not data) and a stack overflow on a thread other than the one that called
/// `install()` (the kernel then ends the process without running any handler, printing nothing).
package enum CrashGuard {
    /// Installs the handlers; call first thing in `main`, on the main thread. Calling it again does no harm.
    package static func install() {
        SignalHandlers.installCrashHandlers()
    }
}
