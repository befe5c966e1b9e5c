import XCTest

@testable import Kontinuitet

/// The checks that decide whether the loops compiled for Haswell and for AVX-512 may run.
final class ProcessorFeaturesTests: XCTestCase {
    private let haswellFlags =
        "fpu vme sse sse2 ssse3 fma cx16 sse4_1 sse4_2 movbe popcnt xsave avx f16c bmi1 avx2 bmi2 abm pclmulqdq"

    func testEveryRequiredFlagOnTheFirstFlagsLine() {
        let cpuinfo = "processor\t: 0\nflags\t\t: \(haswellFlags)\n\nprocessor\t: 1\nflags\t\t: fpu sse2\n"
        XCTAssertTrue(ProcessorFeatures.hasFlags(ProcessorFeatures.haswellFlags, cpuinfo: cpuinfo))
    }

    /// One flag missing (here `avx2`, as on an Ivy Bridge or in a virtual machine that hides it) is enough to
    /// stay on the baseline.
    func testAMissingFlagKeepsTheBaseline() {
        let withoutAVX2 = haswellFlags.replacingOccurrences(of: " avx2", with: "")
        XCTAssertFalse(
            ProcessorFeatures.hasFlags(ProcessorFeatures.haswellFlags, cpuinfo: "flags\t\t: \(withoutAVX2)\n"))
        XCTAssertFalse(ProcessorFeatures.hasFlags(ProcessorFeatures.haswellFlags, cpuinfo: "Features\t: fp asimd\n"))
        XCTAssertFalse(ProcessorFeatures.hasFlags(ProcessorFeatures.haswellFlags, cpuinfo: ""))
    }

    /// The flags line of an AMD Zen 4 as this project's machine shows it (a virtual machine: no `pku`, no SGX)
    /// runs the AVX-512 loop; a Skylake server (AVX-512 without the byte instructions) runs the AVX2 one.
    func testAVX512NeedsItsByteInstructions() {
        let zen4 =
            haswellFlags
            + " xsaveopt xsavec xsaves aes adx sha_ni rdrand rdseed clflushopt avx512f avx512dq avx512ifma avx512cd"
            + " avx512bw avx512vl avx512vbmi avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni avx512_bitalg"
            + " avx512_vpopcntdq"
        XCTAssertTrue(ProcessorFeatures.hasFlags(ProcessorFeatures.avx512Flags, cpuinfo: "flags\t\t: \(zen4)\n"))
        let skylakeServer = zen4.replacingOccurrences(of: " avx512vbmi avx512_vbmi2", with: "")
        XCTAssertFalse(
            ProcessorFeatures.hasFlags(ProcessorFeatures.avx512Flags, cpuinfo: "flags\t\t: \(skylakeServer)\n"))
        XCTAssertTrue(
            ProcessorFeatures.hasFlags(ProcessorFeatures.haswellFlags, cpuinfo: "flags\t\t: \(skylakeServer)\n"))
    }
}
