/// What the system says about the processor.
enum ProcessorInformation {
    /// The text of `/proc/cpuinfo` (Linux), read once; nil where there is no such file or it cannot be read.
    static let cpuinfo: String? = {
        guard let bytes = try? HeapBytes.contents(ofFile: "/proc/cpuinfo") else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }()
}
