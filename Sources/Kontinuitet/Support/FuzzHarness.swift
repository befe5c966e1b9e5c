/// What the fuzzers do with one input: the same calls for libFuzzer (scripts/fuzz/run), the seeded mutation
/// driver and the regression tests of inputs that once crashed.
public enum FuzzHarness {
    /// Reads `bytes` as every kind of input the tool accepts; errors are expected, crashes are not.
    public static func run(_ bytes: [UInt8]) {
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
    }
}
