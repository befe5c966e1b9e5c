import XCTest

@testable import Kontinuitet

/// Personal data in shareable outputs: personnummer, samordningsnummer, names.
final class DisclosureCheckTests: XCTestCase {
    private func kind(_ text: String) -> DisclosureCheck.Finding.Kind? {
        DisclosureCheck.identityNumberKind(in: Substring(text))
    }

    func testPersonnummerWithValidCheckDigitInEveryForm() {
        // 400101-1230: Luhn over 4,0,0,1,0,1,1,2,3 → 0.
        XCTAssertEqual(kind("P1,400101-1230,5"), .personnummer)
        XCTAssertEqual(kind("P1,4001011230,5"), .personnummer)
        XCTAssertEqual(kind("P1,19400101-1230,5"), .personnummer)
        XCTAssertEqual(kind("P1,194001011230,5"), .personnummer)
        XCTAssertEqual(kind("x 400101+1230 y"), .personnummer)
    }

    func testSamordningsnummer() {
        // Day 61 = the 1st + 60; 400161-1237 has a valid check digit.
        XCTAssertEqual(kind("400161-1237"), .samordningsnummer)
    }

    func testInvalidCheckDigitsAndOtherNumbersPass() {
        XCTAssertNil(kind("400101-1234"))
        XCTAssertNil(kind("2018-09-03,14,0.143"))
        XCTAssertNil(kind("12345678901234"))
        XCTAssertNil(kind("P1,17,true,,14,28,3"))
    }

    func testNamesFromTheInputAreFoundAsWholeWords() {
        let check = DisclosureCheck(names: ["Anna Svensson", "Bo", "  Örjan Ek ", "Svensson, Greta"])
        XCTAssertEqual(check.scan("provider,unit\nP1,Anna Svensson\n", file: "f.csv").map(\.line), [2])
        XCTAssertEqual(check.scan("P1,örjan ek,3", file: "f.csv").map(\.kind), [.name])
        // Punctuation between the words does not hide a name.
        XCTAssertEqual(check.scan("\"Svensson; Greta\",3", file: "f.csv").map(\.kind), [.name])
        // A name given family name first is found in the order people write it too.
        XCTAssertEqual(check.scan("Greta Svensson,3", file: "f.csv").map(\.kind), [.name])
        // "Bo" is one word, too little to look for; a name inside longer words is not a finding.
        XCTAssertTrue(check.scan("Bo,Boende,Annasvenssonsgatan,Anna Svenssons väg", file: "f.csv").isEmpty)
    }

    func testLinesThatDifferOnlyInTheirNumbersAreAnsweredAlikeAndNoOtherLineIs() {
        // The scan remembers the answer of a line's skeleton (digit runs as one digit): rows that differ only in
        // their numbers, as anomalies.csv's do, share it; a line with other letters is looked at anew.
        let check = DisclosureCheck(names: ["Anna Svensson"])
        var text = ""
        for line in 1...40 { text += "fil 1,\(line),overlapping_visits\n" }
        text += "Anna2Svensson,7\nAnna Svensson,8\nfil 1,41,Anna Svensson\nfil 1,42,Anna Svensson\n"
        for line in 43...60 { text += "fil 1,\(line * 1_000),overlapping_visits\n" }
        // "Anna2Svensson" is the words "anna" and "svensson" (digits are not letters): a name too.
        XCTAssertEqual(check.scan(text, file: "anomalies.csv").map(\.line), [41, 42, 43, 44])
        XCTAssertEqual(
            check.scan("fil 1,811218-9870,x\nfil 1,811218-9876,x\n", file: "a.csv").map(\.line), [2],
            "identity numbers are looked for on every line, whatever the line before")
    }

    func testNamesAreFoundWhateverTheCaseOfLettersOutsideASCII() {
        let check = DisclosureCheck(names: ["Åsa Öberg", "Zoë Ek"])
        XCTAssertEqual(check.scan("P1\nHemtjänst,ÅSA ÖBERG,3\n", file: "f.csv").map(\.line), [2])
        XCTAssertEqual(check.scan("x;åsa-öberg", file: "f.csv").map(\.kind), [.name])
        // A combining mark belongs to the letter before it: "Zoe" + U+0308 is the word "zoë" (composed), and
        // after a non-letter it is no letter.
        XCTAssertEqual(check.scan("zoe\u{308} ek", file: "f.csv").map(\.kind), [.name])
        XCTAssertTrue(check.scan("zo-\u{308} ek", file: "f.csv").isEmpty)
        XCTAssertEqual(check.scan("ZOË EK", file: "f.csv").map(\.kind), [.name])
        // Letters of other words around the name's words make them other words.
        XCTAssertTrue(check.scan("Åsa Öbergsgatan,Båsa Öberg", file: "f.csv").isEmpty)
    }

    func testBytesAndTextAreScannedAlike() {
        let check = DisclosureCheck(names: ["Anna Svensson"])
        let text = "a,b\nHemtjänst Norr,400101-1230\n\nc,Anna  Svensson\nd\n"
        let expected = [
            DisclosureCheck.Finding(file: "f.csv", line: 2, kind: .personnummer),
            DisclosureCheck.Finding(file: "f.csv", line: 4, kind: .name),
        ]
        XCTAssertEqual(check.scan(text, file: "f.csv"), expected)
        XCTAssertEqual(check.scan(Array(text.utf8), file: "f.csv"), expected)
        XCTAssertEqual(check.scan([UInt8](), file: "f.csv"), [])
    }

    func testFindingsNameFileAndLineButNotTheValue() {
        let finding = DisclosureCheck(names: []).scan("a\nb,400101-1230\n", file: "users.csv")
        XCTAssertEqual(finding, [DisclosureCheck.Finding(file: "users.csv", line: 2, kind: .personnummer)])
        XCTAssertFalse(finding[0].description.contains("400101"))
    }

    func testMeasureRefusesToShareAPersonnummerInAUnitAndKeepsPreviousResults() throws {
        let directory = TemporaryDirectory()
        directory.file("out/users.csv", "previous\n")
        var log = VisitLogBuilder()
        log.regularUser(user: "A", staff: ["s1"])
        log.row(unit: "400101-1230", user: "B", staff: "s1", day: 3, time: "09:00")
        let result = try log.measure()
        XCTAssertThrowsError(
            try MeasureOutputs.write(
                result, to: OutputDirectory(path: directory.path + "/out"), options: .testing(keysOf: directory))
        ) { error in
            guard case OutputError.disclosure(let findings) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(findings.contains { $0.file == "users.csv" && $0.kind == .personnummer })
        }
        XCTAssertEqual(directory.read("out/users.csv"), "previous\n")
        // Nothing written: not the key either.
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.keyDirectory + "/measure-2018.csv"))
    }

    func testMeasureRefusesToShareANameFromTheNameColumn() throws {
        var log = VisitLogBuilder()
        log.regularUser(user: "A", staff: ["s1"], name: "Greta Garbo")
        log.row(unit: "Greta Garbo", user: "B", staff: "s1", day: 3, time: "09:00")
        let directory = TemporaryDirectory()
        XCTAssertThrowsError(
            try MeasureOutputs.write(
                try log.measure(), to: OutputDirectory(path: directory.path), options: .testing(keysOf: directory)))
    }
}
