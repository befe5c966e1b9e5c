/// Something that takes the tokens of an XML part one at a time, as `XMLPartScanner` reads them.
protocol XMLTokenConsumer {
    /// Handles one token; its ranges index `buffer`, which is valid only during the call.
    mutating func consume(_ token: XMLToken, in buffer: UnsafeBufferPointer<UInt8>) throws(XLSXReadError)
    /// The sheet row being read, for error messages; nil outside a sheet.
    var rowForErrors: Int? { get }
    /// Called after the last token: throws if the part ended inside something left open.
    mutating func endOfPart() throws(XLSXReadError)
}

/// Feeds the tokens of a compressed XML part to a consumer while the part is being decompressed, so that a part
/// of any size is read holding only one chunk and the unfinished token at its end.
enum XMLPartScanner {
    /// The longest single token (a tag or a text run) accepted; Excel's longest cell text is 32,767 characters, so
    /// only a damaged or hostile part comes near it.
    static let maximumTokenLength = 16 << 20

    /// Reads every token of the part `source` (named `part` in messages) into `consumer`.
    ///
    /// - Complexity: O(n) in the decompressed size; memory O(chunk size + longest token).
    static func scan<Consumer: XMLTokenConsumer>(
        _ source: some DecompressedChunks, part: String, into consumer: inout Consumer
    ) throws(XLSXReadError) {
        var pending: [UInt8] = []
        while true {
            let chunk: UnsafeBufferPointer<UInt8>?
            do {
                chunk = try source.next()
            } catch {
                throw .damagedArchive(error)
            }
            if let chunk {
                pending.append(contentsOf: chunk)
            }
            let isFinal = chunk == nil
            let consumed = try pending.withUnsafeBufferPointer { buffer throws(XLSXReadError) -> Int in
                var position = 0
                do {
                    while let token = try XMLTokenizer.next(buffer, &position, isFinal: isFinal) {
                        try consumer.consume(token, in: buffer)
                    }
                } catch let problem as XMLTokenizer.Problem {
                    throw .malformedXML(part: part, row: consumer.rowForErrors, problem: problem.description)
                } catch let error as XLSXReadError {
                    throw error
                } catch {
                    throw .malformedXML(part: part, row: consumer.rowForErrors, problem: "\(error)")
                }
                return position
            }
            if isFinal {
                try consumer.endOfPart()
                return
            }
            pending.removeSubrange(0..<consumed)
            guard pending.count <= maximumTokenLength else {
                throw .malformedXML(
                    part: part, row: consumer.rowForErrors, problem: "a tag or text longer than 16 MiB")
            }
        }
    }

    /// Calls `visit` with the local name and the decoded attributes (keyed by local name) of every start or empty
    /// tag of a small part held whole (the workbook, its relationships, the styles), and with the name and no
    /// attributes (`isEnd` true) for every end tag and after every empty tag, so that a caller can track nesting.
    static func forEachElement(
        _ bytes: [UInt8], part: String,
        _ visit: (_ name: String, _ attributes: [String: String], _ isEnd: Bool) -> Void
    ) throws(XLSXReadError) {
        try bytes.withUnsafeBufferPointer { buffer throws(XLSXReadError) in
            guard let base = buffer.baseAddress else {
                return
            }
            var position = 0
            do throws(XMLTokenizer.Problem) {
                while let token = try XMLTokenizer.next(buffer, &position, isFinal: true) {
                    let name = XMLTextDecoder.string(base, token.name)
                    switch token.kind {
                    case .startTag, .emptyTag:
                        var attributes: [String: String] = [:]
                        var index = token.body.lowerBound
                        while let (key, value) = XMLTokenizer.nextAttribute(base, &index, token.body.upperBound) {
                            attributes[XMLTextDecoder.string(base, key)] = XMLTextDecoder.string(base, value)
                        }
                        visit(name, attributes, false)
                        if token.kind == .emptyTag {
                            visit(name, [:], true)
                        }
                    case .endTag:
                        visit(name, [:], true)
                    case .text, .cdata, .skipped:
                        break
                    }
                }
            } catch {
                throw .malformedXML(part: part, row: nil, problem: error.description)
            }
        }
    }
}
