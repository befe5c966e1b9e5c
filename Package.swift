// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Kontinuitet",
    products: [
        .executable(name: "kontinuitet", targets: ["kontinuitet"]),
        .library(name: "Kontinuitet", targets: ["Kontinuitet"]),
    ],
    targets: [
        .target(name: "Kontinuitet"),
        .executableTarget(name: "kontinuitet", dependencies: ["Kontinuitet"]),
        .testTarget(name: "KontinuitetTests", dependencies: ["Kontinuitet"]),
        .testTarget(name: "EndToEndTests", dependencies: ["Kontinuitet", "kontinuitet"]),
    ]
)
