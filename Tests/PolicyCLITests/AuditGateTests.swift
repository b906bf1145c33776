import Foundation
import XCTest

/// `policy audit` covers the gate itself: who changed a Policy, the Team or the Config, and
/// whether the change met the Config's `protect` rule — signed commits, an unsigned edit,
/// a signer without the role, and a merge that brings an old policy back.
final class AuditGateTests: XCTestCase {
    func gateEvents(_ demo: GitSandbox) throws -> [[String: Any]] {
        let result = try demo.policy("audit", "--gate", "--format", "json")
        XCTAssertEqual(result.status, 0, result.stderr)
        return try result.json()["events"] as? [[String: Any]] ?? []
    }

    func testEveryChangeToTheGateIsInTheTrailWithItsProtection() throws {
        let demo = try GitSandbox.demo()
        let gate = "policies/release-gate.yaml"

        // The demo's set-up: dana, a policy-owner, signed the policies in.
        let initial = try gateEvents(demo)
        let added = try XCTUnwrap(initial.first { $0["file"] as? String == gate })
        XCTAssertEqual(added["summary"] as? String, "Policy release-gate added; protected for 'policy-owner': signed by dana, who holds it")
        XCTAssertEqual(added["signer"] as? String, "dana")
        XCTAssertTrue(initial.allSatisfy { $0["kind"] as? String == "gate-changed" }, "--gate keeps only gate changes")
        XCTAssertFalse(initial.contains { ($0["file"] as? String)?.hasPrefix("requests/") == true })

        // An unsigned loosening of the bound, then one signed by alice, who is no policy-owner.
        try demo.edit(gate, replacing: "max: 25", with: "max: 30")
        try demo.commitAll("Loosen p95")
        try demo.edit(gate, replacing: "max: 30", with: "max: 35")
        try demo.commitSigned("Loosen p95 again", as: "alice")
        let events = try gateEvents(demo).filter { $0["file"] as? String == gate }
        let summaries = events.compactMap { $0["summary"] as? String }
        XCTAssertEqual(Array(summaries.suffix(2)), [
            "Policy release-gate changed; protected for 'policy-owner', but it is not signed",
            "Policy release-gate changed; protected for 'policy-owner', but it is signed by alice, who does not hold 'policy-owner'",
        ])

        // A side branch that only touches a request, merged with the old policy brought back
        // by the merge itself: the merge answers for the policy change.
        let before = try demo.git("rev-parse", "HEAD~2").trimmingCharacters(in: .whitespacesAndNewlines)
        try demo.git("checkout", "-q", "-b", "side")
        try demo.edit("runs/fraud-student/run-8812.yaml", replacing: "p95Ms: 28.7", with: "p95Ms: 24")
        try demo.commitSigned("Faster", as: "alice")
        try demo.git("checkout", "-q", "-")
        try demo.git("merge", "-q", "--no-ff", "--no-commit", "side")
        try demo.git("checkout", before, "--", gate)
        try demo.commitAll("Merge side")
        let merged = try gateEvents(demo).filter { $0["file"] as? String == gate }
        let last = try XCTUnwrap(merged.last)
        XCTAssertEqual(last["summary"] as? String, "Policy release-gate changed; protected for 'policy-owner', but it is not signed")
        XCTAssertEqual(last["shortCommit"] as? String,
                       String(try demo.git("rev-parse", "--short=7", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)))

        // Text: the kind and the protection on one line.
        let text = try demo.policy("audit", "--gate")
        XCTAssertTrue(text.stdout.contains("gate-changed      Policy release-gate changed; protected for 'policy-owner', but it is not signed"), text.stdout)
    }

    func testAGateWithoutProtectRulesSaysSo() throws {
        let demo = try GitSandbox.demo()
        let original = try String(contentsOf: demo.root.appendingPathComponent(".tollgate.yaml"), encoding: .utf8)
        let unprotected = original.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.contains("protect:") && !$0.contains("{paths: [") }.joined(separator: "\n")
        try demo.write(".tollgate.yaml", unprotected)
        try demo.commitSigned("No protect rules", as: "dana")
        let events = try gateEvents(demo)
        let config = try XCTUnwrap(events.last { $0["file"] as? String == ".tollgate.yaml" })
        XCTAssertEqual(config["summary"] as? String,
                       "Config distilops changed; not protected (no protect rule of the Config covers .tollgate.yaml)")
    }
}
