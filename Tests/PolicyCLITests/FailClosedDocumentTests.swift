import Foundation
import XCTest

/// Documents that are meant to be Tollgate documents but are not quite (a misspelt
/// apiVersion, a UTF-16 checkout, an empty justification, a broken card) fail closed with
/// one located finding that names the root cause; nothing vanishes and nothing counts by
/// accident. Each scenario runs the real binary on a real repository built with git.
final class FailClosedDocumentTests: XCTestCase {
    static let request = "requests/fraud-student-2.1.0-production.yaml"
    static let card = "models/fraud-student/card.yaml"

    /// The findings of the subject whose file is `file`, from a JSON report.
    func findings(in file: String, of result: GitSandbox.Result) throws -> [[String: Any]] {
        let subjects = try result.json()["subjects"] as? [[String: Any]] ?? []
        return subjects.filter { $0["file"] as? String == file }
            .flatMap { ($0["rules"] as? [[String: Any]]) ?? [] }
            .flatMap { ($0["findings"] as? [[String: Any]]) ?? [] }
    }

    func subject(_ file: String, of result: GitSandbox.Result) throws -> [String: Any]? {
        let subjects = try result.json()["subjects"] as? [[String: Any]] ?? []
        return subjects.first { $0["file"] as? String == file }
    }

    func location(_ finding: [String: Any]) -> String {
        let location = finding["location"] as? [String: Any] ?? [:]
        return "\(location["file"] as? String ?? ""):\(location["line"] as? Int ?? 0):\(location["column"] as? Int ?? 0)"
    }

    func message(_ finding: [String: Any]) -> String { finding["message"] as? String ?? "" }

    // MARK: Silent disappearance

    func testAMisspeltApiVersionOrAKindWithoutOneBlocksWithDidYouMean() throws {
        let demo = try GitSandbox.demo()
        let original = try demo.read(Self.request)
        for written in ["tolgate/v1", "Tollgate/v1", "tollgate/v2", "tollgate.dev/v1", "tollgate"] {
            try demo.write(Self.request, original.replacingOccurrences(of: "apiVersion: tollgate/v1", with: "apiVersion: \(written)"))
            let result = try demo.policy("check", "--format", "json")
            XCTAssertEqual(result.status, 1, "\(written): the request must not vanish and let the gate pass: \(result.stdout)")
            let found = try findings(in: Self.request, of: result)
            XCTAssertEqual(found.count, 1, "\(written): \(found)")
            let finding = try XCTUnwrap(found.first)
            XCTAssertEqual(finding["severity"] as? String, "block", written)
            XCTAssertEqual(location(finding), "\(Self.request):1:13", written)
            XCTAssertTrue(message(finding).contains("'\(written)'"), message(finding))
            XCTAssertTrue(message(finding).contains("did you mean `tollgate/v1`?"), message(finding))
        }

        // A Tollgate kind without any apiVersion: located at the kind.
        try demo.write(Self.request, original.replacingOccurrences(of: "apiVersion: tollgate/v1\n", with: ""))
        let missing = try demo.policy("check", "--format", "json")
        XCTAssertEqual(missing.status, 1, missing.stdout)
        let finding = try XCTUnwrap(try findings(in: Self.request, of: missing).first)
        XCTAssertEqual(location(finding), "\(Self.request):1:7")
        XCTAssertTrue(message(finding).contains("a PromotionRequest without apiVersion"), message(finding))
        XCTAssertTrue(message(finding).contains("did you mean `tollgate/v1`?"), message(finding))

        // A Tollgate kind and spec under another apiVersion: located at the apiVersion.
        try demo.write(Self.request, original.replacingOccurrences(of: "apiVersion: tollgate/v1", with: "apiVersion: v1"))
        let other = try demo.policy("check")
        XCTAssertEqual(other.status, 1, other.stdout)
        XCTAssertTrue(other.flat.contains("apiVersion 'v1' with the Tollgate kind PromotionRequest and a spec"), other.stdout)
        XCTAssertTrue(other.flat.contains("(\(Self.request):1:13)"), other.stdout)

        // A policy whose apiVersion is a near miss does not quietly drop out of the gate.
        try demo.write(Self.request, original)
        try demo.edit("policies/rai.yaml", replacing: "apiVersion: tollgate/v1", with: "apiVersion: Tollgate/v1")
        let policy = try demo.policy("check")
        XCTAssertEqual(policy.status, 2, policy.stdout)
        XCTAssertTrue(policy.stderr.contains("policies/rai.yaml:1:13: error: apiVersion 'Tollgate/v1' is not a Tollgate apiVersion — did you mean `tollgate/v1`?"), policy.stderr)
    }

    func testOtherToolsYAMLIsStillIgnoredSilently() throws {
        let demo = try GitSandbox.demo()
        let before = try demo.policy("check", "--format", "json")
        try demo.write(".github/workflows/ci.yaml", "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps: [{run: make}]\n")
        try demo.write("deploy/deployment.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: scorer}\nspec: {replicas: 2}\n")
        // Other tools' documents that share a Tollgate kind name but not its shape.
        try demo.write("deploy/kubeconfig.yaml", "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n")
        try demo.write("deploy/audit-policy.yaml", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Metadata\n")
        try demo.write("skaffold.yaml", "apiVersion: skaffold/v4beta6\nkind: Config\nmetadata: {name: scorer}\nbuild: {artifacts: []}\n")
        let after = try demo.policy("check", "--format", "json")
        XCTAssertEqual(after.status, before.status)
        let files = (try after.json()["subjects"] as? [[String: Any]] ?? []).compactMap { $0["file"] as? String }
        let beforeFiles = (try before.json()["subjects"] as? [[String: Any]] ?? []).compactMap { $0["file"] as? String }
        XCTAssertEqual(files, beforeFiles)
        XCTAssertEqual(after.stderr, before.stderr)
    }

    // MARK: Encoding

    /// `.gitattributes` checks the requests out as UTF-16: the working tree holds UTF-16 with a
    /// byte order mark, the index and commits hold UTF-8. Every mode reads the same request
    /// and gives the same verdict and findings.
    func testARequestCheckedOutAsUTF16IsReadLikeItsUTF8FormInEveryMode() throws {
        let demo = try GitSandbox.demo()
        try demo.write(".gitattributes", "requests/*.yaml working-tree-encoding=UTF-16\n")
        try demo.git("add", ".gitattributes")
        try demo.git("commit", "-q", "-m", "Check requests out as UTF-16")
        try FileManager.default.removeItem(at: demo.root.appendingPathComponent(Self.request))
        try demo.git("checkout", "--", Self.request)
        let bytes = try Data(contentsOf: demo.root.appendingPathComponent(Self.request))
        XCTAssertTrue(bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]), "not checked out as UTF-16")
        XCTAssertTrue(try demo.git("show", "HEAD:\(Self.request)").hasPrefix("apiVersion: tollgate/v1"), "the commit holds UTF-8")

        func summary(_ result: GitSandbox.Result) throws -> [String] {
            let subject = try XCTUnwrap(try self.subject(Self.request, of: result), "the request vanished: \(result.stdout)")
            return [subject["verdict"] as? String ?? ""] + (try findings(in: Self.request, of: result)).map { "\(location($0)) \(message($0))" }
        }
        let committed = try demo.policy("check", "--rev", "HEAD", "--format", "json")
        let expected = try summary(committed)
        XCTAssertEqual(expected.first, "block")
        XCTAssertEqual(expected.count, 2, "only the p95 finding: both approvals count \(expected)")

        let workingTree = try demo.policy("check", "--format", "json")
        XCTAssertEqual(workingTree.status, committed.status, workingTree.stdout)
        XCTAssertEqual(try summary(workingTree), expected)
        XCTAssertFalse(workingTree.stdout.contains("not UTF-8"), workingTree.stdout)

        // A comment added in the UTF-16 file and staged (git stores it as UTF-8): the digest is
        // unchanged, and --staged, the working tree and the commit made from it agree.
        var text = try XCTUnwrap(String(data: bytes, encoding: .utf16))
        text = text.replacingOccurrences(of: "spec:\n", with: "spec:  # reviewed in UTF-16\n")
        try demo.write(Self.request, Data([0xFF, 0xFE]) + (try XCTUnwrap(text.data(using: .utf16LittleEndian))))
        try demo.git("add", Self.request)
        XCTAssertTrue(try demo.git("show", ":\(Self.request)").contains("spec:  # reviewed in UTF-16"))
        let staged = try demo.policy("check", "--staged", "--format", "json")
        XCTAssertEqual(try summary(staged), expected)
        XCTAssertEqual(try summary(try demo.policy("check", "--format", "json")), expected)
        XCTAssertEqual(try summary(try demo.policy("check", "--staged", "--no-cache", "--format", "json")), expected)
        try demo.git("commit", "-q", "-m", "Comment the request")
        XCTAssertEqual(try summary(try demo.policy("check", "--rev", "HEAD", "--format", "json")), expected)
    }

    /// A UTF-16 file that cannot be decoded (an unpaired surrogate) and resembles a Tollgate
    /// document blocks, located at the bad character; one that does not resemble one warns.
    func testAnUndecodableUTF16TollgateDocumentBlocks() throws {
        let demo = try GitSandbox.demo()
        func utf16LE(_ text: String, brokenAfter marker: String) -> Data {
            var data = Data([0xFF, 0xFE])
            let (head, tail) = { () -> (String, String) in
                let range = text.range(of: marker)!
                return (String(text[..<range.upperBound]), String(text[range.upperBound...]))
            }()
            for unit in head.utf16 { data.append(contentsOf: [UInt8(unit & 0xFF), UInt8(unit >> 8)]) }
            data.append(contentsOf: [0x00, 0xD8])  // a lone high surrogate
            for unit in tail.utf16 { data.append(contentsOf: [UInt8(unit & 0xFF), UInt8(unit >> 8)]) }
            return data
        }
        let incident = """
            apiVersion: tollgate/v1
            kind: Incident
            metadata: {name: inc-broken}
            spec:
              model: fraud-student
              severity: SEV1
              status: open
              opened: 2026-11-30T10:00:00Z
              summary: Scores drift
            """
        try demo.write("incidents/inc-broken.yaml", utf16LE(incident, brokenAfter: "Scores"))
        try demo.write("notes/other.yaml", utf16LE("title: meeting notes\nbody: drift\n", brokenAfter: "meeting"))
        let result = try demo.policy("check", "--format", "json")
        XCTAssertEqual(result.status, 1)
        let blocking = try XCTUnwrap(try findings(in: "incidents/inc-broken.yaml", of: result).first)
        XCTAssertEqual(blocking["severity"] as? String, "block")
        XCTAssertEqual(location(blocking), "incidents/inc-broken.yaml:9:18")
        XCTAssertTrue(message(blocking).contains("not UTF-16LE text: unpaired surrogate U+D800"), message(blocking))
        let warning = try XCTUnwrap(try findings(in: "notes/other.yaml", of: result).first)
        XCTAssertEqual(warning["severity"] as? String, "warn")
    }

    // MARK: Empty justification

    func testASignedApprovalWithAnEmptyJustificationDoesNotCount() throws {
        let demo = try GitSandbox.demo()
        let approval = "approvals/fraud-student-2.1.0-production/bob.yaml"
        let original = try demo.read(approval)
        let start = try XCTUnwrap(original.range(of: "  justification: >-\n"))
        let end = try XCTUnwrap(original.range(of: "  digest:"))
        for blank in ["\"\"", "\"   \""] {
            try demo.write(approval, original.replacingCharacters(in: start.lowerBound..<end.lowerBound, with: "  justification: \(blank)\n"))
            try demo.commitSigned("Bob approves without saying why", as: "bob")
            let result = try demo.policy("check")
            XCTAssertEqual(result.status, 1)
            let line = try demo.line(of: "justification:", in: approval)
            XCTAssertTrue(result.flat.contains("✗ document/schema spec.justification: must not be empty"), result.stdout)
            XCTAssertTrue(result.flat.contains("(\(approval):\(line):18)"), result.stdout)
            XCTAssertTrue(result.flat.contains("approval by bob does not count: its spec.justification is empty"), result.stdout)
            XCTAssertTrue(result.flat.contains("needs 2 approvals by distinct members, 1 count (carol)"), result.stdout)
        }
    }

    func testAWaiverWithABlankReasonWaivesNothing() throws {
        let demo = try GitSandbox.demo()
        try demo.write("waivers/p95.yaml", """
            apiVersion: tollgate/v1
            kind: Waiver
            metadata: {name: p95-no-reason}
            spec:
              policy: release-gate
              rule: p95-latency
              subject: fraud-student-2.1.0-production
              reason: " "
              expires: 2099-01-15
            """)
        try demo.commitSigned("A waiver without a reason", as: "alice")
        // `policy approve` refuses to approve it at all.
        try demo.becomeMember("dana")
        let refused = try demo.policy("approve", "p95-no-reason", "-m", "ok", "--role", "policy-owner")
        XCTAssertEqual(refused.status, 2, refused.stdout)
        XCTAssertTrue(refused.stderr.contains("spec.reason: must not be empty"), refused.stderr)
        let result = try demo.policy("check")
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.flat.contains("spec.reason: must not be empty: say why, in words (found only white space) (waivers/p95.yaml:8:11)"), result.stdout)
        XCTAssertTrue(result.flat.contains("waiver p95-no-reason gives no reason (spec.reason is empty): it waives nothing"), result.stdout)
        XCTAssertTrue(result.flat.contains("✗ release-gate/p95-latency"), result.stdout)
    }

    // MARK: Cascading noise

    /// One YAML error in the model card: the card's file has the error, and the request one
    /// finding that names it and the rules it keeps from being evaluated — not one per rule.
    func testOneYAMLErrorInTheCardIsReportedOnceOnTheRequest() throws {
        let demo = try GitSandbox.demo()
        try demo.edit(Self.card, replacing: "  owners: [", with: "  owners: [[")
        let result = try demo.policy("check", "--format", "json")
        XCTAssertEqual(result.status, 1)

        let cardFindings = try findings(in: Self.card, of: result)
        XCTAssertEqual(cardFindings.count, 1, "\(cardFindings)")
        let cause = try XCTUnwrap(cardFindings.first)
        XCTAssertEqual(cause["severity"] as? String, "block")
        let causeLocation = location(cause)
        XCTAssertTrue(causeLocation.hasPrefix("\(Self.card):10:"), causeLocation)

        let requestFindings = try findings(in: Self.request, of: result)
        let aboutCard = requestFindings.filter { message($0).contains("fraud-student-2.1.0'") || message($0).contains("card") }
        XCTAssertEqual(aboutCard.count, 1, aboutCard.map(message).joined(separator: "\n"))
        let one = try XCTUnwrap(aboutCard.first)
        XCTAssertEqual(one["severity"] as? String, "block", "the request still fails closed")
        let line = try demo.line(of: "modelCard:", in: Self.request)
        XCTAssertEqual(location(one), "\(Self.request):\(line):14")
        XCTAssertTrue(message(one).contains("spec.modelCard: ModelCard 'fraud-student-2.1.0' cannot be read (\(causeLocation): invalid YAML"), message(one))
        let notes = (one["notes"] as? [[String: Any]] ?? []).map { "\($0["message"] as? String ?? "") (\(location($0)))" }
        // fairness/slice-features reads the card's declared sensitive features.
        XCTAssertEqual(notes.first, "6 rules that read `card` were not evaluated: fairness/slice-features, lineage/reproducible-run, rai/intended-use, rai/out-of-scope, rai/limitations, rai/ethical-considerations (policies/fairness.yaml:\(try demo.line(of: "- id: slice-features", in: "policies/fairness.yaml")):11)")
        XCTAssertEqual(notes.last, "what keeps ModelCard 'fraud-student-2.1.0' from being read (\(causeLocation))")
        XCTAssertFalse(message(one).contains("did you mean"), message(one))
        let subject = try XCTUnwrap(try subject(Self.request, of: result))
        XCTAssertEqual(subject["verdict"] as? String, "block")
        // The rules that could not read the card still fail closed, without a finding each.
        let rules = subject["rules"] as? [[String: Any]] ?? []
        let limitations = try XCTUnwrap(rules.first { $0["id"] as? String == "rai/limitations" })
        XCTAssertEqual(limitations["outcome"] as? String, "block")
        XCTAssertEqual((limitations["findings"] as? [Any])?.count, 0)

        // The text report says it once per request that names the card (the released 2.1.0
        // staging request names it too), and no rule repeats it.
        let text = try demo.policy("check")
        XCTAssertEqual(text.flat.components(separatedBy: "cannot be read").count - 1, 2, text.stdout)
        XCTAssertFalse(text.flat.contains("card.spec.limitations cannot be read"), text.stdout)
    }
}
