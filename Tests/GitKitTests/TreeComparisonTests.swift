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

    /// Seeded: 40 commits of random changes over names that sort around each other in git's
    /// order ("a", "a-", "a.b", "a0", a directory "a/", files becoming directories and back,
    /// symlinks, executable bits), and a few changes a round in a directory of 300 files. Every pair of consecutive commits and 40 random pairs must
    /// give exactly what `git diff-tree -r --raw` gives: paths, blobs and modes.
    func testRawComparisonAgreesWithGitDiffTreeOnRandomHistories() throws {
        let repo = try TestRepository()
        var generator = SeededGenerator(seed: 0x7011_6a7e)
        let names = ["a", "a-", "a.b", "a0", "b", "a/x", "a/y/z", "a-/q", "dir/deep/f", "dir/g", "dir-/h", "é", "z z"]
        var commits: [String] = []
        // A large directory where a few entries change per round: most of its bytes are the
        // same on both sides (the comparison skips the common start and end of a tree).
        for index in 0..<300 { try repo.write(String(format: "big/f%03d.yaml", index), "v0\n") }
        for round in 0..<40 {
            for _ in 0..<Int(generator.next() % 3) {
                let big = String(format: "big/f%03d.yaml", Int(generator.next() % 300))
                if generator.next() % 4 == 0 {
                    try? FileManager.default.removeItem(atPath: repo.path + "/" + big)
                } else {
                    try repo.write(big, "v\(round)\n")
                }
            }
            for _ in 0..<(1 + Int(generator.next() % 4)) {
                let name = names[Int(generator.next() % UInt64(names.count))]
                let full = repo.path + "/" + name
                switch generator.next() % 5 {
                case 0:
                    try? FileManager.default.removeItem(atPath: full)
                case 1:
                    try? FileManager.default.removeItem(atPath: full)
                    try? FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                    try? FileManager.default.createSymbolicLink(atPath: full, withDestinationPath: "target-\(round)")
                case 2:
                    if FileManager.default.fileExists(atPath: full) {
                        try? FileManager.default.setAttributes([.posixPermissions: generator.next() % 2 == 0 ? 0o755 : 0o644], ofItemAtPath: full)
                    }
                default:
                    // A file where a directory was (or the other way round) is replaced.
                    var isDirectory: ObjCBool = false
                    if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), isDirectory.boolValue {
                        try FileManager.default.removeItem(atPath: full)
                    }
                    try? repo.write(name, "content \(generator.next() % 3)\n")
                }
            }
            _ = try repo.git(["add", "-A"])
            _ = try repo.git(["commit", "-q", "--allow-empty", "-m", "round \(round)"])
            commits.append(try repo.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let opened = try Repository.discover(startingAt: repo.path)
        var pairs = zip(commits, commits.dropFirst()).map { ($0, $1) }
        for _ in 0..<40 {
            pairs.append((commits[Int(generator.next() % 40)], commits[Int(generator.next() % 40)]))
        }
        for (from, to) in pairs {
            let ours = try opened.changes(from: XCTUnwrap(ObjectID(hex: from)), to: XCTUnwrap(ObjectID(hex: to)))
                .map { "\($0.path) \($0.old?.hex ?? "-") \($0.new?.hex ?? "-") \($0.oldMode.map { String($0, radix: 8) } ?? "-") \($0.newMode.map { String($0, radix: 8) } ?? "-")" }
                .sorted()
            let raw = try repo.git(["diff-tree", "-r", "--raw", "--no-renames", "-z", "--no-abbrev", from, to])
            var theirs: [String] = []
            let fields = raw.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
            var index = 0
            while index + 1 < fields.count, fields[index].hasPrefix(":") {
                let parts = fields[index].dropFirst().split(separator: " ").map(String.init)
                let zero = String(repeating: "0", count: 40)
                let oldMode = parts[0] == "000000" ? "-" : String(parts[0].drop { $0 == "0" })
                let newMode = parts[1] == "000000" ? "-" : String(parts[1].drop { $0 == "0" })
                theirs.append("\(fields[index + 1]) \(parts[2] == zero ? "-" : parts[2]) \(parts[3] == zero ? "-" : parts[3]) \(oldMode) \(newMode)")
                index += 2
            }
            XCTAssertEqual(ours, theirs.sorted(), "\(from) → \(to)")
        }
    }
}
