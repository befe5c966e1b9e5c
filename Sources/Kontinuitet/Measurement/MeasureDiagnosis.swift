/// Why a measurement has no result, for the whole run or for one provider, said in the user's terms: a nightly
/// batch must notice an empty result and a provider must not send an empty form (README: exit status 4).
///
/// Only counts, reasons, dates and provider names appear in these messages, never a value from a data row.
package enum MeasureDiagnosis {
    /// The message of a run that measured nobody, or nil when at least one user was measured.
    package static func noResult(_ result: MeasureResult) -> String? {
        guard !result.users.contains(where: \.measured) else { return nil }
        let a = result.accounting
        let period = "\(result.period.start) – \(result.period.end)"
        if a.read == 0 {
            return "no result: the input has no data rows (only a header, or blank lines)"
        }
        if a.read == a.rejected {
            return "no result: every one of the \(a.read) rows was rejected (\(mostCommonReasons(result))); "
                + "see rejected.csv"
        }
        let inPeriod = a.read - a.rejected - (a.excluded[.outsidePeriod] ?? 0)
        if inPeriod == 0 {
            var message = "no result: no row falls in the period \(period)"
            if a.earliestDay <= a.latestDay {
                let first = CivilDate(dayNumber: a.earliestDay)
                let last = CivilDate(dayNumber: a.latestDay)
                message += "; the data covers \(first) – \(last): give --period-start YYYY-MM-DD (a day in it)"
            }
            return message
        }
        var reasons: [String] = []
        for reason in NotMeasuredReason.allCases {
            let count = result.users.filter { $0.reason == reason }.count
            if count > 0 { reasons.append("\(reason.rawValue) \(count)") }
        }
        return "no result: none of the \(result.users.count) users could be measured in the period \(period) ("
            + reasons.joined(separator: ", ") + "); see users.csv"
    }

    /// One line per provider that has users but no measured user, with its most common reason; such a
    /// provider gets no form.
    package static func providersWithoutResult(_ result: MeasureResult) -> [String] {
        var usersByProvider: [String: [NotMeasuredReason?]] = [:]
        for user in result.users { usersByProvider[user.provider, default: []].append(user.reason) }
        var lines: [String] = []
        for provider in result.providers where provider.measuredUsers == 0 {
            let reasons = usersByProvider[provider.provider] ?? []
            var counts: [NotMeasuredReason: Int] = [:]
            for case let reason? in reasons { counts[reason, default: 0] += 1 }
            let dominant = NotMeasuredReason.allCases.max { (counts[$0] ?? 0) < (counts[$1] ?? 0) }
            let detail = dominant.map { "most often \($0.rawValue), \(counts[$0] ?? 0) of \(reasons.count) users" }
            lines.append(
                "provider \"\(provider.provider)\": no user measured (\(detail ?? "no users")); no form written")
        }
        return lines
    }

    /// One line per input file that has a header but no data row.
    package static func filesWithoutRows(_ result: MeasureResult) -> [String] {
        result.files.filter { $0.accounting.read == 0 }.map { "\($0.path): the file has no data rows" }
    }

    /// The rejection reasons of the run, most common first, with their counts (at most three).
    static func mostCommonReasons(_ result: MeasureResult) -> String {
        var counts: [String: Int] = [:]
        for row in result.rejectedRows { counts[row.reason, default: 0] += 1 }
        return counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(3)
            .map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }
}
