import Foundation
import XCTest

/// The modes of `policy check` on real repositories: working tree, index, one commit,
/// a range with policies from the merge base; subdirectories and shallow clones.
final class ModeTests: XCTestCase {
    let run = "runs/fraud-student/run-8812.yaml"

    /// The demo with p95 fixed (25 ms, on the inclusive bound) and committed; the change made
    /// the earlier approvals stale, so bob and carol re-approve with `policy approve`.
    func passingDemo() throws -> GitSandbox {
        let demo = try GitSandbox.demo()
        try demo.edit(run, replacing: "p95Ms: 28.7", with: "p95Ms: 25")
        try demo.commitSigned("Re-measure p95 after batching fix", as: "alice")
        let stale = try demo.policy("check")
        XCTAssertEqual(stale.status, 1)
        XCTAssertTrue(stale.flat.contains("approval by bob is stale: runs/fraud-student/run-8812.yaml changed in"), stale.stdout)
        try demo.approve(as: "bob", role: "rai-reviewer")
        try demo.approve(as: "carol", role: "approver")
        let fresh = try demo.policy("check")
        XCTAssertEqual(fresh.status, 0, fresh.stdout + fresh.stderr)
        return demo
    }

    func testStagedBlockingChangeRevertedOnDiskBlocksStagedAndPassesWorkingTree() throws {
        let demo = try passingDemo()
        try demo.edit(run, replacing: "p95Ms: 25", with: "p95Ms: 31.5")
        try demo.git("add", run)
        try demo.edit(run, replacing: "p95Ms: 31.5", with: "p95Ms: 25")

        let staged = try demo.policy("check", "--staged")
        XCTAssertEqual(staged.status, 1, staged.stdout + staged.stderr)
        XCTAssertTrue(staged.flat.contains("p95 latency 31.5 ms exceeds 25 ms"), staged.stdout)
        XCTAssertTrue(staged.flat.contains("checked the index"), staged.stdout)

        let workingTree = try demo.policy("check")
        XCTAssertEqual(workingTree.status, 0, workingTree.stdout)
        XCTAssertTrue(workingTree.flat.contains("checked the working tree"), workingTree.stdout)
    }

    func testStagedReportsOnlyWhatTheCommitChangesAndApprovalsOnlyWarn() throws {
        let demo = try GitSandbox.demo()
        try demo.write("README.md", "# DistilOps\n\nNotes.\n")
        try demo.git("add", "README.md")
        let unrelated = try demo.policy("check", "--staged")
        XCTAssertEqual(unrelated.status, 0, "a commit that touches no subject is not blocked by the demo's p95: \(unrelated.stdout)")
        XCTAssertEqual(try demo.policy("check", "--staged", "--all").status, 1)

        // A new request: it cannot carry approvals before it is committed, so they only warn.
        let request = try demo.read("requests/fraud-student-2.1.0-production.yaml")
            .replacingOccurrences(of: "name: fraud-student-2.1.0-production", with: "name: fraud-student-2.1.0-production-retry")
        try demo.write("requests/retry.yaml", request)
        try demo.git("add", "requests/retry.yaml")
        let staged = try demo.policy("check", "--staged", "--format", "json")
        XCTAssertEqual(staged.status, 1, "still blocked by its p95")
        let subjects = try staged.json()["subjects"] as? [[String: Any]] ?? []
        XCTAssertEqual(subjects.compactMap { $0["name"] as? String }, ["fraud-student-2.1.0-production-retry"])
        XCTAssertEqual(try outcome(of: "approvals/production-sign-off", in: staged), "warn")
        XCTAssertEqual(try outcome(of: "release-gate/p95-latency", in: staged), "block")
    }

    func testRevReadsThatCommitsTree() throws {
        let demo = try passingDemo()
        // HEAD passes; HEAD~3 is the demo's original state with p95 28.7 ms.
        let previous = try demo.policy("check", "--rev", "HEAD~3")
        XCTAssertEqual(previous.status, 1, previous.stdout + previous.stderr)
        XCTAssertTrue(previous.flat.contains("p95 latency 28.7 ms exceeds 25 ms"), previous.stdout)
        let head = try demo.policy("check", "--rev", "HEAD")
        XCTAssertEqual(head.status, 0, head.stdout)
        // The working tree does not matter in --rev mode.
        try demo.edit(run, replacing: "p95Ms: 25", with: "p95Ms: 99")
        XCTAssertEqual(try demo.policy("check", "--rev", "HEAD").status, 0)
        let unknown = try demo.policy("check", "--rev", "no-such-branch")
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("unknown revision 'no-such-branch'"), unknown.stderr)
    }

    func testRangeTakesPoliciesFromTheMergeBaseSoLooseningTheGateDoesNotHelp() throws {
        let demo = try passingDemo()
        try demo.git("checkout", "-q", "-b", "faster-please")
        try demo.edit("policies/release-gate.yaml", replacing: "max: 25,", with: "max: 30,")
        try demo.edit(run, replacing: "p95Ms: 25", with: "p95Ms: 29.5")
        try demo.commitAll("Relax the latency gate and ship the slower model", author: "Mallory", email: "mallory@distilops.example")

        // The head's own policy would pass the latency ...
        let own = try demo.policy("check", "--format", "json")
        XCTAssertEqual(try outcome(of: "release-gate/p95-latency", in: own), "pass")
        // ... but in review the policies come from the base.
        let review = try demo.policy("check", "--base", "main")
        XCTAssertEqual(review.status, 1, review.stdout + review.stderr)
        XCTAssertTrue(review.flat.contains("p95 latency 29.5 ms exceeds 25 ms"), review.stdout)
        XCTAssertTrue(review.flat.contains("policies from the base "), review.stdout)
        // And the unsigned change of a protected path is itself a blocking reason.
        XCTAssertTrue(review.flat.contains("provenance/protected-paths"), review.stdout)
    }

    func outcome(of rule: String, in result: GitSandbox.Result) throws -> String? {
        let subjects = try result.json()["subjects"] as? [[String: Any]] ?? []
        let rules = subjects.flatMap { $0["rules"] as? [[String: Any]] ?? [] }
        return rules.first { $0["id"] as? String == rule }?["outcome"] as? String
    }

    func testRangeReportsOnlyChangedSubjectsUnlessAll() throws {
        let demo = try passingDemo()
        try demo.git("checkout", "-q", "-b", "docs-only")
        try demo.write("README.md", "# DistilOps\n\nNothing to check here.\n")
        try demo.commitAll("Docs")
        let review = try demo.policy("check", "--base", "main", "--format", "json")
        XCTAssertEqual(review.status, 0, review.stdout + review.stderr)
        XCTAssertEqual((try review.json()["subjects"] as? [Any])?.count, 0)
        let all = try demo.policy("check", "--base", "main", "--all", "--format", "json")
        XCTAssertGreaterThan((try all.json()["subjects"] as? [Any])?.count ?? 0, 0)

        // Changing only the run puts its request under review.
        try demo.edit(run, replacing: "p95Ms: 25", with: "p95Ms: 26")
        try demo.commitAll("Slower")
        let changed = try demo.policy("check", "--base", "main", "--format", "json")
        XCTAssertEqual(changed.status, 1)
        let names = (try changed.json()["subjects"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
        XCTAssertTrue(names.contains("fraud-student-2.1.0-production"), "\(names)")
    }

    /// A pull request that adds a file taking an existing name: the name now resolves to the
    /// new file (it comes first in path order), so the one it shadows is reported too, with the
    /// duplicate, though its own files did not change.
    func testRangeReportsTheDocumentANewFileShadows() throws {
        let demo = try passingDemo()
        try demo.git("checkout", "-q", "-b", "shadow")
        let request = "requests/fraud-student-2.1.0-production.yaml"
        try demo.write("requests/a-copy.yaml", try demo.read(request))
        try demo.commitAll("Copy the request")
        let review = try demo.policy("check", "--base", "main", "--format", "json")
        XCTAssertEqual(review.status, 1, review.stdout + review.stderr)
        let subjects = try review.json()["subjects"] as? [[String: Any]] ?? []
        XCTAssertEqual(Set(subjects.compactMap { $0["file"] as? String }), ["requests/a-copy.yaml", request])
        XCTAssertTrue(review.stdout.contains("PromotionRequest 'fraud-student-2.1.0-production' is defined twice"), review.stdout)
        let staged = try demo.policy("check", "--staged", "--format", "json")
        XCTAssertEqual(staged.status, 0, "nothing is staged: \(staged.stdout)")
    }

    func testRunningFromASubdirectoryAndWithDashC() throws {
        let demo = try GitSandbox.demo()
        let nested = try demo.policy("check", in: "runs/fraud-student")
        XCTAssertEqual(nested.status, 1, nested.stdout + nested.stderr)
        XCTAssertTrue(nested.flat.contains("p95 latency 28.7 ms exceeds 25 ms (runs/fraud-student/run-8812.yaml:"), nested.stdout)

        let elsewhere = try GitSandbox.run(GitSandbox.policyBinary.path, ["check", "-C", demo.root.appendingPathComponent("models").path],
                                           in: FileManager.default.temporaryDirectory)
        XCTAssertEqual(elsewhere.status, 1, elsewhere.stderr)
    }

    func testPathFiltersLimitTheSubjects() throws {
        let demo = try GitSandbox.demo()
        let onlyModels = try demo.policy("check", "models", "--format", "json")
        let subjects = try onlyModels.json()["subjects"] as? [[String: Any]] ?? []
        XCTAssertTrue(subjects.allSatisfy { ($0["file"] as? String)?.hasPrefix("models/") == true }, "\(subjects)")
        XCTAssertEqual(onlyModels.status, 0)
        let requests = try demo.policy("check", "../requests", in: "models")
        XCTAssertEqual(requests.status, 1, requests.stdout)
    }

    func testShallowCloneExitsTwoWithTheFetchDepthHint() throws {
        let demo = try GitSandbox.demo()
        let clone = demo.root.deletingLastPathComponent().appendingPathComponent("shallow")
        let result = try GitSandbox.run("/usr/bin/git", ["clone", "-q", "--depth", "1", "file://\(demo.root.path)", clone.path],
                                        in: demo.root.deletingLastPathComponent())
        XCTAssertEqual(result.status, 0, result.stderr)
        let check = try GitSandbox.run(GitSandbox.policyBinary.path, ["check"], in: clone)
        XCTAssertEqual(check.status, 2)
        XCTAssertTrue(check.stderr.contains("shallow clone"), check.stderr)
        XCTAssertTrue(check.stderr.contains("fetch-depth: 0"), check.stderr)
        XCTAssertEqual(check.stdout, "", "a tool error never looks like a verdict")
    }

    func testOutsideARepositoryExitsTwo() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-repo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let result = try GitSandbox.run(GitSandbox.policyBinary.path, ["check"], in: empty)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("not a git repository"), result.stderr)
    }

    func testUsageErrorsExitTwo() throws {
        let demo = try GitSandbox.demo()
        for arguments in [["check", "--staged", "--rev", "HEAD"], ["check", "--head", "HEAD"],
                          ["check", "--format", "yaml"], ["check", "--fail-on", "sometimes"], ["frobnicate"]] {
            let result = try demo.policy(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)")
            XCTAssertFalse(result.stderr.isEmpty)
        }
        let help = try demo.policy("check", "--help")
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.flat.contains("--staged"))
    }
}
