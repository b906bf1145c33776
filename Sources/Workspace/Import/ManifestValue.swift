import Documents
import Foundation

/// A YAML value as `policy import` writes it: scalars carry the exact text they are written
/// with, mappings keep the order they are given (the import sorts what it owns), so the
/// output is a function of the values alone.
indirect enum ManifestValue: Equatable, Sendable {
    /// A scalar, as YAML text (already quoted where needed).
    case scalar(String)
    case map([Entry])
    case list([ManifestValue])

    struct Entry: Equatable, Sendable {
        var key: String
        var value: ManifestValue
        init(_ key: String, _ value: ManifestValue) {
            self.key = key
            self.value = value
        }
    }

    // MARK: Scalars

    static func string(_ text: String) -> ManifestValue { .scalar(YAMLText.string(text)) }
    static func int(_ value: Int) -> ManifestValue { .scalar(String(value)) }

    /// A number written as it came (`text` must be a JSON number: valid YAML 1.2 core too).
    static func number(text: String) -> ManifestValue { .scalar(text) }

    /// A Double in its shortest round-trip form (finite only); integral values as integers
    /// (`12`, not `12.0`: the same number to every rule and to the bundle digest).
    static func number(_ value: Double) -> ManifestValue {
        if value == value.rounded(), abs(value) < 1e15 { return .scalar(String(Int(value))) }
        return .scalar("\(value)")
    }

    /// A value read from an existing manifest, written back with the same meaning. Scalars
    /// that resolved to null, booleans and numbers keep their source text; strings are
    /// written plain when that reads back as the same string, else double-quoted.
    init(_ value: YAMLValue) {
        switch value.kind {
        case .map(let map):
            self = .map(map.entries.map { Entry($0.key, ManifestValue($0.value)) })
        case .list(let items):
            self = .list(items.map(ManifestValue.init))
        case .string(let text):
            self = .string(text)
        case .null, .bool, .int, .double:
            self = .scalar(value.text ?? "null")
        }
    }

    subscript(key: String) -> ManifestValue? {
        guard case .map(let entries) = self else { return nil }
        return entries.first { $0.key == key }?.value
    }

    /// Sets (or adds, at the end) a key of a mapping.
    mutating func set(_ key: String, _ value: ManifestValue) {
        guard case .map(var entries) = self else { return }
        if let index = entries.firstIndex(where: { $0.key == key }) {
            entries[index].value = value
        } else {
            entries.append(Entry(key, value))
        }
        self = .map(entries)
    }

    mutating func remove(_ key: String) {
        guard case .map(let entries) = self else { return }
        self = .map(entries.filter { $0.key != key })
    }

    var entries: [Entry] {
        if case .map(let entries) = self { return entries }
        return []
    }

    // MARK: Writing

    /// The value as the block YAML of `key: value` at `indent` spaces.
    func lines(key: String, indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        let writtenKey = YAMLText.key(key)
        switch self {
        case .scalar(let text):
            return ["\(pad)\(writtenKey): \(text)"]
        case .map(let entries) where entries.isEmpty:
            return ["\(pad)\(writtenKey): {}"]
        case .list(let items) where items.isEmpty:
            return ["\(pad)\(writtenKey): []"]
        case .map(let entries):
            return ["\(pad)\(writtenKey):"] + entries.flatMap { $0.value.lines(key: $0.key, indent: indent + 2) }
        case .list(let items):
            return ["\(pad)\(writtenKey):"] + items.flatMap { $0.itemLines(indent: indent + 2) }
        }
    }

    /// The value as one `- item` of a block sequence at `indent` spaces.
    private func itemLines(indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        switch self {
        case .scalar(let text):
            return ["\(pad)- \(text)"]
        case .map(let entries) where !entries.isEmpty:
            var lines = entries.flatMap { $0.value.lines(key: $0.key, indent: indent + 2) }
            lines[0] = pad + "- " + lines[0].dropFirst(indent + 2)
            return lines
        case .map:
            return ["\(pad)- {}"]
        case .list(let items) where items.isEmpty:
            return ["\(pad)- []"]
        case .list(let items):
            var lines = items.flatMap { $0.itemLines(indent: indent + 2) }
            lines[0] = pad + "- " + lines[0].dropFirst(indent + 2)
            return lines
        }
    }
}

/// How text is written as a YAML scalar so that Tollgate's reader (YAML 1.2 core schema)
/// reads back exactly that string.
enum YAMLText {
    static func string(_ text: String) -> String {
        isPlainSafe(text) ? text : quoted(text)
    }

    static func key(_ text: String) -> String {
        isPlainSafe(text) ? text : quoted(text)
    }

    /// Plain only for text made of letters, digits and `_ . / - @ +` that starts with a
    /// letter or `_` and that the core schema would not read as null, a boolean or a number.
    static func isPlainSafe(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first.isASCII,
              first.properties.isAlphabetic || first == "_" else { return false }
        let allowed = text.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                || "_./-@+".unicodeScalars.contains(scalar))
        }
        guard allowed else { return false }
        let reserved: Set<String> = ["null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE"]
        return !reserved.contains(text)
    }

    /// A double-quoted scalar: `\`, `"` and control characters escaped.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
                    || scalar.value == 0x2028 || scalar.value == 0x2029 || scalar.value == 0xFEFF {
                    result += String(format: "\\u%04X", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    /// Whether `text` is a JSON number (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`):
    /// such text is a number in YAML 1.2's core schema too, with the same value.
    static func isJSONNumber(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        func digits() -> Int {
            let count = bytes.prefix(while: { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }).count
            bytes = bytes.dropFirst(count)
            return count
        }
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        if bytes.first == UInt8(ascii: "0") {
            bytes = bytes.dropFirst()
        } else if digits() == 0 {
            return false
        }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            if digits() == 0 { return false }
        }
        if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            if digits() == 0 { return false }
        }
        return bytes.isEmpty
    }

    /// An integer written as a JSON integer (no fraction, no exponent) that fits an Int.
    static func integer(_ text: String) -> Int? {
        guard isJSONNumber(text), !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) else { return nil }
        return Int(text)
    }
}
