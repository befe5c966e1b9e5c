import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// An element of a parsed report page.
final class TestHTMLElement {
    let name: String
    let attributes: [String: String]
    private(set) var children: [TestHTMLElement] = []
    /// Text and child elements in order, for `text`.
    private var content: [Either] = []

    private enum Either {
        case text(String)
        case element(TestHTMLElement)
    }

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    fileprivate func append(_ child: TestHTMLElement) {
        children.append(child)
        content.append(.element(child))
    }

    fileprivate func append(text: String) { content.append(.text(text)) }

    /// All text inside the element, entities decoded.
    var text: String {
        content.map { item in
            switch item {
            case .text(let text): return text
            case .element(let element): return element.text
            }
        }.joined()
    }

    /// The classes of the element.
    var classes: [String] { (attributes["class"] ?? "").split(separator: " ").map(String.init) }

    /// Every element below this one (not itself) in document order that satisfies `predicate`.
    func descendants(where predicate: (TestHTMLElement) -> Bool) -> [TestHTMLElement] {
        var found: [TestHTMLElement] = []
        for child in children {
            if predicate(child) { found.append(child) }
            found += child.descendants(where: predicate)
        }
        return found
    }

    func descendants(named name: String) -> [TestHTMLElement] { descendants { $0.name == name } }

    func descendants(class className: String) -> [TestHTMLElement] {
        descendants { $0.classes.contains(className) }
    }

    /// A numeric attribute.
    func number(_ attribute: String) -> Double? { attributes[attribute].flatMap(Double.init) }
}

/// Reads a report page with Foundation's `XMLParser` (the pages are written XHTML-compatible), so that tests look at
/// the page as a parser sees it, entities decoded, rather than at the markup the writer meant.
final class TestHTMLReader: NSObject, XMLParserDelegate {
    private var stack: [TestHTMLElement] = []
    private var root: TestHTMLElement?
    private var failure: Error?

    /// The root element (`html`); throws when the page is not well-formed.
    static func parse(_ text: String) throws -> TestHTMLElement {
        let reader = TestHTMLReader()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = reader
        let parsed = parser.parse()
        if let error = parser.parserError ?? reader.failure { throw error }
        guard parsed, let root = reader.root else {
            throw TestZipReader.Failure(description: "XMLParser refused the page")
        }
        return root
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        let element = TestHTMLElement(name: elementName, attributes: attributes)
        if let parent = stack.last {
            parent.append(element)
        } else {
            root = element
        }
        stack.append(element)
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        stack.last?.append(text: string)
    }

    func parser(
        _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?
    ) {
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        failure = failure ?? parseError
    }
}
