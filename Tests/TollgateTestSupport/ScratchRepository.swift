import Foundation

/// Who writes a commit.
public struct GitIdentity: Sendable, Equatable {
    public var name: String
    public var email: String

    public init(_ name: String, _ email: String) {
        self.name = name
        self.email = email
    }
}

/// A temporary directory holding a git repository, driven with the real `git` and
/// `ssh-keygen`; removed when the value goes away.
///
/// Every command runs hermetically: no system or global git configuration
/// (`GIT_CONFIG_NOSYSTEM=1`, `GIT_CONFIG_GLOBAL=/dev/null`, `HOME` is the scratch directory), no
/// `GIT_*`, `SSH_*` or `GNUPG*` variable of the test process (so no ssh-agent), `LC_ALL=C`.
/// With a `clock`, every commit gets its own fixed date (one minute after the previous one), so
/// history order never depends on how fast a test runs.
///
/// The test targets' sandboxes (`GitSandbox`, `ApprovalSandbox`, `TestRepository`,
/// `SigningSandbox`) are thin layers over this class.
open class ScratchRepository {
    /// Options every git invocation gets (before the caller's arguments, which may override them).
    public static let gitOptions = [
        "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", "-c", "init.defaultBranch=main",
        "-c", "core.autocrlf=false", "-c", "protocol.file.allow=always",
    ]

    /// The temporary directory, removed on deinit; also `HOME` of every command.
    public let directory: URL
    /// The start of the temporary directory's name.
    public let prefix: String
    /// The repository (its working tree, or the repository itself when bare): `directory/repo`.
    public let root: URL
    /// Where `makeKey` puts key pairs: `directory/keys`.
    public var keysDirectory: URL { directory.appendingPathComponent("keys") }

    /// Seconds since the epoch of the next commit's dates; `nil`: the real time.
    public var clock: Int?
    /// The time zones of the author and committer dates when there is a clock.
    public var authorZone: String
    public var committerZone: String
    /// The identities used when a call names none.
    public var author: GitIdentity
    /// `nil`: the committer is the author.
    public var committer: GitIdentity?

    /// How the repository directory starts.
    public enum Start {
        /// `git init -b main` (bare or not).
        case initialised(bare: Bool)
        /// No repository directory yet (for a script or `git clone` that creates it).
        case absent
    }

    public init(
        prefix: String = "tollgate", start: Start = .initialised(bare: false),
        author: GitIdentity = GitIdentity("Alice Doe", "alice@distilops.example"), committer: GitIdentity? = nil,
        clock: Int? = nil, authorZone: String = "+0000", committerZone: String = "+0000"
    ) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        // Compare against what libgit2 reports: symlinks (macOS /var → /private/var) resolved.
        directory = url.resolvingSymlinksInPath()
        self.prefix = prefix
        root = directory.appendingPathComponent("repo")
        self.author = author
        self.committer = committer
        self.clock = clock
        self.authorZone = authorZone
        self.committerZone = committerZone
        if case let .initialised(bare) = start {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            try runGit(bare ? ["init", "--bare", "-q", "-b", "main"] : ["init", "-q", "-b", "main"])
        }
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: Running commands

    /// The hermetic environment of every command, with these identities and the clock's dates.
    public func environment(author: GitIdentity? = nil, committer: GitIdentity? = nil) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("GIT_") && !$0.key.hasPrefix("SSH_") && !$0.key.hasPrefix("GNUPG")
        }
        let author = author ?? self.author
        let committer = committer ?? self.committer ?? author
        environment["HOME"] = directory.path
        environment["XDG_CONFIG_HOME"] = directory.appendingPathComponent(".config").path
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
        environment["LC_ALL"] = "C"
        environment["GIT_AUTHOR_NAME"] = author.name
        environment["GIT_AUTHOR_EMAIL"] = author.email
        environment["GIT_COMMITTER_NAME"] = committer.name
        environment["GIT_COMMITTER_EMAIL"] = committer.email
        if let clock {
            environment["GIT_AUTHOR_DATE"] = "@\(clock) \(authorZone)"
            environment["GIT_COMMITTER_DATE"] = "@\(clock) \(committerZone)"
        }
        return environment
    }

    /// Runs a program with the hermetic environment, in `directory` (default: the scratch
    /// directory), and returns whatever happened.
    public func run(
        _ executable: String, _ arguments: [String], in directory: URL? = nil, stdin: [UInt8]? = nil
    ) throws -> ProcessOutput {
        try ProcessRunner.run(executable, arguments, in: directory ?? self.directory,
                              environment: environment(), stdin: stdin)
    }

    /// Runs `git` in the repository and returns whatever happened.
    public func gitOutput(
        _ arguments: [String], author: GitIdentity? = nil, committer: GitIdentity? = nil, stdin: [UInt8]? = nil
    ) throws -> ProcessOutput {
        try ProcessRunner.run("/usr/bin/git", Self.gitOptions + arguments, in: root,
                              environment: environment(author: author, committer: committer), stdin: stdin)
    }

    /// Runs `git` in the repository; throws unless it exits with 0.
    @discardableResult
    public func runGit(
        _ arguments: [String], author: GitIdentity? = nil, committer: GitIdentity? = nil, stdin: [UInt8]? = nil
    ) throws -> ProcessOutput {
        let output = try gitOutput(arguments, author: author, committer: committer, stdin: stdin)
        guard output.status == 0 else {
            throw TestSupportError("git \(arguments.joined(separator: " ")) failed: \(output.stderr)")
        }
        return output
    }

    /// Moves the clock one minute on (no effect without a clock).
    public func tick() {
        clock = clock.map { $0 + 60 }
    }

    /// Stages (everything, `paths`, or nothing) and commits, signed with `key` when given; the
    /// clock moves on first. Returns the new commit's full id.
    @discardableResult
    public func makeCommit(
        _ message: String, staging: Staging = .all, author: GitIdentity? = nil, committer: GitIdentity? = nil,
        signedBy key: SSHKey? = nil, allowEmpty: Bool = false
    ) throws -> String {
        switch staging {
        case .all: try runGit(["add", "-A"], author: author, committer: committer)
        case let .paths(paths): try runGit(["add", "--"] + paths, author: author, committer: committer)
        case .none: break
        }
        tick()
        try runGit(Self.signingOptions(key) + ["commit", "-q"] + (allowEmpty ? ["--allow-empty"] : []) + ["-m", message],
                   author: author, committer: committer)
        return try runGit(["rev-parse", "HEAD"]).text
    }

    public enum Staging {
        case all
        case paths([String])
        case none
    }

    /// `-c` options that make a commit (or merge, or tag) signed with `key` through git's own SSH
    /// signing; none for `nil`.
    public static func signingOptions(_ key: SSHKey?) -> [String] {
        guard let key else { return [] }
        return ["-c", "gpg.format=ssh", "-c", "user.signingkey=\(key.publicPath)", "-c", "commit.gpgsign=true"]
    }

    /// `git clone <arguments> file://<root>` into a new scratch repository (same identities and clock).
    public func clone(_ arguments: [String] = []) throws -> ScratchRepository {
        let clone = try ScratchRepository(
            prefix: prefix, start: .absent,
            author: author, committer: committer, clock: clock, authorZone: authorZone, committerZone: committerZone)
        let output = try ProcessRunner.run(
            "/usr/bin/git", Self.gitOptions + ["clone", "-q"] + arguments + ["file://" + root.path, clone.root.path],
            in: clone.directory, environment: clone.environment())
        guard output.status == 0 else { throw TestSupportError("git clone failed: \(output.stderr)") }
        return clone
    }

    // MARK: Files

    /// The URL of a path relative to the working tree.
    public func url(_ path: String) -> URL {
        root.appendingPathComponent(path)
    }

    /// Writes a file (creating directories), relative to the working tree.
    public func write(_ path: String, _ content: String) throws {
        try write(path, Data(content.utf8))
    }

    public func write(_ path: String, _ data: Data) throws {
        let url = url(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    public func read(_ path: String) throws -> String {
        try String(contentsOf: url(path), encoding: .utf8)
    }

    /// Replaces the first occurrence of `old` in a file.
    public func edit(_ path: String, replacing old: String, with new: String) throws {
        let text = try read(path)
        guard let range = text.range(of: old) else { throw TestSupportError("'\(old)' not found in \(path)") }
        try write(path, text.replacingCharacters(in: range, with: new))
    }

    /// Deletes a file from the working tree (not from the index).
    public func delete(_ path: String) throws {
        try FileManager.default.removeItem(at: url(path))
    }

    /// The 1-based line on which `needle` first appears in a file.
    public func line(of needle: String, in path: String) throws -> Int {
        let lines = try read(path).components(separatedBy: "\n")
        guard let index = lines.firstIndex(where: { $0.contains(needle) }) else {
            throw TestSupportError("'\(needle)' not found in \(path)")
        }
        return index + 1
    }

    // MARK: Fixture repositories

    /// A fixture's history script (`fixtures/<name>/history.sh`) run into the repository
    /// directory; the scratch repository must have started `.absent`.
    public func materialise(script relativePath: String, environment overrides: [String: String] = [:]) throws {
        let script = PolicyBinary.projectRoot.appendingPathComponent(relativePath).path
        let result = try ProcessRunner.run("/bin/bash", [script, root.path], in: directory,
                                           environment: ProcessRunner.inheritedEnvironment(overriding: overrides))
        guard result.status == 0 else {
            throw TestSupportError("\(relativePath) failed (\(result.status)): \(result.stderr)")
        }
    }
}
