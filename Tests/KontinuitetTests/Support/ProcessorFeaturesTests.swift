import XCTest

@testable import Kontinuitet

/// The check that decides whether the loop compiled for Haswell may run.
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
}
