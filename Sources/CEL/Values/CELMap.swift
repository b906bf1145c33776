/// A CEL map: entries in insertion order, looked up by key.
///
/// Equality ignores order, as CEL's does (`{'a': 1, 'b': 2} == {'b': 2, 'a': 1}`).
public struct CELMap: Sendable, Hashable, Sequence {
    private var order: [CELMapKey] = []
    private var storage: [CELMapKey: CELValue] = [:]

    public init() {}

    /// A map of `entries`; a repeated key keeps its first position and its last value.
    public init(_ entries: some Sequence<(key: CELMapKey, value: CELValue)>) {
        for (key, value) in entries { self[key] = value }
    }

    /// A map of `entries`, nil if a key repeats.
    init?(uniqueEntries entries: [(key: CELMapKey, value: CELValue)]) {
        for (key, value) in entries {
            guard storage.updateValue(value, forKey: key) == nil else { return nil }
            order.append(key)
        }
    }

    /// The value for `key` (numeric keys match across int and uint); setting a new key
    /// appends it, setting an existing one keeps its position.
    public subscript(key: CELMapKey) -> CELValue? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { order.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                order.removeAll { $0 == key }
            }
        }
    }

    /// The value for a `String` key.
    public subscript(key: String) -> CELValue? { self[.string(key)] }

    public var count: Int { order.count }
    public var isEmpty: Bool { order.isEmpty }

    /// The keys in insertion order.
    public var keys: [CELMapKey] { order }

    /// The entries in insertion order.
    public var entries: [(key: CELMapKey, value: CELValue)] {
        order.map { ($0, storage[$0] ?? .null) }
    }

    public func makeIterator() -> some IteratorProtocol<(key: CELMapKey, value: CELValue)> {
        entries.makeIterator()
    }

    public static func == (lhs: CELMap, rhs: CELMap) -> Bool { lhs.storage == rhs.storage }

    public func hash(into hasher: inout Hasher) { hasher.combine(storage) }
}

extension CELMap: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (CELMapKey, CELValue)...) {
        for (key, value) in elements { self[key] = value }
    }
}
