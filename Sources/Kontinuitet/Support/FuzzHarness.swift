import Foundation

/// What the fuzzers do with one input: the same calls for libFuzzer (scripts/fuzz/run), the seeded mutation
/// driver and the regression tests of inputs that once crashed.
package enum FuzzHarness {
    /// Reads `bytes` as every kind of input the tool accepts; errors are expected, crashes are not.
    package static func run(_ bytes: [UInt8]) {
        checkOnePassSplitting(bytes)
        guard let file = try? CSVFile(path: "fuzz.csv", bytes: bytes) else { return }
        let table = CSVTable(file: file)
        _ = table.rows.count
        var options = MeasureOptions()
        options.threads = 2
        options.minimumChunkBytes = 64
        options.rolling = bytes.count % 2 == 0
        options.periodStart = CivilDate(year: 2018, month: 9, day: 3)
        _ = try? VisitLogMeasurement.run(files: [file], options: options)
        options.periodStart = nil
        _ = try? VisitLogMeasurement.run(files: [file], options: options)
        readAsEveryOtherInput(bytes)
    }

    /// The readers that take paths: the bytes written to one file and read as a form (validate and compile), a
    /// provider register, a performed-time export and an allocated-time report.
    static func readAsEveryOtherInput(_ bytes: [UInt8]) {
        let path = "/tmp/kontinuitet-fuzz-\(getpid()).csv"
        guard let handle = fopen(path, "wb") else { return }
        defer {
            fclose(handle)
            unlink(path)
        }
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) }
        fflush(handle)
        let register = try? ProviderRegister.load(path: path)
        let period = PeriodWindow.kolada(year: 2018)
        _ = try? FormValidation.validate(forms: [path], register: register, period: period)
        var compileOptions = CompileOptions()
        compileOptions.trend = bytes.count % 2 == 0
        _ = try? Compile.run(forms: [path], register: register, options: compileOptions)
        _ = try? TimeReport.run(performed: [path], allocated: [path], register: register, options: TimeReportOptions())
    }

    /// A differential check: the one-pass record splitter must give the careful scanner's bounds and fields.
    static func checkOnePassSplitting(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { buffer in
            for delimiter: UInt8 in [0x2C, 0x3B, 0x09] {
                if let position = compareSplitting(buffer, delimiter: delimiter).mismatch {
                    fatalError("one-pass splitting differs from the careful scanner at byte \(position)")
                }
            }
        }
    }

    /// Walks `buffer` record by record with the careful scanner and with `CSVFieldSplitter.splitRecord`: the
    /// first record start where their bounds or fields differ (nil when none), and how many records the one-pass
    /// path took itself.
    static func compareSplitting(_ buffer: UnsafeBufferPointer<UInt8>, delimiter: UInt8) -> (
        mismatch: Int?, plainRecords: Int
    ) {
        let scanner = CSVScanner(delimiter: delimiter)
        let careful = CSVFieldSplitter()
        let onePass = CSVFieldSplitter()
        var position = 0
        while position < buffer.count {
            let expected = scanner.bounds(of: position, in: buffer)
            let actual = onePass.splitRecord(buffer, start: position, scanner: scanner)
            guard actual.next == expected.next, actual.contentEnd == expected.contentEnd,
                actual.unterminatedQuote == expected.unterminatedQuote
            else { return (position, onePass.onePassRecords) }
            if !expected.unterminatedQuote {
                careful.split(
                    buffer, start: position, end: expected.contentEnd, delimiter: delimiter,
                    hasQuotes: expected.hasQuotes)
                guard careful.count == onePass.count,
                    (0..<careful.count).allSatisfy({ Array(careful.field($0)) == Array(onePass.field($0)) })
                else { return (position, onePass.onePassRecords) }
            }
            position = expected.next
        }
        return (nil, onePass.onePassRecords)
    }
}
