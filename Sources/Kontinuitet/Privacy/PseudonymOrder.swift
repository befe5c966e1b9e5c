import Foundation

/// The order in which new users get their löpnummer: random, so that a löpnummer says nothing about the input's
/// order (a log sorted by personnummer is sorted by age).
///
/// A provider's new users are shuffled, then numbered after the highest number the key already holds
/// (`PseudonymKey.assignNew`). The numbers are kept in the key, so a user keeps its number from run to run; only the
/// first numbering of a user is random.
package enum PseudonymOrder: Sendable, Equatable {
    /// The system's random generator (`SystemRandomNumberGenerator`: the kernel's `getrandom` on Linux).
    case random
    /// A deterministic order from `seed`, for tests and the committed expected outputs: never for real data, as
    /// anyone knowing the seed and the users can rebuild the order.
    case seeded(UInt64)

    /// The environment variable that selects `.seeded`: a whole number from 0 to 2^64 − 1.
    package static let seedVariable = "KONTINUITET_PSEUDONYM_SEED"

    /// `.seeded` when `KONTINUITET_PSEUDONYM_SEED` is set, else `.random`.
    ///
    /// - Throws: `PrivacyError.badSeed` when the variable is set to anything but a whole number.
    package static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> PseudonymOrder
    {
        guard let text = environment[seedVariable] else { return .random }
        guard let seed = UInt64(text.trimmingCharacters(in: .whitespaces)) else {
            throw PrivacyError.badSeed(variable: seedVariable)
        }
        return .seeded(seed)
    }

    /// `users` (one provider's new users) in the order they are to be numbered.
    ///
    /// With a seed, the users are first put in byte order of their ids, so that the numbering depends on the seed
    /// and the set of users, not on the order of the input files; the provider's name is mixed into the seed, so
    /// that one provider's new users do not change another's numbers.
    ///
    /// - Complexity: O(n log n) with a seed (the sort), O(n) without.
    func shuffled(_ users: [String], provider: String) -> [String] {
        switch self {
        case .random:
            var generator = SystemRandomNumberGenerator()
            return Self.fisherYates(users, using: &generator)
        case .seeded(let seed):
            var generator = SplitMix64(seed: seed ^ Self.fnv1a(provider))
            let ordered = users.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            return Self.fisherYates(ordered, using: &generator)
        }
    }

    /// The Fisher–Yates shuffle, with an unbiased draw written out here (not the standard library's `shuffle`,
    /// whose use of the generator may change between Swift versions and with it the committed expected outputs).
    static func fisherYates<G: RandomNumberGenerator>(_ items: [String], using generator: inout G) -> [String] {
        var items = items
        var i = items.count - 1
        while i > 0 {
            let j = Int(uniform(below: UInt64(i + 1), using: &generator))
            items.swapAt(i, j)
            i -= 1
        }
        return items
    }

    /// A uniform draw from `0..<bound` (`bound` > 0): raw values below 2^64 mod `bound` are drawn again, so that
    /// every remainder is equally likely.
    static func uniform<G: RandomNumberGenerator>(below bound: UInt64, using generator: inout G) -> UInt64 {
        let threshold = (0 &- bound) % bound
        while true {
            let value = generator.next()
            if value >= threshold { return value % bound }
        }
    }

    /// FNV-1a of the UTF-8 bytes of `text`: a fixed hash on every platform (`Hasher` is seeded per process).
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }
}

/// The sampling rule's generator serves the löpnummer order too (one implementation of the algorithm).
extension SplitMix64: RandomNumberGenerator {}
