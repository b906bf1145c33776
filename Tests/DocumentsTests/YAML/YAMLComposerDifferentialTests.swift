@testable import Documents
import Foundation
import XCTest

/// The composer that builds values from libyaml's events must answer every input exactly
/// as the Yams-based composer it replaced (`LegacyYAMLComposer`, kept in this target only):
/// the same values with the same locations, text and style, or the same error (reason,
/// message, location). Both run behind the same text check and key scanner, as in
/// `YAMLLoader.load`.
final class YAMLComposerDifferentialTests: XCTestCase {
    private static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// A tight budget, so that node counts, alias expansion and depth errors happen on
    /// ordinary files too.
    private static let tightLimits = YAMLLimits(maxBytes: 4 << 20, maxNodes: 40, maxDepth: 3)

    // MARK: - Corpora

    func testEveryYAMLFileOfTheRepositoryComposesAsBefore() throws {
        let files = Self.repositoryYAMLFiles()
        XCTAssertGreaterThan(files.count, 150, "the repository's YAML files were not found")
        let tally = compare(files)
        print("[differential] repository: \(files.count) files, \(tally)")
        XCTAssertGreaterThan(tally.loaded, 100)
        XCTAssertGreaterThan(tally.failed, 5, "the invalid and hostile examples should fail")
    }

    func testYAMLBlocksOfTheDocsComposeAsBefore() throws {
        let blocks = Self.markdownYAMLBlocks()
        XCTAssertGreaterThanOrEqual(blocks.count, 25, "no ```yaml blocks found in docs/ and README.md")
        let tally = compare(blocks)
        print("[differential] docs: \(blocks.count) blocks, \(tally)")
    }

    func testFuzzCorporaComposeAsBefore() throws {
        var inputs: [(String, [UInt8])] = []
        for target in ["FuzzYAMLLoader", "FuzzSchemaValidator", "FuzzReadingCodec"] {
            let directory = Self.repositoryRoot.appendingPathComponent("Fuzz/Corpus/\(target)")
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            for name in names.sorted() {
                guard var bytes = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path).map(Array.init) else { continue }
                if target == "FuzzReadingCodec" {
                    // A 0 byte then a file; a 1 byte then a store record.
                    guard bytes.first == 0 else { continue }
                    bytes.removeFirst()
                }
                inputs.append(("\(target)/\(name)", bytes))
            }
        }
        XCTAssertGreaterThan(inputs.count, 200, "the fuzz corpora were not found")
        let tally = compare(inputs)
        print("[differential] fuzz corpora: \(inputs.count) inputs, \(tally)")
    }

    /// The inputs of the YAML test suite (github.com/yaml/yaml-test-suite, `data` branch at
    /// 6ad3d2c, MIT licence), one file per test.
    func testYAMLTestSuiteComposesAsBefore() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/yaml-test-suite")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertGreaterThan(names.count, 350)
        let inputs = names.map { ($0, Array(FileManager.default.contents(atPath: directory.appendingPathComponent($0).path)!)) }
        let tally = compare(inputs)
        print("[differential] yaml-test-suite: \(inputs.count) inputs, \(tally)")
        XCTAssertGreaterThan(tally.loaded, 150)
        XCTAssertGreaterThan(tally.failed, 50)
    }

    // MARK: - Generated inputs

    func testGeneratedYAMLComposesAsBefore() throws {
        var generator = YAMLGenerator(seed: 0x7011_6A7E)
        let inputs = (0..<3000).map { index in ("generated #\(index)", Array(generator.document().utf8)) }
        let tally = compare(inputs)
        print("[differential] generated: \(inputs.count) inputs, \(tally)")
        for reason: YAMLError.Reason in [.syntax, .duplicateKey, .tooManyNodes, .tooDeep, .unsupported] {
            XCTAssertGreaterThan(tally.reasons[reason, default: 0], 20, "too few generated inputs failed with \(reason)")
        }
        XCTAssertGreaterThan(tally.loaded, 300)
    }

    func testMutatedRepositoryYAMLComposesAsBefore() throws {
        let seeds = Self.repositoryYAMLFiles().map(\.1).filter { $0.count < 20_000 }
            + Self.markdownYAMLBlocks().map(\.1)
        var generator = YAMLGenerator(seed: 0xB0B5_1ED)
        let inputs = (0..<3000).map { index -> (String, [UInt8]) in
            ("mutant #\(index)", generator.mutate(seeds[generator.next(seeds.count)]))
        }
        let tally = compare(inputs)
        print("[differential] mutants: \(inputs.count) inputs, \(tally)")
        XCTAssertGreaterThan(tally.loaded, 200)
        XCTAssertGreaterThan(tally.failed, 200)
    }

    /// Cases picked by hand where the two composers' paths differ most: anchors shared by
    /// documents, aliases of keys, repeated keys with and without the same tag next to
    /// later errors, byte order marks inside scalars.
    func testHandPickedEdgeCasesComposeAsBefore() throws {
        let cases = [
            "a: &x 1\n---\nb: *x\n",
            "--- &r {a: 1}\n--- *r\n",
            "--- &r [1, 2]\n---\n- *r\n- *r\n- *r\n",
            "&k !!int abc: 1\nv: *k\n",
            "&k x: 1\nv: *k\nw: *k\n",
            "a: 1\n\"a\": 2\n",
            "\"a\": 1\n\"a\": 2\n",
            "\"a\": 1\n!!str a: 2\n! a: 3\n",
            "a: 1\na: 2\nb: [\n",
            "a: 1\na: 2\nc: !foo x\n",
            "c: !foo x\na: 1\na: 2\n",
            "m: {b: 1, b: 2}\nn: {a: 1, a: 2}\n",
            "m: {b: 1, b: 2, a: 3, a: 4}\n",
            "x: &a 1\ny: &a [*a, *a]\nz: *a\n",
            "k: \u{FEFF}v\n",
            "k: \"\u{FEFF}v\"\n",
            "\u{FEFF}k: v\n",
            "<<: {a: 1}\n",
            "'<<': 1\n",
            "! <<: 1\n",
            "a: !!float 1\nb: !!float 1.5\nc: !!float x\n",
            "a: !!int 0x1F\nb: !!int 99999999999999999999\n",
            "a: !!map [1]\n",
            "a: !!seq {b: 1}\n",
            "a: !!null ~\nb: !!bool True\nc: !!bool yes\n",
            "a: !<tag:x> 1\n",
            "%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n",
            "a: *nope\n",
            "",
            "# only a comment\n",
            "---\n---\n...\n",
            "a: [1, {b: &c [2]}, *c]\n",
            String(repeating: "k: v\n", count: 3),
            (0..<40).map { "k\($0): \($0)\n" }.joined() + "k7: again\n",
            (0..<40).map { "\"k\($0)\": \($0)\n" }.joined() + "\"k30\": again\n",
        ]
        let inputs = cases.enumerated().map { ("case #\($0.offset)", Array($0.element.utf8)) }
        _ = compare(inputs)
    }

    /// The comparison itself: it must see a moved value, a quoted one and a second
    /// document, and must not trip over NaN (which `==` never equates).
    func testTheComparisonTellsLocationsStylesAndDocumentsApart() throws {
        func dumped(_ text: String) throws -> String {
            try YAMLLoader.load(text, file: "f.yaml").map(Self.dump).joined(separator: "\n---\n")
        }
        let plain = try dumped("k: 1\n")
        XCTAssertNotEqual(plain, try dumped("k:  1\n"))
        XCTAssertNotEqual(plain, try dumped("k: '1'\n"))
        XCTAssertNotEqual(plain, try dumped("k: 1\n--- \n"))
        XCTAssertNotEqual(plain, try dumped("\"k\": 1\n"))
        XCTAssertEqual(try dumped("k: .nan\n"), try dumped("k: .nan\n"))
    }

    // MARK: - Comparing

    /// Inputs that load and fail with the default budget; failures by reason with either budget.
    struct Tally: CustomStringConvertible, Sendable {
        var loaded = 0
        var failed = 0
        var reasons: [YAMLError.Reason: Int] = [:]
        var description: String { "\(loaded) loaded, \(failed) failed \(reasons.map { "\($0.key): \($0.value)" }.sorted())" }
    }

    /// Composes every input with both composers, with the default budget and a tight one,
    /// on one parse thread, and fails for each input they answer differently.
    private func compare(_ inputs: [(String, [UInt8])], file: StaticString = #filePath, line: UInt = #line) -> Tally {
        let (differences, tally) = YAMLParseThread.run { () -> ([String], Tally) in
            var differences: [String] = []
            var tally = Tally()
            for (name, bytes) in inputs {
                for limits in [YAMLLimits.default, Self.tightLimits] {
                    let new = Self.load(bytes, limits: limits, legacy: false)
                    let old = Self.load(bytes, limits: limits, legacy: true)
                    if new.dump != old.dump {
                        differences.append("\(name) (maxNodes \(limits.maxNodes)):\n  was: \(old.dump)\n  now: \(new.dump)\n  input: \(String(decoding: bytes.prefix(400), as: UTF8.self).debugDescription)")
                    }
                    if let reason = new.reason { tally.reasons[reason, default: 0] += 1 }
                    if limits == .default {
                        if new.reason == nil { tally.loaded += 1 } else { tally.failed += 1 }
                    }
                }
            }
            return (differences, tally)
        }
        for difference in differences.prefix(20) { XCTFail(difference, file: file, line: line) }
        XCTAssertEqual(differences.count, 0, "\(differences.count) inputs composed differently", file: file, line: line)
        return tally
    }

    /// Everything the loader answers, as text, and the reason when it fails.
    private static func load(_ bytes: [UInt8], limits: YAMLLimits, legacy: Bool) -> (dump: String, reason: YAMLError.Reason?) {
        let file = "models/x.yaml"
        do {
            let text = try YAMLTextCheck.validatedText(bytes, file: file, limits: limits)
            try YAMLKeyScanner.check(text, file: file, limits: limits)
            let result = legacy
                ? LegacyYAMLComposer.compose(text, file: file, limits: limits)
                : YAMLComposer.compose(text, file: file, limits: limits)
            switch result {
            case .success(let documents): return (documents.map(dump).joined(separator: "\n---\n"), nil)
            case .failure(let error): return (describe(error), error.reason)
            }
        } catch {
            return (describe(error), error.reason)
        }
    }

    private static func describe(_ error: YAMLError) -> String {
        "error \(error.reason) at \(error.location.line):\(error.location.column) in \(error.location.file): \(error.message)"
    }

    /// Every field of a value, NaN included (which `==` cannot compare).
    static func dump(_ value: YAMLValue) -> String {
        let head = "@\(value.location.file):\(value.location.line):\(value.location.column)"
            + (value.text.map { " text=\($0.debugDescription)" } ?? "")
            + (value.style.map { " style=\($0)" } ?? "")
        switch value.kind {
        case .null: return "null\(head)"
        case .bool(let bool): return "bool(\(bool))\(head)"
        case .int(let int): return "int(\(int))\(head)"
        case .double(let double): return "double(\(double.bitPattern))\(head)"
        case .string(let string): return "string(\(string.debugDescription))\(head)"
        case .list(let items): return "list\(head)[" + items.map(dump).joined(separator: ", ") + "]"
        case .map(let map):
            return "map\(head){" + map.entries.map {
                "\($0.key.debugDescription)@\($0.keyLocation.line):\($0.keyLocation.column): \(dump($0.value))"
            }.joined(separator: ", ") + "}"
        }
    }

    // MARK: - Inputs from the repository

    static func repositoryYAMLFiles() -> [(String, [UInt8])] {
        var files: [(String, [UInt8])] = []
        let enumerator = FileManager.default.enumerator(at: repositoryRoot, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            let relative = String(url.path.dropFirst(repositoryRoot.path.count))
            if relative.hasPrefix("/.build") || relative.hasPrefix("/.git/") || relative.contains("/Fixtures/yaml-test-suite") {
                enumerator?.skipDescendants()
                continue
            }
            guard url.pathExtension == "yaml" || url.pathExtension == "yml",
                  let data = FileManager.default.contents(atPath: url.path)
            else { continue }
            files.append((relative, Array(data)))
        }
        return files.sorted { $0.0 < $1.0 }
    }

    static func markdownYAMLBlocks() -> [(String, [UInt8])] {
        let docs = repositoryRoot.appendingPathComponent("docs")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: docs.path)) ?? []).filter { $0.hasSuffix(".md") }
        var blocks: [(String, [UInt8])] = []
        for path in names.map({ docs.appendingPathComponent($0).path }) + [repositoryRoot.appendingPathComponent("README.md").path] {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            var current: [String]?
            for line in text.components(separatedBy: "\n") {
                let fence = line.drop { $0 == " " }
                if current == nil, fence.hasPrefix("```yaml") || fence.hasPrefix("```yml") {
                    current = []
                } else if current != nil, fence.hasPrefix("```") {
                    blocks.append(("\(path) block \(blocks.count)", Array((current!.joined(separator: "\n") + "\n").utf8)))
                    current = nil
                } else if current != nil {
                    current!.append(line)
                }
            }
        }
        return blocks
    }
}

/// Random YAML: documents from a grammar of the constructs the composers treat
/// differently, and mutations of real files. Seeded, so every run sees the same inputs.
struct YAMLGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// SplitMix64.
    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Int(z % UInt64(max(bound, 1)))
    }

    private mutating func pick<T>(_ options: [T]) -> T { options[next(options.count)] }

    private static let keys = ["a", "b", "name", "\"a\"", "'a'", "!!str a", "! a", "!!int 1", "1", "\"1\"", "<<", "'<<'",
                               "!foo k", "!!null ~", "~", "true", "k\u{E000}", "é", "e\u{301}", "\"\\u00e9\"", "!!float 1"]
    private static let scalars = ["x", "1", "-2", "+3", "0x1F", "0o17", "010", "1_000", "1.5", "1e3", ".5", "-.inf", ".NaN", ".nan",
                                  "12345678901234567890", "0x", "true", "True", "yes", "no", "on", "null", "Null", "~", "",
                                  "\"q\"", "'s'", "\"\\u00e9\\t\"", "\"\\uFEFFx\"", "\u{FEFF}x", "!!str 1", "!!int 7", "!!int x",
                                  "!!float 2", "!!float y", "!!bool true", "!!bool yes", "!!null ~", "!!null x", "!!map x",
                                  "!!seq x", "!foo x", "! 12", "!<tag:yaml.org,2002:int> 5", "!!binary aGk=", "|\n  lit\n",
                                  ">\n  fold\n", "a b c", "#", "'it''s'", "\"multi\n  line\"", "- x", "x: y", "x:y", "&a", "*a"]

    private mutating func scalar() -> String {
        var text = pick(Self.scalars)
        if next(6) == 0 { text = "&\(pick(["a", "b", "c"])) " + text }
        if next(5) == 0 { text = "*\(pick(["a", "b", "c", "zz"]))" }
        return text
    }

    private mutating func node(indent: Int, depth: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        let anchor = next(5) == 0 ? "&\(pick(["a", "b", "c"])) " : ""
        let tag = next(12) == 0 ? pick(["!!map ", "!!seq ", "! ", "!bar ", "!!str "]) : ""
        switch depth > 4 ? 0 : next(6) {
        case 0, 1:
            return " " + scalar() + "\n"
        case 2:
            let items = (0..<(1 + next(4))).map { _ in next(3) == 0 ? "*\(pick(["a", "b", "c"]))" : pick(["1", "x", "\"s\"", "[1, 2]", "{k: v}", "~"]) }
            return " " + anchor + tag + (next(2) == 0 ? "[" + items.joined(separator: ", ") + "]" : "{" + items.enumerated().map { "\(pick(Self.keys))\($0.offset % 2 == 0 ? "" : "x"): \($0.element)" }.joined(separator: ", ") + "}") + "\n"
        case 3:
            var text = " " + anchor + tag + "\n"
            for _ in 0..<(1 + next(3)) { text += pad + "  -" + node(indent: indent + 2, depth: depth + 1) }
            return text
        default:
            var text = " " + anchor + tag + "\n"
            for _ in 0..<(1 + next(4)) { text += pad + "  " + pick(Self.keys) + ":" + node(indent: indent + 2, depth: depth + 1) }
            return text
        }
    }

    /// Layers of anchored collections, each aliasing the layers before it (an alias bomb
    /// when wide and deep enough), with anchors inside the layers and across documents.
    mutating func aliasLayers() -> String {
        var text = ""
        var names: [String] = []
        for layer in 0..<(2 + next(5)) {
            if layer > 0 && next(6) == 0 { text += "---\n" }
            let name = "l\(layer)"
            let width = 1 + next(4)
            let items: [String] = (0..<width).map { item in
                if names.isEmpty || next(4) == 0 { return next(3) == 0 ? "&i\(layer)x\(item) \(pick(["1", "x", "[1, 2]", "{k: v}"]))" : pick(["1", "x", "~"]) }
                return "*" + pick(names)
            }
            let map = next(3) == 0
            let body = map
                ? "{" + items.enumerated().map { "k\($0.offset): \($0.element)" }.joined(separator: ", ") + "}"
                : "[" + items.joined(separator: ", ") + "]"
            text += next(5) == 0 ? "\(name): &\(name) \(body)\n" : "\(name): &\(name)\n  - \(body)\n  - *\(names.last ?? name)\n"
            names.append(name)
        }
        if next(3) == 0 { text += "--- *\(pick(names))\n" }
        return text
    }

    mutating func document() -> String {
        if next(5) == 0 { return aliasLayers() }
        var text = next(20) == 0 ? "\u{FEFF}" : ""
        if next(10) == 0 { text += "%YAML 1.2\n---\n" }
        for document in 0..<(1 + (next(4) == 0 ? next(3) : 0)) {
            if document > 0 { text += pick(["---\n", "...\n---\n", "--- "]) }
            if next(8) == 0 {
                text += scalar() + "\n"
                continue
            }
            for _ in 0..<(1 + next(5)) {
                text += pick(Self.keys) + ":" + node(indent: 0, depth: 1)
            }
        }
        if next(8) == 0 { text = text.replacingOccurrences(of: "\n", with: "\r\n") }
        if next(6) == 0 { text = mutateText(text) }
        return text
    }

    private mutating func mutateText(_ text: String) -> String {
        String(decoding: mutate(Array(text.utf8)), as: UTF8.self)
    }

    private static let snippets = [":", " ", "-", "- ", "[", "]", "{", "}", ",", "&a ", "*a", "!!str ", "!x ", "\"", "'", "#", "\n", "\t",
                                    "? ", "|", ">", "---\n", "...\n", "\u{FEFF}", "\r\n", "  ", "a: 1\n", "a: 2\n", "<<: *a\n", "&b", "*b", "%"]

    /// One to four edits: a deleted range, an inserted snippet, a doubled or swapped line.
    mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        for _ in 0..<(1 + next(4)) {
            let position = next(bytes.count + 1)
            switch next(5) {
            case 0 where !bytes.isEmpty:
                let end = min(bytes.count, position + 1 + next(8))
                if position < end { bytes.removeSubrange(position..<end) }
            case 1, 2:
                bytes.insert(contentsOf: Array(pick(Self.snippets).utf8), at: position)
            default:
                var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
                guard lines.count > 1 else { continue }
                let first = next(lines.count)
                let second = next(lines.count)
                if next(2) == 0 { lines.insert(lines[first], at: second) } else { lines.swapAt(first, second) }
                bytes = Array(lines.joined(separator: [UInt8(ascii: "\n")]))
            }
        }
        return bytes
    }
}
