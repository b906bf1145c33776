import Foundation
import XCTest

/// Tollgate before a commit: through the pre-commit framework (the hook manifest, and a real
/// `pre-commit install` whose hook stops a blocking commit) and through the plain git hook
/// of `policy hook install`.
final class PreCommitTests: XCTestCase {
    static let manifest = GitSandbox.projectRoot.appendingPathComponent(".pre-commit-hooks.yaml")
    static let request = "requests/fraud-student-2.1.0-production.yaml"

    // MARK: Helpers

    /// The pre-commit command: the one on PATH, else the cached virtual environment's.
    func preCommit() throws -> [String] {
        if let onPath = PythonTools.which("pre-commit") { return [onPath] }
        return [try PythonTools.ensureVenv().appendingPathComponent("bin/python").path, "-m", "pre_commit"]
    }

    /// The environment git and pre-commit run with: no global or system configuration, the
    /// pre-commit cache inside the sandbox.
    func environment(_ sandbox: GitSandbox) -> [String: String] {
        let home = sandbox.root.deletingLastPathComponent()
        return ["HOME": home.path, "GIT_CONFIG_NOSYSTEM": "1",
                "PRE_COMMIT_HOME": home.appendingPathComponent("pre-commit-cache").path,
                "GIT_AUTHOR_NAME": "Dana Kowalski", "GIT_AUTHOR_EMAIL": "dana@distilops.example",
                "GIT_COMMITTER_NAME": "Dana Kowalski", "GIT_COMMITTER_EMAIL": "dana@distilops.example"]
    }

    /// `git commit` with the hooks enabled; the result, whatever it is.
    func commit(_ sandbox: GitSandbox, _ message: String) throws -> GitSandbox.Result {
        try sandbox.git("add", "-A")
        return try GitSandbox.run("/usr/bin/git", ["-c", "commit.gpgsign=false", "commit", "-m", message],
                                  in: sandbox.root, environment: environment(sandbox))
    }

    func commitCount(_ sandbox: GitSandbox) -> Int {
        Int((try? sandbox.git("rev-list", "--count", "HEAD")) ?? "0") ?? 0
    }

    /// A repository set up by `policy init`, with a YAML file that is no Tollgate document.
    func initializedRepository() throws -> GitSandbox {
        let sandbox = try GitSandbox()
        try sandbox.git("config", "user.name", "Dana Kowalski")
        try sandbox.git("config", "user.email", "dana@distilops.example")
        let result = try sandbox.policy(["init"], environment: environment(sandbox))
        XCTAssertEqual(result.status, 0, result.stderr)
        try sandbox.write("params.yaml", "learningRate: 0.01\n")
        return sandbox
    }

    /// The demo's promotion request with its run, card and incident: it blocks (the p95
    /// latency of its run, and it has no approvals).
    func addBlockingRequest(to sandbox: GitSandbox) throws {
        let source = GitSandbox.projectRoot.appendingPathComponent("fixtures/distilops/repo")
        for directory in ["models", "runs", "requests", "incidents"] {
            try FileManager.default.copyItem(at: source.appendingPathComponent(directory),
                                             to: sandbox.root.appendingPathComponent(directory))
        }
    }

    func removeBlockingRequest(from sandbox: GitSandbox) throws {
        for directory in ["models", "runs", "requests", "incidents"] {
            try FileManager.default.removeItem(at: sandbox.root.appendingPathComponent(directory))
        }
    }

    func assertBlockReason(_ result: GitSandbox.Result, file: StaticString = #filePath, line: UInt = #line) {
        let output = result.stdout + result.stderr
        XCTAssertNotEqual(result.status, 0, "the commit must fail:\n\(output)", file: file, line: line)
        XCTAssertTrue(output.contains("BLOCK"), output, file: file, line: line)
        XCTAssertTrue(output.contains(Self.request), "the blocked request is named:\n\(output)", file: file, line: line)
        XCTAssertTrue(output.contains("28.7"), "the observed p95 latency is in the reason:\n\(output)", file: file, line: line)
    }

    // MARK: The hook manifest

    func testHookManifestIsValidAndRunsTheStagedCheck() throws {
        let validate = try GitSandbox.run(try preCommit()[0], Array(try preCommit().dropFirst()) + ["validate-manifest", Self.manifest.path],
                                          in: GitSandbox.projectRoot)
        XCTAssertEqual(validate.status, 0, validate.stdout + validate.stderr)
        let hooks = try XCTUnwrap(try PythonTools.parseYAML([Self.manifest.path]).first as? [[String: Any]])
        XCTAssertEqual(hooks.compactMap { $0["id"] as? String }, ["policy-check", "policy-check-system"])
        let hook = try XCTUnwrap(hooks.first)
        XCTAssertEqual(hook["id"] as? String, "policy-check")
        XCTAssertEqual(hook["entry"] as? String, "policy check --staged --paths-are-changes")
        XCTAssertEqual(hook["language"] as? String, "swift", "pre-commit builds this package and puts .build/release on PATH")
        XCTAssertEqual(hook["pass_filenames"] as? Bool, true, "the file names are the change (all of them under --all-files)")
        XCTAssertEqual(hook["require_serial"] as? Bool, true, "one check at a time reads the index and keeps the stores")
        XCTAssertEqual(hook["types_or"] as? [String], ["yaml"])
        XCTAssertNotNil(hook["name"] as? String)

        // The system hook is the same check with the `policy` on PATH: only the language differs.
        let system = hooks[1]
        XCTAssertEqual(system["language"] as? String, "system")
        for key in ["entry", "pass_filenames", "require_serial", "types_or", "minimum_pre_commit_version"] {
            XCTAssertEqual(String(describing: system[key] ?? "missing"), String(describing: hook[key] ?? "missing"), key)
        }
        XCTAssertNotNil(system["description"] as? String)
    }

    /// The configuration `policy init` writes names one of this manifest's hooks (the swift one,
    /// which works without an installed binary) and tells where the other fits.
    func testGeneratedConfigUsesTheManifestsHookID() throws {
        let sandbox = try initializedRepository()
        let path = sandbox.root.appendingPathComponent(".pre-commit-config.yaml")
        let config = try XCTUnwrap(try PythonTools.parseYAML([path.path]).first as? [String: Any])
        let repo = try XCTUnwrap((config["repos"] as? [[String: Any]])?.first)
        let ids = (repo["hooks"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        let manifest = try XCTUnwrap(try PythonTools.parseYAML([Self.manifest.path]).first as? [[String: Any]])
        XCTAssertEqual(ids, ["policy-check"])
        XCTAssertTrue(Set(ids).isSubset(of: Set(manifest.compactMap { $0["id"] as? String })))
        XCTAssertTrue((repo["rev"] as? String)?.hasPrefix("v") == true, "\(repo)")
        let text = try String(contentsOf: path, encoding: .utf8)
        XCTAssertTrue(text.contains("policy-check-system"), text)
        XCTAssertTrue(text.contains("ci: {skip: [policy-check]}"), "pre-commit.ci cannot run the hook:\n\(text)")
    }

    // MARK: pre-commit, end to end

    /// A real `pre-commit install`; the hook is the manifest's, as a local hook that runs the
    /// binary under test (building the package through pre-commit takes minutes; see
    /// testTryRepoBuildsTheManifestsSwiftHook).
    func testPreCommitStopsABlockingCommitAndLetsAPassingOneThrough() throws {
        let sandbox = try initializedRepository()
        let manifest = try XCTUnwrap(try PythonTools.parseYAML([Self.manifest.path]).first as? [[String: Any]])
        let hook = try XCTUnwrap(manifest.first)
        let entry = try XCTUnwrap(hook["entry"] as? String)
        XCTAssertTrue(entry.hasPrefix("policy "), entry)
        let types = (hook["types_or"] as? [String] ?? []).joined(separator: ", ")
        try sandbox.write(".pre-commit-config.yaml", """
            repos:
              - repo: local
                hooks:
                  - id: \(hook["id"] as? String ?? "policy-check")
                    name: \(hook["name"] as? String ?? "policy check")
                    entry: \(GitSandbox.policyBinary.path) \(entry.dropFirst("policy ".count))
                    language: system
                    pass_filenames: \(hook["pass_filenames"] as? Bool ?? false)
                    require_serial: \(hook["require_serial"] as? Bool ?? false)
                    types_or: [\(types)]

            """)
        let install = try GitSandbox.run(try preCommit()[0], Array(try preCommit().dropFirst()) + ["install"],
                                         in: sandbox.root, environment: environment(sandbox))
        XCTAssertEqual(install.status, 0, install.stdout + install.stderr)

        let setup = try commit(sandbox, "Set up Tollgate")
        XCTAssertEqual(setup.status, 0, "the setup passes:\n\(setup.stdout)\(setup.stderr)")
        XCTAssertTrue((setup.stdout + setup.stderr).contains("Passed"), "the hook ran:\n\(setup.stdout)\(setup.stderr)")

        try addBlockingRequest(to: sandbox)
        let blocked = try commit(sandbox, "Request the production promotion")
        assertBlockReason(blocked)
        XCTAssertTrue((blocked.stdout + blocked.stderr).contains("Failed"), blocked.stdout)
        XCTAssertEqual(commitCount(sandbox), 1, "the blocked commit was not made")

        try sandbox.git("reset", "-q")
        try removeBlockingRequest(from: sandbox)
        try sandbox.write("params.yaml", "learningRate: 0.02\n")
        let passing = try commit(sandbox, "Tune the learning rate")
        XCTAssertEqual(passing.status, 0, passing.stdout + passing.stderr)
        XCTAssertTrue((passing.stdout + passing.stderr).contains("Passed"), passing.stdout)
        XCTAssertEqual(commitCount(sandbox), 2)

        // Issue 12: `pre-commit run --all-files` checks every subject, also one that no staged
        // change touches (it was committed past the hook here); before, the hook ran the staged
        // check with nothing staged and passed with 0 subjects.
        try addBlockingRequest(to: sandbox)
        try sandbox.git("add", "-A")
        try sandbox.git("-c", "core.hooksPath=/dev/null", "commit", "-q", "--no-verify", "-m", "Past the hook")
        let everything = try GitSandbox.run(try preCommit()[0], Array(try preCommit().dropFirst()) + ["run", "--all-files"],
                                            in: sandbox.root, environment: environment(sandbox))
        assertBlockReason(everything)
        let nothingStaged = try GitSandbox.run(try preCommit()[0], Array(try preCommit().dropFirst()) + ["run"],
                                               in: sandbox.root, environment: environment(sandbox))
        XCTAssertEqual(nothingStaged.status, 0, "with nothing staged, the hook has nothing to check:\n\(nothingStaged.stdout)")
    }

    /// The manifest's own hook, built by pre-commit with `language: swift` (a release build of
    /// this package: several minutes). Runs only with TOLLGATE_SLOW_TESTS=1.
    func testTryRepoBuildsTheManifestsSwiftHook() throws {
        guard ProcessInfo.processInfo.environment["TOLLGATE_SLOW_TESTS"] == "1" else {
            throw XCTSkip("builds the package in release mode through pre-commit; set TOLLGATE_SLOW_TESTS=1")
        }
        let sandbox = try initializedRepository()
        try addBlockingRequest(to: sandbox)
        try sandbox.git("add", "-A")
        let result = try GitSandbox.run(try preCommit()[0],
                                        Array(try preCommit().dropFirst()) + ["try-repo", GitSandbox.projectRoot.path, "policy-check", "--verbose"],
                                        in: sandbox.root, environment: environment(sandbox))
        assertBlockReason(result)
    }

    /// The manifest's `language: system` hook through `pre-commit try-repo`: it runs the `policy`
    /// found on PATH (here the binary under test), and nothing is built.
    func testTryRepoRunsTheSystemHookWithThePolicyOnPath() throws {
        let sandbox = try initializedRepository()
        let bin = sandbox.root.deletingLastPathComponent().appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: bin.appendingPathComponent("policy"), withDestinationURL: GitSandbox.policyBinary)
        var environment = environment(sandbox)
        environment["PATH"] = bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let tool = try preCommit()

        try sandbox.git("add", "-A")
        let setup = try GitSandbox.run(tool[0], Array(tool.dropFirst()) + ["try-repo", GitSandbox.projectRoot.path, "policy-check-system", "--verbose"],
                                       in: sandbox.root, environment: environment)
        XCTAssertEqual(setup.status, 0, "the setup alone: nothing blocks\n\(setup.stdout)\(setup.stderr)")
        XCTAssertTrue(setup.stdout.contains("Passed"), "the hook ran:\n\(setup.stdout)")

        try addBlockingRequest(to: sandbox)
        try sandbox.git("add", "-A")
        let blocked = try GitSandbox.run(tool[0], Array(tool.dropFirst()) + ["try-repo", GitSandbox.projectRoot.path, "policy-check-system", "--verbose"],
                                         in: sandbox.root, environment: environment)
        assertBlockReason(blocked)
        XCTAssertFalse((blocked.stdout + blocked.stderr).contains("swift build"), "a system hook builds nothing")

        // Without `policy` on PATH the hook fails; it does not pass silently.
        environment["PATH"] = "/usr/bin:/bin"
        let missing = try GitSandbox.run(tool[0], Array(tool.dropFirst()) + ["try-repo", GitSandbox.projectRoot.path, "policy-check-system"],
                                         in: sandbox.root, environment: environment)
        XCTAssertNotEqual(missing.status, 0, missing.stdout + missing.stderr)
    }

    // MARK: policy hook install

    func testInstalledHookStopsABlockingCommitAndLetsAPassingOneThrough() throws {
        let sandbox = try initializedRepository()
        let install = try sandbox.policy("hook", "install")
        XCTAssertEqual(install.status, 0, install.stderr)
        let hookPath = sandbox.root.appendingPathComponent(".git/hooks/pre-commit").path
        XCTAssertTrue(install.stdout.contains("installed"), install.stdout)
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: hookPath))
        let hook = try String(contentsOfFile: hookPath, encoding: .utf8)
        XCTAssertTrue(hook.hasPrefix("#!/bin/sh\n"), hook)
        XCTAssertTrue(hook.contains("# tollgate-hook: pre-commit"), hook)
        XCTAssertTrue(hook.contains("'\(GitSandbox.policyBinary.path)'"), "the running binary's absolute path:\n\(hook)")
        XCTAssertTrue(hook.contains("check --staged"), hook)

        let setup = try commit(sandbox, "Set up Tollgate")
        XCTAssertEqual(setup.status, 0, setup.stdout + setup.stderr)
        try addBlockingRequest(to: sandbox)
        assertBlockReason(try commit(sandbox, "Request the production promotion"))
        XCTAssertEqual(commitCount(sandbox), 1)

        try sandbox.git("reset", "-q")
        try removeBlockingRequest(from: sandbox)
        try sandbox.write("params.yaml", "learningRate: 0.02\n")
        let passing = try commit(sandbox, "Tune the learning rate")
        XCTAssertEqual(passing.status, 0, passing.stdout + passing.stderr)
        XCTAssertEqual(commitCount(sandbox), 2)

        let again = try sandbox.policy("hook", "install")
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("updated"), "Tollgate's own hook is rewritten: \(again.stdout)")
    }

    func testAForeignHookIsReplacedOnlyWithForceAndKept() throws {
        let sandbox = try GitSandbox()
        let hookPath = sandbox.root.appendingPathComponent(".git/hooks/pre-commit").path
        let foreign = "#!/bin/sh\nexec make lint\n"
        try foreign.write(toFile: hookPath, atomically: true, encoding: .utf8)

        let refused = try sandbox.policy("hook", "install")
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("not written by Tollgate"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("--force"), refused.stderr)
        XCTAssertEqual(try String(contentsOfFile: hookPath, encoding: .utf8), foreign, "left alone")

        let forced = try sandbox.policy("hook", "install", "--force")
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertTrue(try String(contentsOfFile: hookPath, encoding: .utf8).contains("# tollgate-hook: pre-commit"))
        XCTAssertEqual(try String(contentsOfFile: hookPath + ".before-tollgate", encoding: .utf8), foreign, "the old hook is kept")
    }

    func testHookGoesWhereCoreHooksPathPoints() throws {
        let sandbox = try GitSandbox()
        try sandbox.git("config", "core.hooksPath", ".githooks")
        try sandbox.write("models/README.md", "models\n")
        let result = try sandbox.policy("hook", "install", "-C", "models")
        XCTAssertEqual(result.status, 0, result.stderr)
        let hookPath = sandbox.root.appendingPathComponent(".githooks/pre-commit").path
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: hookPath), result.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.root.appendingPathComponent(".git/hooks/pre-commit").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.root.appendingPathComponent("models/.githooks").path),
                       "a relative core.hooksPath is relative to the root of the working tree")
    }

    func testHookInstallOutsideARepositoryIsAToolError() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-norepo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try GitSandbox.run(GitSandbox.policyBinary.path, ["hook", "install"], in: directory)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("not a git repository"), result.stderr)
    }
}
