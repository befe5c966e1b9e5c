import Foundation
import XCTest

/// Runs the built `kontinuitet` binary, as a user would, and captures what it prints.
struct CommandRunner {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The package root (three levels above this file).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The built executable, beside the test bundle.
    static var executable: URL {
        let products = Bundle.main.bundleURL
        let candidates = [
            products.appendingPathComponent("kontinuitet"),
            products.deletingLastPathComponent().appendingPathComponent("kontinuitet"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    /// The instant every run's reports give as the day they were made (`SOURCE_DATE_EPOCH`, 2018-10-01 00:00 UTC,
    /// "1 oktober 2018"), the same as `scripts/update-expected` sets, so that the pages match the expected outputs
    /// on any day.
    static let sourceDateEpoch = "1538352000"

    /// The seed every run gets unless a test says otherwise: the löpnummer are then the same on every run, as the
    /// committed expected outputs (written by scripts/update-expected with the same seed) need.
    static let pseudonymSeed: UInt64 = 1

    /// The environment of a run: the test process's, with `KONTINUITET_KEY_DIR` set to `keyDirectory` (a fresh
    /// temporary directory when nil, so that no run ever writes a key into the real home, and no run sees another
    /// test's key) and `KONTINUITET_PSEUDONYM_SEED` set to `seed` (removed when nil: the system's random order).
    static func environment(keyDirectory: String? = nil, seed: UInt64? = pseudonymSeed) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["KONTINUITET_KEY_DIR"] = keyDirectory ?? temporaryDirectory() + "/keys"
        environment["KONTINUITET_PSEUDONYM_SEED"] = seed.map { String($0) }
        environment["SOURCE_DATE_EPOCH"] = sourceDateEpoch
        return environment
    }

    /// Runs `kontinuitet` with `arguments` in the package root, in `environment(keyDirectory:seed:)`.
    static func run(_ arguments: [String], keyDirectory: String? = nil, seed: UInt64? = pseudonymSeed) throws
        -> Outcome
    {
        try run(arguments, environment: environment(keyDirectory: keyDirectory, seed: seed))
    }

    /// Runs `kontinuitet` with `arguments` in the package root, in exactly `environment`.
    static func run(_ arguments: [String], environment: [String: String]) throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = packageRoot
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A visit log (`provider,user,staff,start`) in which `user` of provider `P1` is measured: two visits, by
    /// staff `s1` and `s2`, on each of the 14 days of the 2018 period (3–16 September), so 2 distinct staff.
    static func measurableLog(user: String, provider: String = "P1", header: Bool = true) -> String {
        var text = header ? "provider,user,staff,start\n" : ""
        for day in 3...16 {
            let date = "2018-09-" + (day < 10 ? "0\(day)" : "\(day)")
            text += "\(provider),\(user),s1,\(date) 08:00\n\(provider),\(user),s2,\(date) 17:00\n"
        }
        return text
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "kontinuitet-e2e-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        created.append(path)
        return path
    }

    /// Directories made by `temporaryDirectory()` and not yet removed (tests run one at a time).
    nonisolated(unsafe) private static var created: [String] = []

    /// Removes every temporary directory made so far; call from `tearDown`.
    static func removeTemporaryDirectories() {
        for path in created { try? FileManager.default.removeItem(atPath: path) }
        created = []
    }

    /// Every regular file under `root`, as paths relative to it, sorted.
    static func files(under root: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [String] = []
        while let name = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + name, isDirectory: &isDirectory),
                !isDirectory.boolValue
            {
                files.append(name)
            }
        }
        return files.sorted()
    }

    /// Asserts that every file of `expected` exists in `actual` with the same bytes.
    static func assertSameFiles(expected: String, actual: String, file: StaticString = #filePath, line: UInt = #line) {
        let expectedFiles = files(under: expected)
        XCTAssertFalse(expectedFiles.isEmpty, "no expected files under \(expected)", file: file, line: line)
        for name in expectedFiles {
            let want = FileManager.default.contents(atPath: expected + "/" + name)
            let got = FileManager.default.contents(atPath: actual + "/" + name)
            XCTAssertNotNil(got, "\(name) was not written", file: file, line: line)
            XCTAssertTrue(want == got, "\(name) differs from the committed expected output", file: file, line: line)
        }
    }
}
