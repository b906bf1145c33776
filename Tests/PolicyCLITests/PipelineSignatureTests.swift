import Foundation
import XCTest

/// Seed 003's separation of the pipeline from people: `signedBy: {document: run, role:
/// pipeline}` counts a run manifest only when the commit that answers for it is signed by a
/// key holding `pipeline`, in the demo's real history with real SSH signatures.
final class PipelineSignatureTests: XCTestCase {
    static let policy = """
        apiVersion: tollgate/v1
        kind: Policy
        metadata: {name: provenance}
        spec:
          match: {kinds: [PromotionRequest], to: [production]}
          rules:
            - id: metrics-from-pipeline
              signedBy: {document: run, role: pipeline}
        """
    static let run = "runs/fraud-student/run-8812.yaml"

    /// The demo with a `ci-bot` member holding `pipeline` (a fresh ed25519 key), the policy, both
    /// committed and signed by dana, a policy-owner.
    func sandbox() throws -> GitSandbox {
        let demo = try GitSandbox.demo()
        let key = demo.demoKey("ci-bot")
        _ = try GitSandbox.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "ci-bot@distilops.example", "-f", key],
                               in: demo.root)
        let publicKey = try String(contentsOfFile: key + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let team = try String(contentsOf: demo.root.appendingPathComponent("policies/team.yaml"), encoding: .utf8)
        try demo.write("policies/team.yaml", team + """
                - id: ci-bot
                  name: Training pipeline
                  emails: [ci-bot@distilops.example]
                  signingKeys: ["\(publicKey)"]
                  roles: [pipeline]

            """)
        try demo.write("policies/provenance.yaml", Self.policy)
        try demo.commitSigned("The training pipeline signs its run manifests", as: "dana")
        return demo
    }

    func rule(_ result: GitSandbox.Result) throws -> (outcome: String?, messages: [String], severities: [String]) {
        let subjects = try result.json()["subjects"] as? [[String: Any]] ?? []
        let request = subjects.first { $0["name"] as? String == GitSandbox.request }
        let rule = (request?["rules"] as? [[String: Any]] ?? []).first { $0["id"] as? String == "provenance/metrics-from-pipeline" }
        let findings = rule?["findings"] as? [[String: Any]] ?? []
        return (rule?["outcome"] as? String, findings.compactMap { $0["message"] as? String }, findings.compactMap { $0["severity"] as? String })
    }

    func testOnlyTheCommitsOfTheKeyHoldingPipelineCount() throws {
        let demo = try sandbox()
        // The demo's run was committed by a person.
        let typed = try rule(try demo.policy("check", "--format", "json"))
        XCTAssertEqual(typed.outcome, "block")
        XCTAssertEqual(typed.messages.count, 1)
        XCTAssertTrue(typed.messages[0].hasPrefix("\(Self.run) was last changed in "), typed.messages[0])
        XCTAssertTrue(typed.messages[0].contains(", signed by alice, who does not hold 'pipeline': only a commit signed by a member holding 'pipeline' counts"),
                      typed.messages[0])

        // The pipeline commits the run again: it counts, in every mode.
        try demo.edit(Self.run, replacing: "p95Ms: 28.7", with: "p95Ms: 24.1")
        try demo.commitSigned("Retrained: run-8812", as: "ci-bot")
        for arguments in [["check"], ["check", "--rev", "HEAD"], ["check", "--staged", "--all"], ["check", "--staged", "--all"],
                          ["check", "--staged", "--all", "--no-cache"], ["check", "--no-cache"], ["check", "--base", "HEAD~1"]] {
            let result = try demo.policy(arguments + ["--format", "json"])
            XCTAssertEqual(try rule(result).outcome, "pass", "\(arguments): \(result.stdout.prefix(400)) \(result.stderr)")
        }

        // A person edits the metrics afterwards, signed: blocks, naming the signer.
        try demo.edit(Self.run, replacing: "accuracy: 0.897", with: "accuracy: 0.93")
        let uncommitted = try rule(try demo.policy("check", "--format", "json"))
        XCTAssertEqual(uncommitted.outcome, "warn", "not committed yet: pending")
        XCTAssertEqual(uncommitted.messages, ["\(Self.run) has changes that are not committed: the commit that records them must be signed by a member holding 'pipeline'"])
        try demo.git("add", Self.run)
        XCTAssertEqual(try rule(try demo.policy("check", "--staged", "--format", "json")).severities, ["warn"])
        try demo.commitSigned("Better accuracy", as: "carol")
        let edited = try rule(try demo.policy("check", "--rev", "HEAD", "--format", "json"))
        XCTAssertEqual(edited.outcome, "block")
        XCTAssertTrue(edited.messages.first?.contains("signed by carol, who does not hold 'pipeline'") ?? false, edited.messages.description)
        // The same verdict from the stores an earlier run filled (warm), without them, and cold.
        for arguments in [["check", "--staged", "--all"], ["check", "--staged", "--all"], ["check", "--staged", "--all", "--no-cache"],
                          ["check", "--no-cache"], ["check"]] {
            let result = try rule(try demo.policy(arguments + ["--format", "json"]))
            XCTAssertEqual(result.messages, edited.messages, arguments.joined(separator: " "))
            XCTAssertEqual(result.outcome, "block", arguments.joined(separator: " "))
        }

        // Unsigned, by someone claiming to be the pipeline: the e-mail proves nothing.
        try demo.edit(Self.run, replacing: "accuracy: 0.93", with: "accuracy: 0.94")
        try demo.git(["add", "-A"], author: "Training pipeline", email: "ci-bot@distilops.example")
        try demo.git(["-c", "commit.gpgsign=false", "commit", "-q", "-m", "Looks like the bot"], author: "Training pipeline", email: "ci-bot@distilops.example")
        let forged = try rule(try demo.policy("check", "--format", "json"))
        XCTAssertEqual(forged.outcome, "block")
        XCTAssertTrue(forged.messages.first?.contains("but it is not signed: only a commit signed by a member holding 'pipeline' counts") ?? false,
                      forged.messages.description)
    }

    func testAMergeAnswersForARunItBringsBackItself() throws {
        let demo = try sandbox()
        try demo.edit(Self.run, replacing: "p95Ms: 28.7", with: "p95Ms: 24.1")
        try demo.commitSigned("Retrained: run-8812", as: "ci-bot")
        let signed = try demo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        // A side branch touches another file; its merge swaps the run for a hand-edited one.
        try demo.git("checkout", "-q", "-b", "side")
        try demo.edit("requests/fraud-student-2.1.0-production.yaml", replacing: "observationMinutes: 60", with: "observationMinutes: 90")
        try demo.commitSigned("Slower ramp", as: "alice")
        try demo.git("checkout", "-q", "-")
        try demo.git("merge", "-q", "--no-ff", "--no-commit", "side")
        try demo.edit(Self.run, replacing: "accuracy: 0.897", with: "accuracy: 0.95")
        try demo.commitSigned("Merge side", as: "alice")
        XCTAssertNotEqual(try demo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines), signed)
        let merged = try rule(try demo.policy("check", "--rev", "HEAD", "--format", "json"))
        XCTAssertEqual(merged.outcome, "block")
        XCTAssertTrue(merged.messages.first?.contains("signed by alice, who does not hold 'pipeline'") ?? false, merged.messages.description)
    }
}
