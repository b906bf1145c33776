import XCTest
import GitKit

/// `changes(from:to:)` compares trees itself (skipping unchanged directories); it must list
/// exactly the paths libgit2's own diff lists, with the blobs the trees hold.
final class TreeComparisonTests: XCTestCase {
    func testChangesAgreeWithLibgit2DiffAndCarryTheBlobs() throws {
        let repo = try TestRepository()
        try repo.write("a.txt", "a\n")
        try repo.write("a.yaml", "x: 1\n")
        try repo.write("dir/keep.yaml", "same\n")
        try repo.write("dir/edit.yaml", "v1\n")
        try repo.write("dir/deep/gone.yaml", "bye\n")
        try repo.write("becomes-dir", "file first\n")
        try repo.write("z/last.txt", "z\n")
        let first = try repo.commit("first")
        try repo.write("dir/edit.yaml", "v2\n")
        try repo.delete("dir/deep/gone.yaml")
        try repo.delete("becomes-dir")
        try repo.write("becomes-dir/inside.yaml", "now a directory\n")
        try repo.write("dir-2/new.yaml", "added beside dir\n")
        try repo.write("a-b.txt", "sorts between a.txt and a/\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: repo.path + "/a.txt")
        let second = try repo.commit("second")

        let opened = try Repository.discover(startingAt: repo.path)
        for (from, to) in [(nil, first), (first, second), (second, first), (second, second)] as [(String?, String)] {
            let old = try from.map { try XCTUnwrap(ObjectID(hex: $0)) }
            let new = try XCTUnwrap(ObjectID(hex: to))
            let changes = try opened.changes(from: old, to: new)
            XCTAssertEqual(changes.map(\.path), try opened.changedPaths(from: old, to: new), "\(from ?? "empty") → \(to)")
            for change in changes {
                XCTAssertEqual(change.new, try opened.blobID(atPath: change.path, inCommit: new), change.path)
                if let old {
                    XCTAssertEqual(change.old, try opened.blobID(atPath: change.path, inCommit: old), change.path)
                } else {
                    XCTAssertNil(change.old)
                }
            }
        }
        let modes = try opened.changes(from: ObjectID(hex: first), to: XCTUnwrap(ObjectID(hex: second)))
        let chmod = try XCTUnwrap(modes.first { $0.path == "a.txt" })
        XCTAssertEqual(chmod.oldMode, 0o100644)
        XCTAssertEqual(chmod.newMode, 0o100755)
        XCTAssertEqual(chmod.old, chmod.new, "a mode change keeps the blob")
    }
}
