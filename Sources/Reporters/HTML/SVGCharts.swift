import Foundation
import Dossier

/// Inline SVG charts of the report: no script, no external resource. Each chart has
/// `role="img"`, a `<title>` and an `aria-label`, and each bar its own `<title>` (the figure
/// a sighted reader hovers and a screen reader reads).
enum SVGCharts {
    /// One horizontal bar per slice: the slice's value of the metric, the reference (the best
    /// slice of its feature, or the overall metric) marked on each row, and the bound the
    /// policy sets (`reference − maxGap`, `reference × minRatio`, the stricter) as a dashed mark.
    /// Slices differ by a few points, so the axis starts near the smallest value shown — and
    /// says where it starts, printed under the chart, so no bar's length is read as a ratio.
    static func slices(_ table: ResponsibleAI.SliceTable) -> String {
        let rows = table.rows
        let rowHeight = 22, labelWidth = 200, barWidth = 360, valueWidth = 60, top = 8, axis = 20
        let height = top * 2 + rows.count * rowHeight + axis
        let width = labelWidth + barWidth + valueWidth + 10
        let floors = rows.map { floor(for: $0, in: table) }
        let values = rows.map(\.value) + rows.map(\.reference) + floors.compactMap { $0 }
        let (low, high) = axisRange(values)
        func x(_ value: Double) -> Int {
            labelWidth + Int(((value - low) / (high - low) * Double(barWidth)).rounded())
        }
        let title = "\(table.metric) per slice, against the \(table.against == "best" ? "best slice of each feature" : "overall metric")"
        var svg = "<svg class=\"chart\" role=\"img\" aria-label=\"\(HTMLText.attribute(title))\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<title>\(HTMLText.text(title))</title>"
        for (index, row) in rows.enumerated() {
            let y = top + index * rowHeight
            let length = max(1, x(row.value) - labelWidth)
            let ratio = row.ratio.map { Quantity.figure($0) } ?? "undefined"
            let label = "\(row.slice): \(table.metric) \(Quantity.figure(row.value)), gap \(Quantity.figure(row.gap)), ratio \(ratio)\(row.support.map { ", support \($0)" } ?? "")\(row.withinBounds ? "" : " — outside the bounds")"
            svg += "<text class=\"label\" x=\"\(labelWidth - 6)\" y=\"\(y + 15)\" text-anchor=\"end\">\(HTMLText.text(row.slice))</text>"
            svg += "<rect class=\"\(row.withinBounds ? "bar" : "bar out")\" x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(length)\" height=\"\(rowHeight - 6)\"><title>\(HTMLText.text(label))</title></rect>"
            svg += "<line class=\"reference\" x1=\"\(x(row.reference))\" x2=\"\(x(row.reference))\" y1=\"\(y + 1)\" y2=\"\(y + rowHeight - 1)\"/>"
            if let bound = floors[index] {
                svg += "<line class=\"bound\" x1=\"\(x(bound))\" x2=\"\(x(bound))\" y1=\"\(y + 1)\" y2=\"\(y + rowHeight - 1)\"/>"
            }
            svg += "<text class=\"value\" x=\"\(labelWidth + barWidth + valueWidth)\" y=\"\(y + 15)\" text-anchor=\"end\">\(HTMLText.text(Quantity.figure(row.value)))</text>"
        }
        let axisY = top + rows.count * rowHeight + 4
        svg += "<line class=\"axis\" x1=\"\(labelWidth)\" x2=\"\(labelWidth + barWidth)\" y1=\"\(axisY)\" y2=\"\(axisY)\"/>"
        svg += "<text class=\"tick\" x=\"\(labelWidth)\" y=\"\(axisY + 14)\" text-anchor=\"start\">\(HTMLText.text(Quantity.figure(low)))</text>"
        svg += "<text class=\"tick\" x=\"\(labelWidth + barWidth)\" y=\"\(axisY + 14)\" text-anchor=\"end\">\(HTMLText.text(Quantity.figure(high)))</text>"
        return svg + "</svg>"
    }

    /// The lowest value the policy lets a slice have: the stricter of `reference − maxGap` and
    /// `reference × minRatio` (for a metric where greater is better, as the slices check reads it).
    static func floor(for row: ResponsibleAI.SliceRow, in table: ResponsibleAI.SliceTable) -> Double? {
        let bounds = [table.maxGap.map { row.reference - $0 }, table.minRatio.map { row.reference * $0 }].compactMap { $0 }
        return bounds.max()
    }

    /// An axis from a round value a little below the smallest figure to one a little above the
    /// largest; from 0 when the figures are spread over more than half of their largest value.
    static func axisRange(_ values: [Double]) -> (Double, Double) {
        let finite = values.filter(\.isFinite)
        guard let smallest = finite.min(), let largest = finite.max() else { return (0, 1) }
        if largest <= 0 || smallest < 0 || smallest < largest / 2 {
            let low = Swift.min(0, smallest), high = Swift.max(largest, low + 1e-12)
            return (low, high == low ? low + 1 : high)
        }
        let spread = Swift.max(largest - smallest, largest * 0.01)
        let step = pow(10, Foundation.floor(log10(spread)))
        let low = Swift.max(0, Foundation.floor((smallest - spread * 0.25) / step) * step)
        let high = Foundation.ceil((largest + spread * 0.05) / step) * step
        return (low, high > low ? high : low + step)
    }

    /// Reference and current share of each bin, side by side.
    static func drift(_ feature: ResponsibleAI.DriftFeature) -> String {
        let count = min(feature.baseline.count, feature.current.count)
        let baseTotal = max(feature.baseline.reduce(0, +), 1e-12), currentTotal = max(feature.current.reduce(0, +), 1e-12)
        let reference = feature.baseline.prefix(count).map { $0 / baseTotal }
        let current = feature.current.prefix(count).map { $0 / currentTotal }
        let maximum = max((reference + current).max() ?? 1, 1e-12)
        let labels = (0..<count).map { binLabel(feature.bins, $0) }
        // A group is as wide as its label (about 7 px a character at 12 px) so labels never overlap.
        let groupWidth = max(56, (labels.map(\.count).max() ?? 0) * 7 + 10)
        let barWidth = 22, chartHeight = 140, left = 10, top = 10, bottom = 34
        let width = left * 2 + max(1, count) * groupWidth
        let height = top + chartHeight + bottom
        let title = "Drift of \(feature.name): reference (baseline) and current share per bin"
        var svg = "<svg class=\"chart\" role=\"img\" aria-label=\"\(HTMLText.attribute(title))\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<title>\(HTMLText.text(title))</title>"
        for bin in 0..<count {
            let x = left + bin * groupWidth
            let range = labels[bin]
            for (series, shares, offset) in [("reference", reference, 4), ("current", current, 4 + barWidth)] {
                let offset = offset + (groupWidth - 2 * barWidth - 8) / 2
                let share = shares[bin]
                let barHeight = max(1, Int((share / maximum * Double(chartHeight)).rounded()))
                svg += "<rect class=\"\(series)\" x=\"\(x + offset)\" y=\"\(top + chartHeight - barHeight)\" width=\"\(barWidth - 2)\" height=\"\(barHeight)\"><title>\(HTMLText.text("bin \(range), \(series): \(Quantity.figure(share * 100)) %"))</title></rect>"
            }
            svg += "<text class=\"label\" x=\"\(x + groupWidth / 2)\" y=\"\(top + chartHeight + 14)\" text-anchor=\"middle\">\(HTMLText.text(range))</text>"
        }
        return svg + "</svg>"
    }

    /// `[0, 10)` style label of bin `index` from the edges (or the bin's own label).
    static func binLabel(_ bins: [String], _ index: Int) -> String {
        if index + 1 < bins.count { return "\(bins[index])–\(bins[index + 1])" }
        if index < bins.count { return bins[index] }
        return "bin \(index + 1)"
    }
}
