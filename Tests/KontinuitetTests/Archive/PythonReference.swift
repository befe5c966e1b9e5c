import Foundation
import XCTest

/// Runs Python 3 scripts that make reference data with an independent implementation (zlib, gzip, zipfile,
/// openpyxl), for the archive and XLSX reader tests.
///
/// A test that needs Python skips with a message when `python3` (or the module it imports) is missing, rather than
/// passing silently.
enum PythonReference {
    /// Runs `script` with `python3` in `directory` (the working directory) and returns its standard output.
    ///
    /// Finds `python3` on the PATH. Throws `XCTSkip` when it cannot be started or the script exits 3 (the scripts' way of saying a module
    /// is missing), and fails with the script's standard error for any other non-zero exit.
    static func run(_ script: String, in directory: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw XCTSkip("python3 is not available: \(error)")
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errorText = String(decoding: errorData, as: UTF8.self)
        switch process.terminationStatus {
        case 0:
            return String(decoding: outputData, as: UTF8.self)
        case 3:
            throw XCTSkip("python3 lacks a module this test needs: \(errorText)")
        case 127:
            throw XCTSkip("python3 is not available")
        default:
            XCTFail("python3 exited with status \(process.terminationStatus): \(errorText)")
            return ""
        }
    }

    /// The bytes of the file `name` in `directory`.
    static func read(_ name: String, in directory: String) throws -> [UInt8] {
        let url = URL(fileURLWithPath: directory).appendingPathComponent(name)
        return [UInt8](try Data(contentsOf: url))
    }
}
