import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A temporary directory with a git repository and SSH keys, driven through the real `git` and
/// `ssh-keygen`. No user or system configuration leaks in: `HOME` is the sandbox,
/// `GIT_CONFIG_NOSYSTEM=1`, and no ssh-agent is reachable. Removed in `deinit`.
final class SigningSandbox {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The result of running a command.
    struct Output {
        var status: Int32
        var stdout: [UInt8]
        var stderr: String

        var text: String {
            var text = String(decoding: stdout, as: UTF8.self)
            while text.hasSuffix("\n") { text.removeLast() }
            return text
        }
    }

    /// A key pair made by `ssh-keygen`, without passphrase.
    struct Key {
        var name: String
        var privatePath: String
        var publicPath: String
        /// The `.pub` file's content: `algorithm base64 comment`.
        var publicLine: String
    }

    let root: String
    let repository: String
    /// Seconds since the epoch for the next commit; every commit gets its own date.
    private(set) var clock = 1_732_000_000

    init() throws {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("tollgate-signatures-\(UUID().uuidString)")
        root = url.resolvingSymlinksInPath().path
        repository = root + "/repo"
        try FileManager.default.createDirectory(atPath: repository, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/keys", withIntermediateDirectories: true)
        try git(["init", "-q"])
    }

    deinit {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// `ssh-keygen -t <type> [-b bits]`; `nil` when this ssh-keygen refuses the key size.
    func makeKey(_ name: String, type: String, bits: Int? = nil) throws -> Key? {
        let path = root + "/keys/" + name
        var arguments = ["-q", "-t", type, "-N", "", "-C", name + "@tollgate.test", "-f", path]
        if let bits { arguments += ["-b", String(bits)] }
        let output = try run("/usr/bin/ssh-keygen", arguments)
        guard output.status == 0 else { return nil }
        let line = try String(contentsOfFile: path + ".pub", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return Key(name: name, privatePath: path, publicPath: path + ".pub", publicLine: line)
    }

    /// Runs git in the repository; throws unless it exits with 0.
    @discardableResult
    func git(_ arguments: [String], stdin: [UInt8]? = nil) throws -> String {
        let output = try gitOutput(arguments, stdin: stdin)
        guard output.status == 0 else {
            throw Failure(description: "git \(arguments.joined(separator: " ")) failed: \(output.stderr)")
        }
        return output.text
    }

    /// Runs git in the repository and returns whatever happened.
    func gitOutput(_ arguments: [String], stdin: [UInt8]? = nil) throws -> Output {
        try run(
            "/usr/bin/git",
            ["-C", repository, "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"] + arguments,
            stdin: stdin)
    }

    /// `git commit-tree`, signed by `key` through git itself when given; returns the new id.
    func commitTree(_ tree: String, parents: [String], message: String, signedBy key: Key?) throws -> String {
        clock += 60
        var arguments: [String] = []
        if let key {
            arguments += ["-c", "gpg.format=ssh", "-c", "user.signingkey=\(key.publicPath)", "commit-tree", "-S"]
        } else {
            arguments += ["commit-tree"]
        }
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
        let output = try gitOutput(["cat-file", "commit", id])
        guard output.status == 0 else { throw Failure(description: "cat-file \(id): \(output.stderr)") }
        return output.stdout
    }

    /// `ssh-keygen -Y sign -n <namespace>` over `message`: the armored signature, without the
    /// final newline.
    func sign(_ message: [UInt8], with key: Key, namespace: String, hashAlgorithm: String? = nil) throws -> String {
        var arguments = ["-Y", "sign", "-n", namespace, "-f", key.privatePath]
        if let hashAlgorithm { arguments += ["-O", "hashalg=" + hashAlgorithm] }
        let output = try run("/usr/bin/ssh-keygen", arguments, stdin: message)
        guard output.status == 0 else { throw Failure(description: "ssh-keygen -Y sign: \(output.stderr)") }
        return output.text
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

    /// Runs a program with the sandbox's environment (`git` gets `-C <repository>` from callers
    /// that need it; the working directory is the sandbox root).
    func run(_ executable: String, _ arguments: [String], stdin: [UInt8]? = nil) throws -> Output {
        var environment = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("GIT_") && !$0.key.hasPrefix("SSH_") && !$0.key.hasPrefix("GNUPG")
        }
        environment["HOME"] = root
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
        environment["GIT_AUTHOR_NAME"] = "Ada Lovelace"
        environment["GIT_AUTHOR_EMAIL"] = "ada@example.com"
        environment["GIT_COMMITTER_NAME"] = "Grace Hopper"
        environment["GIT_COMMITTER_EMAIL"] = "grace@example.com"
        environment["GIT_AUTHOR_DATE"] = "@\(clock) +0100"
        environment["GIT_COMMITTER_DATE"] = "@\(clock) -0500"
        environment["LC_ALL"] = "C"

        // Files rather than pipes: nothing can block on a full pipe, and no helper thread is needed.
        let base = root + "/io-" + UUID().uuidString
        try Data(stdin ?? []).write(to: URL(fileURLWithPath: base + ".in"))
        defer {
            for suffix in [".in", ".out", ".err"] { try? FileManager.default.removeItem(atPath: base + suffix) }
        }
        let status = try SigningSandbox.spawn(
            executable, arguments, environment: environment,
            stdin: base + ".in", stdout: base + ".out", stderr: base + ".err")
        let outData = (try? Data(contentsOf: URL(fileURLWithPath: base + ".out"))) ?? Data()
        let errData = (try? Data(contentsOf: URL(fileURLWithPath: base + ".err"))) ?? Data()
        return Output(status: status, stdout: Array(outData), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Starts a program with its standard streams redirected to files and waits for it.
    ///
    /// On Linux this uses `posix_spawn` directly: Foundation's `Process` takes about 40 ms per
    /// launch there, which would make the differential test (some 700 launches) slow.
    private static func spawn(
        _ executable: String, _ arguments: [String], environment: [String: String],
        stdin: String, stdout: String, stderr: String
    ) throws -> Int32 {
        #if os(Linux)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0.key + "=" + $0.value) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard rc == 0 else {
            throw Failure(description: "cannot start \(executable): error \(rc)")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw Failure(description: "waitpid failed: \(errno)") }
        }
        // WIFEXITED / WEXITSTATUS, which Swift does not import.
        return status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        #else
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        _ = FileManager.default.createFile(atPath: stdout, contents: nil)
        _ = FileManager.default.createFile(atPath: stderr, contents: nil)
        let handles = try [
            FileHandle(forReadingFrom: URL(fileURLWithPath: stdin)),
            FileHandle(forWritingTo: URL(fileURLWithPath: stdout)),
            FileHandle(forWritingTo: URL(fileURLWithPath: stderr)),
        ]
        defer { handles.forEach { try? $0.close() } }
        process.standardInput = handles[0]
        process.standardOutput = handles[1]
        process.standardError = handles[2]
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
        #endif
    }
}
