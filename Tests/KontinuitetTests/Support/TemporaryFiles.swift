import Foundation

@testable import Kontinuitet

/// Temporary files and directories for tests, removed when the test case ends.
final class TemporaryDirectory {
    let path: String

    /// A directory beside `path`, for the löpnummer key (which may not be inside an output directory).
    var keyDirectory: String { path + "-keys" }

    init() {
        TemporaryDirectory.keepKeysOutOfHome
        path = NSTemporaryDirectory() + "kontinuitet-test-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Points `KONTINUITET_KEY_DIR` at a temporary directory for the whole test process, once: a test that writes
    /// outputs without naming a key directory must never write a key into the real home.
    private static let keepKeysOutOfHome: Void = {
        setenv(KeyFile.directoryVariable, NSTemporaryDirectory() + "kontinuitet-test-keys-" + UUID().uuidString, 1)
    }()

    /// Writes `text` as UTF-8 to `name` and returns the full path.
    @discardableResult
    func file(_ name: String, _ text: String) -> String {
        file(name, bytes: Array(text.utf8))
    }

    /// Writes raw bytes to `name` and returns the full path.
    @discardableResult
    func file(_ name: String, bytes: [UInt8]) -> String {
        let full = (path as NSString).appendingPathComponent(name)
        try? FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: full, contents: Data(bytes))
        return full
    }

    func read(_ name: String) -> String {
        let full = (path as NSString).appendingPathComponent(name)
        return (try? String(contentsOfFile: full, encoding: .utf8)) ?? ""
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
        try? FileManager.default.removeItem(atPath: keyDirectory)
    }
}

extension MeasureOutputOptions {
    /// Options for tests: the key in `directory.keyDirectory` and the löpnummer order seeded, so that the numbers
    /// are the same on every run.
    static func testing(keysOf directory: TemporaryDirectory, seed: UInt64 = 1) -> MeasureOutputOptions {
        var options = MeasureOutputOptions()
        options.keyDirectory = directory.keyDirectory
        options.pseudonymOrder = .seeded(seed)
        return options
    }
}
