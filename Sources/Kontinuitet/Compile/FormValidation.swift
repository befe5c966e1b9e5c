/// One problem `validate` found in a form.
public struct FormProblem: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable {
        /// The form would be wrong: `validate` exits non-zero.
        case error
        /// Unusual but possible.
        case warning
    }

    public var file: String
    public var line: Int
    public var severity: Severity
    /// A short machine code (`duplicate_user`, `personnummer`, …).
    public var code: String
    /// What is wrong, naming the column; never the value (it may be personal data).
    public var message: String

    public var description: String { "\(file):\(line): \(severity.rawValue): \(message) [\(code)]" }
}

/// The provider's self-check of a Kolada form before sending it (`kontinuitet validate`).
///
/// Errors: more than 150 users for a provider; a löpnummer twice; a staff count that is missing, not a whole
/// number, zero or more than 60; a provider not in the register; anything that looks like a personnummer or
/// samordningsnummer (valid check digit) in any cell; a name in the löpnummer column or in a column the form does
/// not have; a column headed like names or personnummer; a form for another period, or rows that disagree on
/// the period; a row that cannot be read. Warnings: more than 35 staff; fewer than 5 users (too few to
/// publish); a löpnummer that is not a plain number.
public enum FormValidation {
    /// Above this many staff in 14 days a count is not plausible (an error).
    public static let maximumStaff = 60
    /// Above this many staff in 14 days a count is unusual (a warning).
    public static let unusualStaff = 35
    /// The method's cap on users per provider.
    public static let sampleCap = SamplingRule.defaultCap
    /// Fewer users than this are too few to publish.
    public static let smallNumber = 5

    /// Headers that must not appear in a form meant to be sent.
    static let personalHeaders: Set<String> = [
        "namn", "name", "personnummer", "pnr", "personnr", "fodelsedatum", "birthdate", "sortname", "samordningsnummer",
        "adress", "address",
    ]

    /// Checks every form; returns the problems sorted by file and line.
    ///
    /// - Throws: `InputError` when a form cannot be read or lacks a required column.
    public static func validate(forms paths: [String], register: ProviderRegister?, period: PeriodWindow?) throws
        -> [FormProblem]
    {
        var problems: [FormProblem] = []
        for path in paths {
            let form = try KoladaForm.load(path: path)
            problems += check(form, register: register, period: period)
        }
        return problems.sorted { ($0.file, $0.line, $0.code) < ($1.file, $1.line, $1.code) }
    }

    /// The problems of one form.
    static func check(_ form: KoladaForm, register: ProviderRegister?, period: PeriodWindow?) -> [FormProblem] {
        var problems: [FormProblem] = []
        func add(_ line: Int, _ severity: FormProblem.Severity, _ code: String, _ message: String) {
            problems.append(FormProblem(file: form.path, line: line, severity: severity, code: code, message: message))
        }
        let known = Set(KoladaForm.columns.flatMap { $0.aliases.map(ColumnSpec.matchKey) })
        var extraColumns: [Int] = []
        for (index, header) in form.header.enumerated() {
            let key = ColumnSpec.matchKey(header)
            if personalHeaders.contains(key) {
                add(form.headerLine, .error, "personal_column", "column \(index + 1) is headed like personal data")
            } else if !known.contains(key) {
                extraColumns.append(index)
            }
        }
        for row in form.malformed { add(row.line, .error, "malformed", "the row cannot be read (\(row.detail))") }

        var firstLineOfUser: [String: Int] = [:]
        var usersPerProvider: [String: [Int]] = [:]
        var unknownProviders: Set<String> = []
        var formPeriod: (start: String, line: Int)?
        let userColumn = form.header.firstIndex { ColumnSpec.matchKey($0) != "" && isUserHeader($0) }
        for row in form.rows {
            if row.provider.isEmpty { add(row.line, .error, "missing_provider", "column 'provider' is empty") }
            if row.user.isEmpty {
                add(row.line, .error, "missing_user", "column 'user' (löpnummer) is empty")
            } else {
                let key = row.provider.lowercased() + "\u{1F}" + row.user
                if let first = firstLineOfUser[key] {
                    add(row.line, .error, "duplicate_user", "the löpnummer already appears on line \(first)")
                } else {
                    firstLineOfUser[key] = row.line
                    usersPerProvider[row.provider, default: []].append(row.line)
                }
                if looksLikeName(row.user) {
                    add(row.line, .error, "name", "column 'user' looks like a name, not a löpnummer")
                } else if Int(row.user) == nil && DisclosureCheck.identityNumberKind(in: Substring(row.user)) == nil {
                    add(row.line, .warning, "user_not_number", "column 'user' is not a plain löpnummer (a number)")
                }
            }
            let staffText = row.staffCountText.trimmingBlanks
            if staffText.isEmpty {
                add(row.line, .error, "missing_staff_count", "column 'staff_count' is empty")
            } else if let staff = Int(staffText) {
                if staff <= 0 {
                    add(row.line, .error, "staff_count_not_positive", "column 'staff_count' must be at least 1")
                } else if staff > maximumStaff {
                    add(
                        row.line, .error, "staff_count_implausible",
                        "column 'staff_count' is above \(maximumStaff), not plausible for 14 days")
                } else if staff > unusualStaff {
                    add(
                        row.line, .warning, "staff_count_unusual",
                        "column 'staff_count' is above \(unusualStaff): possible, but check it")
                }
            } else {
                add(row.line, .error, "staff_count_not_integer", "column 'staff_count' is not a whole number")
            }
            for (index, cell) in row.cells.enumerated() {
                if let kind = DisclosureCheck.identityNumberKind(in: Substring(cell)) {
                    add(row.line, .error, kind.rawValue, "column \(index + 1) looks like a \(kind.rawValue)")
                } else if index != userColumn
                    && ((extraColumns.contains(index) && looksLikeName(cell)) || looksLikePersonalName(cell))
                {
                    add(row.line, .error, "name", "column \(index + 1) looks like a person's name")
                }
            }
            if let register, !row.provider.isEmpty, register.entries(for: row.provider).isEmpty,
                unknownProviders.insert(row.provider.lowercased()).inserted
            {
                add(row.line, .error, "unknown_provider", "the provider is not in the register \(register.path)")
            }
            if !row.periodStart.isEmpty {
                if let expected = period, CivilDate(parsing: row.periodStart) != expected.start {
                    add(
                        row.line, .error, "wrong_period",
                        "the form is for a period starting \(row.periodStart), not \(expected.start)")
                } else if let first = formPeriod, first.start != row.periodStart {
                    add(
                        row.line, .error, "mixed_periods",
                        "the period differs from the one on line \(first.line) of the same form")
                }
                if formPeriod == nil { formPeriod = (row.periodStart, row.line) }
            }
        }
        for (_, lines) in usersPerProvider.sorted(by: { $0.key < $1.key }) {
            if lines.count > sampleCap {
                add(
                    lines[sampleCap], .error, "too_many_users",
                    "more than \(sampleCap) users for one provider (\(lines.count)); the method samples at most "
                        + "\(sampleCap)")
            } else if lines.count < smallNumber {
                add(
                    lines[0], .warning, "few_users",
                    "only \(lines.count) users for this provider: too few to publish a mean")
            }
        }
        return problems
    }

    private static func isUserHeader(_ header: String) -> Bool {
        KoladaForm.columns.first { $0.name == "user" }?.aliases.map(ColumnSpec.matchKey).contains(
            ColumnSpec.matchKey(header)) ?? false
    }

    /// Common Swedish first names (SCB's most frequent), to tell a person's name from a unit's name in the
    /// columns a form does have ("Anna Svensson" in the unit column is a finding; "Hemtjänst Norr" is not).
    static let commonFirstNames: Set<String> = [
        "anna", "eva", "maria", "karin", "kristina", "lena", "sara", "kerstin", "emma", "ingrid", "marie", "malin",
        "birgitta", "linda", "elisabeth", "jenny", "hanna", "inger", "sofia", "annika", "ulla", "monica", "susanne",
        "johanna", "elin", "carina", "margareta", "helena", "camilla", "gunilla", "åsa", "anita", "ida", "julia",
        "therese", "ebba", "elsa", "astrid", "alice", "maja", "greta", "märta", "signe", "britt", "gun", "siv",
        "lars", "mikael", "anders", "johan", "per", "erik", "karl", "peter", "thomas", "jan", "daniel", "fredrik",
        "hans", "andreas", "bengt", "stefan", "mats", "magnus", "mattias", "bo", "nils", "sven", "björn", "jonas",
        "marcus", "niklas", "olof", "leif", "gustav", "göran", "ulf", "henrik", "martin", "lennart", "oskar",
        "kjell", "rolf", "christer", "åke", "gösta", "bertil", "harald", "stig", "tage", "olle", "arne", "rune",
        "ingvar", "folke", "sixten", "örjan", "axel", "viktor", "william", "lucas", "elias", "hugo", "alexander",
    ]

    /// A person's name: two or three capitalised words of letters, one of them a common Swedish first name.
    static func looksLikePersonalName(_ text: String) -> Bool {
        let words = text.split { $0 == " " || $0 == "," || $0 == "\t" }
        // Every word capitalised and the rest lower case ("AB", "HSL" make it an organisation, not a person).
        guard (2...3).contains(words.count), looksLikeName(text),
            words.allSatisfy({ $0.dropFirst().allSatisfy { $0.isLowercase || $0 == "-" } })
        else { return false }
        return words.contains { commonFirstNames.contains($0.lowercased()) }
    }

    /// Two or more words of letters, each starting with a capital ("Anna Svensson", "Svensson, Anna").
    static func looksLikeName(_ text: String) -> Bool {
        let words = text.split { $0 == " " || $0 == "," || $0 == "\t" }
        guard words.count >= 2 else { return false }
        return words.allSatisfy { word in
            guard let first = word.first, first.isUppercase, word.count >= 2 else { return false }
            return word.allSatisfy { $0.isLetter || $0 == "-" }
        }
    }
}
