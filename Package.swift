// swift-tools-version:6.0
import PackageDescription

// The one module built for a newer processor than the baseline: StructuralScanHaswell, whose code runs only after
// the processor has been checked (see HaswellStructuralScan). Everything else runs on any x86-64 or arm64.
#if arch(x86_64)
    let haswell: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
#else
    let haswell: [SwiftSetting] = []
#endif

let package = Package(
    name: "Kontinuitet",
    products: [
        .executable(name: "kontinuitet", targets: ["kontinuitet"]),
        .library(name: "Kontinuitet", targets: ["Kontinuitet"]),
    ],
    targets: [
        .target(name: "MemoryHints"),
        .target(name: "StructuralScan", dependencies: ["MemoryHints"]),
        .target(name: "StructuralScanHaswell", dependencies: ["StructuralScan"], swiftSettings: haswell),
        .target(name: "Kontinuitet", dependencies: ["StructuralScan", "StructuralScanHaswell"]),
        .executableTarget(name: "kontinuitet", dependencies: ["Kontinuitet"]),
        .testTarget(
            name: "KontinuitetTests", dependencies: ["Kontinuitet", "StructuralScan", "StructuralScanHaswell"]),
        .testTarget(name: "EndToEndTests", dependencies: ["Kontinuitet", "kontinuitet"]),
    ]
)
