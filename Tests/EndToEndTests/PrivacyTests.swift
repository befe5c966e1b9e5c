import Foundation
import XCTest

/// Personal data, checked as an IT-security officer would: what is in the output directory (the folder people zip
/// and send), where the key is, what reaches the report and stderr, and what a löpnummer says about a user.
final class PrivacyTests: XCTestCase {
    override func tearDown() { CommandRunner.removeTemporaryDirectories() }

    private let visits = [
        "sample-data/visits/hemtjanst-norr.csv", "sample-data/visits/omsorg-vast.csv",
        "sample-data/visits/trygg-omsorg-phoniro.csv",
    ]
    private let timeInputs = [
        "--performed", "sample-data/time/performed.csv", "--allocated", "sample-data/time/allocated.csv",
        "--providers", "sample-data/time/providers.csv",
    ]

    // MARK: Nothing private in the output directory

    func testAfterMeasureAndTimeReportNoFileInTheOutputDirectoryHoldsAnIDANameOrAPersonnummer() throws {
        let work = CommandRunner.temporaryDirectory()
        let measure = try CommandRunner.run(["measure", "--visits"] + visits + ["--out", work + "/m"])
        XCTAssertEqual(measure.status, 0, measure.stderr)
        let time = try CommandRunner.run(["time-report"] + timeInputs + ["--out", work + "/t"])
        XCTAssertEqual(time.status, 0, time.stderr)

        let visitValues = try PersonalValues(files: visits.map { CommandRunner.packageRoot.path + "/" + $0 })
        let timeValues = try PersonalValues(
            files: ["performed.csv", "allocated.csv"].map { CommandRunner.packageRoot.path + "/sample-data/time/" + $0 }
        )
        // The sample holds both kinds: ids that are personnummer, and names.
        XCTAssertTrue(visitValues.ids.contains("19291210-8699"))
        XCTAssertTrue(visitValues.names.contains("Ekström, Harald"))
        XCTAssertGreaterThan(timeValues.ids.count, 10)

        for (directory, values) in [(work + "/m", visitValues), (work + "/t", timeValues)] {
            let files = CommandRunner.files(under: directory)
            XCTAssertTrue(files.contains("report.html") && files.contains("rejected.csv"), "\(files)")
            XCTAssertFalse(files.contains("key.csv"), "\(files)")
            for file in files {
                for (part, text) in try OutputText.texts(of: directory + "/" + file, named: file) {
                    if let found = values.firstFound(in: text) { XCTFail("\(part) holds \(found)") }
                    XCTAssertNil(OutputText.personnummerLike(in: text), "\(part) holds a personnummer")
                }
            }
        }
        // Every file may be shared: none is private to its owner.
        for file in CommandRunner.files(under: work + "/m") {
            XCTAssertEqual(try Self.mode(work + "/m/" + file), 0o644, file)
        }
    }

    func testTheKeyIsInThePrivateDirectoryTheDocsName() throws {
        let work = CommandRunner.temporaryDirectory()
        let home = work + "/home"
        var environment = CommandRunner.environment()
        environment["KONTINUITET_KEY_DIR"] = nil
        environment["XDG_DATA_HOME"] = nil
        environment["HOME"] = home
        let measure = try CommandRunner.run(
            ["measure", "--visits"] + visits + ["--out", work + "/m"], environment: environment)
        XCTAssertEqual(measure.status, 0, measure.stderr)
        let time = try CommandRunner.run(
            ["time-report"] + timeInputs + ["--out", work + "/t"], environment: environment)
        XCTAssertEqual(time.status, 0, time.stderr)
        let keys = home + "/.local/share/kontinuitet/keys"
        XCTAssertEqual(try Self.mode(keys), 0o700)
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: keys).sorted(),
            [
                "measure-2018.csv", "time-report.csv",
            ])
        for name in ["measure-2018.csv", "time-report.csv"] {
            XCTAssertEqual(try Self.mode(keys + "/" + name), 0o600, name)
        }
        let key = try String(contentsOfFile: keys + "/measure-2018.csv", encoding: .utf8)
        XCTAssertTrue(key.hasPrefix("provider,pseudonym,user\n"), key)
        XCTAssertTrue(key.contains(",19291210-8699\n"), "every user of every provider is in the key")
        XCTAssertTrue(measure.stderr.contains("löpnummer key (private): \(keys)/measure-2018.csv"), measure.stderr)

        // XDG_DATA_HOME comes before HOME, KONTINUITET_KEY_DIR before both; an opened-up directory is closed again.
        environment["XDG_DATA_HOME"] = work + "/data"
        XCTAssertEqual(
            try CommandRunner.run(
                ["measure", "--visits"] + visits + ["--out", work + "/m2"], environment: environment
            )
            .status, 0)
        XCTAssertEqual(try Self.mode(work + "/data/kontinuitet/keys/measure-2018.csv"), 0o600)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: work + "/data/kontinuitet/keys")
        environment["KONTINUITET_KEY_DIR"] = work + "/data/kontinuitet/keys"
        let again = try CommandRunner.run(
            ["measure", "--visits"] + visits + ["--out", work + "/m3"], environment: environment)
        XCTAssertTrue(again.stderr.contains("made private (0700)"), again.stderr)
        XCTAssertEqual(try Self.mode(work + "/data/kontinuitet/keys"), 0o700)
    }

    func testPrivateFilesAreRefusedInsideTheOutputDirectoryAndTheRawRowsWrittenOnlyWhenAskedFor() throws {
        let work = CommandRunner.temporaryDirectory()
        let out = work + "/out"
        for option in ["--key", "--rejected-rows"] {
            let refused = try CommandRunner.run(
                ["measure", "--visits"] + visits + ["--out", out, option, out + "/x.csv"])
            XCTAssertEqual(refused.status, 2, refused.stderr)
            XCTAssertTrue(refused.stderr.contains("may not be inside the output directory"), refused.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        }
        let raw = work + "/rejected-rows.csv"
        let key = work + "/my-key.csv"
        let result = try CommandRunner.run(
            ["measure", "--visits"] + visits + ["--out", out, "--key", key, "--rejected-rows", raw])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try Self.mode(key), 0o600)
        XCTAssertEqual(try Self.mode(raw), 0o600)
        let rows = try String(contentsOfFile: raw, encoding: .utf8)
        XCTAssertTrue(rows.hasPrefix("file,line,reason,detail,row\n"), rows)
        XCTAssertTrue(rows.contains("Delad, Brukare"), "the rows as read")
        let shared = try String(contentsOfFile: out + "/rejected.csv", encoding: .utf8)
        XCTAssertTrue(
            shared.hasPrefix(
                "file,line,column,reason,detail\nsample-data/visits/omsorg-vast.csv,102,start,bad_start,"), shared)
        XCTAssertFalse(shared.contains("Delad"))

        // time-report and compile take --rejected-rows too.
        let time = try CommandRunner.run(["time-report"] + timeInputs + ["--out", out + "-t", "--rejected-rows", raw])
        XCTAssertEqual(time.status, 0, time.stderr)
        XCTAssertTrue(try String(contentsOfFile: raw, encoding: .utf8).contains("2018-10-32 08:00"))
        let form = try write("provider,user,staff_count\nP,1,10\nP,,9\n", "form.csv", in: work)
        let compile = try CommandRunner.run([
            "compile", "--forms", form, "--out", work + "/c", "--rejected-rows", work + "/c/raw.csv",
        ])
        XCTAssertEqual(compile.status, 2, "inside the output directory: " + compile.stderr)
        let compiled = try CommandRunner.run(["compile", "--forms", form, "--out", work + "/c", "--rejected-rows", raw])
        XCTAssertEqual(compiled.status, 0, compiled.stderr)
        XCTAssertTrue(try String(contentsOfFile: raw, encoding: .utf8).contains("P,,9"))
    }

    func testAKeyAnEarlierVersionLeftInTheOutputDirectoryIsTakenOverAndTheUserTold() throws {
        let work = CommandRunner.temporaryDirectory()
        let out = work + "/out"
        let log = try write(CommandRunner.measurableLog(user: "A"), "visits.csv", in: work)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        _ = try write("provider,pseudonym,user\nP1,17,A\n", "out/key.csv", in: work)
        let keys = work + "/keys"
        let result = try CommandRunner.run(["measure", "--visits", log, "--out", out], keyDirectory: keys)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("\(out)/key.csv: a löpnummer key left by an earlier version"))
        XCTAssertTrue(result.stderr.contains("move it out of the output directory or delete it"), result.stderr)
        XCTAssertEqual(
            try String(contentsOfFile: keys + "/measure-2018.csv", encoding: .utf8),
            "provider,pseudonym,user\nP1,17,A\n")
        XCTAssertTrue(try String(contentsOfFile: out + "/users.csv", encoding: .utf8).contains("P1,,17,true"))
        // Never deleted by the tool; told again on the next run, even with --quiet.
        let quiet = try CommandRunner.run(["measure", "--visits", log, "--out", out, "--quiet"], keyDirectory: keys)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/key.csv"))
        XCTAssertTrue(quiet.stderr.contains("no longer read"), quiet.stderr)
    }

    // MARK: What reaches the report and stderr

    func testAPersonnummerInAnInputFileNameNeverReachesTheReportOrStderr() throws {
        let work = CommandRunner.temporaryDirectory()
        let planted = work + "/19310417-1370 besok.csv"
        try FileManager.default.copyItem(
            atPath: CommandRunner.packageRoot.path + "/sample-data/visits/omsorg-vast.csv", toPath: planted)
        let measure = try CommandRunner.run(["measure", "--visits", visits[0], planted, "--out", work + "/m"])
        XCTAssertEqual(measure.status, 0, measure.stderr)
        XCTAssertTrue(measure.stderr.contains("input: fil 2 (Windows-1252"), measure.stderr)
        XCTAssertTrue(measure.stderr.contains("read fil 2:"), measure.stderr)
        XCTAssertTrue(measure.stderr.contains("input: sample-data/visits/hemtjanst-norr.csv"), measure.stderr)
        let report = try String(contentsOfFile: work + "/m/report.html", encoding: .utf8)
        XCTAssertTrue(report.contains("fil 2"))
        for text in [measure.stderr, report, try String(contentsOfFile: work + "/m/rejected.csv", encoding: .utf8)] {
            XCTAssertFalse(text.contains("1931"))
            XCTAssertFalse(text.contains("besok.csv"))
        }

        let performed = work + "/Ekström, Harald 19310417-1370.csv"
        try FileManager.default.copyItem(
            atPath: CommandRunner.packageRoot.path + "/sample-data/time/performed.csv", toPath: performed)
        let time = try CommandRunner.run(["time-report", "--performed", performed, "--out", work + "/t"])
        XCTAssertEqual(time.status, 0, time.stderr)
        for file in ["anomalies.csv", "rejected.csv", "report.html"] {
            let text = try String(contentsOfFile: work + "/t/" + file, encoding: .utf8)
            XCTAssertFalse(text.contains("1931") || text.contains("Ekström"), file)
        }
        XCTAssertTrue(try String(contentsOfFile: work + "/t/anomalies.csv", encoding: .utf8).contains("\nfil 1,"))
        XCTAssertFalse(time.stderr.contains("1931"), time.stderr)
    }

    func testKeepIDsWritesNoFormAndKeepsTheFilesWithIDsPrivate() throws {
        let work = CommandRunner.temporaryDirectory()
        let keys = work + "/keys"
        let result = try CommandRunner.run(
            ["measure", "--visits"] + visits + ["--out", work + "/m", "--keep-ids"], keyDirectory: keys)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: work + "/m/forms"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: keys), "no key with --keep-ids")
        XCTAssertEqual(try Self.mode(work + "/m/users.csv"), 0o600)
        XCTAssertEqual(try Self.mode(work + "/m/report.html"), 0o644)
        XCTAssertTrue(result.stderr.contains("no Kolada form written"), result.stderr)
    }

    // MARK: What a löpnummer says

    /// Users listed in the order of their personnummer (so by age) are not numbered in that order; a second run
    /// keeps every number, whatever the order of the rows.
    func testLöpnummerDoNotFollowTheInputOrderAndASecondRunKeepsThem() throws {
        let work = CommandRunner.temporaryDirectory()
        let users = (1...40).map {
            Self.personnummer(born: "1930" + String(format: "%02d", 1 + $0 % 12) + "15", serial: $0)
        }
        .sorted()
        let log =
            "provider,user,staff,start\n"
            + users.map { CommandRunner.measurableLog(user: $0, header: false) }.joined()
        let sorted = try write(log, "sorted.csv", in: work)
        let keys = work + "/keys"
        // The system's random order, as a real run has it.
        let first = try CommandRunner.run(
            ["measure", "--visits", sorted, "--out", work + "/a"], keyDirectory: keys, seed: nil)
        XCTAssertEqual(first.status, 0, first.stderr)
        let key = try String(contentsOfFile: keys + "/measure-2018.csv", encoding: .utf8)
        let numbers = Self.numbers(key)
        XCTAssertEqual(Set(users.compactMap { numbers[$0] }), Set(1...40))
        XCTAssertNotEqual(users.map { numbers[$0] ?? 0 }, Array(1...40), "löpnummer follow the personnummer")

        let reversed = try write(
            "provider,user,staff,start\n"
                + users.reversed().map { CommandRunner.measurableLog(user: $0, header: false) }.joined(),
            "reversed.csv", in: work)
        let second = try CommandRunner.run(
            ["measure", "--visits", reversed, "--out", work + "/b"], keyDirectory: keys, seed: nil)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(try String(contentsOfFile: keys + "/measure-2018.csv", encoding: .utf8), key)
        XCTAssertEqual(
            try String(contentsOfFile: work + "/a/users.csv", encoding: .utf8),
            try String(contentsOfFile: work + "/b/users.csv", encoding: .utf8))
    }

    // MARK: Helpers

    private func write(_ text: String, _ name: String, in directory: String) throws -> String {
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    static func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return ((attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1) & 0o777
    }

    /// The user → löpnummer pairs of a key file.
    static func numbers(_ key: String) -> [String: Int] {
        var numbers: [String: Int] = [:]
        for line in key.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",")
            if fields.count == 3, let number = Int(fields[1]) { numbers[String(fields[2])] = number }
        }
        return numbers
    }

    /// A valid personnummer `YYYYMMDD-NNNC` (C the Luhn check digit of the last ten digits before it).
    static func personnummer(born date: String, serial: Int) -> String {
        let serialText = String(format: "%03d", serial)
        let nine = Array((date.dropFirst(2) + serialText).utf8).map { Int($0) - 48 }
        var sum = 0
        for (index, digit) in nine.enumerated() {
            let product = digit * (index % 2 == 0 ? 2 : 1)
            sum += product / 10 + product % 10
        }
        return "\(date)-\(serialText)\((10 - sum % 10) % 10)"
    }
}

/// The user ids and names in input files, read independently of the tool (a small CSV splitter).
struct PersonalValues {
    var ids: Set<String> = []
    var names: Set<String> = []

    init(files: [String]) throws {
        for path in files {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            var text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .windowsCP1252) ?? ""
            if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
            let lines = text.split(whereSeparator: \.isNewline)
            guard let headerLine = lines.first else { continue }
            let delimiter: Character = headerLine.contains("\t") ? "\t" : headerLine.contains(";") ? ";" : ","
            let header = Self.fields(headerLine, delimiter).map { $0.lowercased() }
            let userColumn = header.firstIndex { ["user", "brukare"].contains($0) }
            let nameColumn = header.firstIndex { ["sort_name", "namn"].contains($0) }
            for line in lines.dropFirst() {
                let fields = Self.fields(line, delimiter)
                if let userColumn, userColumn < fields.count, !fields[userColumn].isEmpty {
                    ids.insert(fields[userColumn])
                }
                if let nameColumn, nameColumn < fields.count, !fields[nameColumn].isEmpty {
                    names.insert(fields[nameColumn])
                }
            }
        }
    }

    /// The first id or name (also as "first name family name") found in `text`, if any.
    func firstFound(in text: String) -> String? {
        for id in ids where text.contains(id) { return "the user id \(id)" }
        for name in names {
            let parts = name.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let written = parts.count == 2 ? "\(parts[1]) \(parts[0])" : name
            if text.contains(name) || text.contains(written) { return "the name \(name)" }
        }
        return nil
    }

    private static func fields(_ line: Substring, _ delimiter: Character) -> [String] {
        var fields: [String] = []
        var field = ""
        var quoted = false
        for character in line {
            if character == "\"" {
                quoted.toggle()
            } else if character == delimiter && !quoted {
                fields.append(field.trimmingCharacters(in: .whitespaces))
                field = ""
            } else {
                field.append(character)
            }
        }
        fields.append(field.trimmingCharacters(in: .whitespaces))
        return fields
    }
}

/// The text of an output file: the file itself, or each part of an XLSX workbook (a ZIP of stored XML parts),
/// read here without the tool's code.
enum OutputText {
    static func texts(of path: String, named name: String) throws -> [(String, String)] {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        guard name.hasSuffix(".xlsx") else { return [(name, String(decoding: bytes, as: UTF8.self))] }
        var parts: [(String, String)] = []
        var position = 0
        func uint(_ at: Int, _ count: Int) -> Int {
            (0..<count).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) }
        }
        // Local file headers, each followed by its stored contents, up to the central directory.
        while position + 30 <= bytes.count, uint(position, 4) == 0x0403_4B50 {
            XCTAssertEqual(uint(position + 8, 2), 0, "\(name): a part is compressed")
            let size = uint(position + 18, 4)
            let nameLength = uint(position + 26, 2)
            let start = position + 30 + nameLength + uint(position + 28, 2)
            let partName = String(decoding: bytes[(position + 30)..<(position + 30 + nameLength)], as: UTF8.self)
            parts.append(("\(name) \(partName)", String(decoding: bytes[start..<(start + size)], as: UTF8.self)))
            position = start + size
        }
        XCTAssertFalse(parts.isEmpty, "\(name): no parts")
        return parts
    }

    /// A personnummer-like run (`YYMMDD-NNNN`, `YYYYMMDD-NNNN` or 10 or 12 digits in a row), whatever its check
    /// digit.
    static func personnummerLike(in text: String) -> String? {
        let pattern = #"(?<![0-9])([0-9]{6}|[0-9]{8})[-+]?[0-9]{4}(?![0-9])"#
        guard let regex = try? NSRegularExpression(pattern: pattern),
            let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
            let range = Range(match.range, in: text)
        else { return nil }
        return String(text[range])
    }
}
