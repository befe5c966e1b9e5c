import StructuralScan

#if arch(x86_64)
    import _Builtin_intrinsics.intel

    /// `StructuralScan.index` compiled for processors with AVX2 (Haswell, 2013, and later; AMD from 2015): this
    /// module alone is built with `-target-cpu haswell` (see Package.swift), so the loop gets `popcnt`, `tzcnt`
    /// and `blsr` instead of their emulations, and 32-byte comparisons. Call it only on a processor that has been
    /// checked for these (the check cannot live here: this module's code may use them anywhere).
    public enum HaswellStructuralScan {
        /// `StructuralScan.index` with AVX2 masks; the same results as the baseline one.
        @inline(never)
        public static func index(
            base: UnsafePointer<UInt8>, start: Int, end: Int, limit: Int, delimiter: UInt8,
            positions: UnsafeMutablePointer<UInt32>, lineBreaks: UnsafeMutablePointer<UInt32>
        ) -> (positions: Int, lineBreaks: Int) {
            StructuralScan.index(
                AVX2MaskReader.self, base: base, start: start, end: end, limit: limit, delimiter: delimiter,
                positions: positions, lineBreaks: lineBreaks)
        }
    }

    /// `StructuralMasks` with AVX2 comparisons and `vpmovmskb`, 32 bytes at a time. (The quotes' prefix XOR stays
    /// six shifts: the carry-less multiply that would do it in one is a C macro, which Swift does not import.)
    enum AVX2MaskReader: StructuralMaskReader {
        @inline(__always)
        static func masks(_ bytes: UnsafePointer<UInt8>, delimiter: UInt8) -> StructuralMasks {
            let raw = UnsafeRawPointer(bytes)
            let delimiters = _mm256_set1_epi8(CChar(bitPattern: delimiter))
            let quotes = _mm256_set1_epi8(CChar(bitPattern: 0x22))
            let newlines = _mm256_set1_epi8(CChar(bitPattern: 0x0A))
            var result = StructuralMasks(delimiters: 0, quotes: 0, lineBreaks: 0)
            for half in 0..<2 {
                let bytes = _mm256_loadu_si256(raw.advanced(by: 32 * half).assumingMemoryBound(to: __m256i.self))
                let shift = UInt64(32 * half)
                let d = UInt32(bitPattern: _mm256_movemask_epi8(_mm256_cmpeq_epi8(bytes, delimiters)))
                let q = UInt32(bitPattern: _mm256_movemask_epi8(_mm256_cmpeq_epi8(bytes, quotes)))
                let n = UInt32(bitPattern: _mm256_movemask_epi8(_mm256_cmpeq_epi8(bytes, newlines)))
                result.delimiters |= UInt64(d) << shift
                result.quotes |= UInt64(q) << shift
                result.lineBreaks |= UInt64(n) << shift
            }
            return result
        }

    }
#endif
