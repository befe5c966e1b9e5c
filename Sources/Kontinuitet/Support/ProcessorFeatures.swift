import Foundation

/// What the processor can run beyond the baseline of its architecture, checked once.
enum ProcessorFeatures {
    /// The `/proc/cpuinfo` flags of what `-target-cpu haswell` lets the compiler use in integer and vector code
    /// (the kernel lists `avx` and `avx2` only when it saves their registers).
    static let haswellFlags: Set<String> = [
        "avx", "avx2", "bmi1", "bmi2", "fma", "f16c", "abm", "movbe", "popcnt", "sse4_2", "ssse3", "pclmulqdq",
        "xsave",
    ]

    /// True when `StructuralScanHaswell` may run: on Linux, when every one of `haswellFlags` is among the
    /// processor's flags in `/proc/cpuinfo`; false elsewhere, when the file cannot be read, or when the
    /// environment variable `KONTINUITET_BASELINE_SIMD` is set (to compare the two paths).
    static let hasHaswellFeatures: Bool = {
        guard ProcessInfo.processInfo.environment["KONTINUITET_BASELINE_SIMD"] == nil,
            let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        else { return false }
        return hasFlags(haswellFlags, cpuinfo: cpuinfo)
    }()

    /// True when the first `flags` line of `cpuinfo` lists every one of `required`.
    static func hasFlags(_ required: Set<String>, cpuinfo: String) -> Bool {
        for line in cpuinfo.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { return false }
            let flags = Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
            return required.isSubset(of: flags)
        }
        return false
    }
}
