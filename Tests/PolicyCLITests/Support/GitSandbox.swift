import Foundation
import XCTest

/// A real git repository in a temporary directory, driven with the real `git` CLI, and
/// the real `policy` binary run against it. Removed when the sandbox goes away.
final class GitSandbox {
    let root: URL
    private let cleanup: URL

    /// The Tollgate source tree (for fixtures/ and policies/).
    static let projectRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The `policy` executable built next to the test bundle.
    static var policyBinary: URL {
        let candidates = [Bundle.main.bundleURL] + Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
        for directory in candidates {
            let url = directory.appendingPathComponent("policy")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return projectRoot.appendingPathComponent(".build/debug/policy")
    }

    /// An empty repository on branch main.
    init() throws {
        cleanup = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-\(UUID().uuidString)")
        root = cleanup.appendingPathComponent("repo")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try git("init", "-q", "-b", "main")
    }

    /// The DistilOps demo, materialised by its history script.
    static func demo() throws -> GitSandbox {
        let sandbox = try GitSandbox(empty: ())
        let script = projectRoot.appendingPathComponent("fixtures/distilops/history.sh").path
        let result = try Self.run("/bin/bash", [script, sandbox.root.path], in: sandbox.cleanup)
        guard result.status == 0 else {
            throw SandboxError("history.sh failed (\(result.status)): \(result.stderr)")
        }
        return sandbox
    }

    private init(empty: Void) throws {
        cleanup = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-\(UUID().uuidString)")
        root = cleanup.appendingPathComponent("repo")
        try FileManager.default.createDirectory(at: cleanup, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: cleanup)
    }

    // MARK: Files

    func write(_ path: String, _ content: String) throws {
        try write(path, Data(content.utf8))
    }

    func write(_ path: String, _ data: Data) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    func read(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// Replaces the first occurrence of `old` in a file.
    func edit(_ path: String, replacing old: String, with new: String) throws {
        let text = try read(path)
        guard let range = text.range(of: old) else { throw SandboxError("'\(old)' not found in \(path)") }
        try write(path, text.replacingCharacters(in: range, with: new))
    }

    /// The 1-based line on which `needle` first appears in a file.
    func line(of needle: String, in path: String) throws -> Int {
        let lines = try read(path).components(separatedBy: "\n")
        guard let index = lines.firstIndex(where: { $0.contains(needle) }) else {
            throw SandboxError("'\(needle)' not found in \(path)")
        }
        return index + 1
    }

    // MARK: git

    @discardableResult
    func git(_ arguments: String...) throws -> String {
        try git(arguments)
    }

    @discardableResult
    func git(_ arguments: [String], author: String = "Alice Doe", email: String = "alice@distilops.example") throws -> String {
        let environment = [
            "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": email,
            "GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": email,
            "GIT_CONFIG_NOSYSTEM": "1", "HOME": cleanup.path,
        ]
        let result = try Self.run("/usr/bin/git", ["-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"] + arguments,
                                  in: root, environment: environment)
        guard result.status == 0 else {
            throw SandboxError("git \(arguments.joined(separator: " ")) failed: \(result.stderr)")
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func commitAll(_ message: String, author: String = "Alice Doe", email: String = "alice@distilops.example") throws {
        try git(["add", "-A"], author: author, email: email)
        try git(["commit", "-q", "-m", message], author: author, email: email)
    }

    // MARK: policy

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the real `policy` binary in `directory` (default: the repository root).
    func policy(_ arguments: String..., in directory: String? = nil, environment: [String: String] = [:]) throws -> Result {
        try policy(arguments, in: directory, environment: environment)
    }

    func policy(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]) throws -> Result {
        let cwd = directory.map { root.appendingPathComponent($0) } ?? root
        return try Self.run(Self.policyBinary.path, arguments, in: cwd, environment: environment)
    }

    static func run(_ executable: String, _ arguments: [String], in directory: URL,
                    environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "NO_COLOR")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes before waiting, so a large output cannot fill a pipe and stall.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}

struct SandboxError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension GitSandbox.Result {
    /// stdout with every run of whitespace (including the text report's line wraps) turned
    /// into one space, so a wrapped message still reads as one sentence.
    var flat: String {
        stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
    }

    /// The parsed JSON report (for `--format json`).
    func json(file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8))
        return try XCTUnwrap(object as? [String: Any], "stdout is not a JSON object: \(stdout)", file: file, line: line)
    }
}
