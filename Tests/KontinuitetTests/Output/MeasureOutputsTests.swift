import XCTest

@testable import Kontinuitet

/// The files `measure` writes: columns, löpnummer, key file and its mode, atomicity.
final class MeasureOutputsTests: XCTestCase {
    private func measuredLog() throws -> MeasureResult {
        var log = VisitLogBuilder()
        log.regularUser(user: "19300101-1234", staff: ["s1", "s2", "s3"])
        log.regularUser(user: "B2", staff: ["s1"])
        log.row(user: "C3", staff: "s1", day: 30, time: "08:00")
        return try log.measure()
    }

    func testUsersAndProvidersCSV() throws {
        let result = try measuredLog()
        let directory = TemporaryDirectory()
        let out = try OutputDirectory(path: directory.path)
        var options = MeasureOutputOptions()
        options.keepIDs = true
        try MeasureOutputs.write(result, to: out, options: options)
        XCTAssertEqual(
            directory.read("users.csv"),
            """
            provider,unit,user,measured,reason,days_with_visits,visits,distinct_staff,sampled
            P1,U1,19300101-1234,true,,14,28,3,true
            P1,U1,B2,true,,14,28,1,true
            P1,U1,C3,false,no_visits_in_period,0,0,0,false

            """)
        // Two sampled users with 3 and 1 staff: mean 2.00, median 2, share over 20 0.000.
        XCTAssertEqual(
            directory.read("providers.csv"),
            """
            provider,measured_users,sampled_users,mean_staff,median_staff,min_staff,max_staff,share_over_20
            P1,2,2,2.00,2,1,3,0.000

            """)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.path + "/key.csv"))
    }

    func testPseudonymsReplaceIDsAndTheKeyIsPrivateAndReused() throws {
        let result = try measuredLog()
        let directory = TemporaryDirectory()
        let options = MeasureOutputOptions.testing(keysOf: directory)
        try MeasureOutputs.write(result, to: OutputDirectory(path: directory.path), options: options)
        let users = directory.read("users.csv")
        XCTAssertFalse(users.contains("19300101-1234"))
        XCTAssertTrue(directory.read("forms/p1.csv").hasPrefix("Utförare,Enhet,Löpnummer,Antal personal"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.path + "/forms/p1.xlsx"))
        XCTAssertFalse(directory.read("forms/p1.csv").contains("1930"))
        // The key is outside the output directory, in a 0700 directory, with mode 0600; the period is 2018's.
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.path + "/key.csv"))
        let keyPath = directory.keyDirectory + "/measure-2018.csv"
        let key = try String(contentsOfFile: keyPath, encoding: .utf8)
        let numbers = Self.numbers(key)
        XCTAssertEqual(Set(numbers.keys), ["19300101-1234", "B2", "C3"])
        XCTAssertEqual(Set(numbers.values), [1, 2, 3])
        XCTAssertEqual(try Self.mode(keyPath), 0o600)
        XCTAssertEqual(try Self.mode(directory.keyDirectory), 0o700)
        // users.csv shows each user's number from the key.
        XCTAssertTrue(users.contains("P1,U1,\(numbers["B2"] ?? 0),true,,14,28,1,true\n"), users)
        // rejected.csv says where and why only, and may be shared (0644).
        XCTAssertEqual(try Self.mode(directory.path + "/rejected.csv"), 0o644)

        // A second run where B2 comes first keeps B2's number; the new user gets the next one.
        var log = VisitLogBuilder()
        log.regularUser(user: "NEW", staff: ["s1"])
        log.regularUser(user: "B2", staff: ["s1"])
        try MeasureOutputs.write(try log.measure(), to: OutputDirectory(path: directory.path), options: options)
        let second = Self.numbers(try String(contentsOfFile: keyPath, encoding: .utf8))
        XCTAssertEqual(second["B2"], numbers["B2"])
        XCTAssertEqual(second["19300101-1234"], numbers["19300101-1234"])
        XCTAssertEqual(second["NEW"], 4)
    }

    /// The user → löpnummer pairs of provider P1 in a key file.
    static func numbers(_ key: String) -> [String: Int] {
        var numbers: [String: Int] = [:]
        for line in key.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == 3, fields[0] == "P1", let number = Int(fields[1]) else { continue }
            numbers[String(fields[2])] = number
        }
        return numbers
    }

    static func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return ((attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1) & 0o777
    }

    func testWithKeepIDsTheFilesWithIDsArePrivateAndNoKeyOrFormIsWritten() throws {
        let directory = TemporaryDirectory()
        var options = MeasureOutputOptions.testing(keysOf: directory)
        options.keepIDs = true
        try MeasureOutputs.write(try measuredLog(), to: OutputDirectory(path: directory.path), options: options)
        XCTAssertEqual(try Self.mode(directory.path + "/users.csv"), 0o600)
        XCTAssertEqual(try Self.mode(directory.path + "/user_indices.csv"), 0o600)
        XCTAssertEqual(try Self.mode(directory.path + "/providers.csv"), 0o644)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.path + "/forms"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.keyDirectory))
    }

    func testNothingIsInPlaceUntilCommitAndOtherFilesAreKept() throws {
        let directory = TemporaryDirectory()
        directory.file("out/users.csv", "previous results\n")
        directory.file("out/notes.txt", "the analyst's own file\n")
        do {
            let out = try OutputDirectory(path: directory.path + "/out")
            try out.write("users.csv", text: "new results\n")
            try out.write("forms/p1.csv", text: "new\n")
            // Not committed: the previous file is whole and no new file is visible.
            XCTAssertEqual(directory.read("out/users.csv"), "previous results\n")
            XCTAssertFalse(FileManager.default.fileExists(atPath: directory.path + "/out/forms"))
        }
        // The abandoned staging directory is gone.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["out"])

        let out = try OutputDirectory(path: directory.path + "/out")
        try out.write("users.csv", text: "new results\n")
        try out.write("forms/p1.csv", text: "new\n")
        try out.commit()
        XCTAssertEqual(directory.read("out/users.csv"), "new results\n")
        XCTAssertEqual(directory.read("out/forms/p1.csv"), "new\n")
        XCTAssertEqual(directory.read("out/notes.txt"), "the analyst's own file\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["out"])
    }

    /// A second run into the same directory leaves no output of the first run that it did not write again: the
    /// form of a provider no longer in the input and the rolling files go, the analyst's file stays, and the key
    /// keeps every provider's numbers.
    func testOutputsOfAnEarlierRunThatAreNotRewrittenAreRemoved() throws {
        let directory = TemporaryDirectory()
        var first = VisitLogBuilder()
        first.regularUser(provider: "P1", user: "A1", staff: ["s1"])
        first.regularUser(provider: "P2", user: "B1", staff: ["s2"])
        let options = MeasureOutputOptions.testing(keysOf: directory)
        try MeasureOutputs.write(
            try first.measure { $0.rolling = true }, to: OutputDirectory(path: directory.path), options: options)
        directory.file("notes.txt", "the analyst's own file\n")
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.path + "/forms/p2.csv"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.path + "/rolling_providers.csv"))

        var second = VisitLogBuilder()
        second.regularUser(provider: "P1", user: "A1", staff: ["s1"])
        try MeasureOutputs.write(try second.measure(), to: OutputDirectory(path: directory.path), options: options)
        let forms = try FileManager.default.contentsOfDirectory(atPath: directory.path + "/forms").sorted()
        XCTAssertEqual(forms, ["p1.csv", "p1.xlsx"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.path + "/rolling_providers.csv"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.path + "/rolling_months.csv"))
        XCTAssertEqual(directory.read("notes.txt"), "the analyst's own file\n")
        // The key keeps both providers' löpnummer, so numbers stay stable if P2 comes back.
        let key = try String(contentsOfFile: directory.keyDirectory + "/measure-2018.csv", encoding: .utf8)
        XCTAssertTrue(key.contains("P2,1,B1\n"), key)
    }

    func testANewDirectoryIsCreatedAtCommit() throws {
        let directory = TemporaryDirectory()
        let out = try OutputDirectory(path: directory.path + "/deeper/out")
        try out.write("a.csv", text: "a\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.path + "/deeper/out"))
        try out.commit()
        XCTAssertEqual(directory.read("deeper/out/a.csv"), "a\n")
    }
}
