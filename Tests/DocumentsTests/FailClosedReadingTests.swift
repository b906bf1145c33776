import Documents
import Foundation
import XCTest

/// The loader's side of failing closed: UTF-16 and UTF-32 files are read like their UTF-8
/// form, near misses of `tollgate/v1` are errors, unreadable files that resemble Tollgate
/// documents are errors that say which document they declare, and a justification must
/// say something. Every new diagnostic survives the reading store's codec.
final class FailClosedReadingTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/documents")

    func read(_ bytes: [UInt8], path: String = "doc.yaml") -> DocumentLoader.Reading {
        DocumentLoader.read(bytes, path: path)
    }

    func read(_ yaml: String, path: String = "doc.yaml") -> DocumentLoader.Reading {
        read(Array(yaml.utf8), path: path)
    }

    func unreadable(_ reading: DocumentLoader.Reading, file: StaticString = #filePath, line: UInt = #line) -> [Diagnostic] {
        guard case .unreadable(let problems) = reading else {
            XCTFail("expected unreadable, got \(reading)", file: file, line: line)
            return []
        }
        return problems
    }

    /// The bytes survive the codec the reading store keeps them with.
    func assertRoundTrips(_ reading: DocumentLoader.Reading, file: StaticString = #filePath, line: UInt = #line) {
        let bytes = ReadingCodec.encode(reading, file: "doc.yaml")
        switch (reading, ReadingCodec.decode(bytes, bytes.indices, file: "doc.yaml")) {
        case (.unreadable(let problems), .unreadable(let back)?):
            XCTAssertEqual(back, problems, file: file, line: line)
        case (.document(let document, let problems), .document(let backDocument, let back)?):
            XCTAssertEqual(backDocument, document, file: file, line: line)
            XCTAssertEqual(back, problems, file: file, line: line)
        case (.notTollgate, .notTollgate?):
            break
        case (_, let decoded):
            XCTFail("\(reading) came back as \(String(describing: decoded))", file: file, line: line)
        }
    }

    // MARK: Encodings

    func testUTF16AndUTF32FilesReadExactlyLikeTheirUTF8Form() throws {
        let utf8 = [UInt8](try Data(contentsOf: Self.fixtures.appendingPathComponent("valid/incident.yaml")))
        guard case .document(let expected, let none) = read(utf8) else { return XCTFail("valid/incident.yaml") }
        XCTAssertEqual(none, [])
        let text = String(decoding: utf8, as: UTF8.self)
        var encoded: [(String, [UInt8])] = []
        for name in ["incident-utf16le-bom", "incident-utf16be", "incident-utf32le-bom", "incident-utf32be"] {
            encoded.append((name, [UInt8](try Data(contentsOf: Self.fixtures.appendingPathComponent("encodings/\(name).yaml")))))
        }
        // UTF-16LE without a byte order mark: told by the NUL after the first character.
        encoded.append(("utf16le-no-bom", text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }))
        encoded.append(("utf8-bom", [0xEF, 0xBB, 0xBF] + utf8))
        for (name, bytes) in encoded {
            guard case .document(let document, let problems) = read(bytes) else {
                XCTFail("\(name): \(read(bytes))")
                continue
            }
            XCTAssertEqual(problems, [], name)
            XCTAssertEqual(document, expected, "\(name): same values, same lines and columns")
            assertRoundTrips(read(bytes))
        }
    }

    func testAUTF16FileThatCannotBeDecodedIsLocatedAndBlocksWhenItResemblesATollgateDocument() throws {
        func utf16LE(_ text: String, loneSurrogateAfter marker: String) -> [UInt8] {
            let range = text.range(of: marker)!
            let units = Array(text[..<range.upperBound].utf16) + [0xD800] + Array(text[range.upperBound...].utf16)
            return [0xFF, 0xFE] + units.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        }
        let incident = "apiVersion: tollgate/v1\nkind: Incident\nmetadata:\n  name: inc-1\nspec:\n  summary: Scores drift\n"
        let problems = unreadable(read(utf16LE(incident, loneSurrogateAfter: "Scores")))
        XCTAssertEqual(problems.map(\.description),
                       ["doc.yaml:6:18: error: not UTF-16LE text: unpaired surrogate U+D800 at byte offset 174; save the file as UTF-8"])
        XCTAssertEqual(problems.first?.declaredDocument, DocumentReference(kind: .incident, name: "inc-1"))
        assertRoundTrips(read(utf16LE(incident, loneSurrogateAfter: "Scores")))

        // A Tollgate kind without the apiVersion resembles one too; other text only warns.
        let noAPIVersion = "kind: Incident\nmetadata: {name: inc-1}\nspec: {summary: x}\n"
        XCTAssertEqual(unreadable(read(utf16LE(noAPIVersion, loneSurrogateAfter: "x"))).first?.severity, .error)
        let notes = unreadable(read(utf16LE("title: notes\n", loneSurrogateAfter: "notes")))
        XCTAssertEqual(notes.first?.severity, .warning)
        XCTAssertEqual(notes.first?.declaredDocument, nil)
        // A file that ends inside a code unit.
        let odd = unreadable(read([0xFF, 0xFE] + Array("kind: Incident\n".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } + [0x41]))
        XCTAssertTrue(odd.first?.message.contains("the file ends inside a UTF-16LE code unit") ?? false, "\(odd)")
        XCTAssertEqual(odd.first?.severity, .error)
    }

    func testAYAMLErrorInAFileThatDeclaresADocumentNamesIt() throws {
        let card = "apiVersion: tollgate/v1\nkind: ModelCard\nmetadata:\n  labels: {team: risk}\n  name: \"card-1\"  # the card\nspec:\n  owners: [[a\n"
        let problems = unreadable(read(card))
        XCTAssertEqual(problems.count, 1)
        XCTAssertEqual(problems.first?.severity, .error)
        XCTAssertEqual(problems.first?.declaredDocument, DocumentReference(kind: .modelCard, name: "card-1"))
        XCTAssertEqual(problems.first?.notes.first?.location, SourceLocation(file: "doc.yaml", line: 5, column: 9))
        assertRoundTrips(read(card))
        let flow = unreadable(read("apiVersion: tollgate/v1\nkind: RunManifest\nmetadata: {name: run-9, labels: {a: b}}\nspec: [\n"))
        XCTAssertEqual(flow.first?.declaredDocument, DocumentReference(kind: .runManifest, name: "run-9"))
    }

    // MARK: Near misses

    func testNearMissesOfTollgateV1AreErrorsAtTheApiVersion() throws {
        let body = "\nkind: PromotionRequest\nmetadata: {name: req-1}\nspec: {model: m}\n"
        for written in ["tolgate/v1", "Tollgate/v1", "TOLLGATE/V1", "tollgate.dev/v1", "tollgate", "tollgat/v1", "toll-gate/v1", "tollgate-v1"] {
            let problems = unreadable(read("apiVersion: \(written)" + body))
            XCTAssertEqual(problems.count, 1, written)
            XCTAssertEqual(problems.first?.code, .envelope, written)
            XCTAssertEqual(problems.first?.severity, .error, written)
            XCTAssertEqual(problems.first?.location, SourceLocation(file: "doc.yaml", line: 1, column: 13), written)
            XCTAssertTrue(problems.first?.message.contains("did you mean `tollgate/v1`?") ?? false, written)
            XCTAssertEqual(problems.first?.declaredDocument, DocumentReference(kind: .promotionRequest, name: "req-1"), written)
            assertRoundTrips(read("apiVersion: \(written)" + body))
        }
        // Another version of tollgate/ claims Tollgate and is read as unsupported, with the hint too.
        let v2 = unreadable(read("apiVersion: tollgate/v2" + body))
        XCTAssertTrue(v2.first?.message.contains("unsupported apiVersion 'tollgate/v2': this Tollgate reads tollgate/v1 — did you mean `tollgate/v1`?") ?? false, "\(v2)")
        // A Tollgate kind without apiVersion: at the kind.
        let missing = unreadable(read("kind: Approval\nmetadata: {name: a-1}\nspec: {request: r}\n"))
        XCTAssertEqual(missing.map(\.location), [SourceLocation(file: "doc.yaml", line: 1, column: 7)])
        XCTAssertTrue(missing.first?.message.contains("an Approval without apiVersion") ?? false, "\(missing)")
        // A Tollgate kind with a spec under another apiVersion.
        let other = unreadable(read("apiVersion: example.com/v1\nkind: Incident\nmetadata: {name: i}\nspec: {model: m}\n"))
        XCTAssertEqual(other.map(\.location), [SourceLocation(file: "doc.yaml", line: 1, column: 13)])
        // One near miss among several documents of a stream.
        let stream = unreadable(read("apiVersion: apps/v1\nkind: Deployment\n---\napiVersion: tolgate/v1\nkind: Team\n"))
        XCTAssertEqual(stream.map(\.location.line), [4])
    }

    func testOtherToolsDocumentsAreStillNotTollgate() {
        let others = [
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {replicas: 1}\n",
            "apiVersion: v1\nkind: Config\nclusters: []\nusers: []\n",                 // kubeconfig
            "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: Metadata}]\n",  // audit policy
            "apiVersion: skaffold/v4beta6\nkind: Config\nmetadata: {name: x}\nbuild: {}\n",
            "name: ci\non: [push]\njobs: {}\n",
            "- just\n- a list\n",
            "kind: Deployment\nspec: {}\n",
            "apiVersion: toll/v1\nkind: Thing\n",
        ]
        for yaml in others {
            guard case .notTollgate = read(yaml) else { return XCTFail("\(yaml): \(read(yaml))") }
        }
    }

    // MARK: Justification

    func testAnApprovalsJustificationMustSaySomething() throws {
        let approval = """
            apiVersion: tollgate/v1
            kind: Approval
            metadata: {name: a-1}
            spec:
              request: r
              approver: bob
              decision: approve
              role: approver
              justification: JUSTIFICATION
              digest: "sha256:\(String(repeating: "ab", count: 32))"
            """
        for (written, found) in [("\"\"", "an empty string"), ("\"  \\t \"", "only white space"), ("'   '", "only white space")] {
            guard case .document(_, let problems) = read(approval.replacingOccurrences(of: "JUSTIFICATION", with: written)) else {
                return XCTFail(written)
            }
            XCTAssertEqual(problems.map(\.description),
                           ["doc.yaml:9:18: error: spec.justification: must not be empty: say why, in words (found \(found))"], written)
        }
        for written in ["ok", "0", "\"  reviewed  \"", ">-\n    Reviewed the slices."] {
            guard case .document(_, let problems) = read(approval.replacingOccurrences(of: "JUSTIFICATION", with: written)) else {
                return XCTFail(written)
            }
            XCTAssertEqual(problems, [], written)
        }
    }
}
