/// A line chart of one or more series over ordered categories (months, days, weeks), with optional shaded ranges
/// (the Kolada measurement weeks on a yearly curve) and horizontal reference lines (a capacity ceiling).
///
/// The value axis starts at 0. A missing value (nil) breaks the line. Each point is a
/// `<circle class="point">` with `data-series`, `data-label` (its category) and `data-value` (the value with
/// `places` decimals, as the CSV writes it). Empty category labels are not drawn (label only month starts on a
/// daily series), and a label that would collide with the one before it is left out.
struct SVGLineChart {
    /// One series: a name for the legend and one value per category.
    struct Series {
        var name: String
        var values: [Double?]
    }

    /// A shaded range of categories, both ends included, labelled above the plot.
    struct MarkedRange {
        var first: Int
        var last: Int
        var label: String
    }

    var categories: [String]
    var series: [Series]
    var markedRanges: [MarkedRange] = []
    var referenceLines: [ChartReferenceLine] = []
    /// The title of the value axis (`Timmar`).
    var axisTitle: String
    /// A short description for screen readers.
    var title: String
    /// Decimals of the values in `data-value`.
    var places = 2
    /// Formats a value for the axis ticks.
    var tickFormat: (Double) -> String = { ReportFormat.axis($0) }
    var width = 680.0
    var height = 250.0
    /// The largest value the axis must reach; nil means the largest value drawn. Small multiples share one, so that
    /// equal heights mean equal values in every panel.
    var valueMaximum: Double?

    static let fontSize = 10.5

    /// The `<svg>` element.
    func node() -> HTMLNode {
        let font = Self.fontSize
        let values = series.flatMap { $0.values.compactMap { $0 } } + referenceLines.map(\.value)
        let ticks = ChartScale.ticks(upTo: valueMaximum ?? values.max() ?? 0, targetCount: 5)
        let top = ticks.last ?? 1
        let legendHeight = series.count > 1 ? 18.0 : 0
        let rangeLabelHeight = markedRanges.isEmpty ? 0 : 14.0
        // The rotated axis title takes the first 2 em; the tick labels come after it.
        let plotLeft =
            font * 2 + 8 + (ticks.map { ChartText.estimatedWidth(tickFormat($0), fontSize: font - 1) }.max() ?? 20)
        let plotRight = width - 8
        let plotTop = 6 + legendHeight + rangeLabelHeight
        let plotBottom = height - 34
        let plotHeight = plotBottom - plotTop
        let count = max(1, categories.count)
        let step = (plotRight - plotLeft) / Double(count)
        func x(_ index: Int) -> Double { plotLeft + step * (Double(index) + 0.5) }
        func y(_ value: Double) -> Double { plotBottom - plotHeight * value / top }
        var nodes: [HTMLNode] = []

        // Legend.
        if series.count > 1 {
            var legendX = plotLeft
            for (index, item) in series.enumerated() {
                let color = ChartPalette.series[index % ChartPalette.series.count]
                nodes.append(SVG.rect(x: legendX, y: 6, width: 14, height: 3, fill: color))
                nodes.append(SVG.text(item.name, x: legendX + 18, y: 11 + font * 0.1, size: font - 0.5))
                legendX += 30 + ChartText.estimatedWidth(item.name, fontSize: font - 0.5)
            }
        }

        // Marked ranges under everything else.
        for range in markedRanges {
            let first = max(0, min(range.first, range.last))
            let last = min(count - 1, max(range.first, range.last))
            guard first <= last else { continue }
            let left = plotLeft + step * Double(first)
            let right = plotLeft + step * Double(last + 1)
            nodes.append(
                .element(
                    "rect",
                    [
                        "class": "marked-range", "data-first": String(first), "data-last": String(last),
                        "x": SVG.number(left), "y": SVG.number(plotTop), "width": SVG.number(right - left),
                        "height": SVG.number(plotHeight), "fill": ChartPalette.markedRange,
                    ]))
            // Centred over the range, but kept over the plot: not over the tick labels, not past the right edge.
            let half = ChartText.estimatedWidth(range.label, fontSize: font - 1.5) / 2
            let centre = min(max((left + right) / 2, plotLeft + half), plotRight - half)
            nodes.append(
                SVG.text(
                    range.label, x: centre, y: plotTop - 5, size: font - 1.5, anchor: "middle",
                    fill: ChartPalette.muted, className: "range-label"))
        }

        // Value axis.
        nodes += SVG.valueAxis(
            ticks: ticks, y: y, plotLeft: plotLeft, plotRight: plotRight, font: font, gap: 5, label: tickFormat)
        nodes.append(
            .element(
                "text",
                [
                    "x": "0", "y": "0", "font-size": SVG.number(font - 1), "text-anchor": "middle",
                    "fill": ChartPalette.muted,
                    "transform": "translate(\(SVG.number(font)) \(SVG.number((plotTop + plotBottom) / 2))) rotate(-90)",
                ], text: axisTitle))

        // Category labels: empty ones are skipped, and a label that would touch the one before is left out.
        var lastRight = -Double.infinity
        for (index, category) in categories.enumerated() where !category.isEmpty {
            let half = ChartText.estimatedWidth(category, fontSize: font - 1) / 2
            guard x(index) - half >= lastRight + 6 else { continue }
            lastRight = x(index) + half
            nodes.append(
                SVG.text(
                    category, x: x(index), y: plotBottom + 14, size: font - 1, anchor: "middle",
                    fill: ChartPalette.muted, className: "category-label"))
        }

        // Reference lines.
        for reference in referenceLines {
            let primary = reference.emphasis == .primary
            let color = primary ? ChartPalette.ink : ChartPalette.warn
            nodes.append(
                SVG.line(
                    x1: plotLeft, y1: y(reference.value), x2: plotRight, y2: y(reference.value), stroke: color,
                    width: primary ? 1.4 : 1.2, dashed: !primary, className: "reference-line",
                    dataValue: reference.csv))
            nodes.append(
                SVG.text(
                    reference.label, x: plotRight, y: y(reference.value) - 4, size: font - 1, anchor: "end",
                    weight: "600", fill: color, className: "reference-label"))
        }

        // Series: a polyline per unbroken run, a point per value. Category positions are formatted once.
        var xTexts = [String?](repeating: nil, count: count)
        func xText(at index: Int) -> String {
            if let known = xTexts[index] { return known }
            let text = SVG.number(x(index))
            xTexts[index] = text
            return text
        }
        for (seriesIndex, item) in series.enumerated() {
            let color = ChartPalette.series[seriesIndex % ChartPalette.series.count]
            var runs: [[(Int, Double)]] = [[]]
            for (index, value) in item.values.prefix(count).enumerated() {
                if let value {
                    runs[runs.count - 1].append((index, value))
                } else if !(runs.last?.isEmpty ?? true) {
                    runs.append([])
                }
            }
            // Each point's coordinates are formatted once, for the line and for the point.
            let runTexts = runs.map { run in run.map { (x: xText(at: $0.0), y: SVG.number(y($0.1))) } }
            for (run, texts) in zip(runs, runTexts) where run.count > 1 {
                let points = texts.map { "\($0.x),\($0.y)" }.joined(separator: " ")
                nodes.append(
                    .element(
                        "polyline",
                        [
                            "class": "series", "data-series": item.name, "points": points, "fill": "none",
                            "stroke": color, "stroke-width": "2", "stroke-linejoin": "round",
                        ]))
            }
            // Dense series (days of a year) are read as a line: their points carry data but are not drawn. A
            // yearly curve has hundreds of points: they are written as markup here, exactly as their elements
            // would render (`<circle …></circle>`, values escaped), not built as a node each.
            let radius = categories.count > 60 ? 0 : 2.4
            var points: [UInt8] = []
            func attribute(_ name: String, _ value: String) {
                points.append(UInt8(ascii: " "))
                HTMLText.appendUTF8(name, to: &points)
                points.append(contentsOf: [UInt8(ascii: "="), UInt8(ascii: "\"")])
                HTMLText.appendEscaped(value, to: &points)
                points.append(UInt8(ascii: "\""))
            }
            for (run, texts) in zip(runs, runTexts) {
                // A value between two gaps has no line: it is always drawn as a dot.
                let runRadius = SVG.number(run.count == 1 ? max(radius, 1.8) : radius)
                for ((index, value), text) in zip(run, texts) {
                    HTMLText.appendUTF8("<circle", to: &points)
                    attribute("class", "point")
                    attribute("data-series", item.name)
                    if index < categories.count { attribute("data-label", categories[index]) }
                    attribute("data-value", CSVWriter.format(value, places: places))
                    attribute("cx", text.x)
                    attribute("cy", text.y)
                    attribute("r", runRadius)
                    attribute("fill", color)
                    HTMLText.appendUTF8("></circle>", to: &points)
                }
            }
            if !points.isEmpty { nodes.append(.trusted(String(decoding: points, as: UTF8.self))) }
        }
        return SVG.root(width: width, height: height, title: title, className: "line-chart", nodes)
    }
}
