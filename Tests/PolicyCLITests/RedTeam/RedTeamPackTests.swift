import Foundation
import TollgateTestSupport
import XCTest

/// Policy packs tried the way an attacker or an unlucky user would (docs/packs.md): credentials
/// in a source URL, a hand-edited lock, end-of-line conversion, a vendored directory replaced
/// by a symbolic link, refs that are not commits, trees with `..`.
final class RedTeamPackTests: XCTestCase, VendoredPackHelpers {
    typealias Source = VendoredPackTests.PackSource
    static let lock = VendoredPackTests.lock
    static let vendored = VendoredPackTests.vendored
    var packs: RedTeamPackTests { self }

    func packFindings(_ result: GitSandbox.Result) throws -> [[String: Any]] {
        try packs.findings(result, rule: "pack/lock")
    }

    func messages(_ findings: [[String: Any]]) -> String {
        findings.map { "\(packs.location($0["location"])) \($0["message"] as? String ?? "")" }.joined(separator: "\n")
    }

    // MARK: - Credentials

    /// A token written into a source URL was printed by `pack update` (twice), `pack list` and
    /// `check`: CI logs are read by more people than the Config is.
    func testASourceURLsCredentialsAreNeverPrinted() throws {
        let source = try Source()
        let demo = try packs.consumer(source)
        XCTAssertEqual(try demo.policy("pack", "update").status, 0)
        let secret = "https://ci-bot:s3cr3t-t0ken@127.0.0.1:9/acme.git"
        try packs.nameThePack(in: demo, source: secret, ref: "v1")

        let update = try demo.policy("pack", "update")
        XCTAssertEqual(update.status, 2, update.stdout + update.stderr)
        XCTAssertTrue(update.stderr.contains("policy pack 'acme' cannot be fetched from 'https://***@127.0.0.1:9/acme.git'"), update.stderr)
        let list = try demo.policy("pack", "list")
        XCTAssertEqual(list.status, 1, list.stdout + list.stderr)
        XCTAssertTrue(list.stdout.contains("acme: https://***@127.0.0.1:9/acme.git @ v1"), list.stdout)
        let check = try demo.policy("check", "--format", "json")
        XCTAssertEqual(check.status, 1, check.stdout + check.stderr)
        XCTAssertTrue(messages(try packFindings(check)).contains("asks for source 'https://***@127.0.0.1:9/acme.git'"), check.stdout)
        for output in [update.stdout, update.stderr, list.stdout, list.stderr, check.stdout, check.stderr,
                       try demo.policy("check").stdout, try demo.policy("check", "--format", "markdown").stdout] {
            XCTAssertFalse(output.contains("s3cr3t"), output)
        }
    }

    // MARK: - A lock edited by hand

    func testALockThatPinsAPackOrAFileTwiceIsDamaged() throws {
        let source = try Source()
        let demo = try packs.consumer(source)
        XCTAssertEqual(try demo.policy("pack", "update").status, 0)
        let lock = try demo.read(Self.lock)
        let entry = String(lock[lock.range(of: "  - name:")!.lowerBound...])

        // A second entry for acme: one reader would take the first, another the second.
        try demo.write(Self.lock, lock + entry.replacingOccurrences(of: "commit: \"", with: "commit: \"0"))
        let twice = try demo.policy("check", "--format", "json")
        XCTAssertEqual(twice.status, 1, twice.stdout + twice.stderr)
        let second = try demo.line(of: "  - name:", in: Self.lock) + entry.split(separator: "\n").count
        let twiceFound = messages(try packFindings(twice))
        XCTAssertTrue(twiceFound.contains("\(Self.lock):\(second):5 \(Self.lock) is damaged: policy pack 'acme' is pinned twice (first at line 5)"), twiceFound)
        XCTAssertEqual(try packs.findings(twice, rule: VendoredPackTests.rule).count, 0, "no rule of an unverified pack judges")

        // A file listed twice.
        let line = lock.split(separator: "\n").first { $0.contains("acme-serving.yaml") }!
        try demo.write(Self.lock, lock.replacingOccurrences(of: line, with: line + "\n" + line))
        let file = try demo.policy("check", "--format", "json")
        XCTAssertEqual(file.status, 1, file.stdout + file.stderr)
        let fileFound = messages(try packFindings(file))
        XCTAssertTrue(fileFound.contains("'acme-serving.yaml' is listed twice for policy pack 'acme'"), fileFound)

        // `pack update` repairs it.
        XCTAssertEqual(try demo.policy("pack", "update").status, 0)
        XCTAssertEqual(try demo.read(Self.lock), lock)
    }

    // MARK: - End-of-line conversion

    /// A pack written on Windows (CRLF) vendored into a repository with `* text=auto`: git
    /// stored the file with LF, so every commit differed from the lock — `--rev` and `--base`
    /// blocked every pull request for a tampering nobody did, while the working tree passed.
    func testCRLFPackFilesUnderTextAutoGiveOneVerdictInEveryMode() throws {
        let source = try Source()
        try source.author.write("policies/README.md", "ACME policy pack\r\nwritten on Windows\r\n")
        try source.author.write("policies/acme-serving.yaml", VendoredPackTests.policy(max: 10))
        try source.author.makeCommit("ACME pack: CRLF readme")
        try source.author.runGit(["tag", "crlf"])
        try source.author.runGit(["push", "-q", source.bare.root.path, "crlf"])
        let demo = try packs.consumer(source, ref: "crlf")
        try demo.write(".gitattributes", "* text=auto\n")
        try demo.commitSigned("Normalise line endings", as: "dana")
        XCTAssertEqual(try demo.policy("pack", "update").status, 0)
        XCTAssertEqual(try demo.read("policies/vendor/.gitattributes").contains("* -text -filter -ident"), true)
        try demo.commitSigned("Vendor the ACME pack", as: "dana")
        XCTAssertEqual(try demo.git("show", "HEAD:policies/vendor/acme/README.md"), "ACME policy pack\r\nwritten on Windows",
                       "stored byte for byte")
        try demo.write("README.md", "DistilOps\n")
        try demo.commitSigned("An unrelated change on top", as: "alice")
        for mode in [[], ["--staged", "--all"], ["--rev", "HEAD"], ["--base", "HEAD~1", "--all"]] {
            let check = try demo.policy(["check", "--format", "json"] + mode)
            let found = try packFindings(check)
            XCTAssertEqual(found.count, 0, "\(mode): \(messages(found))")
            XCTAssertEqual(try packs.findings(check, rule: VendoredPackTests.rule).count, 1, "\(mode): the pack's rule applies: \(check.stdout)")
        }

        // A repository that checks text out with CRLF: the vendored files stay as pinned.
        try demo.write(".gitattributes", "* text eol=crlf\n")
        try demo.commitSigned("CRLF checkouts", as: "dana")
        try demo.delete(Self.vendored)
        try demo.git("checkout", "--", Self.vendored)
        XCTAssertFalse(try demo.read(Self.vendored).contains("\r\n"))
        XCTAssertEqual(try packFindings(try demo.policy("check", "--format", "json")).count, 0)

        // The attributes file is the update's, like the lock: removed with the last pack.
        var config = try demo.read(".tollgate.yaml")
        config = String(config[..<config.range(of: "\n  packs:")!.lowerBound]) + "\n"
        try demo.write(".tollgate.yaml", config)
        XCTAssertEqual(try demo.policy("pack", "update").status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: demo.url("policies/vendor").path))
    }

    // MARK: - The vendored directory

    /// The vendored directory replaced by a symbolic link to a loosened copy elsewhere in the
    /// working tree: the working tree does not follow it (nor does `pack update` write through it).
    func testAVendoredDirectoryReplacedByASymbolicLinkBlocksInTheWorkingTree() throws {
        let source = try Source()
        let demo = try packs.consumer(source)
        XCTAssertEqual(try demo.policy("pack", "update").status, 0)
        try demo.commitSigned("Vendor the ACME pack v1", as: "dana")
        try demo.write("elsewhere/acme-serving.yaml", VendoredPackTests.policy(max: 100))
        try demo.write("elsewhere/README.md", "ACME policy pack\n")
        try FileManager.default.removeItem(at: demo.url("policies/vendor/acme"))
        try FileManager.default.createSymbolicLink(atPath: demo.url("policies/vendor/acme").path, withDestinationPath: "../../elsewhere")

        let check = try demo.policy("check", "--format", "json")
        XCTAssertEqual(check.status, 1, check.stdout + check.stderr)
        let found = messages(try packFindings(check))
        XCTAssertTrue(found.contains("\(Self.vendored) of policy pack 'acme' is missing"), found)
        XCTAssertEqual(try packs.findings(check, rule: VendoredPackTests.rule).count, 0, "the loosened copy is not read as the pack")

        let update = try demo.policy("pack", "update")
        XCTAssertEqual(update.status, 2, update.stdout + update.stderr)
        XCTAssertTrue(update.stderr.contains("policies/vendor/acme is not a directory (a symbolic link or a file)"), update.stderr)
        XCTAssertEqual(try demo.read("elsewhere/acme-serving.yaml"), VendoredPackTests.policy(max: 100), "nothing written through the link")
    }

    /// `policy pack update` replaced the vendored directory whole: a policy the user had written
    /// there (untracked: gone for good) and a hand edit were discarded, and the pack reported
    /// "unchanged". It refuses instead, naming them, and writes nothing.
    func testUpdateRefusesToDiscardLocalChangesInTheVendoredDirectory() throws {
        let source = try Source()
        let demo = try packs.consumer(source)
        XCTAssertEqual(try demo.policy("pack", "update").status, 0)
        try demo.commitSigned("Vendor the ACME pack v1", as: "dana")
        let mine = VendoredPackTests.policy(max: 99).replacingOccurrences(of: "name: acme-serving", with: "name: mine")
        try demo.write("policies/vendor/acme/mine.yaml", mine)
        try demo.edit(Self.vendored, replacing: "max: 10", with: "max: 11")

        let update = try demo.policy("pack", "update")
        XCTAssertEqual(update.status, 2, update.stdout + update.stderr)
        XCTAssertTrue(update.stderr.contains("\(Self.vendored), policies/vendor/acme/mine.yaml are not what \(Self.lock) pins: `policy pack update` replaces the vendored directory and would lose them"),
                      update.stderr)
        XCTAssertTrue(update.stderr.contains("nothing was written"), update.stderr)
        XCTAssertEqual(try demo.read("policies/vendor/acme/mine.yaml"), mine)
        XCTAssertTrue(try demo.read(Self.vendored).contains("max: 11"))

        // Moved out and restored: the update goes through (and a missing vendored file is restored).
        try demo.delete("policies/vendor/acme/mine.yaml")
        try demo.write("policies/mine.yaml", mine)
        try demo.git("checkout", "--", Self.vendored)
        try demo.delete("policies/vendor/acme/README.md")
        let again = try demo.policy("pack", "update")
        XCTAssertEqual(again.status, 0, again.stdout + again.stderr)
        XCTAssertEqual(try demo.read("policies/vendor/acme/README.md"), "ACME policy pack\n")
    }

    // MARK: - Refs and trees

    /// A tag of a tree or a blob is no commit; an annotated tag of an annotated tag is peeled to
    /// its commit; a tree with a `..` entry (made with mktree) is refused, writing nothing.
    func testRefsThatAreNotCommitsAndTreesWithDotDotAreRefused() throws {
        let source = try Source()
        let author = source.author
        try author.runGit(["tag", "tree-tag", "v1^{tree}"])
        try author.runGit(["tag", "blob-tag", "v1:policies/README.md"])
        try author.runGit(["tag", "-a", "inner", "-m", "inner", "v1"])
        try author.runGit(["tag", "-a", "outer", "-m", "outer", "inner"])
        let blob = try author.runGit(["hash-object", "-w", "--stdin"], stdin: Array("evil\n".utf8)).text
        let inside = try author.runGit(["mktree"], stdin: Array("100644 blob \(blob)\tx.yaml\n".utf8)).text
        let dotdot = try author.runGit(["mktree", "--missing"], stdin: Array("040000 tree \(inside)\t..\n100644 blob \(blob)\tok.md\n".utf8)).text
        let root = try author.runGit(["mktree"], stdin: Array("040000 tree \(dotdot)\tpolicies\n".utf8)).text
        let commit = try author.runGit(["commit-tree", root, "-m", "dot-dot"]).text
        try author.runGit(["tag", "dotdot", commit])
        try author.runGit(["push", "-q", source.bare.root.path, "tree-tag", "blob-tag", "inner", "outer", "dotdot"])

        let demo = try packs.consumer(source, ref: "tree-tag")
        for ref in ["tree-tag", "blob-tag"] {
            try packs.nameThePack(in: demo, source: source.path, ref: ref)
            let update = try demo.policy("pack", "update")
            XCTAssertEqual(update.status, 2, update.stdout + update.stderr)
            XCTAssertTrue(update.stderr.contains("ref '\(ref)' of policy pack 'acme' does not resolve"), update.stderr)
        }
        try packs.nameThePack(in: demo, source: source.path, ref: "dotdot")
        let refused = try demo.policy("pack", "update")
        XCTAssertEqual(refused.status, 2, refused.stdout + refused.stderr)
        XCTAssertTrue(refused.stderr.contains("'../x.yaml' has an empty, '.', '..' or '.git' segment; nothing was written"), refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: demo.url("policies/vendor").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: demo.url("policies/x.yaml").path))

        try packs.nameThePack(in: demo, source: source.path, ref: "outer")
        let peeled = try demo.policy("pack", "update")
        XCTAssertEqual(peeled.status, 0, peeled.stdout + peeled.stderr)
        XCTAssertTrue(try demo.read(Self.lock).contains("commit: \"\(try source.commit(of: "v1"))\""))
    }
}
