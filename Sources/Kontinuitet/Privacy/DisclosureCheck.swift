/// Looks for personal data in text meant to be shared: personnummer and samordningsnummer with a valid check
/// digit, and names taken from the input's name column.
///
/// `measure` runs it over every shareable output before anything is put in place (SPEC: "no output meant for
/// sharing … carries them"), and `validate` over forms a provider is about to send.
public struct DisclosureCheck: Sendable {
    /// One suspicious value: where it is and what it looks like, never the value itself.
    public struct Finding: Sendable, Equatable, CustomStringConvertible {
        public enum Kind: String, Sendable {
            case personnummer
            case samordningsnummer
            case name
        }

        public var file: String
        public var line: Int
        public var kind: Kind

        public var description: String {
            "\(file):\(line): looks like a \(kind.rawValue); shareable outputs must not hold personal data"
        }
    }

    /// Names to look for as sequences of lower-cased words, indexed by their first word.
    private let namesByFirstWord: [Substring: [[Substring]]]

    /// - Parameter names: values of the input's name column. A name is looked for when it has at least two words
    ///   and four letters ("Svensson, Anna"); a lone first name matches too much ordinary text to be useful.
    public init(names: [String]) {
        var index: [Substring: Set<[Substring]>] = [:]
        for name in names {
            let words = Self.words(name.lowercased())
            guard words.count >= 2, words.reduce(0, { $0 + $1.count }) >= 4 else { continue }
            index[words[0], default: []].insert(words)
        }
        namesByFirstWord = index.mapValues { Array($0) }
    }

    /// The words of a text: runs of letters.
    private static func words(_ text: String) -> [Substring] {
        text.split { !$0.isLetter }
    }

    /// Every finding in `text`, with 1-based line numbers.
    public func scan(_ text: String, file: String) -> [Finding] {
        var findings: [Finding] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let kind = Self.identityNumberKind(in: Substring(line)) {
                findings.append(Finding(file: file, line: index + 1, kind: kind))
            } else if !namesByFirstWord.isEmpty && containsName(String(line).lowercased()) {
                findings.append(Finding(file: file, line: index + 1, kind: .name))
            }
        }
        return findings
    }

    /// True when the words of `line` hold the words of a name in a row (punctuation and case ignored).
    ///
    /// - Complexity: O(words in the line × names sharing a first word).
    private func containsName(_ line: String) -> Bool {
        let words = Self.words(line)
        for start in words.indices {
            guard let candidates = namesByFirstWord[words[start]] else { continue }
            for name in candidates where start + name.count <= words.count {
                if words[start..<(start + name.count)].elementsEqual(name) { return true }
            }
        }
        return false
    }

    /// The kind of the first personnummer or samordningsnummer in `text`: a run of 10 or 12 digits (a `-` or
    /// `+` allowed before the last four), not part of a longer run of digits, whose date is valid (day + 60 for a
    /// samordningsnummer) and whose last ten digits pass the Luhn check.
    public static func identityNumberKind(in text: Substring) -> Finding.Kind? {
        let characters = Array(text.unicodeScalars)
        var i = 0
        while i < characters.count {
            guard isDigit(characters[i]), i == 0 || !isDigit(characters[i - 1]) else {
                i += 1
                continue
            }
            var digits: [Int] = []
            var j = i
            var separators = 0
            while j < characters.count {
                if isDigit(characters[j]) {
                    digits.append(Int(characters[j].value) - 48)
                } else if (characters[j] == "-" || characters[j] == "+") && separators == 0
                    && (digits.count == 6 || digits.count == 8) && j + 1 < characters.count
                    && isDigit(characters[j + 1])
                {
                    separators += 1
                } else {
                    break
                }
                j += 1
            }
            if digits.count == 10 || digits.count == 12,
                separators == 0
                    || digits.count - 4
                        == digitsBeforeSeparator(
                            characters, from: i)
            {
                let ten = Array(digits.suffix(10))
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

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar.value >= 48 && scalar.value <= 57 }

    private static func digitsBeforeSeparator(_ characters: [Unicode.Scalar], from start: Int) -> Int {
        var count = 0
        var k = start
        while k < characters.count && isDigit(characters[k]) {
            count += 1
            k += 1
        }
        return count
    }
}
