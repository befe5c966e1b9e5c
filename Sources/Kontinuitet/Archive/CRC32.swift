/// The CRC-32 checksum that ZIP stores for every entry (ISO 3309 / IEEE 802.3, reflected polynomial `0xEDB88320`,
/// initial value and final XOR `0xFFFFFFFF`).
///
/// Feed bytes with `update(_:)` as often as needed; `value` is the checksum of everything fed so far.
/// `CRC32.checksum(Array("123456789".utf8))` is `0xCBF43926`, the standard check value.
struct CRC32: Sendable, Equatable {
    /// One entry per byte value: the CRC of that byte alone, before the final XOR.
    static let table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(index)
        for _ in 0..<8 {
            crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
        }
        return crc
    }

    /// Eight tables of 256 entries for slicing-by-8: entry `256k + i` is the CRC of byte `i` followed by `k` zero
    /// bytes, so eight bytes are folded in with eight independent look-ups.
    static let slices: [UInt32] = {
        var slices = table + [UInt32](repeating: 0, count: 7 * 256)
        for k in 1..<8 {
            for i in 0..<256 {
                let previous = slices[256 * (k - 1) + i]
                slices[256 * k + i] = (previous >> 8) ^ table[Int(previous & 0xFF)]
            }
        }
        return slices
    }()

    /// The checksum of all bytes fed so far; `0` before any.
    private(set) var value: UInt32 = 0

    /// Extends the checksum with `bytes`.
    ///
    /// - Complexity: O(n): eight bytes per round of eight table look-ups, then one look-up per remaining byte.
    mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { update($0) }
    }

    /// Extends the checksum with the bytes `input` points to, as the ZIP and gzip readers do chunk by chunk.
    ///
    /// - Complexity: O(n), as `update(_:)` on an array.
    mutating func update(_ input: UnsafeBufferPointer<UInt8>) {
        var crc = ~value
        CRC32.slices.withUnsafeBufferPointer { t in
            guard let base = input.baseAddress else { return }
            let raw = UnsafeRawPointer(base)
            var i = 0
            while i + 8 <= input.count {
                let low = crc ^ UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt32.self))
                let high = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i + 4, as: UInt32.self))
                crc =
                    t[7 * 256 + Int(low & 0xFF)] ^ t[6 * 256 + Int(low >> 8 & 0xFF)]
                    ^ t[5 * 256 + Int(low >> 16 & 0xFF)] ^ t[4 * 256 + Int(low >> 24)]
                    ^ t[3 * 256 + Int(high & 0xFF)] ^ t[2 * 256 + Int(high >> 8 & 0xFF)]
                    ^ t[256 + Int(high >> 16 & 0xFF)] ^ t[Int(high >> 24)]
                i += 8
            }
            while i < input.count {
                crc = t[Int((crc ^ UInt32(base[i])) & 0xFF)] ^ (crc >> 8)
                i += 1
            }
        }
        value = ~crc
    }

    /// The checksum of `bytes` in one call.
    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc = CRC32()
        crc.update(bytes)
        return crc.value
    }
}
