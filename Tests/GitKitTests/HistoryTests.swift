import XCTest
import GitKit

final class HistoryTests: XCTestCase {
    func testChangedPathsListRenamesDeletionsAndAdditions() throws {
        let repo = try TestRepository()
        try repo.write("old-name.txt", "same content\nthat is long enough to be a rename\n")
        try repo.write("doomed.txt", "bye\n")
        try repo.write("edited.txt", "v1\n")
        try repo.write("untouched.txt", "same\n")
        let before = try repo.commit("before")
        try repo.git(["mv", "old-name.txt", "new-name.txt"])
        try repo.git(["rm", "-q", "doomed.txt"])
        try repo.write("edited.txt", "v2\n")
        try repo.write("added/file.txt", "hello\n")
        let after = try repo.commit("after")

        let opened = try Repository.discover(startingAt: repo.path)
        let from = try XCTUnwrap(ObjectID(hex: before))
        let to = try XCTUnwrap(ObjectID(hex: after))
        XCTAssertEqual(try opened.changedPaths(from: from, to: to),
                       ["added/file.txt", "doomed.txt", "edited.txt", "new-name.txt", "old-name.txt"])
        XCTAssertEqual(try opened.changedPaths(from: nil, to: from),
                       ["doomed.txt", "edited.txt", "old-name.txt", "untouched.txt"])
        XCTAssertEqual(try opened.changedPaths(from: to, to: to), [])
    }

    func testStagedChangedPathsAgainstHead() throws {
        let repo = try TestRepository()
        try repo.write("a.txt", "a\n")
        try repo.write("b.txt", "b\n")
        try repo.commit("initial")
        try repo.write("a.txt", "changed\n")
        try repo.git(["add", "a.txt"])
        try repo.git(["rm", "-q", "--cached", "b.txt"])
        try repo.write("c.txt", "unstaged new file\n")

        let opened = try Repository.discover(startingAt: repo.path)
        XCTAssertEqual(try opened.stagedChangedPaths(against: opened.head()), ["a.txt", "b.txt"])
        XCTAssertEqual(try opened.unstagedChangedPaths(), ["b.txt", "c.txt"],
                       "b.txt is untracked again, c.txt is new")
        // One read of the index gives both the staged files and what they change.
        let staged = try opened.stagedState(against: opened.head())
        XCTAssertEqual(staged.changed, ["a.txt", "b.txt"])
        XCTAssertEqual(staged.index, try opened.indexFiles())
        XCTAssertEqual(staged.index.files.map(\.path), ["a.txt"], "b.txt is no longer staged")
        XCTAssertEqual(try opened.stagedState(against: nil).changed, ["a.txt"], "against the empty tree")
    }

    func testMergeBaseOfTwoBranches() throws {
        let repo = try TestRepository()
        try repo.write("a.txt", "1\n")
        try repo.commit("one")
        try repo.write("a.txt", "2\n")
        let fork = try repo.commit("fork point")
        try repo.git(["checkout", "-q", "-b", "topic"])
        try repo.write("topic.txt", "t\n")
        let topic = try repo.commit("topic work")
        try repo.git(["checkout", "-q", "main"])
        try repo.write("main.txt", "m\n")
        let main = try repo.commit("main work")

        let opened = try Repository.discover(startingAt: repo.path)
        let base = try opened.mergeBase(try XCTUnwrap(ObjectID(hex: main)), try XCTUnwrap(ObjectID(hex: topic)))
        XCTAssertEqual(base?.hex, fork)
    }

    func testMergeBaseOfUnrelatedHistoriesIsNil() throws {
        let repo = try TestRepository()
        try repo.write("a.txt", "1\n")
        let main = try repo.commit("main root")
        try repo.git(["checkout", "-q", "--orphan", "island"])
        try repo.write("b.txt", "2\n")
        let island = try repo.commit("island root")

        let opened = try Repository.discover(startingAt: repo.path)
        XCTAssertNil(try opened.mergeBase(try XCTUnwrap(ObjectID(hex: main)), try XCTUnwrap(ObjectID(hex: island))))
    }

    func testCommitsBetweenBaseAndHeadAreNewestFirst() throws {
        let repo = try TestRepository()
        var ids: [String] = []
        for number in 1...5 {
            try repo.write("n.txt", "\(number)\n")
            ids.append(try repo.commit("commit \(number)"))
        }
        let opened = try Repository.discover(startingAt: repo.path)
        let head = try XCTUnwrap(ObjectID(hex: ids[4]))

        let range = try opened.commits(from: try XCTUnwrap(ObjectID(hex: ids[1])), to: head)
        XCTAssertEqual(range.map(\.hex), [ids[4], ids[3], ids[2]])
        XCTAssertEqual(range.map(\.hex), try repo.git(["rev-list", "\(ids[1])..\(ids[4])"]).split(separator: "\n").map(String.init))
        XCTAssertEqual(try opened.commits(from: nil, to: head).map(\.hex), ids.reversed())
        XCTAssertEqual(try opened.commits(from: head, to: head), [])
    }

    func testCommitsAcrossAMergeMatchRevList() throws {
        let repo = try TestRepository()
        try repo.write("a.txt", "1\n")
        let root = try repo.commit("root")
        try repo.git(["checkout", "-q", "-b", "topic"])
        try repo.write("t.txt", "t\n")
        try repo.commit("topic 1")
        try repo.write("t.txt", "t2\n")
        try repo.commit("topic 2")
        try repo.git(["checkout", "-q", "main"])
        try repo.write("m.txt", "m\n")
        try repo.commit("main 1")
        try repo.git(["merge", "-q", "--no-ff", "-m", "merge topic", "topic"])
        let head = try repo.git(["rev-parse", "HEAD"])

        let opened = try Repository.discover(startingAt: repo.path)
        let walked = try opened.commits(from: try XCTUnwrap(ObjectID(hex: root)), to: try XCTUnwrap(ObjectID(hex: head)))
        let expected = try repo.git(["rev-list", "--date-order", "\(root)..\(head)"]).split(separator: "\n").map(String.init)
        XCTAssertEqual(walked.count, 4)
        XCTAssertEqual(walked.first?.hex, head)
        XCTAssertEqual(walked.map(\.hex), expected)
    }
}
