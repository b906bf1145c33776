import Foundation
import TollgateTestSupport
import XCTest

/// How the action gets `policy` (action/install-release.sh, and the action's `release` step
/// around it), served from a file:// directory laid out like a GitHub release; where the tool's
/// repository is named; and the workflow recipes of docs/ci.md run offline.
final class ActionInstallTests: XCTestCase {
    static let script = GitSandbox.projectRoot.appendingPathComponent("action/install-release.sh")
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-install-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    // MARK: Helpers

    static func version() throws -> String {
        let result = try PolicyBinary.run(["--version"], in: FileManager.default.temporaryDirectory)
        return try XCTUnwrap(result.stdout.split(separator: "\n").first.map(String.init))
    }

    static var arch: String {
        (try? GitSandbox.run("/usr/bin/uname", ["-m"], in: FileManager.default.temporaryDirectory))?
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "aarch64" ? "aarch64" : "x86_64"
    }

    /// A directory laid out like a GitHub release: `policy-<version>-linux-<arch>.tar.gz` and its
    /// `.sha256`. The tarball is scripts/release's when TOLLGATE_RELEASE_TARBALL names one, else
    /// one made here with tar around the binary under test.
    func release(_ version: String) throws -> URL {
        let directory = scratch.appendingPathComponent("release-v\(version)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let name = "policy-\(version)-linux-\(Self.arch)"
        if let made = ProcessInfo.processInfo.environment["TOLLGATE_RELEASE_TARBALL"], !made.isEmpty,
           URL(fileURLWithPath: made).lastPathComponent == name + ".tar.gz" {
            try FileManager.default.copyItem(atPath: made, toPath: directory.appendingPathComponent(name + ".tar.gz").path)
        } else {
            let stage = scratch.appendingPathComponent("stage-\(UUID().uuidString)/\(name)")
            try FileManager.default.createDirectory(at: stage, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: GitSandbox.policyBinary, to: stage.appendingPathComponent("policy"))
            let tar = try GitSandbox.run("/bin/tar", ["-czf", directory.appendingPathComponent(name + ".tar.gz").path,
                                                      "-C", stage.deletingLastPathComponent().path, name], in: scratch)
            XCTAssertEqual(tar.status, 0, tar.stderr)
        }
        let sum = try GitSandbox.run("/usr/bin/sha256sum", [name + ".tar.gz"], in: directory)
        XCTAssertEqual(sum.status, 0, sum.stderr)
        try sum.stdout.write(to: directory.appendingPathComponent(name + ".tar.gz.sha256"), atomically: true, encoding: .utf8)
        return directory
    }

    func files(_ directory: URL) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?.sorted() ?? []
    }

    struct Installation {
        var result: GitSandbox.Result
        var outputs: [String: String]
        var path: [String]
    }

    /// Runs `script` (a file, or the text of a step with `bash -c`) as the runner would, with
    /// GITHUB_OUTPUT and GITHUB_PATH files and nothing of a real runner's environment.
    func install(_ environment: [String: String], step: String? = nil) throws -> Installation {
        let output = scratch.appendingPathComponent("github-output-\(UUID().uuidString)")
        let path = scratch.appendingPathComponent("github-path-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        _ = FileManager.default.createFile(atPath: path.path, contents: nil)
        var env = ["GITHUB_OUTPUT": output.path, "GITHUB_PATH": path.path, "GITHUB_ACTION_PATH": "",
                   "RUNNER_TOOL_CACHE": "", "RUNNER_TEMP": "", "TOLLGATE_REPOSITORY": "", "TOLLGATE_REF": "",
                   "TOLLGATE_VERSION": "", "TOLLGATE_RELEASE_URL": "", "TOLLGATE_ARCH": "", "TOLLGATE_INSTALL_DIR": ""]
        env.merge(environment) { $1 }
        let arguments = step.map { ["--noprofile", "--norc", "-e", "-o", "pipefail", "-c", $0] } ?? [Self.script.path]
        let result = try GitSandbox.run("/bin/bash", arguments, in: scratch, environment: env)
        var outputs: [String: String] = [:]
        for line in try String(contentsOf: output, encoding: .utf8).split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { outputs[parts[0]] = parts[1] }
        }
        let added = try String(contentsOf: path, encoding: .utf8).split(separator: "\n").map(String.init)
        return Installation(result: result, outputs: outputs, path: added)
    }

    // MARK: install-release.sh

    func testAGoodChecksumInstallsABinaryThatChecksTheDemo() throws {
        let version = try Self.version()
        let release = try release(version)
        let target = scratch.appendingPathComponent("tools")
        let run = try install(["TOLLGATE_RELEASE_URL": release.absoluteString, "TOLLGATE_REF": "v\(version)",
                               "TOLLGATE_INSTALL_DIR": target.path])
        XCTAssertEqual(run.result.status, 0, run.result.stderr)
        let installed = target.appendingPathComponent("policy").path
        XCTAssertEqual(run.result.stdout.trimmingCharacters(in: .whitespacesAndNewlines), installed)
        XCTAssertTrue(run.result.stderr.contains("verified"), run.result.stderr)
        XCTAssertEqual(run.outputs["policy"], installed)
        XCTAssertEqual(run.path, [target.path], "the binary's directory goes on PATH for later steps")
        XCTAssertEqual(files(target), ["policy"], "only the binary is left behind")

        let demo = try GitSandbox.demo()
        let check = try GitSandbox.run(installed, ["check", "--color", "never"], in: demo.root)
        XCTAssertEqual(check.status, 1, check.stdout + check.stderr)
        XCTAssertTrue(check.flat.contains("1 blocking reason"), check.stdout)
    }

    func testABadChecksumIsRefusedAndNothingIsInstalled() throws {
        let version = try Self.version()
        let release = try release(version)
        let name = "policy-\(version)-linux-\(Self.arch).tar.gz"
        let target = scratch.appendingPathComponent("tools")
        let environment = ["TOLLGATE_RELEASE_URL": release.absoluteString, "TOLLGATE_REF": "v\(version)",
                           "TOLLGATE_INSTALL_DIR": target.path]

        // A checksum file that names another tarball.
        let good = try String(contentsOf: release.appendingPathComponent(name + ".sha256"), encoding: .utf8)
        let other = String(repeating: "0", count: 64) + "  " + name + "\n"
        try other.write(to: release.appendingPathComponent(name + ".sha256"), atomically: true, encoding: .utf8)
        var run = try install(environment)
        XCTAssertEqual(run.result.status, 1, run.result.stderr)
        XCTAssertTrue(run.result.stderr.contains("checksum mismatch for \(name): expected \(String(repeating: "0", count: 64))"),
                      run.result.stderr)
        XCTAssertTrue(run.result.stderr.contains("nothing was installed"), run.result.stderr)
        XCTAssertEqual(files(target), [])
        XCTAssertEqual(run.result.stdout, "")
        XCTAssertNil(run.outputs["policy"])
        XCTAssertEqual(run.path, [])

        // A tarball changed after its checksum was taken.
        try good.write(to: release.appendingPathComponent(name + ".sha256"), atomically: true, encoding: .utf8)
        let handle = try FileHandle(forWritingTo: release.appendingPathComponent(name))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([0]))
        try handle.close()
        run = try install(environment)
        XCTAssertEqual(run.result.status, 1, run.result.stderr)
        XCTAssertTrue(run.result.stderr.contains("checksum mismatch"), run.result.stderr)
        XCTAssertEqual(files(target), [])

        // No checksum file at all: an unverified binary is not installed either.
        try FileManager.default.removeItem(at: release.appendingPathComponent(name + ".sha256"))
        run = try install(environment)
        XCTAssertEqual(run.result.status, 1, run.result.stderr)
        XCTAssertTrue(run.result.stderr.contains("no readable checksum file"), run.result.stderr)
        XCTAssertEqual(files(target), [])

        // A checksum file that holds no checksum.
        try "not a checksum\n".write(to: release.appendingPathComponent(name + ".sha256"), atomically: true, encoding: .utf8)
        run = try install(environment)
        XCTAssertEqual(run.result.status, 1, run.result.stderr)
        XCTAssertTrue(run.result.stderr.contains("holds no SHA-256 checksum"), run.result.stderr)
        XCTAssertEqual(files(target), [])
    }

    /// Exit 3 means "no release binary for this ref": the action builds from source.
    func testNoReleaseForTheRefMeansBuildFromSource() throws {
        let version = try Self.version()
        let target = scratch.appendingPathComponent("tools")
        let empty = scratch.appendingPathComponent("empty-release")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)

        let missing = try install(["TOLLGATE_RELEASE_URL": empty.absoluteString, "TOLLGATE_REF": "v\(version)",
                                   "TOLLGATE_INSTALL_DIR": target.path])
        XCTAssertEqual(missing.result.status, 3, missing.result.stderr)
        XCTAssertTrue(missing.result.stderr.contains("no release asset policy-\(version)-linux-\(Self.arch).tar.gz"), missing.result.stderr)
        XCTAssertTrue(missing.result.stderr.contains("building from source instead"), missing.result.stderr)
        XCTAssertEqual(files(target), [])

        for ref in ["main", "4f1c2a9", ""] {
            let branch = try install(["TOLLGATE_RELEASE_URL": try release(version).absoluteString, "TOLLGATE_REF": ref,
                                      "TOLLGATE_INSTALL_DIR": target.path])
            XCTAssertEqual(branch.result.status, 3, "ref '\(ref)': \(branch.result.stderr)")
            XCTAssertTrue(branch.result.stderr.contains("is not a release tag"), branch.result.stderr)
            XCTAssertEqual(files(target), [])
        }

        let arch = try install(["TOLLGATE_RELEASE_URL": empty.absoluteString, "TOLLGATE_REF": "v\(version)",
                                "TOLLGATE_ARCH": "riscv64", "TOLLGATE_INSTALL_DIR": target.path])
        XCTAssertEqual(arch.result.status, 3, arch.result.stderr)
        XCTAssertTrue(arch.result.stderr.contains("no release binary for the architecture riscv64"), arch.result.stderr)
    }

    /// Composite actions may see github.action_repository and action_ref empty: the script reads
    /// them from where the runner put the action (…/_actions/<owner>/<name>/<ref>/action).
    func testRepositoryAndRefComeFromTheActionsPath() throws {
        let actionPath = scratch.appendingPathComponent("_work/_actions/acme/gate/v9.8.7/action").path
        // No network: a proxy that refuses every connection makes the download fail at once.
        let run = try install(["GITHUB_ACTION_PATH": actionPath, "https_proxy": "http://127.0.0.1:9",
                               "HTTPS_PROXY": "http://127.0.0.1:9",
                               "TOLLGATE_INSTALL_DIR": scratch.appendingPathComponent("tools").path])
        XCTAssertTrue(run.result.stderr.contains("installing policy 9.8.7 (linux-\(Self.arch)) from https://github.com/acme/gate/releases/download/v9.8.7"),
                      run.result.stderr)
        XCTAssertEqual(run.result.status, 1, "a download that fails for another reason than 404 is refused: \(run.result.stderr)")
        XCTAssertTrue(run.result.stderr.contains("nothing was installed"), run.result.stderr)
    }

    // MARK: The action's release step

    func releaseStep() throws -> (script: String, step: [String: Any]) {
        let action = try XCTUnwrap(try PythonTools.parseYAML([ActionTests.actionFile.path]).first as? [String: Any])
        let steps = try XCTUnwrap((action["runs"] as? [String: Any])?["steps"] as? [[String: Any]])
        let step = try XCTUnwrap(steps.first { $0["id"] as? String == "release" }, "the action has a release step")
        XCTAssertEqual(steps.first?["id"] as? String, "release", "the release binary is tried first")
        return (try XCTUnwrap(step["run"] as? String), step)
    }

    func testTheActionsReleaseStepInstallsFallsBackOrFails() throws {
        let (script, step) = try releaseStep()
        let env = try XCTUnwrap(step["env"] as? [String: String])
        XCTAssertEqual(env["TOLLGATE_REPOSITORY"], "${{ github.action_repository }}")
        XCTAssertEqual(env["TOLLGATE_REF"], "${{ github.action_ref }}")
        let version = try Self.version()
        let action = GitSandbox.projectRoot.appendingPathComponent("action").path
        let target = scratch.appendingPathComponent("tools")

        let installed = try install(["GITHUB_ACTION_PATH": action, "TOLLGATE_REF": "v\(version)",
                                     "TOLLGATE_RELEASE_URL": try release(version).absoluteString,
                                     "TOLLGATE_INSTALL_DIR": target.path], step: script)
        XCTAssertEqual(installed.result.status, 0, installed.result.stderr)
        XCTAssertEqual(installed.outputs["installed"], "true")
        XCTAssertEqual(installed.outputs["policy"], target.appendingPathComponent("policy").path)

        let fallback = try install(["GITHUB_ACTION_PATH": action, "TOLLGATE_REF": "main",
                                    "TOLLGATE_INSTALL_DIR": scratch.appendingPathComponent("other").path], step: script)
        XCTAssertEqual(fallback.result.status, 0, "no release: the step passes and the build steps run: \(fallback.result.stderr)")
        XCTAssertEqual(fallback.outputs["installed"], "false")
        XCTAssertNil(fallback.outputs["policy"])

        let tampered = try release("\(version)")
        let name = "policy-\(version)-linux-\(Self.arch).tar.gz"
        try (String(repeating: "f", count: 64) + "  " + name + "\n")
            .write(to: tampered.appendingPathComponent(name + ".sha256"), atomically: true, encoding: .utf8)
        let refused = try install(["GITHUB_ACTION_PATH": action, "TOLLGATE_REF": "v\(version)",
                                   "TOLLGATE_RELEASE_URL": tampered.absoluteString,
                                   "TOLLGATE_INSTALL_DIR": scratch.appendingPathComponent("third").path], step: script)
        XCTAssertEqual(refused.result.status, 1, "a bad checksum fails the step, it never falls back")
        XCTAssertTrue(refused.result.stdout.contains("::error title=Tollgate::the release binary was refused"), refused.result.stdout)
        XCTAssertNil(refused.outputs["installed"])
    }

    /// Every step that builds from source runs only without the release binary, and the check
    /// runs whichever binary the action got.
    func testBuildStepsRunOnlyWithoutTheReleaseBinary() throws {
        let action = try XCTUnwrap(try PythonTools.parseYAML([ActionTests.actionFile.path]).first as? [String: Any])
        let steps = try XCTUnwrap((action["runs"] as? [String: Any])?["steps"] as? [[String: Any]])
        for step in steps where !["release", "check"].contains(step["id"] as? String ?? "") {
            let condition = step["if"] as? String ?? ""
            XCTAssertTrue(condition.contains("steps.release.outputs.installed != 'true'"), "step '\(step["name"] ?? "")': if: \(condition)")
        }
        let check = try XCTUnwrap(steps.first { $0["id"] as? String == "check" })
        XCTAssertEqual((check["env"] as? [String: String])?["POLICY"], "${{ steps.release.outputs.policy || steps.build.outputs.policy }}")
        let outputs = try XCTUnwrap(action["outputs"] as? [String: [String: Any]])
        XCTAssertEqual(outputs["policy"]?["value"] as? String, "${{ steps.release.outputs.policy || steps.build.outputs.policy }}")
    }

    // MARK: One name for the tool's repository

    /// `policy init` writes the repository (ProjectTemplates.toolRepository); the action's only
    /// default and every place the docs name it must agree.
    func testTheToolRepositoryIsNamedTheSameEverywhere() throws {
        let sandbox = try GitSandbox()
        let home = sandbox.root.deletingLastPathComponent().path
        let result = try sandbox.policy("init", environment: ["HOME": home, "GIT_CONFIG_NOSYSTEM": "1"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let config = try XCTUnwrap(try PythonTools.parseYAML([sandbox.root.appendingPathComponent(".pre-commit-config.yaml").path]).first as? [String: Any])
        let url = try XCTUnwrap((config["repos"] as? [[String: Any]])?.first?["repo"] as? String)
        XCTAssertTrue(url.hasPrefix("https://github.com/"), url)
        let repository = String(url.dropFirst("https://github.com/".count))
        let workflow = try String(contentsOf: sandbox.root.appendingPathComponent(".github/workflows/tollgate.yml"), encoding: .utf8)
        XCTAssertTrue(workflow.contains("uses: \(repository)/action@v"), workflow)

        let script = try String(contentsOf: Self.script, encoding: .utf8)
        XCTAssertEqual(VersionTests.capture(#"\ndefault_repository="([^"]+)""#, in: script), repository,
                       "action/install-release.sh's default_repository")

        let patterns = [#"([\w.-]+/[\w.-]+)/action@v"#, #"https://github\.com/([\w.-]+/[\w.-]+)/releases"#,
                        #"repo: https://github\.com/([\w.-]+/[\w.-]+)"#, #"git clone [^\n]*https://github\.com/([\w.-]+/[\w.-]+)"#]
        var seen = 0
        for file in ["README.md", "docs/ci.md", "docs/install.md", "action/action.yml", ".pre-commit-hooks.yaml"] {
            let text = try String(contentsOf: GitSandbox.projectRoot.appendingPathComponent(file), encoding: .utf8)
            for pattern in patterns {
                let expression = try NSRegularExpression(pattern: pattern)
                for match in expression.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                    let named = String(text[Range(match.range(at: 1), in: text)!])
                    XCTAssertEqual(named, repository, "\(file) names the tool's repository differently")
                    seen += 1
                }
            }
        }
        XCTAssertGreaterThan(seen, 5, "the docs show where to get Tollgate")

        // The SARIF driver points code scanning at the same repository.
        let sarif = try sandbox.policy("check", "--format", "sarif")
        XCTAssertEqual(sarif.status, 0, sarif.stderr)
        let log = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(sarif.stdout.utf8)) as? [String: Any])
        let driver = ((log["runs"] as? [[String: Any]])?.first?["tool"] as? [String: Any])?["driver"] as? [String: Any]
        XCTAssertEqual(driver?["informationUri"] as? String, "https://github.com/" + repository)
    }

    // MARK: docs/ci.md's recipes

    static let ciDoc = GitSandbox.projectRoot.appendingPathComponent("docs/ci.md")

    /// The ```yaml blocks of docs/ci.md.
    static func yamlBlocks() throws -> [String] {
        let text = try String(contentsOf: ciDoc, encoding: .utf8)
        var blocks: [String] = []
        var current: [Substring]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```yaml" { current = []; continue }
            if current != nil, line == "```" { blocks.append(current!.joined(separator: "\n") + "\n"); current = nil; continue }
            current?.append(line)
        }
        return blocks
    }

    func testTheDocumentedWorkflowIsTheOneInitWrites() throws {
        let sandbox = try GitSandbox()
        let home = sandbox.root.deletingLastPathComponent().path
        XCTAssertEqual(try sandbox.policy("init", environment: ["HOME": home, "GIT_CONFIG_NOSYSTEM": "1"]).status, 0)
        let written = try String(contentsOf: sandbox.root.appendingPathComponent(".github/workflows/tollgate.yml"), encoding: .utf8)
        let documented = try XCTUnwrap(try Self.yamlBlocks().first { $0.hasPrefix("# Tollgate: the release gate") })
        let version = try Self.version()
        XCTAssertEqual(documented.replacingOccurrences(of: "@v0.1.0", with: "@v\(version)"), written,
                       "docs/ci.md shows the workflow `policy init` writes (on branch main)")
    }

    /// The sharded recipe of docs/ci.md, run step by step as GitHub runs it: each matrix job
    /// checks its shard with the action and uploads its JSON; the last job finds them where
    /// `download-artifact` puts them and merges them into the SARIF the whole check writes,
    /// failing as the whole check fails.
    func testTheShardedRecipeMergesItsMatrixIntoTheWholeChecksReport() throws {
        let block = try XCTUnwrap(try Self.yamlBlocks().first { $0.hasPrefix("name: tollgate-sharded") })
        let demo = try GitSandbox.demo()
        let file = demo.directory.appendingPathComponent("sharded.yml")
        try block.write(to: file, atomically: true, encoding: .utf8)
        let workflow = try XCTUnwrap(try PythonTools.parseYAML([file.path]).first as? [String: Any])
        let jobs = try XCTUnwrap(workflow["jobs"] as? [String: [String: Any]])
        let shardJob = try XCTUnwrap(jobs["shard"])
        let matrix = try XCTUnwrap(((shardJob["strategy"] as? [String: Any])?["matrix"] as? [String: Any])?["shard"] as? [Int])
        let shardSteps = try XCTUnwrap(shardJob["steps"] as? [[String: Any]])
        let check = try XCTUnwrap(shardSteps.first { $0["id"] as? String == "tollgate" })
        XCTAssertEqual(check["continue-on-error"] as? Bool, true, "the merge job decides")
        let checkWith = try XCTUnwrap(check["with"] as? [String: String])
        let count = matrix.count
        XCTAssertEqual(matrix, Array(1...count))
        XCTAssertEqual(checkWith["args"], "--shard ${{ matrix.shard }}/\(count)", "the matrix and N agree")
        let upload = try XCTUnwrap(shardSteps.first { ($0["uses"] as? String)?.hasPrefix("actions/upload-artifact") == true }?["with"] as? [String: String])
        XCTAssertEqual(checkWith["formats"], "json=\(upload["path"] ?? "")")
        let artifact = try XCTUnwrap(upload["name"])

        let merge = try XCTUnwrap(jobs["merge"])
        XCTAssertEqual(merge["needs"] as? String, "shard")
        XCTAssertEqual(merge["if"] as? String, "always()", "runs when a shard blocks")
        let mergeSteps = try XCTUnwrap(merge["steps"] as? [[String: Any]])
        let download = try XCTUnwrap(mergeSteps.first { ($0["uses"] as? String)?.hasPrefix("actions/download-artifact") == true }?["with"] as? [String: String])
        let merging = try XCTUnwrap(mergeSteps.first { $0["id"] as? String == "tollgate" }?["with"] as? [String: String])
        let action = try XCTUnwrap(try PythonTools.parseYAML([ActionTests.actionFile.path]).first as? [String: Any])
        let declared = Set((action["inputs"] as? [String: Any] ?? [:]).keys)
        XCTAssertEqual(Set(checkWith.keys).union(merging.keys).subtracting(declared), [], "only inputs the action declares")

        // The matrix: each job in its own checkout; download-artifact puts artifact NAME's files under PATH/NAME/.
        for shard in matrix {
            let job = try ActionTests.runCheckStep(in: demo, formats: checkWith["formats"] ?? "", base: "",
                                                   args: (checkWith["args"] ?? "").replacingOccurrences(of: "${{ matrix.shard }}", with: "\(shard)"))
            XCTAssertTrue(["0", "1"].contains(job.outputs["exit-code"]), job.result.stderr)
            let name = artifact.replacingOccurrences(of: "${{ matrix.shard }}", with: "\(shard)")
            let directory = demo.root.appendingPathComponent("\(download["path"] ?? "")/\(name)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try FileManager.default.moveItem(at: demo.root.appendingPathComponent(upload["path"] ?? ""),
                                             to: directory.appendingPathComponent(upload["path"] ?? ""))
        }
        let whole = try demo.policy("check", "--rev", "HEAD", "--format", "sarif=whole.sarif")
        let last = try ActionTests.runCheckStep(in: demo, formats: merging["formats"] ?? "", base: "",
                                                mergeReports: merging["merge-reports"] ?? "")
        XCTAssertEqual(last.result.status, whole.status, last.result.stdout + last.result.stderr)
        XCTAssertEqual(last.outputs["exit-code"], "1", "the demo blocks: the workflow fails")
        let sarif = try XCTUnwrap(last.outputs["sarif"])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: sarif)), try Data(contentsOf: demo.root.appendingPathComponent("whole.sarif")))
        XCTAssertTrue(FileManager.default.fileExists(atPath: demo.root.appendingPathComponent("tollgate.md").path))
    }

    /// The marker the recipe looks for is the first line the Markdown reporter writes.
    func testTheCommentRecipeLooksForTheMarkerTheReportStartsWith() throws {
        let demo = try GitSandbox.demo()
        let check = try demo.policy("check", "--format", "markdown=tollgate.md")
        XCTAssertEqual(check.status, 1, check.stderr)
        let report = try String(contentsOf: demo.root.appendingPathComponent("tollgate.md"), encoding: .utf8)
        let marker = try XCTUnwrap(report.split(separator: "\n").first.map(String.init))
        XCTAssertTrue(marker.hasPrefix("<!--") && marker.hasSuffix("-->"), marker)
        let (script, _, _) = try commentRecipe()
        XCTAssertTrue(script.contains("marker='\(marker)'"), "the recipe's marker is the report's first line:\n\(script)")
        XCTAssertTrue(try String(contentsOf: Self.ciDoc, encoding: .utf8).contains("`\(marker)`"), "docs/ci.md names the marker")
    }

    /// The recipe's step, its environment and its job.
    func commentRecipe() throws -> (script: String, env: [String: String], job: [String: Any]) {
        let block = try XCTUnwrap(try Self.yamlBlocks().first { $0.contains("Post or update the Tollgate comment") })
        let file = scratch.appendingPathComponent("recipe.yaml")
        try block.write(to: file, atomically: true, encoding: .utf8)
        let parsed = try XCTUnwrap(try PythonTools.parseYAML([file.path]).first as? [String: Any])
        let job = try XCTUnwrap(parsed["gate"] as? [String: Any])
        let steps = try XCTUnwrap(job["steps"] as? [[String: Any]])
        let step = try XCTUnwrap(steps.first { $0["name"] as? String == "Post or update the Tollgate comment" })
        return (try XCTUnwrap(step["run"] as? String), try XCTUnwrap(step["env"] as? [String: String]), job)
    }

    /// Runs the recipe's script against a stand-in `gh` that answers the comment list with real
    /// jq and records what it is asked to change.
    func runCommentRecipe(comments: String, in demo: GitSandbox) throws -> (result: GitSandbox.Result, calls: String, body: String) {
        let (script, env, job) = try commentRecipe()
        XCTAssertEqual((job["permissions"] as? [String: String])?["pull-requests"], "write")
        let gate = try XCTUnwrap((job["steps"] as? [[String: Any]])?.first { $0["id"] as? String == "tollgate" })
        let formats = ((gate["with"] as? [String: Any])?["formats"] as? String) ?? ""
        let report = try XCTUnwrap(env["REPORT"])
        XCTAssertTrue(formats.split(separator: " ").contains("markdown=\(report)"), "the action writes the file the step posts: \(formats)")

        let bin = scratch.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let fake = """
            #!/bin/bash
            filter=""; method=GET; body=""; url=""
            while [ $# -gt 0 ]; do
              case "$1" in
                api|--paginate) ;;
                --jq) filter=$2; shift ;;
                --method) method=$2; shift ;;
                -F) case "$2" in body=@*) body="${2#body=@}" ;; esac; shift ;;
                *) url=$1 ;;
              esac
              shift
            done
            [ -n "$GH_TOKEN" ] || { echo "gh: no token" >&2; exit 4; }
            if [ "$method" = GET ]; then
              [ "$url" = "repos/acme/models/issues/7/comments" ] || { echo "gh: unexpected $url" >&2; exit 1; }
              jq -r "$filter" "$FAKE_COMMENTS"
            else
              echo "$method $url" >> "$FAKE_CALLS"
              cp "$body" "$FAKE_CALLS.body"
              echo '{}'
            fi
            """
        let gh = bin.appendingPathComponent("gh")
        try fake.write(to: gh, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: gh.path)
        let commentsFile = scratch.appendingPathComponent("comments.json")
        try comments.write(to: commentsFile, atomically: true, encoding: .utf8)
        let calls = scratch.appendingPathComponent("calls")
        try? FileManager.default.removeItem(at: calls)

        var environment = ["PATH": bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
                           "GITHUB_REPOSITORY": "acme/models", "FAKE_COMMENTS": commentsFile.path, "FAKE_CALLS": calls.path]
        for (key, value) in env { environment[key] = value.contains("${{") ? "placeholder" : value }
        environment["PR"] = "7"
        let result = try GitSandbox.run("/bin/bash", ["--noprofile", "--norc", "-e", "-o", "pipefail", "-c", script],
                                        in: demo.root, environment: environment)
        let recorded = (try? String(contentsOf: calls, encoding: .utf8)) ?? ""
        let body = (try? String(contentsOf: calls.appendingPathExtension("body"), encoding: .utf8)) ?? ""
        return (result, recorded, body)
    }

    func testTheCommentRecipeUpdatesTheBotsMarkedCommentOrPostsOne() throws {
        guard PythonTools.which("jq") != nil else { throw XCTSkip("the stand-in gh answers with jq, which is not installed") }
        let demo = try GitSandbox.demo()
        XCTAssertEqual(try demo.policy("check", "--format", "markdown=tollgate.md").status, 1)
        let report = try String(contentsOf: demo.root.appendingPathComponent("tollgate.md"), encoding: .utf8)

        let existing = """
            [{"id": 11, "user": {"login": "dana"}, "body": "<!-- tollgate:report -->\\nquoted by a person"},
             {"id": 12, "user": {"login": "github-actions[bot]"}, "body": "the bot's other comment"},
             {"id": 13, "user": {"login": "github-actions[bot]"}, "body": "<!-- tollgate:report -->\\n## an older report"},
             {"id": 14, "user": {"login": "github-actions[bot]"}, "body": "<!-- tollgate:report -->\\n## a later duplicate"}]
            """
        let update = try runCommentRecipe(comments: existing, in: demo)
        XCTAssertEqual(update.result.status, 0, update.result.stdout + update.result.stderr)
        XCTAssertEqual(update.calls, "PATCH repos/acme/models/issues/comments/13\n", "the bot's first marked comment is updated")
        XCTAssertEqual(update.body, report, "with the report as written")
        XCTAssertTrue(update.result.stdout.contains("updated the Tollgate comment 13"), update.result.stdout)

        let none = try runCommentRecipe(comments: #"[{"id": 11, "user": {"login": "dana"}, "body": "LGTM"}]"#, in: demo)
        XCTAssertEqual(none.result.status, 0, none.result.stdout + none.result.stderr)
        XCTAssertEqual(none.calls, "POST repos/acme/models/issues/7/comments\n")
        XCTAssertEqual(none.body, report)

        // A file that is not Tollgate's report is not posted.
        try "# something else\n".write(to: demo.root.appendingPathComponent("tollgate.md"), atomically: true, encoding: .utf8)
        let wrong = try runCommentRecipe(comments: "[]", in: demo)
        XCTAssertEqual(wrong.result.status, 1)
        XCTAssertEqual(wrong.calls, "")
    }

    /// The record job of the workflow, offline: its fetch step, the action's check step with
    /// `args: --record`, and its push step, against a bare `origin`.
    func testTheRecordJobStoresTheVerdictInNotesAndPushesThem() throws {
        let sandbox = try GitSandbox()
        let home = sandbox.root.deletingLastPathComponent().path
        XCTAssertEqual(try sandbox.policy("init", environment: ["HOME": home, "GIT_CONFIG_NOSYSTEM": "1"]).status, 0)
        let workflow = try XCTUnwrap(try PythonTools.parseYAML([sandbox.root.appendingPathComponent(".github/workflows/tollgate.yml").path]).first as? [String: Any])
        let record = try XCTUnwrap((workflow["jobs"] as? [String: [String: Any]])?["record"])
        let steps = try XCTUnwrap(record["steps"] as? [[String: Any]])
        let fetch = try XCTUnwrap(steps.first { $0["name"] as? String == "Fetch the recorded verdicts" }?["run"] as? String)
        let push = try XCTUnwrap(steps.first { $0["name"] as? String == "Push the recorded verdict" }?["run"] as? String)
        let gate = try XCTUnwrap(steps.first { $0["id"] as? String == "tollgate" })
        let args = try XCTUnwrap((gate["with"] as? [String: Any])?["args"] as? String)
        XCTAssertEqual(args, "--record")

        let demo = try GitSandbox.demo()
        let origin = scratch.appendingPathComponent("origin.git")
        XCTAssertEqual(try GitSandbox.run("/usr/bin/git", ["clone", "-q", "--bare", demo.root.path, origin.path], in: scratch).status, 0)
        try demo.git("remote", "add", "origin", origin.path)

        func shell(_ script: String) throws -> GitSandbox.Result {
            try GitSandbox.run("/bin/bash", ["--noprofile", "--norc", "-e", "-o", "pipefail", "-c", script], in: demo.root)
        }
        let head = try demo.git("rev-parse", "HEAD")
        for round in 1...2 {
            XCTAssertEqual(try shell(fetch).status, 0, "round \(round): fetch")
            let check = try ActionTests.runCheckStep(in: demo, formats: "text", base: "", args: args)
            XCTAssertEqual(check.result.status, 1, check.result.stdout + check.result.stderr)
            XCTAssertEqual(check.outputs["exit-code"], "1")
            let pushed = try shell(push)
            XCTAssertEqual(pushed.status, 0, "round \(round): \(pushed.stderr)")
        }
        let note = try GitSandbox.run("/usr/bin/git", ["--git-dir", origin.path, "notes", "--ref", "tollgate", "show", head], in: scratch)
        XCTAssertEqual(note.status, 0, "origin holds the verdict of the pushed commit: \(note.stderr)")
        XCTAssertTrue(note.stdout.contains("\"verdict\""), note.stdout)
        XCTAssertTrue(note.stdout.contains("block"), note.stdout)
    }
}
