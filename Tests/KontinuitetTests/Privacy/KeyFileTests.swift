import XCTest

@testable import Kontinuitet

/// Where the key lives: a private directory outside every output directory.
final class KeyFileTests: XCTestCase {
    func testTheDefaultDirectoryFollowsTheEnvironment() throws {
        XCTAssertEqual(
            try KeyFile.defaultDirectory(environment: [
                "KONTINUITET_KEY_DIR": "/k", "XDG_DATA_HOME": "/x", "HOME": "/h",
            ]), "/k")
        XCTAssertEqual(
            try KeyFile.defaultDirectory(environment: ["XDG_DATA_HOME": "/x", "HOME": "/h"]), "/x/kontinuitet/keys")
        // A relative XDG_DATA_HOME is ignored, as the XDG specification says.
        XCTAssertEqual(
            try KeyFile.defaultDirectory(environment: ["XDG_DATA_HOME": "x", "HOME": "/h"]),
            "/h/.local/share/kontinuitet/keys")
        XCTAssertThrowsError(try KeyFile.defaultDirectory(environment: [:]))
    }

    func testTheKeyDirectoryIsCreatedPrivateAndMadePrivateAgain() throws {
        let directory = TemporaryDirectory()
        let keys = directory.path + "/a/b/keys"
        XCTAssertEqual(try KeyFile.preparePrivateDirectory(keys), [])
        XCTAssertEqual(try MeasureOutputsTests.mode(keys), 0o700)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: keys)
        let notices = try KeyFile.preparePrivateDirectory(keys)
        XCTAssertEqual(notices.count, 1)
        XCTAssertTrue(notices[0].contains("0755"), notices[0])
        XCTAssertEqual(try MeasureOutputsTests.mode(keys), 0o700)
        directory.file("file", "not a directory\n")
        XCTAssertThrowsError(try KeyFile.preparePrivateDirectory(directory.path + "/file"))
    }

    func testAPrivateFileInsideTheOutputDirectoryIsRefused() throws {
        let directory = TemporaryDirectory()
        let out = directory.path + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/link", withDestinationPath: out)
        for inside in [out + "/key.csv", out + "/deeper/k.csv", out, directory.path + "/x/../out/k.csv"] {
            XCTAssertThrowsError(try PrivateFile.refuseInside(inside, outputDirectory: out, option: "--key"), inside)
        }
        XCTAssertThrowsError(
            try PrivateFile.refuseInside(directory.path + "/link/k.csv", outputDirectory: out, option: "--key"))
        // A sibling whose name begins like the output directory's is outside it.
        XCTAssertNoThrow(try PrivateFile.refuseInside(directory.path + "/out2/k.csv", outputDirectory: out, option: ""))
        XCTAssertNoThrow(try PrivateFile.refuseInside(directory.path + "/k.csv", outputDirectory: out, option: ""))
        // The output directory need not exist yet.
        XCTAssertThrowsError(
            try PrivateFile.refuseInside(
                directory.path + "/new/k.csv", outputDirectory: directory.path + "/new/", option: ""))
    }

    func testAKeyLeftInTheOutputDirectoryIsTakenOverOnceAndNeverDeleted() throws {
        let directory = TemporaryDirectory()
        directory.file("out/key.csv", "provider,pseudonym,user\nP1,5,A\n")
        var options = MeasureOutputOptions.testing(keysOf: directory)
        var log = VisitLogBuilder()
        log.regularUser(user: "A", staff: ["s1"])
        log.regularUser(user: "B", staff: ["s1"])
        let first = try MeasureOutputs.write(
            try log.measure(), to: OutputDirectory(path: directory.path + "/out"), options: options)
        XCTAssertEqual(first.notices.count, 1)
        XCTAssertTrue(first.notices[0].hasPrefix(directory.path + "/out/key.csv: "), "\(first.notices)")
        XCTAssertTrue(first.notices[0].contains("kept in " + directory.keyDirectory), "\(first.notices)")
        XCTAssertTrue(first.notices[0].contains("must not be shared"), "\(first.notices)")
        let key = try String(contentsOfFile: directory.keyDirectory + "/measure-2018.csv", encoding: .utf8)
        XCTAssertEqual(key, "provider,pseudonym,user\nP1,5,A\nP1,6,B\n")
        // Left in place, and the user is told again; it is no longer read.
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.path + "/out/key.csv"))
        options.keepIDs = true
        let second = try MeasureOutputs.write(
            try log.measure(), to: OutputDirectory(path: directory.path + "/out"), options: options)
        XCTAssertTrue(second.notices.joined().contains("no longer read"), "\(second.notices)")
    }

    func testKeyAndRejectedRowsOptionsInsideTheOutputDirectoryAreRefused() throws {
        let directory = TemporaryDirectory()
        var log = VisitLogBuilder()
        log.regularUser(user: "A", staff: ["s1"])
        let result = try log.measure()
        var options = MeasureOutputOptions.testing(keysOf: directory)
        options.keyPath = directory.path + "/out/my-key.csv"
        XCTAssertThrowsError(
            try MeasureOutputs.write(result, to: OutputDirectory(path: directory.path + "/out"), options: options)
        ) {
            XCTAssertEqual(
                $0 as? PrivacyError,
                .insideOutputDirectory(
                    option: "--key", path: options.keyPath ?? "", outputDirectory: directory.path + "/out"))
        }
        options.keyPath = directory.path + "/my-key.csv"
        options.rejectedRowsPath = directory.path + "/out/raw.csv"
        XCTAssertThrowsError(
            try MeasureOutputs.write(result, to: OutputDirectory(path: directory.path + "/out"), options: options))
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.path + "/out"))
        options.keyDirectory = directory.path + "/out/keys"
        options.keyPath = nil
        options.rejectedRowsPath = nil
        XCTAssertThrowsError(
            try MeasureOutputs.write(result, to: OutputDirectory(path: directory.path + "/out"), options: options))
    }

    func testTheRejectedRowsGoToTheirPrivateFileOnlyWhenAskedFor() throws {
        let directory = TemporaryDirectory()
        var log = VisitLogBuilder()
        log.regularUser(user: "19300101-1234", staff: ["s1"])
        log.row(user: "19300101-1234", staff: "", day: 4, time: "09:00")
        var options = MeasureOutputOptions.testing(keysOf: directory)
        try MeasureOutputs.write(
            try log.measure(), to: OutputDirectory(path: directory.path + "/out"), options: options)
        let shared = directory.read("out/rejected.csv")
        XCTAssertTrue(shared.hasPrefix("file,line,column,reason,detail\n"), shared)
        XCTAssertTrue(shared.hasSuffix(",staff,missing_staff,column 'staff' is empty\n"), shared)
        XCTAssertFalse(shared.contains("19300101"))

        options.rejectedRowsPath = directory.path + "/raw.csv"
        try MeasureOutputs.write(
            try log.measure(), to: OutputDirectory(path: directory.path + "/out"), options: options)
        let raw = directory.read("raw.csv")
        XCTAssertTrue(raw.hasPrefix("file,line,reason,detail,row\n"), raw)
        XCTAssertTrue(raw.contains("19300101-1234"), raw)
        XCTAssertEqual(try MeasureOutputsTests.mode(directory.path + "/raw.csv"), 0o600)
    }
}
