import Foundation
import TollgateTestSupport
import XCTest

/// A new user's first steps and the card-declared sensitive features, tried with the inputs
/// people get wrong: an existing Config that protects nothing, a card whose feature list is
/// not a list of names.
final class RedTeamAdoptionTests: XCTestCase {
    // MARK: - policy init

    /// A repository that already has a Config with its own policy directory and no `protect`:
    /// init wrote the pack there and told the user ".tollgate.yaml and governance/ are
    /// protected" — a false statement about who can change the rules.
    func testInitOverAConfigThatProtectsNothingSaysSoInsteadOfClaimingProtection() throws {
        let sandbox = try GitSandbox()
        try sandbox.write(".tollgate.yaml", "apiVersion: tollgate/v1\nkind: Config\nmetadata: {name: acme}\nspec:\n  policies: [governance/]\n")
        let first = try sandbox.policy("init", "--profile", "minimal")
        XCTAssertEqual(first.status, 0, first.stdout + first.stderr)
        XCTAssertTrue(first.stdout.contains("created  governance/release-gate.yaml"), first.stdout)
        XCTAssertFalse(first.flat.contains("governance/ are protected"), first.stdout)
        XCTAssertTrue(first.flat.contains("Your .tollgate.yaml does not protect governance/ and itself, so anyone can change the policies: add `- {paths: [\"governance/**\", \".tollgate.yaml\"], role: policy-owner}` to its spec.protect"),
                      first.stdout)
        let test = try sandbox.policy("test", "governance/tests")
        XCTAssertEqual(test.status, 0, test.stdout + test.stderr)

        // A Config that protects them: the statement is true and init makes it.
        let protected = try GitSandbox()
        try protected.write(".tollgate.yaml", "apiVersion: tollgate/v1\nkind: Config\nmetadata: {name: acme}\nspec:\n  policies: [governance/]\n  protect:\n    - {paths: [\"governance/**\", \".tollgate.yaml\"], role: policy-owner}\n")
        let again = try protected.policy("init", "--profile", "minimal")
        XCTAssertEqual(again.status, 0, again.stdout + again.stderr)
        XCTAssertTrue(again.flat.contains(".tollgate.yaml and governance/ are protected"), again.stdout)

        // A fresh repository: init writes the Config that protects them.
        let fresh = try GitSandbox()
        let created = try fresh.policy("init", "--profile", "minimal")
        XCTAssertTrue(created.flat.contains(".tollgate.yaml and policies/ are protected"), created.stdout)
    }

    // MARK: - Card-declared sensitive features

    func sliceFeatures(_ demo: GitSandbox, declared: String) throws -> GitSandbox.Result {
        try demo.edit("models/fraud-student/card.yaml", replacing: "sensitiveFeatures: [region, account_age]", with: "sensitiveFeatures: \(declared)")
        defer { try? demo.edit("models/fraud-student/card.yaml", replacing: "sensitiveFeatures: \(declared)", with: "sensitiveFeatures: [region, account_age]") }
        return try demo.policy("check", "--color", "never")
    }

    /// Every malformed declaration blocks at the card, and says what it found once.
    func testMalformedFeatureDeclarationsBlockAtTheCardWithOneDescription() throws {
        let demo = try GitSandbox.demo()
        let line = try demo.line(of: "sensitiveFeatures:", in: "models/fraud-student/card.yaml")
        let cases = [
            ("region", "must be a list of feature names, found a string 'region' (models/fraud-student/card.yaml:\(line):24)"),
            ("{region: 1}", "must be a list of feature names, found a mapping (models/fraud-student/card.yaml:\(line):24)"),
            ("[region, null]", "must be a list of feature names, found a list whose entry null (models/fraud-student/card.yaml:\(line):33) is not a feature name"),
            ("[Region, account_age]", "feature 'Region' has no slice in run.spec.slices (features present: region, account_age)"),
        ]
        for (declared, message) in cases {
            let result = try sliceFeatures(demo, declared: declared)
            XCTAssertEqual(result.status, 1, declared)
            XCTAssertTrue(result.flat.contains("✗ fairness/slice-features"), "\(declared): \(result.stdout)")
            XCTAssertTrue(result.flat.contains(message), "\(declared): \(result.stdout)")
            XCTAssertFalse(result.flat.contains("a mapping a mapping") || result.flat.contains("a list a list"), result.stdout)
        }
        // `[]` declares that the model has none (decided): the rule passes.
        let none = try sliceFeatures(demo, declared: "[]")
        XCTAssertFalse(none.flat.contains("✗ fairness/slice-features"), none.stdout)
    }

    // MARK: - Runbooks

    func runbooks(_ result: GitSandbox.Result) throws -> (warnings: [String], linked: [String]) {
        let subjects = try XCTUnwrap(try result.json()["subjects"] as? [[String: Any]], result.stdout + result.stderr)
        let rules = subjects.flatMap { ($0["rules"] as? [[String: Any]]) ?? [] }
        let warnings = rules.filter { $0["id"] as? String == "policy/runbook" }
            .flatMap { ($0["findings"] as? [[String: Any]]) ?? [] }.compactMap { $0["message"] as? String }
        return (warnings, rules.compactMap { $0["runbook"] as? String })
    }

    /// A runbook that is a symbolic link was a file in the working tree (linked) and no file in
    /// the index or a commit (a warning): the pre-commit hook and CI disagreed. A URL is a link,
    /// never checked; a directory is no runbook.
    func testARunbookThatIsASymbolicLinkIsMissingInEveryModeAndAURLIsALink() throws {
        let demo = try GitSandbox.demo()
        try FileManager.default.createSymbolicLink(atPath: demo.url("docs/runbooks/p95.md").path, withDestinationPath: "latency-regression.md")
        try demo.edit("policies/release-gate.yaml", replacing: "runbook: docs/runbooks/latency-regression.md",
                      with: "runbook: docs/runbooks/p95.md")
        try demo.git("add", "-A")
        var results = [("working tree", try demo.policy("check", "--format", "json")),
                       ("--staged", try demo.policy("check", "--staged", "--all", "--format", "json"))]
        try demo.commitSigned("Runbook through a link", as: "dana")
        results.append(("--rev", try demo.policy("check", "--rev", "HEAD", "--format", "json")))
        // In range mode the policies are the base's: a base that links through the link.
        try demo.write("README.md", "DistilOps\n")
        try demo.commitSigned("An unrelated change", as: "alice")
        results.append(("--base", try demo.policy("check", "--base", "HEAD~1", "--all", "--format", "json")))
        for (mode, result) in results {
            let (warnings, linked) = try runbooks(result)
            XCTAssertEqual(warnings.count, 1, "\(mode): \(warnings)")
            XCTAssertTrue(warnings.first?.contains("runbook docs/runbooks/p95.md is not a file of this repository") == true, "\(mode): \(warnings)")
            XCTAssertFalse(linked.contains("docs/runbooks/p95.md"), "\(mode) links a runbook it warns is missing")
        }

        try demo.edit("policies/release-gate.yaml", replacing: "runbook: docs/runbooks/p95.md", with: "runbook: https://wiki.example/ops/p95")
        let url = try runbooks(try demo.policy("check", "--format", "json"))
        XCTAssertEqual(url.warnings, [])
        XCTAssertTrue(url.linked.contains("https://wiki.example/ops/p95"), "\(url.linked)")

        try FileManager.default.createDirectory(at: demo.url("docs/runbooks/p95-dir.md"), withIntermediateDirectories: true)
        try demo.write("docs/runbooks/p95-dir.md/README.md", "not a runbook\n")
        try demo.edit("policies/release-gate.yaml", replacing: "runbook: https://wiki.example/ops/p95", with: "runbook: docs/runbooks/p95-dir.md")
        let directory = try runbooks(try demo.policy("check", "--format", "json"))
        XCTAssertEqual(directory.warnings.count, 1, "\(directory.warnings)")
        XCTAssertFalse(directory.linked.contains("docs/runbooks/p95-dir.md"))
    }
}
