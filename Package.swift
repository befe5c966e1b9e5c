// swift-tools-version:6.0
import PackageDescription

// The two modules built for newer processors than the baseline: StructuralScanHaswell (AVX2) and
// StructuralScanAVX512, whose code runs only after the processor has been checked (see ProcessorFeatures).
// Everything else runs on any x86-64 or arm64.
#if arch(x86_64)
    let haswell: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
    let avx512: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "icelake-client"])]
#else
    let haswell: [SwiftSetting] = []
    let avx512: [SwiftSetting] = []
#endif

let package = Package(
    name: "Kontinuitet",
    products: [
        .executable(name: "kontinuitet", targets: ["kontinuitet"]),
    ],
    targets: [
        .target(name: "MemoryHints"),
        .target(name: "StructuralScan", dependencies: ["MemoryHints"]),
        .target(name: "StructuralScanHaswell", dependencies: ["StructuralScan"], swiftSettings: haswell),
        .target(name: "StructuralScanAVX512", dependencies: ["StructuralScan"], swiftSettings: avx512),
        .target(
            name: "Kontinuitet",
            dependencies: ["MemoryHints", "StructuralScan", "StructuralScanHaswell", "StructuralScanAVX512"]),
        .executableTarget(name: "kontinuitet", dependencies: ["Kontinuitet"]),
        // Timings of the archive and XLSX readers for scripts/bench-inflate; not a product.
        .executableTarget(name: "kontinuitet-bench", dependencies: ["Kontinuitet"]),
        .testTarget(
            name: "KontinuitetTests",
            dependencies: ["Kontinuitet", "StructuralScan", "StructuralScanHaswell", "StructuralScanAVX512"]),
        .testTarget(name: "EndToEndTests", dependencies: ["Kontinuitet", "kontinuitet"]),
    ]
)
