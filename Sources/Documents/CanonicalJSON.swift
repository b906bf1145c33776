/// Canonical JSON of a value tree: keys sorted by Unicode code points, no insignificant
/// whitespace, integral numbers without a fraction, other numbers in their shortest
/// round-trip form. Formatting and comments in the YAML do not change it; content does.
public enum CanonicalJSON {
    public static func encode(_ value: YAMLValue) -> String {
        var out: [UInt8] = []
        write(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the canonical JSON of `value` as UTF-8. Written byte by byte: bundle digests
    /// are computed for every request of every check, so this is on the hot path.
    public static func write(_ value: YAMLValue, to out: inout [UInt8]) {
        switch value.kind {
        case .null: out += "null".utf8
        case .bool(let b): out += (b ? "true" : "false").utf8
        case .int(let i): out += String(i).utf8
        case .double(let d): out += number(d).utf8
        case .string(let s): writeString(s, to: &out)
        case .list(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(item, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .map(let map):
            out.append(UInt8(ascii: "{"))
            // UTF-8 byte order is Unicode code point order.
            let sorted = map.entries.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            for (index, entry) in sorted.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                writeString(entry.key, to: &out)
                out.append(UInt8(ascii: ":"))
                write(entry.value, to: &out)
            }
            out.append(UInt8(ascii: "}"))
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

    public static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += "\\\"".utf8
            case UInt8(ascii: "\\"): out += "\\\\".utf8
            case 0x0A: out += "\\n".utf8
            case 0x0D: out += "\\r".utf8
            case 0x09: out += "\\t".utf8
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += "\\u00".utf8
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// `s` as a JSON string literal (quoted and escaped), appended to a String.
    public static func writeString(_ s: String, to out: inout String) {
        var bytes: [UInt8] = []
        writeString(s, to: &bytes)
        out += String(decoding: bytes, as: UTF8.self)
    }
}
