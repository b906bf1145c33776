import Documents

/// How observed values and bounds read in messages.
public enum ValueFormatting {
    /// `28.7`, `25`, `0.012`: integral numbers without a fraction, others in shortest form.
    public static func number(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return "\(d)"
    }

    /// A number with its unit: `28.7 ms`, `12%`.
    public static func quantity(_ d: Double, unit: String?) -> String {
        guard let unit, !unit.isEmpty else { return number(d) }
        return unit == "%" ? "\(number(d))%" : "\(number(d)) \(unit)"
    }

    /// A scalar as written, or a short description of a collection.
    public static func value(_ value: YAMLValue) -> String {
        switch value.kind {
        case .int(let i): return String(i)
        case .double(let d): return number(d)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .string(let s): return "'\(s)'"
        case .list(let items): return "a list of \(items.count)"
        case .map: return "a mapping"
        }
    }

    /// A human name for a value path: the last key, with well-known metric names spelt out.
    public static func label(forPath path: String) -> String {
        let last = YAMLValue.pathComponents(path).last ?? path
        return knownLabels[last] ?? path
    }

    static let knownLabels = [
        "p50Ms": "p50 latency", "p95Ms": "p95 latency", "p99Ms": "p99 latency",
        "errorRate": "error rate", "availability": "availability", "sizeMB": "model size",
        "accuracy": "accuracy", "auc": "AUC", "f1": "F1", "precision": "precision", "recall": "recall",
        "seed": "seed",
    ]
}
