import StructuralScan
import StructuralScanAVX512
import StructuralScanHaswell

/// Stage one of `CSVFieldSplitter.splitRecord`: the delimiters and line breaks outside quoted fields of a window of
/// plain records, found 64 bytes at a time with bit operations (the bytes decide a branch only where a block is
/// not plain) by `StructuralScan.index`, compiled for AVX-512 or for Haswell when the processor has their features.
///
/// A window starts at a record start and runs for at most `windowBytes`. Quoted fields are told apart by a prefix
/// XOR of the quote bits; the window stops before the first 64-byte block that is not plain (a quote that does
/// not open a field, a closing quote not followed by a delimiter or a line break, a line break inside quotes),
/// and the records in it are left to the careful path. Stage two (`CSVFieldSplitter`) takes a record's entries in
/// O(1), from the index of its line break, and reads a field's bounds from two entries when asked: no loop ends
/// at a place that differs from row to row, so the processor predicts its branches.
final class StructuralIndex {
    /// At most this many bytes are indexed at once (they stay in the processor's cache for stage two).
    static let windowBytes = 16 * 1024

    /// For each delimiter and line break outside quoted fields, in order, one past its offset from `start`
    /// (where the next field starts). `positions[-1]` is 0: the first record's first field starts at `start`.
    let positions: UnsafeMutablePointer<UInt32>
    private(set) var positionCount = 0
    /// The indices in `positions` of the line breaks; the end of a buffer without a final line break counts as
    /// one.
    let lineBreaks: UnsafeMutablePointer<UInt32>
    private(set) var lineBreakCount = 0
    /// The buffer, its end and the record start the index was built from, and the delimiter.
    private(set) var base: UnsafePointer<UInt8>?
    private(set) var end = -1
    private(set) var start = -1
    private(set) var delimiter: UInt8 = 0

    init() {
        // Every byte of a window and its last block may be structural; a block writes up to 16 positions and 16
        // line breaks beyond its own (unused) before they are counted.
        let capacity = Self.windowBytes + 64 + 16
        positions = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity + 1) + 1
        positions[-1] = 0
        lineBreaks = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity)
    }

    deinit {
        (positions - 1).deallocate()
        lineBreaks.deallocate()
    }

    /// Indexes the plain records from `start` (a record start) of the buffer `base[0..<end]`.
    ///
    /// - Complexity: O(`windowBytes`).
    func build(_ base: UnsafePointer<UInt8>, start: Int, end: Int, delimiter: UInt8) {
        self.base = base
        self.end = end
        self.start = start
        self.delimiter = delimiter
        let limit = min(end, start + Self.windowBytes)
        let counts: (positions: Int, lineBreaks: Int)
        #if arch(x86_64)
            if ProcessorFeatures.hasAVX512Features {
                counts = AVX512StructuralScan.index(
                    base: base, start: start, end: end, limit: limit, delimiter: delimiter, positions: positions,
                    lineBreaks: lineBreaks)
            } else if ProcessorFeatures.hasHaswellFeatures {
                counts = HaswellStructuralScan.index(
                    base: base, start: start, end: end, limit: limit, delimiter: delimiter, positions: positions,
                    lineBreaks: lineBreaks)
            } else {
                counts = StructuralScan.index(
                    SSE2MaskReader.self, base: base, start: start, end: end, limit: limit, delimiter: delimiter,
                    positions: positions, lineBreaks: lineBreaks)
            }
        #else
            counts = StructuralScan.index(
                PortableMaskReader.self, base: base, start: start, end: end, limit: limit, delimiter: delimiter,
                positions: positions, lineBreaks: lineBreaks)
        #endif
        positionCount = counts.positions
        lineBreakCount = counts.lineBreaks
    }
}
