import Foundation
import Synchronization

/// Looks for personal data in text meant to be shared: personnummer and samordningsnummer with a valid check
/// digit, and names taken from the input's name column.
///
/// `measure` runs it over every shareable output before anything is put in place (docs/security.md: "no output meant for
/// sharing … carries them"), and `validate` over forms a provider is about to send.
package struct DisclosureCheck: Sendable {
    /// One suspicious value: where it is and what it looks like, never the value itself.
    package struct Finding: Sendable, Equatable, CustomStringConvertible {
        package enum Kind: String, Sendable {
            case personnummer
            case samordningsnummer
            case name
        }

        package var file: String
        package var line: Int
        package var kind: Kind

        package var description: String {
            "\(file):\(line): looks like a \(kind.rawValue); shareable outputs must not hold personal data"
        }
    }

    /// The words of the names, lower-cased UTF-8, interned to ids.
    private let nameWords: ByteInterner
    /// Names to look for as sequences of word ids, indexed by their first word's id.
    private let namesByFirstWord: [Int32: [[Int32]]]

    /// - Parameter names: values of the input's name column. A name is looked for when it has at least two words
    ///   and four letters ("Svensson, Anna"); a lone first name matches too much ordinary text to be useful. A
    ///   name written family name first ("Svensson, Anna Maria") is also looked for in the order people write it
    ///   ("Anna Maria Svensson").
    /// The check for `names`, built once per list: a run asks for it from several places (the outputs, the
    /// report's file names, the messages), and building it normalises every name.
    package static func cached(names: [String]) -> DisclosureCheck {
        cache.withLock { last in
            if let last, last.names == names { return last.check }
            let check = DisclosureCheck(names: names)
            last = (names, check)
            return check
        }
    }

    private static let cache = Mutex<(names: [String], check: DisclosureCheck)?>(nil)

    package init(names: [String]) {
        var interner = ByteInterner(capacity: max(64, names.count * 2))
        var index: [Int32: Set<[Int32]>] = [:]
        var words = WordSplitter()
        for name in names {
            var forms = [name]
            if let comma = name.firstIndex(of: ",") {
                forms.append(String(name[name.index(after: comma)...]) + " " + String(name[..<comma]))
            }
            for form in forms {
                // Composed (NFC), as outputs write names; only text with a combining mark (U+0300–U+036F, UTF-8
                // lead bytes CC and CD) needs Foundation's normaliser, which costs microseconds a name.
                let composed =
                    form.utf8.contains { $0 == 0xCC || $0 == 0xCD } ? form.precomposedStringWithCanonicalMapping : form
                let bytes = Array(composed.utf8)
                bytes.withUnsafeBufferPointer { words.split($0) }
                guard words.count >= 2, words.letters >= 4 else { continue }
                let ids = (0..<words.count).map { words.withWord($0) { interner.intern($0) } }
                index[ids[0], default: []].insert(ids)
            }
        }
        nameWords = interner
        namesByFirstWord = index.mapValues { Array($0) }
    }

    /// Every finding in `text`, with 1-based line numbers.
    package func scan(_ text: String, file: String) -> [Finding] {
        scan(Array(text.utf8), file: file)
    }

    /// Every finding in UTF-8 `bytes`, with 1-based line numbers (lines end at LF).
    ///
    /// - Complexity: O(bytes), on bytes: no `String` per line or word.
    package func scan(_ bytes: [UInt8], file: String) -> [Finding] {
        var findings: [Finding] = []
        var words = WordSplitter()
        var ids: [Int32] = []
        // Whether a line holds a name depends on its words only, and ASCII digits are never part of a word: lines
        // that are equal once every run of digits is one digit (rows that differ in their numbers, as the millions
        // of rows of anomalies.csv do) get the answer of the first such line. The last 16 skeletons are kept.
        var answers: [(skeleton: [UInt8], hasName: Bool)] = []
        var nextAnswer = 0
        bytes.withUnsafeBufferPointer { all in
            guard let base = all.baseAddress else {
                // An empty text is one empty line, with nothing to find.
                return
            }
            let skeleton = UnsafeMutablePointer<UInt8>.allocate(capacity: all.count)
            defer { skeleton.deallocate() }
            var lineStart = 0
            var lineNumber = 1
            while lineStart <= all.count {
                // One pass: the line's end, its skeleton, and whether its digits could be an identity number at
                // all (10 or 12 in a row, or 6 or 8 before a `-` or `+`: `identityNumberKind`'s shapes).
                var lineEnd = lineStart
                var length = 0
                var run = 0
                var mayHoldNumber = false
                while lineEnd < all.count {
                    let byte = base[lineEnd]
                    if byte == 0x0A { break }
                    if byte &- 0x30 < 10 {
                        if run == 0 {
                            skeleton[length] = 0x30
                            length += 1
                        }
                        run += 1
                    } else {
                        if run >= 10 || ((byte == 0x2D || byte == 0x2B) && (run == 6 || run == 8)) {
                            mayHoldNumber = true
                        }
                        run = 0
                        skeleton[length] = byte
                        length += 1
                    }
                    lineEnd += 1
                }
                if run >= 10 { mayHoldNumber = true }
                let line = UnsafeBufferPointer(start: base + lineStart, count: lineEnd - lineStart)
                if mayHoldNumber, let kind = Self.identityNumberKind(in: line) {
                    findings.append(Finding(file: file, line: lineNumber, kind: kind))
                } else if !namesByFirstWord.isEmpty {
                    let shape = UnsafeBufferPointer(start: skeleton, count: length)
                    let known = answers.first {
                        $0.skeleton.count == length
                            && $0.skeleton.withUnsafeBufferPointer { ByteScratch.equal($0, shape) }
                    }
                    let hasName: Bool
                    if let known {
                        hasName = known.hasName
                    } else {
                        hasName = containsName(line, words: &words, ids: &ids)
                        if answers.count < 16 {
                            answers.append((Array(shape), hasName))
                        } else {
                            answers[nextAnswer] = (Array(shape), hasName)
                            nextAnswer = (nextAnswer + 1) % answers.count
                        }
                    }
                    if hasName { findings.append(Finding(file: file, line: lineNumber, kind: .name)) }
                }
                lineStart = lineEnd + 1
                lineNumber += 1
            }
        }
        return findings
    }

    /// True when the words of `line` hold the words of a name in a row (punctuation and case ignored).
    ///
    /// - Complexity: O(line length + words in the line × names sharing a first word).
    private func containsName(_ line: UnsafeBufferPointer<UInt8>, words: inout WordSplitter, ids: inout [Int32])
        -> Bool
    {
        words.split(line)
        if words.sawMark {
            // Combining marks: compare in composed form (NFC), as the names are, so that "e" + U+0301 is "é".
            let composed = Array(TextDecoding.string(line).precomposedStringWithCanonicalMapping.utf8)
            composed.withUnsafeBufferPointer { words.split($0) }
        }
        guard words.count >= 2 else { return false }
        ids.removeAll(keepingCapacity: true)
        var known = false
        for k in 0..<words.count {
            let id = words.withWord(k) { nameWords.id(of: $0) } ?? -1
            if id >= 0 { known = true }
            ids.append(id)
        }
        guard known else { return false }
        for start in ids.indices {
            guard ids[start] >= 0, let candidates = namesByFirstWord[ids[start]] else { continue }
            for name in candidates where start + name.count <= ids.count {
                if ids[start..<(start + name.count)].elementsEqual(name) { return true }
            }
        }
        return false
    }

    /// The kind of the first personnummer or samordningsnummer in `text`: a run of 10 or 12 digits (a `-` or
    /// `+` allowed before the last four), not part of a longer run of digits, whose date is valid (day + 60 for a
    /// samordningsnummer) and whose last ten digits pass the Luhn check.
    package static func identityNumberKind(in text: Substring) -> Finding.Kind? {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { identityNumberKind(in: $0) }
    }

    /// `identityNumberKind(in:)` on UTF-8 bytes (digits, `-` and `+` are ASCII, so bytes of other characters
    /// never count as either).
    static func identityNumberKind(in text: UnsafeBufferPointer<UInt8>) -> Finding.Kind? {
        let n = text.count
        var i = 0
        while i < n {
            guard isDigit(text[i]), i == 0 || !isDigit(text[i - 1]) else {
                i += 1
                continue
            }
            var digits = 0
            var separator = -1
            var j = i
            while j < n {
                let byte = text[j]
                if isDigit(byte) {
                    digits += 1
                } else if (byte == 0x2D || byte == 0x2B) && separator < 0 && (digits == 6 || digits == 8)
                    && j + 1 < n && isDigit(text[j + 1])
                {
                    separator = j
                } else {
                    break
                }
                j += 1
            }
            // With a separator, it must stand before the last four digits.
            if digits == 10 || digits == 12, separator < 0 || separator - i == digits - 4 {
                var ten: [Int] = []
                for k in i..<j where k != separator { ten.append(Int(text[k]) - 48) }
                ten.removeFirst(ten.count - 10)
                let month = ten[2] * 10 + ten[3]
                let day = ten[4] * 10 + ten[5]
                if Personnummer.luhnValid(ten) && month >= 1 && month <= 12 {
                    if day >= 1 && day <= 31 { return .personnummer }
                    if day >= 61 && day <= 91 { return .samordningsnummer }
                }
            }
            i = max(j, i + 1)
        }
        return nil
    }

    @inline(__always)
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
}

/// Splits UTF-8 text into lower-cased words: runs of letters (scalars with the Unicode Alphabetic property, the
/// rule of `Character.isLetter`), each with the combining marks that follow its letters. ASCII is handled byte
/// by byte; other scalars are classified once and remembered. Words are compared as bytes, so callers compose
/// text with marks (NFC) first, as `DisclosureCheck` does.
struct WordSplitter {
    /// The number of words of the last text split.
    private(set) var count = 0
    /// The number of letters (scalars) in those words.
    private(set) var letters = 0
    /// True when the text held a combining mark (in a word or not).
    private(set) var sawMark = false
    private var lowered: [UInt8] = []
    private var bounds: [Int] = []
    private var classes: [UInt32: ScalarClass] = [:]

    private enum ScalarClass {
        case letter([UInt8])
        case mark
        case other
    }

    /// Splits `text`, replacing the words of the previous call.
    mutating func split(_ text: UnsafeBufferPointer<UInt8>) {
        lowered.removeAll(keepingCapacity: true)
        bounds.removeAll(keepingCapacity: true)
        count = 0
        letters = 0
        sawMark = false
        var inWord = false
        var i = 0
        let n = text.count
        while i < n {
            let byte = text[i]
            if byte < 0x80 {
                let lower = byte | 0x20
                if lower >= 0x61 && lower <= 0x7A {
                    if !inWord { startWord(&inWord) }
                    lowered.append(lower)
                    letters += 1
                } else if inWord {
                    endWord(&inWord)
                }
                i += 1
                continue
            }
            let (scalar, length) = Self.decode(text, at: i)
            switch scalar.map({ classify($0) }) ?? .other {
            case .letter(let lower):
                if !inWord { startWord(&inWord) }
                lowered.append(contentsOf: lower)
                letters += 1
            case .mark:
                // A mark belongs to the character before it: inside a word it is part of the word.
                sawMark = true
                if inWord { lowered.append(contentsOf: UnsafeBufferPointer(rebasing: text[i..<(i + length)])) }
            case .other:
                if inWord { endWord(&inWord) }
            }
            i += length
        }
        if inWord { endWord(&inWord) }
    }

    /// Calls `body` with the bytes of word `index`.
    func withWord<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        lowered.withUnsafeBufferPointer { all in
            body(UnsafeBufferPointer(rebasing: all[bounds[2 * index]..<bounds[2 * index + 1]]))
        }
    }

    private mutating func startWord(_ inWord: inout Bool) {
        bounds.append(lowered.count)
        inWord = true
    }

    private mutating func endWord(_ inWord: inout Bool) {
        bounds.append(lowered.count)
        count += 1
        inWord = false
    }

    private mutating func classify(_ scalar: Unicode.Scalar) -> ScalarClass {
        if let known = classes[scalar.value] { return known }
        let properties = scalar.properties
        let kind: ScalarClass
        if properties.isAlphabetic {
            kind = .letter(Array(properties.lowercaseMapping.utf8))
        } else {
            switch properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark: kind = .mark
            default: kind = .other
            }
        }
        classes[scalar.value] = kind
        return kind
    }

    /// The scalar of the UTF-8 sequence at `i` and its length, by the standard library's UTF-8 parser; nil for
    /// bytes that are not well-formed UTF-8 (with the length the parser skips).
    private static func decode(_ text: UnsafeBufferPointer<UInt8>, at i: Int) -> (Unicode.Scalar?, Int) {
        var bytes = UnsafeBufferPointer(rebasing: text[i...]).makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        switch parser.parseScalar(from: &bytes) {
        case .valid(let encoded): return (Unicode.UTF8.decode(encoded), encoded.count)
        case .error(let length): return (nil, max(1, length))
        case .emptyInput: return (nil, 1)
        }
    }
}
