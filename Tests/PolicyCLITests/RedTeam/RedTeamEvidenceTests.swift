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

    /// `lineage: {require: [configFile]}` reads the config file at the code commit. Git stores a
    /// symbolic link as a blob holding the link's target, so a config committed as a symlink was
    /// read as its target's *name*: a link to the real config blocked as "holds a string", and a
    /// dangling link whose target text is a YAML mapping passed, with no config file at the
    /// commit at all. A symlink is refused by name, located at run.spec.config.file.
    func testAConfigFileCommittedAsASymbolicLinkIsRefusedNotReadAsItsTarget() throws {
        let demo = try GitSandbox.demo()
        try demo.edit("policies/lineage.yaml", replacing: "lineage: {require: [seed,", with: "lineage: {require: [configFile, seed,")
        try demo.commitSigned("Cross-check the training config", as: "dana")
        let parameters = "{temperature: 4.0, alpha: 0.7, epochs: 12, batchSize: 2048, learningRate: 0.0005, optimizer: adamw, hiddenSize: 256, layers: 2}"
        try demo.write("train/configs/match.yaml", "seed: 8812\nhyperparameters: \(parameters)\n")
        let configs = demo.root.appendingPathComponent("train/configs")
        try FileManager.default.createSymbolicLink(atPath: configs.appendingPathComponent("link.yaml").path, withDestinationPath: "match.yaml")
        try FileManager.default.createSymbolicLink(atPath: configs.appendingPathComponent("dangling.yaml").path,
                                                   withDestinationPath: "{seed: 8812, hyperparameters: \(parameters)}")
        try demo.commitSigned("Training configs", as: "alice")
        let code = try demo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        let original = try demo.read(Self.run)
        let pinned = try XCTUnwrap(original.range(of: #"commit: [0-9a-f]{40}"#, options: .regularExpression))

        func lineage(_ file: String) throws -> (outcome: String?, messages: [String], lines: [Int]) {
            let run = original.replacingCharacters(in: pinned, with: "commit: \(code)")
                .replacingOccurrences(of: "  config:\n", with: "  config:\n    file: \(file)\n")
            try demo.write(Self.run, run)
            try demo.commitSigned("run-8812 trained with \(file)", as: "alice")
            let result = try demo.policy("check", "--rev", "HEAD", "--format", "json")
            let subjects = try result.json()["subjects"] as? [[String: Any]] ?? []
            let request = subjects.first { $0["name"] as? String == GitSandbox.request }
            let rule = (request?["rules"] as? [[String: Any]] ?? []).first { $0["id"] as? String == "lineage/reproducible-run" }
            let findings = rule?["findings"] as? [[String: Any]] ?? []
            return (rule?["outcome"] as? String, findings.compactMap { $0["message"] as? String },
                    findings.compactMap { ($0["location"] as? [String: Any])?["line"] as? Int })
        }
        let line = try XCTUnwrap(original.components(separatedBy: "\n").firstIndex(of: "  config:")) + 2  // the file: line added under it

        XCTAssertEqual(try lineage("train/configs/match.yaml").outcome, "pass", "the regular file agrees with the run")
        for file in ["train/configs/dangling.yaml", "train/configs/link.yaml"] {
            let judged = try lineage(file)
            XCTAssertEqual(judged.outcome, "block", "\(file): \(judged.messages)")
            XCTAssertEqual(judged.messages.count, 1, "\(file): \(judged.messages)")
            XCTAssertTrue(judged.messages.first?.contains("\(file) at commit \(code.prefix(7)) cannot be read: it is a symbolic link") ?? false,
                          "\(file): \(judged.messages)")
            XCTAssertEqual(judged.lines, [line], "\(file): located at run.spec.config.file")
        }
    }

    /// A false condition points at the data that decided it (docs/cel.md). `!has(x.f)` is false
    /// because `x.f` is there: the finding must land on `f`, not on whatever `x`'s first entry
    /// is (`p50Ms` for `run.spec.serving.p95Ms`), which reads as the wrong value failing.
    func testAFalsePresenceTestPointsAtTheFieldThatIsPresent() throws {
        let demo = try GitSandbox.demo()
        try demo.write("policies/presence.yaml", """
            apiVersion: tollgate/v1
            kind: Policy
            metadata: {name: presence}
            spec:
              match: {kinds: [PromotionRequest], to: [production]}
              rules:
                - id: no-p95
                  expr: "!has(run.spec.serving.p95Ms)"
            """)
        try demo.commitSigned("A presence rule", as: "dana")
        let run = try demo.read(Self.run).components(separatedBy: "\n")
        let p95 = try XCTUnwrap(run.firstIndex { $0.hasPrefix("    p95Ms:") }) + 1
        for arguments in [["check"], ["check", "--rev", "HEAD"]] {
            let result = try demo.policy(arguments + ["--format", "json"])
            let subjects = try result.json()["subjects"] as? [[String: Any]] ?? []
            let request = subjects.first { $0["name"] as? String == GitSandbox.request }
            let rule = (request?["rules"] as? [[String: Any]] ?? []).first { $0["id"] as? String == "presence/no-p95" }
            let location = (rule?["findings"] as? [[String: Any]])?.first?["location"] as? [String: Any]
            XCTAssertEqual(rule?["outcome"] as? String, "block", "\(arguments)")
            XCTAssertEqual(location?["file"] as? String, Self.run, "\(arguments)")
            XCTAssertEqual(location?["line"] as? Int, p95, "\(arguments): at p95Ms, the field whose presence decided it: \(location ?? [:])")
        }
    }

    /// Which paths are the gate is the Config's `spec.policies` as it was when each change was
    /// made: after the team moves its policies from policies/ to gates/, every earlier change of
    /// a policy (who added it, who loosened it unsigned) must stay in `policy audit --gate`.
    func testMovingThePolicyDirectoryKeepsTheEarlierGateChangesInTheAudit() throws {
        let demo = try GitSandbox.demo()
        let gate = "policies/release-gate.yaml"
        try demo.edit(gate, replacing: "max: 25", with: "max: 30")
        try demo.commitAll("Loosen p95")
        try demo.git("mv", "policies", "gates")
        try demo.edit(".tollgate.yaml", replacing: "policies: [policies/]", with: "policies: [gates/]")
        try demo.edit(".tollgate.yaml", replacing: "\"policies/**\"", with: "\"gates/**\"")
        try demo.commitSigned("Policies live in gates/", as: "dana")
        let result = try demo.policy("audit", "--gate", "--format", "json")
        XCTAssertEqual(result.status, 0, result.stderr)
        let events = try result.json()["events"] as? [[String: Any]] ?? []
        let summaries = events.filter { $0["file"] as? String == gate }.compactMap { $0["summary"] as? String }
        // HEAD's protect rule covers gates/**, so the old path reads as not protected (the rules are HEAD's).
        XCTAssertEqual(summaries.first, "Policy release-gate added; not protected (no protect rule of the Config covers \(gate))",
                       "dana's set-up is still in the trail: \(summaries)")
        XCTAssertTrue(summaries.contains("Policy release-gate changed; not protected (no protect rule of the Config covers \(gate))"),
                      "the unsigned loosening is still in the trail: \(summaries)")
        XCTAssertTrue(events.contains { $0["file"] as? String == "gates/release-gate.yaml" }, "and the move itself")
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
