import Foundation
import XCTest

/// Attacks on approvals through the shape of the history (SPEC §3, issue 12): merges that
/// bring back what was withdrawn, rejections removed by someone else, protected files restored
/// by a merge, and uncommitted changes that would loosen a verdict. Real repositories, real
/// SSH-signed commits, the real `policy` binary; each attack is checked in working-tree mode,
/// with `--rev HEAD` and with `--base`.
final class ApprovalHistoryAttackTests: XCTestCase {
    typealias Sandbox = ApprovalSandbox
    let signOff = "approvals/sign-off"
    let bobFile = Sandbox.approvalFile(Sandbox.request, "bob")

    /// Every finding text of the sign-off rule on the request.
    func signOffTexts(_ report: CheckReport) -> [String] {
        guard let subject = report.subject(named: Sandbox.request),
              let rule = CheckReport.rule(signOff, of: subject) else { return [] }
        return CheckReport.findingTexts(of: rule)
    }

    func parents(_ sandbox: ApprovalSandbox, _ revision: String = "HEAD") throws -> Int {
        try sandbox.repo.git("rev-list", "--parents", "-n", "1", revision).split(separator: " ").count - 1
    }

    // MARK: 1. Resurrection by merge

    /// bob approves, then withdraws by a signed commit; an unsigned merge with a branch forked
    /// before the withdrawal brings his file back. The approval is the merge's, which is not
    /// signed: it does not count, and the finding names the merge.
    func testAttackApprovalResurrectedByUnsignedMergeDoesNotCount() throws {
        let sandbox = try approvedSandbox()
        assertPasses(try sandbox.check(), "control: bob and carol approve")
        try sandbox.repo.git("checkout", "-q", "-b", "old")
        try sandbox.repo.write("docs/notes.md", "# Notes\n")
        try sandbox.commitAll("Notes", as: .alice)
        try sandbox.repo.git("checkout", "-q", "main")
        try sandbox.repo.git("rm", "-q", bobFile)
        try sandbox.commitAll("Withdraw my approval", as: .bob)
        try sandbox.repo.git("tag", "withdrawn")
        assertBlocks(try sandbox.check(), anyOf: ["needs 2 approvals"], "control: bob withdrew")

        // A merge that keeps the old branch's copy of bob's file.
        try sandbox.repo.git(["merge", "-q", "--no-ff", "--no-commit", "old"], author: Person.alice.name, email: Person.alice.email)
        try sandbox.repo.git("checkout", "old", "--", bobFile)
        try sandbox.commitAll("Merge branch 'old'", as: .alice, signing: .unsigned)
        XCTAssertEqual(try parents(sandbox), 2, "HEAD is a merge")
        XCTAssertEqual(try sandbox.repo.read(bobFile), try sandbox.repo.git("show", "old:" + bobFile) + "\n")
        let merge = String(try sandbox.sha().prefix(7))
        for (mode, report) in [("working tree", try sandbox.check()), ("--rev HEAD", try sandbox.check("--rev", "HEAD")),
                               ("--base withdrawn", try sandbox.check("--base", "withdrawn"))] {
            assertBlocks(report, anyOf: ["is not signed"], member: "bob", "resurrected by a merge, \(mode)")
            XCTAssertTrue(signOffTexts(report).contains { $0.contains("approval by bob is not attributed: \(merge) (alice") },
                          "\(mode): the finding names the merge \(merge) as bob's approval's commit\n\(report.dump)")
        }

        // The same with the parents swapped: on the old branch, `git merge -s ours` of the
        // withdrawal, then main fast-forwarded to it. The merge equals its first parent, but it
        // discarded the withdrawal to keep what the fork point held.
        try sandbox.repo.git("checkout", "-q", "-b", "swapped", "old")
        try sandbox.repo.git(["merge", "-q", "-s", "ours", "-m", "Merge tag 'withdrawn'", "withdrawn"],
                             author: Person.alice.name, email: Person.alice.email)
        XCTAssertEqual(try parents(sandbox), 2)
        let swapped = String(try sandbox.sha().prefix(7))
        for (mode, report) in [("working tree", try sandbox.check()), ("--rev HEAD", try sandbox.check("--rev", "HEAD")),
                               ("--base withdrawn", try sandbox.check("--base", "withdrawn"))] {
            assertBlocks(report, anyOf: ["is not signed"], member: "bob", "resurrected by `merge -s ours`, \(mode)")
            XCTAssertTrue(signOffTexts(report).contains { $0.contains("approval by bob is not attributed: \(swapped)") },
                          "\(mode): the finding names the merge \(swapped)\n\(report.dump)")
        }
    }

    /// Approvals made on a feature branch and merged by unsigned merges (the main line merged
    /// into the branch first, then the branch into main) still count: the merges took new work
    /// cleanly, and the approvers' own signed commits made it.
    func testPositiveFeatureBranchApprovalsMergedByUnsignedMergesCount() throws {
        let sandbox = try ApprovalSandbox()
        try sandbox.repo.git("checkout", "-q", "-b", "sign-off")
        try sandbox.approve(by: .bob, role: "rai-reviewer")
        try sandbox.repo.git("checkout", "-q", "main")
        try sandbox.repo.write("README.md", "# Risk models\n")
        try sandbox.commitAll("Readme", as: .alice)
        try sandbox.repo.git("tag", "before-merge")
        try sandbox.repo.git("checkout", "-q", "sign-off")
        try sandbox.merge("main", as: .alice, signing: .unsigned)
        try sandbox.approve(by: .carol, role: "approver")
        assertPasses(try sandbox.check("--base", "main"), "the sign-off branch under review")
        try sandbox.repo.git("checkout", "-q", "main")
        try sandbox.merge("sign-off", as: .dana, signing: .unsigned)
        XCTAssertEqual(try parents(sandbox), 2)
        assertPasses(try sandbox.check(), "main after the unsigned merge")
        assertPasses(try sandbox.check("--rev", "HEAD"), "--rev HEAD after the unsigned merge")
        assertPasses(try sandbox.check("--base", "before-merge"), "--base before-merge")
    }

    // MARK: 2. Deleted reject

    /// Two approvals count, bob rejects (signed). Removing bob's rejection — unsigned, signed by
    /// alice, or carol turning it into an approval — leaves it blocking, naming who removed it
    /// in which commit. bob's own signed withdrawal lifts it; so does a new bundle.
    func testAttackRejectionRemovedBySomeoneElseStillBlocks() throws {
        let sandbox = try ApprovalSandbox()
        try sandbox.approve(by: .erin, role: "rai-reviewer")
        try sandbox.approve(by: .carol, role: "approver")
        try sandbox.approve(by: .bob, role: "rai-reviewer", decision: "reject")
        try sandbox.repo.git("tag", "rejected")
        assertBlocks(try sandbox.check(), anyOf: ["rejected by"], member: "bob", "control: bob rejects")

        func assertStands(_ branch: String, by remover: String, _ change: String, file: StaticString = #filePath, line: UInt = #line) throws {
            let commit = String(try sandbox.sha().prefix(7))
            for (mode, report) in [("working tree", try sandbox.check()), ("--rev HEAD", try sandbox.check("--rev", "HEAD")),
                                   ("--base rejected", try sandbox.check("--base", "rejected"))] {
                assertBlocks(report, anyOf: ["the rejection stands"], member: "bob", "\(branch), \(mode)", file: file, line: line)
                XCTAssertTrue(signOffTexts(report).contains {
                    $0.contains("rejected by bob as rai-reviewer") && $0.contains("was \(change) in \(commit) (\(remover),")
                }, "\(branch), \(mode): the finding names \(remover) and \(commit)\n\(report.dump)", file: file, line: line)
            }
        }

        try sandbox.repo.git("checkout", "-q", "-b", "deleted-unsigned", "rejected")
        try sandbox.repo.git("rm", "-q", bobFile)
        try sandbox.commitAll("Remove a stray file", as: .alice, signing: .unsigned)
        try assertStands("deleted by an unsigned commit", by: "alice", "deleted")

        try sandbox.repo.git("checkout", "-q", "-b", "deleted-signed", "rejected")
        try sandbox.repo.git("rm", "-q", bobFile)
        try sandbox.commitAll("Remove bob's rejection", as: .alice)
        try assertStands("deleted by alice's signed commit", by: "alice", "deleted")

        try sandbox.repo.git("checkout", "-q", "-b", "turned", "rejected")
        try sandbox.repo.edit(bobFile, replacing: "decision: reject", with: "decision: approve")
        try sandbox.commitAll("bob agreed on the phone", as: .carol)
        try assertStands("changed to approve by carol", by: "carol", "changed to an approval")

        // Not committed yet: the working tree cannot lift it either.
        try sandbox.repo.git("checkout", "-q", "-b", "uncommitted", "rejected")
        try sandbox.repo.git("rm", "-q", bobFile)
        let uncommitted = try sandbox.check()
        assertBlocks(uncommitted, anyOf: ["the rejection stands"], member: "bob", "deleted, not committed")
        XCTAssertTrue(signOffTexts(uncommitted).contains { $0.contains("was deleted, not committed in the working tree or index") },
                      uncommitted.dump)
        try sandbox.repo.git("reset", "-q", "--hard")

        // bob's own signed withdrawal lifts it, in every mode.
        try sandbox.repo.git("checkout", "-q", "-b", "withdrawn", "rejected")
        try sandbox.repo.git("rm", "-q", bobFile)
        try sandbox.commitAll("Withdraw my rejection", as: .bob)
        assertPasses(try sandbox.check(), "bob withdrew, working tree")
        assertPasses(try sandbox.check("--rev", "HEAD"), "bob withdrew, --rev HEAD")
        assertPasses(try sandbox.check("--base", "rejected"), "bob withdrew, --base rejected")

        // A new bundle makes the rejection stale: removed by alice, it no longer blocks once
        // the approvals are renewed on the new digest.
        try sandbox.repo.git("checkout", "-q", "-b", "new-bundle", "rejected")
        try sandbox.repo.edit(Sandbox.runFile, replacing: "accuracy: 0.897", with: "accuracy: 0.899")
        try sandbox.repo.git("rm", "-q", bobFile)
        try sandbox.commitAll("Re-evaluate; drop the rejection of the old run", as: .alice, signing: .unsigned)
        try sandbox.approve(by: .erin, role: "rai-reviewer")
        try sandbox.approve(by: .carol, role: "approver")
        assertPasses(try sandbox.check(), "new bundle, renewed approvals")
        assertPasses(try sandbox.check("--rev", "HEAD"), "new bundle, --rev HEAD")
    }

    // MARK: 3. Protected path restored by a merge

    /// dana loosened the approvals policy once and tightened it again (both signed). A branch
    /// merges an old branch forked while it was loose, unsigned, keeping the loose file — or
    /// swaps the parents with `merge -s ours`. The merge changes a protected path relative to
    /// its first parent (or discards the tightening), so it must be signed by a policy owner.
    func testAttackProtectedPolicyRestoredByUnsignedMergeBlocksInRange() throws {
        let sandbox = try ApprovalSandbox()
        try sandbox.repo.edit("policies/approvals.yaml", replacing: "min: 2", with: "min: 1")
        try sandbox.commitAll("One approval for now", as: .dana)
        try sandbox.repo.git("branch", "loose")
        try sandbox.repo.edit("policies/approvals.yaml", replacing: "min: 1", with: "min: 2")
        try sandbox.commitAll("Two approvals again", as: .dana)
        try sandbox.approve(by: .bob, role: "rai-reviewer")
        try sandbox.approve(by: .carol, role: "approver")
        try sandbox.repo.git("checkout", "-q", "loose")
        try sandbox.repo.write("docs/notes.md", "# Notes\n")
        try sandbox.commitAll("Notes", as: .alice)

        try sandbox.repo.git("checkout", "-q", "-b", "restore", "main")
        try sandbox.repo.git(["merge", "-q", "--no-ff", "--no-commit", "loose"], author: Person.alice.name, email: Person.alice.email)
        try sandbox.repo.git("checkout", "loose", "--", "policies/approvals.yaml")
        try sandbox.commitAll("Merge branch 'loose'", as: .alice, signing: .unsigned)
        XCTAssertTrue(try sandbox.repo.read("policies/approvals.yaml").contains("min: 1"))
        assertProtectedPathBlock(try sandbox.check("--base", "main"), path: "policies/approvals.yaml", commit: try sandbox.sha(),
                                 "an unsigned merge restores the loose policy")

        try sandbox.repo.git("checkout", "-q", "-b", "swapped", "loose")
        try sandbox.repo.git(["merge", "-q", "-s", "ours", "-m", "Merge branch 'main'", "main"],
                             author: Person.alice.name, email: Person.alice.email)
        XCTAssertTrue(try sandbox.repo.read("policies/approvals.yaml").contains("min: 1"))
        assertProtectedPathBlock(try sandbox.check("--base", "main"), path: "policies/approvals.yaml", commit: try sandbox.sha(),
                                 "`merge -s ours` keeps the loose policy over main's")
    }

    /// A branch that merges the main line (with a policy owner's signed change) by an unsigned
    /// merge raises no protected-path finding: the merge took main's own change cleanly.
    func testPositiveMergingMainIntoABranchIsNoProtectedPathChange() throws {
        let sandbox = try ApprovalSandbox()
        try sandbox.repo.git("checkout", "-q", "-b", "feature")
        try sandbox.approve(by: .bob, role: "rai-reviewer")
        try sandbox.repo.git("checkout", "-q", "main")
        try sandbox.repo.edit("policies/approvals.yaml", replacing: "description: Production promotions",
                              with: "description: Every production promotion")
        try sandbox.commitAll("Reword the approvals policy", as: .dana)
        try sandbox.repo.git("checkout", "-q", "feature")
        try sandbox.merge("main", as: .alice, signing: .unsigned)
        try sandbox.approve(by: .carol, role: "approver")
        let report = try sandbox.check("--base", "main")
        XCTAssertEqual(report.findingTexts(ofRule: "provenance/protected-paths"), [], report.dump)
        assertPasses(report, "the feature branch with main merged in")
    }

    // MARK: 4. Working-tree separation of duties

    /// carol made the latest committed change of the run and approved: not independent under
    /// `--rev HEAD`. A comment added to the run in the working tree (same digest) must not
    /// make her independent in working-tree mode.
    func testAttackUncommittedCommentDoesNotLiftSeparationOfDuties() throws {
        let sandbox = try ApprovalSandbox()
        try sandbox.repo.edit(Sandbox.runFile, replacing: "p50Ms: 11.4", with: "p50Ms: 11.2")
        try sandbox.commitAll("Re-measure p50", as: .carol)
        try sandbox.approve(by: .bob, role: "rai-reviewer")
        try sandbox.approve(by: .carol, role: "approver")
        let digest = try sandbox.digest()
        try sandbox.repo.write(Sandbox.runFile, try sandbox.repo.read(Sandbox.runFile) + "# reviewed by the on-call engineer\n")
        XCTAssertEqual(try sandbox.digest(), digest, "a comment does not change the bundle")
        let expected = "carol made the latest change of \(Sandbox.runFile)"
        for (mode, report) in [("--rev HEAD", try sandbox.check("--rev", "HEAD")), ("working tree", try sandbox.check())] {
            assertBlocks(report, anyOf: ["is not independent"], member: "carol", mode)
            XCTAssertTrue(signOffTexts(report).contains { $0.contains(expected) }, "\(mode)\n\(report.dump)")
        }
    }
}
