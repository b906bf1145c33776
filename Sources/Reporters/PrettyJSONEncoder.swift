/// Encodes `Encodable` values as pretty-printed JSON with sorted keys and unescaped
/// slashes — the layout of Foundation's `JSONEncoder` with `[.prettyPrinted, .sortedKeys,
/// .withoutEscapingSlashes]` — without its per-value boxing.
///
/// The machine reports of a large repository run to hundreds of megabytes; the benchmark
/// profile showed Foundation's encoder taking a third of a full check (docs/performance.md).
/// Each value is written to bytes as soon as its `encode(to:)` returns; only the fields of
/// the objects still open are held, so sorting keys costs one copy per level, not a tree of
/// the whole report.
/// Keys are sorted by their Unicode scalars; numbers are written as Swift prints them
/// (`2.0` as `2`); non-finite numbers are refused, as `JSONEncoder` refuses them.
enum PrettyJSONEncoder {
    struct InvalidValue: Error, CustomStringConvertible {
        var description: String
    }

    static func encode<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try TreeEncoder.bytes(for: value, depth: 0, at: []), as: UTF8.self)
    }

    // MARK: - Open containers

    /// A value being encoded: written bytes, or a container whose fields may still change.
    enum Node {
        case bytes([UInt8])
        case array(ArrayStorage)
        case object(ObjectStorage)

        /// The value's JSON at `depth`, containers closed.
        func finish(depth: Int) -> [UInt8] {
            switch self {
            case .bytes(let bytes): return bytes
            case .array(let storage): return storage.finish(depth: depth)
            case .object(let storage): return storage.finish(depth: depth)
            }
        }
    }

    /// Containers are references so nested containers can be filled after they are attached.
    final class ArrayStorage {
        var items: [Node] = []

        func finish(depth: Int) -> [UInt8] {
            var out: [UInt8] = [UInt8(ascii: "["), UInt8(ascii: "\n")]
            for (index, item) in items.enumerated() {
                if index > 0 { out += ",\n".utf8 }
                indent(depth + 1, into: &out)
                out += item.finish(depth: depth + 1)
            }
            out.append(UInt8(ascii: "\n"))
            indent(depth, into: &out)
            out.append(UInt8(ascii: "]"))
            return out
        }
    }

    final class ObjectStorage {
        var fields: [String: Node] = [:]

        func finish(depth: Int) -> [UInt8] {
            var out: [UInt8] = [UInt8(ascii: "{"), UInt8(ascii: "\n")]
            for (index, key) in fields.keys.sorted().enumerated() {
                if index > 0 { out += ",\n".utf8 }
                indent(depth + 1, into: &out)
                writeString(key, into: &out)
                out += " : ".utf8
                out += fields[key]!.finish(depth: depth + 1)
            }
            out.append(UInt8(ascii: "\n"))
            indent(depth, into: &out)
            out.append(UInt8(ascii: "}"))
            return out
        }
    }

    // MARK: - Writing

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

    static func number(_ value: Double, at path: [any CodingKey]) throws -> [UInt8] {
        guard value.isFinite else {
            throw InvalidValue(description: "\(value) at \(path.map(\.stringValue).joined(separator: ".")) is not a JSON number")
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return Array(text.utf8)
    }

    // MARK: - Encoder

    static func string(_ value: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count + 2)
        writeString(value, into: &out)
        return out
    }

    final class TreeEncoder: Encoder {
        let codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }
        /// The nesting depth of the value, for indentation.
        let depth: Int
        /// Receives the node once the value's shape is known.
        let sink: (Node) -> Void

        init(codingPath: [any CodingKey], depth: Int, sink: @escaping (Node) -> Void) {
            self.codingPath = codingPath
            self.depth = depth
            self.sink = sink
        }

        /// Encodes `value` and writes it out: its `encode(to:)` has returned, so it is complete.
        static func bytes<T: Encodable>(for value: T, depth: Int, at path: [any CodingKey]) throws -> [UInt8] {
            switch value {
            case let string as String: return PrettyJSONEncoder.string(string)
            case let int as Int: return Array(String(int).utf8)
            case let bool as Bool: return Array((bool ? "true" : "false").utf8)
            case let double as Double: return try PrettyJSONEncoder.number(double, at: path)
            default:
                var result: Node = .object(ObjectStorage())  // an encode(to:) that encodes nothing: {}
                try value.encode(to: TreeEncoder(codingPath: path, depth: depth) { result = $0 })
                return result.finish(depth: depth)
            }
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            let storage = ObjectStorage()
            sink(.object(storage))
            return KeyedEncodingContainer(KeyedContainer<Key>(storage: storage, codingPath: codingPath, depth: depth))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            let storage = ArrayStorage()
            sink(.array(storage))
            return UnkeyedContainer(storage: storage, codingPath: codingPath, depth: depth)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer {
            SingleValueContainer(encoder: self)
        }
    }

    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let storage: ObjectStorage
        let codingPath: [any CodingKey]
        /// The depth of the object; its fields are one deeper.
        let depth: Int

        mutating func encodeNil(forKey key: Key) throws { storage.fields[key.stringValue] = .bytes(Array("null".utf8)) }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            storage.fields[key.stringValue] = .bytes(try TreeEncoder.bytes(for: value, depth: depth + 1, at: codingPath + [key]))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type,
                                                           forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let nested = ObjectStorage()
            storage.fields[key.stringValue] = .object(nested)
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(storage: nested, codingPath: codingPath + [key], depth: depth + 1))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let nested = ArrayStorage()
            storage.fields[key.stringValue] = .array(nested)
            return UnkeyedContainer(storage: nested, codingPath: codingPath + [key], depth: depth + 1)
        }

        mutating func superEncoder() -> any Encoder {
            superEncoder(named: "super")
        }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            superEncoder(named: key.stringValue)
        }

        private func superEncoder(named name: String) -> any Encoder {
            let storage = self.storage
            return TreeEncoder(codingPath: codingPath, depth: depth + 1) { storage.fields[name] = $0 }
        }
    }

    struct UnkeyedContainer: UnkeyedEncodingContainer {
        let storage: ArrayStorage
        let codingPath: [any CodingKey]
        let depth: Int
        var count: Int { storage.items.count }

        mutating func encodeNil() throws { storage.items.append(.bytes(Array("null".utf8))) }

        mutating func encode<T: Encodable>(_ value: T) throws {
            storage.items.append(.bytes(try TreeEncoder.bytes(for: value, depth: depth + 1, at: codingPath)))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let nested = ObjectStorage()
            storage.items.append(.object(nested))
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(storage: nested, codingPath: codingPath, depth: depth + 1))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let nested = ArrayStorage()
            storage.items.append(.array(nested))
            return UnkeyedContainer(storage: nested, codingPath: codingPath, depth: depth + 1)
        }

        mutating func superEncoder() -> any Encoder {
            let storage = self.storage
            let index = storage.items.count
            storage.items.append(.bytes(Array("null".utf8)))
            return TreeEncoder(codingPath: codingPath, depth: depth + 1) { storage.items[index] = $0 }
        }
    }

    struct SingleValueContainer: SingleValueEncodingContainer {
        let encoder: TreeEncoder
        var codingPath: [any CodingKey] { encoder.codingPath }

        private func put(_ text: String) { encoder.sink(.bytes(Array(text.utf8))) }

        mutating func encodeNil() throws { put("null") }
        mutating func encode(_ value: Bool) throws { put(value ? "true" : "false") }
        mutating func encode(_ value: String) throws { encoder.sink(.bytes(PrettyJSONEncoder.string(value))) }
        mutating func encode(_ value: Double) throws { encoder.sink(.bytes(try PrettyJSONEncoder.number(value, at: codingPath))) }
        mutating func encode(_ value: Float) throws { encoder.sink(.bytes(try PrettyJSONEncoder.number(Double(value), at: codingPath))) }
        mutating func encode(_ value: Int) throws { put(String(value)) }
        mutating func encode(_ value: Int8) throws { put(String(value)) }
        mutating func encode(_ value: Int16) throws { put(String(value)) }
        mutating func encode(_ value: Int32) throws { put(String(value)) }
        mutating func encode(_ value: Int64) throws { put(String(value)) }
        mutating func encode(_ value: UInt) throws { put(String(value)) }
        mutating func encode(_ value: UInt8) throws { put(String(value)) }
        mutating func encode(_ value: UInt16) throws { put(String(value)) }
        mutating func encode(_ value: UInt32) throws { put(String(value)) }
        mutating func encode(_ value: UInt64) throws { put(String(value)) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            encoder.sink(.bytes(try TreeEncoder.bytes(for: value, depth: encoder.depth, at: codingPath)))
        }
    }
}
