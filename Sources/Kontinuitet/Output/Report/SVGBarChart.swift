/// A horizontal bar chart: one labelled bar per item, the value written at the end of the bar, vertical reference
/// lines (the city mean, a group mean …) labelled above the plot, and a value axis with round ticks below.
///
/// Items without a value (held back by the small-number rule) keep their row and show a note instead of a bar.
/// Bars are drawn in the order given; sort them before. Every bar's `<rect class="bar">` carries `data-label` and
/// the exact CSV text of its value in `data-value`; its width is proportional to the value (the axis starts at 0).
struct SVGBarChart {
    /// One bar.
    struct Bar {
        var label: String
        /// The value; nil draws no bar and shows `note`.
        var value: Double?
        /// The value as shown at the end of the bar (`13,45`).
        var shown: String
        /// The exact CSV text of the value, for `data-value`.
        var csv: String?
        /// Shown in place of a bar when `value` is nil (`för få`).
        var note: String = ""
    }

    var bars: [Bar]
    var referenceLines: [ChartReferenceLine] = []
    /// The title of the value axis (`Medelvärde, antal personal`).
    var axisTitle: String
    /// A short description for screen readers.
    var title: String
    /// The width in user units; 680 fills the 180 mm page column.
    var width = 680.0
    /// The largest value the axis must reach; nil means the largest bar or line. Charts split from one list
    /// (`split(maximumBars:)`) share it, so that their bars are on one scale.
    var valueMaximum: Double?
    /// The bars whose labels and values size the label and value columns; nil means `bars`. Charts split from one
    /// list share all of its bars here, so that their plots line up.
    var sizingBars: [Bar]?

    /// The most bars a chart holds so that it fits on an A4 page below its heading (21 units a bar, 680 units
    /// = 180 mm: 36 bars and the axis are about 220 mm of the 267 mm a page holds).
    static let maximumBarsPerPage = 36

    static let fontSize = 11.0
    static let rowHeight = 21.0
    static let barThickness = 13.0
    static let referenceLabelRow = 15.0

    /// The layout in user units, exposed so that tests can check proportions.
    struct Layout {
        var labelWidth: Double
        var plotLeft: Double
        var plotWidth: Double
        var plotTop: Double
        var domainMaximum: Double
        var ticks: [Double]
        var height: Double

        /// The x coordinate of `value`.
        func x(_ value: Double) -> Double { plotLeft + plotWidth * value / domainMaximum }
    }

    func layout() -> Layout {
        let font = Self.fontSize
        let sizing = sizingBars ?? bars
        let widest = sizing.map { ChartText.estimatedWidth($0.label, fontSize: font) }.max() ?? 0
        let labelWidth = min(max(widest + 6, 70), width * 0.36)
        let widestValue = sizing.map { ChartText.estimatedWidth($0.shown, fontSize: font) }.max() ?? 0
        let plotLeft = labelWidth + 8
        let plotWidth = max(80, width - plotLeft - max(28, widestValue + 10))
        let maximum = valueMaximum ?? (bars.compactMap(\.value) + referenceLines.map(\.value)).max() ?? 0
        let ticks = ChartScale.ticks(upTo: maximum, targetCount: 6)
        let plotTop = 4 + Double(referenceLines.count) * Self.referenceLabelRow
        let plotHeight = Double(max(1, bars.count)) * Self.rowHeight
        return Layout(
            labelWidth: labelWidth, plotLeft: plotLeft, plotWidth: plotWidth, plotTop: plotTop,
            domainMaximum: ticks.last ?? 1, ticks: ticks, height: plotTop + plotHeight + 40)
    }

    /// The chart cut into charts of at most `maximumBars` bars each (as even as can be), in order, each with the
    /// reference lines and all on the scale of the whole: a long list of providers prints as several figures that
    /// each fit on a page, rather than one figure cut by a page break.
    func split(maximumBars: Int = SVGBarChart.maximumBarsPerPage) -> [SVGBarChart] {
        guard bars.count > maximumBars, maximumBars > 0 else { return [self] }
        let parts = (bars.count + maximumBars - 1) / maximumBars
        let maximum = valueMaximum ?? (bars.compactMap(\.value) + referenceLines.map(\.value)).max() ?? 0
        return (0..<parts).map { part in
            var chart = self
            chart.bars = Array(bars[(bars.count * part / parts)..<(bars.count * (part + 1) / parts)])
            chart.valueMaximum = maximum
            chart.sizingBars = sizingBars ?? bars
            return chart
        }
    }

    /// The `<svg>` element; with more bars than fit on a page, a `<div class="chart-parts">` of one `<svg>` per
    /// part (`split()`), which print on as many pages.
    func node() -> HTMLNode {
        let parts = split()
        guard parts.count > 1 else { return svgNode() }
        return .element("div", ["class": "chart-parts"], parts.map { $0.svgNode() })
    }

    /// The chart as one `<svg>` element, however many bars it has.
    func svgNode() -> HTMLNode {
        let font = Self.fontSize
        let layout = layout()
        let plotBottom = layout.plotTop + Double(max(1, bars.count)) * Self.rowHeight
        var nodes: [HTMLNode] = []

        // Grid and tick labels.
        for tick in layout.ticks {
            let x = layout.x(tick)
            nodes.append(
                SVG.line(
                    x1: x, y1: layout.plotTop, x2: x, y2: plotBottom,
                    stroke: tick == 0 ? ChartPalette.axis : ChartPalette.grid))
            nodes.append(
                SVG.text(
                    ReportFormat.axis(tick), x: x, y: plotBottom + 13, size: font - 1.5, anchor: "middle",
                    fill: ChartPalette.muted))
        }
        nodes.append(
            SVG.text(
                axisTitle, x: layout.plotLeft + layout.plotWidth / 2, y: plotBottom + 30, size: font - 1,
                anchor: "middle", fill: ChartPalette.muted))

        // Bars and labels; values after the reference lines, with a white halo, so that a line never hides one.
        var values: [HTMLNode] = []
        for (index, bar) in bars.enumerated() {
            let rowTop = layout.plotTop + Double(index) * Self.rowHeight
            let middle = rowTop + Self.rowHeight / 2
            let baseline = middle + font * 0.36
            nodes.append(
                SVG.text(
                    ChartText.truncated(bar.label, toWidth: layout.labelWidth, fontSize: font), x: layout.labelWidth,
                    y: baseline, size: font, anchor: "end", className: "bar-label", fullText: bar.label))
            if let value = bar.value {
                let barWidth = layout.plotWidth * value / layout.domainMaximum
                nodes.append(
                    .element(
                        "rect",
                        [
                            "class": "bar", "data-label": bar.label, "data-value": bar.csv,
                            "x": SVG.number(layout.plotLeft), "y": SVG.number(middle - Self.barThickness / 2),
                            "width": SVG.number(barWidth), "height": SVG.number(Self.barThickness),
                            "fill": ChartPalette.accent,
                        ],
                        [.element("title", text: "\(bar.label): \(bar.shown)")]))
                values.append(
                    SVG.text(
                        bar.shown, x: layout.plotLeft + barWidth + 4, y: baseline, size: font - 0.5,
                        className: "bar-value halo", dataValue: bar.csv))
            } else {
                values.append(
                    .element(
                        "text",
                        [
                            "class": "bar-note", "x": SVG.number(layout.plotLeft + 4), "y": SVG.number(baseline),
                            "font-size": SVG.number(font - 1), "font-style": "italic", "fill": ChartPalette.muted,
                        ], text: bar.note))
            }
        }

        // Reference lines over the bars, labels in their own rows above the plot so they never collide; the lines
        // start below the rows, so that no line runs through another's label.
        var referenceLabels: [HTMLNode] = []
        for (index, reference) in referenceLines.enumerated() {
            let x = layout.x(reference.value)
            let primary = reference.emphasis == .primary
            let color = primary ? ChartPalette.ink : ChartPalette.warn
            let labelY = 4 + Double(index + 1) * Self.referenceLabelRow - 4
            nodes.append(
                SVG.line(
                    x1: x, y1: layout.plotTop - 2, x2: x, y2: plotBottom, stroke: color, width: primary ? 1.6 : 1.3,
                    dashed: !primary, className: "reference-line", dataValue: reference.csv))
            let labelWidth = ChartText.estimatedWidth(reference.label, fontSize: font - 0.5)
            let anchor: String
            let labelX: Double
            if x + labelWidth / 2 > width {
                (anchor, labelX) = ("end", x + 3)
            } else if x - labelWidth / 2 < layout.plotLeft {
                (anchor, labelX) = ("start", x - 3)
            } else {
                (anchor, labelX) = ("middle", x)
            }
            referenceLabels.append(
                SVG.text(
                    reference.label, x: labelX, y: labelY, size: font - 0.5, anchor: anchor, weight: "600",
                    fill: color, className: "reference-label halo"))
            // A short sample of the line before its label, so that lines close together can be told apart.
            let labelLeft =
                anchor == "middle" ? labelX - labelWidth / 2 : (anchor == "end" ? labelX - labelWidth : labelX)
            if labelLeft - 16 >= 0 {
                referenceLabels.append(
                    SVG.line(
                        x1: labelLeft - 16, y1: labelY - font * 0.33, x2: labelLeft - 4, y2: labelY - font * 0.33,
                        stroke: color, width: primary ? 1.6 : 1.3, dashed: !primary, className: "reference-key"))
            }
        }
        nodes += values + referenceLabels
        return SVG.root(width: width, height: layout.height, title: title, className: "bar-chart", nodes)
    }
}
