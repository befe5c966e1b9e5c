import Foundation
import XCTest

/// The edges of every command, run as a user would: empty results, odd files, odd timestamps, the command line.
/// Each test asserts the exit status and the message.
final class EdgeTests: XCTestCase {
    override func tearDown() { CommandRunner.removeTemporaryDirectories() }

    private func write(_ text: String, _ name: String, in directory: String) throws -> String {
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    func testALogOfAnotherTimeThanThePeriodExitsFourSayingWhatTheDataCovers() throws {
        let directory = CommandRunner.temporaryDirectory()
        // The user's rows are in September 2018; the period asked for starts 2 September 2019.
        let path = try write(CommandRunner.measurableLog(user: "u1"), "march.csv", in: directory)
        let result = try CommandRunner.run(
            ["measure", "--visits", path, "--period-start", "2019-09-02", "--out", directory + "/out"])
        XCTAssertEqual(result.status, 4, result.stderr)
        XCTAssertTrue(
            result.stderr.contains(
                "no row falls in the period 2019-09-02 – 2019-09-15; the data covers 2018-09-03 – 2018-09-16"),
            result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/out/forms"), "no empty form")
    }

    func testAProviderWithoutAMeasuredUserIsNamedAndGetsNoForm() throws {
        let directory = CommandRunner.temporaryDirectory()
        // P1's user is measured; P2's user has one visit only.
        let text = CommandRunner.measurableLog(user: "u1") + "P2,u2,s9,2018-09-03 08:00\n"
        let path = try write(text, "two.csv", in: directory)
        let result = try CommandRunner.run(["measure", "--visits", path, "--out", directory + "/out"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(
            result.stderr.contains(
                "provider \"P2\": no user measured (most often too_few_daily_visits, 1 of 1 users); no form written"),
            result.stderr)
        let forms = try FileManager.default.contentsOfDirectory(atPath: directory + "/out/forms").sorted()
        XCTAssertEqual(forms, ["p1.csv", "p1.xlsx"])
    }

    func testAHeaderOnlyFileIsNamedAndHasNoResult() throws {
        let directory = CommandRunner.temporaryDirectory()
        let path = try write("provider,user,staff,start\n", "tom.csv", in: directory)
        let result = try CommandRunner.run(["measure", "--visits", path, "--out", directory + "/out"])
        XCTAssertEqual(result.status, 4)
        XCTAssertTrue(result.stderr.contains("\(path): no data rows, only a header"), result.stderr)
        let validate = try CommandRunner.run([
            "validate", "--forms", try write("Utförare,Löpnummer,Antal personal\n", "form.csv", in: directory),
        ])
        XCTAssertEqual(validate.status, 3)
        XCTAssertTrue(validate.stdout.contains("[empty_form]"), validate.stdout)
    }

    func testHeaderOnlyFormsAndExportsAreNamedInCompileAndTimeReport() throws {
        let directory = CommandRunner.temporaryDirectory()
        let empty = try write("provider,user,staff_count\n", "tom.csv", in: directory)
        let full = try write("provider,user,staff_count\nP1,1,10\n", "full.csv", in: directory)
        let compile = try CommandRunner.run(["compile", "--forms", empty, full, "--out", directory + "/c"])
        XCTAssertEqual(compile.status, 0, compile.stderr)
        XCTAssertTrue(compile.stderr.contains("\(empty): the form has no rows"), compile.stderr)
        let header = try write("provider,user,staff,start,end\n", "p0.csv", in: directory)
        let rows = try write(
            "provider,user,staff,start,end\nP1,u1,s1,2018-09-03 08:00,2018-09-03 08:30\n", "p1.csv", in: directory)
        let time = try CommandRunner.run(["time-report", "--performed", header, rows, "--out", directory + "/t"])
        XCTAssertEqual(time.status, 0, time.stderr)
        XCTAssertTrue(time.stderr.contains("\(header): the file has no data rows"), time.stderr)
    }

    func testTimeReportTakesTheProviderFromTheCommandLine() throws {
        let directory = CommandRunner.temporaryDirectory()
        let path = try write(
            "brukare;personal;datum;incheckning;utcheckning\nu1;s1;2018-09-03;08.00;08.45\n", "p.csv", in: directory)
        let result = try CommandRunner.run([
            "time-report", "--performed", path, "--provider", "Hemtjänst Norr", "--out", directory + "/t",
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        // 08.00 to 08.45 on 3 September: 45 minutes for Hemtjänst Norr.
        let months = try String(contentsOfFile: directory + "/t/provider_months.csv", encoding: .utf8)
        XCTAssertTrue(months.contains("Hemtjänst Norr,2018-09,,,0.75,45.00,"), months)
    }

    func testEveryRowRejectedExitsFour() throws {
        let directory = CommandRunner.temporaryDirectory()
        let path = try write("provider,user,staff,start\nP1,u1,s1,igår\nP1,u1,s1,i morgon\n", "bad.csv", in: directory)
        let result = try CommandRunner.run([
            "measure", "--visits", path, "--period-start", "2018-09-03", "--out", directory + "/out",
        ])
        XCTAssertEqual(result.status, 4)
        XCTAssertTrue(result.stderr.contains("every one of the 2 rows was rejected (bad_start 2)"), result.stderr)
    }

    func testSwedishTimesADateColumnAndPersonnummerAsTheUserColumn() throws {
        let directory = CommandRunner.temporaryDirectory()
        // The same visits three ways: "08:00" timestamps; "8.00" Swedish times; a datum column beside a
        // starttid column with a personnummer column as the user and --provider for the missing provider.
        let plain = CommandRunner.measurableLog(user: "19300101-0000")
        let dotted = plain.replacingOccurrences(of: " 08:00", with: " 8.00").replacingOccurrences(
            of: " 17:00", with: " 17.00")
        var split = "personnummer;personal;datum;starttid\n"
        for line in plain.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",")
            let stamp = fields[3].split(separator: " ")
            split += "\(fields[1]);\(fields[2]);\(stamp[0]);\(stamp[1].replacingOccurrences(of: ":", with: "."))\n"
        }
        var outputs: [String] = []
        for (name, text, extra) in [
            ("plain.csv", plain, [String]()), ("dotted.csv", dotted, []), ("split.csv", split, ["--provider", "P1"]),
        ] {
            let path = try write(text, name, in: directory)
            let out = directory + "/out-" + name
            let result = try CommandRunner.run(["measure", "--visits", path, "--keep-ids", "--out", out] + extra)
            XCTAssertEqual(result.status, 0, name + result.stderr)
            outputs.append(try String(contentsOfFile: out + "/users.csv", encoding: .utf8))
        }
        // One measured user, 28 visits, 2 staff, in all three.
        XCTAssertTrue(outputs[0].contains("P1,,19300101-0000,true,,14,28,2,true"), outputs[0])
        XCTAssertEqual(Set(outputs).count, 1, outputs.joined(separator: "\n"))
    }

    func testCarriageReturnLineEndsAreReadByEveryCommand() throws {
        let directory = CommandRunner.temporaryDirectory()
        let log = CommandRunner.measurableLog(user: "u1").replacingOccurrences(of: "\n", with: "\r")
        let visits = try write(log, "cr.csv", in: directory)
        let measure = try CommandRunner.run(["measure", "--visits", visits, "--out", directory + "/m"])
        XCTAssertEqual(measure.status, 0, measure.stderr)
        XCTAssertTrue(measure.stderr.contains("rows read 28 = used 28"), measure.stderr)
        let form = "Utförare,Löpnummer,Antal personal\r" + (1...6).map { "P1,\($0),1\($0)" }.joined(separator: "\r")
        let forms = try write(form + "\r", "form.csv", in: directory)
        let compile = try CommandRunner.run(["compile", "--forms", forms, "--year", "2018", "--out", directory + "/c"])
        XCTAssertEqual(compile.status, 0, compile.stderr)
        XCTAssertTrue(compile.stderr.contains("rows read 6 = used 6 + rejected 0"), compile.stderr)
        let validate = try CommandRunner.run(["validate", "--forms", forms])
        XCTAssertEqual(validate.status, 0, validate.stdout)
        let performed = try write(
            "provider,user,staff,start,end\rP1,u1,s1,2018-09-03 08:00,2018-09-03 08:30\r", "performed.csv",
            in: directory)
        let time = try CommandRunner.run(["time-report", "--performed", performed, "--out", directory + "/t"])
        XCTAssertEqual(time.status, 0, time.stderr)
        XCTAssertTrue(time.stderr.contains("performed rows read 1 = used 1"), time.stderr)
    }

    func testARecordWithAnotherFieldCountIsRejectedAndATrailingDelimiterTolerated() throws {
        let directory = CommandRunner.temporaryDirectory()
        // Line 30: an unquoted comma inside a value (5 fields); line 31: a truncated line (3 fields); line 32: a
        // trailing delimiter (an empty fifth field), which is tolerated.
        let text =
            CommandRunner.measurableLog(user: "u1") + "P1,u1,Berg, Anna,2018-09-03 09:00\nP1,u1,s3\n"
            + "P1,u1,s3,2018-09-03 10:00,\n"
        let path = try write(text, "fields.csv", in: directory)
        let result = try CommandRunner.run(["measure", "--visits", path, "--out", directory + "/out"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("rows read 31 = used 29 + excluded 0 + rejected 2"), result.stderr)
        let rejected = try String(contentsOfFile: directory + "/out/rejected.csv", encoding: .utf8)
        XCTAssertTrue(rejected.contains("fields.csv,30,,field_count"), rejected)
        XCTAssertTrue(rejected.contains("fields.csv,31,,field_count"), rejected)
    }

    func testFormatsThatCannotBeReadAreNamed() throws {
        let directory = CommandRunner.temporaryDirectory()
        let xls = directory + "/old.xls"
        XCTAssertTrue(
            FileManager.default.createFile(
                atPath: xls,
                contents: Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 512))))
        let result = try CommandRunner.run(["measure", "--visits", xls, "--out", directory + "/out"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("\(xls): the file is an Excel 97–2003 workbook (.xls)"), result.stderr)
        XCTAssertTrue(result.stderr.contains("save it as .xlsx"), result.stderr)
        let pdf = try write("%PDF-1.7\n", "rapport.pdf", in: directory)
        let compile = try CommandRunner.run(["compile", "--forms", pdf, "--out", directory + "/c"])
        XCTAssertEqual(compile.status, 2)
        XCTAssertTrue(compile.stderr.contains("is a PDF document"), compile.stderr)
    }

    func testUTF16TextAsExcelSavesUnicodeText() throws {
        let directory = CommandRunner.temporaryDirectory()
        let text = CommandRunner.measurableLog(user: "Åsa").replacingOccurrences(of: ",", with: "\t")
        let path = directory + "/unicode.txt"
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in text.utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        let result = try CommandRunner.run(["measure", "--visits", path, "--keep-ids", "--out", directory + "/out"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let users = try String(contentsOfFile: directory + "/out/users.csv", encoding: .utf8)
        XCTAssertTrue(users.contains("P1,,Åsa,true,,14,28,2,true"), users)
    }

    func testRegisterRowsThatCannotBeUsedAreRejectedAndCounted() throws {
        let directory = CommandRunner.temporaryDirectory()
        let register = try write(
            "provider,name,provider_type,capacity_hours,valid_from,valid_to\nP1,,privat,100,2018-01-01,\n"
                + "P2,,privat,-5,2018-01-01,\nP3,,privat,100,2018-13-01,\nP4,,privat,100,2018-06-01,2018-01-01\n",
            "register.csv", in: directory)
        let performed = try write(
            "provider,user,staff,start,end\nP1,u1,s1,2018-09-03 08:00,2018-09-03 08:30\n", "p.csv", in: directory)
        let time = try CommandRunner.run([
            "time-report", "--performed", performed, "--providers", register, "--out", directory + "/t",
        ])
        XCTAssertEqual(time.status, 0, time.stderr)
        XCTAssertTrue(time.stderr.contains("register rows read 4 = used 1 + rejected 3"), time.stderr)
        let rejected = try String(contentsOfFile: directory + "/t/rejected.csv", encoding: .utf8)
        for reason in [
            "register.csv,3,capacity_hours,bad_capacity_hours", "register.csv,4,valid_from,bad_valid_from",
            "register.csv,5,valid_to,bad_validity",
        ] {
            XCTAssertTrue(rejected.contains(reason), rejected)
        }
        let form = try write("provider,user,staff_count\nP1,1,10\n", "f.csv", in: directory)
        let compile = try CommandRunner.run([
            "compile", "--forms", form, "--providers", register, "--year", "2018", "--out", directory + "/c",
        ])
        XCTAssertEqual(compile.status, 0, compile.stderr)
        XCTAssertTrue(compile.stderr.contains("register rows read 4 = used 1 + rejected 3"), compile.stderr)
    }

    func testNoPerformedTimeExitsFour() throws {
        let directory = CommandRunner.temporaryDirectory()
        let performed = try write("provider,user,staff,start,end\nP1,u1,s1,2018-09-03 08:00,\n", "p.csv", in: directory)
        let result = try CommandRunner.run(["time-report", "--performed", performed, "--out", directory + "/t"])
        XCTAssertEqual(result.status, 4)
        XCTAssertTrue(result.stderr.contains("no result: no row of performed time"), result.stderr)
    }

    func testNoFormRowCompiledExitsFour() throws {
        let directory = CommandRunner.temporaryDirectory()
        let form = try write("provider,user,staff_count\nP1,1,0\n", "f.csv", in: directory)
        let result = try CommandRunner.run(["compile", "--forms", form, "--out", directory + "/c"])
        XCTAssertEqual(result.status, 4)
        XCTAssertTrue(result.stderr.contains("no result: no form row could be compiled"), result.stderr)
    }

    func testTheCommandLine() throws {
        let help = try CommandRunner.run(["--help"])
        // Whole summaries: measure's names report.html, past its first dot ("users.csv").
        XCTAssertTrue(help.stdout.contains("report.html"), help.stdout)
        let typo = try CommandRunner.run(["measure", "--visit", "a.csv"])
        XCTAssertEqual(typo.status, 1)
        XCTAssertTrue(typo.stderr.contains("unknown option '--visit'; did you mean '--visits'?"), typo.stderr)
        // --out naming a file is refused before the input (which does not exist) is read.
        let directory = CommandRunner.temporaryDirectory()
        let file = try write("x", "a-file", in: directory)
        let out = try CommandRunner.run(["measure", "--visits", directory + "/missing.csv", "--out", file])
        XCTAssertEqual(out.status, 2)
        XCTAssertTrue(out.stderr.contains("\(file): the output directory is an existing file"), out.stderr)
    }
}

/// The September loop on generated data: measure writes the forms, validate passes them, compile gives back the
/// provider figures of measure's providers.csv exactly.
final class RoundTripTests: XCTestCase {
    override func tearDown() { CommandRunner.removeTemporaryDirectories() }

    func testMeasureFormsValidateCompileGiveTheProviderFiguresOfMeasure() throws {
        let directory = CommandRunner.temporaryDirectory()
        let log = directory + "/city.csv"
        let generator = Process()
        generator.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        generator.arguments = [
            "python3", CommandRunner.packageRoot.path + "/scripts/generate.py", "--seed", "11", "--users", "900",
            "--days", "14", "--start", "2018-09-03", "--out", log,
        ]
        generator.standardOutput = FileHandle.nullDevice
        generator.standardError = FileHandle.nullDevice
        do { try generator.run() } catch { throw XCTSkip("python3 is not available to generate a log") }
        generator.waitUntilExit()
        XCTAssertEqual(generator.terminationStatus, 0)
        let measure = try CommandRunner.run(["measure", "--visits", log, "--out", directory + "/m", "--quiet"])
        XCTAssertEqual(measure.status, 0, measure.stderr)
        let forms = try FileManager.default.contentsOfDirectory(atPath: directory + "/m/forms").filter {
            $0.hasSuffix(".csv")
        }.sorted().map { directory + "/m/forms/" + $0 }
        XCTAssertGreaterThan(forms.count, 10)
        let validate = try CommandRunner.run(["validate", "--forms"] + forms + ["--year", "2018"])
        XCTAssertEqual(validate.status, 0, validate.stdout)
        let compile = try CommandRunner.run(["compile", "--forms"] + forms + ["--out", directory + "/c", "--quiet"])
        XCTAssertEqual(compile.status, 0, compile.stderr)

        // providers.csv: provider,measured_users,sampled_users,mean_staff,median_staff,min_staff,max_staff,share
        var expected: [String: [String]] = [:]
        for line in try String(contentsOfFile: directory + "/m/providers.csv", encoding: .utf8).split(
            separator: "\n"
        ).dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f[2] != "0" else { continue }
            expected[f[0]] = [f[2], f[3], f[4], f[5], f[6], f[7]]
        }
        // results.csv: level,key,name,status,type,district,users,mean,median,min,max,share,…
        var compiled: [String: [String]] = [:]
        for line in try String(contentsOfFile: directory + "/c/results.csv", encoding: .utf8).split(separator: "\n")
        where line.hasPrefix("provider,") {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            compiled[f[1]] = [f[6], f[7], f[8], f[9], f[10], f[11]]
        }
        XCTAssertFalse(expected.isEmpty)
        XCTAssertEqual(compiled, expected)
    }
}
