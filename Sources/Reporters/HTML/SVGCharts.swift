import Dossier

/// Inline SVG charts of the report: no script, no external resource. Each chart has
/// `role="img"`, a `<title>` and an `aria-label`, and each bar its own `<title>` (the figure
/// a sighted reader hovers and a screen reader reads).
enum SVGCharts {
    /// One horizontal bar per slice: the slice's value of the metric, the reference marked.
    static func slices(_ table: ResponsibleAI.SliceTable) -> String {
        let rows = table.rows
        let rowHeight = 22, labelWidth = 200, barWidth = 360, top = 8
        let height = top * 2 + rows.count * rowHeight
        let width = labelWidth + barWidth + 70
        let maximum = max(rows.map(\.value).max() ?? 1, rows.map(\.reference).max() ?? 1, 1e-12)
        let title = "\(table.metric) per slice, against the \(table.against == "best" ? "best slice of each feature" : "overall metric")"
        var svg = "<svg class=\"chart\" role=\"img\" aria-label=\"\(HTMLText.attribute(title))\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<title>\(HTMLText.text(title))</title>"
        for (index, row) in rows.enumerated() {
            let y = top + index * rowHeight
            let length = max(1, Int((row.value / maximum * Double(barWidth)).rounded()))
            let ratio = row.ratio.map { Quantity.figure($0) } ?? "undefined"
            let label = "\(row.slice): \(table.metric) \(Quantity.figure(row.value)), gap \(Quantity.figure(row.gap)), ratio \(ratio)\(row.support.map { ", support \($0)" } ?? "")\(row.withinBounds ? "" : " — outside the bounds")"
            svg += "<text class=\"label\" x=\"\(labelWidth - 6)\" y=\"\(y + 15)\" text-anchor=\"end\">\(HTMLText.text(row.slice))</text>"
            svg += "<rect class=\"\(row.withinBounds ? "bar" : "bar out")\" x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(length)\" height=\"\(rowHeight - 6)\"><title>\(HTMLText.text(label))</title></rect>"
            let referenceX = labelWidth + Int((row.reference / maximum * Double(barWidth)).rounded())
            svg += "<line class=\"reference\" x1=\"\(referenceX)\" x2=\"\(referenceX)\" y1=\"\(y + 1)\" y2=\"\(y + rowHeight - 1)\"/>"
            svg += "<text class=\"value\" x=\"\(labelWidth + length + 4)\" y=\"\(y + 15)\">\(HTMLText.text(Quantity.figure(row.value)))</text>"
        }
        return svg + "</svg>"
    }

    /// Reference and current share of each bin, side by side.
    static func drift(_ feature: ResponsibleAI.DriftFeature) -> String {
        let count = min(feature.baseline.count, feature.current.count)
        let baseTotal = max(feature.baseline.reduce(0, +), 1e-12), currentTotal = max(feature.current.reduce(0, +), 1e-12)
        let reference = feature.baseline.prefix(count).map { $0 / baseTotal }
        let current = feature.current.prefix(count).map { $0 / currentTotal }
        let maximum = max((reference + current).max() ?? 1, 1e-12)
        let groupWidth = 56, barWidth = 22, chartHeight = 140, left = 10, top = 10, bottom = 34
        let width = left * 2 + max(1, count) * groupWidth
        let height = top + chartHeight + bottom
        let title = "Drift of \(feature.name): reference (baseline) and current share per bin"
        var svg = "<svg class=\"chart\" role=\"img\" aria-label=\"\(HTMLText.attribute(title))\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<title>\(HTMLText.text(title))</title>"
        for bin in 0..<count {
            let x = left + bin * groupWidth
            let range = binLabel(feature.bins, bin)
            for (series, shares, offset) in [("reference", reference, 4), ("current", current, 4 + barWidth)] {
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
