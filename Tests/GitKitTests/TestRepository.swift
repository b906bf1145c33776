import Foundation
import XCTest

/// A throwaway git repository built with the real `git` command line, removed in `deinit`.
///
/// Every commit gets a distinct, deterministic date (one minute after the previous one), so history
/// order never depends on how fast the test runs.
final class TestRepository {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The directory holding the repository (its working tree, or the repository itself when bare).
    let path: String
    /// The temporary directory removed on deinit; `path` is inside it.
    private let sandbox: String
    private var clock = 1_700_000_000

    /// Creates an empty repository (`git init -b main`).
    init(bare: Bool = false) throws {
        sandbox = try TestRepository.makeTemporaryDirectory()
        path = sandbox + "/repo"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try git(bare ? ["init", "--bare", "-q"] : ["init", "-q"])
    }

    /// Wraps an existing directory inside `sandbox` (used for clones).
    private init(sandbox: String, path: String) {
        self.sandbox = sandbox
        self.path = path
    }

    deinit {
        try? FileManager.default.removeItem(atPath: sandbox)
    }

    /// `git clone <args> file://<self> <new dir>`, e.g. `["--depth", "1"]` for a shallow clone.
    func clone(_ arguments: [String] = []) throws -> TestRepository {
        let sandbox = try TestRepository.makeTemporaryDirectory()
        let target = sandbox + "/clone"
        try TestRepository.run(["clone", "-q"] + arguments + ["file://" + path, target], in: sandbox, date: clock)
        return TestRepository(sandbox: sandbox, path: target)
    }

    /// Runs git in the repository and returns its standard output without the trailing newline.
    @discardableResult
    func git(_ arguments: [String], author: (name: String, email: String)? = nil) throws -> String {
        try TestRepository.run(arguments, in: path, date: clock, author: author)
    }

    /// Writes a file (creating directories), relative to the working tree.
    func write(_ relativePath: String, _ content: String) throws {
        let url = URL(fileURLWithPath: path + "/" + relativePath)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(content.utf8).write(to: url)
    }

    /// Deletes a file from the working tree (not from the index).
    func delete(_ relativePath: String) throws {
        try FileManager.default.removeItem(atPath: path + "/" + relativePath)
    }

    /// Stages everything and commits; returns the new commit's full id.
    @discardableResult
    func commit(
        _ message: String,
        author: (name: String, email: String) = ("Ada Lovelace", "ada@example.com"),
        stageAll: Bool = true
    ) throws -> String {
        if stageAll {
            try git(["add", "-A"])
        }
        clock += 60
        try git(["commit", "-q", "--allow-empty", "-m", message], author: author)
        return try git(["rev-parse", "HEAD"])
    }

    private static func makeTemporaryDirectory() throws -> String {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("gitkit-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        // Compare against what libgit2 reports: symlinks (macOS /var → /private/var) resolved.
        return url.resolvingSymlinksInPath().path
    }

    @discardableResult
    private static func run(
        _ arguments: [String], in directory: String, date: Int,
        author: (name: String, email: String)? = nil
    ) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        process.arguments = [
            "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false",
            "-c", "init.defaultBranch=main", "-c", "core.autocrlf=false",
            "-c", "protocol.file.allow=always",
        ] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GIT_") }
        environment["HOME"] = directory
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_AUTHOR_NAME"] = author?.name ?? "Ada Lovelace"
        environment["GIT_AUTHOR_EMAIL"] = author?.email ?? "ada@example.com"
        environment["GIT_COMMITTER_NAME"] = "Grace Hopper"
        environment["GIT_COMMITTER_EMAIL"] = "grace@example.com"
        environment["GIT_AUTHOR_DATE"] = "@\(date) +0200"
        environment["GIT_COMMITTER_DATE"] = "@\(date) -0500"
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "git \(arguments.joined(separator: " ")) failed: "
                + String(decoding: errData, as: UTF8.self))
        }
        var text = String(decoding: outData, as: UTF8.self)
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
