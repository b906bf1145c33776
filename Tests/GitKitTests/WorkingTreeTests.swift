import XCTest
import GitKit

final class WorkingTreeTests: XCTestCase {
    func testStagedContentAndDiskContentAreReadSeparately() throws {
        let repo = try TestRepository()
        try repo.write("config.yml", "version: 1\n")
        try repo.commit("initial")
        let opened = try Repository.discover(startingAt: repo.path)

        try repo.write("config.yml", "version: 2\n")
        try repo.git(["add", "config.yml"])
        try repo.write("config.yml", "version: 1\n")  // reverted on disk only

        let staged = try XCTUnwrap(try opened.indexFiles().files.first { $0.path == "config.yml" })
        XCTAssertEqual(try opened.blob(staged.oid), Array("version: 2\n".utf8))
        XCTAssertEqual(try opened.readWorkingTreeFile("config.yml"), Array("version: 1\n".utf8))
        XCTAssertEqual(try opened.workingTreeFiles(), ["config.yml"])
        XCTAssertEqual(try opened.stagedChangedPaths(against: opened.head()), ["config.yml"])
        XCTAssertEqual(try opened.unstagedChangedPaths(), ["config.yml"])
    }

    func testIndexIsRereadAfterStagingByAnotherProcess() throws {
        let repo = try TestRepository()
        try repo.write("a.txt", "a\n")
        try repo.commit("initial")
        let opened = try Repository.discover(startingAt: repo.path)
        XCTAssertEqual(try opened.indexFiles().files.map(\.path), ["a.txt"])

        try repo.write("b.txt", "b\n")
        try repo.git(["add", "b.txt"])
        XCTAssertEqual(try opened.indexFiles().files.map(\.path), ["a.txt", "b.txt"])
    }

    func testWorkingTreeListsUntrackedButNotIgnoredOrDeletedFiles() throws {
        let repo = try TestRepository()
        try repo.write(".gitignore", "build/\n*.log\n")
        try repo.write("kept.txt", "kept\n")
        try repo.write("gone.txt", "gone\n")
        try repo.write("dir/tracked.txt", "t\n")
        try repo.commit("initial")

        try repo.delete("gone.txt")
        try repo.write("new.txt", "new\n")
        try repo.write("fresh/deep/nested.txt", "nested\n")
        try repo.write("debug.log", "ignored\n")
        try repo.write("build/output.bin", "ignored\n")
        try repo.write("dir/also.log", "ignored\n")

        let opened = try Repository.discover(startingAt: repo.path)
        XCTAssertEqual(try opened.workingTreeFiles(),
                       [".gitignore", "dir/tracked.txt", "fresh/deep/nested.txt", "kept.txt", "new.txt"])
        XCTAssertEqual(try opened.unstagedChangedPaths(), ["fresh/deep/nested.txt", "gone.txt", "new.txt"])
        XCTAssertThrowsError(try opened.readWorkingTreeFile("gone.txt")) { error in
            XCTAssertEqual((error as? GitError)?.code, .notFound)
        }
    }

    func testUntrackedNestedRepositoryIsNotListedAsFiles() throws {
        let repo = try TestRepository()
        try repo.write("a.txt", "a\n")
        try repo.commit("initial")
        try repo.write("inner/x.txt", "x\n")
        try repo.git(["-C", "inner", "init", "-q"])

        let opened = try Repository.discover(startingAt: repo.path)
        XCTAssertEqual(try opened.workingTreeFiles(), ["a.txt"])
    }

    func testTrackedFileReplacedByADirectoryListsTheDirectoryContents() throws {
        let repo = try TestRepository()
        try repo.write("thing", "file\n")
        try repo.write("other.txt", "o\n")
        try repo.commit("initial")
        try repo.delete("thing")
        try repo.write("thing/inner.txt", "now a directory\n")

        let opened = try Repository.discover(startingAt: repo.path)
        XCTAssertEqual(try opened.workingTreeFiles(), ["other.txt", "thing/inner.txt"])
        XCTAssertEqual(try opened.readWorkingTreeFile("thing/inner.txt"), Array("now a directory\n".utf8))
    }

    func testConflictedPathsAreReported() throws {
        let repo = try TestRepository()
        try repo.write("shared.txt", "base\n")
        try repo.commit("base")
        try repo.git(["checkout", "-q", "-b", "other"])
        try repo.write("shared.txt", "other\n")
        try repo.commit("other side")
        try repo.git(["checkout", "-q", "main"])
        try repo.write("shared.txt", "main\n")
        try repo.commit("main side")
        XCTAssertThrowsError(try repo.git(["merge", "-q", "other"]))

        let opened = try Repository.discover(startingAt: repo.path)
        let snapshot = try opened.indexFiles()
        XCTAssertEqual(snapshot.conflicted, ["shared.txt"])
        XCTAssertEqual(snapshot.files, [])
        XCTAssertEqual(try opened.workingTreeFiles(), ["shared.txt"])
    }

    func testReadingRefusesPathsThatLeaveTheWorkingDirectory() throws {
        let repo = try TestRepository()
        try repo.write("docs/readme.txt", "inside\n")
        try repo.commit("initial")
        let outside = try TestRepository()
        try outside.write("secret.txt", "secret\n")
        try FileManager.default.createSymbolicLink(atPath: repo.path + "/escape", withDestinationPath: outside.path)
        try FileManager.default.createSymbolicLink(
            atPath: repo.path + "/secret-link", withDestinationPath: outside.path + "/secret.txt")

        let opened = try Repository.discover(startingAt: repo.path)
        XCTAssertEqual(try opened.readWorkingTreeFile("docs/readme.txt"), Array("inside\n".utf8))
        XCTAssertEqual(try opened.readWorkingTreeFile("./docs/readme.txt"), Array("inside\n".utf8))
        for path in ["../secret.txt", "docs/../../secret.txt", "/etc/passwd", "", "escape/secret.txt", "docs"] {
            XCTAssertThrowsError(try opened.readWorkingTreeFile(path), "'\(path)' must be refused") { error in
                XCTAssertTrue((error as? GitError)?.message.contains("'\(path)'") ?? false, "\(error)")
            }
        }
        XCTAssertEqual(try opened.readWorkingTreeFile("secret-link"), Array((outside.path + "/secret.txt").utf8),
                       "a symlink reads as its target path, as git stores it, never as the target's content")
    }
}
