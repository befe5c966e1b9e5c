import Foundation

/// Timings of the archive and XLSX readers on real files, for `scripts/bench-inflate` through the small
/// `kontinuitet-bench` executable; no part of the `kontinuitet` command.
package enum ArchiveBench {
    /// Runs one benchmark and prints its result; returns the exit status.
    ///
    /// - `inflate FILE`: FILE is a raw DEFLATE stream; prints output MB/s, best of three.
    /// - `inflate-all FILE`: the same, collecting the whole output in one array, as zlib's one-shot call does.
    /// - `gzip FILE`: FILE is a gzip file; the same as `inflate`, CRC-32 included.
    /// - `xlsx FILE [SHEET]`: transcribes the sheet to CSV; prints seconds, rows and CSV bytes.
    /// - `xlsx-csv FILE OUT [SHEET]`: the same, and writes the CSV to OUT and the error rows after it.
    package static func run(_ arguments: [String]) -> Int32 {
        // The file's bytes alone, so that peak RSS counts one copy of the input, as a caller holding it would.
        let contents =
            arguments.count >= 2 ? FileManager.default.contents(atPath: arguments[1]).map { [UInt8]($0) } : nil
        guard let bytes = contents else {
            print("usage: kontinuitet-bench inflate|inflate-all|gzip|xlsx|xlsx-csv FILE [OUT] [SHEET]")
            return 2
        }
        do {
            switch arguments[0] {
            case "inflate":
                try timeStreaming(bytes.count) { Inflater(bytes) }
            case "inflate-all":
                try timeWhole(bytes.count) { try Inflater.inflate(bytes) }
            case "gzip":
                try timeStreaming(bytes.count) { try GzipReader(bytes) }
            case "xlsx":
                try timeTranscript(bytes, sheet: arguments.count > 2 ? arguments[2] : nil, output: nil)
            case "xlsx-csv":
                guard arguments.count > 2 else {
                    print("usage: kontinuitet-bench xlsx-csv FILE OUT.csv [SHEET]")
                    return 2
                }
                try timeTranscript(bytes, sheet: arguments.count > 3 ? arguments[3] : nil, output: arguments[2])
            default:
                print("unknown benchmark '\(arguments[0])'")
                return 2
            }
        } catch {
            print("error: \(error)")
            return 1
        }
        return 0
    }

    /// Decompresses three times into one array each and prints the best rate.
    private static func timeWhole(_ inputSize: Int, _ decompress: () throws -> [UInt8]) throws {
        var best = Double.infinity
        var total = 0
        for _ in 0..<3 {
            let start = DispatchTime.now().uptimeNanoseconds
            total = try decompress().count
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        print(
            "ours, into one array: \(total) bytes from \(inputSize) in \(String(format: "%.3f", best)) s: "
                + "\(String(format: "%.0f", Double(total) / best / 1e6)) MB/s")
    }

    /// Transcribes a sheet once and prints the time, lines, bytes and error rows.
    private static func timeTranscript(_ bytes: [UInt8], sheet: String?, output: String?) throws {
        let start = DispatchTime.now().uptimeNanoseconds
        let transcript = try XLSXReader.transcribe(bytes, sheet: sheet)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let lines = transcript.csv.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        print(
            "sheet '\(transcript.sheetName)': \(lines) lines, \(transcript.csv.count) bytes of CSV, "
                + "\(transcript.errorRows.count) error rows, in \(String(format: "%.3f", seconds)) s")
        if let output {
            var text = transcript.csv
            for (row, column) in transcript.errorRows {
                text.append(contentsOf: Array("#error row \(row) column \(column)\n".utf8))
            }
            guard FileManager.default.createFile(atPath: output, contents: Data(text)) else {
                print("cannot write \(output)")
                return
            }
        }
    }

    /// Decompresses three times, touching each chunk, and prints the best rate.
    private static func timeStreaming<Source: DecompressedChunks>(
        _ inputSize: Int, _ make: () throws -> Source
    ) throws {
        var best = Double.infinity
        var total = 0
        for _ in 0..<3 {
            let start = DispatchTime.now().uptimeNanoseconds
            let source = try make()
            var sum: UInt8 = 0
            total = 0
            while let chunk = try source.next() {
                total += chunk.count
                sum &+= chunk.last ?? 0
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            best = min(best, seconds)
            if sum == 1 { print("", terminator: "") }
        }
        let rate = Double(total) / best / 1e6
        print(
            "ours: \(total) bytes from \(inputSize) in \(String(format: "%.3f", best)) s: "
                + "\(String(format: "%.0f", rate)) MB/s")
    }
}
