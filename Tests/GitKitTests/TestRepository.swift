import Foundation
import TollgateTestSupport
import XCTest

/// A throwaway git repository built with the real `git` command line (a `ScratchRepository`
/// of TollgateTestSupport), removed when it goes away.
///
/// Every commit gets a distinct, deterministic date (one minute after the previous one), so history
/// order never depends on how fast the test runs. The author is Ada Lovelace (+0200) unless told
/// otherwise, the committer Grace Hopper (-0500).
final class TestRepository {
    typealias Failure = TestSupportError

    /// The directory holding the repository (its working tree, or the repository itself when bare).
    let path: String
    private let scratch: ScratchRepository

    /// Creates an empty repository (`git init -b main`).
    convenience init(bare: Bool = false) throws {
        try self.init(scratch: ScratchRepository(
            prefix: "gitkit-tests", start: .initialised(bare: bare),
            author: GitIdentity("Ada Lovelace", "ada@example.com"),
            committer: GitIdentity("Grace Hopper", "grace@example.com"),
            clock: 1_700_000_000, authorZone: "+0200", committerZone: "-0500"))
    }

    private init(scratch: ScratchRepository) {
        self.scratch = scratch
        path = scratch.root.path
    }

    /// `git clone <args> file://<self> <new dir>`, e.g. `["--depth", "1"]` for a shallow clone.
    func clone(_ arguments: [String] = []) throws -> TestRepository {
        let clone = try scratch.clone(arguments)
        clone.clock = 1_700_000_000
        return TestRepository(scratch: clone)
    }

    /// Runs git in the repository and returns its standard output without the trailing newline.
    @discardableResult
    func git(_ arguments: [String], author: (name: String, email: String)? = nil) throws -> String {
        try scratch.runGit(arguments, author: author.map { GitIdentity($0.name, $0.email) }).text
    }

    /// Runs git with `stdin` as its standard input; returns its standard output without the trailing newline.
    @discardableResult
    func git(_ arguments: [String], stdin: String) throws -> String {
        try scratch.runGit(arguments, stdin: Array(stdin.utf8)).text
    }

    /// Writes a file (creating directories), relative to the working tree.
    func write(_ relativePath: String, _ content: String) throws {
        try scratch.write(relativePath, content)
    }

    /// Deletes a file from the working tree (not from the index).
    func delete(_ relativePath: String) throws {
        try scratch.delete(relativePath)
    }

    /// An ed25519 key pair made by `ssh-keygen`, outside the working tree.
    func makeKey(_ name: String) throws -> SSHKey {
        try scratch.makeKey(name, type: "ed25519")
    }

    /// Stages everything and commits; returns the new commit's full id.
    @discardableResult
    func commit(
        _ message: String,
        author: (name: String, email: String) = ("Ada Lovelace", "ada@example.com"),
        stageAll: Bool = true
    ) throws -> String {
        try scratch.makeCommit(message, staging: stageAll ? .all : .none,
                               author: GitIdentity(author.name, author.email), allowEmpty: true)
    }
}
