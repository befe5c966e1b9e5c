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
    enum AVX2MaskReader: VectorMaskReader {
        typealias Vector = AVX2Vector

        static var hasPopulationCount: Bool { true }
    }

    /// 32 bytes in an AVX2 register.
    struct AVX2Vector: ByteVector {
        let bytes: __m256i

        static var width: Int { 32 }

        @inline(__always)
        init(repeating byte: UInt8) { bytes = _mm256_set1_epi8(CChar(bitPattern: byte)) }

        @inline(__always)
        init(loading raw: UnsafeRawPointer) { bytes = _mm256_loadu_si256(raw.assumingMemoryBound(to: __m256i.self)) }

        @inline(__always)
        func equalBits(_ other: AVX2Vector) -> UInt64 {
            UInt64(UInt32(bitPattern: _mm256_movemask_epi8(_mm256_cmpeq_epi8(bytes, other.bytes))))
        }
    }
#endif
