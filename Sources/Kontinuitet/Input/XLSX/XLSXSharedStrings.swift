/// The shared string table of a workbook (`xl/sharedStrings.xml`), each string kept as the CSV field it becomes,
/// so that a cell of type `s` is copied into the transcript as it is.
///
/// A string item `<si>` is its `<t>` text, or the `<t>` texts of its rich-text runs `<r>` joined; phonetic runs
/// `<rPh>` (Japanese readings) are left out, as Excel shows them only on request. Entities, line ends and `_xHHHH_`
/// escapes are decoded.
///
/// Memory: the fields end to end in one array, and one offset per string.
struct XLSXSharedStrings {
    /// The CSV fields, end to end.
    private(set) var fields: [UInt8] = []
    /// `ends[i]` is where field `i` ends in `fields`; it starts where field `i - 1` ends.
    private(set) var ends: [Int] = []

    /// The number of strings.
    var count: Int { ends.count }

    /// The range in `fields` of string `index`, if there is one.
    @inline(__always)
    func range(of index: Int) -> Range<Int>? {
        guard index >= 0 && index < ends.count else {
            return nil
        }
        return (index == 0 ? 0 : ends[index - 1])..<ends[index]
    }

    /// Adds a string item's decoded text.
    mutating func append(_ text: UnsafeBufferPointer<UInt8>) {
        XMLTextDecoder.appendCSVField(text, to: &fields)
        ends.append(fields.count)
    }

    /// Reads the table from the decompressed chunks of its part.
    static func read(_ source: some DecompressedChunks, part: String) throws(XLSXReadError) -> XLSXSharedStrings {
        var reader = Reader(part: part)
        try XMLPartScanner.scan(source, part: part, into: &reader)
        return reader.strings
    }

    /// The token consumer that collects the string items.
    private struct Reader: XMLTokenConsumer {
        let part: String
        var strings = XLSXSharedStrings()
        var inItem = false
        var inText = false
        var phoneticDepth = 0
        var current: [UInt8] = []

        var rowForErrors: Int? { nil }

        func endOfPart() throws(XLSXReadError) {
            guard !inItem else {
                throw .malformedXML(part: part, row: nil, problem: "the part ends inside a string item")
            }
        }

        mutating func consume(_ token: XMLToken, in buffer: UnsafeBufferPointer<UInt8>) throws(XLSXReadError) {
            guard let base = buffer.baseAddress else {
                return
            }
            switch token.kind {
            case .startTag:
                if XMLTokenizer.equals(base, token.name, "si") {
                    inItem = true
                    current.removeAll(keepingCapacity: true)
                } else if XMLTokenizer.equals(base, token.name, "t") {
                    inText = inItem && phoneticDepth == 0
                } else if XMLTokenizer.equals(base, token.name, "rPh") {
                    phoneticDepth += 1
                }
            case .emptyTag:
                if XMLTokenizer.equals(base, token.name, "si") {
                    strings.ends.append(strings.fields.count)
                }
            case .endTag:
                if XMLTokenizer.equals(base, token.name, "t") {
                    inText = false
                } else if XMLTokenizer.equals(base, token.name, "rPh") {
                    phoneticDepth = max(0, phoneticDepth - 1)
                } else if XMLTokenizer.equals(base, token.name, "si") {
                    inItem = false
                    XMLTextDecoder.decodeOfficeEscapes(&current, from: 0)
                    current.withUnsafeBufferPointer { strings.append($0) }
                }
            case .text:
                if inText {
                    XMLTextDecoder.appendDecoded(base, token.body, to: &current)
                }
            case .cdata:
                if inText {
                    current.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[token.body]))
                }
            case .skipped:
                break
            }
        }
    }
}
