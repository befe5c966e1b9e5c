import Foundation
import XCTest

/// The README's quick-start command on the bundled sample data, compared with the committed expected outputs.
final class SampleDataTests: XCTestCase {
    override func tearDown() { CommandRunner.removeTemporaryDirectories() }

    private let visits = [
        "sample-data/visits/hemtjanst-norr.csv", "sample-data/visits/omsorg-vast.csv",
        "sample-data/visits/trygg-omsorg-phoniro.csv",
    ]

    func testMeasureOnTheSampleMatchesTheExpectedOutputs() throws {
        let out = CommandRunner.temporaryDirectory() + "/out"
        let result = try CommandRunner.run(["measure", "--visits"] + visits + ["--out", out])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(
            result.stderr.contains("rows read 14467 = used 14445 + excluded 18 + rejected 4"), result.stderr)
        CommandRunner.assertSameFiles(
            expected: CommandRunner.packageRoot.path + "/sample-data/expected/measure", actual: out)
    }

    func testTheSameOutputsForOneAndFourThreads() throws {
        let one = CommandRunner.temporaryDirectory() + "/one"
        let four = CommandRunner.temporaryDirectory() + "/four"
        XCTAssertEqual(
            try CommandRunner.run(["measure", "--visits"] + visits + ["--out", one, "--threads", "1"]).status, 0)
        XCTAssertEqual(
            try CommandRunner.run(["measure", "--visits"] + visits + ["--out", four, "--threads", "4"]).status, 0)
        CommandRunner.assertSameFiles(expected: one, actual: four)
    }

    func testThePlantedCasesHaveTheirHandCheckedAnswers() throws {
        let out = CommandRunner.temporaryDirectory() + "/ids"
        XCTAssertEqual(
            try CommandRunner.run(["measure", "--visits"] + visits + ["--out", out, "--keep-ids", "--quiet"]).status, 0)
        let users = try String(contentsOfFile: out + "/users.csv", encoding: .utf8)
        for line in [
            "Hemtjänst Norr,Norr 1,HN-E01,true,,14,28,4,true",
            "Hemtjänst Norr,Norr 1,HN-E02,false,too_few_daily_visits,10,20,2,false",
            "Hemtjänst Norr,Norr 1,HN-E03,false,under_65,14,28,2,false",
            "Hemtjänst Norr,Norr 1,HN-E04,false,no_visits_in_period,0,0,0,false",
            "Hemtjänst Norr,Norr 1,HN-E05,true,,14,28,2,true",
            "Trygg Omsorg,Centrum,19600408-6671,false,under_65,14,51,12,false",
        ] {
            XCTAssertTrue(users.contains(line + "\n"), line)
        }
        // Omsorg Väst AB has 179 measured users: k = ceil(179 / 150) = 2, so 90 are sampled.
        let providers = try String(contentsOfFile: out + "/providers.csv", encoding: .utf8)
        XCTAssertTrue(providers.contains("Omsorg Väst AB,179,90,"), providers)
    }
}

/// The time report on the bundled sample, compared with the committed expected outputs.
final class TimeReportSampleTests: XCTestCase {
    override func tearDown() { CommandRunner.removeTemporaryDirectories() }

    func testTimeReportOnTheSampleMatchesTheExpectedOutputs() throws {
        let out = CommandRunner.temporaryDirectory() + "/time"
        let result = try CommandRunner.run([
            "time-report", "--performed", "sample-data/time/performed.csv", "--allocated",
            "sample-data/time/allocated.csv", "--providers", "sample-data/time/providers.csv", "--out", out,
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(
            result.stderr.contains(
                "performed rows read 471 = used 469 + flagged without time 1 + duplicates 0 + rejected 1"),
            result.stderr)
        XCTAssertTrue(result.stderr.contains("Trygg Omsorg 2018-10"), "the ceiling warning is printed")
        CommandRunner.assertSameFiles(
            expected: CommandRunner.packageRoot.path + "/sample-data/expected/time-report", actual: out)
    }

    func testTheDSTAndMonthBoundaryCasesAreRight() throws {
        let out = CommandRunner.temporaryDirectory() + "/time-ids"
        XCTAssertEqual(
            try CommandRunner.run([
                "time-report", "--performed", "sample-data/time/performed.csv", "--out", out, "--keep-ids", "--quiet",
            ]).status, 0)
        let days = try String(contentsOfFile: out + "/provider_days.csv", encoding: .utf8)
        // 1 November: the 20 minutes after midnight of the night visit, plus the ordinary visits of that day.
        XCTAssertTrue(days.contains("Trygg Omsorg,2018-11-01,"), days)
        let anomalies = try String(contentsOfFile: out + "/anomalies.csv", encoding: .utf8)
        XCTAssertTrue(anomalies.contains(",missing_check_out,"))
        XCTAssertTrue(anomalies.contains(",far_from_planned,"))
        XCTAssertEqual(anomalies.components(separatedBy: ",overlapping_visits,").count - 1, 2)
    }
}

/// `compile` and `validate` on the bundled forms.
final class CompileSampleTests: XCTestCase {
    override func tearDown() { CommandRunner.removeTemporaryDirectories() }

    private var forms: [String] {
        let folder = CommandRunner.packageRoot.path + "/sample-data/expected/measure/forms"
        let measured = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter {
            $0.hasSuffix(".csv")
        }.sorted().map { "sample-data/expected/measure/forms/" + $0 }
        return measured + ["sample-data/forms/hemtjanst-soder.csv"]
    }

    func testCompileOnTheSampleMatchesTheExpectedOutputs() throws {
        let out = CommandRunner.temporaryDirectory() + "/compile"
        let result = try CommandRunner.run(
            ["compile", "--forms"] + forms + ["--providers", "sample-data/providers.csv", "--out", out])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("missing forms (1):\n  \"Omsorg Öst AB\""), result.stderr)
        CommandRunner.assertSameFiles(
            expected: CommandRunner.packageRoot.path + "/sample-data/expected/compile", actual: out)
    }

    func testValidatePassesTheSampleFormsAndFailsABadOne() throws {
        let good = try CommandRunner.run(
            ["validate", "--forms"] + forms + ["--providers", "sample-data/providers.csv", "--year", "2018"])
        XCTAssertEqual(good.status, 0, good.stdout + good.stderr)
        let directory = CommandRunner.temporaryDirectory()
        let bad = directory + "/bad.csv"
        try "utförare;löpnummer;antal personal\nHemtjänst Norr;1;12\nHemtjänst Norr;1;0\nOkänd AB;400101-1230;9\n"
            .write(toFile: bad, atomically: false, encoding: .utf8)
        let result = try CommandRunner.run(["validate", "--forms", bad, "--providers", "sample-data/providers.csv"])
        XCTAssertEqual(result.status, 3)
        XCTAssertTrue(result.stdout.contains("\(bad):3: fel:"), result.stdout)
        // Named by the form's own header, in Swedish.
        XCTAssertTrue(
            result.stdout.contains("\(bad):4: fel: 'löpnummer' ser ut som ett personnummer"), result.stdout)
        XCTAssertTrue(result.stdout.contains("[unknown_provider]"), result.stdout)
        XCTAssertFalse(result.stdout.contains("400101"))
    }
}
