import Foundation
import Documents
import Policy

/// How observed values and bounds read for people in a report: latencies in ms, error rate
/// and availability as percents, burn rates as multiples (`0.6×`), other numbers as written.
public enum Quantity {
    /// The display unit of a value at `path` read by a check (`run.spec.serving.p95Ms` → `ms`).
    public static func unit(forPath path: String, check: String?, declared: String? = nil) -> String? {
        if check == "burnRate" { return "×" }
        if let declared, !declared.isEmpty { return declared }
        let last = YAMLValue.pathComponents(path).last ?? path
        if last.hasSuffix("Ms") { return "ms" }
        if percentKeys.contains(last) { return "%" }
        if last == "sizeMB" { return "MB" }
        return nil
    }

    static let percentKeys: Set<String> = ["errorRate", "availability", "rollbackErrorRate"]

    /// A number in `unit`: `28.7 ms`, `1.2 %` (from the share 0.012), `0.6×`.
    public static func text(_ value: Double, unit: String?) -> String {
        switch unit {
        case "%": return "\(figure(value * 100)) %"
        case "×": return "\(figure(value))×"
        case nil, "": return figure(value)
        case let unit?: return "\(figure(value)) \(unit)"
        }
    }

    /// A value as read, in `unit` when it is a number.
    public static func text(_ value: YAMLValue, unit: String?) -> String {
        if let number = value.number { return text(number, unit: unit) }
        return ValueFormatting.value(value)
    }

    /// Up to six significant digits, without a trailing fraction of zeros: `0.035`, not
    /// `0.035000000000000031`.
    public static func figure(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "∞" : "−∞") }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        var text = String(describing: Double(String(format: "%.6g", value)) ?? value)
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }
}
