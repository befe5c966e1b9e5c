/// A node of an HTML page with inline SVG: an element, escaped text, or trusted markup written by this program.
///
/// Rendering is XHTML-compatible (every attribute quoted, void elements closed with `/>`, no named entities other
/// than XML's own), so the page is also well-formed XML that `XMLParser` can read back.
indirect enum HTMLNode {
    /// An element with attributes in the order given and its children.
    case element(name: String, attributes: [(name: String, value: String)], children: [HTMLNode])
    /// Text from anywhere (input included): escaped when rendered.
    case text(String)
    /// Markup this program wrote itself (the style sheet); never pass input here.
    case trusted(String)

    /// An element; attributes whose value is nil are left out.
    static func element(
        _ name: String, _ attributes: KeyValuePairs<String, String?> = [:], _ children: [HTMLNode] = []
    ) -> HTMLNode {
        .element(
            name: name,
            attributes: attributes.compactMap { pair in pair.value.map { (name: pair.key, value: $0) } },
            children: children)
    }

    /// A report section: `<section id="…">` with an `<h2>` heading and the content.
    static func section(_ heading: String, id: String, _ content: [HTMLNode]) -> HTMLNode {
        .element("section", ["id": id], [.element("h2", text: heading)] + content)
    }

    /// An explanatory paragraph under a table or chart: `<p class="note">`.
    static func note(_ text: String) -> HTMLNode {
        .element("p", ["class": "note"], text: text)
    }

    /// An element holding only text.
    static func element(_ name: String, _ attributes: KeyValuePairs<String, String?> = [:], text: String)
        -> HTMLNode
    {
        element(name, attributes, [.text(text)])
    }

    /// Elements that have no content in HTML and are written as `<name … />`.
    static let voidElements: Set<String> = ["meta", "br", "hr", "col", "img", "link"]
    /// Elements after whose end tag a line break is written, so that the file can be read and diffed.
    static let blockElements: Set<String> = [
        "html", "head", "body", "title", "meta", "style", "header", "footer", "section", "div", "p", "ul", "ol", "li",
        "h1", "h2", "h3", "table", "thead", "tbody", "tfoot", "tr", "figure", "figcaption", "svg", "dl", "dt", "dd",
    ]

    /// Appends the node's markup to `output` as UTF-8 (bytes, not a String: a report with a year of curves is
    /// megabytes of small pieces, and appending bytes costs a fraction of appending strings).
    func render(into output: inout [UInt8]) {
        switch self {
        case .text(let text):
            HTMLText.appendEscaped(text, to: &output)
        case .trusted(let markup):
            HTMLText.appendUTF8(markup, to: &output)
        case .element(let name, let attributes, let children):
            output.append(UInt8(ascii: "<"))
            HTMLText.appendUTF8(name, to: &output)
            for attribute in attributes {
                output.append(UInt8(ascii: " "))
                HTMLText.appendUTF8(attribute.name, to: &output)
                output.append(UInt8(ascii: "="))
                output.append(UInt8(ascii: "\""))
                HTMLText.appendEscaped(attribute.value, to: &output)
                output.append(UInt8(ascii: "\""))
            }
            let kind = Self.kind(of: name)
            if kind == .void {
                output.append(UInt8(ascii: "/"))
                output.append(UInt8(ascii: ">"))
            } else {
                output.append(UInt8(ascii: ">"))
                for child in children { child.render(into: &output) }
                output.append(UInt8(ascii: "<"))
                output.append(UInt8(ascii: "/"))
                HTMLText.appendUTF8(name, to: &output)
                output.append(UInt8(ascii: ">"))
            }
            if kind != .inline { output.append(UInt8(ascii: "\n")) }
        }
    }

    private enum Kind { case void, block, inline }

    /// Whether the element is void (`<br/>`) or a block (a line break follows it); SVG shapes, the bulk of a
    /// report, are neither and are answered without hashing their names.
    private static func kind(of name: String) -> Kind {
        switch name {
        case "circle", "line", "rect", "polyline", "text", "g", "path", "td", "th", "span": return .inline
        default:
            if voidElements.contains(name) { return .void }
            return blockElements.contains(name) ? .block : .inline
        }
    }

    var markup: String {
        var output: [UInt8] = []
        render(into: &output)
        return String(decoding: output, as: UTF8.self)
    }
}

/// Escaping of text from input for HTML element content and attribute values.
enum HTMLText {
    /// Appends `text` with `&`, `<`, `>`, `"` and `'` as character references and the characters XML 1.0 cannot
    /// hold (control characters) removed, so that nothing from input can open an element or end an attribute.
    ///
    /// - Complexity: O(n); text with nothing to escape is appended in one step.
    static func appendEscaped(_ text: String, to output: inout [UInt8]) {
        // Most text (numbers, coordinates, names) has no byte that needs a look: one pass over its bytes, one copy.
        let plain =
            text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
                for byte in bytes
                where byte < 0x20 || byte == 0xEF || byte == UInt8(ascii: "&")
                    || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "\"")
                    || byte == UInt8(ascii: "'")
                {
                    return false
                }
                output.append(contentsOf: bytes)
                return true
            } ?? false
        if plain { return }
        for byte in XMLText.removingIllegalCharacters(text).utf8 {
            switch byte {
            case UInt8(ascii: "&"): output.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): output.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): output.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): output.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'"): output.append(contentsOf: "&#39;".utf8)
            default: output.append(byte)
            }
        }
    }

    /// Appends `text` as UTF-8 in one copy (a native string's bytes are contiguous; the generic append of a
    /// string's UTF-8 view goes byte by byte).
    @inline(__always)
    static func appendUTF8(_ text: String, to output: inout [UInt8]) {
        if text.utf8.withContiguousStorageIfAvailable({ output.append(contentsOf: $0) }) == nil {
            output.append(contentsOf: text.utf8)
        }
    }

    static func escaped(_ text: String) -> String {
        var output: [UInt8] = []
        appendEscaped(text, to: &output)
        return String(decoding: output, as: UTF8.self)
    }
}

/// A self-contained report page: Swedish, one file, inline CSS, no scripts and nothing fetched from elsewhere.
///
/// The style sheet lays the page out for A4 portrait: the content is at most 180 mm wide, body text 10 pt and
/// table text 9 pt (9.5 and 8 pt in print). Printed, nothing is wider than the page: charts are SVG scaled to the
/// column, table cells wrap (row headings, the names, anywhere; other cells at spaces and soft hyphens, breaking a
/// word only when it cannot fit at all), and only figures and short
/// labels (`td.num`, `td.nowrap`: months) are kept on one line. A heading is never the last thing on a page
/// (`break-after: avoid`), and a figure, a histogram panel, a unit's table with its heading and a table row are
/// never split (`break-inside: avoid`), nor a table of up to `HTMLTable.keepTogetherRows` rows; the note under a
/// table or figure stays with it. `scripts/check-print` checks width and headings on the sample reports.
struct HTMLDocument {
    /// The page title (the browser tab and the printed header).
    var title: String
    /// The body content in order.
    var body: [HTMLNode]
    /// The page language (`sv`).
    var language = "sv"

    /// The whole page, starting with `<!DOCTYPE html>`.
    func render() -> String {
        let page = HTMLNode.element(
            "html", ["lang": language],
            [
                .element(
                    "head", [:],
                    [
                        .element("meta", ["charset": "utf-8"]),
                        .element("meta", ["name": "viewport", "content": "width=device-width, initial-scale=1"]),
                        .element("title", text: title),
                        .element("style", [:], [.trusted(Self.styleSheet)]),
                    ]),
                .element("body", [:], [.element("main", ["class": "page"], body)]),
            ])
        var output = Array("<!DOCTYPE html>\n".utf8)
        page.render(into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// The style sheet shared by every report. It holds no `<` or `&`, so it is valid XML text as it stands.
    static let styleSheet = """

        :root {
          --ink: #1f2933; --muted: #5f6b7a; --rule: #d5dae1; --faint: #eef1f5;
          --accent: #2f5d8a; --accent-soft: #9bb5cf; --warn: #b4532a; --warn-soft: #e3b59f;
        }
        * { box-sizing: border-box; }
        html { background: #fff; }
        body {
          margin: 0; color: var(--ink); background: #fff;
          font-family: "Helvetica Neue", Helvetica, Arial, "Liberation Sans", "DejaVu Sans", sans-serif;
          font-size: 10pt; line-height: 1.4;
        }
        .page { max-width: 180mm; margin: 0 auto; padding: 10mm 0 14mm; }
        header.report { border-bottom: 2px solid var(--ink); padding-bottom: 3mm; margin-bottom: 5mm; }
        .kicker { margin: 0; color: var(--muted); font-size: 9pt; letter-spacing: 0.06em; text-transform: uppercase; }
        h1 { font-size: 20pt; line-height: 1.15; margin: 1mm 0 1.5mm; font-weight: 700; }
        h2 {
          font-size: 13pt; margin: 8mm 0 2mm; padding-bottom: 1mm; border-bottom: 1px solid var(--rule);
          break-after: avoid; page-break-after: avoid;
        }
        h3 { font-size: 10.5pt; margin: 4mm 0 1.5mm; break-after: avoid; page-break-after: avoid; }
        h1, h2, h3 { overflow-wrap: break-word; }
        p { margin: 0 0 2mm; }
        .lead { font-size: 10.5pt; color: var(--muted); margin: 0; }
        .made { color: var(--muted); font-size: 8.5pt; margin: 1.5mm 0 0; }
        .note { color: var(--muted); font-size: 8.5pt; }
        section { break-inside: auto; }
        figure { margin: 2mm 0 4mm; break-inside: avoid; page-break-inside: avoid; }
        figcaption { color: var(--muted); font-size: 8.5pt; margin-top: 1mm; }
        svg { display: block; width: 100%; max-width: 100%; height: auto; overflow: visible; }
        svg text { font-family: inherit; fill: var(--ink); }
        .key-figures {
          display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 3mm; margin: 0 0 2mm;
          break-inside: avoid; page-break-inside: avoid;
        }
        .key-figure { border: 1px solid var(--rule); border-top: 3px solid var(--accent); padding: 2mm 3mm; }
        .key-figure .label { display: block; color: var(--muted); font-size: 8pt; line-height: 1.25; min-height: 2.5em; }
        .key-figure .value { display: block; font-size: 17pt; font-weight: 700; line-height: 1.2; margin-top: 1mm; }
        table { width: 100%; max-width: 100%; border-collapse: collapse; margin: 1mm 0 3mm; font-size: 9pt; }
        thead { display: table-header-group; }
        caption { text-align: left; font-weight: 700; padding-bottom: 1mm; }
        th, td { padding: 1.1mm 2mm; border-bottom: 1px solid var(--rule); vertical-align: bottom; }
        thead th { text-align: left; font-weight: 600; color: var(--muted); font-size: 8pt; border-bottom: 1.5px solid var(--ink); }
        thead th.group { text-align: center; border-bottom: 1px solid var(--rule); }
        thead th.spacer { border-bottom: none; }
        th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; }
        td.num, td.nowrap { white-space: nowrap; }
        thead th { overflow-wrap: break-word; hyphens: manual; }
        tbody th, tfoot th { overflow-wrap: anywhere; }
        tbody td, tfoot td { overflow-wrap: break-word; }
        tbody th, tfoot th { text-align: left; font-weight: 400; }
        table.providers tbody th, table.providers tfoot th { width: 30%; }
        table.units tbody th { width: 30%; }
        tr { break-inside: avoid; page-break-inside: avoid; }
        table.keep { break-inside: avoid; page-break-inside: avoid; }
        table.units { table-layout: fixed; }
        table + p.note, figure + p.note { break-before: avoid; page-break-before: avoid; }
        .keep-with-next { break-after: avoid; page-break-after: avoid; }
        tr.comparison th, tr.comparison td, tr.total th, tr.total td {
          font-weight: 700; border-top: 1.5px solid var(--ink); border-bottom: none; background: var(--faint);
        }
        td.suppressed { color: var(--muted); font-style: italic; text-align: right; white-space: nowrap; }
        td.empty { color: var(--muted); text-align: right; }
        .rules { margin: 0 0 2mm; padding-left: 5mm; }
        .rules li { margin-bottom: 0.8mm; }
        .unit-group { break-inside: avoid; page-break-inside: avoid; }
        .multiples { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 4mm 5mm; }
        .panel { break-inside: avoid; page-break-inside: avoid; display: flex; flex-direction: column; min-width: 0; }
        .panel > svg, .panel > .suppressed-panel { margin-top: auto; }
        .panel h3 { margin: 0 0 0.5mm; font-size: 9pt; font-weight: 600; overflow-wrap: anywhere; }
        .panel .n { color: var(--muted); font-weight: 400; }
        .panel.overall h3 { color: var(--accent); }
        .panel .suppressed-panel {
          border: 1px dashed var(--rule); color: var(--muted); font-style: italic; font-size: 8.5pt;
          text-align: center; padding: 10mm 2mm;
        }
        .legend { display: flex; flex-wrap: wrap; gap: 1mm 5mm; font-size: 8.5pt; color: var(--muted); margin: 1mm 0; }
        .chart-parts > svg { break-inside: avoid; page-break-inside: avoid; margin-bottom: 3mm; }
        .swatch { display: inline-block; width: 3mm; height: 3mm; vertical-align: -0.3mm; margin-right: 1.2mm; }
        footer.report { margin-top: 8mm; padding-top: 2mm; border-top: 1px solid var(--rule); break-inside: avoid; }
        @page { size: A4 portrait; margin: 14mm 15mm; }
        @media print {
          .page { padding: 0; max-width: none; }
          body { font-size: 9.5pt; }
          table { font-size: 8pt; }
          thead th { font-size: 7.5pt; }
          th, td { padding: 0.8mm 1.4mm; }
          h2 { margin-top: 6mm; }
          .multiples { gap: 3mm 4mm; }
          a { color: inherit; text-decoration: none; }
        }

        """
}
