/// A reference value drawn across a chart (the city mean, a group mean, a target), with its label.
struct ChartReferenceLine {
    /// How strongly the line is drawn.
    enum Emphasis {
        /// A solid dark line: the main comparison (the city mean).
        case primary
        /// A dashed line in the accent colour: a secondary comparison (a group mean).
        case secondary
    }

    var value: Double
    var label: String
    var emphasis: Emphasis = .primary
    /// The exact machine text of the value, written to `data-value`.
    var csv: String?
}

/// The colours of the charts: restrained, printable in greyscale, matching the style sheet of `HTMLDocument`.
enum ChartPalette {
    static let ink = "#1f2933"
    static let muted = "#5f6b7a"
    static let grid = "#e3e7ec"
    static let axis = "#9aa5b1"
    static let accent = "#2f5d8a"
    static let accentSoft = "#9bb5cf"
    static let warn = "#b4532a"
    static let markedRange = "#f3eee2"
    /// Colours of line-chart series in order (blue, orange, green, grey, purple), repeated beyond five.
    static let series = ["#2f5d8a", "#c8762e", "#3f7f5f", "#6b7280", "#7a4f8f"]
}

/// Axis scales with round tick values.
enum ChartScale {
    /// Ticks from 0 to a round maximum at or above `maximum`, about `targetCount` of them, on steps of 1, 2, 2.5 or
    /// 5 times a power of ten. A maximum of 0 or less gives ticks 0 and 1.
    static func ticks(upTo maximum: Double, targetCount: Int = 5) -> [Double] {
        guard maximum > 0, maximum.isFinite else { return [0, 1] }
        let rough = maximum / Double(max(1, targetCount))
        var power = 1.0
        while power * 10 <= rough { power *= 10 }
        while power > rough { power /= 10 }
        let step = [1.0, 2.0, 2.5, 5.0, 10.0].map { $0 * power }.first { $0 >= rough } ?? power * 10
        let count = Int((maximum / step).rounded(.up))
        return (0...max(1, count)).map { Double($0) * step }
    }
}

/// Rough text metrics for laying out SVG labels without a font engine.
enum ChartText {
    /// The estimated width of `text` at `fontSize` in a proportional sans-serif face (average glyph 0.56 em,
    /// narrow glyphs less); generous enough that labels laid out with it do not overlap.
    static func estimatedWidth(_ text: String, fontSize: Double) -> Double {
        var ems = 0.0
        for character in text {
            switch character {
            case "i", "l", "j", "t", "f", "r", "I", ".", ",", ":", ";", "'", "|", "!", " ", "\u{00A0}": ems += 0.32
            case "m", "w", "M", "W": ems += 0.86
            case "A"..."Z", "Å", "Ä", "Ö": ems += 0.68
            case "0"..."9": ems += 0.56
            default: ems += 0.54
            }
        }
        return ems * fontSize
    }

    /// `text` broken into lines at spaces so that each fits `width` at `fontSize` by the estimate; a word wider
    /// than `width` on its own is cut with `…`.
    static func wrapped(_ text: String, toWidth width: Double, fontSize: Double) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            let candidate = line.isEmpty ? String(word) : line + " " + word
            if estimatedWidth(candidate, fontSize: fontSize) <= width || line.isEmpty {
                line = candidate
            } else {
                lines.append(line)
                line = String(word)
            }
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines.map { truncated($0, toWidth: width, fontSize: fontSize) }
    }

    /// `text` cut to fit `width` at `fontSize`, ending with `…` when cut.
    static func truncated(_ text: String, toWidth width: Double, fontSize: Double) -> String {
        guard estimatedWidth(text, fontSize: fontSize) > width else { return text }
        var cut = text
        while !cut.isEmpty && estimatedWidth(cut + "…", fontSize: fontSize) > width { cut.removeLast() }
        return cut.trimmingTrailingSpaces() + "…"
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}

/// Builders of the SVG elements the charts use. Coordinates are in the user units of the chart's `viewBox`, which
/// the style sheet scales to the page width (680 units ≈ 180 mm).
enum SVG {
    /// A coordinate as short, deterministic text: at most two decimals, no trailing zeros.
    static func number(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        // Not whole, so at most the last of the two decimals is a zero.
        let text = CSVWriter.format(rounded, places: 2)
        return text.utf8.last == UInt8(ascii: "0") ? String(text.dropLast()) : text
    }

    /// The `<svg>` element: scales to the width of its container, with a title for screen readers.
    static func root(width: Double, height: Double, title: String, className: String, _ children: [HTMLNode])
        -> HTMLNode
    {
        .element(
            "svg",
            [
                "class": className, "viewBox": "0 0 \(number(width)) \(number(height))",
                "width": number(width), "height": number(height), "role": "img", "aria-label": title,
            ], [.element("title", text: title)] + children)
    }

    static func rect(
        x: Double, y: Double, width: Double, height: Double, fill: String, className: String? = nil,
        dataValue: String? = nil
    ) -> HTMLNode {
        .element(
            "rect",
            [
                "class": className, "x": number(x), "y": number(y), "width": number(max(0, width)),
                "height": number(max(0, height)), "fill": fill, "data-value": dataValue,
            ])
    }

    static func line(
        x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1, dashed: Bool = false,
        className: String? = nil, dataValue: String? = nil
    ) -> HTMLNode {
        .element(
            "line",
            [
                "class": className, "x1": number(x1), "y1": number(y1), "x2": number(x2), "y2": number(y2),
                "stroke": stroke, "stroke-width": number(width), "stroke-dasharray": dashed ? "4 3" : nil,
                "data-value": dataValue,
            ])
    }

    /// A text label. `anchor` is `start`, `middle` or `end`; `y` is the baseline. A class list holding `halo`
    /// draws a white outline under the glyphs (as attributes, so that it holds in a standalone file without the
    /// page's style sheet), which keeps the label readable over a line or a bar. `fullText` adds a `<title>` (the
    /// tooltip) when the shown text is a shortened form of it.
    static func text(
        _ text: String, x: Double, y: Double, size: Double, anchor: String = "start", weight: String? = nil,
        fill: String? = nil, className: String? = nil, dataValue: String? = nil, fullText: String? = nil
    ) -> HTMLNode {
        let halo = className.map { $0.split(separator: " ").contains("halo") } ?? false
        var children: [HTMLNode] = []
        if let fullText, fullText != text { children.append(.element("title", text: fullText)) }
        children.append(.text(text))
        return .element(
            "text",
            [
                "class": className, "x": number(x), "y": number(y), "font-size": number(size),
                "text-anchor": anchor == "start" ? nil : anchor, "font-weight": weight, "fill": fill,
                "data-value": dataValue, "stroke": halo ? "#ffffff" : nil, "stroke-width": halo ? "3" : nil,
                "stroke-linejoin": halo ? "round" : nil, "paint-order": halo ? "stroke" : nil,
            ], children)
    }

    /// A vertical value axis: a horizontal grid line across the plot at each tick (the zero line darker) and the
    /// tick's label right-aligned `gap` left of the plot.
    static func valueAxis(
        ticks: [Double], y: (Double) -> Double, plotLeft: Double, plotRight: Double, font: Double, gap: Double,
        label: (Double) -> String
    ) -> [HTMLNode] {
        ticks.flatMap { tick in
            [
                line(
                    x1: plotLeft, y1: y(tick), x2: plotRight, y2: y(tick),
                    stroke: tick == 0 ? ChartPalette.axis : ChartPalette.grid),
                text(
                    label(tick), x: plotLeft - gap, y: y(tick) + font * 0.33, size: font - 1, anchor: "end",
                    fill: ChartPalette.muted),
            ]
        }
    }
}
