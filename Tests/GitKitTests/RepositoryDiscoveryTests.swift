import XCTest
import GitKit

final class RepositoryDiscoveryTests: XCTestCase {
    func testDiscoversTheRepositoryFromANestedSubdirectory() throws {
        let repo = try TestRepository()
        try repo.write("a/b/c/file.txt", "x\n")
        try repo.commit("initial")

        let opened = try Repository.discover(startingAt: repo.path + "/a/b/c")
        XCTAssertEqual(opened.workingDirectory, repo.path)
        XCTAssertEqual(opened.gitDirectory, repo.path + "/.git")
        XCTAssertFalse(opened.isBare)
        XCTAssertFalse(opened.isShallow)
    }

    func testNotARepositoryErrorNamesThePath() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("gitkit-not-a-repo-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        XCTAssertThrowsError(try Repository.discover(startingAt: directory)) { error in
            let gitError = error as? GitError
            XCTAssertEqual(gitError?.code, .notARepository)
            XCTAssertEqual(gitError?.message, "not a git repository (or any parent directory): \(directory)")
            XCTAssertEqual(gitError?.localizedDescription, gitError?.message)
        }
    }

    func testRepositoryOwnedByAnotherUserIsRefusedWithAHint() throws {
        try XCTSkipUnless(getuid() == 0, "changing a directory's owner needs root")
        let repo = try TestRepository()
        try repo.commit("initial")
        let nobody: UInt32 = 65534
        for directory in [repo.path, repo.path + "/.git"] {
            try FileManager.default.setAttributes([.ownerAccountID: nobody], ofItemAtPath: directory)
        }
        defer {
            for directory in [repo.path, repo.path + "/.git"] {
                try? FileManager.default.setAttributes([.ownerAccountID: 0], ofItemAtPath: directory)
            }
        }

        XCTAssertThrowsError(try Repository.discover(startingAt: repo.path)) { error in
            let gitError = error as? GitError
            XCTAssertEqual(gitError?.code, .other(-36), "not reported as 'not a git repository'")
            XCTAssertTrue(gitError?.message.contains("safe.directory") ?? false, "\(error)")
        }
    }

    func testBareRepositoryHasNoWorkingDirectory() throws {
        let repo = try TestRepository(bare: true)
        let opened = try Repository.discover(startingAt: repo.path)
        XCTAssertTrue(opened.isBare)
        XCTAssertNil(opened.workingDirectory)
        XCTAssertEqual(opened.gitDirectory, repo.path)
        XCTAssertThrowsError(try opened.workingTreeFiles()) { error in
            XCTAssertTrue((error as? GitError)?.message.contains("bare") ?? false, "\(error)")
        }
        XCTAssertThrowsError(try opened.readWorkingTreeFile("a.txt"))
        XCTAssertThrowsError(try opened.unstagedChangedPaths())
        XCTAssertNil(try opened.head(), "a fresh bare repository is unborn")
        XCTAssertEqual(try opened.indexFiles().files, [], "a bare repository has an empty index")
    }

    func testShallowCloneIsReportedAsShallow() throws {
        let origin = try TestRepository()
        try origin.write("a.txt", "1\n")
        try origin.commit("one")
        try origin.write("a.txt", "2\n")
        try origin.commit("two")
        try origin.write("a.txt", "3\n")
        let tip = try origin.commit("three")

        let shallow = try origin.clone(["--depth", "1"])
        let opened = try Repository.discover(startingAt: shallow.path)
        XCTAssertTrue(opened.isShallow)
        XCTAssertEqual(try opened.head()?.hex, tip)
        let info = try opened.commit(try XCTUnwrap(ObjectID(hex: tip)))
        XCTAssertEqual(info.parents.count, 1, "the boundary commit still names its (absent) parent")
        XCTAssertFalse(opened.commitExists(info.parents[0].hex))
        XCTAssertEqual(try opened.commits(from: nil, to: try XCTUnwrap(ObjectID(hex: tip))).map(\.hex), [tip],
                       "the walk stops at the shallow boundary instead of failing on the missing parent")
        XCTAssertThrowsError(try opened.commits(from: info.parents[0], to: try XCTUnwrap(ObjectID(hex: tip)))) { error in
            XCTAssertTrue((error as? GitError)?.message.contains("shallow") ?? false, "\(error)")
        }

        let full = try origin.clone()
        XCTAssertFalse(try Repository.discover(startingAt: full.path).isShallow)
    }
}
