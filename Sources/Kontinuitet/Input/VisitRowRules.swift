/// Why a visit-log or performed-time row is rejected: one list, and one place for the rules that decide it, for
/// `measure` and `time-report` alike (docs/method.md, "Reading the files"). A rejected row is counted, listed in
/// `rejected.csv` with its file, line and reason, and is neither a visit nor staff.
enum RowRejection: String, Sendable, CaseIterable {
    /// A quoted field is never closed (within 100 lines or before the end of the file).
    case unterminatedQuote = "unterminated_quote"
    /// The record's field count differs from the header's (`FieldCountRule`).
    case fieldCount = "field_count"
    case missingProvider = "missing_provider"
    case missingUser = "missing_user"
    case missingStaff = "missing_staff"
    case missingStart = "missing_start"
    /// The check-in is not a timestamp the parser reads (`TimestampParser`).
    case badStart = "bad_start"
    /// The check-out is given but is not a timestamp.
    case badEnd = "bad_end"
    /// The planned start is given but is not a timestamp.
    case badPlannedStart = "bad_planned_start"
    /// The birth date is given but is not a date.
    case badBirthDate = "bad_birth_date"

    /// The sentence for `rejected.csv`, naming the column; never a value from the row.
    var detail: String {
        switch self {
        case .unterminatedQuote: return "a quoted field is not closed"
        case .fieldCount: return "the row's field count differs from the header's"
        case .missingProvider: return "column 'provider' is empty"
        case .missingUser: return "column 'user' is empty"
        case .missingStaff: return "column 'staff' is empty"
        case .missingStart: return "column 'start' is empty"
        case .badStart: return "column 'start' is not a timestamp YYYY-MM-DD HH:MM"
        case .badEnd: return "column 'end' (check-out) is not a timestamp YYYY-MM-DD HH:MM"
        case .badPlannedStart: return "column 'planned_start' is not a timestamp"
        case .badBirthDate: return "column 'birth_date' is not a date YYYY-MM-DD"
        }
    }
}

/// The row rules both readers call on a record's trimmed fields, in this order: the field count (`FieldCountRule`,
/// checked by the record loop), then the required fields below, then the timestamps (`TimestampParser`).
enum VisitRowRules {
    /// The first required field that is empty, in the order provider, user, staff, start; nil when all are given.
    @inline(__always)
    static func missingField(
        provider: UnsafeBufferPointer<UInt8>, user: UnsafeBufferPointer<UInt8>, staff: UnsafeBufferPointer<UInt8>,
        start: UnsafeBufferPointer<UInt8>
    ) -> RowRejection? {
        if provider.isEmpty { return .missingProvider }
        if user.isEmpty { return .missingUser }
        if staff.isEmpty { return .missingStaff }
        if start.isEmpty { return .missingStart }
        return nil
    }
}
