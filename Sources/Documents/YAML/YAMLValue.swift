/// A YAML node as Tollgate sees it: a value that remembers where it was written.
///
/// Scalars are resolved with the YAML 1.2 core schema (`yes`, `no`, `on`, `off` stay
/// strings) and keep their source text, so a field the schema calls text can take the
/// scalar as written (`version: 1.10` is "1.10", not 1.1).
public struct YAMLValue: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case null
        case bool(Bool)
        case int(Int)
        case double(Double)
        case string(String)
        case list([YAMLValue])
        case map(YAMLMap)
    }

    /// How a scalar was written. Only plain scalars are resolved to null, bool and numbers.
    public enum ScalarStyle: Hashable, Sendable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    public var kind: Kind
    /// Where the node starts (for a mapping or sequence: its first key or item, or its
    /// opening bracket in flow style).
    public var location: SourceLocation
    /// For scalars: the scalar's content as written, after YAML unquoting/folding but
    /// before type resolution. `nil` for mappings and sequences.
    public var text: String?
    /// For scalars: how it was written. `nil` for mappings and sequences.
    public var style: ScalarStyle?

    public init(_ kind: Kind, at location: SourceLocation, text: String? = nil, style: ScalarStyle? = nil) {
        self.kind = kind
        self.location = location
        self.text = text
        self.style = style
    }
}

/// A YAML mapping with string keys, in source order. Each key keeps its own location
/// so an unknown-key finding can point at the key rather than the value.
public struct YAMLMap: Hashable, Sendable {
    public struct Entry: Hashable, Sendable {
        public var key: String
        public var keyLocation: SourceLocation
        public var value: YAMLValue

        public init(key: String, keyLocation: SourceLocation, value: YAMLValue) {
            self.key = key
            self.keyLocation = keyLocation
            self.value = value
        }
    }

    public var entries: [Entry]

    public init(_ entries: [Entry] = []) {
        self.entries = entries
    }

    public subscript(key: String) -> YAMLValue? {
        entries.first(where: { $0.key == key })?.value
    }

    public func entry(_ key: String) -> Entry? {
        entries.first(where: { $0.key == key })
    }

    public var keys: [String] { entries.map(\.key) }
}

extension YAMLValue {
    public var map: YAMLMap? {
        if case .map(let m) = kind { return m }
        return nil
    }

    public var list: [YAMLValue]? {
        if case .list(let l) = kind { return l }
        return nil
    }

    /// The value as a string when it is a scalar string (quoted or plain text).
    public var string: String? {
        if case .string(let s) = kind { return s }
        return nil
    }

    /// A number, int or double, as a Double.
    public var number: Double? {
        switch kind {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    public var bool: Bool? {
        if case .bool(let b) = kind { return b }
        return nil
    }

    public var isNull: Bool {
        if case .null = kind { return true }
        return false
    }

    public var isScalar: Bool {
        switch kind {
        case .list, .map: return false
        default: return true
        }
    }

    /// The field on a mapping, or `nil`.
    public subscript(key: String) -> YAMLValue? { map?[key] }

    /// A short name of the value's type for messages ("a string", "a mapping").
    public var typeDescription: String {
        switch kind {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int: return "an integer"
        case .double: return "a number"
        case .string: return "a string"
        case .list: return "a list"
        case .map: return "a mapping"
        }
    }
}
