internal import CYaml
import Foundation

/// The composer's state for one stream. See `YAMLComposer`.
struct YAMLEventComposer {
    enum Outcome {
        case documents([YAMLValue])
        case failed(YAMLError)
        /// A mapping repeats a key with the same tag: the smallest such key, at its first
        /// occurrence (line and column as libyaml marks them, 1-based).
        case repeatedKey(String, line: Int, column: Int)
    }

    /// A tag as libyaml reports it: `nil` for a plain scalar or collection without one.
    /// `!!str` and friends arrive expanded (`tag:yaml.org,2002:str`).
    typealias TagName = String

    static let yamlTagPrefix = "tag:yaml.org,2002:"
    static let strTag = yamlTagPrefix + "str"
    static let seqTag = yamlTagPrefix + "seq"
    static let mapTag = yamlTagPrefix + "map"
    static let intTag = yamlTagPrefix + "int"
    static let floatTag = yamlTagPrefix + "float"
    static let boolTag = yamlTagPrefix + "bool"
    static let nullTag = yamlTagPrefix + "null"
    static let nonSpecificTag = "!"

    /// A scalar as an event described it.
    struct Scalar {
        /// The content as parsed (in a rewritten text: with the key's marker).
        var parsed: String
        /// The content as written in the file.
        var text: String
        /// `nil`: untagged plain. Quoted and block scalars without a tag are `!!str`.
        var tag: TagName?
        var style: YAMLValue.ScalarStyle
        var isPlain: Bool
        var location: SourceLocation
        var line: Int
        var column: Int
    }

    /// Which nodes under an anchored collection carry an anchor: expanding an alias walks
    /// the anchored value again, and an anchor met on the way decides where an alias
    /// bomb is reported.
    indirect enum AnchorMarks {
        /// No anchor here or below.
        case none
        /// The anchor of this node (if any) and the marks of its items or values.
        /// `children` is empty when no child has any.
        case node(anchor: Int?, children: [AnchorMarks])
    }

    /// What an anchor names: the node where it was defined.
    final class Anchored {
        enum Content {
            case scalar(Scalar)
            case collection(YAMLValue, AnchorMarks)
            /// Defined after the document already failed: only its name matters.
            case unused
        }

        let id: Int
        let content: Content

        init(id: Int, content: Content) {
            self.id = id
            self.content = content
        }
    }

    /// A mapping key, for finding repetitions.
    private struct Key {
        var parsed: String
        var text: String
        /// The tag that tells equal texts apart: untagged plain keys share one,
        /// `!` and quoted keys are `!!str`.
        var tag: TagName
        var location: SourceLocation
        var line: Int
        var column: Int
        var isCollection: Bool
    }

    private struct Frame {
        var isMapping: Bool
        /// Converted: no document error yet when it opened (so its children are too).
        var converting: Bool
        var location: SourceLocation
        /// Nesting level: 1 for a collection at the top of a document.
        var level: Int
        var anchorName: String?
        var anchorID: Int
        var items: [YAMLValue] = []
        var entries: [YAMLMap.Entry] = []
        var childMarks: [AnchorMarks]? = nil
        /// A mapping's key waiting for its value.
        var hasKey = false
        var keyText = ""
        var keyLocation = SourceLocation.start(of: "")
        var keys: [Key] = []
        /// Key text as written → first location, once the mapping is too large for a scan.
        var textIndex: [String: SourceLocation]? = nil
        /// The parsed key texts, in the same case, when they differ from the written ones.
        var parsedIndex: Set<String> = []
        /// Two keys with the same parsed text (same tag or not).
        var repeatsParsedText = false
        var childCount: Int { isMapping ? entries.count : items.count }
    }

    private let file: String
    private let limits: YAMLLimits
    private let rewrite: YAMLKeyRewrite?

    /// Nodes counted so far in the stream, aliases expanded.
    private var nodeCount = 0
    /// Anchors whose node has been converted once as a child: meeting one again means an alias.
    private var convertedAnchors: Set<Int> = []
    private var sawAlias = false
    /// The collection that holds the outermost alias on the current path, where an alias
    /// bomb is reported.
    private var aliasSite: SourceLocation?
    /// The latest definition of each anchor name, across the documents of the stream.
    private var anchors: [String: Anchored] = [:]
    private var nextAnchorID = 0

    /// The first value error of the current document.
    private var failure: YAMLError?
    private var stack: [Frame] = []
    private var root: YAMLValue?
    /// The text being composed, for error messages.
    private var text: [UInt8] = []

    private static let smallMapping = 12

    init(file: String, limits: YAMLLimits, rewrite: YAMLKeyRewrite? = nil) {
        self.file = file
        self.limits = limits
        self.rewrite = rewrite
    }

    // MARK: - The event loop

    private enum Stop: Error {
        case error(YAMLError)
        case repeatedKey(String, line: Int, column: Int)
    }

    mutating func compose(_ text: [UInt8]) -> Outcome {
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        let event = UnsafeMutablePointer<yaml_event_t>.allocate(capacity: 1)
        defer {
            parser.deallocate()
            event.deallocate()
        }
        guard yaml_parser_initialize(parser) == 1 else {
            return .failed(YAMLError(.tooLarge, "the YAML parser ran out of memory; split the file", at: .start(of: file)))
        }
        defer { yaml_parser_delete(parser) }
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        self.text = text
        return text.withUnsafeBufferPointer { buffer -> Outcome in
            yaml_parser_set_input_string(parser, buffer.baseAddress, buffer.count)
            do throws(Stop) {
                var documents: [YAMLValue] = []
                try next(parser, event)  // STREAM-START
                yaml_event_delete(event)
                while true {
                    try next(parser, event)  // DOCUMENT-START or STREAM-END
                    let type = event.pointee.type
                    yaml_event_delete(event)
                    if type == YAML_STREAM_END_EVENT { break }
                    failure = nil
                    root = nil
                    repeat {
                        try next(parser, event)
                        defer { yaml_event_delete(event) }
                        try handle(event)
                    } while !stack.isEmpty
                    try next(parser, event)  // DOCUMENT-END
                    yaml_event_delete(event)
                    if let failure { return .failed(failure) }
                    documents.append(root ?? YAMLValue(.null, at: .start(of: file)))
                }
                return .documents(documents)
            } catch {
                switch error {
                case .error(let error): return .failed(error)
                case .repeatedKey(let key, let line, let column): return .repeatedKey(key, line: line, column: column)
                }
            }
        }
    }

    private func next(_ parser: UnsafeMutablePointer<yaml_parser_t>, _ event: UnsafeMutablePointer<yaml_event_t>) throws(Stop) {
        guard yaml_parser_parse(parser, event) == 1 else {
            throw .error(YAMLError(libyaml: parser, text: text, file: file))
        }
    }

    private mutating func handle(_ event: UnsafeMutablePointer<yaml_event_t>) throws(Stop) {
        let mark = event.pointee.start_mark
        let line = Int(mark.line) + 1
        let column = Int(mark.column) + 1
        switch event.pointee.type {
        case YAML_SCALAR_EVENT:
            let data = event.pointee.data.scalar
            let parsed = Self.scalarText(data.value, count: data.length)
            let tag: TagName? = data.quoted_implicit == 1 ? Self.strTag : Self.string(data.tag)
            let style = Self.style(data.style)
            let scalar = Scalar(
                parsed: parsed, text: original(parsed), tag: tag, style: style,
                isPlain: data.style == YAML_PLAIN_SCALAR_STYLE,
                location: location(line: line, column: column), line: line, column: column)
            try scalarNode(scalar, anchorName: Self.string(data.anchor))
        case YAML_ALIAS_EVENT:
            let name = Self.string(event.pointee.data.alias.anchor) ?? ""
            guard let anchored = anchors[name] else {
                throw .error(YAMLError.syntax(
                    problem: "found undefined alias", context: nil, line: line, column: column, text: text, file: file))
            }
            try aliasNode(anchored)
        case YAML_SEQUENCE_START_EVENT:
            let data = event.pointee.data.sequence_start
            try open(
                isMapping: false, tag: data.implicit != 0 ? nil : Self.string(data.tag),
                anchorName: Self.string(data.anchor), line: line, column: column)
        case YAML_MAPPING_START_EVENT:
            let data = event.pointee.data.mapping_start
            try open(
                isMapping: true, tag: data.implicit != 0 ? nil : Self.string(data.tag),
                anchorName: Self.string(data.anchor), line: line, column: column)
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            try close()
        default:
            break
        }
    }

    // MARK: - Nodes

    private enum Position {
        case root, item, key, value
    }

    private var position: Position {
        // By index: `stack.last` would copy the frame, its arrays included.
        let top = stack.count - 1
        guard top >= 0 else { return .root }
        guard stack[top].isMapping else { return .item }
        return stack[top].hasKey ? .value : .key
    }

    private var converting: Bool {
        failure == nil && (stack.isEmpty || stack[stack.count - 1].converting)
    }

    private mutating func define(_ name: String?, _ content: @autoclosure () -> Anchored.Content) -> Int? {
        guard let name else { return nil }
        let anchored = Anchored(id: nextAnchorID, content: failure == nil ? content() : .unused)
        nextAnchorID += 1
        anchors[name] = anchored
        return anchored.id
    }

    private mutating func scalarNode(_ scalar: Scalar, anchorName: String?) throws(Stop) {
        let anchorID = define(anchorName, .scalar(scalar))
        switch position {
        case .key:
            try key(scalar, isCollection: false)
        case let position:
            guard converting else { return deliver(nil, marks: .none) }
            if let anchorID, position != .root { convertedAnchors.insert(anchorID) }
            do throws(YAMLError) {
                try count(at: scalar.location)
                deliver(try value(of: scalar), marks: anchorID.map { .node(anchor: $0, children: []) } ?? .none)
            } catch {
                fail(error)
                deliver(nil, marks: .none)
            }
        }
    }

    private mutating func aliasNode(_ anchored: Anchored) throws(Stop) {
        let position = self.position
        if position == .key {
            switch anchored.content {
            case .scalar(let scalar): return try key(scalar, isCollection: false)
            case .collection(let value, _):
                return try key(Self.placeholder(at: value.location), isCollection: true)
            case .unused:
                return try key(Self.placeholder(at: .start(of: file)), isCollection: true)
            }
        }
        guard converting else { return deliver(nil, marks: .none) }
        let enclosing = stack.isEmpty ? 0 : stack[stack.count - 1].level
        do throws(YAMLError) {
            var setSite = false
            if position != .root { setSite = enter(anchored.id, parent: stack[stack.count - 1].location) }
            defer { if setSite { aliasSite = nil } }
            switch anchored.content {
            case .scalar(let scalar):
                try count(at: scalar.location)
                deliver(try value(of: scalar), marks: .node(anchor: anchored.id, children: []))
            case .collection(let value, let marks):
                try walk(value, marks, enclosing: enclosing)
                deliver(value, marks: marks)
            case .unused:
                deliver(nil, marks: .none)
            }
        } catch {
            fail(error)
            deliver(nil, marks: .none)
        }
    }

    private mutating func open(isMapping: Bool, tag: TagName?, anchorName: String?, line: Int, column: Int) throws(Stop) {
        let position = self.position
        let location = self.location(line: line, column: column)
        let anchorID = nextAnchorID
        if anchorName != nil { nextAnchorID += 1 }
        var converting = self.converting
        if position == .key {
            // Keys must be text; the collection is read, not converted.
            if converting { fail(YAMLError(.unsupported, "mapping keys must be plain text, not a list or a mapping", at: location)) }
            converting = false
        }
        let level = (stack.isEmpty ? 0 : stack[stack.count - 1].level) + 1
        if converting {
            if anchorName != nil && position != .root { convertedAnchors.insert(anchorID) }
            do throws(YAMLError) {
                try count(at: location)
                try checkDepth(level, at: location)
                try checkCollectionTag(tag, allowed: isMapping ? Self.mapTag : Self.seqTag, kind: isMapping ? "mapping" : "list", at: location)
            } catch {
                fail(error)
                converting = false
            }
        }
        stack.append(Frame(
            isMapping: isMapping, converting: converting, location: location, level: level,
            anchorName: anchorName, anchorID: anchorID))
    }

    private mutating func close() throws(Stop) {
        let frame = stack.removeLast()
        if frame.isMapping && frame.repeatsParsedText, let repeated = Self.repeatedKey(frame.keys) {
            throw .repeatedKey(repeated.parsed, line: repeated.line, column: repeated.column)
        }
        let wasKey = position == .key
        guard frame.converting && failure == nil else {
            if let name = frame.anchorName { anchors[name] = Anchored(id: frame.anchorID, content: .unused) }
            if wasKey {
                try key(Self.placeholder(at: frame.location), isCollection: true, checked: true)
            } else {
                deliver(nil, marks: .none)
            }
            return
        }
        let value = frame.isMapping
            ? YAMLValue(.map(YAMLMap(frame.entries)), at: frame.location)
            : YAMLValue(.list(frame.items), at: frame.location)
        let marks: AnchorMarks = frame.anchorName != nil || frame.childMarks != nil
            ? .node(anchor: frame.anchorName != nil ? frame.anchorID : nil, children: frame.childMarks ?? [])
            : .none
        if let name = frame.anchorName { anchors[name] = Anchored(id: frame.anchorID, content: .collection(value, marks)) }
        deliver(value, marks: marks)
    }

    /// Hands a finished node to the collection (or document) around it.
    private mutating func deliver(_ value: YAMLValue?, marks: AnchorMarks) {
        guard !stack.isEmpty else {
            root = value
            return
        }
        let top = stack.count - 1
        guard let value, failure == nil, stack[top].converting else {
            stack[top].hasKey = false
            return
        }
        if case .node = marks, stack[top].childMarks == nil {
            stack[top].childMarks = Array(repeating: .none, count: stack[top].childCount)
        }
        if stack[top].childMarks != nil { stack[top].childMarks!.append(marks) }
        if stack[top].isMapping {
            stack[top].entries.append(YAMLMap.Entry(key: stack[top].keyText, keyLocation: stack[top].keyLocation, value: value))
            stack[top].hasKey = false
        } else {
            stack[top].items.append(value)
        }
    }

    private mutating func fail(_ error: YAMLError) {
        if failure == nil { failure = error }
    }

    // MARK: - Keys

    /// A mapping key: checked, counted, compared with the mapping's other keys.
    /// `checked`: a collection key whose refusal was recorded when it opened.
    private mutating func key(_ scalar: Scalar, isCollection: Bool, checked: Bool = false) throws(Stop) {
        let top = stack.count - 1
        stack[top].hasKey = true
        guard !isCollection else {
            stack[top].keys.append(Key(parsed: "", text: "", tag: "", location: scalar.location, line: 0, column: 0, isCollection: true))
            if !checked && failure == nil && stack[top].converting {
                fail(YAMLError(.unsupported, "mapping keys must be plain text, not a list or a mapping", at: scalar.location))
            }
            return
        }
        let tag = scalar.tag.map { $0 == Self.nonSpecificTag ? Self.strTag : $0 } ?? ""
        let first = earlierKey(scalar, in: top)
        stack[top].keys.append(Key(
            parsed: scalar.parsed, text: scalar.text, tag: tag, location: scalar.location,
            line: scalar.line, column: scalar.column, isCollection: false))
        guard failure == nil, stack[top].converting else { return }
        do throws(YAMLError) {
            try checkKey(scalar)
            try count(at: scalar.location)
            if let first {
                throw YAMLError(
                    .duplicateKey,
                    "duplicate key '\(scalar.text)': the mapping already sets it at line \(first.line), column \(first.column); keep only one",
                    at: scalar.location)
            }
            stack[top].keyText = scalar.text
            stack[top].keyLocation = scalar.location
        } catch {
            fail(error)
        }
    }

    /// Compares a new key with the open mapping's earlier keys: notes a repeated parsed
    /// text (for `repeatedKey`), and returns where the first key with the same text is.
    private mutating func earlierKey(_ scalar: Scalar, in top: Int) -> SourceLocation? {
        if stack[top].textIndex == nil && stack[top].keys.count < Self.smallMapping {
            var first: SourceLocation?
            for key in stack[top].keys where !key.isCollection {
                if key.parsed == scalar.parsed { stack[top].repeatsParsedText = true }
                if first == nil && key.text == scalar.text { first = key.location }
            }
            return first
        }
        if stack[top].textIndex == nil {
            var texts: [String: SourceLocation] = [:]
            var parsed: Set<String> = []
            for key in stack[top].keys where !key.isCollection {
                if texts[key.text] == nil { texts[key.text] = key.location }
                if rewrite != nil { parsed.insert(key.parsed) }
            }
            stack[top].textIndex = texts
            stack[top].parsedIndex = parsed
        }
        if rewrite != nil {
            if !stack[top].parsedIndex.insert(scalar.parsed).inserted { stack[top].repeatsParsedText = true }
        }
        if let first = stack[top].textIndex![scalar.text] {
            if rewrite == nil { stack[top].repeatsParsedText = true }
            return first
        }
        stack[top].textIndex![scalar.text] = scalar.location
        return nil
    }

    private func checkKey(_ scalar: Scalar) throws(YAMLError) {
        switch scalar.tag {
        case nil, Self.nonSpecificTag?, Self.strTag?, Self.intTag?, Self.floatTag?, Self.boolTag?, Self.nullTag?:
            break
        case let tag?:
            throw YAMLError(.unsupported, "tag '\(Self.display(tag))' is not supported on a mapping key; remove it", at: scalar.location)
        }
        if scalar.tag == nil && scalar.isPlain && scalar.text == "<<" {
            throw YAMLError(
                .unsupported,
                "merge keys ('<<') are not supported (YAML 1.2 has none); write the merged keys out",
                at: scalar.location)
        }
    }

    /// The smallest key that a mapping repeats with the same tag, at its first occurrence.
    private static func repeatedKey(_ keys: [Key]) -> Key? {
        var firsts: [String: [Int]] = [:]
        var repeated: [Int] = []
        for (index, key) in keys.enumerated() where !key.isCollection {
            let earlier = firsts[key.parsed, default: []]
            if let first = earlier.first(where: { keys[$0].tag == key.tag }) {
                if !repeated.contains(first) { repeated.append(first) }
            } else {
                firsts[key.parsed, default: []].append(index)
            }
        }
        return repeated.map { keys[$0] }.min { $0.parsed < $1.parsed }
    }

    // MARK: - Aliases and the budget

    /// An anchored node met as a child: the first time it is its definition, after that
    /// an alias. Returns whether this call set `aliasSite` (the caller clears it).
    private mutating func enter(_ anchor: Int, parent: SourceLocation) -> Bool {
        guard convertedAnchors.contains(anchor) else {
            convertedAnchors.insert(anchor)
            return false
        }
        sawAlias = true
        guard aliasSite == nil else { return false }
        aliasSite = parent
        return true
    }

    /// Counts an aliased collection again, node by node in document order, as if it were
    /// written out here, stopping the moment the budget is spent.
    private mutating func walk(_ value: YAMLValue, _ marks: AnchorMarks, enclosing: Int) throws(YAMLError) {
        try count(at: value.location)
        let children: [AnchorMarks]
        if case .node(_, let marked) = marks { children = marked } else { children = [] }
        switch value.kind {
        case .list(let items):
            try checkDepth(enclosing + 1, at: value.location)
            for (index, item) in items.enumerated() {
                try walkChild(item, children.isEmpty ? .none : children[index], parent: value.location, enclosing: enclosing + 1)
            }
        case .map(let map):
            try checkDepth(enclosing + 1, at: value.location)
            for (index, entry) in map.entries.enumerated() {
                try count(at: entry.keyLocation)
                try walkChild(entry.value, children.isEmpty ? .none : children[index], parent: value.location, enclosing: enclosing + 1)
            }
        default:
            break
        }
    }

    private mutating func walkChild(_ value: YAMLValue, _ marks: AnchorMarks, parent: SourceLocation, enclosing: Int) throws(YAMLError) {
        guard case .node(let anchor?, _) = marks else { return try walk(value, marks, enclosing: enclosing) }
        let setSite = enter(anchor, parent: parent)
        defer { if setSite { aliasSite = nil } }
        try walk(value, marks, enclosing: enclosing)
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

    // MARK: - Scalars and tags

    private func value(of scalar: Scalar) throws(YAMLError) -> YAMLValue {
        let text = scalar.text
        let kind: YAMLValue.Kind
        switch scalar.tag {
        case nil:
            kind = scalar.style == .plain ? YAMLCoreSchema.resolvePlain(text) : .string(text)
        case Self.nonSpecificTag?, Self.strTag?:
            kind = .string(text)
        case Self.nullTag?:
            guard YAMLCoreSchema.isNull(text) else { throw mismatch(scalar) }
            kind = .null
        case Self.boolTag?:
            guard let bool = YAMLCoreSchema.bool(text) else { throw mismatch(scalar) }
            kind = .bool(bool)
        case Self.intTag?:
            guard let int = YAMLCoreSchema.int(text) else { throw mismatch(scalar) }
            kind = int
        case Self.floatTag?:
            if let int = YAMLCoreSchema.int(text) {
                switch int {
                case .int(let value): kind = .double(Double(value))
                default: kind = int
                }
            } else if let double = YAMLCoreSchema.float(text) {
                kind = .double(double)
            } else {
                throw mismatch(scalar)
            }
        case Self.mapTag?, Self.seqTag?:
            throw YAMLError(.unsupported, "tag '\(Self.display(scalar.tag!))' cannot be used on a scalar; remove it", at: scalar.location)
        case let tag?:
            throw YAMLError(.unsupported, "tag '\(Self.display(tag))' is not supported; remove it", at: scalar.location)
        }
        return YAMLValue(kind, at: scalar.location, text: text, style: scalar.style)
    }

    private func mismatch(_ scalar: Scalar) -> YAMLError {
        YAMLError(
            .unsupported,
            "'\(scalar.text)' is not a valid \(Self.display(scalar.tag ?? "")) value; fix the value or remove the tag",
            at: scalar.location)
    }

    private func checkCollectionTag(_ tag: TagName?, allowed: TagName, kind: String, at location: SourceLocation) throws(YAMLError) {
        guard let tag, tag != Self.nonSpecificTag, tag != allowed else { return }
        throw YAMLError(.unsupported, "tag '\(Self.display(tag))' is not supported on a \(kind); remove it", at: location)
    }

    /// `!!int` for the YAML types, the tag as written otherwise.
    static func display(_ tag: TagName) -> String {
        if tag.hasPrefix(yamlTagPrefix) { return "!!" + tag.dropFirst(yamlTagPrefix.count) }
        return tag
    }

    // MARK: - Helpers

    private func original(_ text: String) -> String {
        rewrite?.originalText(text) ?? text
    }

    private func location(line: Int, column: Int) -> SourceLocation {
        let column = rewrite?.originalColumn(line: line, column: column) ?? column
        return SourceLocation(file: file, line: line, column: column)
    }

    private static func placeholder(at location: SourceLocation) -> Scalar {
        Scalar(parsed: "", text: "", tag: nil, style: .plain, isPlain: true, location: location, line: location.line, column: location.column)
    }

    private static func style(_ style: yaml_scalar_style_t) -> YAMLValue.ScalarStyle {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: return .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: return .literal
        case YAML_FOLDED_SCALAR_STYLE: return .folded
        default: return .plain
        }
    }

    /// A scalar's content. libyaml hands over valid UTF-8 (it may hold NUL). A leading
    /// byte order mark goes through Foundation, which decides whether it stays, as it
    /// always has for Tollgate's scalars.
    private static func scalarText(_ bytes: UnsafeMutablePointer<UInt8>?, count: Int) -> String {
        guard let bytes, count > 0 else { return "" }
        let buffer = UnsafeBufferPointer(start: bytes, count: count)
        if count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF {
            return String(bytes: buffer, encoding: .utf8) ?? String(decoding: buffer, as: UTF8.self)
        }
        return String(decoding: buffer, as: UTF8.self)
    }

    /// An anchor or tag string (NUL-terminated; invalid UTF-8 repaired), `nil` for none.
    private static func string(_ pointer: UnsafeMutablePointer<UInt8>?) -> String? {
        guard let pointer else { return nil }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: strlen(UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self))), as: UTF8.self)
    }
}
