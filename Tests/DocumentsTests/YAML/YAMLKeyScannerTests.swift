@testable import Documents
import XCTest

/// The key scanner must see exactly the keys libyaml sees: a key it missed could carry an
/// alias bomb past the scanner's refusals, a key it invented would refuse a valid file.
final class YAMLKeyScannerTests: XCTestCase {
    // MARK: No false alarms

    func testIndicatorsInsideStringsCommentsAndBlockTextAreNotKeys() throws {
        let document = try loadYAMLDocument("""
            a: &a anchor
            single: 'it''s ? *a : b [x]: {y}'
            double: "*a : b \\" ? q"
            multiline: "first line
              *a : b
              ? q"
            comment: x # *a : b ? q [z]: w
            # *a : b
            #? q
            literal: |
              *a : b
              ? q
              [x]: y
               - z
            folded: >2
               *a: b
              ? q
            plain: some text
              ? still the same text
              'not a quote
              - not a list
            flow: [a, 'b ? *a : c', "{d}"]
            url: http://example.com/?q=*a:b
            last: *a
            """)
        XCTAssertEqual(
            document.map?.keys,
            ["a", "single", "double", "multiline", "comment", "literal", "folded", "plain", "flow", "url", "last"])
        XCTAssertEqual(document["plain"]?.string, "some text ? still the same text 'not a quote - not a list")
        XCTAssertEqual(document["literal"]?.string, "*a : b\n? q\n[x]: y\n - z\n")
        XCTAssertEqual(document["last"]?.string, "anchor")
    }

    func testAliasesAndCollectionsAsValuesAreFine() throws {
        let document = try loadYAMLDocument("""
            base: &base {x: 1}
            list: [*base, *base]
            map: {k: *base, l: [*base]}
            nested: {k: {l: [1]}}
            seq:
              - *base
              - k: *base
            """)
        XCTAssertEqual(document["map"]?["l"]?.list?.first?["x"]?.kind, .int(1))
        XCTAssertEqual(document["seq"]?.list?.last?["k"]?["x"]?.kind, .int(1))
    }

    // MARK: The same keys as libyaml

    func testKeysFoundMatchTheComposerAcrossLineBreaksTabsAndDocuments() throws {
        let texts = [
            "a: 1\rb: 2\r\rc:\r  d: 3\r",
            "a: 1\r\nb: |\r\n  text: x\r\nc: 2\r\n",
            "a: 1\u{85}b: 2\u{2028}c: 'x\u{2029}y'\n",
            "a:\tb\nc: [d,\te]\n\"e\":\tf\n",
            "%YAML 1.2\n---\na: 1\n...\n---\nb: {c: d}\n",
            "- a: 1\n  b: 2\n- c:\n  - d: 3\n    e: |+\n      f: g\n\n    h: i\n",
            "k: &a !!str v\n&b l: *a\n!!str m: {&c n: o, p}\n",
            "{a: 1, b, &c d: e, &f , g: !!str }\n",
            "[a: 1, b: 2, c]\n",
            "long: \(String(repeating: "x ", count: 600))\nshort: [\(String(repeating: "y, ", count: 400))z]\n",
        ]
        for text in texts {
            let documents = try loadYAML(text)
            assertSameKeys(text, documents, context: text.debugDescription)
        }
    }


    func testKeysFoundMatchTheComposerOnGeneratedDocuments() throws {
        var generator = YAMLSeededGenerator(state: UInt64(ProcessInfo.processInfo.environment["YAML_FUZZ_SEED"] ?? "7") ?? 7)
        for round in 0..<(Int(ProcessInfo.processInfo.environment["YAML_FUZZ_ROUNDS"] ?? "") ?? 400) {
            var writer = YAMLWriter(generator: generator)
            let text = writer.document()
            generator = writer.generator
            let documents: [YAMLValue]
            do {
                documents = try loadYAML(text)
            } catch {
                XCTFail("round \(round): \(error.localizedDescription)\n\(text)")
                continue
            }
            assertSameKeys(text, documents, context: "round \(round)")
        }
    }

    func testKeysFoundMatchTheComposerOnMutatedDocuments() throws {
        var generator = YAMLSeededGenerator(state: UInt64(ProcessInfo.processInfo.environment["YAML_FUZZ_SEED"] ?? "11") ?? 11)
        var compared = 0
        for _ in 0..<(Int(ProcessInfo.processInfo.environment["YAML_FUZZ_ROUNDS"] ?? "") ?? 600) {
            var writer = YAMLWriter(generator: generator)
            var bytes = Array(writer.document().utf8)
            generator = writer.generator
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let position = Int.random(in: 0...bytes.count, using: &generator)
                let fragment = Array([
                    " ", "  ", "\n", ":", ": ", "'", "\"", "#", " #", "[", "]", "{", "}", ",", "- ", "|", ">", "|2\n", "\n  ",
                    "\\", "\t", "? ", "&z ", "!t ", "---\n", "...\n", "\r\n", "\u{85}", "\u{2028}", "%YAML 1.2\n",
                    "&q ", "&q ", "*q", "*q ", "*q: ", "[*q]: ", "{*q}", "{a: *q}: ",
                ].randomElement(using: &generator)!.utf8)
                if Bool.random(using: &generator) || position == bytes.count {
                    bytes.insert(contentsOf: fragment, at: position)
                } else {
                    bytes.remove(at: position)
                }
            }
            let scannerAccepts = (try? YAMLKeyScanner.check(bytes, file: yamlTestFile, limits: .default)) != nil
            // The composer alone, without the scanner's refusals.
            let composed = YAMLComposer.compose(bytes, file: yamlTestFile, limits: .default)
            if case .failure(let error) = composed, error.message.hasPrefix("mapping keys must be plain text") {
                XCTAssertFalse(scannerAccepts, "the composer took a list or mapping as a key the scanner missed: \(error)\n\(String(decoding: bytes, as: UTF8.self))")
            }
            // Keys after a refused one are never scanned; the loader refuses such a file.
            guard case .success(let documents) = composed, scannerAccepts else { continue }
            compared += 1
            assertSameKeys(String(decoding: bytes, as: UTF8.self), documents, context: "mutation")
        }
        XCTAssertGreaterThan(compared, 100)
    }

    /// The keys the scanner finds are exactly the keys of the loaded mappings.
    private func assertSameKeys(_ text: String, _ documents: [YAMLValue], context: String, line: UInt = #line) {
        var loaded: Set<SourceLocation> = []
        func collect(_ value: YAMLValue) {
            switch value.kind {
            case .list(let items): items.forEach(collect)
            case .map(let map):
                for entry in map.entries {
                    loaded.insert(entry.keyLocation)
                    collect(entry.value)
                }
            default: break
            }
        }
        documents.forEach(collect)
        let scanned = YAMLKeyScanner.keyLocations(in: Array(text.utf8), file: yamlTestFile)
        let onlyScanned = scanned.subtracting(loaded).map(\.description).sorted()
        let onlyLoaded = loaded.subtracting(scanned).map(\.description).sorted()
        XCTAssert(
            onlyScanned.isEmpty && onlyLoaded.isEmpty,
            "\(context): keys only the scanner saw: \(onlyScanned); keys only the composer saw: \(onlyLoaded)\n\(text)",
            line: line)
    }
}

/// A small deterministic generator (SplitMix64).
struct YAMLSeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Writes random valid YAML that leans on everything that can hide a key from a careless
/// scanner: quotes, comments, block scalars, multi-line plain and quoted scalars, flow
/// collections over several lines, indentless lists, anchors and tags.
struct YAMLWriter {
    var generator: YAMLSeededGenerator
    private var keyNumber = 0
    private var anchors: [String] = []

    init(generator: YAMLSeededGenerator) {
        self.generator = generator
    }

    mutating func document() -> String {
        var text = chance(0.2) ? "# header *a : b\n" : ""
        if chance(0.2) { text += "---\n" }
        text += chance(0.7) ? blockMapping(indent: 0, depth: 0) : blockSequence(indent: 0, depth: 0)
        if chance(0.2) { text += "---\n" + blockMapping(indent: 0, depth: 1) }
        return text
    }

    private mutating func chance(_ probability: Double) -> Bool {
        Double.random(in: 0..<1, using: &generator) < probability
    }

    private mutating func pick<T>(_ choices: [T]) -> T {
        choices.randomElement(using: &generator)!
    }

    private func pad(_ indent: Int) -> String { String(repeating: " ", count: indent) }

    private mutating func newKey(flow: Bool) -> String {
        keyNumber += 1
        let name = pick(["k", "model", "on", "1", "a b", "x-y", "no"]) + "\(keyNumber)"
        switch Int.random(in: 0..<6, using: &generator) {
        case 0: return "'\(name) : ''#'"
        case 1: return "\"\(name) ? \\\" *a\""
        case 2 where !flow: return "&k\(keyNumber) \(name)"
        case 3: return "!!str \(name)"
        default: return name
        }
    }

    private mutating func plainWord(flow: Bool) -> String {
        let words = flow
            ? ["alpha", "a:b", "x#y", "it's", "q?", "-x", "50%", "a*b", "c&d", "e!f", "1.10", "~", "say \"hi\""]
            : ["alpha", "a:b", "x#y", "it's", "q?", "-x", "50%", "a*b", "c&d", "e!f", "1.10", "~", "[not]", "{flow}", "a, b"]
        // `[`, `{` and `~` may only appear after the first word.
        let first = pick(words.filter { !$0.hasPrefix("[") && !$0.hasPrefix("{") && $0 != "~" })
        return ([first] + (0..<Int.random(in: 0...2, using: &generator)).map { _ in pick(words) }).joined(separator: " ")
    }

    /// An inline scalar, possibly running over several lines (continuation at `indent`).
    private mutating func scalar(indent: Int, flow: Bool) -> String {
        switch Int.random(in: 0..<8, using: &generator) {
        case 0: return "'\(pick(["it''s", "*a : b", "? q", "[x]: {y}", "# no"]))'"
        case 1: return "\"\(pick(["*a : b", "? q", "tab\\there", "quote \\\" in", "# no", "\\u00e9"]))\""
        case 2 where !flow:
            return "\"first\n\(pad(indent))*a : b\n\(pad(indent))? q \\\"x\\\"\""
        case 3 where !flow:
            return "plain start\n\(pad(indent))\(pick(["? looks like a key", "- looks like an item", "'looks quoted", "\"looks quoted", "*a looks aliased"]))"
        case 4 where !anchors.isEmpty:
            return "*" + pick(anchors)
        case 5:
            let name = "v\(keyNumber)x\(anchors.count)"
            anchors.append(name)
            return "&\(name) \(plainWord(flow: flow))"
        default:
            return plainWord(flow: flow)
        }
    }

    private mutating func comment() -> String {
        chance(0.3) ? " # \(pick(["*a : b", "? q", "'", "\"", "k: v", "[x]: y"]))" : ""
    }

    private mutating func flowNode(indent: Int, depth: Int) -> String {
        let count = Int.random(in: 0...3, using: &generator)
        let separator = chance(0.3) ? ",\n\(pad(indent))" : ", "
        if chance(0.5) {
            let items = (0..<count).map { _ in
                depth < 3 && chance(0.3) ? flowNode(indent: indent, depth: depth + 1) : scalar(indent: indent, flow: true)
            }
            return "[" + items.joined(separator: separator) + "]"
        }
        let entries = (0..<count).map { _ in
            let key = newKey(flow: true)
            if chance(0.15) { return key }
            let value = depth < 3 && chance(0.3) ? flowNode(indent: indent, depth: depth + 1) : scalar(indent: indent, flow: true)
            return key + ": " + value
        }
        return "{" + entries.joined(separator: separator) + "}"
    }

    private mutating func blockScalar(indent: Int) -> String {
        let header = pick(["|", ">", "|-", ">+", "|2"])
        let contentIndent = header == "|2" ? indent + 2 : indent + 2 + Int.random(in: 0...1, using: &generator)
        let contents = ["*a : b", "? q", "k: v", "- item", "'open", "\"open", "# not a comment", "[x]: {y}", ""]
        // The first line sets the indentation; later lines may be indented further.
        var lines = [pad(contentIndent) + pick(contents.dropLast())]
        for _ in 0..<Int.random(in: 0...3, using: &generator) {
            let content = pick(contents)
            lines.append(content.isEmpty ? "" : pad(contentIndent + Int.random(in: 0...1, using: &generator)) + content)
        }
        return " " + header + comment() + "\n" + lines.joined(separator: "\n") + "\n"
    }

    /// What follows `key:` or `- ` at a block collection indented by `indent`.
    private mutating func blockValue(indent: Int, depth: Int, afterKey: Bool) -> String {
        let nested = depth < 4
        switch Int.random(in: 0..<10, using: &generator) {
        case 0 where nested: return "\n" + blockMapping(indent: indent + 2, depth: depth + 1)
        case 1 where nested: return "\n" + blockSequence(indent: indent + 2, depth: depth + 1)
        case 2 where nested && afterKey: return "\n" + blockSequence(indent: indent, depth: depth + 1)
        case 3: return blockScalar(indent: indent)
        case 4: return " " + flowNode(indent: indent + 1, depth: depth) + comment() + "\n"
        case 5: return comment() + "\n"
        case 6 where nested:
            let properties = pick(["&m\(keyNumber)", "!!map"])
            return " \(properties)\n" + blockMapping(indent: indent + 2, depth: depth + 1)
        default: return " " + scalar(indent: indent + 2, flow: false) + comment() + "\n"
        }
    }

    private mutating func blockMapping(indent: Int, depth: Int, compact: Bool = false) -> String {
        var text = ""
        for number in 0..<Int.random(in: 1...4, using: &generator) {
            if !(compact && number == 0) && chance(0.1) { text += pad(Int.random(in: 0...indent + 2, using: &generator)) + "# *a : b ? q\n" }
            let key = newKey(flow: false)
            text += pad(indent) + key + ":" + blockValue(indent: indent, depth: depth, afterKey: true)
        }
        return text
    }

    private mutating func blockSequence(indent: Int, depth: Int) -> String {
        var text = ""
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            if depth < 4 && chance(0.25) {
                // A compact mapping: `- key: value` with the other keys under it.
                let mapping = blockMapping(indent: indent + 2, depth: depth + 1, compact: true)
                text += pad(indent) + "- " + mapping.dropFirst(indent + 2)
            } else if depth < 4 && chance(0.15) {
                let sequence = blockSequence(indent: indent + 2, depth: depth + 1)
                text += pad(indent) + "- " + sequence.dropFirst(indent + 2)
            } else {
                text += pad(indent) + "-" + blockValue(indent: indent, depth: depth, afterKey: false)
            }
        }
        return text
    }
}
