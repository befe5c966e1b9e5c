/// A histogram of counts in bins, drawn as the share of the total in each bin with the count written above the
/// bar, small enough to be one panel of a grid of small multiples.
///
/// Panels meant to be compared must share `shareMaximum`, so that equal heights mean equal shares. Each bar's
/// `<rect class="bin">` carries `data-label` (the bin) and `data-value` (the count).
struct SVGHistogram {
    /// One bin.
    struct Bin {
        var label: String
        var count: Int
        /// Drawn in the warning colour (the bins over 20 staff).
        var highlighted = false
    }

    var bins: [Bin]
    /// The top of the share axis as a fraction (0…1]; the axis is rounded up from it.
    var shareMaximum: Double
    var title: String
    var width = 220.0
    var height = 132.0

    static let fontSize = 11.0

    var total: Int { bins.reduce(0) { $0 + $1.count } }

    /// The `<svg>` element.
    func node() -> HTMLNode {
        let font = Self.fontSize
        let ticks = ChartScale.ticks(upTo: max(shareMaximum, 0.01) * 100, targetCount: 3)
        let top = ticks.last ?? 100
        let plotLeft =
            8
            + (ticks.map { ChartText.estimatedWidth(ReportFormat.axis($0) + " %", fontSize: font - 1) }
                .max() ?? 20)
        let plotRight = width - 2
        let plotTop = 14.0
        let plotBottom = height - 16
        let plotHeight = plotBottom - plotTop
        let slot = (plotRight - plotLeft) / Double(max(1, bins.count))
        var nodes: [HTMLNode] = []
        func y(_ percent: Double) -> Double { plotBottom - plotHeight * percent / top }

        nodes += SVG.valueAxis(
            ticks: ticks, y: y, plotLeft: plotLeft, plotRight: plotRight, font: font, gap: 4,
            label: { ReportFormat.axis($0) + ReportFormat.noBreakSpace + "%" })
        let total = self.total
        for (index, bin) in bins.enumerated() {
            let share = total > 0 ? Double(bin.count) / Double(total) : 0
            let x = plotLeft + slot * Double(index) + slot * 0.14
            let barWidth = slot * 0.72
            let barTop = y(share * 100)
            let color = bin.highlighted ? ChartPalette.warn : ChartPalette.accent
            nodes.append(
                .element(
                    "rect",
                    [
                        "class": "bin", "data-label": bin.label, "data-value": String(bin.count),
                        "x": SVG.number(x), "y": SVG.number(barTop), "width": SVG.number(barWidth),
                        "height": SVG.number(plotBottom - barTop), "fill": color,
                    ], [.element("title", text: "\(bin.label): \(bin.count)")]))
            if bin.count > 0 {
                nodes.append(
                    SVG.text(
                        ReportFormat.integer(bin.count), x: x + barWidth / 2, y: barTop - 3, size: font - 1,
                        anchor: "middle", fill: ChartPalette.ink, className: "bin-count"))
            }
            nodes.append(
                SVG.text(
                    bin.label, x: x + barWidth / 2, y: plotBottom + 11, size: font - 1, anchor: "middle",
                    fill: bin.highlighted ? ChartPalette.warn : ChartPalette.muted))
        }
        return SVG.root(width: width, height: height, title: title, className: "histogram", nodes)
    }
}
