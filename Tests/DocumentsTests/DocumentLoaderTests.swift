import Documents
import XCTest

final class DocumentLoaderTests: XCTestCase {
    func read(_ yaml: String, path: String = "doc.yaml") -> DocumentLoader.Reading {
        DocumentLoader.read(Array(yaml.utf8), path: path)
    }

    func document(_ yaml: String, file: StaticString = #filePath, line: UInt = #line) throws -> (Document, [Diagnostic]) {
        guard case .document(let document, let problems) = read(yaml) else {
            XCTFail("not read as a document: \(read(yaml))", file: file, line: line)
            throw XCTSkip("no document")
        }
        return (document, problems)
    }

    static let card = """
        apiVersion: tollgate/v1
        kind: ModelCard
        metadata: {name: fraud-student-2.1.0, labels: {team: risk}}
        spec:
          model: fraud-student
          version: 1.10
          owners: [alice@example.com]
          description: no
          intendedUse: {primaryUses: [triage], primaryUsers: [analysts], outOfScope: [credit scoring]}
          limitations: [EU only]
          trainingData: {dataset: tx, version: 2026-10-31}
          sizeMB: 67.3
        """

    func testTextFieldsKeepTheirSourceTextAndCoreSchemaKeepsNoAString() throws {
        let (document, problems) = try document(Self.card)
        XCTAssertEqual(problems, [])
        XCTAssertEqual(document.text("version"), "1.10", "version: 1.10 is \"1.10\", not 1.1")
        XCTAssertEqual(document.text("description"), "no", "YAML 1.2: no is a string")
        XCTAssertEqual(document.text("trainingData.version"), "2026-10-31")
        XCTAssertEqual(document.spec.value(at: "sizeMB")?.number, 67.3)
        XCTAssertEqual(document.labels, ["team": "risk"])
        XCTAssertEqual(document.nameLocation, SourceLocation(file: "doc.yaml", line: 3, column: 18))
    }

    func testUnknownKeyIsLocatedWithASuggestion() throws {
        let yaml = Self.card.replacingOccurrences(of: "  sizeMB: 67.3", with: "  sizeMb: 67.3")
        let (_, problems) = try document(yaml)
        XCTAssertEqual(problems.map(\.description),
                       ["doc.yaml:12:3: error: unknown key 'sizeMb' in spec — did you mean 'sizeMB'?"])
    }

    func testMissingRequiredFieldIsReportedAtItsMapping() throws {
        let yaml = Self.card.replacingOccurrences(of: "  limitations: [EU only]\n", with: "")
        let (_, problems) = try document(yaml)
        XCTAssertEqual(problems.map(\.description), ["doc.yaml:4:1: error: missing required field 'limitations' in spec"])
    }

    func testWrongTypesAndFormats() throws {
        let run = """
            apiVersion: tollgate/v1
            kind: RunManifest
            metadata: {name: run-1}
            spec:
              model: m
              version: "1"
              code: {commit: abc123}
              environment: {image: "registry/train:latest"}
              dataset: {name: d, version: latest}
              config: {seed: "42", hyperparameters: {lr: 0.1}}
              artifacts: []
              metrics: {accuracy: high}
            """
        let (_, problems) = try document(run)
        let messages = problems.map(\.description)
        XCTAssertTrue(messages.contains("doc.yaml:7:18: error: spec.code.commit: 'abc123' must be a 40-character hex commit id"), "\(messages)")
        XCTAssertTrue(messages.contains { $0.hasPrefix("doc.yaml:8:24: error: spec.environment.image: image 'registry/train:latest' must be pinned by digest") }, "\(messages)")
        XCTAssertTrue(messages.contains("doc.yaml:10:18: error: spec.config.seed: expected an integer, found a string ('42')"), "\(messages)")
        XCTAssertTrue(messages.contains("doc.yaml:12:23: error: spec.metrics.accuracy: expected a number, found a string ('high')"), "\(messages)")
    }

    func testEnvelopeProblems() {
        guard case .unreadable(let unknownKind) = read("apiVersion: tollgate/v1\nkind: Modelcard\nmetadata: {name: x}\nspec: {}\n") else {
            return XCTFail("unknown kind must be unreadable")
        }
        XCTAssertEqual(unknownKind.first?.message.hasPrefix("unknown kind 'Modelcard' — did you mean 'ModelCard'?"), true)
        guard case .unreadable(let badName) = read("apiVersion: tollgate/v1\nkind: Team\nmetadata: {name: Risk_Team}\nspec: {members: []}\n") else {
            return XCTFail("bad name must be unreadable")
        }
        XCTAssertEqual(badName.first?.location.line, 3)
        XCTAssertTrue(badName.first?.message.contains("is not a valid name") == true)
        guard case .unreadable(let version) = read("apiVersion: tollgate/v2\nkind: Team\n") else {
            return XCTFail("another apiVersion of ours is unreadable, not ignored")
        }
        XCTAssertTrue(version.first?.message.contains("unsupported apiVersion 'tollgate/v2'") == true)
    }

    func testNonTollgateYAMLIsIgnoredButBrokenYAMLIsNot() {
        guard case .notTollgate = read("apiVersion: apps/v1\nkind: Deployment\n") else { return XCTFail() }
        guard case .notTollgate = read("- just\n- a list\n") else { return XCTFail() }
        guard case .unreadable(let claimed) = read("apiVersion: tollgate/v1\nkind: [oops\n") else { return XCTFail() }
        XCTAssertEqual(claimed.first?.severity, .error)
        guard case .unreadable(let other) = read("name: ci\non: [push\n") else { return XCTFail() }
        XCTAssertEqual(other.first?.severity, .warning, "unreadable YAML that never mentions tollgate/v1 warns")
    }

    func testOneDocumentPerFile() throws {
        let (_, problems) = try document(Self.card + "\n---\napiVersion: tollgate/v1\nkind: Team\n")
        XCTAssertTrue(problems.contains { $0.message.contains("exactly one document") }, "\(problems)")
    }
}

final class BundleDigestTests: XCTestCase {
    func load(_ yaml: String) throws -> Document {
        guard case .document(let document, _) = DocumentLoader.read(Array(yaml.utf8), path: "x.yaml") else {
            throw XCTSkip("not a document")
        }
        return document
    }

    func testCanonicalJSONSortsKeysAndIgnoresFormatting() throws {
        let a = try load("apiVersion: tollgate/v1\nkind: Incident\nmetadata: {name: i}\nspec:\n  summary: x # c\n  model: m\n  severity: SEV2\n  status: open\n  opened: 2026-11-20\n")
        let b = try load("apiVersion: tollgate/v1\nkind: Incident\nmetadata:\n  name: i\nspec: {model: m, severity: SEV2, status: open, opened: '2026-11-20', summary: \"x\"}\n")
        XCTAssertEqual(CanonicalJSON.encode(a.root), CanonicalJSON.encode(b.root))
        XCTAssertEqual(CanonicalJSON.encode(a.root),
                       #"{"apiVersion":"tollgate/v1","kind":"Incident","metadata":{"name":"i"},"spec":{"model":"m","opened":"2026-11-20","severity":"SEV2","status":"open","summary":"x"}}"#)
        XCTAssertEqual(CanonicalJSON.number(25.0), "25")
        XCTAssertEqual(CanonicalJSON.number(28.7), "28.7")
    }

    func testDigestChangesWithContentAndTextFieldsAsWritten() throws {
        let request = try load("apiVersion: tollgate/v1\nkind: PromotionRequest\nmetadata: {name: r}\nspec: {model: m, version: 1.10, from: staging, to: production, run: run, modelCard: card, requestedBy: a, justification: j}\n")
        let request2 = try load("apiVersion: tollgate/v1\nkind: PromotionRequest\nmetadata: {name: r}\nspec: {model: m, version: 1.1, from: staging, to: production, run: run, modelCard: card, requestedBy: a, justification: j}\n")
        let run = try load("apiVersion: tollgate/v1\nkind: RunManifest\nmetadata: {name: run}\nspec: {}\n")
        let card = try load("apiVersion: tollgate/v1\nkind: ModelCard\nmetadata: {name: card}\nspec: {}\n")
        let d1 = BundleDigest(request: request, run: run, card: card)
        let d2 = BundleDigest(request: request2, run: run, card: card)
        XCTAssertTrue(d1.value.hasPrefix("sha256:"))
        XCTAssertEqual(d1.value.count, 71)
        XCTAssertNotEqual(d1, d2, "1.10 and 1.1 are different versions")
        XCTAssertEqual(d1, BundleDigest(request: request, run: run, card: card))
    }
}
