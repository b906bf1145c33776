import Documents

/// A JSON value written in canonical form (keys sorted by code point, no insignificant
/// whitespace; `CanonicalJSON`'s string escaping): the in-toto statement Tollgate signs, so
/// that the same revision attests byte-identically.
public indirect enum AttestationJSON: Sendable, Hashable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case array([AttestationJSON])
    case object([String: AttestationJSON])

    public var canonical: String {
        var out: [UInt8] = []
        write(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    func write(to out: inout [UInt8]) {
        switch self {
        case .string(let text): CanonicalJSON.writeString(text, to: &out)
        case .int(let value): out += String(value).utf8
        case .bool(let value): out += (value ? "true" : "false").utf8
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                item.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (index, key) in keys.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                CanonicalJSON.writeString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                members[key]?.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}
