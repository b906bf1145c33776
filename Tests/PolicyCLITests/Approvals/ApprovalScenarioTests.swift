import Foundation
import XCTest

/// Approvals, identity and the audit trail (SPEC §3), black box: real repositories with real
/// SSH-signed commits, checked by the real `policy` binary. Every attack must not pass;
/// every positive must pass. Where cheap, an attack first checks a control revision that
/// passes, so the block is shown to come from the attack and not from a broken setup.
final class ApprovalScenarioTests: XCTestCase {
    typealias Sandbox = ApprovalSandbox
    let signOff = "approvals/sign-off"
    let protectedPaths = "provenance/protected-paths"

    // MARK: Setup sanity

    func testNoApprovalsBlocks() throws {
        let sandbox = try ApprovalSandbox()
        assertBlocks(try sandbox.check(), anyOf: ["needs 2 approvals"], "no approvals at all")
    }

    // MARK: Positives

    /// (a) Two valid signed approvals on an unchanged bundle pass in every mode.
    func testPositiveTwoValidSignedApprovalsPass() throws {
        let sandbox = try approvedSandbox()
        assertPasses(try sandbox.check(), "working tree")
        assertPasses(try sandbox.check("--rev", "HEAD"), "--rev HEAD")
        assertPasses(try sandbox.check("--base", "bundle"), "--base bundle (the approvals are the range)")
    }

    /// (a') The other SSH key types of SPEC §3: rsa-sha2-512 (RSA 3072) and ecdsa-p256.
    func testPositiveRSAAndECDSASignaturesAreVerified() throws {
        let sandbox = try ApprovalSandbox(extraKeys: ["bob": [.rsa]])
        try sandbox.approve(by: .bob, role: "rai-reviewer", signing: .key(.bob, .rsa))
        try sandbox.approve(by: .carol, role: "approver", signing: .key(.carol, .ecdsa))
        assertPasses(try sandbox.check("--rev", "HEAD"), "bob signs with RSA 3072, carol with ECDSA P-256")
    }

    /// (b) Reformatting the request (comments, key order, quoting, flow style) keeps the approvals fresh.
    func testPositiveReformattedRequestKeepsApprovalsFresh() throws {
        let sandbox = try approvedSandbox()
        let before = try sandbox.digest()
        try sandbox.repo.write(Sandbox.requestFile(Sandbox.request), Sandbox.reformattedRequest)
        try sandbox.commitAll("Reformat the promotion request", as: .alice)
        XCTAssertEqual(try sandbox.digest(), before, "formatting does not change the bundle digest")
        let report = try sandbox.check()
        assertPasses(report, "after reformatting")
        XCTAssertFalse(report.findingTexts(ofRule: signOff).contains { $0.contains("is stale") }, report.dump)
        assertPasses(try sandbox.check("--rev", "HEAD"), "--rev HEAD after reformatting")
    }

    /// (c) Approvals made on a branch and merged with a (signed) merge commit still count on main:
    /// the commit that last changed an approval file is the approver's, not the merge.
    func testPositiveApprovalsMergedWithMergeCommitCount() throws {
        let sandbox = try ApprovalSandbox()
        try sandbox.repo.git("checkout", "-q", "-b", "sign-off")
        try sandbox.approve(by: .bob, role: "rai-reviewer")
        try sandbox.approve(by: .carol, role: "approver")
        assertPasses(try sandbox.check("--base", "main"), "the sign-off branch under review")

        try sandbox.repo.git("checkout", "-q", "main")
        try sandbox.repo.write("README.md", "# Risk models\n")
        try sandbox.commitAll("Readme", as: .alice)
        try sandbox.merge("sign-off", as: .dana)
        XCTAssertEqual(try sandbox.repo.git("rev-list", "--parents", "-n", "1", "HEAD").split(separator: " ").count, 3,
                       "HEAD is a merge commit")
        assertPasses(try sandbox.check(), "main after the merge")
        assertPasses(try sandbox.check("--rev", "main"), "--rev main after the merge")
    }

    /// (d) Signed changes to protected paths by the policy owner raise no protected-path finding.
    func testPositivePolicyOwnerSignedChangeToProtectedPaths() throws {
        let sandbox = try approvedSandbox()
        try sandbox.repo.git("checkout", "-q", "-b", "reword")
        try sandbox.repo.edit("policies/approvals.yaml", replacing: "description: Production promotions",
                              with: "description: Every production promotion")
        try sandbox.commitAll("Reword the approvals policy", as: .dana)
        try sandbox.repo.write(".tollgate.yaml", Sandbox.config + "# owned by the risk platform team\n")
        try sandbox.commitAll("Comment the config", as: .dana)
        let report = try sandbox.check("--base", "main")
        XCTAssertEqual(report.result.status, 0, report.dump)
        XCTAssertEqual(report.findingTexts(ofRule: protectedPaths), [], report.dump)
        for subject in report.subjects {
            if let rule = CheckReport.rule(protectedPaths, of: subject) {
                XCTAssertEqual(rule["outcome"] as? String, "pass", report.dump)
            }
        }
    }

    // MARK: Attacks on attribution

    /// (1) Author e-mail spoofed as bob, no signature.
    func testAttackSpoofedAuthorEmailWithoutSignature() throws {
        let sandbox = try ApprovalSandbox()
        try sandbox.approve(by: .carol, role: "approver")
        let path = try sandbox.writeApproval(by: .bob, role: "rai-reviewer")
        try sandbox.commit([path], "Approve as rai-reviewer", as: .bob, signing: .unsigned)
        assertBlocks(try sandbox.check(), anyOf: ["is not signed", "is not attributed"], member: "bob", "spoofed bob, unsigned")
        assertBlocks(try sandbox.check("--rev", "HEAD"), member: "bob", "spoofed bob, unsigned, --rev HEAD")
    }

    /// (2) bob's approval committed (author bob) but signed with carol's key.
    func testAttackApprovalSignedWithAnotherMembersKey() throws {
        let sandbox = try ApprovalSandbox()
        try sandbox.approve(by: .carol, role: "approver")
        try sandbox.approve(by: .bob, role: "rai-reviewer", signing: .key(.carol, .ed25519))
        assertBlocks(try sandbox.check(), anyOf: ["is not attributed"], member: "bob", "bob's approval signed by carol")
    }

    /// (3) bob's approval later edited by mallory — signed by mallory, or unsigned.
    func testAttackApprovalEditedByAnotherPerson() throws {
        let sandbox = try approvedSandbox()
        let approved = try sandbox.sha()
        assertPasses(try sandbox.check("--rev", approved), "control: before mallory's edit")
        let bobFile = Sandbox.approvalFile(Sandbox.request, "bob")

        try sandbox.repo.git("checkout", "-q", "-b", "mallory-signed")
        try sandbox.repo.edit(bobFile, replacing: "justification: \"Reviewed", with: "justification: \"Fine by me. Reviewed")
        try sandbox.commitAll("Tidy bob's approval", as: .mallory)
        assertBlocks(try sandbox.check("--rev", "mallory-signed"), anyOf: ["is not attributed"], member: "bob",
                     "bob's approval edited in a commit signed by mallory")

        try sandbox.repo.git("checkout", "-q", "-b", "mallory-unsigned", approved)
        try sandbox.repo.edit(bobFile, replacing: "justification: \"Reviewed", with: "justification: \"Fine by me. Reviewed")
        try sandbox.commitAll("Tidy bob's approval", as: .mallory, signing: .unsigned)
        assertBlocks(try sandbox.check("--rev", "mallory-unsigned"), anyOf: ["is not signed", "is not attributed"], member: "bob",
                     "bob's approval edited in an unsigned commit")
    }

    /// (4) bob approved request A; his approval is copied to approvals/B/bob.yaml, verbatim and
    /// with `spec.request` retargeted to B.
    func testAttackApprovalCopiedFromAnotherRequest() throws {
        let sandbox = try ApprovalSandbox(secondRequest: true)
        let (a, b) = (Sandbox.request, Sandbox.otherRequest)
        try sandbox.approve(a, by: .bob, role: "rai-reviewer")
        try sandbox.approve(a, by: .carol, role: "approver")
        try sandbox.approve(b, by: .carol, role: "approver")
        let approved = try sandbox.sha()
        let original = try sandbox.repo.read(Sandbox.approvalFile(a, "bob"))

        // Control: bob's own approval of B lets B pass.
        try sandbox.repo.git("checkout", "-q", "-b", "genuine")
        try sandbox.approve(b, by: .bob, role: "rai-reviewer")
        assertPasses(try sandbox.check("--rev", "genuine"), request: b, "control: bob really approves B")

        try sandbox.repo.git("checkout", "-q", "-b", "verbatim", approved)
        try sandbox.repo.write(Sandbox.approvalFile(b, "bob"), original)
        try sandbox.commitAll("Copy bob's approval", as: .alice)
        assertBlocks(try sandbox.check("--rev", "verbatim"), request: b, "A's approval copied verbatim into approvals/B/")

        try sandbox.repo.git("checkout", "-q", "-b", "retargeted", approved)
        let retargeted = original
            .replacingOccurrences(of: "request: \(a)\n", with: "request: \(b)\n")
            .replacingOccurrences(of: "name: \(a)-bob\n", with: "name: \(b)-bob\n")
        XCTAssertTrue(retargeted.contains("request: \(b)\n"))
        try sandbox.repo.write(Sandbox.approvalFile(b, "bob"), retargeted)
        try sandbox.commitAll("Copy bob's approval", as: .alice)
        assertBlocks(try sandbox.check("--rev", "retargeted"), request: b, anyOf: ["is stale", "is not attributed"],
                     member: "bob", "A's approval copied with spec.request edited to B")
    }

    // MARK: Attacks on freshness, entitlement, independence

    /// (5) The run's metrics change after both approvals: stale, naming the changed file.
    func testAttackStaleDigestAfterRunManifestChanged() throws {
        let sandbox = try approvedSandbox()
        try sandbox.repo.edit(Sandbox.runFile, replacing: "accuracy: 0.897", with: "accuracy: 0.912")
        try sandbox.commitAll("Re-evaluate on the new holdout", as: .alice)
        assertPasses(try sandbox.check("--rev", "HEAD~1"), "control: before the run changed")

        let report = try sandbox.check()
        assertBlocks(report, anyOf: ["changed in"], "approvals made before the run's metrics changed")
        let texts = report.findingTexts(ofRule: signOff)
        XCTAssertTrue(texts.contains { $0.contains("changed in") && $0.contains(Sandbox.runFile) },
                      "the stale finding names \(Sandbox.runFile)\n\(report.dump)")
        assertBlocks(try sandbox.check("--rev", "HEAD"), "stale, --rev HEAD")
    }

    /// (6) The requester alice approves her own promotion (she holds the approver role).
    func testAttackSelfApprovalByRequester() throws {
        let sandbox = try ApprovalSandbox(roles: ["alice": ["ml-engineer", "requester", "approver"]])
        try sandbox.approve(by: .bob, role: "rai-reviewer")
        try sandbox.approve(by: .alice, role: "approver")
        assertBlocks(try sandbox.check(), anyOf: ["requested the promotion", "is not independent"], member: "alice",
                     "alice approves her own request")
    }

    /// (6') An approver who authored the latest change of the run manifest is not independent.
    func testAttackApproverAuthoredLatestRunChange() throws {
        let sandbox = try ApprovalSandbox()
        try sandbox.repo.edit(Sandbox.runFile, replacing: "p50Ms: 11.4", with: "p50Ms: 11.2")
        try sandbox.commitAll("Re-measure p50", as: .carol)
        try sandbox.approve(by: .bob, role: "rai-reviewer")
        try sandbox.approve(by: .carol, role: "approver")
        assertBlocks(try sandbox.check(), anyOf: ["is not independent"], member: "carol",
                     "carol changed the run and then approved it")
    }

    /// (7) carol claims rai-reviewer but only holds approver.
    func testAttackApproverWithoutTheRole() throws {
        let sandbox = try ApprovalSandbox()
        try sandbox.approve(by: .bob, role: "approver")
        try sandbox.approve(by: .carol, role: "rai-reviewer")
        assertBlocks(try sandbox.check(), anyOf: ["is not entitled"], member: "carol", "carol claims a role she lacks")
    }

    /// (11) A fresh, signed reject by an entitled member blocks despite two valid approvals.
    func testAttackValidRejectBlocksDespiteTwoApprovals() throws {
        let sandbox = try ApprovalSandbox()
        try sandbox.approve(by: .erin, role: "rai-reviewer")
        try sandbox.approve(by: .carol, role: "approver")
        assertPasses(try sandbox.check(), "control: erin and carol approve")
        try sandbox.approve(by: .bob, role: "rai-reviewer", decision: "reject")
        assertBlocks(try sandbox.check(), anyOf: ["rejected by"], member: "bob", "bob rejects")
    }

    /// (12) An approval only in the working tree (or only in the index) is pending, never valid.
    func testAttackUncommittedApprovalIsPending() throws {
        let sandbox = try ApprovalSandbox()
        try sandbox.approve(by: .bob, role: "rai-reviewer")
        let carol = try sandbox.writeApproval(by: .carol, role: "approver")
        assertBlocks(try sandbox.check(), anyOf: ["is pending"], member: "carol", "carol's approval not committed")
        try sandbox.repo.git("add", carol)
        // Before a commit, approvals (which can only follow the commit) warn instead of block;
        // the staged approval still does not count, and --fail-on warn makes the hook strict.
        let staged = try sandbox.check("--staged", "--fail-on", "warn")
        XCTAssertEqual(staged.result.status, 1, "carol's approval only staged: " + staged.result.stdout)
        XCTAssertEqual(staged.verdict, "warn")
        XCTAssertTrue(staged.result.stdout.contains("is pending"), staged.result.stdout)
        try sandbox.commit([carol], "Approve as approver", as: .carol)
        assertPasses(try sandbox.check(), "control: carol commits her approval, signed")
    }

    // MARK: Attacks in range mode (policies and Team from the merge base)

    /// (8) The branch loosens the policy to one approval (signed by the policy owner even) and
    /// carries one approval: the merge base's policy still asks for two.
    func testAttackRangeLooseningThePolicyStillBlocks() throws {
        let sandbox = try ApprovalSandbox()
        try sandbox.repo.git("checkout", "-q", "-b", "loosen")
        try sandbox.repo.edit("policies/approvals.yaml", replacing: "min: 2", with: "min: 1")
        try sandbox.commitAll("One approval is enough", as: .dana)
        try sandbox.approve(by: .bob, role: "rai-reviewer")
        assertPasses(try sandbox.check(), "control: the head's own policy would pass it")
        assertBlocks(try sandbox.check("--base", "main"), anyOf: ["needs 2 approvals"], "--base main with a loosened policy")
    }

    /// (9) The branch adds mallory to the Team as rai-reviewer and mallory approves: the merge
    /// base's Team does not know her.
    func testAttackRangeAddingATeamMemberStillBlocks() throws {
        let sandbox = try ApprovalSandbox()
        try sandbox.repo.git("checkout", "-q", "-b", "add-mallory")
        let team = try sandbox.repo.read("policies/team.yaml")
        try sandbox.repo.write("policies/team.yaml", team + """
            - id: mallory
              name: Mallory Stone
              emails: [mallory@example.net]
              signingKeys: ["\(try sandbox.publicKey(.mallory))"]
              roles: [rai-reviewer]

        """)
        try sandbox.commitAll("Add Mallory as RAI reviewer", as: .dana)
        try sandbox.approve(by: .carol, role: "approver")
        try sandbox.approve(by: .mallory, role: "rai-reviewer")
        assertPasses(try sandbox.check(), "control: the head's own Team would pass it")
        assertBlocks(try sandbox.check("--base", "main"), member: "mallory", "--base main with mallory added in the range")
    }

    /// (10) Commits in the range touching protected paths without a policy-owner signature block,
    /// naming the commit: unsigned (author dana), and signed by bob (a member without the role).
    func testAttackRangeUnsignedOrUnentitledChangeToProtectedPath() throws {
        let sandbox = try ApprovalSandbox()
        try sandbox.repo.git("checkout", "-q", "-b", "unsigned-policy")
        try sandbox.repo.edit("policies/approvals.yaml", replacing: "description: Production promotions",
                              with: "description: Every production promotion")
        try sandbox.commitAll("Reword the approvals policy", as: .dana, signing: .unsigned)
        assertProtectedPathBlock(try sandbox.check("--base", "main"), path: "policies/approvals.yaml", commit: try sandbox.sha(),
                                 "unsigned commit to policies/ (author dana)")

        try sandbox.repo.git("checkout", "-q", "-b", "bob-config", "main")
        try sandbox.repo.write(".tollgate.yaml", Sandbox.config + "# reviewed\n")
        try sandbox.commitAll("Comment the config", as: .bob)
        assertProtectedPathBlock(try sandbox.check("--base", "main"), path: ".tollgate.yaml", commit: try sandbox.sha(),
                                 "commit to .tollgate.yaml signed by bob, who is not a policy-owner")
    }
}
