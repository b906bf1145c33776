/// One validated Tollgate document: the envelope read, the spec normalized by its schema.
public struct Document: Hashable, Sendable {
    public var kind: DocumentKind
    public var name: String
    public var labels: [String: String]
    /// Repository-relative path of the file.
    public var file: String
    /// The whole document, normalized (text fields are strings of their source text).
    public var root: YAMLValue
    /// Where `metadata.name` is written; the location of the document as a subject.
    public var nameLocation: SourceLocation

    public init(kind: DocumentKind, name: String, labels: [String: String], file: String,
                root: YAMLValue, nameLocation: SourceLocation) {
        self.kind = kind
        self.name = name
        self.labels = labels
        self.file = file
        self.root = root
        self.nameLocation = nameLocation
    }

    /// The `spec` mapping (an empty mapping if absent).
    public var spec: YAMLValue {
        root["spec"] ?? YAMLValue(.map(YAMLMap()), at: nameLocation)
    }

    /// `Kind/name`, how a subject is named in output.
    public var reference: DocumentReference { DocumentReference(kind: kind, name: name) }

    /// A text field of the spec by dotted path, e.g. `text("teacher.run")`.
    public func text(_ path: String) -> String? {
        spec.value(at: path)?.string
    }
}

/// A kind and a name: how documents refer to each other and how subjects are named.
public struct DocumentReference: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    public var kind: DocumentKind
    public var name: String

    public init(kind: DocumentKind, name: String) {
        self.kind = kind
        self.name = name
    }

    public var description: String { "\(kind.rawValue)/\(name)" }

    public static func < (lhs: DocumentReference, rhs: DocumentReference) -> Bool {
        (lhs.kind.rawValue, lhs.name) < (rhs.kind.rawValue, rhs.name)
    }
}

extension YAMLValue {
    /// The value at a dotted path of mapping keys (`serving.p95Ms`); list items by
    /// index (`artifacts.0.path` or `artifacts[0].path`).
    public func value(at path: String) -> YAMLValue? {
        // On the hot path of every rule and binding: walk the path in place, no component array.
        var current = self
        var components = PathComponents(path)
        while let component = components.next() {
            switch current.kind {
            case .list(let list):
                guard let index = Int(component), list.indices.contains(index) else { return nil }
                current = list[index]
            case .map(let map):
                guard let entry = map.entries.first(where: { $0.key == component }) else { return nil }
                current = entry.value
            default:
                return nil
            }
        }
        return current
    }

    /// Splits `a.b[0].c` into `["a", "b", "0", "c"]`.
    public static func pathComponents(_ path: String) -> [String] {
        // On the hot path of every rule: split on the characters, no Foundation string copies.
        sequence(state: PathComponents(path)) { $0.next() }.map(String.init)
    }
}

/// The components of a value path (`run.spec.slices[0].auc` → run, spec, slices, 0, auc),
/// as substrings of the path.
public struct PathComponents: IteratorProtocol {
    private var rest: Substring

    public init(_ path: String) {
        rest = path[...]
    }

    public mutating func next() -> Substring? {
        while !rest.isEmpty {
            let end = rest.utf8.firstIndex { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "]") }
                ?? rest.endIndex
            let component = rest[..<end]
            rest = end == rest.endIndex ? rest[end...] : rest[rest.utf8.index(after: end)...]
            if !component.isEmpty { return component }
        }
        return nil
    }
}
