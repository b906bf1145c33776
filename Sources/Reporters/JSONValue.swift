import Documents

/// A JSON value for evidence: what a rule read, in JSON's own types.
enum JSONValue: Codable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    init(_ value: YAMLValue) {
        switch value.kind {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .double(let d): self = d.isFinite ? .double(d) : .string(value.text ?? "\(d)")
        case .string(let s): self = .string(s)
        case .list(let items): self = .array(items.map(JSONValue.init))
        case .map(let map): self = .object(map.entries.map { ($0.key, JSONValue($0.value)) })
        }
    }

    /// A value as a report holds it: an integer when the number is one (the writer prints a
    /// whole double without `.0`, so both read back as the bytes they were written as).
    init(from decoder: Decoder) throws {
        if var items = try? decoder.unkeyedContainer() {
            var values: [JSONValue] = []
            while !items.isAtEnd { values.append(try items.decode(JSONValue.self)) }
            self = .array(values)
        } else if let object = try? decoder.container(keyedBy: DynamicKey.self) {
            self = .object(try object.allKeys.map { ($0.stringValue, try object.decode(JSONValue.self, forKey: $0)) }
                .sorted { $0.0 < $1.0 })
        } else {
            let value = try decoder.singleValueContainer()
            if value.decodeNil() {
                self = .null
            } else if let bool = try? value.decode(Bool.self) {
                self = .bool(bool)
            } else if let int = try? value.decode(Int.self) {
                self = .int(int)
            } else if let double = try? value.decode(Double.self) {
                self = .double(double)
            } else {
                self = .string(try value.decode(String.self))
            }
        }
    }

    /// The value as evidence holds it, every node at `location`.
    func yamlValue(at location: SourceLocation) -> YAMLValue {
        switch self {
        case .null: return YAMLValue(.null, at: location)
        case .bool(let b): return YAMLValue(.bool(b), at: location)
        case .int(let i): return YAMLValue(.int(i), at: location)
        case .double(let d): return YAMLValue(.double(d), at: location)
        case .string(let s): return YAMLValue(.string(s), at: location, text: s)
        case .array(let items): return YAMLValue(.list(items.map { $0.yamlValue(at: location) }), at: location)
        case .object(let pairs):
            return YAMLValue(.map(YAMLMap(pairs.map { YAMLMap.Entry(key: $0.0, keyLocation: location, value: $0.1.yamlValue(at: location)) })),
                             at: location)
        }
    }

    func encode(to encoder: Encoder) throws {
        switch self {
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let b):
            var container = encoder.singleValueContainer()
            try container.encode(b)
        case .int(let i):
            var container = encoder.singleValueContainer()
            try container.encode(i)
        case .double(let d):
            var container = encoder.singleValueContainer()
            try container.encode(d)
        case .string(let s):
            var container = encoder.singleValueContainer()
            try container.encode(s)
        case .array(let items):
            var container = encoder.unkeyedContainer()
            for item in items { try container.encode(item) }
        case .object(let pairs):
            var container = encoder.container(keyedBy: DynamicKey.self)
            for (key, value) in pairs { try container.encode(value, forKey: DynamicKey(key)) }
        }
    }

    struct DynamicKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { return nil }
    }
}
