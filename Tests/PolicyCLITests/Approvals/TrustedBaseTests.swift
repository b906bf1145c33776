import Foundation
import XCTest

/// Issue 12, "trust data from a stale merge base": in `--base` mode the Policies, Team and
/// Config come from the base revision itself (the tip of the branch the change merges into),
/// not from the merge base; the subjects are still those changed since the merge base.
final class TrustedBaseTests: XCTestCase {
    func signOff(_ report: CheckReport) -> [String: Any]? {
        report.subject(named: ApprovalSandbox.request).flatMap { CheckReport.rule("approvals/sign-off", of: $0) }
    }

    func testAMemberRemovedOnTheTargetBranchAfterTheForkNoLongerCounts() throws {
        let sandbox = try ApprovalSandbox()
        // The pull request forks at the bundle commit and collects bob's and carol's approvals.
        try sandbox.repo.git("checkout", "-q", "-b", "promote")
        try sandbox.approve(by: .bob, role: "rai-reviewer")
        try sandbox.approve(by: .carol, role: "approver")
        let forked = try sandbox.check("--base", "bundle")
        XCTAssertEqual(forked.result.status, 0, "control: judged by the Team at the fork, it passes\n\(forked.dump)")
        XCTAssertEqual(signOff(forked)?["outcome"] as? String, "pass", forked.dump)

        // Meanwhile on main the policy owner removes bob (signed, as the protected path asks).
        try sandbox.repo.git("checkout", "-q", "main")
        let team = try sandbox.repo.read("policies/team.yaml")
        let start = try XCTUnwrap(team.range(of: "    - id: bob\n"))
        let end = try XCTUnwrap(team.range(of: "    - id: carol\n"))
        try sandbox.repo.write("policies/team.yaml", team.replacingCharacters(in: start.lowerBound..<end.lowerBound, with: ""))
        try sandbox.commitAll("Remove bob from the Team", as: .dana)
        try sandbox.repo.git("checkout", "-q", "promote")

        let review = try sandbox.check("--base", "main")
        XCTAssertEqual(review.result.status, 1, review.dump)
        let rule = try XCTUnwrap(signOff(review), review.dump)
        XCTAssertEqual(rule["outcome"] as? String, "block", review.dump)
        XCTAssertTrue(CheckReport.findingTexts(of: rule).joined(separator: "\n").contains("bob"),
                      "the finding names bob, who is no member of the base's Team\n\(review.dump)")
        XCTAssertTrue(review.result.stdout.contains("\"base "), "policySource names the base\n\(review.dump)")
        // Only what the pull request changed is under review: the team change on main is not.
        XCTAssertNil(review.subject(named: "risk", kind: "Team"), review.dump)
    }

    func testAPolicyTightenedOnTheTargetBranchAfterTheForkJudgesTheChange() throws {
        let sandbox = try ApprovalSandbox()
        try sandbox.repo.git("checkout", "-q", "-b", "promote")
        try sandbox.approve(by: .bob, role: "rai-reviewer")
        try sandbox.approve(by: .carol, role: "approver")
        try sandbox.repo.git("checkout", "-q", "main")
        try sandbox.repo.edit("policies/approvals.yaml", replacing: "min: 2", with: "min: 3")
        try sandbox.commitAll("Three approvals for production", as: .dana)
        try sandbox.repo.git("checkout", "-q", "promote")
        let review = try sandbox.check("--base", "main")
        XCTAssertEqual(review.result.status, 1, review.dump)
        let texts = signOff(review).map(CheckReport.findingTexts(of:))?.joined(separator: "\n") ?? ""
        XCTAssertTrue(texts.contains("needs 3 approvals"), review.dump)
    }
}
