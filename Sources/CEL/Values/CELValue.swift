/// A CEL value: the inputs bound to variables, the result of evaluation, and the arguments
/// and results of custom functions.
///
/// Swift equality (`==`, `Hashable`) is structural, for tests and dictionaries: `.int(1)` and
/// `.uint(1)` differ, strings compare code point by code point (no Unicode normalisation,
/// as in CEL), doubles as IEEE values except that NaN equals NaN. CEL's own `==` (where
/// `1 == 1u == 1.0`) is the evaluator's.
public enum CELValue: Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case bytes([UInt8])
    case list([CELValue])
    /// Keys are int, uint, bool or string; insertion order is kept.
    case map(CELMap)
    /// A type as a value: `type(1)` is `.type("int")`. Names: `null_type`, `bool`, `int`,
    /// `uint`, `double`, `string`, `bytes`, `list`, `map`, `type`,
    /// `google.protobuf.Duration`, `google.protobuf.Timestamp`.
    case type(String)
    case duration(CELDuration)
    case timestamp(CELTimestamp)

    /// The CEL type name of the value, as `type()` returns it.
    public var typeName: String {
        switch self {
        case .null: return "null_type"
        case .bool: return "bool"
        case .int: return "int"
        case .uint: return "uint"
        case .double: return "double"
        case .string: return "string"
        case .bytes: return "bytes"
        case .list: return "list"
        case .map: return "map"
        case .type: return "type"
        case .duration: return CELDuration.typeName
        case .timestamp: return CELTimestamp.typeName
        }
    }

    /// The names of the types that exist as values (`int`, `list`, …), which an identifier
    /// evaluates to when no variable of that name is bound.
    static let typeNames: Set<String> = [
        "null_type", "bool", "int", "uint", "double", "string", "bytes", "list", "map", "type",
        CELDuration.typeName, CELTimestamp.typeName,
    ]
}

extension CELValue: Hashable {
    public static func == (lhs: CELValue, rhs: CELValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.uint(let a), .uint(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b || (a.isNaN && b.isNaN)
        case (.string(let a), .string(let b)): return a.utf8.elementsEqual(b.utf8)
        case (.bytes(let a), .bytes(let b)): return a == b
        case (.list(let a), .list(let b)): return a == b
        case (.map(let a), .map(let b)): return a == b
        case (.type(let a), .type(let b)): return a == b
        case (.duration(let a), .duration(let b)): return a == b
        case (.timestamp(let a), .timestamp(let b)): return a == b
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let value): hasher.combine(1); hasher.combine(value)
        case .int(let value): hasher.combine(2); hasher.combine(value)
        case .uint(let value): hasher.combine(3); hasher.combine(value)
        case .double(let value): hasher.combine(4); hasher.combine(value.isNaN ? .nan : value)
        case .string(let value): hasher.combine(5); hasher.combine(value.utf8.count); for byte in value.utf8 { hasher.combine(byte) }
        case .bytes(let value): hasher.combine(6); hasher.combine(value)
        case .list(let value): hasher.combine(7); hasher.combine(value)
        case .map(let value): hasher.combine(8); hasher.combine(value)
        case .type(let value): hasher.combine(9); hasher.combine(value)
        case .duration(let value): hasher.combine(10); hasher.combine(value)
        case .timestamp(let value): hasher.combine(11); hasher.combine(value)
        }
    }
}

extension CELValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: CELValue...) { self = .list(elements) }
    /// A map literal in Swift; a repeated key keeps the last value.
    public init(dictionaryLiteral elements: (CELMapKey, CELValue)...) {
        var map = CELMap()
        for (key, value) in elements { map[key] = value }
        self = .map(map)
    }
}

extension CELValue: CustomStringConvertible {
    /// The value written as a CEL literal where one exists (`[1, 2u, "s"]`), for messages.
    public var description: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .int(let value): return String(value)
        case .uint(let value): return "\(value)u"
        case .double(let value): return CELFormatting.double(value)
        case .string(let value): return CELFormatting.quoted(value)
        case .bytes(let value): return "b" + CELFormatting.quoted(String(decoding: value, as: UTF8.self))
        case .list(let elements): return "[" + elements.map(\.description).joined(separator: ", ") + "]"
        case .map(let map):
            return "{" + map.map { "\($0.key.value.description): \($0.value.description)" }.joined(separator: ", ") + "}"
        case .type(let name): return name
        case .duration(let value): return "duration(\"\(value)\")"
        case .timestamp(let value): return "timestamp(\"\(value)\")"
        }
    }
}
