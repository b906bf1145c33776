import Foundation
import TollgateTestSupport
import XCTest

/// `policy init --profile minimal|standard|strict` in a fresh repository: the starter tests
/// pass at once, and one minimal, well-formed model (card, run, staging then production
/// request, written from docs/documents.md) reaches PASS once its evidence is complete and
/// two members approved it in signed commits. Every runbook a report links is a file.
final class InitProfileTests: XCTestCase {
    /// A member of the test team: the requester (dev) and two approvers.
    struct Member {
        var id: String
        var name: String
        var roles: [String]
        var email: String { "\(id)@example.com" }
    }

    static let members = [
        Member(id: "dev", name: "Dev Requester", roles: ["requester", "policy-owner"]),
        Member(id: "ana", name: "Ana Reviewer", roles: ["approver", "rai-reviewer"]),
        Member(id: "ben", name: "Ben Approver", roles: ["approver"]),
    ]

    static let production = "ticket-router-1.0.0-production"

    /// A fresh repository set up by `policy init --profile <profile>`, with its Team replaced
    /// by the three members and their real SSH keys; everything committed, signed by dev.
    func initialized(_ profile: String?) throws -> (GitSandbox, [String: SSHKey]) {
        let sandbox = try GitSandbox()
        var keys: [String: SSHKey] = [:]
        for member in Self.members {
            keys[member.id] = try sandbox.makeKey(member.id, type: "ed25519", comment: member.email)
        }
        try become("dev", in: sandbox, keys: keys)
        let home = sandbox.root.deletingLastPathComponent().path
        let result = try sandbox.policy(["init"] + (profile.map { ["--profile", $0] } ?? []),
                                        environment: ["HOME": home, "GIT_CONFIG_NOSYSTEM": "1"])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("(profile \(profile ?? "standard"))"), result.stdout)

        var team = "apiVersion: tollgate/v1\nkind: Team\nmetadata: {name: team}\nspec:\n  members:\n"
        for member in Self.members {
            let key = try XCTUnwrap(keys[member.id]).publicLine
            team += "    - {id: \(member.id), name: \(member.name), emails: [\(member.email)], signingKeys: [\"\(key)\"], roles: [\(member.roles.joined(separator: ", "))]}\n"
        }
        try sandbox.write("policies/team.yaml", team)
        try sandbox.makeCommit("Set up Tollgate", author: GitIdentity("Dev Requester", "dev@example.com"), signedBy: keys["dev"])
        return (sandbox, keys)
    }

    func become(_ id: String, in sandbox: GitSandbox, keys: [String: SSHKey]) throws {
        let member = try XCTUnwrap(Self.members.first { $0.id == id })
        try sandbox.git("config", "user.name", member.name)
        try sandbox.git("config", "user.email", member.email)
        try sandbox.git("config", "gpg.format", "ssh")
        try sandbox.git("config", "user.signingkey", try XCTUnwrap(keys[id]).publicPath)
    }

    /// The model's card, run (with its artifact) and staging request, committed by dev.
    func addModel(to sandbox: GitSandbox, keys: [String: SSHKey]) throws {
        let code = try sandbox.git("rev-parse", "HEAD")
        let artifact = Data("not really an ONNX model\n".utf8)
        try sandbox.write("models/ticket-router/1.0.0/model.onnx", artifact)
        let sha256 = try GitSandbox.run("/usr/bin/env", ["sha256sum", "models/ticket-router/1.0.0/model.onnx"], in: sandbox.root)
            .stdout.split(separator: " ").first.map(String.init) ?? ""
        try sandbox.write("models/ticket-router/card.yaml", """
            apiVersion: tollgate/v1
            kind: ModelCard
            metadata: {name: ticket-router-1.0.0}
            spec:
              model: ticket-router
              version: "1.0.0"
              owners: [dev@example.com]
              description: Routes support tickets to the team that handles them.
              intendedUse:
                primaryUses: [Suggest the team for a new support ticket]
                primaryUsers: [Support agents]
                outOfScope: [Decisions about customers without human review]
              limitations: [Tickets in rare languages are routed less accurately]
              ethicalConsiderations:
                - {name: Worse service in rare languages, mitigation: Per-language accuracy is reviewed at every release}
              trainingData: {dataset: tickets, version: "2026-09-30"}
              fairness:
                sensitiveFeatures: [language]

            """)
        try sandbox.write("runs/ticket-router-run-1.yaml", """
            apiVersion: tollgate/v1
            kind: RunManifest
            metadata: {name: ticket-router-run-1}
            spec:
              model: ticket-router
              version: "1.0.0"
              code: {commit: \(code)}
              environment: {image: "registry.example.com/train@sha256:\(String(repeating: "ab", count: 32))"}
              dataset: {name: tickets, version: "2026-09-30"}
              config: {seed: 7, hyperparameters: {epochs: 3}}
              artifacts:
                - {path: models/ticket-router/1.0.0/model.onnx, sha256: \(sha256)}
              metrics: {accuracy: 0.91}
              slices:
                - {name: en, feature: language, group: en, support: 9000, metrics: {accuracy: 0.92}}
                - {name: de, feature: language, group: de, support: 3000, metrics: {accuracy: 0.9}}
              serving: {p50Ms: 8, p95Ms: 18, p99Ms: 30, errorRate: 0.004, availability: 0.9995}
              drift:
                features:
                  - {name: length, bins: [0, 100, 1000], baseline: [500, 500], current: [510, 490]}

            """)
        try sandbox.write("requests/ticket-router-1.0.0-staging.yaml", request(from: "development", to: "staging"))
        try sandbox.makeCommit("ticket-router 1.0.0 to staging", author: GitIdentity("Dev Requester", "dev@example.com"),
                               signedBy: keys["dev"])
    }

    func request(from: String, to: String) -> String {
        """
        apiVersion: tollgate/v1
        kind: PromotionRequest
        metadata: {name: ticket-router-1.0.0-\(to)}
        spec:
          model: ticket-router
          version: "1.0.0"
          from: \(from)
          to: \(to)
          run: ticket-router-run-1
          modelCard: ticket-router-1.0.0
          requestedBy: dev
          justification: First release of ticket-router.
          canary: {initialPercent: 5, maxPercent: 100, stepPercent: 25, observationMinutes: 30, autoRollback: true, rollbackErrorRate: 0.02}

        """
    }

    /// Runbook paths in a report; each must be a file of the repository.
    func assertRunbooksResolve(_ output: String, in sandbox: GitSandbox, format: String,
                               file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        let regex = try NSRegularExpression(pattern: "docs/runbooks/[A-Za-z0-9._-]+\\.md")
        let matches = regex.matches(in: output, range: NSRange(output.startIndex..., in: output))
        for match in matches {
            let path = String(output[Range(match.range, in: output)!])
            XCTAssertTrue(FileManager.default.fileExists(atPath: sandbox.root.appendingPathComponent(path).path),
                          "\(format) links \(path), which is not a file", file: file, line: line)
        }
        return matches.count
    }

    func checkProfile(_ profile: String?) throws {
        let name = profile ?? "standard"
        let (sandbox, keys) = try initialized(profile)

        // The starter tests pass right after init.
        let tests = try sandbox.policy("test", "policies/tests")
        XCTAssertEqual(tests.status, 0, "\(name): " + tests.stdout + tests.stderr)
        XCTAssertTrue(tests.stdout.contains("PASS  starter-\(name) / "), tests.stdout)
        XCTAssertFalse(tests.stdout.contains("FAIL"), tests.stdout)

        try addModel(to: sandbox, keys: keys)
        let staging = try sandbox.policy("check")
        XCTAssertEqual(staging.status, 0, "\(name): the staging request passes: \(staging.stdout) \(staging.stderr)")
        XCTAssertTrue(staging.flat.hasPrefix("PASS PromotionRequest/ticket-router-1.0.0-staging"), staging.stdout)

        // Production: blocked only for want of approvals; every runbook it links exists.
        try sandbox.write("requests/\(Self.production).yaml", request(from: "staging", to: "production"))
        try sandbox.makeCommit("ticket-router 1.0.0 to production", author: GitIdentity("Dev Requester", "dev@example.com"),
                               signedBy: keys["dev"])
        let blocked = try sandbox.policy("check", "--format", "json")
        XCTAssertEqual(blocked.status, 1, blocked.stdout + blocked.stderr)
        let findings = ((try blocked.json()["subjects"] as? [[String: Any]]) ?? []).flatMap { subject in
            ((subject["rules"] as? [[String: Any]]) ?? []).filter { !(($0["findings"] as? [Any]) ?? []).isEmpty }.map { $0["id"] as? String ?? "?" }
        }
        XCTAssertEqual(findings, ["approvals/production-sign-off"], "\(name): \(blocked.stdout)")
        var links = 0
        for format in ["text", "json", "sarif", "markdown"] {
            let output = try sandbox.policy("check", "--format", format)
            XCTAssertEqual(output.status, 1, output.stderr)
            let found = try assertRunbooksResolve(output.stdout, in: sandbox, format: format)
            XCTAssertGreaterThan(found, 0, "\(name) \(format): the approvals finding links its runbook:\n\(output.stdout)")
            links += found
        }
        XCTAssertGreaterThan(links, 0)

        for (member, role) in [("ana", "rai-reviewer"), ("ben", "approver")] {
            try become(member, in: sandbox, keys: keys)
            let approved = try sandbox.policy("approve", Self.production, "-m", "Reviewed the card, run and request", "--role", role)
            XCTAssertEqual(approved.status, 0, "\(name): \(member): \(approved.stdout) \(approved.stderr)")
        }
        let passed = try sandbox.policy("check")
        XCTAssertEqual(passed.status, 0, "\(name): \(passed.stdout) \(passed.stderr)")
        XCTAssertTrue(passed.flat.contains("PASS PromotionRequest/\(Self.production)"), passed.stdout)
        if name != "minimal" {
            // The first release of a model that is not distilled: said once each, not failed.
            XCTAssertTrue(passed.flat.contains("n/a lifecycle/champion-regression — first release of this model, no champion"), passed.stdout)
            XCTAssertTrue(passed.flat.contains("n/a lifecycle/distillation-gap — run names no teacher: not a distilled model"), passed.stdout)
            let explain = try sandbox.policy("explain", Self.production)
            XCTAssertEqual(explain.status, 0, explain.stderr)
            XCTAssertTrue(explain.stdout.contains("lifecycle/champion-regression  N/A"), explain.stdout)
            XCTAssertTrue(explain.stdout.contains("not applicable: first release of this model, no champion (the rule passes)"), explain.stdout)
        } else {
            XCTAssertFalse(passed.stdout.contains("n/a"), passed.stdout)
        }
        let json = try sandbox.policy("check", "--format", "json").json()
        XCTAssertEqual(json["verdict"] as? String, "pass")
    }

    func testMinimalProfile() throws { try checkProfile("minimal") }
    func testStandardProfileIsTheDefault() throws { try checkProfile(nil) }
    func testStrictProfile() throws { try checkProfile("strict") }

    func testProfilesWriteTheirOwnPoliciesRunbooksAndStarterTest() throws {
        for (profile, policies, runbooks) in [
            ("minimal", ["approvals", "rai", "release-gate"],
             ["approvals.md", "latency-regression.md", "missing-documentation.md", "serving-reliability.md", "waivers.md"]),
            ("strict", ["approvals", "canary", "drift", "fairness", "incidents", "lifecycle", "lineage", "rai", "release-gate"],
             ["approvals.md", "canary-plan.md", "champion-regression.md", "distillation-gap.md", "drift.md", "fairness.md",
              "incident.md", "latency-regression.md", "lifecycle-transition.md", "missing-documentation.md",
              "missing-lineage.md", "serving-reliability.md", "waivers.md"]),
        ] {
            let (sandbox, _) = try initialized(profile)
            let written = try FileManager.default.contentsOfDirectory(atPath: sandbox.root.appendingPathComponent("policies").path)
                .filter { $0.hasSuffix(".yaml") && $0 != "team.yaml" }.sorted()
            XCTAssertEqual(written, policies.map { $0 + ".yaml" }, profile)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: sandbox.root.appendingPathComponent("docs/runbooks").path).sorted(),
                           runbooks, profile)
            let starter = try FileManager.default.contentsOfDirectory(atPath: sandbox.root.appendingPathComponent("policies/tests/starter").path).sorted()
            XCTAssertEqual(starter, ["example", "history", "\(profile).yaml"], profile)
        }
        let bad = try GitSandbox().policy("init", "--profile", "huge")
        XCTAssertEqual(bad.status, 2, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("minimal") && bad.stderr.contains("strict"), bad.stderr)
    }

    /// A runbook the checked repository does not hold is never linked: the finding shows no
    /// runbook, and one warning, located at the rule's `runbook:` in the policy file, says so.
    func testAMissingRunbookIsAWarningAndNeverALink() throws {
        let (sandbox, keys) = try initialized("minimal")
        try addModel(to: sandbox, keys: keys)
        try FileManager.default.removeItem(at: sandbox.root.appendingPathComponent("docs/runbooks/approvals.md"))
        try sandbox.write("requests/\(Self.production).yaml", request(from: "staging", to: "production"))
        try sandbox.makeCommit("Production, and the approvals runbook removed", author: GitIdentity("Dev Requester", "dev@example.com"),
                               signedBy: keys["dev"])
        let policy = try sandbox.read("policies/approvals.yaml").components(separatedBy: "\n")
        let line = try XCTUnwrap(policy.firstIndex { $0.contains("runbook: docs/runbooks/approvals.md") }) + 1
        let column = try XCTUnwrap(policy[line - 1].range(of: "docs/")).lowerBound.utf16Offset(in: policy[line - 1]) + 1

        let text = try sandbox.policy("check")
        XCTAssertEqual(text.status, 1, text.stderr)
        XCTAssertTrue(text.stdout.contains("! policy/runbook"), text.stdout)
        XCTAssertTrue(text.flat.contains("runbook docs/runbooks/approvals.md is not a file of this repository: the findings of approvals/production-sign-off link no runbook until it is written (policy init writes the default pack's runbooks) (policies/approvals.yaml:\(line):\(column))"),
                      text.stdout)
        XCTAssertFalse(text.stdout.contains("runbook: docs/runbooks/approvals.md"), text.stdout)
        for format in ["text", "json", "sarif", "markdown"] {
            let output = try sandbox.policy("check", "--format", format)
            _ = try assertRunbooksResolve(output.stdout.replacingOccurrences(of: "runbook docs/runbooks/approvals.md is not", with: ""),
                                          in: sandbox, format: format)
        }
        let json = try sandbox.policy("check", "--format", "json").json()
        let summary = try XCTUnwrap(json["summary"] as? [String: Any])
        XCTAssertEqual(summary["warningFindings"] as? Int, 1)
        XCTAssertEqual(summary["blockingFindings"] as? Int, 1)
    }
}
