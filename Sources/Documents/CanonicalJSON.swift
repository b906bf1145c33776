/// Canonical JSON of a value tree: keys sorted by Unicode code points, no insignificant
/// whitespace, integral numbers without a fraction, other numbers in their shortest
/// round-trip form. Formatting and comments in the YAML do not change it; content does.
public enum CanonicalJSON {
    public static func encode(_ value: YAMLValue) -> String {
        var out = ""
        write(value, to: &out)
        return out
    }

    static func write(_ value: YAMLValue, to out: inout String) {
        switch value.kind {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += number(d)
        case .string(let s): writeString(s, to: &out)
        case .list(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                write(item, to: &out)
            }
            out += "]"
        case .map(let map):
            out += "{"
            let sorted = map.entries.sorted { Array($0.key.unicodeScalars.map(\.value)).lexicographicallyPrecedes($1.key.unicodeScalars.map(\.value)) }
            for (index, entry) in sorted.enumerated() {
                if index > 0 { out += "," }
                writeString(entry.key, to: &out)
                out += ":"
                write(entry.value, to: &out)
            }
            out += "}"
        }
    }

    /// Integral values print as integers (`25.0` and `25` are the same content).
    /// Infinities and NaN, which JSON lacks, print as the strings YAML spells them with.
    public static func number(_ d: Double) -> String {
        if d.isNaN { return "\".nan\"" }
        if d.isInfinite { return d < 0 ? "\"-.inf\"" : "\".inf\"" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return "\(d)"
    }

    public static func writeString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
