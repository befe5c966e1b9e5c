/// What is a visit (docs/method.md, "Visits"): "one occasion at the user's home. Rows with the same user and the same visit
/// id are one visit; without a visit id, rows with the same user and the same start minute are one visit."
///
/// The key is compared within one user and one day. A visit id is hashed to 63 bits with the top bit set; a
/// start minute is its minute of the day (0…1439), top bit clear, so the two kinds never collide.
enum VisitIdentity {
    /// The key of a row with a (trimmed, non-empty) visit id.
    @inline(__always)
    static func key(visitID: UnsafeBufferPointer<UInt8>) -> UInt64 {
        ByteInterner.hash(visitID) | (1 << 63)
    }

    /// The key of a row without a visit id: its start minute of the day.
    @inline(__always)
    static func key(startSecondOfDay: Int) -> UInt64 {
        UInt64(startSecondOfDay / 60)
    }

    /// The key of a row: by its trimmed visit id when it has one (not empty), otherwise by its start minute.
    @inline(__always)
    static func key(visitID: UnsafeBufferPointer<UInt8>, startSecondOfDay: Int) -> UInt64 {
        visitID.isEmpty ? key(startSecondOfDay: startSecondOfDay) : key(visitID: visitID)
    }
}
