@testable import Documents
import Foundation
import Policy
import TollgateTestSupport
import XCTest

/// docs/schemas/<kind>.json are the emitted JSON Schemas, kept identical by a test
/// (`TOLLGATE_UPDATE_SCHEMAS=1 swift test --filter JSONSchemaTests` rewrites them). The
/// acceptance tests run check-jsonschema (`pip install check-jsonschema`) on every document
/// Tollgate accepts — the valid fixtures, the distilops repository, the policy pack — and
/// on documents it rejects.
final class JSONSchemaTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let schemas = root.appendingPathComponent("docs/schemas")

    static func schemaFile(_ kind: DocumentKind) -> URL {
        schemas.appendingPathComponent(JSONSchemaExport.fileName(for: kind))
    }

    // MARK: - The committed files

    func testTheCommittedSchemasMatchTheEmittedOnes() throws {
        let fileManager = FileManager.default
        let expected = Set(JSONSchemaExport.allKinds.map(JSONSchemaExport.fileName(for:)))
        // Written by hand, not emitted: the predicate of `policy attest` (AttestationTests
        // validates the demo's attestation against it).
        let written: Set<String> = ["attestation-predicate-v1.json"]
        if ProcessInfo.processInfo.environment["TOLLGATE_UPDATE_SCHEMAS"] == "1" {
            try fileManager.createDirectory(at: Self.schemas, withIntermediateDirectories: true)
            for name in try fileManager.contentsOfDirectory(atPath: Self.schemas.path)
            where name.hasSuffix(".json") && !expected.contains(name) && !written.contains(name) {
                try fileManager.removeItem(at: Self.schemas.appendingPathComponent(name))
            }
            for kind in JSONSchemaExport.allKinds {
                try JSONSchemaExport.schema(for: kind).write(to: Self.schemaFile(kind), atomically: true, encoding: .utf8)
            }
        }
        let hint = "docs/schemas is out of date: run TOLLGATE_UPDATE_SCHEMAS=1 swift test --filter JSONSchemaTests"
        for kind in JSONSchemaExport.allKinds {
            let committed = try? String(contentsOf: Self.schemaFile(kind), encoding: .utf8)
            XCTAssertEqual(committed, JSONSchemaExport.schema(for: kind), "\(kind.rawValue): \(hint)")
        }
        let present = Set(try fileManager.contentsOfDirectory(atPath: Self.schemas.path).filter { $0.hasSuffix(".json") })
        XCTAssertEqual(present, expected.union(written), hint)
    }

    // MARK: - Shape (no external tool)

    func json(_ kind: DocumentKind) throws -> [String: Any] {
        let text = JSONSchemaExport.schema(for: kind)
        XCTAssertTrue(text.hasSuffix("}\n"))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    func value(_ object: Any?, _ path: String...) -> Any? {
        var current = object
        for key in path {
            current = (current as? [String: Any])?[key]
        }
        return current
    }

    func testEveryKindHasADraft2020SchemaOfTheWholeDocument() throws {
        XCTAssertEqual(Set(JSONSchemaExport.allKinds), Set(DocumentKind.allCases))
        for kind in JSONSchemaExport.allKinds {
            let schema = try json(kind)
            XCTAssertEqual(schema["$schema"] as? String, "https://json-schema.org/draft/2020-12/schema")
            XCTAssertEqual(schema["$id"] as? String, "https://tollgate.dev/schemas/v1/\(kind.rawValue.lowercased()).json")
            XCTAssertEqual(schema["title"] as? String, "Tollgate \(kind.rawValue)")
            XCTAssertFalse((schema["description"] as? String ?? "").isEmpty)
            XCTAssertEqual(schema["required"] as? [String], ["apiVersion", "kind", "metadata", "spec"])
            XCTAssertEqual(schema["additionalProperties"] as? Bool, false)
            XCTAssertEqual(value(schema, "properties", "apiVersion", "const") as? String, "tollgate/v1")
            XCTAssertEqual(value(schema, "properties", "kind", "const") as? String, kind.rawValue)
            XCTAssertEqual(value(schema, "properties", "metadata", "properties", "name", "pattern") as? String,
                           "^[a-z0-9][a-z0-9._-]*$")
            XCTAssertEqual(value(schema, "properties", "metadata", "additionalProperties") as? Bool, false)
            // The envelope is written out in JSONSchemaExport; it must stay the loader's.
            XCTAssertEqual(Set((value(schema, "properties") as? [String: Any] ?? [:]).keys), Set(DocumentLoader.envelopeKeys))
            XCTAssertEqual(Set((value(schema, "properties", "metadata", "properties") as? [String: Any] ?? [:]).keys),
                           Set(DocumentLoader.metadataSchema.fields.map(\.name)))
            XCTAssertEqual(value(schema, "properties", "metadata", "required") as? [String],
                           DocumentLoader.metadataSchema.fields.filter(\.required).map(\.name))
            XCTAssertEqual(value(schema, "properties", "spec", "additionalProperties") as? Bool, false)
            let specFields = Set(kind.specSchema.fields.map(\.name))
            XCTAssertEqual(Set((value(schema, "properties", "spec", "properties") as? [String: Any] ?? [:]).keys), specFields)
            XCTAssertEqual(Set(value(schema, "properties", "spec", "required") as? [String] ?? []),
                           Set(kind.specSchema.fields.filter(\.required).map(\.name)), kind.rawValue)
        }
    }

    func testFieldTypesBecomeJSONTypes() throws {
        let card = try json(.modelCard)
        let spec = try XCTUnwrap(value(card, "properties", "spec", "properties") as? [String: Any])
        XCTAssertEqual(value(spec, "version", "type") as? [String], ["string", "number", "integer", "boolean"],
                       "version: 1.10 is a number to a JSON tool")
        XCTAssertEqual(value(spec, "version", "description") as? String, "semantic version of this model")
        let formats = try XCTUnwrap(value(spec, "format", "enum") as? [Any])
        XCTAssertEqual(formats.compactMap { $0 as? String }, ["onnx", "pytorch", "tflite", "safetensors", "other"])
        XCTAssertTrue(formats.last is NSNull, "an optional field may be empty (`format:`)")
        XCTAssertEqual(value(spec, "sizeMB", "type") as? [String], ["number", "null"], "an optional field may be empty")
        XCTAssertEqual(value(spec, "owners", "minItems") as? Int, 1)
        XCTAssertEqual(value(spec, "intendedUse", "required") as? [String], ["primaryUses", "primaryUsers", "outOfScope"])

        let run = try XCTUnwrap(value(try json(.runManifest), "properties", "spec", "properties") as? [String: Any])
        XCTAssertEqual(value(run, "code", "properties", "commit", "pattern") as? String, "^[0-9a-fA-F]{40}$")
        XCTAssertEqual(value(run, "config", "properties", "seed", "type") as? String, "integer")
        XCTAssertEqual(value(run, "metrics", "additionalProperties", "type") as? String, "number")
        XCTAssertEqual(value(run, "config", "properties", "hyperparameters", "additionalProperties", "type") as? [String],
                       ["string", "number", "boolean"])
        XCTAssertTrue((value(run, "environment", "properties", "image", "pattern") as? String ?? "").hasSuffix("@sha256:[0-9a-f]{64}$"))

        let incident = try XCTUnwrap(value(try json(.incident), "properties", "spec", "properties") as? [String: Any])
        XCTAssertEqual(value(incident, "opened", "pattern") as? String, JSONSchemaExport.pattern(.rfc3339))
    }

    func testPolicyRulesHaveTheCommonKeysAndExactlyOneRegisteredCheck() throws {
        let policy = try json(.policy)
        XCTAssertEqual(value(policy, "properties", "spec", "properties", "rules", "items", "$ref") as? String, "#/$defs/rule")
        let rule = try XCTUnwrap(value(policy, "$defs", "rule") as? [String: Any])
        let keywords = CheckRegistry.all.map { $0.keyword }
        let variants = try XCTUnwrap(rule["oneOf"] as? [[String: Any]])
        XCTAssertEqual(variants.map { $0["required"] as? [String] ?? [] }, keywords.map { [$0] })
        XCTAssertEqual(rule["required"] as? [String], ["id"])
        XCTAssertEqual(rule["additionalProperties"] as? Bool, false)
        let properties = try XCTUnwrap(rule["properties"] as? [String: Any])
        XCTAssertEqual(Set(properties.keys), Set(["id", "description", "enforcement", "runbook", "tags", "message", "messageExpression"] + keywords))
        XCTAssertEqual(value(policy, "$defs", "expr", "type") as? String, "string", "expr is written as a string")
        for keyword in keywords where keyword != "expr" {
            XCTAssertEqual(value(properties, keyword, "$ref") as? String, "#/$defs/\(keyword)")
            let check = try XCTUnwrap(CheckRegistry.check(named: keyword))
            let definition = try XCTUnwrap(value(policy, "$defs", keyword) as? [String: Any], keyword)
            XCTAssertEqual(Set((definition["properties"] as? [String: Any] ?? [:]).keys), Set(check.schema.fields.map(\.name)), keyword)
            XCTAssertEqual(definition["additionalProperties"] as? Bool, false)
        }
        for planned in CheckRegistry.planned {
            XCTAssertNil(properties[planned], "\(planned) is not supported, so a rule using it is invalid")
        }
    }

    /// The patterns say what `TextFormat.accepts` says, on strings of every format.
    func testPatternsAgreeWithTheLoader() throws {
        let hex40 = "9cde791ac58d188201288af9a011e7e388ec9451", hex64 = String(repeating: "ab", count: 32)
        let samples: [TextFormat: [String]] = [
            .name: ["fraud-student-2.1.0", "run_8812", "8812", "Fraud", "-x", ".x", "", "a b", "a/b"],
            .commitSHA: [hex40, hex40.uppercased(), String(hex40.dropLast()), hex40 + "0", "g" + hex40.dropFirst()],
            .imageDigest: ["registry.example.com/ml/train@sha256:\(hex64)", "train:1.4", "@sha256:\(hex64)",
                           "r/n@sha256:\(hex64.uppercased())", "r/n@sha256:\(hex64)0", "r n@sha256:\(hex64)"],
            .sha256: [hex64, hex64.uppercased(), String(hex64.dropLast()), "sha256:\(hex64)"],
            .md5: [String(hex64.prefix(32)), String(hex64.prefix(32)).uppercased(), String(hex64.prefix(31)), String(hex64.prefix(33)),
                   "md5:" + hex64.prefix(32), String(hex64.prefix(31)) + "g"],
            .bundleDigest: ["sha256:\(hex64)", hex64, "sha256:\(hex64.uppercased())", "SHA256:\(hex64)"],
            .rfc3339: ["2026-11-20", "2026-11-20T14:03:00Z", "2026-11-20 14:03:00Z", "2026-11-20T14:03:00.25+05:30",
                       "2026-11-20T14:03:00-00:00", "2026-13-01", "2026-00-10", "2026-11-32", "2026-11-20T14:03Z",
                       "2026-11-20T14:03:00", "2026-11-20t14:03:00z", "20-11-2026", "tomorrow", "2026-11-20T25:00:00Z"],
            .relativePath: ["docs/runbooks/a.md", "policies/", "a..b/c", "/etc/passwd", "../x", "a/../b", "a/..", "..", ""],
            .nonBlank: ["why", " x ", "", " ", "   ", "\t\n", "\n\n"],
            .semver: ["2.1.0", "0.0.0", "10.20.30", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-0.3.7", "1.0.0-x.7.z.92",
                      "1.0.0-x-y-z.--", "1.0.0+20130313144700", "1.0.0-beta+exp.sha.5114f85", "1.0.0+0001",
                      "1.0.0-alpha0.valid", "1.0.0-0A.is.legal", "banana", "1.0", "1.0.0.0", "01.1.1", "1.01.1",
                      "1.1.01", "1.0.0-01", "1.0.0-", "1.0.0+", "1.0.0-alpha..1", "1.0.0+a..b", "1.0.0-alpha_beta",
                      "v1.0.0", " 1.0.0", "1.0.0 ", "", "1.2.3-beta.00", "1.2.3-beta.0-0", "+1.0.0", "1.0.0-+x"],
        ]
        XCTAssertEqual(Set(samples.keys), Set(TextFormat.allCases))
        for (format, strings) in samples {
            let pattern = try NSRegularExpression(pattern: JSONSchemaExport.pattern(format))
            let parent = try NSRegularExpression(pattern: JSONSchemaExport.relativePathParentPattern)
            for text in strings {
                let range = NSRange(text.startIndex..., in: text)
                var matches = pattern.firstMatch(in: text, range: range) != nil
                if format == .relativePath { matches = matches && parent.firstMatch(in: text, range: range) == nil }
                XCTAssertEqual(matches, format.accepts(text), "\(format) '\(text)'")
            }
        }
    }

    /// The text formats are checked by hand-written byte code (no regular expressions on the
    /// hot path); random near-miss strings must get the same answer from the code and from the
    /// exported pattern. A seeded generator, taken in a fixed order, keeps failures reproducible.
    func testRandomStringsGetTheSameAnswerFromCodeAndPattern() throws {
        let hex64 = String(repeating: "ab", count: 32)
        let stems: [TextFormat: [String]] = [
            .name: ["fraud-student-2.1.0", "run_8812", "a"],
            .commitSHA: [String(hex64.prefix(40))],
            .imageDigest: ["registry.example.com/ml/train@sha256:\(hex64)"],
            .sha256: [hex64],
            .bundleDigest: ["sha256:\(hex64)"],
            .rfc3339: ["2026-11-20", "2026-11-20T14:03:00Z", "2026-11-20 14:03:00.25+05:30", "1999-02-31T23:59:59-08:00"],
            .relativePath: ["docs/runbooks/a.md", "a/../b"],
            .semver: ["2.1.0", "1.0.0-rc.1+build.5", "10.0.0-0.alpha-1"],
        ]
        let alphabet = Array("0123456789abcdefABCDEFTZtz:.-+_/ @\t\n".unicodeScalars) + ["é", "\u{0}"]
        // In a fixed order: a dictionary's order changes from one process to the next, and with
        // it the strings each format would get from the generator.
        for format in TextFormat.allCases {
            guard let seeds = stems[format] else { continue }
            // ECMA 262's `$` (JSON Schema) is the end of input; ICU's also matches before a final
            // line break, which the code rightly refuses ("run-8812\n" is no name), and which
            // would make the parent-directory pattern see ".." in "a/..\n".
            let pattern = try NSRegularExpression(pattern: JSONSchemaExport.pattern(format).replacingOccurrences(of: "$", with: "\\z"))
            let parent = try NSRegularExpression(pattern: JSONSchemaExport.relativePathParentPattern
                .replacingOccurrences(of: "$", with: "\\z"))
            func assertSameAnswer(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
                let range = NSRange(text.startIndex..., in: text)
                var matches = pattern.firstMatch(in: text, range: range) != nil
                if format == .relativePath { matches = matches && parent.firstMatch(in: text, range: range) == nil }
                if format == .name { matches = matches && text.count <= 253 }
                XCTAssertEqual(matches, format.accepts(text), "\(format) \(text.debugDescription)", file: file, line: line)
            }
            // Found by an earlier, unordered run of this test.
            for text in ["af/..\n", "a/..\n/b", "run-8812\n"] { assertSameAnswer(text) }
            for seed: UInt64 in [0x7011_6a7e, 0x5eed_0002, 0x5eed_0003] {
                var generator = SplitMix64(seed: seed)
                for _ in 0..<3000 {
                    var scalars = Array(seeds[Int(generator.next() % UInt64(seeds.count))].unicodeScalars)
                    for _ in 0..<(1 + Int(generator.next() % 3)) {
                        let position = scalars.isEmpty ? 0 : Int(generator.next() % UInt64(scalars.count + 1))
                        let scalar = alphabet[Int(generator.next() % UInt64(alphabet.count))]
                        switch generator.next() % 3 {
                        case 0: scalars.insert(scalar, at: position)
                        case 1: if position < scalars.count { scalars.remove(at: position) }
                        default: if position < scalars.count { scalars[position] = scalar }
                        }
                    }
                    var text = ""
                    text.unicodeScalars.append(contentsOf: scalars)
                    assertSameAnswer(text)
                }
            }
        }
    }

    // MARK: - check-jsonschema

    /// check-jsonschema from $TOLLGATE_CHECK_JSONSCHEMA or $PATH; the acceptance tests skip
    /// (saying how to install it) when it is absent.
    static let checkJSONSchema: String? = {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["TOLLGATE_CHECK_JSONSCHEMA"], !path.isEmpty { return path }
        for directory in (environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(directory)/check-jsonschema"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    @discardableResult
    func requireCheckJSONSchema() throws -> String {
        guard let tool = Self.checkJSONSchema else {
            throw XCTSkip("check-jsonschema is not installed: pip install check-jsonschema")
        }
        return tool
    }

    func runCheckJSONSchema(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let tool = try requireCheckJSONSchema()
        let output = try ProcessRunner.run(tool, arguments)
        return (output.status, output.stdout + output.stderr)
    }

    func testTheSchemasAreValidDraft2020Schemas() throws {
        let files = JSONSchemaExport.allKinds.map { Self.schemaFile($0).path }
        let (status, output) = try runCheckJSONSchema(["--check-metaschema"] + files)
        XCTAssertEqual(status, 0, output)
    }

    /// Every YAML file under `folder` (recursively, hidden files included).
    func yamlFiles(under folder: String, recursive: Bool) throws -> [URL] {
        let directory = Self.root.appendingPathComponent(folder)
        let urls: [URL]
        if recursive {
            let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)
            urls = (enumerator?.allObjects as? [URL]) ?? []
        } else {
            urls = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
        }
        return urls.filter { ["yaml", "yml"].contains($0.pathExtension) }.sorted { $0.path < $1.path }
    }

    /// The documents Tollgate accepts without a problem (policies including their rules), by kind.
    func acceptedDocuments(_ urls: [URL]) throws -> (byKind: [DocumentKind: [URL]], rejected: [String]) {
        var byKind: [DocumentKind: [URL]] = [:]
        var rejected: [String] = []
        for url in urls {
            let bytes = [UInt8](try Data(contentsOf: url))
            switch DocumentLoader.read(bytes, path: url.lastPathComponent) {
            case .notTollgate:
                continue  // not a Tollgate document (or a template Tollgate does not read)
            case .unreadable(let problems):
                rejected.append("\(url.path): \(problems.map(\.description))")
            case .document(let document, var problems):
                if document.kind == .policy, problems.isEmpty {
                    problems += PolicyLoader.load([document]).diagnostics
                }
                if document.kind == .policyTest, problems.isEmpty {
                    _ = PolicyTesting.cases(of: document, diagnostics: &problems, readMerged: { _ in nil })
                }
                if problems.contains(where: { $0.severity == .error }) {
                    rejected.append("\(url.path): \(problems.map(\.description))")
                } else {
                    byKind[document.kind, default: []].append(url)
                }
            }
        }
        return (byKind, rejected)
    }

    /// Template placeholders (`__TRAIN_COMMIT__`, filled in with real commit ids when the
    /// example repository is built) are replaced by a commit id in a copy under `directory`.
    func fillingPlaceholders(_ urls: [URL], in directory: URL) throws -> (urls: [URL], filled: Int) {
        let placeholder = try NSRegularExpression(pattern: "__[A-Z][A-Z0-9_]*__")
        var result: [URL] = []
        var filled = 0
        for (index, url) in urls.enumerated() {
            let text = try String(contentsOf: url, encoding: .utf8)
            let range = NSRange(text.startIndex..., in: text)
            guard placeholder.firstMatch(in: text, range: range) != nil else {
                result.append(url)
                continue
            }
            let copy = directory.appendingPathComponent("\(index)").appendingPathComponent(url.lastPathComponent)
            try FileManager.default.createDirectory(at: copy.deletingLastPathComponent(), withIntermediateDirectories: true)
            try placeholder.stringByReplacingMatches(in: text, range: range, withTemplate: "0123456789abcdef0123456789abcdef01234567")
                .write(to: copy, atomically: true, encoding: .utf8)
            result.append(copy)
            filled += 1
        }
        return (result, filled)
    }

    func testEveryDocumentTollgateAcceptsValidatesAgainstItsKindsSchema() throws {
        try requireCheckJSONSchema()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-jsonschema-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let valid = try yamlFiles(under: "fixtures/documents/valid", recursive: false)
        let (distilops, filled) = try fillingPlaceholders(try yamlFiles(under: "fixtures/distilops/repo", recursive: true), in: directory)
        let pack = try yamlFiles(under: "policies", recursive: false)
        let (byKind, rejected) = try acceptedDocuments(valid + distilops + pack)
        // The valid fixtures must all be accepted; the pack and the example repository are
        // checked by their own tests, and a file being edited right now is reported here.
        let rejectedFixtures = rejected.filter { $0.contains("/fixtures/documents/valid/") }
        XCTAssertEqual(rejectedFixtures, [])
        if !rejected.isEmpty { print("JSONSchemaTests: not validated (Tollgate rejects them): \(rejected)") }

        var validated = 0
        for (kind, urls) in byKind.sorted(by: { $0.key < $1.key }) {
            let (status, output) = try runCheckJSONSchema(["--schemafile", Self.schemaFile(kind).path] + urls.map(\.path))
            XCTAssertEqual(status, 0, "\(kind.rawValue):\n\(output)")
            if status == 0 { validated += urls.count }
        }
        print("JSONSchemaTests: check-jsonschema validated \(validated) documents of \(byKind.count) kinds "
              + "(\(valid.count) valid fixtures, \(distilops.count) distilops files of which \(filled) with placeholders filled in, "
              + "\(pack.count) pack files)")
        XCTAssertGreaterThanOrEqual(validated, 20)
        XCTAssertGreaterThanOrEqual(byKind.count, 8)
    }

    /// Scalars a JSON tool types differently from Tollgate: integer names, versions written as
    /// numbers, `yes`/`no`, unquoted dates and date-times (with a space), empty optional fields.
    func testTheSchemasAcceptWhatTollgateReadsAsText() throws {
        try requireCheckJSONSchema()
        let documents: [(DocumentKind, String)] = [
            (.waiver, """
                apiVersion: tollgate/v1
                kind: Waiver
                metadata: {name: 8812, labels: {pii: no, tier: 1, beta: true}}
                spec: {policy: p, rule: 1.10, subject: s, reason: yes, expires: 2026-12-01 10:00:00+01:00}
                """),
            (.incident, """
                apiVersion: tollgate/v1
                kind: Incident
                metadata: {name: inc-1}
                spec:
                  model: m
                  severity: SEV2
                  status: resolved
                  opened: 2026-11-17
                  resolved: 2026-11-17T15:40:00.5-02:00
                  summary: 3.1
                  runbook:
                """),
            (.modelCard, """
                apiVersion: tollgate/v1
                kind: ModelCard
                metadata: {name: churn-1.10}
                spec:
                  model: churn
                  version: 1.10
                  owners: [erin@example.com]
                  description: d
                  intendedUse: {primaryUses: [a], primaryUsers: [b], outOfScope: [c]}
                  limitations: [l]
                  trainingData: {dataset: subscriptions, version: 2026-10-31}
                  evaluationData:
                  format:
                  license:
                """),
            (.policy, """
                apiVersion: tollgate/v1
                kind: Policy
                metadata: {name: p}
                spec:
                  match: {kinds: [PromotionRequest], to: [production]}
                  rules:
                    - id: r
                      description:
                      enforcement:
                      threshold:
                        value: request.spec.canary.autoRollback
                        equals: true
                        unit:
                """),
            (.policyTest, """
                apiVersion: tollgate/v1
                kind: PolicyTest
                metadata: {name: release-gate-tests}
                spec:
                  cases:
                    - name: the slow student blocks on p95 only
                      documents: [slow, fast/run-8812.yaml]
                      subject:
                      verdict: block
                      expect:
                        - {rule: release-gate/p95-latency, result: block}
                """),
        ]
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-jsonschema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (index, (kind, yaml)) in documents.enumerated() {
            let url = directory.appendingPathComponent("\(index)-\(kind.rawValue.lowercased()).yaml")
            try (yaml + "\n").write(to: url, atomically: true, encoding: .utf8)
            let (accepted, rejected) = try acceptedDocuments([url])
            XCTAssertEqual(rejected, [])
            XCTAssertEqual(accepted[kind], [url], "Tollgate does not read \(url.lastPathComponent) as a \(kind.rawValue)")
            let (status, output) = try runCheckJSONSchema(["--schemafile", Self.schemaFile(kind).path, url.path])
            XCTAssertEqual(status, 0, "\(url.lastPathComponent):\n\(output)")
        }
    }

    /// Documents Tollgate rejects for a reason the schema can express also fail check-jsonschema.
    func testInvalidDocumentsFailValidation() throws {
        try requireCheckJSONSchema()
        var cases: [(name: String, url: URL)] = []
        let fixtures = [
            "modelcard-unknown-key", "runmanifest-unknown-key", "policy-unknown-key", "team-unknown-key",  // unknown key
            "approval-bad-decision", "incident-bad-severity", "modelcard-bad-format", "policy-bad-enforcement",  // wrong enum
            "runmanifest-bad-commit", "runmanifest-image-not-pinned", "modelcard-bad-name",  // formats
            "modelcard-missing-field", "runmanifest-metric-not-number", "team-emails-not-list",  // types
            "policy-no-check", "policy-two-checks", "policy-bad-kind",  // rules
        ]
        for name in fixtures {
            cases.append((name, Self.root.appendingPathComponent("fixtures/documents/invalid/\(name).yaml")))
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-jsonschema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let written: [(String, String)] = [
            ("incident-month-13", """
                apiVersion: tollgate/v1
                kind: Incident
                metadata: {name: inc-1}
                spec: {model: m, severity: SEV2, status: open, opened: 2026-13-01, summary: x}
                """),
            ("waiver-expires-lowercase-t", """
                apiVersion: tollgate/v1
                kind: Waiver
                metadata: {name: w}
                spec: {policy: p, rule: r, subject: s, reason: x, expires: "2026-12-01t00:00:00z"}
                """),
            ("policy-message-without-expr", """
                apiVersion: tollgate/v1
                kind: Policy
                metadata: {name: p}
                spec:
                  match: {kinds: [PromotionRequest]}
                  rules:
                    - id: r
                      threshold: {value: run.spec.metrics.auc, min: 0.9}
                      message: not an expr rule
                """),
            ("policy-check-unknown-key", """
                apiVersion: tollgate/v1
                kind: Policy
                metadata: {name: p}
                spec:
                  match: {kinds: [PromotionRequest]}
                  rules:
                    - {id: r, threshold: {value: run.spec.serving.p95Ms, maximum: 25}}
                """),
            ("policy-value-path-unbound", """
                apiVersion: tollgate/v1
                kind: Policy
                metadata: {name: p}
                spec:
                  match: {kinds: [PromotionRequest]}
                  rules:
                    - {id: r, threshold: {value: runs.spec.serving.p95Ms, max: 25}}
                """),
            ("card-text-is-a-list", """
                apiVersion: tollgate/v1
                kind: ModelCard
                metadata: {name: c, labels: {team: [a, b]}}
                spec:
                  model: m
                  version: [1, 2]
                  owners: [a@example.com]
                  description: d
                  intendedUse: {primaryUses: [a], primaryUsers: [b], outOfScope: [c]}
                  limitations: [l]
                  trainingData: {dataset: d, version: "1"}
                """),
            ("policytest-unknown-key", """
                apiVersion: tollgate/v1
                kind: PolicyTest
                metadata: {name: broken}
                spec:
                  cases:
                    - name: no expectations
                      documents: [slow]
                      expct: []
                """),
            ("envelope-unknown-key", """
                apiVersion: tollgate/v1
                kind: Team
                metadata: {name: t}
                status: {}
                spec: {members: [{id: a, name: A, emails: [a@example.com], roles: []}]}
                """),
            ("wrong-kind-for-schema", """
                apiVersion: tollgate/v1
                kind: Teams
                metadata: {name: t}
                spec: {members: [{id: a, name: A, emails: [a@example.com], roles: []}]}
                """),
        ]
        for (name, yaml) in written {
            let url = directory.appendingPathComponent("\(name).yaml")
            try (yaml + "\n").write(to: url, atomically: true, encoding: .utf8)
            cases.append((name, url))
        }
        var byKind: [DocumentKind: [(name: String, url: URL)]] = [:]
        for (name, url) in cases {
            let text = try String(contentsOf: url, encoding: .utf8)
            // The schema is chosen by the document's kind, as an editor mapping would; an
            // unknown kind is checked against the Team schema it resembles.
            let kindText = text.split(separator: "\n").first { $0.hasPrefix("kind:") }?
                .dropFirst("kind:".count).trimmingCharacters(in: .whitespaces) ?? ""
            byKind[DocumentKind(rawValue: kindText) ?? .team, default: []].append((name, url))
            let (accepted, _) = try acceptedDocuments([url])
            XCTAssertEqual(accepted, [:], "\(name): Tollgate accepts it, so it is no invalid case")
        }
        for (kind, files) in byKind.sorted(by: { $0.key < $1.key }) {
            let (status, output) = try runCheckJSONSchema(["--schemafile", Self.schemaFile(kind).path] + files.map(\.url.path))
            XCTAssertEqual(status, 1, output)
            XCTAssertTrue(output.contains("Schema validation errors"), output)
            for (name, url) in files {
                XCTAssertTrue(output.contains("\(url.path)::"), "\(name) passes the \(kind.rawValue) schema:\n\(output)")
            }
        }
    }
}

/// A small deterministic generator (SplitMix64) for reproducible random tests.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
