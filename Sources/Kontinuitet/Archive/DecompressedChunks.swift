/// Something that hands decompressed bytes out one chunk at a time: `Inflater`, `GzipReader`, `ZipEntryReader`.
///
/// Call `next()` until it returns `nil`; a chunk is valid until the following call, and after a throw every
/// call throws.
protocol DecompressedChunks: AnyObject {
    /// The next chunk (never empty), or `nil` at the end of the data, after all its checks have passed.
    func next() throws(ArchiveError) -> UnsafeBufferPointer<UInt8>?
}

extension Inflater: DecompressedChunks {}
extension GzipReader: DecompressedChunks {}
