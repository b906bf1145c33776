import Foundation
import XCTest

/// Issue 12, "Released requests are re-gated": a PromotionRequest that states a decision
/// (`spec.status: released | withdrawn | superseded`) is reported as decided, with the
/// verdict recorded for it, and not judged again by today's policies — unless `--regate`, or
/// unless the change under review is the one that records the decision (fail closed).
/// On the DistilOps demo, whose history files 2.0.0's requests under requests/released/ with
/// `status: released`.
final class RequestLifecycleTests: XCTestCase {
    let released = "fraud-student-2.0.0-production"
    let releasedFile = "requests/released/fraud-student-2.0.0-production.yaml"
    let openFile = "requests/fraud-student-2.1.0-production.yaml"

    /// main tightens the p95 bound from 25 ms to 20 ms; 2.0.0 was released at 22.4 ms.
    func tightenP95(_ demo: GitSandbox) throws {
        try demo.edit("policies/release-gate.yaml", replacing: "threshold: {value: run.spec.serving.p95Ms, max: 25, unit: ms}",
                      with: "threshold: {value: run.spec.serving.p95Ms, max: 20, unit: ms}")
        try demo.commitSigned("Tighten the p95 SLO to 20 ms", as: "dana")
    }

    func subject(_ json: [String: Any], _ name: String) throws -> [String: Any] {
        let subjects = try XCTUnwrap(json["subjects"] as? [[String: Any]])
        return try XCTUnwrap(subjects.first { $0["name"] as? String == name }, "\(name) is not reported")
    }

    func testAReleasedRequestIsReportedDecidedAndPassesAfterMainTightensAPolicy() throws {
        let demo = try GitSandbox.demo()
        try tightenP95(demo)

        let text = try demo.policy("check", "--rev", "HEAD")
        XCTAssertEqual(text.status, 1, "2.1.0 (28.7 ms) still blocks:\n\(text.stdout)")
        XCTAssertTrue(text.stdout.contains("PASS   PromotionRequest/\(released)"), text.stdout)
        XCTAssertTrue(text.flat.contains("\(releasedFile) · not gated"), text.stdout)
        XCTAssertTrue(text.flat.contains("DECIDED released — no recorded verdict"), text.stdout)
        XCTAssertFalse(text.flat.contains("22.4 ms exceeds"), "the released request is not judged again:\n\(text.stdout)")

        let json = try demo.policy("check", "--rev", "HEAD", "--format", "json").json()
        let decided = try subject(json, released)
        XCTAssertEqual(decided["verdict"] as? String, "pass")
        XCTAssertEqual((decided["rules"] as? [Any])?.count, 0, "no rule is evaluated for a decided request")
        let lifecycle = try XCTUnwrap(decided["lifecycle"] as? [String: Any])
        XCTAssertEqual(lifecycle["status"] as? String, "released")
        XCTAssertEqual(lifecycle["gated"] as? Bool, false)
        XCTAssertEqual(lifecycle["gating"] as? String, "decided")
        XCTAssertTrue(lifecycle["recordedVerdict"] is NSNull, "\(lifecycle)")
        XCTAssertNil(try subject(json, "fraud-student-2.1.0-production")["lifecycle"], "an open request has no lifecycle entry")

        let markdown = try demo.policy("check", "--rev", "HEAD", "--format", "markdown")
        XCTAssertTrue(markdown.stdout.contains("> DECIDED released — no recorded verdict"), markdown.stdout)
    }

    func testRegateJudgesADecidedRequestAgainstTodaysPolicies() throws {
        let demo = try GitSandbox.demo()
        try tightenP95(demo)
        let result = try demo.policy("check", "--rev", "HEAD", "--regate")
        XCTAssertEqual(result.status, 1)
        let line = try demo.line(of: "p95Ms: 22.4", in: "runs/fraud-student/run-8650.yaml")
        XCTAssertTrue(result.flat.contains("p95 latency 22.4 ms exceeds 20 ms (runs/fraud-student/run-8650.yaml:\(line):12)"), result.stdout)
        XCTAssertTrue(result.stdout.contains("BLOCK  PromotionRequest/\(released)"), result.stdout)
        XCTAssertTrue(result.flat.contains("i marked released; gated again as open (--regate)"), result.stdout)

        let json = try demo.policy("check", "--rev", "HEAD", "--regate", "--format", "json").json()
        let regated = try subject(json, released)
        XCTAssertEqual(regated["verdict"] as? String, "block")
        XCTAssertEqual((regated["lifecycle"] as? [String: Any])?["gating"] as? String, "regated")
        let p95 = try XCTUnwrap((regated["rules"] as? [[String: Any]])?.first { $0["id"] as? String == "release-gate/p95-latency" })
        XCTAssertEqual(p95["outcome"] as? String, "block")

        // explain shows the rules of a decided request only when asked to re-gate it.
        let decided = try demo.policy("explain", released, "--rev", "HEAD")
        XCTAssertEqual(decided.status, 0, decided.stderr)
        XCTAssertFalse(decided.flat.contains("22.4 ms exceeds"), decided.stdout)
        let explained = try demo.policy("explain", released, "--rev", "HEAD", "--regate")
        XCTAssertEqual(explained.status, 0, explained.stderr)
        XCTAssertTrue(explained.flat.contains("p95 latency 22.4 ms exceeds 20 ms"), explained.stdout)
    }

    func testAPullRequestThatMarksAFailingOpenRequestReleasedStillBlocks() throws {
        let demo = try GitSandbox.demo()
        try demo.git("checkout", "-q", "-b", "mark-released")
        try demo.edit(openFile, replacing: "spec:\n", with: "spec:\n  status: released\n")
        try demo.commitSigned("Mark 2.1.0 released", as: "alice")

        let range = try demo.policy("check", "--base", "main")
        XCTAssertEqual(range.status, 1, range.stdout + range.stderr)
        XCTAssertTrue(range.stdout.contains("BLOCK  PromotionRequest/fraud-student-2.1.0-production"), range.stdout)
        XCTAssertTrue(range.flat.contains("p95 latency 28.7 ms exceeds 25 ms"), range.stdout)
        XCTAssertTrue(range.flat.contains("i marked released in this change; the change that records a decision must itself pass"),
                      range.stdout)
        let json = try demo.policy("check", "--base", "main", "--format", "json").json()
        let lifecycle = try XCTUnwrap(try subject(json, "fraud-student-2.1.0-production")["lifecycle"] as? [String: Any])
        XCTAssertEqual(lifecycle["gating"] as? String, "decision-in-change")
        XCTAssertEqual(lifecycle["gated"] as? Bool, true)

        // The same decision before the commit: staged, and uncommitted in the working tree.
        try demo.git("checkout", "-q", "main")
        try demo.edit(openFile, replacing: "spec:\n", with: "spec:\n  status: withdrawn\n")
        let working = try demo.policy("check")
        XCTAssertEqual(working.status, 1, working.stdout)
        XCTAssertTrue(working.flat.contains("i marked withdrawn in this change"), working.stdout)
        XCTAssertTrue(working.flat.contains("p95 latency 28.7 ms exceeds 25 ms"), working.stdout)
        try demo.git("add", openFile)
        let staged = try demo.policy("check", "--staged")
        XCTAssertEqual(staged.status, 1, staged.stdout)
        XCTAssertTrue(staged.flat.contains("i marked withdrawn in this change"), staged.stdout)
        XCTAssertTrue(staged.flat.contains("p95 latency 28.7 ms exceeds 25 ms"), staged.stdout)

        // Once the decision is in a commit, that commit is what was decided.
        try demo.commitSigned("Withdraw 2.1.0", as: "alice")
        let committed = try demo.policy("check", "--rev", "HEAD")
        XCTAssertEqual(committed.status, 0, committed.stdout)
        XCTAssertTrue(committed.flat.contains("DECIDED withdrawn"), committed.stdout)
    }

    func testTheVerdictRecordedWhileTheRequestWasOpenIsShown() throws {
        let demo = try GitSandbox.demo()
        // The last commit before dana filed 2.0.0's requests as released: both still open.
        let filing = try demo.git("log", "--format=%H", "--grep", "serves 100 % of production").trimmingCharacters(in: .whitespacesAndNewlines)
        let before = try demo.git("rev-parse", "\(filing)^").trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try demo.policy("check", "--rev", before, "--record")
        let note = try demo.git("notes", "--ref", "tollgate", "show", before)
        let recorded = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(note.utf8)) as? [String: Any])
        let verdict = try XCTUnwrap(try subject(recorded, released)["verdict"] as? String)
        XCTAssertNil(try subject(recorded, released)["lifecycle"], "open when it was recorded")

        let short = String(before.prefix(7))
        let text = try demo.policy("check", "--rev", "HEAD")
        XCTAssertTrue(text.flat.contains("DECIDED released — recorded verdict \(verdict) in \(short)"), text.stdout)
        let json = try demo.policy("check", "--rev", "HEAD", "--format", "json").json()
        let lifecycle = try XCTUnwrap(try subject(json, released)["lifecycle"] as? [String: Any])
        let shown = try XCTUnwrap(lifecycle["recordedVerdict"] as? [String: Any])
        XCTAssertEqual(shown["verdict"] as? String, verdict)
        XCTAssertEqual(shown["commit"] as? String, before)

        // A report that lists it as decided says nothing about it: recording HEAD keeps the older verdict.
        _ = try demo.policy("check", "--rev", "HEAD", "--record")
        let again = try demo.policy("check", "--rev", "HEAD")
        XCTAssertTrue(again.flat.contains("DECIDED released — recorded verdict \(verdict) in \(short)"), again.stdout)
    }

    func testASupersededRequestMustNameAnExistingSuccessor() throws {
        let demo = try GitSandbox.demo()
        try demo.edit(releasedFile, replacing: "status: released", with: "status: superseded")
        let missing = try demo.policy("check")
        XCTAssertEqual(missing.status, 1, missing.stdout)
        let line = try demo.line(of: "status: superseded", in: releasedFile)
        XCTAssertTrue(missing.flat.contains("spec.status is superseded but spec.supersededBy is missing: name the PromotionRequest that replaces this one (\(releasedFile):\(line):11)"),
                      missing.stdout)

        try demo.edit(releasedFile, replacing: "status: superseded", with: "status: superseded\n  supersededBy: fraud-student-2.1.0-productoin")
        let unknown = try demo.policy("check")
        XCTAssertEqual(unknown.status, 1, unknown.stdout)
        let successor = try demo.line(of: "supersededBy:", in: releasedFile)
        XCTAssertTrue(unknown.flat.contains("spec.supersededBy refers to PromotionRequest 'fraud-student-2.1.0-productoin', which does not exist — did you mean 'fraud-student-2.1.0-production'? (\(releasedFile):\(successor):17)"),
                      unknown.stdout)

        try demo.edit(releasedFile, replacing: "productoin", with: "production")
        try demo.commitSigned("2.0.0 is superseded by 2.1.0", as: "dana")
        let fine = try demo.policy("check", "--rev", "HEAD", "--format", "json").json()
        let lifecycle = try XCTUnwrap(try subject(fine, released)["lifecycle"] as? [String: Any])
        XCTAssertEqual(lifecycle["status"] as? String, "superseded")
        XCTAssertEqual(lifecycle["supersededBy"] as? String, "fraud-student-2.1.0-production")
        XCTAssertEqual(lifecycle["gated"] as? Bool, false)
    }
}
