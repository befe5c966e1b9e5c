/// The sample (docs/method.md, "Sample"): "at most 150 measured users per provider. With N > 150, order the measured users
/// alphabetically (by a name/sort column when the input has one, else by user id; Swedish order …; ties broken by
/// user id) and take every k-th, k = ceil(N / 150), starting with the first."
package enum SamplingMethod: Sendable, Equatable {
    /// The 2018 method: every k-th in Swedish alphabetical order.
    case everyKth
    /// RKA's advice since 2021: a random draw, reproducible from the seed.
    case random(seed: UInt64)
    /// Every measured user (RKA's advice where a system can count everyone).
    case all
}

/// One measured user as the sampling sees it.
struct SamplingCandidate {
    /// Position in the caller's array, returned by `SamplingRule.sample`.
    var index: Int
    /// The user id (for ties and for the random draw's fixed starting order).
    var userID: String
    /// The sort name, when the input has one for this user.
    var sortName: String?
}

/// Draws the sample of one provider's measured users.
enum SamplingRule {
    /// The default cap on sampled users per provider.
    static let defaultCap = 150

    /// The step k = ⌈N / cap⌉ of the every-k-th method.
    static func step(measured: Int, cap: Int) -> Int { max(1, (measured + cap - 1) / cap) }

    /// Returns the `index` of every sampled candidate, ascending.
    static func sample(_ candidates: [SamplingCandidate], method: SamplingMethod, cap: Int) -> [Int] {
        switch method {
        case .all:
            return candidates.map(\.index).sorted()
        case .everyKth:
            guard candidates.count > cap else { return candidates.map(\.index).sorted() }
            let ordered = candidates.map { candidate in
                (key: SwedishCollation.key(candidate.sortName ?? candidate.userID), candidate: candidate)
            }.sorted { a, b in
                if a.key != b.key { return a.key.lexicographicallyPrecedes(b.key) }
                return a.candidate.userID.utf8.lexicographicallyPrecedes(b.candidate.userID.utf8)
            }
            let k = step(measured: candidates.count, cap: cap)
            return stride(from: 0, to: ordered.count, by: k).map { ordered[$0].candidate.index }.sorted()
        case .random(let seed):
            guard candidates.count > cap else { return candidates.map(\.index).sorted() }
            var ordered = candidates.sorted { $0.userID.utf8.lexicographicallyPrecedes($1.userID.utf8) }
            var generator = SplitMix64(seed: seed)
            for i in stride(from: ordered.count - 1, to: 0, by: -1) {
                let j = Int(generator.next() % UInt64(i + 1))
                ordered.swapAt(i, j)
            }
            return ordered.prefix(cap).map(\.index).sorted()
        }
    }
}

/// Swedish alphabetical order: case-insensitive, a–z then å, ä, ö.
///
/// Each character maps to one weight: letters a–z to their ASCII lower-case code, `å` `ä` `ö` just after `z`
/// (`æ` as `ä`, `ø` as `ö`), other accented Latin letters to their base letter (`é` → e, `ü` → y as Swedish
/// dictionaries do), anything else to its code point (digits and punctuation thus sort before letters).
enum SwedishCollation {
    /// The sequence of weights compared lexicographically.
    static func key(_ text: String) -> [UInt32] {
        text.lowercased().unicodeScalars.map(weight)
    }

    static func weight(_ scalar: Unicode.Scalar) -> UInt32 {
        switch scalar {
        case "å": return 0x7B
        case "ä", "æ": return 0x7C
        case "ö", "ø": return 0x7D
        case "à", "á", "â", "ã": return UInt32(("a" as Unicode.Scalar).value)
        case "ç": return UInt32(("c" as Unicode.Scalar).value)
        case "è", "é", "ê", "ë": return UInt32(("e" as Unicode.Scalar).value)
        case "ì", "í", "î", "ï": return UInt32(("i" as Unicode.Scalar).value)
        case "ñ": return UInt32(("n" as Unicode.Scalar).value)
        case "ò", "ó", "ô", "õ": return UInt32(("o" as Unicode.Scalar).value)
        case "ù", "ú", "û": return UInt32(("u" as Unicode.Scalar).value)
        case "ü", "ý", "ÿ": return UInt32(("y" as Unicode.Scalar).value)
        default:
            let value = scalar.value
            // Keep anything above the three Swedish letters clear of them.
            return value >= 0x7B && value < 0x80 ? value + 0x100 : value
        }
    }
}

/// A small, fast, well-mixed pseudo-random generator whose sequence is fixed by its seed on every platform.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
