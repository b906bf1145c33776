import Foundation
import XCTest

/// Red team of the evidence behind a verdict: who signed a run manifest (`signedBy`), the
/// gate's own changes in the audit trail, and what a check's description tells an editor.
/// Real repositories, real SSH-signed commits, the real binary.
final class RedTeamEvidenceTests: XCTestCase {
    static let run = "runs/fraud-student/run-8812.yaml"
    static let signedByPolicy = """
        apiVersion: tollgate/v1
        kind: Policy
        metadata: {name: provenance}
        spec:
          match: {kinds: [PromotionRequest], to: [production]}
          rules:
            - id: metrics-from-pipeline
              signedBy: {document: run, role: pipeline}
        """

    func publicKey(_ demo: GitSandbox, _ member: String) throws -> String {
        try String(contentsOfFile: demo.demoKey(member) + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A Team that lists alice's key also for `ci-bot`, the pipeline (listed first). A commit
    /// signed with that key cannot tell the pipeline from alice: attributing it to whichever
    /// member comes first let alice's hand-edited metrics pass as the pipeline's. The Team is
    /// refused instead (exit 2, located at the second listing), in every mode.
    func testAKeyTheTeamListsForAPersonAndForThePipelineIsRefusedNotAttributedByOrder() throws {
        let demo = try GitSandbox.demo()
        let alice = try publicKey(demo, "alice")
        try demo.edit("policies/team.yaml", replacing: "  members:\n", with: """
              members:
                - id: ci-bot
                  name: Training pipeline
                  emails: [ci-bot@distilops.example]
                  signingKeys: ["\(alice)"]
                  roles: [pipeline]

            """)
        try demo.write("policies/provenance.yaml", Self.signedByPolicy)
        try demo.commitSigned("The training pipeline signs its run manifests", as: "dana")
        // alice types better metrics into the run and commits them with her own key.
        try demo.edit(Self.run, replacing: "accuracy: 0.897", with: "accuracy: 0.95")
        try demo.commitSigned("Better accuracy", as: "alice")

        for arguments in [["check"], ["check", "--rev", "HEAD"], ["check", "--staged", "--all"], ["check", "--base", "HEAD~1"]] {
            let result = try demo.policy(arguments + ["--format", "json"])
            XCTAssertEqual(result.status, 2, "\(arguments): a key of two members proves neither: \(result.stdout.prefix(600)) \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("policies/team.yaml:"), "\(arguments): located in the Team: \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("is also a signing key of 'ci-bot'"), "\(arguments): \(result.stderr)")
        }
    }

    /// Removing the Config (its protect rules, its policy directories, its waiver rule) is a
    /// change of the gate: `policy audit --gate` must show the commit that did it, even though
    /// HEAD, having no Config any more, names no Config file.
    func testRemovingTheConfigIsAGateChangeInTheAudit() throws {
        let demo = try GitSandbox.demo()
        try demo.git("rm", "-q", ".tollgate.yaml")
        try demo.commitSigned("No more Config", as: "alice")
        let result = try demo.policy("audit", "--gate", "--format", "json")
        XCTAssertEqual(result.status, 0, result.stderr)
        let events = try result.json()["events"] as? [[String: Any]] ?? []
        let config = events.filter { $0["file"] as? String == ".tollgate.yaml" }
        XCTAssertEqual(config.count, 2, "added by dana, removed by alice: \(events.compactMap { $0["file"] as? String })")
        XCTAssertEqual(config.last?["summary"] as? String,
                       "Config distilops removed; not protected (no protect rule of the Config covers .tollgate.yaml)")
        XCTAssertEqual(config.last?["signer"] as? String, "alice")
    }

    /// The description of `signedBy` that `policy schema Policy` gives editors (and
    /// docs/policies.md's table) is prose: no line-continuation backslashes leaked into it.
    func testTheSignedByDescriptionHasNoStrayBackslashes() throws {
        let demo = try GitSandbox()
        let result = try demo.policy("schema", "Policy")
        XCTAssertEqual(result.status, 0, result.stderr)
        var descriptions: [String] = []
        func collect(_ value: Any) {
            if let object = value as? [String: Any] {
                if let text = object["description"] as? String, text.contains("answers for a bound document") { descriptions.append(text) }
                object.values.forEach(collect)
            } else if let list = value as? [Any] {
                list.forEach(collect)
            }
        }
        collect(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)))
        XCTAssertFalse(descriptions.isEmpty, "signedBy is described")
        for text in descriptions {
            XCTAssertFalse(text.contains("\\"), text)
        }
    }
}
