import XCTest

@testable import Kontinuitet

/// A slow, obvious reference of the whole measurement (docs/method.md), written with a table of strings and
/// dictionaries, against which the fast path is compared on random logs: the tests guard the speed machinery on
/// any machine. It shares only the named rule functions (`ExclusionRule`) with the fast path: the reading,
/// trimming, grouping, visit identity, eligibility and counting are written out again, plainly.
enum ReferenceMeasurement {
    struct User: Equatable {
        var measured: Bool
        var reason: String
        var days: Int
        var visits: Int
        var staff: Int
    }

    /// Measures a comma-separated log without quotes (`provider,user,staff,start,visit,category,staff_role,
    /// birth_date`) for the period starting `first`; users by "provider|user".
    static func measure(_ text: String, first: CivilDate) -> [String: User] {
        var rows = text.split(separator: "\n").dropFirst().map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        rows = rows.filter { $0.count == 8 }
        let periodDays = (0..<14).map { first.adding(days: $0).description }
        var seen: Set<String> = []
        var inPeriod: Set<String> = []
        var birth: [String: String] = [:]
        var visitsByDay: [String: [String: Set<String>]] = [:]
        var staffOf: [String: Set<String>] = [:]
        func clean(_ s: String) -> String { s.trimmingCharacters(in: CharacterSet(charactersIn: " \t\u{00A0}")) }
        for f in rows {
            let provider = clean(f[0])
            let user = clean(f[1])
            let staff = clean(f[2]).lowercased()
            let start = clean(f[3])
            guard !provider.isEmpty, !user.isEmpty, !staff.isEmpty, start.count == 16 else { continue }
            let key = provider + "|" + user
            seen.insert(key)
            if birth[key] == nil && !clean(f[7]).isEmpty { birth[key] = clean(f[7]) }
            let day = String(start.prefix(10))
            guard periodDays.contains(day) else { continue }
            inPeriod.insert(key)
            if ExclusionRule.isExcludedCategory(clean(f[5])) || ExclusionRule.isExcludedRole(clean(f[6])) { continue }
            let hour = Int(start.dropFirst(11).prefix(2)) ?? -1
            guard hour >= 7 && hour < 22 else { continue }
            let visit = clean(f[4]).isEmpty ? "minute " + start : "id " + clean(f[4])
            visitsByDay[key, default: [:]][day, default: []].insert(visit)
            staffOf[key, default: []].insert(staff)
        }
        var users: [String: User] = [:]
        for key in seen {
            let days = visitsByDay[key] ?? [:]
            let visits = days.values.reduce(0) { $0 + $1.count }
            var reason = ""
            if !inPeriod.contains(key) {
                reason = "no_visits_in_period"
            } else if let b = birth[key], let born = CivilDate(parsing: b),
                first.year - born.year - ((first.month, first.day) < (born.month, born.day) ? 1 : 0) < 65
            {
                reason = "under_65"
            } else if periodDays.contains(where: { (days[$0]?.count ?? 0) < 2 }) {
                reason = "too_few_daily_visits"
            }
            users[key] = User(
                measured: reason.isEmpty, reason: reason, days: days.count, visits: visits,
                staff: staffOf[key]?.count ?? 0)
        }
        return users
    }
}

final class ReferenceMeasurementTests: XCTestCase {
    /// A random log with the method's edge cases: excluded categories and roles, early and late visits, double
    /// staffing, visits without ids, staff ids in other case and with blanks, users under 65, gaps, rows
    /// outside the period.
    private func randomLog(seed: UInt64, users: Int) -> String {
        var random = SplitMix64(seed: seed)
        func pick<T>(_ values: [T]) -> T { values[Int(random.next() % UInt64(values.count))] }
        var lines = ["provider,user,staff,start,visit,category,staff_role,birth_date"]
        for u in 0..<users {
            let provider = pick(["P1", "P2", " P3"])
            let user = "u\(u)" + pick(["", "", "\u{00A0}"])
            let birth = pick(["", "", "1940-05-01", "1960-02-29", "1953-09-04"])
            let gap = random.next() % 4 == 0 ? Int(random.next() % 14) : -1
            // Most users have two or three visits a day (measured unless a rule says otherwise), the rest 0–3.
            let regular = random.next() % 10 < 7
            // Every 17th user has rows before the period only.
            let days = u % 17 == 0 ? -3..<0 : -3..<17
            for day in days where day != gap {
                let date = CivilDate(year: 2018, month: 9, day: 3).adding(days: day)
                for k in 0..<(regular ? 2 + Int(random.next() % 2) : Int(random.next() % 4)) {
                    let hour = regular && k < 2 ? [8, 17][k] : pick([6, 8, 8, 12, 17, 21, 22])
                    let minute = pick(["00", "15", "30"])
                    let time = "\(date) \(hour < 10 ? "0" : "")\(hour):\(minute)"
                    let visit = random.next() % 3 == 0 ? "" : "v\(u)-\(day)-\(k)"
                    let staffCount = random.next() % 5 == 0 ? 2 : 1
                    for _ in 0..<staffCount {
                        let staff = pick(["s1", "S1", " s2 ", "s3", "s\(u % 7)", "Å1", "å1"])
                        // A regular user's two daily visits are ordinary care; the others may be excluded.
                        let plain = regular && k < 2
                        let category = plain ? "Omvårdnad" : pick(["", "Omvårdnad", "Matleverans", "Trygghetslarm"])
                        let role = plain ? "" : pick(["", "Undersköterska", "Elev", "Praktikant"])
                        lines.append(
                            [provider, user, staff, time, visit, category, role, birth].joined(separator: ","))
                    }
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func testTheFastPathAgreesWithTheReferenceOnRandomLogs() throws {
        for seed: UInt64 in [1, 2, 3, 4] {
            let text = randomLog(seed: seed, users: 60)
            let expected = ReferenceMeasurement.measure(text, first: CivilDate(year: 2018, month: 9, day: 3))
            for (threads, chunk) in [(1, 1 << 20), (2, 64), (3, 4096)] {
                let directory = TemporaryDirectory()
                var options = MeasureOptions()
                options.periodStart = CivilDate(year: 2018, month: 9, day: 3)
                options.threads = threads
                options.minimumChunkBytes = chunk
                options.sampling = .all
                let result = try VisitLogMeasurement.run(
                    paths: [directory.file("log.csv", text)], options: options)
                var actual: [String: ReferenceMeasurement.User] = [:]
                for user in result.users {
                    actual[user.provider + "|" + user.userID] = ReferenceMeasurement.User(
                        measured: user.measured, reason: user.reason?.rawValue ?? "", days: user.daysWithVisits,
                        visits: user.visits, staff: user.distinctStaff)
                }
                XCTAssertEqual(actual.count, expected.count, "seed \(seed), \(threads) threads")
                // The log is meant to exercise every reason: some measured users, some of each reason.
                let reasons = Set(expected.values.map(\.reason))
                XCTAssertEqual(
                    reasons, ["", "no_visits_in_period", "under_65", "too_few_daily_visits"], "seed \(seed)")
                for (key, user) in expected where actual[key] != user {
                    XCTFail("seed \(seed), \(threads) threads, \(key): \(String(describing: actual[key])) != \(user)")
                    break
                }
                // With every measured user sampled, each provider's mean is the mean of its measured users'.
                for provider in result.providers {
                    let counts = expected.filter { $0.key.hasPrefix(provider.provider + "|") && $0.value.measured }
                        .map(\.value.staff)
                    XCTAssertEqual(provider.summary, ProviderSummary(staffCounts: counts), provider.provider)
                }
            }
        }
    }
}
