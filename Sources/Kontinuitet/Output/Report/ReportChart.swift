/// A chart of a report, rendered once and used twice: inline in `report.html`, and as a standalone SVG file under
/// `charts/` that a report author can insert into Word or PowerPoint.
///
/// The standalone file is the same drawing with what the page gave it made explicit: a white background, the fonts
/// named on the root element (`font-family`), the text colour, and the heading the page writes above the chart
/// written into the drawing itself, so that the picture says what it shows when it stands alone. Its size is the
/// chart's viewBox in CSS pixels (680 wide: 180 mm, the report's column).
struct ReportChart {
    /// The file name under `charts/`, without `.svg` (`jamforelse`, `fordelning-hemtjanst-norr`).
    var name: String
    /// The heading drawn above the chart in the standalone file.
    var heading: String
    /// The `<svg>` element's attributes, in order.
    private var attributes: [(name: String, value: String)]
    private var width: Double
    private var height: Double
    /// The `<svg>` element's `<title>`, for screen readers.
    private var title: String
    /// The markup of the `<svg>` element's other children, escaped when it was rendered.
    private var content: String

    /// The fonts of the standalone files, as the page's style sheet names them.
    static let fontFamily = "Helvetica Neue, Helvetica, Arial, Liberation Sans, DejaVu Sans, sans-serif"
    /// The font size of the heading of a standalone file, and the height of each of its lines, in user units.
    static let headingFontSize = 12.5
    static let headingLineHeight = 16.0

    /// Renders `svg` (an `<svg>` element made by `SVG.root`) once.
    init(name: String, heading: String, svg: HTMLNode) {
        self.name = name
        self.heading = heading
        guard case .element(_, let attributes, let children) = svg else {
            self.attributes = []
            width = 0
            height = 0
            title = heading
            content = ""
            return
        }
        self.attributes = attributes
        width = attributes.first { $0.name == "width" }.flatMap { Double($0.value) } ?? 680
        height = attributes.first { $0.name == "height" }.flatMap { Double($0.value) } ?? 0
        title = attributes.first { $0.name == "aria-label" }?.value ?? heading
        var output: [UInt8] = []
        for child in children {
            if case .element("title", _, _) = child { continue }
            child.render(into: &output)
        }
        content = String(decoding: output, as: UTF8.self)
    }

    /// The chart as the page holds it: the `<svg>` element as `SVG.root` made it.
    var node: HTMLNode {
        // The content was escaped when it was rendered: trusted here means "already markup", not "from nowhere".
        .element(name: "svg", attributes: attributes, children: [.element("title", text: title), .trusted(content)])
    }

    /// The standalone SVG file: XML declaration, namespace, white background, fonts, heading (wrapped to the
    /// chart's width), then the chart.
    var standaloneSVG: String {
        let lines = ChartText.wrapped(heading, toWidth: width, fontSize: Self.headingFontSize)
        let headingHeight = Double(lines.count) * Self.headingLineHeight + 8
        let total = height + headingHeight
        let headingNodes = lines.enumerated().map { index, line in
            SVG.text(
                line, x: 0, y: Self.headingLineHeight * Double(index + 1) - 3, size: Self.headingFontSize,
                weight: "700", fill: ChartPalette.ink, className: "heading")
        }
        let root = HTMLNode.element(
            name: "svg",
            attributes: [
                (name: "xmlns", value: "http://www.w3.org/2000/svg"), (name: "version", value: "1.1"),
                (name: "viewBox", value: "0 0 \(SVG.number(width)) \(SVG.number(total))"),
                (name: "width", value: SVG.number(width)), (name: "height", value: SVG.number(total)),
                (name: "font-family", value: Self.fontFamily), (name: "role", value: "img"),
                (name: "aria-label", value: title),
            ],
            children: [
                .element("title", text: title),
                SVG.rect(x: 0, y: 0, width: width, height: total, fill: "#ffffff", className: "background"),
            ] + headingNodes + [
                .element(
                    "g", ["transform": "translate(0 \(SVG.number(headingHeight)))", "fill": ChartPalette.ink],
                    [.trusted(content)])
            ])
        var output = Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".utf8)
        root.render(into: &output)
        return String(decoding: output, as: UTF8.self)
    }
}

/// The charts of a report page and the page itself, as a command writes them.
struct RenderedReport {
    /// `report.html`.
    var page: String
    /// One file per chart, in the order of the page.
    var charts: [ReportChart]

    /// The relative path of each chart file and its bytes.
    var chartFiles: [(path: String, bytes: [UInt8])] {
        charts.map { ("charts/\($0.name).svg", Array($0.standaloneSVG.utf8)) }
    }
}

/// A report page that draws charts: it builds its document and collects each chart drawn, and gets the rest
/// (the page as text, the page with its chart files) from this protocol's extension.
protocol ReportPage {
    /// The page; every chart drawn is appended to `charts`.
    func document(charts: inout [ReportChart]) -> HTMLDocument
}

extension ReportPage {
    /// The page as UTF-8 text.
    func render() -> String { rendered().page }

    /// The page and its charts as standalone files.
    func rendered() -> RenderedReport {
        var charts: [ReportChart] = []
        let page = document(charts: &charts).render()
        return RenderedReport(page: page, charts: charts)
    }

    /// The page alone.
    func document() -> HTMLDocument {
        var charts: [ReportChart] = []
        return document(charts: &charts)
    }
}
