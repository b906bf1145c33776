import XCTest
import GitKit

/// CI checkouts are shallow; history questions must get git's answers there too.
final class ShallowHistoryTests: XCTestCase {
    private var origin: TestRepository!

    override func setUpWithError() throws {
        // main: r1 - r2 - r3 ------- m (merge) - t1
        //                   \       /
        // topic:             f1 - f2
        origin = try TestRepository()
        for number in 1...3 {
            try origin.write("root.txt", "\(number)\n")
            try origin.commit("r\(number)")
        }
        try origin.git(["checkout", "-q", "-b", "topic"])
        try origin.write("topic.txt", "1\n")
        try origin.commit("f1")
        try origin.write("topic.txt", "2\n")
        try origin.commit("f2")
        try origin.git(["checkout", "-q", "main"])
        try origin.write("main.txt", "1\n")
        try origin.commit("main 1")
        try origin.git(["merge", "-q", "--no-ff", "-m", "merge topic", "topic"])
        try origin.write("main.txt", "2\n")
        try origin.commit("t1")
    }

    override func tearDown() {
        origin = nil
    }

    private func lines(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init)
    }

    func testShallowWalkMatchesGitRevList() throws {
        for depth in [1, 2, 3, 4] {
            let clone = try origin.clone(["--depth", "\(depth)", "--no-single-branch"])
            let opened = try Repository.discover(startingAt: clone.path)
            XCTAssertTrue(opened.isShallow)
            let head = try XCTUnwrap(try opened.head())
            let expected = lines(try clone.git(["rev-list", "--date-order", "HEAD"]))
            XCTAssertEqual(try opened.commits(from: nil, to: head).map(\.hex), expected, "depth \(depth)")
        }
    }

    func testShallowRangeAndMergeBaseMatchGit() throws {
        let clone = try origin.clone(["--depth", "4", "--no-single-branch"])
        let opened = try Repository.discover(startingAt: clone.path)
        let head = try opened.resolveCommit("origin/main")
        let topic = try opened.resolveCommit("origin/topic")
        let base = try XCTUnwrap(try opened.mergeBase(head, topic))
        XCTAssertEqual(base.hex, try clone.git(["merge-base", "origin/main", "origin/topic"]))
        let range = try opened.commits(from: base, to: head)
        XCTAssertEqual(range.map(\.hex), lines(try clone.git(["rev-list", "--date-order", "\(base.hex)..origin/main"])))
    }

    func testShallowMergeBaseIsNilWhenTheAncestorWasNotFetched() throws {
        let clone = try origin.clone(["--depth", "1", "--no-single-branch"])
        let opened = try Repository.discover(startingAt: clone.path)
        let head = try opened.resolveCommit("origin/main")
        let topic = try opened.resolveCommit("origin/topic")
        XCTAssertNil(try opened.mergeBase(head, topic))
    }

    func testFullCloneWalkMatchesGitRevList() throws {
        let opened = try Repository.discover(startingAt: origin.path)
        let head = try XCTUnwrap(try opened.head())
        let walked = try opened.commits(from: nil, to: head).map(\.hex)
        XCTAssertEqual(walked, lines(try origin.git(["rev-list", "--date-order", "HEAD"])))
    }
}
