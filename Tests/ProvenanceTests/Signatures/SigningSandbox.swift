import Foundation
import TollgateTestSupport
import XCTest

/// A temporary directory with a git repository and SSH keys, driven through the real `git` and
/// `ssh-keygen` (a `ScratchRepository` of TollgateTestSupport: no user or system configuration
/// leaks in, no ssh-agent is reachable). Removed when it goes away.
final class SigningSandbox {
    typealias Failure = TestSupportError
    /// The result of running a command.
    typealias Output = ProcessOutput
    /// A key pair made by `ssh-keygen`, without passphrase.
    typealias Key = SSHKey

    private let scratch: ScratchRepository
    /// The sandbox directory (holding `repo`, `keys` and the allowed signers file).
    let root: String
    let repository: String
    /// Seconds since the epoch for the next commit; every commit gets its own date.
    var clock: Int { scratch.clock ?? 0 }

    init() throws {
        scratch = try ScratchRepository(
            prefix: "tollgate-signatures", author: GitIdentity("Ada Lovelace", "ada@example.com"),
            committer: GitIdentity("Grace Hopper", "grace@example.com"),
            clock: 1_732_000_000, authorZone: "+0100", committerZone: "-0500")
        root = scratch.directory.path
        repository = scratch.root.path
    }

    /// `ssh-keygen -t <type> [-b bits]`; `nil` when this ssh-keygen refuses the key size.
    func makeKey(_ name: String, type: String, bits: Int? = nil) throws -> Key? {
        try scratch.makeKeyIfSupported(name, type: type, bits: bits, comment: name + "@tollgate.test")
    }

    /// Runs git in the repository; throws unless it exits with 0.
    @discardableResult
    func git(_ arguments: [String], stdin: [UInt8]? = nil) throws -> String {
        try scratch.runGit(arguments, stdin: stdin).text
    }

    /// Runs git in the repository and returns whatever happened.
    func gitOutput(_ arguments: [String], stdin: [UInt8]? = nil) throws -> Output {
        try scratch.gitOutput(arguments, stdin: stdin)
    }

    /// `git commit-tree`, signed by `key` through git itself when given; returns the new id.
    func commitTree(_ tree: String, parents: [String], message: String, signedBy key: Key?) throws -> String {
        scratch.tick()
        var arguments = ScratchRepository.signingOptions(key) + ["commit-tree"] + (key == nil ? [] : ["-S"])
        for parent in parents { arguments += ["-p", parent] }
        arguments += ["-m", message, tree]
        return try git(arguments)
    }

    /// Writes raw bytes as a commit object (`git hash-object -t commit -w --stdin`).
    func writeCommit(_ bytes: [UInt8]) throws -> String {
        try git(["hash-object", "-t", "commit", "-w", "--stdin"], stdin: bytes)
    }

    /// `git cat-file commit <id>`: the raw object bytes.
    func rawCommit(_ id: String) throws -> [UInt8] {
        try scratch.runGit(["cat-file", "commit", id]).stdoutBytes
    }

    /// `ssh-keygen -Y sign -n <namespace>` over `message`: the armored signature, without the
    /// final newline.
    func sign(_ message: [UInt8], with key: Key, namespace: String, hashAlgorithm: String? = nil) throws -> String {
        try scratch.sign(message, with: key, namespace: namespace, hashAlgorithm: hashAlgorithm)
    }

    /// `git verify-commit` with an allowed signers file naming `allowed`: exit status 0 means valid.
    func gitVerifies(_ id: String, allowedSignersFile: String) throws -> Bool {
        let output = try gitOutput([
            "-c", "gpg.format=ssh", "-c", "gpg.ssh.allowedSignersFile=\(allowedSignersFile)",
            "verify-commit", id,
        ])
        return output.status == 0
    }

    /// Writes an allowed signers file (`<principal> <public key>` lines) and returns its path.
    func writeAllowedSigners(_ keys: [Key]) throws -> String {
        let path = root + "/allowed_signers"
        let lines = keys.map { "\($0.name)@tollgate.test \($0.publicLine)" }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Runs a program with the sandbox's environment, in the sandbox directory.
    func run(_ executable: String, _ arguments: [String], stdin: [UInt8]? = nil) throws -> Output {
        try scratch.run(executable, arguments, stdin: stdin)
    }
}
