import XCTest

@testable import Kontinuitet

/// The small argument parser every command uses.
final class ArgumentParserTests: XCTestCase {
    private let options = [
        OptionSpec("--visits", .multiple(valueName: "FILE"), required: true, help: "logs"),
        OptionSpec("--out", .single(valueName: "DIR"), help: "dir"),
        OptionSpec("--keep-ids", .flag, help: "ids"),
        OptionSpec("--sample-cap", .single(valueName: "N"), help: "cap"),
    ]

    func testMultipleValuesFlagsAndEquals() throws {
        let parsed = try ParsedArguments.parse(
            ["--visits", "a.csv", "b.csv", "--keep-ids", "--out=dir", "--visits", "c.csv"], options: options)
        XCTAssertEqual(parsed.values("--visits"), ["a.csv", "b.csv", "c.csv"])
        XCTAssertEqual(parsed.value("--out"), "dir")
        XCTAssertTrue(parsed.flag("--keep-ids"))
    }

    func testErrors() {
        XCTAssertThrowsError(try ParsedArguments.parse(["--out", "x"], options: options)) {
            XCTAssertEqual($0 as? UsageError, .missingRequired(option: "--visits"))
        }
        XCTAssertThrowsError(try ParsedArguments.parse(["--visits", "a", "--bogus"], options: options)) {
            XCTAssertEqual($0 as? UsageError, .unknownOption("--bogus"))
        }
        XCTAssertThrowsError(try ParsedArguments.parse(["--visits", "a", "--out"], options: options)) {
            XCTAssertEqual($0 as? UsageError, .missingValue(option: "--out"))
        }
        XCTAssertThrowsError(
            try ParsedArguments.parse(["--visits", "a", "--sample-cap", "x"], options: options).integer(
                "--sample-cap", in: 1...10)
        ) {
            XCTAssertEqual(
                $0 as? UsageError,
                .invalidValue(option: "--sample-cap", value: "x", expected: "a whole number from 1 to 10"))
        }
    }

    func testHelpNeedsNoRequiredOption() throws {
        XCTAssertTrue(try ParsedArguments.parse(["--help"], options: options).flag("--help"))
        let help = ParsedArguments.help(command: "measure", summary: "Measures.", options: options)
        XCTAssertTrue(help.contains("--visits FILE..."))
        XCTAssertTrue(help.contains("(required)"))
    }
}
