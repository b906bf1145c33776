import Foundation
import GitKit
import XCTest

final class RawCommitTests: XCTestCase {
    private let tree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
    private let parentA = "1111111111111111111111111111111111111111"
    private let parentB = "2222222222222222222222222222222222222222"

    func testHeadersParentsPeopleAndMessageOfAMergeCommit() throws {
        let text = """
            tree \(tree)
            parent \(parentA)
            parent \(parentB)
            author Ada Lovelace <ada@example.com> 1732000000 +0100
            committer Grace Hopper <grace@example.com> 1732000060 -0530
            encoding ISO-8859-1
            mergetag object \(parentB)
             type commit
             tag v1

            Merge branch 'feature'

            Body line.

            """
        let commit = try RawCommit(parsing: Array(text.utf8))
        XCTAssertEqual(commit.tree, tree)
        XCTAssertEqual(commit.parents, [parentA, parentB])
        XCTAssertEqual(commit.authorLine, "Ada Lovelace <ada@example.com> 1732000000 +0100")
        XCTAssertEqual(commit.committerLine, "Grace Hopper <grace@example.com> 1732000060 -0530")
        XCTAssertEqual(commit.author.name, "Ada Lovelace")
        XCTAssertEqual(commit.author.email, "ada@example.com")
        XCTAssertEqual(commit.author.time.timeIntervalSince1970, 1_732_000_000)
        XCTAssertEqual(commit.author.offsetMinutes, 60)
        XCTAssertEqual(commit.committer.name, "Grace Hopper")
        XCTAssertEqual(commit.committer.offsetMinutes, -330)
        XCTAssertEqual(commit.headers.map(\.name), ["tree", "parent", "parent", "author", "committer", "encoding", "mergetag"])
        XCTAssertEqual(commit.headers.last?.value, "object \(parentB)\ntype commit\ntag v1")
        XCTAssertEqual(commit.message, "Merge branch 'feature'\n\nBody line.\n")
        XCTAssertNil(commit.signature)
        XCTAssertFalse(commit.isSigned)
        XCTAssertEqual(commit.signedPayload, Array(text.utf8), "an unsigned commit is its own payload")
    }

    func testSignatureBlockAndItsContinuationLinesAreRemovedByteForByte() throws {
        let head = "tree \(tree)\nparent \(parentA)\nauthor A <a@x> 1 +0000\ncommitter C <c@x> 2 +0000\n"
        let signature = "gpgsig -----BEGIN SSH SIGNATURE-----\n U1NIU0lH\n \n -----END SSH SIGNATURE-----\n"
        let tail = "mergetag object \(parentA)\n type commit\n\nmessage\n gpgsig indented in the message\n"
        let commit = try RawCommit(parsing: Array((head + signature + tail).utf8))
        XCTAssertEqual(commit.signature, "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n\n-----END SSH SIGNATURE-----")
        XCTAssertEqual(commit.signedPayload, Array((head + tail).utf8))
        XCTAssertEqual(commit.headers.map(\.name), ["tree", "parent", "author", "committer", "gpgsig", "mergetag"])
        XCTAssertEqual(commit.message, "message\n gpgsig indented in the message\n")
    }

    func testOtherFormatSignatureHeadersAreDroppedFromThePayloadButAreNotTheSignature() throws {
        let head = "tree \(tree)\nauthor A <a@x> 1 +0000\ncommitter C <c@x> 2 +0000\n"
        let sha256Signature = "gpgsig-sha256 -----BEGIN SSH SIGNATURE-----\n AAAA\n -----END SSH SIGNATURE-----\n"
        let bytes = Array((head + sha256Signature + "\nmsg\n").utf8)

        let sha1 = try RawCommit(parsing: bytes)
        XCTAssertNil(sha1.signature, "git ignores gpgsig-sha256 in a SHA-1 repository")
        XCTAssertEqual(sha1.signedPayload, Array((head + "\nmsg\n").utf8))

        // In a SHA-256 repository the roles swap (the tree id must then be 64 digits long).
        let tree256 = String(repeating: "ab", count: 32)
        let head256 = head.replacingOccurrences(of: tree, with: tree256)
        let commit256 = try RawCommit(
            parsing: Array((head256 + sha256Signature + "gpgsig old\n\nmsg\n").utf8), format: .sha256)
        XCTAssertEqual(commit256.signature, "-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----")
        XCTAssertEqual(commit256.signedPayload, Array((head256 + "\nmsg\n").utf8))
    }

    func testAGpgsigBlockInTheMessageDoesNotMakeACommitSigned() throws {
        let text = """
            tree \(tree)
            author A <a@x> 1 +0000
            committer C <c@x> 2 +0000

            Looks signed
            gpgsig -----BEGIN SSH SIGNATURE-----
             U1NIU0lH
             -----END SSH SIGNATURE-----

            """
        let commit = try RawCommit(parsing: Array(text.utf8))
        XCTAssertNil(commit.signature)
        XCTAssertEqual(commit.signedPayload, Array(text.utf8))
        XCTAssertEqual(commit.headers.count, 3)
        XCTAssertTrue(commit.message.hasPrefix("Looks signed\ngpgsig -----BEGIN"))
    }

    func testAGpgsigLineWithoutASpaceIsNotASignatureButIsStillRemoved() throws {
        // git only takes "gpgsig " as the signature; any other line starting with "gpgsig" is
        // treated as another format's signature and left out of the payload.
        let head = "tree \(tree)\nauthor A <a@x> 1 +0000\ncommitter C <c@x> 2 +0000\n"
        let commit = try RawCommit(parsing: Array((head + "gpgsig\n more\n\nm\n").utf8))
        XCTAssertNil(commit.signature)
        XCTAssertEqual(commit.signedPayload, Array((head + "\nm\n").utf8))
    }

    func testMalformedObjectsThrowWithAMessage() {
        let valid = "tree \(tree)\nauthor A <a@x> 1 +0000\ncommitter C <c@x> 2 +0000\n\nm\n"
        XCTAssertNoThrow(try RawCommit(parsing: Array(valid.utf8)))
        let cases: [(String, [UInt8])] = [
            ("empty", []),
            ("random bytes", (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }),
            ("no tree first", Array("author A <a@x> 1 +0000\ntree \(tree)\n\n".utf8)),
            ("short tree id", Array("tree abc\nauthor A <a@x> 1 +0000\ncommitter C <c@x> 2 +0000\n\n".utf8)),
            ("bad parent", Array("tree \(tree)\nparent zz\nauthor A <a@x> 1 +0000\ncommitter C <c@x> 2 +0000\n\n".utf8)),
            ("no author", Array("tree \(tree)\ncommitter C <c@x> 2 +0000\n\nm".utf8)),
            ("no committer", Array("tree \(tree)\nauthor A <a@x> 1 +0000\n\nm".utf8)),
            ("author without e-mail", Array("tree \(tree)\nauthor A 1 +0000\ncommitter C <c@x> 2 +0000\n\n".utf8)),
            ("unterminated header", Array("tree \(tree)\nauthor A <a@x> 1 +0000\ncommitter C <c@x> 2 +0000".utf8)),
            ("leading continuation", Array(" tree \(tree)\n\n".utf8)),
            ("bad timestamp", Array("tree \(tree)\nauthor A <a@x> x +0000\ncommitter C <c@x> 2 +0000\n\n".utf8)),
        ]
        for (name, bytes) in cases {
            XCTAssertThrowsError(try RawCommit(parsing: bytes), name) { error in
                guard let error = error as? GitError else { return XCTFail("\(name): \(error)") }
                XCTAssertEqual(error.code, .other(-1), name)
                XCTAssertTrue(error.message.hasPrefix("malformed commit object: "), "\(name): \(error.message)")
            }
        }
    }

    func testAuthorParsingFollowsLibgit2() throws {
        let repo = try TestRepository()
        try repo.write("a.txt", "a\n")
        let root = try repo.commit("root")
        try repo.write("a.txt", "b\n")
        let second = try repo.commit("second\n\nbody\n", author: ("  Émile  Zola ", "emile@example.com"))
        let opened = try Repository.discover(startingAt: repo.path)
        for id in [root, second] {
            let objectID = try XCTUnwrap(ObjectID(hex: id))
            let raw = try RawCommit(parsing: opened.rawCommit(objectID))
            let info = try opened.commit(objectID)
            XCTAssertEqual(raw.tree, info.tree.hex)
            XCTAssertEqual(raw.parents, info.parents.map(\.hex))
            XCTAssertEqual(raw.author, info.author)
            XCTAssertEqual(raw.committer, info.committer)
            XCTAssertEqual(raw.message, info.message)
        }
    }

    func testSignedPayloadOfARealSignedCommitIsWhatGitPrintsWithoutTheSignature() throws {
        let repo = try TestRepository()
        let key = try repo.makeKey("test")
        try repo.write("a.txt", "a\n")
        try repo.git(["add", "-A"])
        let tree = try repo.git(["write-tree"])
        let parent = try repo.commit("root")
        let signed = try repo.git([
            "-c", "gpg.format=ssh", "-c", "user.signingkey=\(key.publicPath)",
            "commit-tree", "-S", "-p", parent, "-m", "signed\n\ngpgsig looks like a header\n", tree,
        ])
        let printed = try repo.git(["cat-file", "commit", signed]) + "\n"
        // Remove the "gpgsig" line and every continuation line after it.
        var expected: [String] = []
        var inSignature = false
        var inHeaders = true
        for line in printed.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            if line.isEmpty { inHeaders = false }
            if inHeaders && line.hasPrefix("gpgsig ") {
                inSignature = true
                continue
            }
            if inSignature && line.hasPrefix(" ") { continue }
            inSignature = false
            expected.append(String(line))
        }
        let opened = try Repository.discover(startingAt: repo.path)
        let raw = try RawCommit(parsing: opened.rawCommit(try XCTUnwrap(ObjectID(hex: signed))))
        XCTAssertEqual(raw.signedPayload, Array((expected.joined(separator: "\n") + "\n").utf8))
        XCTAssertNotEqual(raw.signedPayload.count, Array(printed.utf8).count)
        let signature = try XCTUnwrap(raw.signature)
        XCTAssertTrue(signature.hasPrefix("-----BEGIN SSH SIGNATURE-----\n"))
        XCTAssertTrue(signature.hasSuffix("\n-----END SSH SIGNATURE-----"))
        XCTAssertEqual(raw.parents, [parent])
        XCTAssertEqual(raw.message, "signed\n\ngpgsig looks like a header\n")
    }
}
