import Foundation
import TollgateTestSupport
import XCTest

/// Damaged repositories (issue 12): a truncated or missing object, and a notes ref that points
/// at a blob or a tree. Each command must end with exit 2 and a message that names what is
/// damaged (or a located blocking finding), quickly: never a hang, never a crash.
///
/// The demo's objects are loose (the history script never packs), so cutting a loose object
/// file in half is exactly the damage libgit2 1.5 used to loop forever on (libgit2 issue 7342).
final class DamagedRepositoryTests: XCTestCase {
    /// The watchdog's limit in these runs. The damage must be reported by the object reader,
    /// long before the watchdog would fire: every run must end well within this.
    static let watchdogSeconds = 8.0

    // MARK: Truncated objects

    func testTruncatedHeadCommitEndsEveryCommandWithExit2NamingTheObject() throws {
        let demo = try GitSandbox.demo()
        let head = try demo.git("rev-parse", "HEAD")
        try demo.truncateLooseObject(head)

        for arguments in [["check", "--staged"], ["check"], ["check", "--rev", "HEAD"], ["check", "--base", "HEAD~1"],
                          ["audit"], ["digest", GitSandbox.request, "--rev", "HEAD"], ["explain", GitSandbox.request]] {
            let result = try demo.boundedPolicy(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stdout)\n\(result.stderr)")
            XCTAssertTrue(result.stderr.contains("object \(head) is damaged"), "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("truncated"), "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("git fsck"), "\(arguments): \(result.stderr)")
            XCTAssertFalse(result.stderr.contains("has not returned"), "the object reader, not the watchdog, must catch it: \(result.stderr)")
        }
    }

    func testTruncatedHeadCommitGivenByAbbreviatedIdIsReportedNotHung() throws {
        let demo = try GitSandbox.demo()
        let head = try demo.git("rev-parse", "HEAD")
        try demo.truncateLooseObject(head)
        let result = try demo.boundedPolicy(["check", "--rev", String(head.prefix(10))])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("object \(head) is damaged"), result.stderr)
    }

    func testTruncatedBlobOfADocumentIsReportedInEveryCommittedMode() throws {
        let demo = try GitSandbox.demo()
        let path = "runs/fraud-student/run-8812.yaml"
        let blob = try demo.git("rev-parse", "HEAD:\(path)")
        try demo.truncateLooseObject(blob)

        for arguments in [["check", "--rev", "HEAD"], ["check", "--base", "HEAD~3"], ["audit"],
                          ["digest", GitSandbox.request, "--rev", "HEAD"], ["explain", GitSandbox.request, "--rev", "HEAD"]] {
            let result = try demo.boundedPolicy(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stdout)\n\(result.stderr)")
            XCTAssertTrue(result.stderr.contains("object \(blob) is damaged"), "\(arguments): \(result.stderr)")
        }
        // The working tree and the index hold the same content under the same id: the staged
        // check reads the blob, the working-tree check the file on disk.
        let staged = try demo.boundedPolicy(["check", "--staged", "--all"])
        XCTAssertTrue(staged.status == 2 && staged.stderr.contains("object \(blob) is damaged"), staged.stdout + staged.stderr)
        let working = try demo.boundedPolicy(["check"])
        XCTAssertTrue([1, 2].contains(working.status), working.stdout + working.stderr)
    }

    func testTruncatedTreeIsReportedInEveryMode() throws {
        let demo = try GitSandbox.demo()
        let tree = try demo.git("rev-parse", "HEAD:runs/fraud-student")
        try demo.truncateLooseObject(tree)

        for arguments in [["check", "--staged"], ["check", "--rev", "HEAD"], ["check", "--base", "HEAD~3"], ["audit"],
                          ["digest", GitSandbox.request, "--rev", "HEAD"], ["explain", GitSandbox.request, "--rev", "HEAD"]] {
            let result = try demo.boundedPolicy(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stdout)\n\(result.stderr)")
            XCTAssertTrue(result.stderr.contains("object \(tree) is damaged"), "\(arguments): \(result.stderr)")
        }
    }

    // MARK: An object whose content is another object's

    /// libgit2's strict hash verification is off (it was 42 % of a pull request's check);
    /// GitKit hashes what it uses as evidence itself. A loose object file that inflates cleanly
    /// but holds another object's content (a run's blob replaced by another run's) must still
    /// be refused, in every committed mode, never read as the other content.
    func testLooseBlobHoldingAnotherObjectsContentIsRefusedInEveryMode() throws {
        let demo = try GitSandbox.demo()
        let blob = try demo.git("rev-parse", "HEAD:runs/fraud-student/run-8812.yaml")
        let other = try demo.git("rev-parse", "HEAD:models/fraud-student/card.yaml")
        try? FileManager.default.removeItem(at: demo.root.appendingPathComponent(".git/tollgate"))
        let target = demo.looseObject(blob)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: target.path)
        try Data(contentsOf: demo.looseObject(other)).write(to: target)

        for arguments in [["check", "--staged", "--all"], ["check", "--rev", "HEAD"], ["check", "--base", "HEAD~3"], ["audit"],
                          ["digest", GitSandbox.request, "--rev", "HEAD"], ["explain", GitSandbox.request, "--rev", "HEAD"]] {
            let result = try demo.boundedPolicy(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stdout)\n\(result.stderr)")
            XCTAssertTrue(result.stderr.contains("object \(blob) is damaged") && result.stderr.contains("does not match its id"),
                          "\(arguments): \(result.stderr)")
        }
    }

    /// The same substitution inside a pack: every object of the repository repacked whole into
    /// one pack whose entry for the run's blob holds the card's content (the pack and its index
    /// written by a short script, as `git index-pack` would never write them). The blob is
    /// evidence, so GitKit hashes it even though libgit2 no longer does.
    func testPackedBlobHoldingAnotherObjectsContentIsRefused() throws {
        let demo = try GitSandbox.demo()
        let blob = try demo.git("rev-parse", "HEAD:runs/fraud-student/run-8812.yaml")
        let other = try demo.git("rev-parse", "HEAD:models/fraud-student/card.yaml")
        _ = try demo.git("repack", "-a", "-d", "-q")
        _ = try demo.git("prune-packed")
        try? FileManager.default.removeItem(at: demo.root.appendingPathComponent(".git/tollgate"))
        let python = try ProcessRunner.run("/usr/bin/env", ["python3", "-c", Self.substitutingRepack, blob, other], in: demo.root)
        XCTAssertEqual(python.status, 0, python.stderr)
        XCTAssertEqual(try demo.git("cat-file", "-t", blob), "blob")

        for arguments in [["check", "--rev", "HEAD"], ["check", "--base", "HEAD~3"], ["audit"], ["digest", GitSandbox.request, "--rev", "HEAD"]] {
            let result = try demo.boundedPolicy(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stdout)\n\(result.stderr)")
            XCTAssertTrue(result.stderr.contains("object \(blob) is damaged") && result.stderr.contains("does not match its id"),
                          "\(arguments): \(result.stderr)")
        }
    }

    /// Rewrites the repository's one pack with every object whole (no deltas), the first
    /// argument's entry holding the second's content, and writes its version-2 index.
    static let substitutingRepack = #"""
import glob, hashlib, os, struct, subprocess, sys, zlib
target, source = sys.argv[1], sys.argv[2]
ids = subprocess.run(["git", "cat-file", "--batch-all-objects", "--batch-check=%(objectname) %(objecttype)"],
                     capture_output=True, text=True, check=True).stdout.split("\n")
objects = [line.split() for line in ids if line]
codes = {"commit": 1, "tree": 2, "blob": 3, "tag": 4}
def content(oid, kind):
    return subprocess.run(["git", "cat-file", kind, oid], capture_output=True, check=True).stdout
body, entries = b"", []
for oid, kind in objects:
    data = content(source if oid == target else oid, kind)
    size, header = len(data), b""
    byte = (codes[kind] << 4) | (size & 15); size >>= 4
    while size:
        header += bytes([byte | 0x80]); byte = size & 0x7f; size >>= 7
    header += bytes([byte])
    record = header + zlib.compress(data)
    entries.append((bytes.fromhex(oid), 12 + len(body), zlib.crc32(record)))
    body += record
pack = b"PACK" + struct.pack(">II", 2, len(objects)) + body
pack += hashlib.sha1(pack).digest()
entries.sort()
fanout = [0] * 256
for oid, _, _ in entries:
    for i in range(oid[0], 256): fanout[i] += 1
idx = b"\377tOc" + struct.pack(">I", 2) + b"".join(struct.pack(">I", n) for n in fanout)
idx += b"".join(e[0] for e in entries) + b"".join(struct.pack(">I", e[2]) for e in entries)
idx += b"".join(struct.pack(">I", e[1]) for e in entries) + pack[-20:]
idx += hashlib.sha1(idx).digest()
for old in glob.glob(".git/objects/pack/pack-*"): os.remove(old)
name = ".git/objects/pack/pack-" + pack[-20:].hex()
open(name + ".pack", "wb").write(pack)
open(name + ".idx", "wb").write(idx)
"""#

    // MARK: A missing object

    func testMissingBlobGivesExit2NamingItWhereverItIsRead() throws {
        let demo = try GitSandbox.demo()
        let path = "runs/fraud-student/run-8812.yaml"
        let blob = try demo.git("rev-parse", "HEAD:\(path)")
        let workingTree = [["check"], ["explain", GitSandbox.request], ["digest", GitSandbox.request]]
        let before = try workingTree.map { try demo.boundedPolicy($0) }
        // The local stores keep readings by blob id: a warm store would answer without the
        // blob. The damage is what is tested here, not the stores.
        try? FileManager.default.removeItem(at: demo.root.appendingPathComponent(".git/tollgate"))
        try FileManager.default.removeItem(at: demo.looseObject(blob))

        for arguments in [["check", "--staged"], ["check", "--staged", "--all"], ["check", "--rev", "HEAD"], ["check", "--base", "HEAD~3"],
                          ["audit"], ["explain", GitSandbox.request, "--rev", "HEAD"], ["explain", GitSandbox.request, "--staged"],
                          ["digest", GitSandbox.request, "--rev", "HEAD"], ["digest", GitSandbox.request, "--staged"]] {
            let result = try demo.boundedPolicy(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stdout)\n\(result.stderr)")
            XCTAssertTrue(result.stderr.contains("cannot read blob \(blob): object not found"), "\(arguments): \(result.stderr)")
        }
        // The working tree still holds the file, so these may answer; but never more leniently
        // than before the damage (the history walk behind `check` reads the blob: today it
        // treats the unreadable history as empty, which only makes rules fail closed).
        for (arguments, earlier) in zip(workingTree, before) {
            let result = try demo.boundedPolicy(arguments)
            XCTAssertTrue([earlier.status, 1, 2].contains(result.status) && result.status >= earlier.status,
                          "\(arguments): \(result.status) after \(earlier.status): \(result.stderr)")
            if arguments[0] == "digest" {
                XCTAssertEqual(result.stdout, earlier.stdout, "the working tree's digest needs no object")
            }
        }
    }

    // MARK: A notes ref that is not a commit

    func testAuditWithNotesRefOnABlobWarnsAndShowsTheTimelineEveryTime() throws {
        let demo = try GitSandbox.demo()
        let blob = try demo.git("hash-object", "-w", "README.md")
        try demo.git("update-ref", "refs/notes/tollgate", blob)
        // libgit2 1.5's notes iterator freed an uninitialized pointer here: a crash about
        // every other run. Twenty runs catch it with near certainty.
        for run in 1...20 {
            let result = try demo.boundedPolicy(["audit"])
            XCTAssertEqual(result.status, 0, "run \(run): \(result.stderr)")
            XCTAssertTrue(result.stdout.contains("request-created"), "run \(run): \(result.stdout)")
            XCTAssertTrue(result.stderr.contains("policy: warning: recorded verdicts left out: refs/notes/tollgate points to a blob (\(blob))"),
                          "run \(run): \(result.stderr)")
        }
    }

    func testAuditWithNotesRefOnATreeWarns() throws {
        let demo = try GitSandbox.demo()
        let tree = try demo.git("rev-parse", "HEAD^{tree}")
        try demo.git("update-ref", "refs/notes/tollgate", tree)
        for run in 1...5 {
            let result = try demo.boundedPolicy(["audit"])
            XCTAssertEqual(result.status, 0, "run \(run): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("refs/notes/tollgate points to a tree (\(tree))"), "run \(run): \(result.stderr)")
        }
    }

    func testRecordRefusesToReplaceANotesRefThatIsNotACommit() throws {
        let demo = try GitSandbox.demo()
        let blob = try demo.git("hash-object", "-w", "README.md")
        try demo.git("update-ref", "refs/notes/tollgate", blob)
        let result = try demo.boundedPolicy(["check", "--rev", "HEAD", "--record"])
        XCTAssertEqual(result.status, 2, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.contains("refs/notes/tollgate points to a blob (\(blob)), not to a commit of notes"), result.stderr)
        XCTAssertEqual(try demo.git("rev-parse", "refs/notes/tollgate"), blob, "the blob is left where it was")
    }

    func testRecordStillWorksOnTopOfExistingNotes() throws {
        let demo = try GitSandbox.demo()
        try demo.git("notes", "--ref=tollgate", "add", "-m", "{\"verdict\": \"pass\"}", "HEAD~1")
        let before = try demo.git("rev-parse", "refs/notes/tollgate")
        let result = try demo.boundedPolicy(["check", "--rev", "HEAD", "--record"])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertEqual(try demo.git("rev-parse", "refs/notes/tollgate^"), before, "the new notes commit follows the old one")
        XCTAssertTrue(try demo.git("notes", "--ref=tollgate", "show", "HEAD").contains("\"verdict\""))
        XCTAssertEqual(try demo.git("notes", "--ref=tollgate", "show", "HEAD~1"), "{\"verdict\": \"pass\"}")
        let audit = try demo.boundedPolicy(["audit"])
        XCTAssertTrue(audit.stdout.contains("verdict recorded: block") && audit.stdout.contains("verdict recorded: pass"), audit.stdout)
        XCTAssertEqual(audit.stderr, "")
    }
}

extension GitSandbox {
    /// The loose object file of `hex`.
    func looseObject(_ hex: String) -> URL {
        root.appendingPathComponent(".git/objects/\(hex.prefix(2))/\(hex.dropFirst(2))")
    }

    /// Cuts the loose object file of `hex` to half its compressed bytes.
    func truncateLooseObject(_ hex: String) throws {
        let url = looseObject(hex)
        let data = try Data(contentsOf: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: url.path)
        try data.prefix(data.count / 2).write(to: url)
    }

    /// Runs the real binary with the watchdog set to `DamagedRepositoryTests.watchdogSeconds`,
    /// and fails (killing it) when it has not ended within that time.
    func boundedPolicy(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> Result {
        let limit = DamagedRepositoryTests.watchdogSeconds
        let result = try PolicyBinary.run(arguments, in: root, environment: ["TOLLGATE_GIT_TIMEOUT": String(limit * 2)],
                                          timeout: TimeInterval(limit))
        if result.timedOut {
            XCTFail("policy \(arguments.joined(separator: " ")) did not end within \(limit) s", file: file, line: line)
        }
        return result
    }
}
