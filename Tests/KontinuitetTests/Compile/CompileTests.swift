import XCTest

@testable import Kontinuitet

/// `compile` on hand-made forms: every figure computed by hand in the comments.
final class CompileTests: XCTestCase {
    private let register = """
        provider,name,provider_type,district,capacity_hours,valid_from,valid_to,merged_into,renamed_to
        A,Alfa hemtjänst,kommunal,Norr,,2015-01-01,,,
        B,Beta Omsorg AB,privat,Väst,,2015-01-01,,,
        C,Gamma hemtjänst,kommunal,Söder,,2015-01-01,,,
        M,Saknas AB,privat,Väst,,2015-01-01,,,
        """

    private func compile(_ forms: [String: String], register text: String? = nil, year: Int? = 2018) throws
        -> CompileResult
    {
        let directory = TemporaryDirectory()
        let paths = forms.keys.sorted().map { directory.file($0, forms[$0] ?? "") }
        let register =
            try (text ?? self.register).isEmpty
            ? nil : ProviderRegister.load(path: directory.file("register.csv", text ?? self.register))
        var options = CompileOptions()
        options.year = year
        return try Compile.run(forms: paths, register: register, options: options)
    }

    private func level(_ result: CompileResult, _ level: LevelResult.Level, _ key: String) -> LevelResult? {
        result.levels.first { $0.level == level && $0.key == key }
    }

    func testMeansAreUserWeightedAtEveryLevel() throws {
        let result = try compile([
            "a.csv": "provider,user,staff_count\nA,1,10\nA,2,12\nA,3,14\n",
            // A Swedish Excel form: semicolon, Swedish headers.
            "b.csv": "Utförare;Löpnummer;Antal personal\nB;1;20\nB;2;22\n",
            "c.csv": "utförare,löpnummer,antal personal\nC,7,30\n",
        ])
        // A: [10, 12, 14] mean 12; B: [20, 22] mean 21; C: [30].
        XCTAssertEqual(level(result, .provider, "A")?.summary.mean, 12)
        XCTAssertEqual(level(result, .provider, "B")?.summary.mean, 21)
        // City: (36 + 42 + 30) / 6 = 18, not the mean of provider means (12 + 21 + 30) / 3 = 21.
        XCTAssertEqual(level(result, .city, "1480")?.summary.mean, 18)
        XCTAssertEqual(level(result, .city, "1480")?.summary.count, 6)
        // Municipal (A and C): (36 + 30) / 4 = 16.5; private (B): 21.
        XCTAssertEqual(level(result, .providerType, "kommunal")?.summary.mean, 16.5)
        XCTAssertEqual(level(result, .providerType, "privat")?.summary.mean, 21)
        // Districts are the municipal home care of each district: Norr = A, Söder = C; Väst (private B) is none.
        XCTAssertEqual(level(result, .district, "Norr")?.summary.mean, 12)
        XCTAssertEqual(level(result, .district, "Söder")?.summary.mean, 30)
        XCTAssertNil(level(result, .district, "Väst"))
        // Bins: 10 → 6–10; 12, 14 → 11–15; 20 → 16–20; 22 → 21–25; 30 → >25.
        XCTAssertEqual(level(result, .city, "1480")?.bins, [0, 1, 2, 1, 1, 1])
        // Median of the city [10, 12, 14, 20, 22, 30]: (14 + 20) / 2 = 17; share over 20: 2 of 6.
        XCTAssertEqual(level(result, .city, "1480")?.summary.median, 17)
        XCTAssertEqual(try XCTUnwrap(level(result, .city, "1480")?.summary.shareOver20), 2.0 / 6, accuracy: 1e-12)
    }

    func testRegisteredProvidersWithoutAFormAreListedAsMissing() throws {
        let result = try compile(["a.csv": "provider,user,staff_count\nA,1,10\n"])
        // B, C and M are registered with a type and valid at the end of the period; none sent a form.
        XCTAssertEqual(result.missing.map(\.key), ["B", "C", "M"])
        XCTAssertEqual(Set(result.missing.map(\.status)), ["missing"])
    }

    func testFeedbackComparesWithTheGroupAndTheCity() throws {
        let result = try compile([
            "f.csv": "provider,user,staff_count\nA,1,10\nA,2,12\nC,1,20\nC,2,22\nB,1,16\n"
        ])
        // Municipal group: (22 + 42) / 4 = 16; city (22 + 42 + 16) / 5 = 16.
        let a = try XCTUnwrap(result.feedback.first { $0.provider == "A" })
        XCTAssertEqual(a.mean, 11)
        XCTAssertEqual(a.groupMean, 16)
        XCTAssertEqual(a.differenceFromGroup, -5)
        XCTAssertEqual(FeedbackRow.comment(a.differenceFromGroup), "bättre")
        let c = try XCTUnwrap(result.feedback.first { $0.provider == "C" })
        XCTAssertEqual(FeedbackRow.comment(c.differenceFromGroup), "sämre")
        XCTAssertEqual(FeedbackRow.comment(0.4), "som jämförelsen")
    }

    func testBadRowsAreRejectedWithTheirLines() throws {
        let result = try compile([
            "a.csv": "provider,user,staff_count\nA,1,10\nA,2,x\nA,3,0\nA,1,11\n,4,5\nA,5,12\n"
        ])
        // Löpnummer 1 is given twice with different counts (10 on line 2, 11 on line 5): no order of the rows
        // can say which is right, so neither counts; only A,5,12 is used.
        XCTAssertEqual(result.rejectedRows.map(\.line), [2, 3, 4, 5, 6])
        XCTAssertEqual(
            result.rejectedRows.map(\.reason),
            [
                "conflicting_duplicate", "bad_staff_count", "bad_staff_count", "conflicting_duplicate",
                "missing_provider",
            ])
        XCTAssertEqual(result.rowsRead, 6)
        XCTAssertEqual(result.rowsUsed, 1)
    }

    func testTheReportHoldsBackProvidersWithFewUsers() throws {
        let result = try compile([
            "a.csv": "provider,user,staff_count\n" + (1...6).map { "A,\($0),\(10 + $0)" }.joined(separator: "\n")
                + "\nB,1,17\n"
        ])
        let html = CompileReport(result: result, minimumUsers: 5).render()
        // A has 6 users: its mean (11+12+…+16)/6 = 13.5 is shown; B has 1 user: "för få", its 17 is not.
        XCTAssertTrue(html.contains("data-value=\"13.50\""), html)
        XCTAssertTrue(html.contains(HTMLTable.suppressedText))
        XCTAssertFalse(html.contains("data-value=\"17.00\""), "neither B's row nor its group's line")
        XCTAssertTrue(CompileReport(result: result, minimumUsers: 0).render().contains("data-value=\"17.00\""))
    }

    func testTheFormsOwnTypeAndDistrictOverrideTheRegister() throws {
        let result = try compile(
            ["a.csv": "provider,user,staff_count,stadsdel,utförartyp\nX,1,10,Öster,Kommunal\n"], register: "")
        XCTAssertEqual(level(result, .district, "Öster")?.summary.count, 1)
        XCTAssertEqual(level(result, .providerType, "kommunal")?.summary.count, 1)
    }
}

/// SPEC §2 rule 10: results are reported under the unit as it is at the end of the period.
final class UnitChangesTests: XCTestCase {
    private func register(_ rows: String) throws -> ProviderRegister {
        let directory = TemporaryDirectory()
        return try ProviderRegister.load(
            path: directory.file(
                "r.csv",
                "provider,name,provider_type,district,capacity_hours,valid_from,valid_to,merged_into,renamed_to\n"
                    + rows))
    }

    private let periodEnd = CivilDate(year: 2018, month: 9, day: 16)

    func testARenameInsideThePeriodReportsUnderTheNewName() throws {
        let r = try register("E1,Enhet Ett,,,,2010-01-01,2018-09-10,,E1b\nE1b,Enhet Ett Nya,,,,2018-09-11,,,\n")
        XCTAssertEqual(
            UnitChanges.resolve("E1", register: r, periodEnd: periodEnd),
            UnitChanges.Resolution(id: "E1b", status: .renamed))
        // A rename after the period does not apply yet.
        let later = try register("E1,Enhet Ett,,,,2010-01-01,2018-10-01,,E1b\n")
        XCTAssertEqual(UnitChanges.resolve("E1", register: later, periodEnd: periodEnd).status, .active)
    }

    func testTwoUnitsMergedIntoANewOne() throws {
        let r = try register(
            "E1,Ett,,,,2010-01-01,2018-06-30,E3,\nE2,Två,,,,2010-01-01,2018-06-30,E3,\nE3,Tre,,,,2018-07-01,,,\n")
        XCTAssertEqual(UnitChanges.resolve("E1", register: r, periodEnd: periodEnd).id, "E3")
        XCTAssertEqual(UnitChanges.resolve("E2", register: r, periodEnd: periodEnd).status, .merged)
        // Compiled: the users of E1 and E2 are reported together under E3.
        let directory = TemporaryDirectory()
        let form = directory.file("f.csv", "provider,unit,user,staff_count\nP,E1,1,10\nP,E2,2,20\nP,E3,3,30\n")
        let registerPath = directory.file(
            "r.csv",
            "provider,name,provider_type,valid_from,valid_to,merged_into\nE1,Ett,,2010-01-01,2018-06-30,E3\n"
                + "E2,Två,,2010-01-01,2018-06-30,E3\nE3,Tre,,2018-07-01,,\n")
        var options = CompileOptions()
        options.year = 2018
        let result = try Compile.run(
            forms: [form], register: ProviderRegister.load(path: registerPath), options: options)
        let units = result.levels.filter { $0.level == .unit }
        XCTAssertEqual(units.map(\.key), ["P / E3"])
        // (10 + 20 + 30) / 3 = 20.
        XCTAssertEqual(units.first?.summary.mean, 20)
    }

    func testAClosedUnitIsReportedAsClosed() throws {
        let r = try register("E9,Nio,,,,2010-01-01,2018-09-05,,\n")
        XCTAssertEqual(
            UnitChanges.resolve("E9", register: r, periodEnd: periodEnd),
            UnitChanges.Resolution(id: "E9", status: .closed))
    }

    func testARenameThenAMergeIsFollowedAndCyclesStop() throws {
        let r = try register("A,,,,,,2018-01-01,,B\nB,,,,,,2018-02-01,C,\nC,,,,,,,,\n")
        XCTAssertEqual(UnitChanges.resolve("A", register: r, periodEnd: periodEnd).id, "C")
        let cycle = try register("X,,,,,,2018-01-01,,Y\nY,,,,,,2018-01-01,,X\n")
        XCTAssertEqual(UnitChanges.resolve("X", register: cycle, periodEnd: periodEnd).id, "Y")
    }
}
