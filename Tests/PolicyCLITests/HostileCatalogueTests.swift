import Foundation
import TollgateTestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A catalogue of hostile inputs, each in a real git repository (the demo or a minimal one),
/// run through the real `policy check`. Every run must end in a way a user can act on — a
/// located finding, a block, or exit 2 with a clear message — never a crash, a hang or a
/// memory blow-up. Extends BadInputTests (which covers flow-sequence nesting, the flow alias
/// bomb, binary data, invalid UTF-8 in a value, unknown kind/key, missing references).
final class HostileCatalogueTests: XCTestCase {
    // MARK: - Running the binary with bounds

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
        var seconds: Double
        var timedOut: Bool
        /// Peak RSS of the largest child reaped so far (getrusage(RUSAGE_CHILDREN)), in bytes.
        var peakChildRSS: Int

        var flat: String {
            (stdout + " " + stderr).split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
        }

        func json() -> [String: Any] {
            ((try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any]) ?? [:]
        }

        /// Every finding of the report, with the subject's file.
        var findings: [(subject: String, rule: String, severity: String, file: String, line: Int, column: Int, message: String)] {
            let subjects = json()["subjects"] as? [[String: Any]] ?? []
            return subjects.flatMap { subject -> [(String, String, String, String, Int, Int, String)] in
                let rules = subject["rules"] as? [[String: Any]] ?? []
                return rules.flatMap { rule -> [(String, String, String, String, Int, Int, String)] in
                    ((rule["findings"] as? [[String: Any]]) ?? []).map { finding in
                        let location = finding["location"] as? [String: Any] ?? [:]
                        return (subject["file"] as? String ?? "", rule["id"] as? String ?? "",
                                finding["severity"] as? String ?? "",
                                location["file"] as? String ?? "", location["line"] as? Int ?? 0,
                                location["column"] as? Int ?? 0, finding["message"] as? String ?? "")
                    }
                }
            }
        }

        func findings(inFile file: String) -> [(subject: String, rule: String, severity: String, file: String, line: Int, column: Int, message: String)] {
            findings.filter { $0.file == file || $0.subject == file }
        }
    }

    static let timeLimit: Double = 30  // a debug build on a loaded 2-core CI machine; a hang still fails

    /// Runs `policy ARGS` in `directory` (default: the sandbox root), killing it after the
    /// time limit.
    func policy(_ sandbox: GitSandbox, _ arguments: [String], in directory: URL? = nil,
                timeout: Double = HostileCatalogueTests.timeLimit, environment: [String: String] = [:]) throws -> Run {
        let start = Date()
        let result = try PolicyBinary.run(arguments, in: directory ?? sandbox.root, environment: environment,
                                          timeout: timeout)
        let seconds = Date().timeIntervalSince(start)
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        return Run(status: result.status, stdout: result.stdout, stderr: result.stderr,
                   seconds: seconds, timedOut: result.timedOut, peakChildRSS: Int(usage.ru_maxrss) * 1024)
    }

    /// `policy check --format json ARGS`, asserting the invariants of every hostile run.
    @discardableResult
    func check(_ sandbox: GitSandbox, _ arguments: [String] = [], in directory: URL? = nil, _ name: String,
               environment: [String: String] = [:], file: StaticString = #filePath, line: UInt = #line) throws -> Run {
        let run = try policy(sandbox, ["check", "--format", "json"] + arguments, in: directory, environment: environment)
        assertSane(run, name, file: file, line: line)
        return run
    }

    func assertSane(_ run: Run, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(run.timedOut, "[\(name)] still running after \(Self.timeLimit) s (hang); killed", file: file, line: line)
        XCTAssertTrue([0, 1, 2].contains(run.status), "[\(name)] exit \(run.status): \(run.stderr.prefix(2000))", file: file, line: line)
        for crash in ["Fatal error", "Illegal instruction", "Segmentation", "Stack dump", "Trace/breakpoint"] {
            XCTAssertFalse(run.stderr.contains(crash), "[\(name)] crashed: \(run.stderr.prefix(2000))", file: file, line: line)
        }
        XCTAssertLessThan(run.seconds, Self.timeLimit, "[\(name)] took \(run.seconds) s", file: file, line: line)
        if run.status == 2 {
            XCTAssertFalse(run.stderr.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
                           "[\(name)] exit 2 without a message", file: file, line: line)
        }
        print("[hostile] \(name): exit \(run.status) in \(String(format: "%.2f", run.seconds)) s")
    }

    /// A located finding in `path` whose message contains `needle`, at `line` (and `column`).
    func assertFinding(_ run: Run, in path: String, containing needle: String, line expectedLine: Int? = nil,
                       column: Int? = nil, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
        let matches = run.findings.filter { $0.file == path && $0.message.contains(needle) }
        guard let finding = matches.first else {
            XCTFail("[\(name)] no finding in \(path) containing '\(needle)'; findings: \(run.findings.map { "\($0.file):\($0.line):\($0.column) \($0.message)" }) stderr: \(run.stderr.prefix(1000))",
                    file: file, line: line)
            return
        }
        XCTAssertEqual(finding.severity, "block", "[\(name)] \(finding)", file: file, line: line)
        if let expectedLine { XCTAssertEqual(finding.line, expectedLine, "[\(name)] \(finding)", file: file, line: line) }
        else { XCTAssertGreaterThan(finding.line, 0, "[\(name)] unlocated: \(finding)", file: file, line: line) }
        if let column { XCTAssertEqual(finding.column, column, "[\(name)] \(finding)", file: file, line: line) }
    }

    static let envelope = "apiVersion: tollgate/v1\nkind: ModelCard\n"

    /// A repository with one Policy (ModelCards need limitations) and nothing else, uncommitted.
    func minimalRepository() throws -> GitSandbox {
        let sandbox = try GitSandbox()
        try sandbox.write("policies/cards.yaml", """
            apiVersion: tollgate/v1
            kind: Policy
            metadata: {name: cards}
            spec:
              match: {kinds: [ModelCard]}
              enforcement: block
              rules:
                - id: has-limitations
                  require: {fields: [card.spec.limitations]}

            """)
        return sandbox
    }

    // MARK: - 1. Document content, table-driven (one file added to the demo's working tree)

    struct DocumentCase: Sendable {
        var name: String
        var path: String
        var data: @Sendable () -> Data
        /// Expected located finding: (message fragment, line, column); nil = only "sane and no crash".
        var expect: (String, Int?, Int?)?
    }

    static func text(_ string: String) -> @Sendable () -> Data { { Data(string.utf8) } }

    static let documentCases: [DocumentCase] = [
        DocumentCase(name: "alias bomb, block sequences (9 levels x 9 aliases)", path: "models/seq-bomb.yaml", data: {
            var y = "apiVersion: tollgate/v1\nkind: ModelCard\nmetadata: {name: seq-bomb}\nspec:\n  a: &a\n"
            y += String(repeating: "    - lol\n", count: 9)
            var previous = "a"
            for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
                y += "  \(name): &\(name)\n" + String(repeating: "    - *\(previous)\n", count: 9)
                previous = name
            }
            return Data(y.utf8)
        }, expect: ("alias", nil, nil)),
        DocumentCase(name: "alias bomb, flow mappings (9 levels x 9 keys)", path: "models/map-bomb.yaml", data: {
            var y = "apiVersion: tollgate/v1\nkind: ModelCard\nmetadata: {name: map-bomb}\nspec:\n"
            y += "  a: &a {" + (0..<9).map { "k\($0): lol" }.joined(separator: ", ") + "}\n"
            var previous = "a"
            for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
                y += "  \(name): &\(name) {" + (0..<9).map { "k\($0): *\(previous)" }.joined(separator: ", ") + "}\n"
                previous = name
            }
            return Data(y.utf8)
        }, expect: ("alias", 9, 6)),
        DocumentCase(name: "deep nesting, 5,000 flow mappings", path: "models/deep-flow-map.yaml", data: {
            Data(("apiVersion: tollgate/v1\nkind: ModelCard\nmetadata: {name: d}\nspec:\n  x: "
                + String(repeating: "{a: ", count: 5_000) + "1" + String(repeating: "}", count: 5_000) + "\n").utf8)
        }, expect: ("128 levels", 5, nil)),
        DocumentCase(name: "deep nesting, 2,000 block mappings", path: "models/deep-block.yaml", data: {
            Data(("apiVersion: tollgate/v1\nkind: ModelCard\nmetadata: {name: d}\nspec:\n  x:\n"
                + (0..<2_000).map { String(repeating: " ", count: 2 + 2 * $0) + "k:\n" }.joined()).utf8)
        }, expect: ("128 levels", 133, 257)),
        DocumentCase(name: "deep nesting, block sequences then flow mappings", path: "models/deep-mixed.yaml", data: {
            Data(("apiVersion: tollgate/v1\nkind: ModelCard\nmetadata: {name: d}\nspec:\n  x:\n"
                + (0..<500).map { String(repeating: " ", count: 2 + 2 * $0) + "- \n" }.joined()
                + String(repeating: " ", count: 1004) + String(repeating: "{a: ", count: 3_000)
                + String(repeating: "}", count: 3_000) + "\n").utf8)
        }, expect: ("128 levels", nil, nil)),
        DocumentCase(name: "invalid UTF-8 in a comment on line 6", path: "models/latin1-comment.yaml", data: {
            var d = Data("apiVersion: tollgate/v1\nkind: ModelCard\nmetadata: {name: c}\nspec:\n  model: m\n  # caf".utf8)
            d.append(contentsOf: [0xE9])
            d.append(Data("\n".utf8))
            return d
        }, expect: ("UTF-8", 6, nil)),
        DocumentCase(name: "NUL byte inside a value on line 5", path: "models/nul.yaml", data: {
            var d = Data("apiVersion: tollgate/v1\nkind: ModelCard\nmetadata: {name: nul}\nspec:\n  model: a".utf8)
            d.append(0)
            d.append(Data("b\n".utf8))
            return d
        }, expect: ("NUL", 5, 11)),
        DocumentCase(name: "BOM does not shift line or column", path: "models/bom.yaml", data: {
            Data([0xEF, 0xBB, 0xBF] + Array("apiVersion: tollgate/v1\nkind: ModelCrad\nmetadata: {name: bom}\nspec: {}\n".utf8))
        }, expect: ("unknown kind 'ModelCrad'", 2, 7)),
        DocumentCase(name: "tab used as indentation", path: "models/tabs.yaml", data:
            text("apiVersion: tollgate/v1\nkind: ModelCard\nmetadata:\n\tname: tabs\nspec: {}\n"),
            expect: ("tabs", 4, 1)),
        DocumentCase(name: "duplicate key names the first occurrence", path: "models/dup.yaml", data:
            text("apiVersion: tollgate/v1\nkind: ModelCard\nmetadata: {name: dup}\nspec:\n  model: a\n  model: b\n"),
            expect: ("line 5", 6, 3)),
        DocumentCase(name: "kind is a number", path: "models/kind-number.yaml", data:
            text("apiVersion: tollgate/v1\nkind: 42\nmetadata: {name: n}\nspec: {}\n"),
            expect: ("kind", 2, nil)),
        DocumentCase(name: "metadata.name with upper case", path: "models/upper.yaml", data:
            text("apiVersion: tollgate/v1\nkind: ModelCard\nmetadata: {name: FraudStudent}\nspec: {}\n"),
            expect: ("not a valid name", 3, 18)),
        DocumentCase(name: "unknown top-level key", path: "models/toplevel.yaml", data:
            text("apiVersion: tollgate/v1\nkind: ModelCard\nmetadata: {name: t}\nspec: {}\nstatus: {phase: ok}\n"),
            expect: ("status", 5, nil)),
        DocumentCase(name: "apiVersion tollgate/v2", path: "models/v2.yaml", data:
            text("apiVersion: tollgate/v2\nkind: ModelCard\nmetadata: {name: v2}\nspec: {}\n"),
            expect: ("tollgate/v2", 1, nil)),
        DocumentCase(name: "multi-document file (one document per file)", path: "models/multi.yaml", data:
            text("apiVersion: tollgate/v1\nkind: ModelCard\nmetadata: {name: one}\nspec: {}\n---\napiVersion: tollgate/v1\nkind: ModelCard\nmetadata: {name: two}\nspec: {}\n"),
            expect: ("document", nil, nil)),
        DocumentCase(name: "10,000-item list in spec.limitations", path: "models/long-list.yaml", data: {
            Data(("apiVersion: tollgate/v1\nkind: ModelCard\nmetadata: {name: long-list}\nspec:\n  limitations:\n"
                + String(repeating: "    - a limitation\n", count: 10_000)).utf8)
        }, expect: nil),
        DocumentCase(name: "1 MB single-line string", path: "models/long-line.yaml", data: {
            Data(("apiVersion: tollgate/v1\nkind: ModelCard\nmetadata: {name: long-line}\nspec:\n  description: \""
                + String(repeating: "x", count: 1_048_576) + "\"\n").utf8)
        }, expect: nil),
    ]

    func testDocumentCatalogue() throws {
        // One demo, every hostile file added at once: each must be reported on its own file.
        let demo = try GitSandbox.demo()
        for item in Self.documentCases { try demo.write(item.path, item.data()) }
        let run = try check(demo, [], "document catalogue (all files together)")
        XCTAssertEqual(run.status, 1)
        for item in Self.documentCases {
            if let (needle, line, column) = item.expect {
                assertFinding(run, in: item.path, containing: needle, line: line, column: column, item.name)
            }
        }
    }

    func testEachDocumentAloneIsFastAndSane() throws {
        // The same files one at a time, so a slow or crashing one is named.
        let demo = try GitSandbox.demo()
        for item in Self.documentCases {
            try demo.write(item.path, item.data())
            let run = try check(demo, [], item.name)
            XCTAssertEqual(run.status, 1, "[\(item.name)] \(run.stderr)")
            try FileManager.default.removeItem(at: demo.root.appendingPathComponent(item.path))
        }
    }

    func testEmptyFileAndCommentOnlyFileAreIgnored() throws {
        let demo = try GitSandbox.demo()
        try demo.write("models/empty.yaml", "")
        try demo.write("models/comments.yaml", "# only a comment\n# apiVersion: tollgate/v1\n")
        let run = try check(demo, [], "empty and comment-only yaml")
        XCTAssertEqual(run.status, 1, "blocked by the demo's p95 only")
        XCTAssertTrue(run.findings(inFile: "models/empty.yaml").isEmpty, "\(run.findings)")
        XCTAssertTrue(run.findings(inFile: "models/comments.yaml").isEmpty, "\(run.findings)")
    }

    func testHundredMegabyteYAMLInBoundedTimeAndMemory() throws {
        let demo = try GitSandbox.demo()
        let url = demo.root.appendingPathComponent("models/huge.yaml")
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        handle.write(Data("apiVersion: tollgate/v1\nkind: ModelCard\nmetadata: {name: huge}\nspec:\n  limitations:\n".utf8))
        let chunk = Data(String(repeating: "    - a limitation that is repeated many times over\n", count: 20_000).utf8)
        var written = 0
        while written < 100 * 1024 * 1024 { handle.write(chunk); written += chunk.count }
        try handle.close()
        let run = try check(demo, [], "100 MB YAML")
        XCTAssertLessThan(run.peakChildRSS, 500 * 1024 * 1024, "peak RSS \(run.peakChildRSS / 1_048_576) MB")
        XCTAssertEqual(run.status, 1)
        XCTAssertFalse(run.findings(inFile: "models/huge.yaml").isEmpty, "a 100 MB document is reported, not silently accepted")
    }

    // MARK: - 2. Line endings and numbers in real documents of the demo

    func testCRLFKeepsLineNumbers() throws {
        let demo = try GitSandbox.demo()
        let run8812 = "runs/fraud-student/run-8812.yaml"
        let line = try demo.line(of: "p95Ms: 28.7", in: run8812)
        try demo.write(run8812, try demo.read(run8812).replacingOccurrences(of: "\n", with: "\r\n"))
        let crlf = try check(demo, [], "CRLF run manifest")
        XCTAssertEqual(crlf.status, 1)
        assertFinding(crlf, in: run8812, containing: "p95 latency 28.7 ms exceeds 25 ms", line: line, column: 12, "CRLF p95")
        try demo.edit(run8812, replacing: "p95Ms: 28.7", with: "p95ms: 28.7")
        let misspelt = try check(demo, [], "CRLF unknown key")
        assertFinding(misspelt, in: run8812, containing: "unknown key 'p95ms'", line: line, column: 5, "CRLF unknown key")
    }

    func testHugeNumbers() throws {
        let demo = try GitSandbox.demo()
        let run8812 = "runs/fraud-student/run-8812.yaml"
        try demo.edit(run8812, replacing: "seed: 8812", with: "seed: 99999999999999999999999")
        try demo.edit(run8812, replacing: "p95Ms: 28.7", with: "p95Ms: 1e400")
        let run = try check(demo, [], "huge numbers")
        XCTAssertEqual(run.status, 1)
        assertFinding(run, in: run8812, containing: "expected an integer", line: try demo.line(of: "seed:", in: run8812), column: 11, "int overflow")
        // 1e400 overflows to infinity: still a block for a max bound, never a pass.
        XCTAssertTrue(run.findings.contains { $0.rule == "release-gate/p95-latency" || $0.message.contains("p95 latency") }, "\(run.findings)")
    }

    /// NaN compares false with every bound: a gate written as "value > max" lets NaN through.
    /// Was a bug (fixed: NaN is refused by the schema and fails closed in threshold): ThresholdCheck compared `number > max.bound` /
    /// `number < min.bound`, both false for NaN, so `p95Ms: .nan` and `availability: .nan` pass.
    func testNaNAndInfinityInThresholdValues() throws {
        for (name, key, value) in [("p95Ms .nan", "p95Ms: 28.7", "p95Ms: .nan"),
                                   ("availability .nan", "availability: 0.999", "availability: .nan"),
                                   ("availability -.inf", "availability: 0.999", "availability: -.inf")] {
            let demo = try GitSandbox.demo()
            let run8812 = "runs/fraud-student/run-8812.yaml"
            try demo.edit(run8812, replacing: key, with: value)
            let run = try check(demo, [], name)
            let rule = key.hasPrefix("p95") ? "p95" : "availability"
            XCTAssertEqual(run.status, 1)
            XCTAssertTrue(run.findings.contains { $0.file == run8812 && ($0.rule.contains(rule) || $0.message.lowercased().contains(rule)) },
                          "[\(name)] a non-finite measurement must not pass the \(rule) gate: \(run.findings.map { "\($0.rule) \($0.message)" })")
        }
    }

    /// Was a bug (fixed: non-finite numbers are refused by the schema): `max: .nan` turned the rule off (exit 0).
    func testNaNBoundInAPolicyIsRejected() throws {
        let demo = try GitSandbox.demo()
        try demo.edit("policies/release-gate.yaml", replacing: "p95Ms, max: 25,", with: "p95Ms, max: .nan,")
        let run = try check(demo, [], "policy max: .nan")
        // A NaN bound can never be met or missed; it must not silently turn the gate off.
        XCTAssertEqual(run.status, 2, "a NaN bound must make the policy invalid (exit 2), got exit \(run.status): \(run.stdout.prefix(300))")
    }

    func testThresholdWithMinAboveMaxIsRejected() throws {
        let demo = try GitSandbox.demo()
        try demo.edit("policies/release-gate.yaml", replacing: "p95Ms, max: 25,", with: "p95Ms, min: 30, max: 25,")
        let run = try check(demo, [], "threshold min > max")
        XCTAssertNotEqual(run.status, 0, "an unsatisfiable threshold must not pass")
        XCTAssertTrue(run.flat.contains("min") && run.flat.contains("max"), run.stderr)
    }

    // MARK: - 3. Invalid policies and teams: exit 2 naming the file

    func testInvalidPolicies() throws {
        let cases: [(String, String, String, String)] = [
            ("policy with a duplicated rule id", "policies/release-gate.yaml", "- id: p99-latency", "- id: p95-latency"),
            ("rule referring to an unknown binding", "policies/release-gate.yaml", "value: run.spec.serving.p95Ms", "value: champion.spec.serving.p95Ms"),
        ]
        for (name, path, old, new) in cases {
            let demo = try GitSandbox.demo()
            try demo.edit(path, replacing: old, with: new)
            let run = try check(demo, [], name)
            XCTAssertEqual(run.status, 2, "[\(name)] \(run.stdout.prefix(300))")
            XCTAssertTrue(run.stderr.contains(path), "[\(name)] \(run.stderr)")
            XCTAssertEqual(run.stdout, "", "[\(name)] no verdict on stdout")
        }
    }

    func testTeamWithAnUnparsableKey() throws {
        let demo = try GitSandbox.demo()
        let team = try demo.read("policies/team.yaml")
        let bobKey = try XCTUnwrap(team.components(separatedBy: "\n").first { $0.contains("bob@distilops.example\"]") && $0.contains("signingKeys") })
        try demo.write("policies/team.yaml", team.replacingOccurrences(of: bobKey, with: "      signingKeys: [\"ssh-ed25519 !!!not-base64!!! bob@distilops.example\"]"))
        let run = try check(demo, [], "team key unparsable")
        XCTAssertTrue(run.status == 1 || run.status == 2)
        XCTAssertTrue(run.flat.contains("policies/team.yaml"), "the bad key is located: \(run.stderr) \(run.stdout.prefix(500))")
    }

    // MARK: - 4. Paths and tree entries

    func testPathNamesWithSpacesUnicodeAndNewline() throws {
        let demo = try GitSandbox.demo()
        let paths = ["models/my card.yaml", "models/日本/café.yaml", "models/new\nline.yaml"]
        for path in paths {
            try demo.write(path, "apiVersion: tollgate/v1\nkind: ModelCard\nmetadata: {name: Upper}\nspec: {}\n")
        }
        for mode in [[], ["--rev", "HEAD"]] {
            if mode == ["--rev", "HEAD"] { try demo.commitAll("Add oddly named cards") }
            let run = try check(demo, mode, "odd path names \(mode)")
            XCTAssertEqual(run.status, 1)
            for path in paths {
                assertFinding(run, in: path, containing: "not a valid name", line: 3, column: 18, "path \(path.debugDescription) \(mode)")
            }
        }
    }

    func testDirectoryNamedLikeAYAMLFile() throws {
        let demo = try GitSandbox.demo()
        try demo.write("models/foo.yaml/card.yaml", "apiVersion: tollgate/v1\nkind: ModelCard\nmetadata: {name: Inner}\nspec: {}\n")
        for mode in [[], ["--rev", "HEAD"]] {
            if !mode.isEmpty { try demo.commitAll("foo.yaml is a directory") }
            let run = try check(demo, mode, "foo.yaml/ directory \(mode)")
            XCTAssertEqual(run.status, 1)
            assertFinding(run, in: "models/foo.yaml/card.yaml", containing: "not a valid name", line: 3, "file inside foo.yaml/ \(mode)")
        }
    }

    func testSymlinksAreNotFollowedOutOfTheRepository() throws {
        let demo = try GitSandbox.demo()
        let outside = demo.root.deletingLastPathComponent().appendingPathComponent("outside.yaml")
        try Data("apiVersion: tollgate/v1\nkind: ModelCard\nmetadata: {name: OUTSIDE}\nspec: {}\n".utf8).write(to: outside)
        try FileManager.default.createSymbolicLink(atPath: demo.root.appendingPathComponent("models/committed-link.yaml").path,
                                                   withDestinationPath: outside.path)
        try FileManager.default.createSymbolicLink(atPath: demo.root.appendingPathComponent("models/runs-link.yaml").path,
                                                   withDestinationPath: "../runs")
        try FileManager.default.createSymbolicLink(atPath: demo.root.appendingPathComponent("models/runs-dir").path,
                                                   withDestinationPath: "../runs")
        try demo.commitAll("Add symlinks")
        try FileManager.default.createSymbolicLink(atPath: demo.root.appendingPathComponent("models/worktree-link.yaml").path,
                                                   withDestinationPath: outside.path)
        for mode in [[], ["--rev", "HEAD"], ["--staged"]] {
            let run = try check(demo, mode, "symlinks \(mode)")
            XCTAssertTrue(run.status == 1 || run.status == 0 || run.status == 2)
            XCTAssertFalse(run.flat.contains("OUTSIDE"), "[\(mode)] read a file outside the repository through a symlink")
            XCTAssertFalse(run.flat.contains("defined twice"), "[\(mode)] followed a symlink to a directory: \(run.findings.map(\.message))")
        }
    }

    func testSubmoduleGitlink() throws {
        let demo = try GitSandbox.demo()
        try demo.git("update-index", "--add", "--cacheinfo", "160000,1111111111111111111111111111111111111111,vendor/sub.yaml")
        try demo.git("commit", "-q", "-m", "Add a submodule entry")
        for mode in [[], ["--rev", "HEAD"], ["--staged"]] {
            let run = try check(demo, mode, "gitlink \(mode)")
            XCTAssertNotEqual(run.status, 2, "[\(mode)] a submodule is not an error: \(run.stderr)")
        }
    }

    func testLFSPointerWithAWrongOid() throws {
        let demo = try GitSandbox.demo()
        try demo.write("models/fraud-student/model.onnx",
                       "version https://git-lfs.github.com/spec/v1\noid sha256:\(String(repeating: "0", count: 64))\nsize 67301632\n")
        for mode in [[], ["--rev", "HEAD"]] {
            if !mode.isEmpty { try demo.commitAll("Replace the model with a wrong LFS pointer") }
            let run = try check(demo, mode, "LFS wrong oid \(mode)")
            XCTAssertEqual(run.status, 1)
            assertFinding(run, in: "runs/fraud-student/run-8812.yaml", containing: "Git LFS pointer", "LFS \(mode)")
        }
    }

    func testFileInOneRevisionDirectoryInAnother() throws {
        let demo = try GitSandbox.demo()
        try demo.write("models/switch.yaml", "apiVersion: tollgate/v1\nkind: ModelCard\nmetadata: {name: Was-A-File}\nspec: {}\n")
        try demo.commitAll("switch.yaml is a file")
        let base = try demo.git("rev-parse", "HEAD")
        try demo.git("rm", "-q", "models/switch.yaml")
        try demo.write("models/switch.yaml/card.yaml", "apiVersion: tollgate/v1\nkind: ModelCard\nmetadata: {name: Now-A-Dir}\nspec: {}\n")
        try demo.commitAll("switch.yaml is a directory")
        let run = try check(demo, ["--base", base], "file→directory --base")
        XCTAssertEqual(run.status, 1)
        assertFinding(run, in: "models/switch.yaml/card.yaml", containing: "not a valid name", line: 3, "file→directory")
        // And back: the directory becomes a file again.
        let directoryCommit = try demo.git("rev-parse", "HEAD")
        try demo.git("rm", "-q", "-r", "models/switch.yaml")
        try demo.write("models/switch.yaml", "apiVersion: tollgate/v1\nkind: ModelCard\nmetadata: {name: File-Again}\nspec: {}\n")
        try demo.commitAll("switch.yaml is a file again")
        let back = try check(demo, ["--base", directoryCommit], "directory→file --base")
        XCTAssertEqual(back.status, 1, back.stderr)
        assertFinding(back, in: "models/switch.yaml", containing: "not a valid name", line: 3, "directory→file")
    }

    // MARK: - 5. Repository states

    func testBareRepository() throws {
        let demo = try GitSandbox.demo()
        let parent = demo.root.deletingLastPathComponent()
        _ = try GitSandbox.run("/usr/bin/git", ["clone", "-q", "--bare", demo.root.path, "bare.git"], in: parent)
        let working = try check(demo, ["-C", parent.appendingPathComponent("bare.git").path], "bare -C working tree")
        XCTAssertEqual(working.status, 2)
        XCTAssertTrue(working.stderr.contains("no working tree"), working.stderr)
        let rev = try check(demo, ["--rev", "HEAD"], in: parent.appendingPathComponent("bare.git"), "bare --rev HEAD")
        XCTAssertEqual(rev.status, 1, rev.stderr)
        XCTAssertTrue(rev.findings.contains { $0.message.contains("p95 latency 28.7 ms exceeds 25 ms") })
    }

    func testEmptyRepositoryAndUnbornHead() throws {
        let sandbox = try minimalRepository()
        try sandbox.write("card.yaml", "apiVersion: tollgate/v1\nkind: ModelCard\nmetadata: {name: Bad}\nspec: {}\n")
        let working = try check(sandbox, [], "empty repo working tree")
        XCTAssertEqual(working.status, 1)
        assertFinding(working, in: "card.yaml", containing: "not a valid name", line: 3, column: 18, "empty repo")
        let rev = try check(sandbox, ["--rev", "HEAD"], "empty repo --rev HEAD")
        XCTAssertEqual(rev.status, 2)
        XCTAssertTrue(rev.stderr.contains("no commits"), rev.stderr)
        try sandbox.git("add", "-A")
        let staged = try check(sandbox, ["--staged"], "unborn HEAD --staged")
        XCTAssertEqual(staged.status, 1)
        assertFinding(staged, in: "card.yaml", containing: "not a valid name", line: 3, column: 18, "unborn staged")
    }

    func testDetachedHead() throws {
        let demo = try GitSandbox.demo()
        try demo.git("checkout", "-q", "--detach", "HEAD~1")
        for mode in [[], ["--rev", "HEAD"], ["--base", "HEAD~2"]] {
            let run = try check(demo, mode, "detached HEAD \(mode)")
            XCTAssertNotEqual(run.status, 2, "[\(mode)] \(run.stderr)")
        }
    }

    /// A deleted blob gives exit 2 (or a located finding), never a crash. A truncated loose blob
    /// makes libgit2 1.5.1 loop forever inside zlib (libgit2 issue 7342); the watchdog turns
    /// that into exit 2 with a message naming the cause (here after 2 s instead of 60).
    func testCorruptObjects() throws {
        for truncate in [false, true] {
            let name = truncate ? "truncated loose blob" : "deleted loose blob"
            let demo = try GitSandbox.demo()
            let oid = try demo.git("rev-parse", "HEAD:runs/fraud-student/run-8812.yaml")
            let path = demo.root.appendingPathComponent(".git/objects/\(oid.prefix(2))/\(oid.dropFirst(2))").path
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
            if truncate {
                let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
                try bytes.prefix(10).write(to: URL(fileURLWithPath: path))
            } else {
                try FileManager.default.removeItem(atPath: path)
            }
            let run = try check(demo, ["--rev", "HEAD"], name, environment: ["TOLLGATE_GIT_TIMEOUT": "2"])
            XCTAssertTrue(run.status == 2 || run.findings.contains { $0.file.contains("run-8812") },
                          "[\(name)] exit 2 or a located finding: exit \(run.status) \(run.stderr.prefix(500))")
            if truncate {
                XCTAssertEqual(run.status, 2, "[\(name)] \(run.stderr)")
                XCTAssertTrue(run.stderr.contains("git fsck"), "[\(name)] \(run.stderr)")
                XCTAssertLessThan(run.seconds, 10, "[\(name)] the watchdog ends the run")
            }
        }
    }

    func testShallowClone() throws {
        let demo = try GitSandbox.demo()
        let parent = demo.root.deletingLastPathComponent()
        _ = try GitSandbox.run("/usr/bin/git", ["clone", "-q", "--depth", "1", "file://" + demo.root.path, "shallow"], in: parent)
        for mode in [[], ["--rev", "HEAD"]] {
            let run = try check(demo, mode, in: parent.appendingPathComponent("shallow"), "shallow \(mode)")
            XCTAssertEqual(run.status, 2, "[\(mode)] \(run.stdout.prefix(300))")
            XCTAssertTrue(run.stderr.contains("fetch-depth"), "[\(mode)] \(run.stderr)")
        }
    }

    /// Was a bug (fixed: unmerged paths are blocking findings): `--staged` ignored unmerged entries (IndexSnapshot.conflicted was not read
    /// outside GitKit), so an index with only a conflicted document reports PASS, 0 subjects.
    func testMergeConflictInTheIndex() throws {
        let demo = try GitSandbox.demo()
        let card = "models/fraud-student/card.yaml"
        try demo.git("checkout", "-q", "-b", "other")
        try demo.edit(card, replacing: "name:", with: "name:  ")
        try demo.write("models/conflict.yaml", "apiVersion: tollgate/v1\nkind: ModelCard\nmetadata: {name: ours}\nspec: {}\n")
        try demo.commitAll("ours")
        try demo.git("checkout", "-q", "main")
        try demo.write("models/conflict.yaml", "apiVersion: tollgate/v1\nkind: ModelCard\nmetadata: {name: theirs}\nspec: {}\n")
        try demo.commitAll("theirs")
        _ = try? demo.git("merge", "-q", "other")
        let unmerged = try demo.git("ls-files", "-u")
        XCTAssertFalse(unmerged.isEmpty, "the setup leaves unmerged entries")
        let staged = try check(demo, ["--staged"], "unmerged index --staged")
        XCTAssertTrue(staged.status == 2 || staged.findings.contains { $0.file == "models/conflict.yaml" },
                      "an unmerged path is exit 2 or a finding, not skipped: exit \(staged.status) \(staged.stderr)")
        let working = try check(demo, [], "conflict markers in the working tree")
        XCTAssertEqual(working.status, 1)
        assertFinding(working, in: "models/conflict.yaml", containing: "invalid YAML", line: 4, "conflict markers")
    }

    // MARK: - 6. Provenance

    func testApprovalCommitWithAFakeGpgsigInItsMessage() throws {
        let demo = try GitSandbox.demo()
        let approval = "approvals/fraud-student-2.1.0-production/bob.yaml"
        try demo.write(approval, try demo.read(approval) + "# touched\n")
        let message = """
            Re-approve

            gpgsig -----BEGIN SSH SIGNATURE-----
             U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAg
             -----END SSH SIGNATURE-----
            """
        try demo.git(["add", "-A"], author: "Bob Li", email: "bob@distilops.example")
        try demo.git(["commit", "-q", "-m", message], author: "Bob Li", email: "bob@distilops.example")
        let run = try check(demo, [], "gpgsig inside the message")
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.findings.contains { $0.rule.contains("sign-off") || $0.message.contains("approval") },
                      "bob's approval is now in an unsigned commit and must not count: \(run.findings.map(\.message))")
    }

    /// Was a bug (fixed: a run naming itself as teacher leaves `teacher` unbound): `teacher.run` naming the run itself resolved, so lineage and distillation
    /// (student vs itself: gap 0) pass silently.
    func testRunThatIsItsOwnTeacher() throws {
        let demo = try GitSandbox.demo()
        let run8812 = "runs/fraud-student/run-8812.yaml"
        try demo.edit(run8812, replacing: "run: run-7301}", with: "run: run-8812}")
        let run = try check(demo, [], "cyclic teacher")
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.findings.contains { $0.file == run8812 && $0.message.contains("teacher") },
                      "a run that names itself as teacher is a located finding: \(run.findings.map { "\($0.file):\($0.line) \($0.message)" })")
    }
}
