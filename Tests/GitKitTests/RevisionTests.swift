import XCTest
import GitKit

final class RevisionTests: XCTestCase {
    private var repo: TestRepository!
    private var first = ""
    private var second = ""
    private var third = ""

    override func setUpWithError() throws {
        repo = try TestRepository()
        try repo.write("README.md", "one\n")
        first = try repo.commit("first")
        try repo.write("README.md", "two\n")
        second = try repo.commit("second")
        try repo.git(["tag", "v1-light"])
        try repo.git(["tag", "-a", "v1", "-m", "release one"])
        try repo.git(["branch", "feature"])
        try repo.write("README.md", "three\n")
        third = try repo.commit("third")
    }

    override func tearDown() {
        repo = nil
    }

    func testHeadIsTheLatestCommit() throws {
        let opened = try Repository.discover(startingAt: repo.path)
        XCTAssertEqual(try opened.head()?.hex, third)
    }

    func testResolvesAncestryBranchesTagsAndShas() throws {
        let opened = try Repository.discover(startingAt: repo.path)
        XCTAssertEqual(try opened.resolveCommit("HEAD").hex, third)
        XCTAssertEqual(try opened.resolveCommit("HEAD~1").hex, second)
        XCTAssertEqual(try opened.resolveCommit("HEAD^^").hex, first)
        XCTAssertEqual(try opened.resolveCommit("feature").hex, second)
        XCTAssertEqual(try opened.resolveCommit("refs/heads/main").hex, third)
        XCTAssertEqual(try opened.resolveCommit("v1").hex, second, "an annotated tag is peeled to its commit")
        XCTAssertEqual(try opened.resolveCommit("v1-light").hex, second)
        XCTAssertEqual(try opened.resolveCommit(String(first.prefix(7))).hex, first)
        XCTAssertEqual(try opened.resolveCommit(first.uppercased()).hex, first)
    }

    func testUnknownRevisionErrorNamesTheRevision() throws {
        let opened = try Repository.discover(startingAt: repo.path)
        XCTAssertThrowsError(try opened.resolveCommit("nope")) { error in
            let gitError = error as? GitError
            XCTAssertEqual(gitError?.code, .notFound)
            XCTAssertTrue(gitError?.message.hasPrefix("unknown revision 'nope'") ?? false, "\(error)")
        }
        XCTAssertThrowsError(try opened.resolveCommit("HEAD~10")) { error in
            XCTAssertTrue((error as? GitError)?.message.contains("'HEAD~10'") ?? false, "\(error)")
        }
    }

    func testRevisionNamingSomethingOtherThanACommitIsRejected() throws {
        let opened = try Repository.discover(startingAt: repo.path)
        XCTAssertThrowsError(try opened.resolveCommit("HEAD:README.md")) { error in
            let gitError = error as? GitError
            XCTAssertEqual(gitError?.code, .invalidRevision)
            XCTAssertTrue(gitError?.message.contains("'HEAD:README.md' is not a commit") ?? false, "\(error)")
        }
    }

    func testCommitExistsForFullAndAbbreviatedCommitIdsOnly() throws {
        let opened = try Repository.discover(startingAt: repo.path)
        XCTAssertTrue(opened.commitExists(first))
        XCTAssertTrue(opened.commitExists(String(first.prefix(4))) || opened.commitExists(String(first.prefix(8))))
        XCTAssertTrue(opened.commitExists(String(first.prefix(10))))
        XCTAssertFalse(opened.commitExists(String(repeating: "0", count: 40)))
        XCTAssertFalse(opened.commitExists("abc"), "fewer than four digits")
        XCTAssertFalse(opened.commitExists("not hex at all"))
        XCTAssertFalse(opened.commitExists(""))
        let tree = try repo.git(["rev-parse", "HEAD^{tree}"])
        XCTAssertFalse(opened.commitExists(tree), "a tree is not a commit")
    }

    func testUnbornHeadIsNil() throws {
        let fresh = try TestRepository()
        try fresh.write("new.txt", "hello\n")
        let opened = try Repository.discover(startingAt: fresh.path)
        XCTAssertNil(try opened.head())
        XCTAssertThrowsError(try opened.resolveCommit("HEAD"))
        XCTAssertEqual(try opened.workingTreeFiles(), ["new.txt"])
        XCTAssertEqual(try opened.indexFiles().files, [])
        XCTAssertEqual(try opened.stagedChangedPaths(against: nil), [])
        try fresh.git(["add", "new.txt"])
        XCTAssertEqual(try opened.stagedChangedPaths(against: nil), ["new.txt"])
    }
}
