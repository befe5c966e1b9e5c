import XCTest

@testable import Kontinuitet

/// `validate`: every planted problem is reported with its line.
final class ValidationTests: XCTestCase {
    private func problems(_ form: String, register: String? = nil, year: Int? = nil) throws -> [FormProblem] {
        let directory = TemporaryDirectory()
        let path = directory.file("form.csv", form)
        let registry = try register.map { try ProviderRegister.load(path: directory.file("r.csv", $0)) }
        return try FormValidation.validate(
            forms: [path], register: registry, period: year.map { PeriodWindow.kolada(year: $0) })
    }

    private func codes(_ problems: [FormProblem]) -> [String] { problems.map { "\($0.line):\($0.code)" } }

    func testACleanFormHasNoProblems() throws {
        let form = "provider,user,staff_count\n" + (1...10).map { "P,\($0),\(10 + $0)" }.joined(separator: "\n") + "\n"
        XCTAssertEqual(try problems(form), [])
    }

    func testStaffCountProblems() throws {
        let form = "provider,user,staff_count\nP,1,\nP,2,x\nP,3,0\nP,4,61\nP,5,36\nP,6,12\nP,7,13\n"
        XCTAssertEqual(
            codes(try problems(form)),
            [
                "2:missing_staff_count", "3:staff_count_not_integer", "4:staff_count_not_positive",
                "5:staff_count_implausible", "6:staff_count_unusual",
            ])
        XCTAssertEqual(try problems(form).filter { $0.severity == .warning }.map(\.line), [6])
    }

    func testDuplicateLöpnummer() throws {
        let form = "provider,user,staff_count\nP,1,10\nP,2,10\nP,1,11\nP,3,9\nP,4,9\nP,5,9\n"
        let found = try problems(form)
        XCTAssertEqual(codes(found), ["4:duplicate_user"])
        XCTAssertTrue(found[0].message.contains("rad 2"), found[0].message)
    }

    func testMoreThan150Users() throws {
        let form = "provider,user,staff_count\n" + (1...151).map { "P,\($0),10" }.joined(separator: "\n") + "\n"
        // The 151st user is on line 152.
        XCTAssertEqual(codes(try problems(form)), ["152:too_many_users"])
    }

    func testPersonnummerAndNamesAnywhere() throws {
        // 400101-1230 has a valid check digit; 400101-1234 does not.
        let form = """
            provider,user,staff_count,kommentar
            P,400101-1230,10,
            P,2,10,ring 4001011230
            P,3,10,400101-1234
            P,Anna Svensson,10,
            P,5,10,Karl Berg
            P,6,10,ok

            """
        XCTAssertEqual(codes(try problems(form)), ["2:personnummer", "3:personnummer", "5:name", "6:name"])
        XCTAssertTrue(try problems(form).allSatisfy { !$0.description.contains("400101") })
    }

    func testANameInTheUnitColumnIsFoundButUnitNamesPass() throws {
        let form = """
            provider,unit,user,staff_count
            P,Hemtjänst Norr,1,10
            P,Anna Svensson,2,10
            P,Karin Omsorg AB,3,10
            P,"Berg, Olof",4,10
            P,Väst B,5,10

            """
        // Line 3 and line 5 are people; "Karin Omsorg AB" has an all-capital word, so it is a company.
        XCTAssertEqual(codes(try problems(form)), ["3:name", "5:name"])
    }

    func testAPersonalColumnHeaderIsAnError() throws {
        let found = try problems("provider,user,staff_count,namn\nP,1,10,\nP,2,10,\nP,3,10,\nP,4,10,\nP,5,10,\n")
        XCTAssertEqual(codes(found), ["1:personal_column"])
    }

    func testUnknownProviderAndWrongPeriod() throws {
        let register = "provider,name\nP,Känd\n"
        let form = """
            provider,user,staff_count,period_start
            P,1,10,2018-09-03
            Q,1,10,2018-09-03
            Q,2,10,2018-09-03
            P,2,10,2017-09-04

            """
        let found = try problems(form, register: register, year: 2018)
        // Q is unknown (reported once, on its first line); line 5 is for 2017.
        XCTAssertEqual(codes(found).filter { !$0.hasSuffix("few_users") }, ["3:unknown_provider", "5:wrong_period"])
        // Without an expected year, rows that disagree within the form are still an error.
        XCTAssertEqual(
            codes(try problems(form)).filter { $0.hasSuffix("periods") }, ["5:mixed_periods"])
    }

    func testFewUsersAndNonNumericLöpnummerAreWarnings() throws {
        let found = try problems("provider,user,staff_count\nP,A1,10\nP,2,10\n")
        XCTAssertEqual(codes(found), ["2:few_users", "2:user_not_number"])
        XCTAssertTrue(found.allSatisfy { $0.severity == .warning })
    }

    func testTheFormMeasureWritesIsValid() throws {
        var log = VisitLogBuilder()
        for user in 0..<6 { log.regularUser(user: "U\(user)", staff: ["s1", "s2"]) }
        let directory = TemporaryDirectory()
        try MeasureOutputs.write(
            try log.measure(), to: OutputDirectory(path: directory.path), options: .testing(keysOf: directory))
        let found = try FormValidation.validate(
            forms: [directory.path + "/forms/p1.csv"], register: nil, period: PeriodWindow.kolada(year: 2018))
        XCTAssertEqual(found, [])
    }
}
