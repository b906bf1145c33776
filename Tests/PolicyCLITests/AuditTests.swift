import Foundation
import XCTest

/// `policy audit`, `policy explain`, `policy check --record` and the refusals of
/// `policy approve`, on the demo's real, signed history.
final class AuditTests: XCTestCase {
    func testAuditPrintsTheOrderedTimelineWithSignersAndStaleness() throws {
        let demo = try GitSandbox.demo()
        let text = try demo.policy("audit")
        XCTAssertEqual(text.status, 0, text.stderr)
        let lines = text.stdout.split(separator: "\n").map(String.init)
        let created = try XCTUnwrap(lines.firstIndex { $0.contains("request-created") }, text.stdout)
        // The open request's: 2.0.0's approvals are fresh only where the bundle digest leaves
        // out spec.status (set when its requests were filed as released).
        let bob = try XCTUnwrap(lines.firstIndex { $0.contains("approval-added") && $0.contains("\(GitSandbox.request): bob approved as rai-reviewer") })
        let carol = try XCTUnwrap(lines.firstIndex { $0.contains("approval-added") && $0.contains("\(GitSandbox.request): carol approved as approver") })
        let opened = try XCTUnwrap(lines.firstIndex { $0.contains("incident-opened") })
        let resolved = try XCTUnwrap(lines.firstIndex { $0.contains("incident-resolved") })
        XCTAssertTrue(created < bob && bob < carol && opened < resolved, text.stdout)
        XCTAssertTrue(lines[bob].contains("✓bob"), lines[bob])
        XCTAssertTrue(lines[bob].contains("signed by bob (SHA256:"), lines[bob])
        XCTAssertTrue(lines[bob].contains("fresh against HEAD"), lines[bob])

        // After the run changes, the same approvals read as stale.
        try demo.edit("runs/fraud-student/run-8812.yaml", replacing: "p95Ms: 28.7", with: "p95Ms: 24")
        try demo.commitSigned("Faster", as: "alice")
        let later = try demo.policy("audit", "--request", GitSandbox.request)
        XCTAssertTrue(later.stdout.contains("bob approved as rai-reviewer, signed by bob") && later.stdout.contains("stale against HEAD"), later.stdout)
        XCTAssertTrue(later.stdout.contains("bundle-changed"), later.stdout)
        XCTAssertFalse(later.stdout.contains("incident-opened"), "--request keeps only that request's events")

        let json = try demo.policy("audit", "--format", "json")
        let object = try json.json()
        XCTAssertEqual(object["schemaVersion"] as? String, "tollgate.dev/audit/v1")
        let events = try XCTUnwrap(object["events"] as? [[String: Any]])
        let approval = try XCTUnwrap(events.first { $0["kind"] as? String == "approval-added" })
        XCTAssertEqual(approval["signer"] as? String, "bob")
        XCTAssertTrue((approval["signingKey"] as? String)?.hasPrefix("SHA256:") == true)
        let dates = events.compactMap { $0["date"] as? String }
        XCTAssertEqual(dates, dates.sorted(), "oldest first")

        let markdown = try demo.policy("audit", "--format", "markdown", "--model", "fraud-student")
        XCTAssertTrue(markdown.stdout.hasPrefix("## Tollgate audit trail"), markdown.stdout)
        XCTAssertTrue(markdown.stdout.contains("| approval-added |"), markdown.stdout)
        XCTAssertTrue(markdown.stdout.contains("| incident-resolved |"), markdown.stdout)

        // Filing a request as released is one event of its own, not a removal and a creation.
        let released = try demo.policy("audit", "--request", "fraud-student-2.0.0-production")
        let decided = released.stdout.split(separator: "\n").filter { $0.contains("request-decided") }
        XCTAssertEqual(decided.count, 1, released.stdout)
        XCTAssertTrue(decided.first?.contains("request marked released") ?? false, released.stdout)
        XCTAssertFalse(released.stdout.contains("request-removed"), released.stdout)

        let since = try demo.policy("audit", "--since", "2099-01-01")
        XCTAssertEqual(since.stdout, "no events\n")
        XCTAssertEqual(try demo.policy("audit", "--since", "yesterday").status, 2)
    }

    func testRecordStoresTheVerdictAsAGitNoteAndAuditShowsIt() throws {
        let demo = try GitSandbox.demo()
        XCTAssertEqual(try demo.policy("check", "--record").status, 2, "the working tree is not a commit")
        let recorded = try demo.policy("check", "--rev", "HEAD", "--record")
        XCTAssertEqual(recorded.status, 1)
        let note = try demo.git("notes", "--ref=tollgate", "show", "HEAD")
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(note.utf8)) as? [String: Any])
        XCTAssertEqual(json["verdict"] as? String, "block")
        let audit = try demo.policy("audit")
        XCTAssertTrue(audit.stdout.contains("verdict-recorded") && audit.stdout.contains("verdict recorded: block"), audit.stdout)
    }

    func testExplainShowsValuesReadAndTheAttributionChain() throws {
        let demo = try GitSandbox.demo()
        let result = try demo.policy("explain", GitSandbox.request)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("read run.spec.serving.p95Ms = 28.7  (runs/fraud-student/run-8812.yaml:31:12)"), result.stdout)
        XCTAssertTrue(result.stdout.contains("read run.spec.serving.availability = 0.999"), result.stdout)
        let bobCommit = try demo.git("log", "-1", "--format=%H", "--", "approvals/\(GitSandbox.request)/bob.yaml")
        XCTAssertTrue(result.stdout.contains("commit   \(bobCommit) by bob <bob@distilops.example>"), result.stdout)
        XCTAssertTrue(result.stdout.contains("a key of bob ✓"), result.stdout)
        let digest = try demo.policy("digest", GitSandbox.request).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(result.stdout.contains("then \(digest)") && result.stdout.contains("now  \(digest) (fresh)"), result.stdout)

        let unknown = try demo.policy("explain", "fraud-student-2.1.0-prod")
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("did you mean 'fraud-student-2.1.0-production'"), unknown.stderr)
    }

    func testApproveRefusesNonMembersAndBlockedRequests() throws {
        let demo = try GitSandbox.demo()
        // The demo's request is blocked by its latency: approving now would go stale with the fix.
        try demo.becomeMember("bob")
        let blocked = try demo.policy("approve", GitSandbox.request, "-m", "looks fine")
        XCTAssertEqual(blocked.status, 2)
        XCTAssertTrue(blocked.stderr.contains("has blocking findings other than approvals"), blocked.stderr)
        XCTAssertTrue(blocked.stderr.contains("release-gate/p95-latency"), blocked.stderr)

        try demo.edit("runs/fraud-student/run-8812.yaml", replacing: "p95Ms: 28.7", with: "p95Ms: 24")
        try demo.commitSigned("Faster", as: "alice")
        try demo.git("config", "user.email", "eve@elsewhere.example")
        try demo.git("config", "--unset", "user.signingkey")
        let stranger = try demo.policy("approve", GitSandbox.request, "-m", "trust me")
        XCTAssertEqual(stranger.status, 2)
        XCTAssertTrue(stranger.stderr.contains("are not a member of the Team"), stranger.stderr)

        try demo.becomeMember("carol")
        let wrongRole = try demo.policy("approve", GitSandbox.request, "-m", "ok", "--role", "rai-reviewer")
        XCTAssertEqual(wrongRole.status, 2)
        XCTAssertTrue(wrongRole.stderr.contains("carol does not hold the role 'rai-reviewer'"), wrongRole.stderr)
        XCTAssertEqual(try demo.git("status", "--porcelain"), "", "a refusal writes nothing")
    }
}
