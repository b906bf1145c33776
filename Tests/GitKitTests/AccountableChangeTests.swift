import XCTest
import GitKit

/// `Repository.lastChange` / `accountableChange` (SPEC §3): a merge answers for every
/// difference from its first parent, except new work it merged cleanly from a side branch.
final class AccountableChangeTests: XCTestCase {
    private func id(_ hex: String) throws -> ObjectID { try XCTUnwrap(ObjectID(hex: hex)) }

    func testLinearHistoryNamesTheCommitThatWroteTheContent() throws {
        let repo = try TestRepository()
        try repo.write("a/file.txt", "1\n")
        let first = try repo.commit("add")
        try repo.write("other.txt", "x\n")
        try repo.commit("elsewhere")
        let opened = try Repository.discover(startingAt: repo.path)
        XCTAssertEqual(try opened.lastChange(of: "a/file.txt", from: try opened.head()!)?.hex, first)
        XCTAssertNil(try opened.lastChange(of: "missing.txt", from: try opened.head()!))
    }

    func testCleanMergeOfNewWorkOnASideBranchNamesTheSideCommit() throws {
        let repo = try TestRepository()
        try repo.write("readme.txt", "r\n")
        try repo.commit("base")
        try repo.git(["checkout", "-q", "-b", "topic"])
        try repo.write("approvals/bob.yaml", "approve\n")
        let approval = try repo.commit("approve on the branch")
        try repo.git(["checkout", "-q", "main"])
        try repo.write("main.txt", "m\n")
        try repo.commit("main work")
        try repo.git(["merge", "-q", "--no-ff", "-m", "merge topic", "topic"])
        let merge = try repo.git(["rev-parse", "HEAD"])

        let opened = try Repository.discover(startingAt: repo.path)
        XCTAssertEqual(try opened.lastChange(of: "approvals/bob.yaml", from: try id(merge))?.hex, approval,
                       "new work merged cleanly stays its author's")
        XCTAssertEqual(try opened.step(for: "approvals/bob.yaml", in: try id(merge)), .mergedFrom(try id(approval)))
    }

    func testMergeThatBringsBackADeletedFileIsAccountable() throws {
        let repo = try TestRepository()
        try repo.write("approvals/bob.yaml", "approve\n")
        let approval = try repo.commit("approve")
        try repo.git(["checkout", "-q", "-b", "old"])
        try repo.write("notes.txt", "n\n")
        try repo.commit("work forked before the withdrawal")
        try repo.git(["checkout", "-q", "main"])
        try repo.git(["rm", "-q", "approvals/bob.yaml"])
        let withdrawal = try repo.commit("withdraw")
        try repo.git(["merge", "-q", "--no-ff", "--no-commit", "old"])
        try repo.git(["checkout", "old", "--", "approvals/bob.yaml"])
        let merge = try repo.commit("merge old, keeping the approval")

        let opened = try Repository.discover(startingAt: repo.path)
        XCTAssertEqual(try opened.lastChange(of: "approvals/bob.yaml", from: try id(merge))?.hex, merge,
                       "the merge brought back what the first parent had deleted")
        XCTAssertNotEqual(try opened.lastChange(of: "approvals/bob.yaml", from: try id(merge))?.hex, approval)
        XCTAssertEqual(try opened.accountableChange(of: "approvals/bob.yaml", from: try id(withdrawal))?.hex, withdrawal,
                       "a deletion is accountable for the path's absence")
        XCTAssertEqual(try opened.accountableChanges(of: "approvals", from: try id(merge)).map(\.hex),
                       [merge, withdrawal, approval])
    }

    func testMergeThatKeepsOldContentOverASideChangeIsAccountable() throws {
        // `git merge -s ours` from the old branch: the first parent holds the approval, the side
        // (main) withdrew it; the merge equals its first parent and still brings the approval back.
        let repo = try TestRepository()
        try repo.write("approvals/bob.yaml", "approve\n")
        try repo.commit("approve")
        try repo.git(["checkout", "-q", "-b", "old"])
        try repo.write("notes.txt", "n\n")
        try repo.commit("work forked before the withdrawal")
        try repo.git(["checkout", "-q", "main"])
        try repo.git(["rm", "-q", "approvals/bob.yaml"])
        try repo.commit("withdraw")
        try repo.git(["checkout", "-q", "old"])
        try repo.git(["merge", "-q", "-s", "ours", "-m", "merge main, keeping ours", "main"])
        let merge = try repo.git(["rev-parse", "HEAD"])

        let opened = try Repository.discover(startingAt: repo.path)
        XCTAssertEqual(try opened.lastChange(of: "approvals/bob.yaml", from: try id(merge))?.hex, merge)
        XCTAssertEqual(try opened.step(for: "notes.txt", in: try id(merge)), .same(try id(try repo.git(["rev-parse", "HEAD^1"]))),
                       "a path neither side changed since the fork follows the first parent")
    }

    func testMergingTheMainLineIntoABranchKeepsItsChangesTheirs() throws {
        let repo = try TestRepository()
        try repo.write("policies/p.yaml", "v1\n")
        try repo.commit("base")
        try repo.git(["checkout", "-q", "-b", "feature"])
        try repo.write("feature.txt", "f\n")
        try repo.commit("feature work")
        try repo.git(["checkout", "-q", "main"])
        try repo.write("policies/p.yaml", "v2\n")
        let tighten = try repo.commit("tighten")
        try repo.git(["checkout", "-q", "feature"])
        try repo.git(["merge", "-q", "--no-ff", "-m", "merge main", "main"])
        let merge = try repo.git(["rev-parse", "HEAD"])

        let opened = try Repository.discover(startingAt: repo.path)
        XCTAssertEqual(try opened.lastChange(of: "policies/p.yaml", from: try id(merge))?.hex, tighten)
        XCTAssertEqual(try opened.step(for: "policies/p.yaml", in: try id(merge)), .mergedFrom(try id(tighten)))
    }

    func testChangesUnderADirectory() throws {
        let repo = try TestRepository()
        try repo.write("approvals/r/bob.yaml", "reject\n")
        try repo.write("approvals/r/carol.yaml", "approve\n")
        try repo.write("other/x.txt", "x\n")
        let before = try repo.commit("before")
        try repo.git(["rm", "-q", "approvals/r/bob.yaml"])
        try repo.write("approvals/r/carol.yaml", "approve, reworded\n")
        try repo.write("other/x.txt", "y\n")
        let after = try repo.commit("after")

        let opened = try Repository.discover(startingAt: repo.path)
        let changes = try opened.changes(under: "approvals/r", from: try id(before), to: try id(after))
        XCTAssertEqual(changes.map(\.path), ["approvals/r/bob.yaml", "approvals/r/carol.yaml"])
        XCTAssertNil(changes[0].new)
        XCTAssertNotNil(changes[0].old)
        XCTAssertEqual(try opened.changes(under: "approvals/r/carol.yaml", from: try id(before), to: try id(after)).count, 1)
        XCTAssertEqual(try opened.changes(under: "approvals", from: nil, to: try id(before)).count, 2)
    }
}
