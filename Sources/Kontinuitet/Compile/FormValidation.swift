/// One problem `validate` found in a form.
package struct FormProblem: Sendable, Equatable, CustomStringConvertible {
    package enum Severity: String, Sendable {
        /// The form would be wrong: `validate` exits non-zero.
        case error
        /// Unusual but possible.
        case warning

        /// The word `validate` prints.
        package var swedish: String { self == .error ? "fel" : "varning" }
    }

    package var file: String
    package var line: Int
    package var severity: Severity
    /// A short machine code (`duplicate_user`, `personnummer`, …).
    package var code: String
    /// What is wrong, naming the column; never the value (it may be personal data).
    package var message: String

    /// `file:line: fel: message [code]`: Swedish for the provider, the code in brackets for machines.
    package var description: String { "\(file):\(line): \(severity.swedish): \(message) [\(code)]" }
}

/// The provider's self-check of a Kolada form before sending it (`kontinuitet validate`).
///
/// Errors: more than 150 users for a provider; a löpnummer twice; a staff count that is missing, not a whole
/// number, zero or more than 60; a provider not in the register; anything that looks like a personnummer or
/// samordningsnummer (valid check digit) in any cell; a name in the löpnummer column or in a column the form does
/// not have; a column headed like names or personnummer; a form for another period, or rows that disagree on
/// the period; a row that cannot be read. Warnings: more than 35 staff; fewer than 5 users (too few to
/// publish); a löpnummer that is not a plain number.
package enum FormValidation {
    /// Above this many staff in 14 days a count is not plausible (an error).
    package static let maximumStaff = 60
    /// Above this many staff in 14 days a count is unusual (a warning).
    package static let unusualStaff = 35
    /// The method's cap on users per provider.
    package static let sampleCap = SamplingRule.defaultCap
    /// Fewer users than this are too few to publish.
    package static let smallNumber = 5

    /// Headers that must not appear in a form meant to be sent.
    static let personalHeaders: Set<String> = [
        "namn", "name", "personnummer", "pnr", "personnr", "fodelsedatum", "birthdate", "sortname", "samordningsnummer",
        "adress", "address",
    ]

    /// Checks every form; returns the problems sorted by file and line.
    ///
    /// The checks per provider hold across all the forms given: 100 + 100 users of one provider in two files
    /// are too many, and a löpnummer in two files is a duplicate. A form-level finding is reported once, at the
    /// form's first line where it shows.
    ///
    /// - Throws: `InputError` when a form cannot be read or lacks a required column.
    package static func validate(forms paths: [String], register: ProviderRegister?, period: PeriodWindow?) throws
        -> [FormProblem]
    {
        let forms = try paths.map { try KoladaForm.load(path: $0) }
        var problems: [FormProblem] = []
        var resolver = register.map { RegisterResolver(register: $0, periodEnd: period?.end) }
        // Per provider (the register's id, else the name folded), across every form: its rows' places and the
        // first place of each löpnummer.
        var rowsOfProvider: [String: [(file: String, line: Int)]] = [:]
        var firstPlace: [String: (file: String, line: Int)] = [:]
        var unknownProviders: Set<String> = []
        for form in forms {
            problems += check(form)
            func add(_ line: Int, _ severity: FormProblem.Severity, _ code: String, _ message: String) {
                problems.append(
                    FormProblem(file: form.path, line: line, severity: severity, code: code, message: message))
            }
            let names = FormColumnNames(form)
            var formPeriod: (start: String, line: Int)?
            var reportedWrongPeriod = false
            var reportedMixedPeriods = false
            for row in form.rows where !row.provider.isEmpty {
                let provider = resolver?.resolve(row.provider).id ?? row.provider
                let key = RegisterKey.fold(provider)
                if let register, resolver?.registeredID(row.provider) == nil, unknownProviders.insert(key).inserted {
                    add(row.line, .error, "unknown_provider", "utföraren finns inte i registret \(register.path)")
                }
                if !row.user.isEmpty {
                    let userKey = key + "\u{1F}" + row.user.trimmingBlanks
                    if let first = firstPlace[userKey] {
                        let place = first.file == form.path ? "rad \(first.line)" : "\(first.file) rad \(first.line)"
                        add(
                            row.line, .error, "duplicate_user",
                            "\(names.user) finns redan för samma utförare (\(place))")
                    } else {
                        firstPlace[userKey] = (form.path, row.line)
                        rowsOfProvider[key, default: []].append((form.path, row.line))
                    }
                }
                if !row.periodStart.isEmpty {
                    if let expected = period, CivilDate(parsing: row.periodStart) != expected.start {
                        if !reportedWrongPeriod {
                            add(
                                row.line, .error, "wrong_period",
                                "blanketten gäller perioden som börjar \(row.periodStart), inte \(expected.start)")
                            reportedWrongPeriod = true
                        }
                    } else if let first = formPeriod, first.start != row.periodStart, !reportedMixedPeriods {
                        add(
                            row.line, .error, "mixed_periods",
                            "perioden skiljer sig från den på rad \(first.line) i samma blankett")
                        reportedMixedPeriods = true
                    }
                    if formPeriod == nil { formPeriod = (row.periodStart, row.line) }
                }
            }
        }
        for key in rowsOfProvider.keys.sorted() {
            guard let places = rowsOfProvider[key] else { continue }
            let spread = Set(places.map(\.file)).count > 1 ? " i \(Set(places.map(\.file)).count) filer" : ""
            if places.count > sampleCap {
                let place = places[sampleCap]
                problems.append(
                    FormProblem(
                        file: place.file, line: place.line, severity: .error, code: "too_many_users",
                        message: "fler än \(sampleCap) brukare för utföraren (\(places.count)\(spread)); metoden tar "
                            + "med högst \(sampleCap)"))
            } else if places.count < smallNumber {
                problems.append(
                    FormProblem(
                        file: places[0].file, line: places[0].line, severity: .warning, code: "few_users",
                        message: "bara \(places.count) brukare för utföraren\(spread): för få för att publicera ett "
                            + "medelvärde"))
            }
        }
        return problems.sorted { ($0.file, $0.line, $0.code) < ($1.file, $1.line, $1.code) }
    }

    /// The findings of one form that need no other form: its columns, each row's cells, an empty form.
    static func check(_ form: KoladaForm) -> [FormProblem] {
        var problems: [FormProblem] = []
        func add(_ line: Int, _ severity: FormProblem.Severity, _ code: String, _ message: String) {
            problems.append(FormProblem(file: form.path, line: line, severity: severity, code: code, message: message))
        }
        let names = FormColumnNames(form)
        let known = Set(KoladaForm.columns.flatMap { $0.aliases.map(ColumnSpec.matchKey) })
        var extraColumns: [Int] = []
        for (index, header) in form.header.enumerated() {
            let key = ColumnSpec.matchKey(header)
            if personalHeaders.contains(key) {
                add(
                    form.headerLine, .error, "personal_column",
                    "kolumnen \(names.quoted(index)) har en rubrik för personuppgifter: ta bort den")
            } else if !known.contains(key) {
                extraColumns.append(index)
            }
        }
        for row in form.malformed {
            let why =
                row.reason == "field_count"
                ? "antalet fält stämmer inte med rubrikraden (ett avgränsningstecken i ett värde, eller en avkortad rad?)"
                : "ett citattecken stängs inte"
            add(row.line, .error, "malformed", "raden kan inte läsas: \(why)")
        }
        if form.rows.isEmpty && form.malformed.isEmpty {
            add(form.headerLine, .error, "empty_form", "blanketten har inga rader: skicka inte en tom blankett")
        }
        let userColumn = form.header.firstIndex { ColumnSpec.matchKey($0) != "" && isUserHeader($0) }
        for row in form.rows {
            if row.provider.isEmpty { add(row.line, .error, "missing_provider", "\(names.provider) är tom") }
            if row.user.isEmpty {
                add(row.line, .error, "missing_user", "\(names.user) är tom")
            } else if looksLikeIdentityNumber(row.user) {
                add(
                    row.line, .error, "personnummer",
                    "\(names.user) ser ut som ett personnummer (ett datum i början): skicka löpnummer, aldrig "
                        + "personnummer")
            } else if looksLikeName(row.user) {
                add(row.line, .error, "name", "\(names.user) ser ut som ett namn, inte ett löpnummer")
            } else if Int(row.user.trimmingBlanks) == nil {
                add(row.line, .warning, "user_not_number", "\(names.user) är inte ett löpnummer (ett heltal)")
            }
            let staffText = row.staffCountText.trimmingBlanks
            if staffText.isEmpty {
                add(row.line, .error, "missing_staff_count", "\(names.staffCount) är tom")
            } else if let staff = DecimalNumber.wholeNumber(staffText) {
                if staff <= 0 {
                    add(row.line, .error, "staff_count_not_positive", "\(names.staffCount) måste vara minst 1")
                } else if staff > maximumStaff {
                    add(
                        row.line, .error, "staff_count_implausible",
                        "\(names.staffCount) är över \(maximumStaff): inte rimligt för 14 dagar")
                } else if staff > unusualStaff {
                    add(
                        row.line, .warning, "staff_count_unusual",
                        "\(names.staffCount) är över \(unusualStaff): möjligt, men kontrollera")
                }
            } else {
                add(row.line, .error, "staff_count_not_integer", "\(names.staffCount) är inte ett heltal")
            }
            for (index, cell) in row.cells.enumerated() where index != userColumn {
                if let kind = DisclosureCheck.identityNumberKind(in: Substring(cell)) {
                    add(row.line, .error, kind.rawValue, "\(names.quoted(index)) ser ut som ett \(kind.rawValue)")
                } else if (extraColumns.contains(index) && looksLikeName(cell)) || looksLikePersonalName(cell) {
                    add(row.line, .error, "name", "\(names.quoted(index)) ser ut som en persons namn")
                }
            }
        }
        return problems
    }

    /// A löpnummer that is a personnummer or samordningsnummer whatever its check digit: 10 or 12 digits (a `-`
    /// or `+` before the last four allowed) beginning with a date (YYMMDD or YYYYMMDD; a samordningsnummer's day
    /// is the day plus 60).
    static func looksLikeIdentityNumber(_ text: String) -> Bool {
        var digits = Array(text.trimmingBlanks.utf8)
        if digits.count == 11 || digits.count == 13, case let sign = digits[digits.count - 5],
            sign == 0x2D || sign == 0x2B
        {
            digits.remove(at: digits.count - 5)
        }
        guard digits.count == 10 || digits.count == 12, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return false
        }
        let values = digits.map { Int($0) - 48 }
        let offset = values.count == 12 ? 2 : 0
        let month = values[offset + 2] * 10 + values[offset + 3]
        var day = values[offset + 4] * 10 + values[offset + 5]
        if day > 60 { day -= 60 }
        return (1...12).contains(month) && (1...31).contains(day)
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

/// The form's own headers for the columns `validate` names, so that a provider reads "'Antal personal' är tom",
/// not an internal name.
struct FormColumnNames {
    let header: [String]
    let provider: String
    let user: String
    let staffCount: String

    init(_ form: KoladaForm) {
        header = form.header
        func named(_ column: String, _ fallback: String) -> String {
            let aliases = Set(KoladaForm.columns.first { $0.name == column }?.aliases.map(ColumnSpec.matchKey) ?? [])
            let found = form.header.first { aliases.contains(ColumnSpec.matchKey($0)) }
            return "'\(found ?? fallback)'"
        }
        provider = named("provider", "Utförare")
        user = named("user", "Löpnummer")
        staffCount = named("staff_count", "Antal personal")
    }

    /// The header of column `index` in quotes, or its number when it has none.
    func quoted(_ index: Int) -> String {
        index < header.count && !header[index].isEmpty ? "'\(header[index])'" : "kolumn \(index + 1)"
    }
}
