/// Encodes `Encodable` values as pretty-printed JSON with sorted keys and unescaped
/// slashes — the layout of Foundation's `JSONEncoder` with `[.prettyPrinted, .sortedKeys,
/// .withoutEscapingSlashes]` — without its per-value boxing.
///
/// The machine reports of a large repository run to hundreds of megabytes; the benchmark
/// profile showed Foundation's encoder taking a third of a full check (docs/performance.md).
/// Values are first encoded into a small tree, then written once into a byte buffer.
/// Keys are sorted by their Unicode scalars; numbers are written as Swift prints them
/// (`2.0` as `2`); non-finite numbers are refused, as `JSONEncoder` refuses them.
enum PrettyJSONEncoder {
    struct InvalidValue: Error, CustomStringConvertible {
        var description: String
    }

    static func encode<T: Encodable>(_ value: T) throws -> String {
        let root = try TreeEncoder.node(for: value, at: [])
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16)
        write(root, depth: 0, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: - Tree

    indirect enum Node {
        case null
        case bool(Bool)
        /// A number as JSON text.
        case number(String)
        case string(String)
        case array(ArrayStorage)
        case object(ObjectStorage)
    }

    /// Containers are references so nested containers can be filled after they are attached.
    final class ArrayStorage {
        var items: [Node] = []
    }

    final class ObjectStorage {
        var fields: [String: Node] = [:]
    }

    // MARK: - Writing

    static func write(_ node: Node, depth: Int, into out: inout [UInt8]) {
        switch node {
        case .null: out += "null".utf8
        case .bool(let b): out += (b ? "true" : "false").utf8
        case .number(let text): out += text.utf8
        case .string(let s): writeString(s, into: &out)
        case .array(let storage):
            out.append(UInt8(ascii: "["))
            out.append(UInt8(ascii: "\n"))
            for (index, item) in storage.items.enumerated() {
                if index > 0 { out += ",\n".utf8 }
                indent(depth + 1, into: &out)
                write(item, depth: depth + 1, into: &out)
            }
            out.append(UInt8(ascii: "\n"))
            indent(depth, into: &out)
            out.append(UInt8(ascii: "]"))
        case .object(let storage):
            out.append(UInt8(ascii: "{"))
            out.append(UInt8(ascii: "\n"))
            for (index, key) in storage.fields.keys.sorted().enumerated() {
                if index > 0 { out += ",\n".utf8 }
                indent(depth + 1, into: &out)
                writeString(key, into: &out)
                out += " : ".utf8
                write(storage.fields[key]!, depth: depth + 1, into: &out)
            }
            out.append(UInt8(ascii: "\n"))
            indent(depth, into: &out)
            out.append(UInt8(ascii: "}"))
        }
    }

    static func indent(_ depth: Int, into out: inout [UInt8]) {
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: depth * 2))
    }

    static func writeString(_ string: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += "\\\"".utf8
            case UInt8(ascii: "\\"): out += "\\\\".utf8
            case 0x0A: out += "\\n".utf8
            case 0x0D: out += "\\r".utf8
            case 0x09: out += "\\t".utf8
            case 0x08: out += "\\b".utf8
            case 0x0C: out += "\\f".utf8
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

    static func number(_ value: Double, at path: [any CodingKey]) throws -> Node {
        guard value.isFinite else {
            throw InvalidValue(description: "\(value) at \(path.map(\.stringValue).joined(separator: ".")) is not a JSON number")
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return .number(text)
    }

    // MARK: - Encoder

    final class TreeEncoder: Encoder {
        let codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }
        /// Receives the node once the value's shape is known.
        let sink: (Node) -> Void

        init(codingPath: [any CodingKey], sink: @escaping (Node) -> Void) {
            self.codingPath = codingPath
            self.sink = sink
        }

        static func node<T: Encodable>(for value: T, at path: [any CodingKey]) throws -> Node {
            switch value {
            case let string as String: return .string(string)
            case let int as Int: return .number(String(int))
            case let bool as Bool: return .bool(bool)
            case let double as Double: return try PrettyJSONEncoder.number(double, at: path)
            default:
                var result: Node = .object(ObjectStorage())  // an encode(to:) that encodes nothing: {}
                try value.encode(to: TreeEncoder(codingPath: path) { result = $0 })
                return result
            }
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            let storage = ObjectStorage()
            sink(.object(storage))
            return KeyedEncodingContainer(KeyedContainer<Key>(storage: storage, codingPath: codingPath))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            let storage = ArrayStorage()
            sink(.array(storage))
            return UnkeyedContainer(storage: storage, codingPath: codingPath)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer {
            SingleValueContainer(encoder: self)
        }
    }

    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let storage: ObjectStorage
        let codingPath: [any CodingKey]

        mutating func encodeNil(forKey key: Key) throws { storage.fields[key.stringValue] = .null }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            storage.fields[key.stringValue] = try TreeEncoder.node(for: value, at: codingPath + [key])
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type,
                                                           forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let nested = ObjectStorage()
            storage.fields[key.stringValue] = .object(nested)
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(storage: nested, codingPath: codingPath + [key]))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let nested = ArrayStorage()
            storage.fields[key.stringValue] = .array(nested)
            return UnkeyedContainer(storage: nested, codingPath: codingPath + [key])
        }

        mutating func superEncoder() -> any Encoder {
            superEncoder(named: "super")
        }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            superEncoder(named: key.stringValue)
        }

        private func superEncoder(named name: String) -> any Encoder {
            let storage = self.storage
            return TreeEncoder(codingPath: codingPath) { storage.fields[name] = $0 }
        }
    }

    struct UnkeyedContainer: UnkeyedEncodingContainer {
        let storage: ArrayStorage
        let codingPath: [any CodingKey]
        var count: Int { storage.items.count }

        mutating func encodeNil() throws { storage.items.append(.null) }

        mutating func encode<T: Encodable>(_ value: T) throws {
            storage.items.append(try TreeEncoder.node(for: value, at: codingPath))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let nested = ObjectStorage()
            storage.items.append(.object(nested))
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(storage: nested, codingPath: codingPath))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let nested = ArrayStorage()
            storage.items.append(.array(nested))
            return UnkeyedContainer(storage: nested, codingPath: codingPath)
        }

        mutating func superEncoder() -> any Encoder {
            let storage = self.storage
            let index = storage.items.count
            storage.items.append(.null)
            return TreeEncoder(codingPath: codingPath) { storage.items[index] = $0 }
        }
    }

    struct SingleValueContainer: SingleValueEncodingContainer {
        let encoder: TreeEncoder
        var codingPath: [any CodingKey] { encoder.codingPath }

        mutating func encodeNil() throws { encoder.sink(.null) }
        mutating func encode(_ value: Bool) throws { encoder.sink(.bool(value)) }
        mutating func encode(_ value: String) throws { encoder.sink(.string(value)) }
        mutating func encode(_ value: Double) throws { encoder.sink(try PrettyJSONEncoder.number(value, at: codingPath)) }
        mutating func encode(_ value: Float) throws { encoder.sink(try PrettyJSONEncoder.number(Double(value), at: codingPath)) }
        mutating func encode(_ value: Int) throws { encoder.sink(.number(String(value))) }
        mutating func encode(_ value: Int8) throws { encoder.sink(.number(String(value))) }
        mutating func encode(_ value: Int16) throws { encoder.sink(.number(String(value))) }
        mutating func encode(_ value: Int32) throws { encoder.sink(.number(String(value))) }
        mutating func encode(_ value: Int64) throws { encoder.sink(.number(String(value))) }
        mutating func encode(_ value: UInt) throws { encoder.sink(.number(String(value))) }
        mutating func encode(_ value: UInt8) throws { encoder.sink(.number(String(value))) }
        mutating func encode(_ value: UInt16) throws { encoder.sink(.number(String(value))) }
        mutating func encode(_ value: UInt32) throws { encoder.sink(.number(String(value))) }
        mutating func encode(_ value: UInt64) throws { encoder.sink(.number(String(value))) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            encoder.sink(try TreeEncoder.node(for: value, at: codingPath))
        }
    }
}
