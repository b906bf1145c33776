// The Yams-based composer that `YAMLComposer` replaced, kept for
// `YAMLComposerDifferentialTests` only: the new composer must answer every input as this did.
import Yams
@testable import Documents

/// Turns the nodes Yams composed into located `YAMLValue`s: resolves scalars with the
/// YAML 1.2 core schema, expands aliases within the node budget, enforces the depth
/// limit, and refuses what Tollgate does not accept (non-text keys, duplicate keys,
/// merge keys, tags outside the core schema).
///
/// Yams shares an anchored node with every alias of it, so the tree it hands over is
/// small even for an alias bomb; the expansion happens here, one counted node at a time,
/// and stops the moment the budget is spent.
struct LegacyYAMLNodeConverter {
    /// The tag Tollgate's resolver gives an untagged plain scalar. Yams resolves tags only
    /// of mapping keys (to compare them) and stores the result in the node; with Yams'
    /// basic resolver an anchored plain key reused as a value would then look like an
    /// explicit `!!str`. This tag keeps it recognisably untagged.
    static let implicitTag = Tag.Name(rawValue: "tag:tollgate.dev,2025:implicit")

    /// A resolver that leaves plain scalars' meaning to `YAMLCoreSchema`.
    static let resolver: Resolver = (try? Resolver.basic.appending(implicitTag, "^")) ?? .basic

    private let file: String
    private let limits: YAMLLimits
    private let rewrite: YAMLKeyRewrite?
    private var nodeCount = 0
    /// Anchors whose node has been converted once: meeting one again means an alias.
    private var convertedAnchors: Set<ObjectIdentifier> = []
    private var sawAlias = false
    /// The collection that holds the outermost alias on the current path, where an alias
    /// bomb is reported (Yams keeps no location of the alias itself).
    private var aliasSite: SourceLocation?

    /// - Parameter rewrite: set when the text Yams parsed had its keys rewritten; maps
    ///   locations and key text back to the file.
    init(file: String, limits: YAMLLimits, rewrite: YAMLKeyRewrite? = nil) {
        self.file = file
        self.limits = limits
        self.rewrite = rewrite
    }

    mutating func convert(_ node: Node) throws(YAMLError) -> YAMLValue {
        try convert(node, enclosingCollections: 0)
    }

    private mutating func convert(_ node: Node, enclosingCollections: Int) throws(YAMLError) -> YAMLValue {
        let location = self.location(of: node.mark)
        try count(at: location)
        switch node {
        case .scalar(let scalar):
            return try value(of: scalar, at: location)
        case .sequence(let sequence):
            try checkDepth(enclosingCollections + 1, at: location)
            try checkCollectionTag(sequence.tag, allowed: .seq, kind: "list", at: location)
            var items: [YAMLValue] = []
            items.reserveCapacity(sequence.count)
            for item in sequence {
                items.append(try convertChild(item, of: location, enclosingCollections: enclosingCollections + 1))
            }
            return YAMLValue(.list(items), at: location)
        case .mapping(let mapping):
            try checkDepth(enclosingCollections + 1, at: location)
            try checkCollectionTag(mapping.tag, allowed: .map, kind: "mapping", at: location)
            var entries: [YAMLMap.Entry] = []
            entries.reserveCapacity(mapping.count)
            var keyLocations: [String: SourceLocation] = [:]
            for index in mapping.indices {
                let (keyNode, valueNode) = mapping[index]
                let keyLocation = self.location(of: keyNode.mark ?? node.mark)
                let key = try keyText(keyNode, at: keyLocation)
                try count(at: keyLocation)
                if let first = keyLocations[key] {
                    throw YAMLError(
                        .duplicateKey,
                        "duplicate key '\(key)': the mapping already sets it at line \(first.line), column \(first.column); keep only one",
                        at: keyLocation)
                }
                keyLocations[key] = keyLocation
                let value = try convertChild(valueNode, of: location, enclosingCollections: enclosingCollections + 1)
                entries.append(YAMLMap.Entry(key: key, keyLocation: keyLocation, value: value))
            }
            return YAMLValue(.map(YAMLMap(entries)), at: location)
        case .alias:
            // Yams' parser substitutes every alias with its anchored node.
            throw YAMLError(.syntax, "an alias could not be resolved", at: location)
        }
    }

    /// Converts a child, noting when the path enters an alias.
    private mutating func convertChild(_ child: Node, of parent: SourceLocation, enclosingCollections: Int) throws(YAMLError) -> YAMLValue {
        guard let anchor = child.anchor else {
            return try convert(child, enclosingCollections: enclosingCollections)
        }
        let identifier = ObjectIdentifier(anchor)
        guard convertedAnchors.contains(identifier) else {
            convertedAnchors.insert(identifier)
            return try convert(child, enclosingCollections: enclosingCollections)
        }
        sawAlias = true
        guard aliasSite == nil else {
            return try convert(child, enclosingCollections: enclosingCollections)
        }
        aliasSite = parent
        defer { aliasSite = nil }
        return try convert(child, enclosingCollections: enclosingCollections)
    }

    private mutating func count(at location: SourceLocation) throws(YAMLError) {
        nodeCount += 1
        guard nodeCount > limits.maxNodes else { return }
        if sawAlias {
            throw YAMLError(
                .tooManyNodes,
                "the document expands to more than \(limits.maxNodes) nodes through aliases (an alias bomb?); write the repeated parts out instead of aliasing them",
                at: aliasSite ?? location)
        }
        throw YAMLError(
            .tooManyNodes,
            "the document has more than \(limits.maxNodes) nodes; split it into smaller files",
            at: location)
    }

    private func checkDepth(_ level: Int, at location: SourceLocation) throws(YAMLError) {
        guard level > limits.maxDepth else { return }
        throw YAMLError(
            .tooDeep,
            "the document nests lists and mappings more than \(limits.maxDepth) levels deep; flatten it",
            at: location)
    }

    // MARK: - Keys

    private func keyText(_ keyNode: Node, at location: SourceLocation) throws(YAMLError) -> String {
        guard case .scalar(let scalar) = keyNode else {
            throw YAMLError(.unsupported, "mapping keys must be plain text, not a list or a mapping", at: location)
        }
        let tag = Tag.Name(rawValue: scalar.tag.rawValue)
        switch tag {
        case .implicit, .nonSpecific, Self.implicitTag, .str, .int, .float, .bool, .null:
            break
        default:
            throw YAMLError(.unsupported, "tag '\(Self.display(tag))' is not supported on a mapping key; remove it", at: location)
        }
        let text = original(scalar.string)
        if text == "<<" && scalar.style == .plain && (tag == .implicit || tag == Self.implicitTag) {
            throw YAMLError(
                .unsupported,
                "merge keys ('<<') are not supported (YAML 1.2 has none); write the merged keys out",
                at: location)
        }
        return text
    }

    // MARK: - Scalars

    private func value(of scalar: Node.Scalar, at location: SourceLocation) throws(YAMLError) -> YAMLValue {
        let text = original(scalar.string)
        let style = Self.style(scalar.style)
        let tag = Tag.Name(rawValue: scalar.tag.rawValue)
        let kind: YAMLValue.Kind
        switch tag {
        case .implicit, Self.implicitTag:
            kind = style == .plain ? YAMLCoreSchema.resolvePlain(text) : .string(text)
        case .nonSpecific, .str:
            kind = .string(text)
        case .null:
            guard YAMLCoreSchema.isNull(text) else { throw mismatch(text, tag, at: location) }
            kind = .null
        case .bool:
            guard let bool = YAMLCoreSchema.bool(text) else { throw mismatch(text, tag, at: location) }
            kind = .bool(bool)
        case .int:
            guard let int = YAMLCoreSchema.int(text) else { throw mismatch(text, tag, at: location) }
            kind = int
        case .float:
            if let int = YAMLCoreSchema.int(text) {
                switch int {
                case .int(let value): kind = .double(Double(value))
                default: kind = int
                }
            } else if let double = YAMLCoreSchema.float(text) {
                kind = .double(double)
            } else {
                throw mismatch(text, tag, at: location)
            }
        case .map, .seq:
            throw YAMLError(.unsupported, "tag '\(Self.display(tag))' cannot be used on a scalar; remove it", at: location)
        default:
            throw YAMLError(.unsupported, "tag '\(Self.display(tag))' is not supported; remove it", at: location)
        }
        return YAMLValue(kind, at: location, text: text, style: style)
    }

    private func mismatch(_ text: String, _ tag: Tag.Name, at location: SourceLocation) -> YAMLError {
        YAMLError(
            .unsupported,
            "'\(text)' is not a valid \(Self.display(tag)) value; fix the value or remove the tag",
            at: location)
    }

    private func checkCollectionTag(_ tag: Tag, allowed: Tag.Name, kind: String, at location: SourceLocation) throws(YAMLError) {
        let name = Tag.Name(rawValue: tag.rawValue)
        guard name != .implicit, name != .nonSpecific, name != allowed else { return }
        throw YAMLError(.unsupported, "tag '\(Self.display(name))' is not supported on a \(kind); remove it", at: location)
    }

    // MARK: - Helpers

    private func original(_ text: String) -> String {
        rewrite?.originalText(text) ?? text
    }

    private func location(of mark: Mark?) -> SourceLocation {
        guard let mark else { return .start(of: file) }
        let column = rewrite?.originalColumn(line: mark.line, column: mark.column) ?? mark.column
        return SourceLocation(file: file, line: mark.line, column: column)
    }

    private static func style(_ style: Node.Scalar.Style) -> YAMLValue.ScalarStyle {
        switch style {
        case .any, .plain: return .plain
        case .singleQuoted: return .singleQuoted
        case .doubleQuoted: return .doubleQuoted
        case .literal: return .literal
        case .folded: return .folded
        }
    }

    /// `!!int` for the YAML types, the tag as written otherwise.
    static func display(_ tag: Tag.Name) -> String {
        let prefix = "tag:yaml.org,2002:"
        if tag.rawValue.hasPrefix(prefix) { return "!!" + tag.rawValue.dropFirst(prefix.count) }
        return tag.rawValue
    }
}
