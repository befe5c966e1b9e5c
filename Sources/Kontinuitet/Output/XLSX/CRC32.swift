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

    /// The checksum of all bytes fed so far; `0` before any.
    private(set) var value: UInt32 = 0

    /// Extends the checksum with `bytes`.
    ///
    /// - Complexity: O(n), one table look-up per byte.
    mutating func update(_ bytes: [UInt8]) {
        var crc = ~value
        CRC32.table.withUnsafeBufferPointer { table in
            bytes.withUnsafeBufferPointer { input in
                for byte in input {
                    crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
                }
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
