@testable import Documents
import XCTest

/// Files in a policy repository come from anyone who can open a pull request: hostile
/// input gets a located refusal, quickly, and never a hang or a crash.
final class YAMLHostileInputTests: XCTestCase {
    /// The classic "billion laughs": ten levels of ten aliases, 10^10 nodes in 400 bytes.
    private func billionLaughs(levels: Int = 10, width: Int = 10) -> String {
        let names = (0..<levels).map { "l\($0)" }
        var lines = ["\(names[0]): &\(names[0]) [" + Array(repeating: "\"lol\"", count: width).joined(separator: ",") + "]"]
        for level in 1..<levels {
            let aliases = Array(repeating: "*\(names[level - 1])", count: width).joined(separator: ",")
            lines.append("\(names[level]): &\(names[level]) [\(aliases)]")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Runs `body`, reports how long it took, and fails if it took longer than `limit`.
    private func timed<T>(_ name: String, limit: TimeInterval = 2, _ body: () throws -> T) rethrows -> T {
        let start = Date()
        let result = try body()
        let elapsed = Date().timeIntervalSince(start)
        print("[timing] \(name): \(String(format: "%.4f", elapsed)) s")
        XCTAssertLessThan(elapsed, limit, "\(name) took \(elapsed) s")
        return result
    }

    // MARK: Alias bombs

    func testBillionLaughsIsRefusedWellUnderASecond() {
        let bomb = billionLaughs()
        XCTAssertLessThan(bomb.utf8.count, 600)
        let error = timed("billion laughs (10 levels x 10 aliases)") { yamlError(Array(bomb.utf8)) }
        XCTAssertEqual(error?.reason, .tooManyNodes)
        XCTAssertEqual(
            error?.message,
            "the document expands to more than 100000 nodes through aliases (an alias bomb?); write the repeated parts out instead of aliasing them")
        // l4 expands to 10^5 nodes: the budget runs out inside its list of aliases.
        XCTAssertEqual(error?.location, yamlLocation(5, 5))
    }

    func testAliasBombUsedAsAKeyIsRefusedBeforeItIsComposed() {
        let bomb = billionLaughs()
        let keyForms: [(String, Int, Int, String)] = [
            ("*l9 : x\n", 11, 1, "an alias ('*l9') cannot be used as a mapping key; write the key as plain text"),
            ("*l9: x\n", 11, 1, "an alias ('*l9') cannot be used as a mapping key; write the key as plain text"),
            ("k: {*l9: x}\n", 11, 5, "an alias ('*l9') cannot be used as a mapping key; write the key as plain text"),
            ("k: {*l9}\n", 11, 5, "an alias ('*l9') cannot be used as a mapping key; write the key as plain text"),
            ("k: {a: 1, *l9}\n", 11, 11, "an alias ('*l9') cannot be used as a mapping key; write the key as plain text"),
            ("k: [*l9: x]\n", 11, 5, "an alias ('*l9') cannot be used as a mapping key; write the key as plain text"),
            ("k: {&a *l9 : x}\n", 11, 8, "an alias ('*l9') cannot be used as a mapping key; write the key as plain text"),
            ("[*l9]: x\n", 11, 1, "mapping keys must be plain text, not a list or a mapping"),
            ("k: {[*l9]}\n", 11, 5, "mapping keys must be plain text, not a list or a mapping"),
            ("k: [{a: *l9}: x]\n", 11, 5, "mapping keys must be plain text, not a list or a mapping"),
            ("? *l9\n: x\n", 11, 1, "explicit mapping keys ('?') are not supported; write the key as plain text followed by ':'"),
            ("k: {? *l9}\n", 11, 5, "explicit mapping keys ('?') are not supported; write the key as plain text followed by ':'"),
            ("- ? *l9\n", 11, 3, "explicit mapping keys ('?') are not supported; write the key as plain text followed by ':'"),
        ]
        for (form, line, column, message) in keyForms {
            let error = timed("alias bomb as key: \(form.debugDescription)") { yamlError(Array((bomb + form).utf8)) }
            XCTAssertEqual(error?.reason, .unsupported, form)
            XCTAssertEqual(error?.message, message, form)
            XCTAssertEqual(error?.location, yamlLocation(line, column), form)
        }
    }

    func testAliasesWithinTheBudgetExpand() throws {
        let documents = try loadYAML(billionLaughs(levels: 3, width: 10))
        let top = try XCTUnwrap(documents.first?["l2"]?.list)
        XCTAssertEqual(top.count, 10)
        XCTAssertEqual(top.first?.list?.first?.list?.count, 10)
        XCTAssertEqual(top.last?.list?.last?.list?.last?.string, "lol")
    }

    func testTheBudgetCountsEveryExpandedNode() {
        // The mapping, 2 keys, 2 lists, 3 items, and the aliased list with its 3 items: 12.
        let text = "a: &a [1, 2, 3]\nb: [*a]\n"
        XCTAssertNoThrow(try loadYAML(text, limits: YAMLLimits(maxNodes: 12)))
        assertYAMLError(
            text, limits: YAMLLimits(maxNodes: 11), .tooManyNodes,
            "the document expands to more than 11 nodes through aliases (an alias bomb?); write the repeated parts out instead of aliasing them",
            at: 2, 4)
    }

    func testAFlatDocumentOverTheBudgetIsRefusedBeforeItIsComposed() {
        let list = "[" + Array(repeating: "1", count: 100_000).joined(separator: ",") + "]"
        let error = timed("100,000-item list") { yamlError(Array(list.utf8)) }
        XCTAssertEqual(error?.reason, .tooManyNodes)
        XCTAssertEqual(error?.message, "the document has more than 100000 nodes; split it into smaller files")
        XCTAssertEqual(error?.location, yamlLocation(1, 200_000))
        assertYAMLError(
            "a: 1\nb: 2\n", limits: YAMLLimits(maxNodes: 4), .tooManyNodes,
            "the document has more than 4 nodes; split it into smaller files",
            at: 2, 4)
    }

    // MARK: Depth

    private let tooDeep = "the document nests lists and mappings more than 128 levels deep; flatten it"

    func testTenThousandNestedFlowListsAreRefusedWithALocation() {
        let text = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let error = timed("10,000 nested flow lists") { yamlError(Array(text.utf8)) }
        XCTAssertEqual(error?.reason, .tooDeep)
        XCTAssertEqual(error?.message, tooDeep)
        XCTAssertEqual(error?.location, yamlLocation(1, 129))
    }

    func testTenThousandNestedFlowMappingsAreRefusedWithALocation() {
        let text = String(repeating: "{a: ", count: 10_000) + String(repeating: "}", count: 10_000)
        let error = timed("10,000 nested flow mappings") { yamlError(Array(text.utf8)) }
        XCTAssertEqual(error?.reason, .tooDeep)
        XCTAssertEqual(error?.location, yamlLocation(1, 4 * 128 + 1))
    }

    func testTenThousandNestedBlockListsAreRefusedWithALocation() {
        let sameLine = String(repeating: "- ", count: 10_000) + "x\n"
        let error = timed("10,000 nested block lists on one line") { yamlError(Array(sameLine.utf8)) }
        XCTAssertEqual(error?.reason, .tooDeep)
        XCTAssertEqual(error?.message, tooDeep)
        XCTAssertEqual(error?.location, yamlLocation(1, 2 * 128 + 1))

        let staircase = (0..<2_000).map { String(repeating: " ", count: $0) + "-" }.joined(separator: "\n") + " x\n"
        let stairError = timed("2,000 nested block lists, one per line") { yamlError(Array(staircase.utf8)) }
        XCTAssertEqual(stairError?.reason, .tooDeep)
        XCTAssertEqual(stairError?.location, yamlLocation(129, 129))
    }

    func testThousandsOfNestedBlockMappingsAreRefusedWithALocation() {
        // Indentation makes 10,000 levels a 50 MB file (refused for its size);
        // 2,000 levels fit in the 4 MiB limit.
        let text = (0..<2_000).map { String(repeating: " ", count: $0) + "a:" }.joined(separator: "\n") + " x\n"
        let error = timed("2,000 nested block mappings") { yamlError(Array(text.utf8)) }
        XCTAssertEqual(error?.reason, .tooDeep)
        XCTAssertEqual(error?.message, tooDeep)
        XCTAssertEqual(error?.location, yamlLocation(129, 129))
    }

    func testTwoHundredLevelsAreTooDeepAndOneHundredTwentyEightAreNot() throws {
        assertYAMLError(
            String(repeating: "[", count: 200) + String(repeating: "]", count: 200),
            .tooDeep, tooDeep, at: 1, 129)
        let deepest = try loadYAMLDocument(String(repeating: "[", count: 128) + String(repeating: "]", count: 128))
        var level = 1
        var node = deepest
        while let inner = node.list?.first {
            node = inner
            level += 1
        }
        XCTAssertEqual(level, 128)
    }

    func testTheComposerAndTheScannerReportTheSameTooDeepNode() {
        // Each case is checked twice: through the loader (where the key scanner refuses it
        // before anything is composed) and through the composer alone.
        let cases = [
            String(repeating: "[", count: 200) + String(repeating: "]", count: 200),
            String(repeating: "- ", count: 200) + "x\n",
            (0..<200).map { String(repeating: "  ", count: $0) + "k:" }.joined(separator: "\n") + " x\n",
            // Indentless lists (`k:` then `- ` at the same column) nest without indenting.
            (0..<100).map { String(repeating: "  ", count: $0) + "- k:" }.joined(separator: "\n") + " x\n",
            "top:\n- a: [\n" + String(repeating: "[", count: 130) + String(repeating: "]", count: 131) + "\n",
            // Properties start the node they belong to.
            String(repeating: "[", count: 128) + "&x [" + String(repeating: "]", count: 129),
            String(repeating: "- ", count: 128) + "!!seq\n" + String(repeating: "  ", count: 128) + "- x\n",
            (0..<128).map { String(repeating: "  ", count: $0) + "k:" }.joined(separator: "\n") + " &m\n"
                + String(repeating: "  ", count: 128) + "deep: x\n",
            (0..<128).map { String(repeating: "  ", count: $0) + "k:" }.joined(separator: "\n") + " !!seq\n"
                + String(repeating: "  ", count: 127) + "- x\n",
        ]
        for text in cases {
            let bytes = Array(text.utf8)
            let viaLoader = yamlError(bytes)
            let viaConverter = YAMLComposer.compose(bytes, file: yamlTestFile, limits: .default)
            guard case .failure(let converterError) = viaConverter else {
                XCTFail("the composer accepted \(text.prefix(40).debugDescription)")
                continue
            }
            XCTAssertEqual(viaLoader?.reason, .tooDeep, text.prefix(40).debugDescription)
            XCTAssertEqual(converterError.reason, .tooDeep, text.prefix(40).debugDescription)
            XCTAssertEqual(viaLoader?.location, converterError.location, text.prefix(40).debugDescription)
        }
    }

    func testNestingBeyondLibyamlsLimitIsRefusedEvenWithARaisedDepthLimit() {
        let limits = YAMLLimits(maxDepth: 1_000_000)
        for text in [
            String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000),
            String(repeating: "- ", count: 10_000) + "x\n",
        ] {
            let error = timed("10,000 levels with maxDepth raised") { yamlError(Array(text.utf8), limits: limits) }
            XCTAssertEqual(error?.reason, .tooDeep)
            XCTAssertEqual(
                error?.message,
                "the document nests lists and mappings deeper than the YAML parser's limit of 1000 levels; flatten it")
        }
    }

    func testNineHundredLevelsLoadOnAThreadWithASmallStack() {
        // The loader composes on a thread with a large stack, so a caller on a small-stack
        // thread (Swift concurrency, a secondary thread) is safe.
        final class Outcome: @unchecked Sendable { var documents: Int?; var error: (any Error)? }
        let text = String(repeating: "[", count: 900) + String(repeating: "]", count: 900)
        let outcome = Outcome()
        let finished = expectation(description: "loaded")
        let thread = Thread {
            do {
                outcome.documents = try YAMLLoader.load(Array(text.utf8), file: yamlTestFile, limits: YAMLLimits(maxDepth: 1000)).count
            } catch {
                outcome.error = error
            }
            finished.fulfill()
        }
        thread.stackSize = 256 << 10
        thread.start()
        wait(for: [finished], timeout: 30)
        XCTAssertNil(outcome.error)
        XCTAssertEqual(outcome.documents, 1)
    }

    // MARK: Random input

    private static let seeds = [
        "apiVersion: tollgate/v1\nkind: ModelCard\nmetadata:\n  name: fraud-student\n  labels: {team: risk}\nspec:\n  owners: [alice@example.com]\n  version: \"2.1.0\"\n",
        "a: &a [1, 2]\nb: *a\nc: {x: 'q''s', y: \"e\\u00e9\"}\nd: |\n  text\n  more\ne: >-\n  folded\n",
        "- a\n- - b\n  - c: d\n    e: ~\n- {f: [g, h], i: !!str 3}\n---\nsecond: doc\n...\n",
        "k: v # comment\n? q\n: r\n[x]: y\n*a : b\n\"s\": 'single'\nmulti: line\n  plain\n",
    ]

    private static let fragments = [
        "\n", " ", "  ", "- ", ": ", ":", "? ", "[", "]", "{", "}", ",", "&a ", "*a", "!!str ", "!t ",
        "'", "\"", "\\", "|", ">", "#", "---\n", "...\n", "\t", "%YAML 1.2\n", "key: ", "\u{85}", "é", "😀",
    ]

    func testRandomAndMutatedInputNeverCrashesOrHangs() {
        var generator = YAMLSeededGenerator(state: 20_250_501)
        var outcomes: [String: Int] = [:]
        let start = Date()
        for round in 0..<2_000 {
            var bytes: [UInt8]
            if round % 4 == 0 {
                // Pure noise, biased towards YAML's indicators and line breaks.
                let alphabet = Array("ab1 -:?[]{},&*!|>'\"#\n\n\t%@`\\".utf8) + (round % 40 == 0 ? [0xC3, 0xFF, 0x00, 0x07] : [])
                bytes = (0..<Int.random(in: 0..<120, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            } else {
                bytes = Array(Self.seeds.randomElement(using: &generator)!.utf8)
                for _ in 0..<Int.random(in: 1...6, using: &generator) {
                    let position = Int.random(in: 0...bytes.count, using: &generator)
                    switch Int.random(in: 0..<4, using: &generator) {
                    case 0: bytes.insert(contentsOf: Array(Self.fragments.randomElement(using: &generator)!.utf8), at: position)
                    case 1 where position < bytes.count: bytes.remove(at: position)
                    case 2 where position < bytes.count:
                        // Mostly printable ASCII; now and then any byte at all.
                        bytes[position] = round % 10 == 0 ? UInt8.random(in: 0...255, using: &generator) : UInt8.random(in: 0x20...0x7E, using: &generator)
                    default:
                        let copyStart = Int.random(in: 0...bytes.count, using: &generator)
                        let copyEnd = min(bytes.count, copyStart + Int.random(in: 0...20, using: &generator))
                        bytes.insert(contentsOf: bytes[copyStart..<copyEnd], at: position)
                    }
                }
            }
            do {
                _ = try YAMLLoader.load(bytes, file: yamlTestFile)
                outcomes["ok", default: 0] += 1
            } catch {
                outcomes["\(error.reason)", default: 0] += 1
                XCTAssertGreaterThanOrEqual(error.location.line, 1)
                XCTAssertGreaterThanOrEqual(error.location.column, 1)
                XCTAssertFalse(error.message.isEmpty)
            }
        }
        print("[fuzz] 2000 inputs in \(String(format: "%.2f", Date().timeIntervalSince(start))) s: \(outcomes.sorted { $0.key < $1.key })")
    }
}
