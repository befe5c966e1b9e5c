import XCTest

@testable import Kontinuitet
@testable import StructuralScan
@testable import StructuralScanAVX512
@testable import StructuralScanHaswell

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

    /// The 64-byte SIMD masks equal the byte-at-a-time ones at every offset: portably, with SSE2 and (when this
    /// processor has it) AVX2.
    func testStructuralBitsMatchBytes() {
        var generator = SplitMix64(seed: 3)
        let alphabet: [UInt8] = Array("a,;\"\n\r\t x".utf8) + [0x80, 0xFF, 0x00, 0x7F, 0xAC, 0xA2, 0x8A]
        for _ in 0..<200 {
            let bytes = (0..<100).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            bytes.withUnsafeBufferPointer { buffer in
                let base = buffer.baseAddress!
                for at in 0...36 {
                    for delimiter: UInt8 in [0x2C, 0x3B, 0x09] {
                        let expected = StructuralScan.tailMasks(base, at: at, end: 100, delimiter: delimiter)
                        XCTAssertEqual(PortableMaskReader.masks(base + at, delimiter: delimiter), expected)
                        #if arch(x86_64)
                            XCTAssertEqual(SSE2MaskReader.masks(base + at, delimiter: delimiter), expected)
                            if ProcessorFeatures.hasHaswellFeatures {
                                XCTAssertEqual(AVX2MaskReader.masks(base + at, delimiter: delimiter), expected)
                            }
                            if ProcessorFeatures.hasAVX512Features {
                                XCTAssertEqual(AVX512MaskReader.masks(base + at, delimiter: delimiter), expected)
                            }
                        #endif
                    }
                }
            }
        }
    }

    /// Bit i of the prefix XOR is the parity of the quote bits up to i: set from an opening quote up to the byte
    /// before its closing quote.
    func testPrefixXorMarksQuotedBytes() {
        // Quotes at 1 and 4, and at 62 (open to the end of the word).
        XCTAssertEqual(PortableMaskReader.prefixXor(0b1_0010 | 1 << 62), 0b0_1110 | 1 << 62 | 1 << 63)
        XCTAssertEqual(PortableMaskReader.prefixXor(0), 0)
        XCTAssertEqual(PortableMaskReader.prefixXor(1), ~0)
    }

    /// The index of a hand-made window: the delimiters and line breaks outside quotes, the buffer's end as the
    /// last line break when the file does not end with one.
    func testStructuralIndexOfPlainRecords() {
        let bytes = Array("a,\"b,c\",d\r\n\"\",x\ny".utf8)
        bytes.withUnsafeBufferPointer { buffer in
            let index = StructuralIndex()
            index.build(buffer.baseAddress!, start: 0, end: buffer.count, delimiter: 0x2C)
            // "a" "," "\"b,c\"" "," "d\r" "\n" / "\"\"" "," "x" "\n" / "y" and the end at 17: the delimiters and line
            // breaks at 1, 7, 10, 13, 15 and 17, each entry one past them (where the next field starts); the line
            // breaks are entries 2, 4 and 5, and entry -1 is the first record's start.
            XCTAssertEqual((-1..<index.positionCount).map { index.positions[$0] }, [0, 2, 8, 11, 14, 16, 18])
            XCTAssertEqual((0..<index.lineBreakCount).map { index.lineBreaks[$0] }, [2, 4, 5])
        }
    }

    /// A block that is not plain ends the window before it: a quote inside an unquoted field, a line break inside
    /// quotes, a doubled quote.
    func testStructuralIndexStopsBeforeABlockThatIsNotPlain() {
        for bad in ["12\" tall,x\n", "\"two\nlines\",x\n", "\"say \"\"hi\"\"\",x\n"] {
            let text = String(repeating: "aaaa,bbbb,\"c,c\"\n", count: 7) + bad + "a,b\n"
            Array(text.utf8).withUnsafeBufferPointer { buffer in
                let index = StructuralIndex()
                index.build(buffer.baseAddress!, start: 0, end: buffer.count, delimiter: 0x2C)
                // 7 records of 16 bytes, then the bad one at byte 112: the second block (64...127) is left out, and
                // so are the records after it; the first block holds 4 records whole, of 3 entries each (the comma
                // in quotes is content), the last line break at byte 63.
                XCTAssertEqual(index.lineBreakCount, 4, bad)
                XCTAssertEqual(index.lineBreaks[3], 11, bad)
                XCTAssertEqual(index.positions[11], 64, bad)
            }
        }
    }

    /// Long inputs, read window after window: the one-pass path agrees with the careful one across window
    /// boundaries, on records longer than a window, with CRLF, quoted last fields and non-plain records among
    /// plain ones, and with or without a final line break.
    func testOnePassSplitAcrossWindows() {
        var generator = SplitMix64(seed: 11)
        for round in 0..<6 {
            var text = ""
            let lineEnd = round % 2 == 0 ? "\n" : "\r\n"
            for record in 0..<1500 {
                let kind = generator.next() % 100
                var fields: [String] = []
                for column in 0..<Int(1 + generator.next() % 12) {
                    let length = Int(generator.next() % 20)
                    var value = String(repeating: "x", count: length)
                    if column % 3 == 2 { value = "\"" + value + "," + value + "\"" }
                    fields.append(value)
                }
                if kind == 0 { fields.append("\"two\nlines\"") }
                if kind == 1 { fields.append("\"say \"\"hi\"\"\"") }
                if record == 500 { fields.append(String(repeating: "y", count: StructuralIndex.windowBytes + 100)) }
                if record == 900 {
                    fields.append("\"" + String(repeating: "z,", count: StructuralIndex.windowBytes) + "\"")
                }
                text += fields.joined(separator: ",") + lineEnd
            }
            if round >= 4 { text += "last,\"quoted\"" }
            let bytes = Array(text.utf8)
            let result = bytes.withUnsafeBufferPointer { FuzzHarness.compareSplitting($0, delimiter: 0x2C) }
            XCTAssertNil(result.mismatch, "round \(round)")
            XCTAssertGreaterThan(result.plainRecords, 1400, "round \(round)")
        }
    }

    /// Endings of a buffer: no final line break, a quoted last field, a CR alone, an unterminated quote.
    func testOnePassSplitAtTheEndOfTheBuffer() {
        for text in ["a,b", "a,\"b\"", "a,b\r", "a,\"b\"\r", "a,\"b", "a,b\n\"", "\"", "\n", "a,\"b\"\r\n", ",\"\""] {
            let bytes = Array(text.utf8)
            let result = bytes.withUnsafeBufferPointer { FuzzHarness.compareSplitting($0, delimiter: 0x2C) }
            XCTAssertNil(result.mismatch, text.debugDescription)
        }
    }

    /// The loop compiled for Haswell (run only when this processor has its features) writes the same entries as
    /// the baseline one, on random bytes and on plain records, from every start offset.
    func testHaswellIndexEqualsBaselineIndex() throws {
        #if arch(x86_64)
            try XCTSkipUnless(ProcessorFeatures.hasHaswellFeatures, "this processor lacks the Haswell features")
            compareWithBaselineIndex(seed: 5, HaswellStructuralScan.index)
        #endif
    }

    /// The loop compiled for AVX-512 (run only when this processor has its features) writes the same entries as
    /// the baseline one, also where a block has more than sixteen delimiters or line breaks (its loop's case).
    func testAVX512IndexEqualsBaselineIndex() throws {
        #if arch(x86_64)
            try XCTSkipUnless(ProcessorFeatures.hasAVX512Features, "this processor lacks the AVX-512 features")
            compareWithBaselineIndex(seed: 7, AVX512StructuralScan.index)
        #endif
    }

    /// Runs `index` and the baseline loop on the same inputs (random bytes, plain records, and a run of short
    /// records with more than sixteen delimiters and line breaks in a block) and compares what they write.
    private func compareWithBaselineIndex(
        seed: UInt64,
        _ index: (
            _ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ limit: Int, _ delimiter: UInt8,
            _ positions: UnsafeMutablePointer<UInt32>, _ lineBreaks: UnsafeMutablePointer<UInt32>
        ) -> (positions: Int, lineBreaks: Int)
    ) {
        #if arch(x86_64)
            var generator = SplitMix64(seed: seed)
            let alphabet: [UInt8] = Array("ab,,;\"\n\r  ".utf8)
            let plain = Array(String(repeating: "abc,\"d,e\",,f\r\n", count: 40).utf8)
            let dense = Array(String(repeating: ",,\n", count: 200).utf8)
            for round in 0..<400 {
                let bytes =
                    round % 4 == 0
                    ? plain
                    : round % 4 == 2 && round % 3 == 0
                        ? dense
                        : (0..<Int(generator.next() % 700)).map { _ in
                            alphabet[Int(generator.next() % UInt64(alphabet.count))]
                        }
                bytes.withUnsafeBufferPointer { buffer in
                    guard let base = buffer.baseAddress else { return }
                    // Plain records from their start to their end on every 8th round, else anywhere.
                    let whole = round % 8 == 0
                    let start = whole ? 0 : Int(generator.next() % UInt64(max(1, buffer.count)))
                    let limit = whole ? buffer.count : min(buffer.count, start + Int(generator.next() % 600))
                    var baseline = (
                        positions: [UInt32](repeating: 0, count: 800), breaks: [UInt32](repeating: 0, count: 800)
                    )
                    var other = baseline
                    let a = StructuralScan.index(
                        SSE2MaskReader.self, base: base, start: start, end: buffer.count, limit: limit,
                        delimiter: 0x2C, positions: &baseline.positions, lineBreaks: &baseline.breaks)
                    let b = index(base, start, buffer.count, limit, 0x2C, &other.positions, &other.breaks)
                    XCTAssertEqual(a.positions, b.positions, "round \(round)")
                    XCTAssertEqual(a.lineBreaks, b.lineBreaks, "round \(round)")
                    XCTAssertEqual(baseline.positions[0..<a.positions], other.positions[0..<b.positions])
                    XCTAssertEqual(baseline.breaks[0..<a.lineBreaks], other.breaks[0..<b.lineBreaks])
                    if round % 4 == 0 && start == 0 && limit == buffer.count { XCTAssertEqual(a.lineBreaks, 40) }
                }
            }
        #endif
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
