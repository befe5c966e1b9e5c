import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A cell of a worksheet as a real XML parser sees it: attributes `t` and `s`, and the text of `<v>` or `<is><t>`
/// with entities decoded.
struct ParsedCell: Equatable {
    var type: String?
    var style: String?
    var value: String
}

/// Reads XML parts of a written workbook with Foundation's `XMLParser`, so tests check what a consumer sees rather
/// than what the writer meant to write.
final class TestXMLReader: NSObject, XMLParserDelegate {
    /// Every element start in document order: its path from the root (`styleSheet/fonts/font/b`) and attributes.
    private(set) var elements: [(path: String, attributes: [String: String])] = []
    /// The cells of a worksheet by reference (`B3`).
    private(set) var cells: [String: ParsedCell] = [:]
    private var stack: [String] = []
    private var currentCell: (reference: String, cell: ParsedCell)?
    private var collectingText = false
    private var failure: Error?

    /// Parses `bytes`; throws when the XML is not well-formed.
    static func read(_ bytes: [UInt8]) throws -> TestXMLReader {
        let reader = TestXMLReader()
        let parser = XMLParser(data: Data(bytes))
        parser.delegate = reader
        let parsed = parser.parse()
        if let error = parser.parserError ?? reader.failure {
            throw error
        }
        guard parsed else {
            throw TestZipReader.Failure(description: "XMLParser refused the document")
        }
        return reader
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        stack.append(elementName)
        elements.append((stack.joined(separator: "/"), attributes))
        switch elementName {
        case "c":
            currentCell = (attributes["r"] ?? "?", ParsedCell(type: attributes["t"], style: attributes["s"], value: ""))
        case "v", "t":
            collectingText = currentCell != nil
        default:
            break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if collectingText {
            currentCell?.cell.value += string
        }
    }

    func parser(
        _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?
    ) {
        stack.removeLast()
        switch elementName {
        case "v", "t":
            collectingText = false
        case "c":
            if let (reference, cell) = currentCell {
                cells[reference] = cell
            }
            currentCell = nil
        default:
            break
        }
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        failure = failure ?? parseError
    }

    /// The attributes of every element whose path ends with `suffix`, in document order.
    func attributes(of suffix: String) -> [[String: String]] {
        elements.filter { $0.path == suffix || $0.path.hasSuffix("/" + suffix) }.map(\.attributes)
    }
}
