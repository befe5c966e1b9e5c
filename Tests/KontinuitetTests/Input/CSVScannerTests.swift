import XCTest

@testable import Kontinuitet

/// The byte-level record scanner and field splitter, checked first against a slow, obvious reference parser.
final class CSVScannerTests: XCTestCase {
    /// A slow, obvious RFC 4180 parser: a character-by-character state machine over the whole text.
    private func referenceParse(_ text: String, delimiter: Character) -> [[String]] {
        var records: [[String]] = []
        var field = ""
        var record: [String] = []
        var inQuotes = false
        var atFieldStart = true
        let characters = Array(text.unicodeScalars)
        var i = 0
        while i < characters.count {
            let c = Character(characters[i])
            if inQuotes {
                if c == "\"" {
                    if i + 1 < characters.count && characters[i + 1] == "\"" {
                        field.append("\"")
                        i += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.append(c)
                }
            } else if c == "\"" && atFieldStart {
                inQuotes = true
                atFieldStart = false
            } else if c == delimiter {
                record.append(field)
                field = ""
                atFieldStart = true
            } else if c == "\n" {
                if field.hasSuffix("\r") { field.removeLast() }
                record.append(field)
                records.append(record)
                record = []
                field = ""
                atFieldStart = true
            } else {
                field.append(c)
                atFieldStart = false
            }
            i += 1
        }
        if !field.isEmpty || !record.isEmpty {
            if field.hasSuffix("\r") { field.removeLast() }
            record.append(field)
            records.append(record)
        }
        return records
    }

    private func scanAll(_ text: String, delimiter: UInt8) -> [[String]] {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            let scanner = CSVScanner(delimiter: delimiter)
            let splitter = CSVFieldSplitter()
            var records: [[String]] = []
            var position = 0
            while position < buffer.count {
                let bounds = scanner.bounds(of: position, in: buffer)
                XCTAssertFalse(bounds.unterminatedQuote)
                splitter.split(
                    buffer, start: position, end: bounds.contentEnd, delimiter: delimiter, hasQuotes: bounds.hasQuotes)
                records.append((0..<splitter.count).map { String(decoding: splitter.field($0), as: UTF8.self) })
                position = bounds.next
            }
            return records
        }
    }

    func testMatchesReferenceOnRandomRecords() {
        var generator = SplitMix64(seed: 42)
        let pieces = ["a", "bb", "Åsa", ";", ",", "\"", "\"\"", "\n", "\r\n", " ", "x\"y", "ö"]
        for round in 0..<400 {
            let delimiter: Character = round % 2 == 0 ? "," : ";"
            var text = ""
            let recordCount = Int(generator.next() % 5) + 1
            for _ in 0..<recordCount {
                let fieldCount = Int(generator.next() % 4) + 1
                var fields: [String] = []
                for _ in 0..<fieldCount {
                    var value = ""
                    for _ in 0..<Int(generator.next() % 4) {
                        value += pieces[Int(generator.next() % UInt64(pieces.count))]
                    }
                    let needsQuotes =
                        value.contains(delimiter) || value.contains("\"") || value.contains("\n")
                        || value.contains("\r")
                    fields.append(
                        needsQuotes ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value)
                }
                text += fields.joined(separator: String(delimiter)) + (generator.next() % 2 == 0 ? "\n" : "\r\n")
            }
            let expected = referenceParse(text, delimiter: delimiter)
            let actual = scanAll(text, delimiter: delimiter == "," ? 0x2C : 0x3B)
            XCTAssertEqual(actual, expected, "round \(round): \(text.debugDescription)")
        }
    }

    /// The one-pass path of `splitRecord` gives the careful path's bounds and fields on any bytes, and takes the
    /// plain records itself.
    func testOnePassSplitEqualsCarefulSplitOnAnyBytes() {
        var generator = SplitMix64(seed: 7)
        let alphabet: [UInt8] = Array("ab,;\"\n\r  \t".utf8) + [0xC3, 0xB6]
        var plainRecords = 0
        for round in 0..<3000 {
            let delimiter: UInt8 = round % 3 == 0 ? 0x3B : 0x2C
            let length = Int(generator.next() % (round % 2 == 0 ? 40 : 400))
            let bytes = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            let result = bytes.withUnsafeBufferPointer { FuzzHarness.compareSplitting($0, delimiter: delimiter) }
            XCTAssertNil(result.mismatch, "round \(round): \(bytes)")
            plainRecords += result.plainRecords
        }
        XCTAssertGreaterThan(plainRecords, 1000)
    }

    /// The 64-byte SIMD mask equals the byte-at-a-time one at every offset, on x86-64 (SSE2) and portably.
    func testStructuralBitsMatchBytes() {
        var generator = SplitMix64(seed: 3)
        let alphabet: [UInt8] = Array("a,;\"\n\r\t x".utf8) + [0x80, 0xFF, 0x00, 0x7F, 0xAC, 0xA2, 0x8A]
        for _ in 0..<200 {
            let bytes = (0..<100).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            bytes.withUnsafeBufferPointer { buffer in
                let base = buffer.baseAddress!
                for at in 0...36 {
                    for delimiter: UInt8 in [0x2C, 0x3B, 0x09] {
                        let expected = StructuralBits.tailMask(base, at: at, end: 100, delimiter: delimiter)
                        XCTAssertEqual(StructuralBits.mask(base, at: at, end: 100, delimiter: delimiter), expected)
                        XCTAssertEqual(
                            StructuralBits.portableMask(UnsafeRawPointer(base + at), delimiter: delimiter), expected)
                    }
                }
            }
        }
    }

    func testQuotedFieldWithDelimiterQuoteAndNewline() {
        let records = scanAll("a,\"b,c\",\"say \"\"hi\"\"\"\n\"two\nlines\",x\n", delimiter: 0x2C)
        XCTAssertEqual(records, [["a", "b,c", "say \"hi\""], ["two\nlines", "x"]])
    }

    func testTrailingEmptyFieldAndCRLF() {
        XCTAssertEqual(scanAll("a;b;\r\n;;\r\n", delimiter: 0x3B), [["a", "b", ""], ["", "", ""]])
    }

    func testQuoteInsideUnquotedFieldIsLiteral() {
        XCTAssertEqual(scanAll("12\" tall,x\n", delimiter: 0x2C), [["12\" tall", "x"]])
    }

    func testUnterminatedQuoteIsOneMalformedLine() {
        let bytes = Array("a,\"never closed\nb,c\n".utf8)
        bytes.withUnsafeBufferPointer { buffer in
            let bounds = CSVScanner(delimiter: 0x2C).bounds(of: 0, in: buffer)
            XCTAssertTrue(bounds.unterminatedQuote)
            // The malformed record is its first line only; reading resumes at "b,c".
            XCTAssertEqual(bounds.next, 16)
            XCTAssertEqual(bounds.lines, 1)
        }
    }

    func testQuotedFieldLongerThanTheLimitIsUnterminated() {
        let text = "\"" + String(repeating: "x\n", count: CSVScanner.maxQuotedLines + 5) + "\"\n"
        Array(text.utf8).withUnsafeBufferPointer { buffer in
            XCTAssertTrue(CSVScanner(delimiter: 0x2C).bounds(of: 0, in: buffer).unterminatedQuote)
        }
    }
}
