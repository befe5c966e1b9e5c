import XCTest

@testable import Kontinuitet

/// The compile and validate rules of docs/compile-validate.md, one test per rule, on hand-made forms.
final class CompileRuleTests: XCTestCase {
    private let registerHeader =
        "provider,name,provider_type,district,capacity_hours,valid_from,valid_to,merged_into,renamed_to\n"

    private func compile(
        _ forms: [(String, String)], register: String? = nil, year: Int? = 2018, trend: Bool = false
    ) throws -> CompileResult {
        let directory = TemporaryDirectory()
        let paths = forms.map { directory.file($0.0, $0.1) }
        let registry = try register.map {
            try ProviderRegister.load(path: directory.file("r.csv", registerHeader + $0))
        }
        var options = CompileOptions()
        options.year = year
        options.trend = trend
        return try Compile.run(forms: paths, register: registry, options: options)
    }

    private func validate(_ forms: [(String, String)], register: String? = nil) throws -> [FormProblem] {
        let directory = TemporaryDirectory()
        let paths = forms.map { directory.file($0.0, $0.1) }
        let registry = try register.map {
            try ProviderRegister.load(path: directory.file("r.csv", registerHeader + $0))
        }
        return try FormValidation.validate(forms: paths, register: registry, period: PeriodWindow.kolada(year: 2018))
    }

    func testProvidersAreKeyedByTheRegistersIDWhateverTheFormWrites() throws {
        // Register id P, name "P AB"; the forms write "P AB", "P" and " p ": one provider, three users.
        let result = try compile(
            [
                ("a.csv", "provider,user,staff_count\nP AB,1,10\n"), ("b.csv", "provider,user,staff_count\nP,2,12\n"),
                ("c.csv", "provider,user,staff_count\n p ,3,14\n"),
            ], register: "P,P AB,privat,Väst,,2010-01-01,,,\n")
        let providers = result.levels.filter { $0.level == .provider }
        XCTAssertEqual(providers.map(\.key), ["P"])
        // (10 + 12 + 14) / 3 = 12.
        XCTAssertEqual(providers.first?.summary.mean, 12)
        XCTAssertEqual(providers.first?.name, "P AB")
    }

    func testResultsDoNotDependOnTheOrderOfTheFiles() throws {
        let register = """
            P,P AB,privat,Väst,,2010-01-01,,,
            E1,Enhet 1,,,,2010-01-01,2018-09-01,E3,
            E3,Enhet 3,,,,2018-09-02,,,

            """
        let forms = [
            ("a.csv", "provider,unit,user,staff_count\nP,E1,1,10\nP,E3,2,20\n"),
            ("b.csv", "provider,unit,user,staff_count\nP AB,E3,3,30\nP,E1,1,10\n"),
            ("c.csv", "provider,unit,user,staff_count,utförartyp\nQ,,7,9,kommunal\nP,E1,2,21\n"),
        ]
        var outputs: Set<String> = []
        for order in [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]] {
            let result = try compile(order.map { forms[$0] }, register: register)
            outputs.insert(
                result.levels.map {
                    "\($0.level) \($0.key) \($0.status) \($0.summary.count) \($0.summary.mean ?? -1) \($0.mergedFrom)"
                }.joined(separator: "\n")
                    + result.rejectedRows.map { "\($0.reason)" }.sorted().joined(separator: ","))
        }
        // Every order gives the same levels: P's löpnummer 1 twice with 10 counts once, löpnummer 2 with 20 and
        // 21 counts not at all (conflicting); so P has users 1 (10) and 3 (30): mean 20.
        XCTAssertEqual(outputs.count, 1, outputs.joined(separator: "\n---\n"))
        let result = try compile(forms, register: register)
        XCTAssertEqual(result.levels.first { $0.level == .provider && $0.key == "P" }?.summary.mean, 20)
    }

    func testAUnitMergedBeforeThePeriodsEndIsActiveUnderItsNewUnitWithMergedFrom() throws {
        let result = try compile(
            [("a.csv", "provider,unit,user,staff_count\nP,E1,1,10\nP,E3,2,20\n")],
            register: "P,,privat,,,2010-01-01,,,\nE1,,,,,2010-01-01,2018-09-10,E3,\nE3,,,,,2010-01-01,,,\n")
        let units = result.levels.filter { $0.level == .unit }
        XCTAssertEqual(units.map(\.key), ["P / E3"])
        XCTAssertEqual(units.first?.status, "active")
        XCTAssertEqual(units.first?.mergedFrom, ["E1"])
    }

    func testValidToIsInclusiveAChangeOnThePeriodsLastDayDoesNotApply() throws {
        // The 2018 period ends on Sunday 16 September. E1 valid through the 16th is still E1 at the end.
        let directory = TemporaryDirectory()
        let r = try ProviderRegister.load(
            path: directory.file("r.csv", registerHeader + "E1,,,,,2010-01-01,2018-09-16,E3,\n"))
        let end = PeriodWindow.kolada(year: 2018).end
        XCTAssertEqual(UnitChanges.resolve("E1", register: r, periodEnd: end).id, "E1")
        // Through the 15th it has become E3.
        let earlier = try ProviderRegister.load(
            path: directory.file("r2.csv", registerHeader + "E1,,,,,2010-01-01,2018-09-15,E3,\n"))
        XCTAssertEqual(UnitChanges.resolve("E1", register: earlier, periodEnd: end).id, "E3")
    }

    func testRowsOfAnotherPeriodAreRejectedAsOtherPeriod() throws {
        let result = try compile([
            ("2017.csv", "provider,user,staff_count,period_start\nP,1,10,2017-09-04\nP,2,12,2017-09-04\n"),
            ("2018.csv", "provider,user,staff_count,period_start\nP,1,20,2018-09-03\n"),
        ])
        // --year 2018: only the 2018 row counts; the two 2017 rows are rejected, not counted.
        XCTAssertEqual(result.levels.first { $0.level == .city }?.summary.count, 1)
        XCTAssertEqual(result.rejectedRows.map(\.reason), ["other_period", "other_period"])
    }

    func testTrendGivesEveryLevelOneFigurePerYearEqualToCompilingEachYearAlone() throws {
        let forms = [
            ("2017.csv", "provider,user,staff_count,period_start\nP,1,10,2017-09-04\nP,2,12,2017-09-04\n"),
            ("2018.csv", "provider,user,staff_count,period_start\nP,1,20,2018-09-03\n"),
        ]
        let trend = try compile(forms, year: nil, trend: true)
        let city = trend.trend.filter { $0.level == .city }
        XCTAssertEqual(city.map(\.year), [2017, 2018])
        // 2017: (10 + 12) / 2 = 11; 2018: 20.
        XCTAssertEqual(city.map(\.summary.mean), [11, 20])
        let alone2017 = try compile([forms[0]], year: 2017)
        XCTAssertEqual(alone2017.levels.first { $0.level == .city }?.summary, city.first?.summary)
        XCTAssertTrue(trend.rejectedRows.isEmpty)
    }

    func testTheReportShowsTheUnitsWithTheirChangesAndTheTrend() throws {
        let forms = [
            (
                "2017.csv",
                "provider,unit,user,staff_count,period_start\n"
                    + (1...5).map { "P,E1,\($0),10,2017-09-04" }.joined(
                        separator: "\n") + "\n"
            ),
            (
                "2018.csv",
                "provider,unit,user,staff_count,period_start\n"
                    + (1...5).map { "P,E1,\($0),12,2018-09-03" }.joined(
                        separator: "\n") + "\n"
            ),
        ]
        let register = "P,,privat,,,2010-01-01,,,\nE1,,,,,2010-01-01,2018-09-10,E3,\nE3,,,,,2010-01-01,,,\n"
        let html = CompileReport(result: try compile(forms, register: register, year: nil, trend: true)).render()
        // 2018: E1 was merged into E3 on 10 September, so the unit row is E3 with E1 listed.
        XCTAssertTrue(html.contains("Resultat per enhet"), html)
        XCTAssertTrue(html.contains("tidigare: E1"), html)
        // Two years: the trend is drawn, the city's line through 10 (2017) and 12 (2018).
        XCTAssertTrue(html.contains("Utveckling över åren"), html)
        let one = CompileReport(result: try compile([forms[1]], register: register)).render()
        XCTAssertFalse(one.contains("Utveckling över åren"), "one year has no trend")
    }

    func testWholeNumbersWithADecimalCommaOrPointAreAccepted() throws {
        let result = try compile([("a.csv", "provider;user;staff_count\nP;1;12,0\nP;2;12.0\nP;3;12,5\n")])
        XCTAssertEqual(result.rowsUsed, 2)
        XCTAssertEqual(result.rejectedRows.map(\.line), [4])
        XCTAssertEqual(try validate([("a.csv", "provider;user;staff_count\nP;1;12,0\n")]).map(\.code), ["few_users"])
    }

    func testMoreThan150UsersIsFlaggedInTheResults() throws {
        let form = "provider,user,staff_count\n" + (1...151).map { "P,\($0),10" }.joined(separator: "\n") + "\n"
        let result = try compile([("a.csv", form)])
        XCTAssertEqual(result.levels.first { $0.level == .provider }?.overCap, true)
        XCTAssertTrue(CompileOutputs.summary(result).contains("over the cap: \"P\" has 151 users"))
    }

    func testMissingProvidersAreListedOnePerLine() throws {
        let result = try compile(
            [("a.csv", "provider,user,staff_count\nA,1,10\n")],
            register: "A,,kommunal,,,2010-01-01,,,\n\"Omsorg, Väst AB\",,privat,,,2010-01-01,,,\n")
        XCTAssertTrue(
            CompileOutputs.summary(result).contains("missing forms (1):\n  \"Omsorg, Väst AB\""),
            CompileOutputs.summary(result))
    }

    func testAFiveThousandLongRenameChainResolvesInLinearTime() throws {
        var rows = ""
        for k in 0..<5_000 { rows += "U\(k),,,,,2010-01-01,2011-01-01,,U\(k + 1)\n" }
        rows += "U5000,,,,,2011-01-02,,,\n"
        let directory = TemporaryDirectory()
        let register = try ProviderRegister.load(path: directory.file("r.csv", registerHeader + rows))
        var resolver = RegisterResolver(register: register, periodEnd: PeriodWindow.kolada(year: 2018).end)
        // Every id resolved: each chain walked once, so this is 5 001 steps, not 12.5 million.
        for k in 0...5_000 { XCTAssertEqual(resolver.resolve("U\(k)").id, "U5000") }
        XCTAssertEqual(resolver.resolve("U0").status, .renamed)
    }

    func testValidateChecksProvidersAcrossFiles() throws {
        let hundred = { (first: Int) in
            "provider,user,staff_count\n" + (first..<first + 100).map { "P,\($0),10" }.joined(separator: "\n") + "\n"
        }
        // 100 + 100 users of one provider in two files: more than 150.
        XCTAssertEqual(
            try validate([("a.csv", hundred(1)), ("b.csv", hundred(101))]).map(\.code), ["too_many_users"])
        // The same löpnummer in two files is a duplicate, at the second file's line.
        let duplicate = try validate([
            ("a.csv", "provider,user,staff_count\nP,1,10\nP,2,10\nP,3,10\n"),
            ("b.csv", "provider,user,staff_count\nP,1,10\nP,4,10\nP,5,10\n"),
        ])
        XCTAssertEqual(duplicate.map { "\($0.file.suffix(5)):\($0.line):\($0.code)" }, ["b.csv:2:duplicate_user"])
        // 3 + 3 users are 6: no few_users warning.
        let six = try validate([
            ("a.csv", "provider,user,staff_count\nP,1,10\nP,2,10\nP,3,10\n"),
            ("b.csv", "provider,user,staff_count\nP,4,10\nP,5,10\nP,6,10\n"),
        ])
        XCTAssertEqual(six, [])
    }

    func testValidateReportsAFormLevelFindingOnceAndAnEmptyProviderGetsNoFewUsers() throws {
        let form =
            "provider,user,staff_count,period_start\n"
            + (1...6).map { "P,\($0),10,2017-09-04" }.joined(
                separator: "\n") + "\n,7,10,2017-09-04\n"
        let found = try validate([("a.csv", form)])
        XCTAssertEqual(found.map { "\($0.line):\($0.code)" }, ["2:wrong_period", "8:missing_provider"])
    }

    func testValidateNamesColumnsByTheFormsHeadersInSwedish() throws {
        let found = try validate([("a.csv", "Utförare;Löpnummer;Antal personal\nP;1;\nP;2;9\nP;3;9\nP;4;9\nP;5;9\n")])
        XCTAssertEqual(
            found.map(\.description).first?.hasSuffix("fel: 'Antal personal' är tom [missing_staff_count]"), true)
    }

    func testAPersonnummerShapedLöpnummerIsAnErrorWhateverItsCheckDigit() throws {
        // 400101-1234 has a wrong check digit; 194001011234 and 4001011234 too. All begin with a date.
        for user in ["400101-1234", "194001011234", "4001011234", "400161-1234"] {
            let found = try validate([("a.csv", "provider,user,staff_count\nP,\(user),10\n")])
            XCTAssertTrue(found.contains { $0.code == "personnummer" && $0.severity == .error }, user)
        }
        // A löpnummer of ten digits that is no date (month 13) is not.
        XCTAssertFalse(
            try validate([("a.csv", "provider,user,staff_count\nP,4013011234,10\n")]).contains {
                $0.code == "personnummer"
            })
    }

    func testValidateReportsAnEmptyFormAsAnError() throws {
        let found = try validate([("a.csv", "provider,user,staff_count\n")])
        XCTAssertEqual(found.map(\.code), ["empty_form"])
        XCTAssertEqual(found.first?.severity, .error)
    }
}
