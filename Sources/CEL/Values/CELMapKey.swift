/// A key of a CEL map: an int, uint, bool or string.
///
/// Numeric keys are equal when their values are, whatever their type, as CEL's map lookup
/// requires (`{1: 'a'}[1u]` finds the entry, and `{0: 1, 0u: 2}` repeats a key); strings are
/// equal when their code points are (no Unicode normalisation).
public enum CELMapKey: Sendable, CustomStringConvertible {
    case int(Int64)
    case uint(UInt64)
    case bool(Bool)
    case string(String)

    /// The key of a value, or nil for a value that cannot be a map key (double, null, …).
    public init?(_ value: CELValue) {
        switch value {
        case .int(let v): self = .int(v)
        case .uint(let v): self = .uint(v)
        case .bool(let v): self = .bool(v)
        case .string(let v): self = .string(v)
        default: return nil
        }
    }

    /// The key as a value.
    public var value: CELValue {
        switch self {
        case .int(let v): return .int(v)
        case .uint(let v): return .uint(v)
        case .bool(let v): return .bool(v)
        case .string(let v): return .string(v)
        }
    }

    public var description: String { value.description }
}

extension CELMapKey: Hashable {
    public static func == (lhs: CELMapKey, rhs: CELMapKey) -> Bool {
        switch (lhs, rhs) {
        case (.int(let a), .int(let b)): return a == b
        case (.uint(let a), .uint(let b)): return a == b
        case (.int(let a), .uint(let b)), (.uint(let b), .int(let a)): return a >= 0 && UInt64(a) == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.string(let a), .string(let b)): return a.utf8.elementsEqual(b.utf8)
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .int(let v) where v >= 0: hasher.combine(0); hasher.combine(UInt64(v))
        case .int(let v): hasher.combine(1); hasher.combine(v)
        case .uint(let v): hasher.combine(0); hasher.combine(v)
        case .bool(let v): hasher.combine(2); hasher.combine(v)
        case .string(let v): hasher.combine(3); hasher.combine(v.utf8.count); for byte in v.utf8 { hasher.combine(byte) }
        }
    }
}

extension CELMapKey: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}
