import StructuralScan

#if arch(x86_64)
    import _Builtin_intrinsics.intel

    /// `StructuralScan.index` compiled for processors with AVX-512 and its byte instructions (Intel from Ice Lake,
    /// AMD from Zen 4): this module alone is built with `-target-cpu icelake-client` (see Package.swift). A block's
    /// masks come from one 64-byte load and three comparisons into mask registers, and its entries are written
    /// with `vpcompressb` (the byte indices of the set bits, packed, then widened and offset sixteen at a time)
    /// instead of one `tzcnt` each. Call it only on a processor that has been checked for these (the check cannot
    /// live here: this module's code may use them anywhere).
    public enum AVX512StructuralScan {
        /// `StructuralScan.index` with AVX-512 masks and entries; the same results as the baseline one.
        @inline(never)
        public static func index(
            base: UnsafePointer<UInt8>, start: Int, end: Int, limit: Int, delimiter: UInt8,
            positions: UnsafeMutablePointer<UInt32>, lineBreaks: UnsafeMutablePointer<UInt32>
        ) -> (positions: Int, lineBreaks: Int) {
            StructuralScan.index(
                AVX512MaskReader.self, base: base, start: start, end: end, limit: limit, delimiter: delimiter,
                positions: positions, lineBreaks: lineBreaks)
        }
    }

    /// Masks and entries of 64 bytes with AVX-512.
    enum AVX512MaskReader: StructuralMaskReader {
        @inline(__always)
        static func masks(_ bytes: UnsafePointer<UInt8>, delimiter: UInt8) -> StructuralMasks {
            let block = _mm512_loadu_si512(UnsafeRawPointer(bytes))
            return StructuralMasks(
                delimiters: equalBits(block, delimiter), quotes: equalBits(block, 0x22),
                lineBreaks: equalBits(block, 0x0A))
        }

        /// Bit `i` set when byte `i` of `block` is `byte` (the compiler makes the test of the XOR one `vpcmpeqb`
        /// into a mask register; Clang's compare-into-mask intrinsics are macros, which Swift does not import).
        @inline(__always)
        static func equalBits(_ block: __m512i, _ byte: UInt8) -> UInt64 {
            let difference = _mm512_xor_si512(block, _mm512_set1_epi8(CChar(bitPattern: byte)))
            return _mm512_testn_epi8_mask(difference, difference)
        }

        /// The byte indices 0…63, one per lane.
        @inline(__always)
        static var laneIndices: __m512i {
            _mm512_set_epi8(
                63, 62, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43, 42, 41, 40, 39, 38,
                37, 36, 35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12,
                11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
        }

        /// Writes `base` plus the index of each set bit of `bits`, sixteen entries at once (the lanes past the last
        /// set bit are written too, unused); more than sixteen set bits, rare in a CSV, take a loop.
        @inline(__always)
        static func writeIndices(of bits: UInt64, plus base: UInt32, to out: UnsafeMutablePointer<UInt32>) {
            let packed = _mm512_maskz_compress_epi8(bits, laneIndices)
            let entries = _mm512_add_epi32(
                _mm512_cvtepu8_epi32(_mm512_castsi512_si128(packed)), _mm512_set1_epi32(Int32(bitPattern: base)))
            _mm512_storeu_si512(UnsafeMutableRawPointer(out), entries)
            if bits.nonzeroBitCount > 16 {
                var rest = bits
                var k = 0
                while rest != 0 {
                    out[k] = base &+ UInt32(truncatingIfNeeded: rest.trailingZeroBitCount)
                    rest &= rest &- 1
                    k &+= 1
                }
            }
        }

        /// The positions are the indices of the structural bits; a line break's entry is its index among them,
        /// the indices of the set bits of the line breaks gathered (`pext`) to the structural bits' order.
        @inline(__always)
        static func writeEntries(
            structural: UInt64, breaks: UInt64, offset: UInt32, first: UInt32,
            positions: UnsafeMutablePointer<UInt32>, lineBreaks: UnsafeMutablePointer<UInt32>
        ) -> Int {
            writeIndices(of: structural, plus: offset, to: positions)
            let breaksInOrder = _pext_u64(breaks, structural)
            writeIndices(of: breaksInOrder, plus: first, to: lineBreaks)
            return breaksInOrder.nonzeroBitCount
        }
    }
#endif
