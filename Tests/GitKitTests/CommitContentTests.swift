import XCTest
import GitKit

final class CommitContentTests: XCTestCase {
    func testCommitInfoReportsPeopleDatesMessageAndParents() throws {
        let repo = try TestRepository()
        try repo.write("a.txt", "a\n")
        let root = try repo.commit("root")
        try repo.write("a.txt", "b\n")
        let child = try repo.commit("Fix the widget\n\nLonger explanation\nover two lines.",
                                    author: ("Alan Turing", "alan@example.com"))
        let expectedTime = try repo.git(["log", "-1", "--format=%at"])
        let expectedTree = try repo.git(["rev-parse", "HEAD^{tree}"])

        let opened = try Repository.discover(startingAt: repo.path)
        let info = try opened.commit(try XCTUnwrap(ObjectID(hex: child)))
        XCTAssertEqual(info.id.hex, child)
        XCTAssertEqual(info.tree.hex, expectedTree)
        XCTAssertEqual(info.parents.map(\.hex), [root])
        XCTAssertEqual(info.author.name, "Alan Turing")
        XCTAssertEqual(info.author.email, "alan@example.com")
        XCTAssertEqual(info.author.offsetMinutes, 120)
        XCTAssertEqual(info.author.time.timeIntervalSince1970, try XCTUnwrap(TimeInterval(expectedTime)))
        XCTAssertEqual(info.committer.name, "Grace Hopper")
        XCTAssertEqual(info.committer.offsetMinutes, -300)
        XCTAssertEqual(info.summary, "Fix the widget")
        XCTAssertEqual(info.message, "Fix the widget\n\nLonger explanation\nover two lines.\n")

        let rootInfo = try opened.commit(try XCTUnwrap(ObjectID(hex: root)))
        XCTAssertEqual(rootInfo.parents, [])
    }

    func testFilesOfACommitListEveryBlobSortedWithModesAndContents() throws {
        let repo = try TestRepository()
        try repo.write("src/main.swift", "print(1)\n")
        try repo.write("src/lib/util.swift", "let x = 1\n")
        try repo.write("run.sh", "#!/bin/sh\necho hi\n")
        try repo.write("README.md", "# Title\n")
        try repo.write("a-b.txt", "dash\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: repo.path + "/run.sh")
        try FileManager.default.createSymbolicLink(atPath: repo.path + "/link", withDestinationPath: "README.md")
        // A gitlink (submodule entry) must be skipped.
        let someCommit = try repo.commit("first")
        try repo.git(["update-index", "--add", "--cacheinfo", "160000,\(someCommit),vendor/sub"])
        let head = try repo.commit("second", stageAll: false)

        let opened = try Repository.discover(startingAt: repo.path)
        let files = try opened.files(inCommit: try XCTUnwrap(ObjectID(hex: head)))
        XCTAssertEqual(files.map(\.path),
                       ["README.md", "a-b.txt", "link", "run.sh", "src/lib/util.swift", "src/main.swift"])
        let byPath = Dictionary(uniqueKeysWithValues: files.map { ($0.path, $0) })
        XCTAssertEqual(byPath["README.md"]?.mode, 0o100644)
        XCTAssertEqual(byPath["run.sh"]?.mode, 0o100755)
        XCTAssertEqual(byPath["link"]?.mode, 0o120000)
        XCTAssertEqual(byPath["README.md"]?.oid.hex, try repo.git(["rev-parse", "HEAD:README.md"]))

        let readme = try XCTUnwrap(byPath["README.md"])
        XCTAssertEqual(try opened.blob(readme.oid), Array("# Title\n".utf8))
        let link = try XCTUnwrap(byPath["link"])
        XCTAssertEqual(try opened.blob(link.oid), Array("README.md".utf8), "a symlink's blob is its target")

        let tree = try opened.commit(try XCTUnwrap(ObjectID(hex: head))).tree
        XCTAssertEqual(try opened.files(inTree: tree), files)
        XCTAssertEqual(try opened.indexFiles().files.map(\.path), files.map(\.path),
                       "the index gitlink is skipped as well")
    }

    func testEmptyFileHasEmptyBlob() throws {
        let repo = try TestRepository()
        try repo.write("empty", "")
        let head = try repo.commit("empty file")
        let opened = try Repository.discover(startingAt: repo.path)
        let files = try opened.files(inCommit: try XCTUnwrap(ObjectID(hex: head)))
        XCTAssertEqual(try opened.blob(try XCTUnwrap(files.first).oid), [])
    }

    func testRawCommitIsTheStoredObject() throws {
        let repo = try TestRepository()
        try repo.write("a.txt", "a\n")
        let head = try repo.commit("raw me")
        let expected = try repo.git(["cat-file", "commit", "HEAD"]) + "\n"

        let opened = try Repository.discover(startingAt: repo.path)
        let raw = try opened.rawCommit(try XCTUnwrap(ObjectID(hex: head)))
        XCTAssertEqual(Array(raw.prefix(5)), Array("tree ".utf8))
        XCTAssertEqual(String(decoding: raw, as: UTF8.self), expected)

        let blob = try XCTUnwrap(ObjectID(hex: try repo.git(["rev-parse", "HEAD:a.txt"])))
        XCTAssertThrowsError(try opened.rawCommit(blob))
    }

    func testReadingAMissingObjectFailsWithNotFound() throws {
        let repo = try TestRepository()
        try repo.commit("empty")
        let opened = try Repository.discover(startingAt: repo.path)
        let missing = try XCTUnwrap(ObjectID(hex: String(repeating: "1", count: 40)))
        XCTAssertThrowsError(try opened.commit(missing)) { error in
            XCTAssertEqual((error as? GitError)?.code, .notFound)
            XCTAssertTrue((error as? GitError)?.message.contains(missing.hex) ?? false, "\(error)")
        }
        XCTAssertThrowsError(try opened.blob(missing))
        XCTAssertThrowsError(try opened.files(inCommit: missing))
    }
}
