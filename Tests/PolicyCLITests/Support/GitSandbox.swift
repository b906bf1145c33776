import Foundation
import TollgateTestSupport
import XCTest

/// The PolicyCLI tests' repository: a `ScratchRepository` (hermetic git, files; see
/// TollgateTestSupport) with the real `policy` binary run against it.
final class GitSandbox: ScratchRepository {
    typealias Result = ProcessOutput

    /// The Tollgate source tree (for fixtures/ and policies/).
    static var projectRoot: URL { PolicyBinary.projectRoot }

    /// The `policy` executable built next to the test bundle.
    static var policyBinary: URL { PolicyBinary.url }

    /// An empty repository on branch main.
    init() throws {
        try super.init(prefix: "tollgate")
    }

    private init(absent: Void) throws {
        try super.init(prefix: "tollgate", start: .absent)
    }

    /// A fixture repository materialised by its history script (`fixtures/<name>/history.sh`).
    static func fixture(_ script: String, environment: [String: String] = [:]) throws -> GitSandbox {
        let sandbox = try GitSandbox(absent: ())
        try sandbox.materialise(script: script, environment: environment)
        return sandbox
    }

    /// The DistilOps demo, materialised by its history script.
    static func demo() throws -> GitSandbox {
        try fixture("fixtures/distilops/history.sh")
    }

    // MARK: git

    @discardableResult
    func git(_ arguments: String...) throws -> String {
        try git(arguments)
    }

    /// Runs git with `author` as author and committer; stdout trimmed of surrounding whitespace.
    @discardableResult
    func git(_ arguments: [String], author: String = "Alice Doe", email: String = "alice@distilops.example") throws -> String {
        try runGit(arguments, author: GitIdentity(author, email)).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func commitAll(_ message: String, author: String = "Alice Doe", email: String = "alice@distilops.example") throws {
        try makeCommit(message, author: GitIdentity(author, email))
    }

    // MARK: policy

    /// Runs the real `policy` binary in `directory` (default: the repository root).
    func policy(_ arguments: String..., in directory: String? = nil, environment: [String: String] = [:]) throws -> Result {
        try policy(arguments, in: directory, environment: environment)
    }

    func policy(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]) throws -> Result {
        try PolicyBinary.run(arguments, in: directory.map { root.appendingPathComponent($0) } ?? root, environment: environment)
    }

    /// Runs a program in `directory` with the test process's environment (without `NO_COLOR`)
    /// plus `environment`.
    static func run(_ executable: String, _ arguments: [String], in directory: URL,
                    environment: [String: String] = [:]) throws -> Result {
        try ProcessRunner.run(executable, arguments, in: directory,
                              environment: ProcessRunner.inheritedEnvironment(overriding: environment))
    }
}

typealias SandboxError = TestSupportError

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
