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
        guard Environment.value("KONTINUITET_BASELINE_SIMD") == nil, let cpuinfo else {
            return false
        }
        return hasFlags(haswellFlags, cpuinfo: cpuinfo)
    }()

    /// The `/proc/cpuinfo` flags of what `-target-cpu icelake-client` lets the compiler use in integer and vector
    /// code: the Haswell ones, AVX-512 with its byte, bit and integer extensions, and the vector AES, carry-less
    /// multiply and Galois-field instructions. (That target also names system extensions, protection keys and SGX,
    /// whose instructions the compiler emits only for their own intrinsics, which the module does not call; a
    /// virtual machine often hides them.)
    static let avx512Flags: Set<String> = haswellFlags.union([
        "avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl", "avx512vbmi", "avx512_vbmi2", "avx512ifma",
        "avx512_vnni", "avx512_bitalg", "avx512_vpopcntdq", "gfni", "vaes", "vpclmulqdq", "aes", "adx", "sha_ni",
        "rdrand", "rdseed", "clflushopt", "xsavec", "xsaveopt", "xsaves",
    ])

    /// True when `StructuralScanAVX512` may run: as `hasHaswellFeatures`, with every one of `avx512Flags`; false
    /// as well when the environment variable `KONTINUITET_NO_AVX512` is set (to compare it with the AVX2 path).
    static let hasAVX512Features: Bool = {
        guard hasHaswellFeatures, Environment.value("KONTINUITET_NO_AVX512") == nil, let cpuinfo
        else { return false }
        return hasFlags(avx512Flags, cpuinfo: cpuinfo)
    }()

    /// `/proc/cpuinfo`, read once for both checks; nil where it cannot be read (not Linux).
    private static var cpuinfo: String? { ProcessorInformation.cpuinfo }

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
