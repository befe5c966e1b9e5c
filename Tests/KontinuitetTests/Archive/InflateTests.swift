import Foundation
import XCTest

@testable import Kontinuitet

/// The DEFLATE decoder against zlib (through Python), on every block type, and against hostile input.
final class InflateTests: XCTestCase {
    /// Writes DEFLATE bit streams by hand: fields least significant bit first, Huffman codes most significant first.
    struct BitWriter {
        var bytes: [UInt8] = []
        var bitCount = 0

        mutating func write(_ value: Int, bits: Int) {
            for index in 0..<bits {
                if bitCount % 8 == 0 {
                    bytes.append(0)
                }
                if value >> index & 1 == 1 {
                    bytes[bytes.count - 1] |= 1 << UInt8(bitCount % 8)
                }
                bitCount += 1
            }
        }

        mutating func writeCode(_ code: Int, bits: Int) {
            for index in stride(from: bits - 1, through: 0, by: -1) {
                write(code >> index & 1, bits: 1)
            }
        }
    }

    /// The corpora and zlib settings of `testMatchesZlibOnEveryBlockType`, made by one Python run.
    ///
    /// Each `NAME.raw` is the input, each `NAME.MODE.deflate` its raw DEFLATE stream (wbits -15).
    private static let referenceScript = """
        import random, zlib
        rng = random.Random(20240105)
        words = ["hemtjänst", "besök", "Åsa", "Öberg", "<row r=\\"", "\\"><c t=\\"s\\"><v>", "</v></c>", "07:00",
                 "2024-01-05", "personal", ",", ";", "\\n", "provider", "&amp;", "x"]
        text = "".join(rng.choice(words) + str(rng.randrange(1000)) for _ in range(40000)).encode()
        rows = "".join("P%d,U%05d,S%03d,2024-%02d-%02d %02d:%02d,%d\\n" % (rng.randrange(9), rng.randrange(99999),
                 rng.randrange(500), rng.randrange(1, 13), rng.randrange(1, 29), rng.randrange(24), rng.randrange(60),
                 rng.randrange(10**9)) for _ in range(60000)).encode()
        corpora = {
            "empty": b"",
            "one": b"a",
            "text": text,
            "rows": rows,
            "random": rng.randbytes(200000),
            "runs": b"\\0" * 70000 + b"ab" * 40000 + b"abcdefg" * 9000 + bytes(range(256)) * 40,
        }
        modes = {
            "stored": (0, zlib.Z_DEFAULT_STRATEGY),
            "fixed": (6, zlib.Z_FIXED),
            "huffman": (6, zlib.Z_HUFFMAN_ONLY),
            "rle": (6, zlib.Z_RLE),
            "level1": (1, zlib.Z_DEFAULT_STRATEGY),
            "level6": (6, zlib.Z_DEFAULT_STRATEGY),
            "level9": (9, zlib.Z_DEFAULT_STRATEGY),
        }
        for name, data in corpora.items():
            open(name + ".raw", "wb").write(data)
            for mode, (level, strategy) in modes.items():
                c = zlib.compressobj(level, zlib.DEFLATED, -15, 9, strategy)
                open(name + "." + mode + ".deflate", "wb").write(c.compress(data) + c.flush())
        print(" ".join(corpora), "|", " ".join(modes))
        """

    nonisolated(unsafe) private static var referenceDirectory: TemporaryDirectory?
    nonisolated(unsafe) private static var referenceNames: (corpora: [String], modes: [String]) = ([], [])

    /// The Python-made streams, made once for all tests of this class.
    private func reference() throws -> (directory: String, corpora: [String], modes: [String]) {
        if let directory = InflateTests.referenceDirectory {
            return (directory.path, InflateTests.referenceNames.corpora, InflateTests.referenceNames.modes)
        }
        let directory = TemporaryDirectory()
        let listing = try PythonReference.run(InflateTests.referenceScript, in: directory.path)
        let parts = listing.split(separator: "|").map { $0.split(whereSeparator: \.isWhitespace).map(String.init) }
        XCTAssertEqual(parts.count, 2, "the script lists corpora | modes")
        InflateTests.referenceDirectory = directory
        InflateTests.referenceNames = (parts.first ?? [], parts.last ?? [])
        return (directory.path, InflateTests.referenceNames.corpora, InflateTests.referenceNames.modes)
    }

    // MARK: Against zlib

    func testMatchesZlibOnEveryBlockType() throws {
        let (directory, corpora, modes) = try reference()
        XCTAssertEqual(corpora.count, 6)
        XCTAssertEqual(modes.count, 7)
        for corpus in corpora {
            let expected = try PythonReference.read(corpus + ".raw", in: directory)
            for mode in modes {
                let stream = try PythonReference.read("\(corpus).\(mode).deflate", in: directory)
                let inflated = try Inflater.inflate(stream)
                XCTAssertEqual(inflated.count, expected.count, "\(corpus) \(mode)")
                XCTAssertTrue(inflated == expected, "\(corpus) \(mode): bytes differ")
            }
        }
    }

    func testReferenceStreamsCoverEachBlockType() throws {
        // The first block's type is bits 1-2 of the first byte: level 0 stores (0), Z_FIXED uses the fixed code
        // (1), level 6 on text a dynamic code (2). This guards the test above against testing less than it says.
        let (directory, _, _) = try reference()
        func firstBlockType(_ name: String) throws -> UInt8 {
            let stream = try PythonReference.read(name, in: directory)
            return (stream.first ?? 0) >> 1 & 3
        }
        XCTAssertEqual(try firstBlockType("text.stored.deflate"), 0)
        XCTAssertEqual(try firstBlockType("text.fixed.deflate"), 1)
        XCTAssertEqual(try firstBlockType("text.level6.deflate"), 2)
        XCTAssertEqual(try firstBlockType("one.level6.deflate"), 1, "zlib writes a one-byte input with the fixed code")
    }

    func testChunksAreBoundedAndConcatenateToTheWhole() throws {
        // rows.raw is about 2.6 MB, so it comes out in several chunks of at most 512 KiB plus one match (the first
        // chunk may also fill the 32 KiB that later hold the window).
        let (directory, _, _) = try reference()
        let expected = try PythonReference.read("rows.raw", in: directory)
        for mode in ["stored", "fixed", "level6"] {
            let inflater = Inflater(try PythonReference.read("rows.\(mode).deflate", in: directory))
            var joined: [UInt8] = []
            var chunks = 0
            while let chunk = try inflater.next() {
                XCTAssertGreaterThan(chunk.count, 0)
                XCTAssertLessThanOrEqual(chunk.count, Inflater.windowSize + Inflater.chunkSize + 258)
                joined.append(contentsOf: chunk)
                chunks += 1
            }
            XCTAssertGreaterThanOrEqual(chunks, 4, mode)
            XCTAssertTrue(joined == expected, mode)
            XCTAssertEqual(inflater.totalOutput, expected.count)
            XCTAssertNil(try inflater.next(), "after the end, still the end")
        }
    }

    func testEndOffsetIsJustAfterTheFinalBlock() throws {
        // Bytes after the stream are not part of it; a gzip reader finds its trailer at `endOffset`.
        let (directory, _, _) = try reference()
        let stream = try PythonReference.read("text.level6.deflate", in: directory)
        let inflater = Inflater(stream + [0xDE, 0xAD], range: 0..<(stream.count + 2))
        while try inflater.next() != nil {}
        XCTAssertEqual(inflater.endOffset, stream.count)
    }

    func testRangeSelectsTheStreamInsideLargerInput() throws {
        // A ZIP entry's data is a range of the archive; offsets in errors count from the archive's start.
        let stream: [UInt8] = [0x4B, 0x04, 0x00]  // zlib's raw deflate of "a": one fixed block
        let padded = [0xFF, 0xFF] + stream + [0xFF]
        let inflater = Inflater(padded, range: 2..<5)
        XCTAssertEqual(try inflater.next().map(Array.init), Array("a".utf8))
        XCTAssertEqual(inflater.endOffset, 5)
    }

    // MARK: Hand-made streams

    func testEmptyStoredAndEmptyFixedBlocks() throws {
        // BFINAL 1, BTYPE 00, padding, LEN 0, NLEN FFFF: an empty stored block, zlib's output for empty input.
        XCTAssertEqual(try Inflater.inflate([0x01, 0x00, 0x00, 0xFF, 0xFF]), [])
        // BFINAL 1, BTYPE 01, end-of-block (fixed code 0000000): 0x03 0x00.
        XCTAssertEqual(try Inflater.inflate([0x03, 0x00]), [])
    }

    func testOverlappingMatchRepeatsItsStart() throws {
        // Fixed block: literal 'x' (0x30 + 'x' in 8 bits), then length 10 at distance 1 (symbol 264, code
        // 0001000; distance symbol 0, code 00000): eleven 'x'.
        var writer = BitWriter()
        writer.write(1, bits: 1)
        writer.write(1, bits: 2)
        writer.writeCode(0x30 + 0x78, bits: 8)
        writer.writeCode(264 - 256, bits: 7)
        writer.writeCode(0, bits: 5)
        writer.writeCode(0, bits: 7)
        XCTAssertEqual(try Inflater.inflate(writer.bytes), [UInt8](repeating: 0x78, count: 11))
    }

    func testReservedBlockTypeThrows() {
        // 0x07: BFINAL 1, BTYPE 11.
        XCTAssertThrowsError(try Inflater.inflate([0x07, 0x00])) { error in
            XCTAssertEqual(error as? ArchiveError, .invalidBlockType(offset: 0))
        }
    }

    func testStoredLengthThatDisagreesWithItsComplementThrows() {
        // LEN 5, NLEN 0 (should be FFFA).
        XCTAssertThrowsError(try Inflater.inflate([0x01, 0x05, 0x00, 0x00, 0x00, 1, 2, 3, 4, 5])) { error in
            XCTAssertEqual(error as? ArchiveError, .storedLengthMismatch(offset: 1))
        }
    }

    func testMatchBeforeTheStartThrows() {
        // A fixed block that opens with a match (length 3, distance 1): nothing precedes it.
        var writer = BitWriter()
        writer.write(1, bits: 1)
        writer.write(1, bits: 2)
        writer.writeCode(1, bits: 7)
        writer.writeCode(0, bits: 5)
        writer.writeCode(0, bits: 7)
        XCTAssertThrowsError(try Inflater.inflate(writer.bytes)) { error in
            guard case .distanceTooFar(_, let distance, let available) = error as? ArchiveError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(distance, 1)
            XCTAssertEqual(available, 0)
        }
    }

    func testReservedLengthAndDistanceSymbolsThrow() {
        // Symbol 286 has the fixed code 11000110 but no meaning; distance symbol 30 has 11110 but none either.
        var length286 = BitWriter()
        length286.write(1, bits: 1)
        length286.write(1, bits: 2)
        length286.writeCode(0b1100_0110, bits: 8)
        length286.write(0, bits: 16)
        var distance30 = BitWriter()
        distance30.write(1, bits: 1)
        distance30.write(1, bits: 2)
        distance30.writeCode(0x30 + 0x61, bits: 8)
        distance30.writeCode(1, bits: 7)
        distance30.writeCode(30, bits: 5)
        distance30.write(0, bits: 16)
        for stream in [length286.bytes, distance30.bytes] {
            XCTAssertThrowsError(try Inflater.inflate(stream)) { error in
                guard case .invalidSymbol = error as? ArchiveError else { return XCTFail("\(error)") }
            }
        }
    }

    /// A dynamic block header: HLIT, HDIST, HCLEN and the code-length code lengths in RFC 1951's order.
    private func dynamicHeader(literals: Int, distances: Int, codeLengthLengths: [Int]) -> BitWriter {
        var writer = BitWriter()
        writer.write(1, bits: 1)
        writer.write(2, bits: 2)
        writer.write(literals - 257, bits: 5)
        writer.write(distances - 1, bits: 5)
        writer.write(codeLengthLengths.count - 4, bits: 4)
        for length in codeLengthLengths {
            writer.write(length, bits: 3)
        }
        return writer
    }

    func testOversubscribedAndIncompleteCodesThrow() {
        // Code-length code lengths in the order 16, 17, 18, 0, 8, …: four symbols of length 1 is over-subscribed;
        // a single symbol of length 2 leaves three patterns unused, which the code-length code may not.
        var oversubscribed = dynamicHeader(literals: 257, distances: 1, codeLengthLengths: [1, 1, 1, 1])
        oversubscribed.write(0, bits: 32)
        var incomplete = dynamicHeader(literals: 257, distances: 1, codeLengthLengths: [0, 0, 0, 2])
        incomplete.write(0, bits: 32)
        XCTAssertThrowsError(try Inflater.inflate(oversubscribed.bytes)) { error in
            guard case .invalidHuffmanCode(_, "code length", true) = error as? ArchiveError else {
                return XCTFail("\(error)")
            }
        }
        XCTAssertThrowsError(try Inflater.inflate(incomplete.bytes)) { error in
            guard case .invalidHuffmanCode(_, "code length", false) = error as? ArchiveError else {
                return XCTFail("\(error)")
            }
        }
    }

    func testRepeatWithoutPreviousLengthAndTooManyCodesThrow() {
        // Symbols 0 and 16 get 1-bit codes (0 is '0', 16 is '1'); the first length read is a repeat of nothing.
        var repeatFirst = dynamicHeader(literals: 257, distances: 1, codeLengthLengths: [1, 0, 0, 1])
        repeatFirst.writeCode(1, bits: 1)
        repeatFirst.write(0, bits: 32)
        XCTAssertThrowsError(try Inflater.inflate(repeatFirst.bytes)) { error in
            guard case .invalidCodeLengths(_, let problem) = error as? ArchiveError else { return XCTFail("\(error)") }
            XCTAssertEqual(problem, "a repeat with no length before it")
        }
        // HLIT 31 means 288 literal/length codes; DEFLATE allows at most 286.
        var tooMany = dynamicHeader(literals: 288, distances: 1, codeLengthLengths: [1, 0, 0, 1])
        tooMany.write(0, bits: 32)
        XCTAssertThrowsError(try Inflater.inflate(tooMany.bytes)) { error in
            guard case .invalidCodeLengths = error as? ArchiveError else { return XCTFail("\(error)") }
        }
    }

    // MARK: Truncation, corruption, limits

    func testEveryStrictPrefixThrowsTruncated() throws {
        let (directory, _, _) = try reference()
        let text = Array(try PythonReference.read("text.raw", in: directory).prefix(3000))
        let streams = try PythonReference.run(
            """
            import zlib, sys
            data = open("text.raw", "rb").read()[:3000]
            for level, strategy, name in [(0, 0, "s"), (6, zlib.Z_FIXED, "f"), (9, 0, "d")]:
                c = zlib.compressobj(level, zlib.DEFLATED, -15, 9, strategy)
                open("prefix." + name, "wb").write(c.compress(data) + c.flush())
            """, in: directory)
        XCTAssertEqual(streams, "")
        for name in ["prefix.s", "prefix.f", "prefix.d"] {
            let stream = try PythonReference.read(name, in: directory)
            XCTAssertEqual(try Inflater.inflate(stream), text, name)
            for length in 0..<stream.count {
                XCTAssertThrowsError(try Inflater.inflate(Array(stream[..<length])), "\(name) cut to \(length)") {
                    error in
                    guard case .truncatedStream = error as? ArchiveError else {
                        return XCTFail("\(name) cut to \(length): \(error)")
                    }
                }
            }
        }
    }

    func testRandomByteFlipsThrowOrDecodeButNeverCrash() throws {
        // Flip one to three bytes of real streams, thousands of times: each run must end, with an error or with
        // some output within the limits. A crash or a hang fails the whole test run.
        let (directory, _, _) = try reference()
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func random(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % bound
        }
        let limits = InflateLimits(maximumOutput: 1 << 22, maximumRatio: 1000)
        var failures = 0
        for name in ["one.level6", "text.fixed", "text.level9", "runs.level6", "random.level6"] {
            let original = Array(try PythonReference.read(name + ".deflate", in: directory).prefix(4000))
            for _ in 0..<400 {
                var stream = original
                for _ in 0...random(3) {
                    stream[random(stream.count)] ^= UInt8(1 + random(255))
                }
                do {
                    let output = try Inflater.inflate(stream, limits: limits)
                    XCTAssertLessThanOrEqual(output.count, limits.maximumOutput)
                } catch {
                    failures += 1
                }
            }
        }
        XCTAssertGreaterThan(failures, 0, "some flips must be detected")
        // Pure noise of every short length.
        for length in 0..<300 {
            let noise = (0..<length).map { _ in UInt8(truncatingIfNeeded: random(256)) }
            _ = try? Inflater.inflate(noise, limits: limits)
        }
    }

    func testOutputLimitStopsTheStream() throws {
        let (directory, _, _) = try reference()
        let stream = try PythonReference.read("rows.level6.deflate", in: directory)
        let limits = InflateLimits(maximumOutput: 1_000_000, maximumRatio: 1000)
        XCTAssertThrowsError(try Inflater.inflate(stream, limits: limits)) { error in
            XCTAssertEqual(error as? ArchiveError, .outputTooLarge(limit: 1_000_000))
        }
    }

    func testZeroBombStopsAtTheRatio() throws {
        // 64 MiB of zeros deflate to about 64 KB: 1,030 to 1, above the standard 1,000 to 1. It is stopped after
        // the first MiB or so, long before 64 MiB are written.
        let directory = TemporaryDirectory()
        _ = try PythonReference.run(
            """
            import zlib
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            open("bomb.deflate", "wb").write(c.compress(bytes(64 << 20)) + c.flush())
            """, in: directory.path)
        let bomb = try PythonReference.read("bomb.deflate", in: directory.path)
        let inflater = Inflater(bomb)
        XCTAssertThrowsError(try { while try inflater.next() != nil {} }()) { error in
            XCTAssertEqual(error as? ArchiveError, .expansionTooHigh(ratio: 1000))
        }
        XCTAssertLessThan(inflater.totalOutput, 4 << 20)
        XCTAssertThrowsError(try inflater.next(), "a failed inflater keeps failing")
    }
}
