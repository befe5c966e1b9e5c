import Foundation
import XCTest

/// Running the binary from another working directory, with extra environment variables or standard input.
extension CommandRunner {
    /// Runs `kontinuitet` with `arguments` in `directory`, with `environment` added to this process's (less
    /// `KONTINUITET_PLATFORM_FALLBACKS`, unless given) and `input` as its standard input.
    static func run(
        _ arguments: [String], in directory: String, environment: [String: String] = [:], input: Data? = nil
    ) throws -> Outcome {
        let process = configuredProcess(arguments, in: directory, environment: environment)
        let out = Pipe()
        let err = Pipe()
        let stdin = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin
        try process.run()
        // The input is written from another thread, so a child that reads slowly cannot block the outputs' reads.
        let writer = Thread {
            if let input { stdin.fileHandleForWriting.write(input) }
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let errData = ResultBox()
        let reader = Thread { errData.data = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errData.done { Thread.sleep(forTimeInterval: 0.01) }
        return Outcome(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData.data ?? Data(), as: UTF8.self))
    }

    /// A process for `kontinuitet` with `arguments`, working directory and environment set, not yet started.
    static func configuredProcess(_ arguments: [String], in directory: String, environment: [String: String])
        -> Process
    {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var variables = CommandRunner.environment()
        variables["KONTINUITET_PLATFORM_FALLBACKS"] = nil
        variables.merge(environment) { _, new in new }
        process.environment = variables
        return process
    }

    /// A fresh temporary directory with a link `sample-data` to the package's, so that the sample's inputs have
    /// the same relative paths (which outputs such as `rejected.csv` show) from there as from the package root.
    static func workingDirectoryWithSampleData() throws -> String {
        let directory = temporaryDirectory()
        try FileManager.default.createSymbolicLink(
            atPath: directory + "/sample-data", withDestinationPath: packageRoot.path + "/sample-data")
        return directory
    }

    /// The sample's visit logs, relative to the package root.
    static let sampleVisits = [
        "sample-data/visits/hemtjanst-norr.csv", "sample-data/visits/omsorg-vast.csv",
        "sample-data/visits/trygg-omsorg-phoniro.csv",
    ]
}

/// The bytes a reader thread read, and whether it is done.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Data?
    private var finished = false

    var data: Data? {
        get { lock.withLock { stored } }
        set {
            lock.withLock {
                stored = newValue
                finished = true
            }
        }
    }

    var done: Bool { lock.withLock { finished } }
}
