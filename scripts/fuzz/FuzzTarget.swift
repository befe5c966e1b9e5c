// The libFuzzer entry point: compiled together with the library's sources by scripts/fuzz/run (not part of the
// package build). Every input is fed to each reader; any crash, hang or runaway allocation is a bug.

/// Feeds one fuzzer input to the CSV reader, the small-file table reader and the measurement pipeline.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    FuzzHarness.run(bytes)
    return 0
}
