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

    /// Sixteen tables of 256 entries for slicing-by-16: entry `256k + i` is the CRC of byte `i` followed by `k`
    /// zero bytes, so sixteen bytes are folded in with sixteen independent look-ups.
    static let slices: [UInt32] = {
        var slices = table + [UInt32](repeating: 0, count: 15 * 256)
        for k in 1..<16 {
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
    /// - Complexity: O(n): sixteen bytes per round of sixteen table look-ups, then one look-up per remaining byte.
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
            while i + 16 <= input.count {
                let first = crc ^ UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt32.self))
                let second = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i + 4, as: UInt32.self))
                let third = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i + 8, as: UInt32.self))
                let fourth = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i + 12, as: UInt32.self))
                crc =
                    t[15 * 256 + Int(first & 0xFF)] ^ t[14 * 256 + Int(first >> 8 & 0xFF)]
                    ^ t[13 * 256 + Int(first >> 16 & 0xFF)] ^ t[12 * 256 + Int(first >> 24)]
                    ^ t[11 * 256 + Int(second & 0xFF)] ^ t[10 * 256 + Int(second >> 8 & 0xFF)]
                    ^ t[9 * 256 + Int(second >> 16 & 0xFF)] ^ t[8 * 256 + Int(second >> 24)]
                    ^ t[7 * 256 + Int(third & 0xFF)] ^ t[6 * 256 + Int(third >> 8 & 0xFF)]
                    ^ t[5 * 256 + Int(third >> 16 & 0xFF)] ^ t[4 * 256 + Int(third >> 24)]
                    ^ t[3 * 256 + Int(fourth & 0xFF)] ^ t[2 * 256 + Int(fourth >> 8 & 0xFF)]
                    ^ t[256 + Int(fourth >> 16 & 0xFF)] ^ t[Int(fourth >> 24)]
                i += 16
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
