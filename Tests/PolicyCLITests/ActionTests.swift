import Foundation
import XCTest

/// The GitHub Action (action/action.yml) and the workflow `policy init` writes: valid YAML,
/// inputs that exist, and a check step that passes the tool's exit code and outputs through.
final class ActionTests: XCTestCase {
    static let actionFile = GitSandbox.projectRoot.appendingPathComponent("action/action.yml")

    func action() throws -> [String: Any] {
        let parsed = try PythonTools.parseYAML([Self.actionFile.path])
        return try XCTUnwrap(parsed.first as? [String: Any], "action.yml is not a mapping")
    }

    func steps(of action: [String: Any]) throws -> [[String: Any]] {
        let runs = try XCTUnwrap(action["runs"] as? [String: Any])
        XCTAssertEqual(runs["using"] as? String, "composite")
        return try XCTUnwrap(runs["steps"] as? [[String: Any]])
    }

    /// The names after `<context>.` inside `${{ … }}` expressions of a text.
    static func references(_ context: String, in text: String) throws -> Set<String> {
        let expression = try NSRegularExpression(pattern: #"\$\{\{(.*?)\}\}"#, options: [.dotMatchesLineSeparators])
        let name = try NSRegularExpression(pattern: "\\b\(context)\\.([A-Za-z0-9_-]+)")
        var names: Set<String> = []
        let whole = text as NSString
        for match in expression.matches(in: text, range: NSRange(location: 0, length: whole.length)) {
            let inner = whole.substring(with: match.range(at: 1))
            let innerNS = inner as NSString
            for found in name.matches(in: inner, range: NSRange(location: 0, length: innerNS.length)) {
                names.insert(innerNS.substring(with: found.range(at: 1)))
            }
        }
        return names
    }

    func testActionDeclaresEveryInputItUsesAndUsesEveryInputItDeclares() throws {
        let action = try action()
        let text = try String(contentsOf: Self.actionFile, encoding: .utf8)
        let declared = Set(try XCTUnwrap(action["inputs"] as? [String: Any]).keys)
        let used = try Self.references("inputs", in: text)
        XCTAssertEqual(used.subtracting(declared), [], "inputs used but not declared under inputs:")
        XCTAssertEqual(declared.subtracting(used), [], "inputs declared but never used")
        for expected in ["formats", "fail-on", "working-directory", "base"] {
            XCTAssertTrue(declared.contains(expected), "input \(expected)")
        }
        let inputs = try XCTUnwrap(action["inputs"] as? [String: [String: Any]])
        XCTAssertEqual(inputs["base"]?["default"] as? String, "${{ github.base_ref && format('origin/{0}', github.base_ref) || '' }}",
                       "the target branch's tip when the job runs, not the event's base sha")
    }

    func testOutputsAndStepReferencesPointAtStepsThatExist() throws {
        let action = try action()
        let steps = try steps(of: action)
        let ids = Set(steps.compactMap { $0["id"] as? String })
        let text = try String(contentsOf: Self.actionFile, encoding: .utf8)
        XCTAssertEqual(try Self.references("steps", in: text).subtracting(ids), [], "steps referenced but not defined")
        let outputs = try XCTUnwrap(action["outputs"] as? [String: [String: Any]])
        XCTAssertNotNil(outputs["sarif"], "the action offers the SARIF path as an output")
        for (name, output) in outputs {
            XCTAssertNotNil(output["value"] as? String, "output \(name) of a composite action needs a value")
        }
        for step in steps where step["run"] != nil {
            XCTAssertEqual(step["shell"] as? String, "bash", "every run step names its shell: \(step["name"] ?? "")")
        }
    }

    /// `${{ inputs.x }}` spliced into a script is a script injection; inputs go through `env:`.
    func testRunScriptsTakeInputsOnlyThroughTheEnvironmentAndAreValidBash() throws {
        for step in try steps(of: try action()) {
            guard let script = step["run"] as? String else { continue }
            XCTAssertFalse(script.contains("${{"), "step '\(step["name"] ?? "")' splices an expression into its script")
            let check = try GitSandbox.run("/bin/bash", ["-n", "-c", script], in: FileManager.default.temporaryDirectory)
            XCTAssertEqual(check.status, 0, "bash -n on step '\(step["name"] ?? "")': \(check.stderr)")
        }
    }

    func testBuildStepBuildsThePolicyProductOfThePackageAboveTheAction() throws {
        let steps = try steps(of: try action())
        let text = steps.compactMap { $0["run"] as? String }.joined(separator: "\n")
        XCTAssertTrue(text.contains("swift build -c release --product policy"), text)
        XCTAssertTrue(text.contains("$GITHUB_ACTION_PATH/.."), text)
        XCTAssertTrue(text.contains("libgit2-dev"), text)
        let uses = steps.compactMap { $0["uses"] as? String }
        XCTAssertTrue(uses.contains { $0.hasPrefix("actions/cache/restore@") }, "\(uses)")
        XCTAssertFalse(uses.contains { $0.contains("upload") }, "the action uploads nothing by itself: \(uses)")
        // The package the action builds is this repository: Package.swift one level up.
        XCTAssertTrue(FileManager.default.fileExists(atPath: GitSandbox.projectRoot.appendingPathComponent("Package.swift").path))
    }

    func testGeneratedWorkflowParsesAndPassesOnlyInputsTheActionDeclares() throws {
        let sandbox = try GitSandbox()
        let home = sandbox.root.deletingLastPathComponent().path
        let result = try sandbox.policy("init", environment: ["HOME": home, "GIT_CONFIG_NOSYSTEM": "1"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let path = sandbox.root.appendingPathComponent(".github/workflows/tollgate.yml").path
        let workflow = try XCTUnwrap(try PythonTools.parseYAML([path]).first as? [String: Any])
        let jobs = try XCTUnwrap(workflow["jobs"] as? [String: [String: Any]])
        XCTAssertEqual(Set(jobs.keys), ["gate", "record"])
        // Read-only by default; each job asks for what it needs.
        XCTAssertEqual(workflow["permissions"] as? [String: String], ["contents": "read"])
        XCTAssertEqual(jobs["gate"]?["if"] as? String, "github.event_name == 'pull_request'")
        XCTAssertEqual(jobs["gate"]?["permissions"] as? [String: String], ["contents": "read", "security-events": "write"],
                       "the job that runs a pull request's documents cannot write")
        XCTAssertEqual(jobs["record"]?["if"] as? String, "github.event_name == 'push'")
        XCTAssertEqual(jobs["record"]?["permissions"] as? [String: String], ["contents": "write", "security-events": "write"],
                       "only the push job may push refs/notes/tollgate")
        let on = try XCTUnwrap(workflow["on"] as? [String: Any] ?? workflow["true"] as? [String: Any], "\(workflow.keys)")
        XCTAssertEqual((on["push"] as? [String: Any])?["branches"] as? [String], ["main"])

        let version = try XCTUnwrap(try sandbox.policy("--version").stdout.split(separator: "\n").first.map(String.init))
        let declared = Set(try XCTUnwrap(try action()["inputs"] as? [String: Any]).keys)
        let outputs = Set(try XCTUnwrap(try action()["outputs"] as? [String: Any]).keys)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for (name, job) in jobs {
            let steps = try XCTUnwrap(job["steps"] as? [[String: Any]])
            let checkout = try XCTUnwrap(steps.first { ($0["uses"] as? String)?.hasPrefix("actions/checkout@") == true })
            XCTAssertEqual(checkout["uses"] as? String, "actions/checkout@v7", "the current major of checkout")
            XCTAssertEqual((checkout["with"] as? [String: Any])?["fetch-depth"] as? Int, 0, "\(name): full history")

            let gate = try XCTUnwrap(steps.first { ($0["uses"] as? String)?.contains("/action@") == true }, "\(steps)")
            XCTAssertTrue((gate["uses"] as? String)?.hasSuffix("/action@v\(version)") == true, "\(gate)")
            let passed = Set((gate["with"] as? [String: Any] ?? [:]).keys)
            XCTAssertEqual(passed.subtracting(declared), [], "\(name) passes inputs the action does not declare")
            let gateID = try XCTUnwrap(gate["id"] as? String)
            XCTAssertEqual(gateID, "tollgate")

            let upload = try XCTUnwrap(steps.first { ($0["uses"] as? String)?.hasPrefix("github/codeql-action/upload-sarif@") == true })
            XCTAssertEqual(upload["uses"] as? String, "github/codeql-action/upload-sarif@v4", "the current major of the SARIF upload")
            XCTAssertEqual((upload["with"] as? [String: Any])?["sarif_file"] as? String, "${{ steps.\(gateID).outputs.sarif }}")
        }
        XCTAssertEqual(try Self.references("steps", in: text), ["tollgate"])
        let outputUse = try NSRegularExpression(pattern: "steps\\.tollgate\\.outputs\\.([A-Za-z0-9_-]+)")
        let ns = text as NSString
        let usedOutputs = Set(outputUse.matches(in: text, range: NSRange(location: 0, length: ns.length))
            .map { ns.substring(with: $0.range(at: 1)) })
        XCTAssertEqual(usedOutputs, ["sarif", "exit-code"])
        XCTAssertEqual(usedOutputs.subtracting(outputs), [], "the workflow reads outputs the action does not declare")
    }

    // MARK: The check step, run as GitHub runs it

    /// Runs the `check` step's script with `bash -e -o pipefail` in `directory`, as the runner
    /// does, with the environment the step declares.
    func runCheckStep(in sandbox: GitSandbox, formats: String, base: String, failOn: String = "block", args: String = "",
                      mergeReports: String = "", writeCommitGraph: String = "true")
        throws -> (result: GitSandbox.Result, outputs: [String: String]) {
        try Self.runCheckStep(in: sandbox, formats: formats, base: base, failOn: failOn, args: args, mergeReports: mergeReports,
                              writeCommitGraph: writeCommitGraph)
    }

    static func runCheckStep(in sandbox: GitSandbox, formats: String, base: String, failOn: String = "block", args: String = "",
                             mergeReports: String = "", writeCommitGraph: String = "true")
        throws -> (result: GitSandbox.Result, outputs: [String: String]) {
        let parsed = try XCTUnwrap(try PythonTools.parseYAML([actionFile.path]).first as? [String: Any])
        let steps = try XCTUnwrap((parsed["runs"] as? [String: Any])?["steps"] as? [[String: Any]])
        let step = try XCTUnwrap(steps.first { $0["id"] as? String == "check" })
        let script = try XCTUnwrap(step["run"] as? String)
        let outputFile = sandbox.root.deletingLastPathComponent().appendingPathComponent("github-output-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        let result = try GitSandbox.run("/bin/bash", ["--noprofile", "--norc", "-e", "-o", "pipefail", "-c", script],
                                        in: sandbox.root,
                                        environment: ["POLICY": GitSandbox.policyBinary.path, "TOLLGATE_FORMATS": formats,
                                                      "TOLLGATE_FAIL_ON": failOn, "TOLLGATE_BASE": base, "TOLLGATE_ARGS": args,
                                                      "TOLLGATE_MERGE_REPORTS": mergeReports,
                                                      "TOLLGATE_WRITE_COMMIT_GRAPH": writeCommitGraph,
                                                      "GITHUB_OUTPUT": outputFile.path])
        var outputs: [String: String] = [:]
        for line in try String(contentsOf: outputFile, encoding: .utf8).split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { outputs[parts[0]] = parts[1] }
        }
        return (result, outputs)
    }

    func testCheckStepExitsWithTheToolsCodeAndReportsIt() throws {
        let demo = try GitSandbox.demo()
        // No base (a push): the whole HEAD commit, which blocks on the p95 latency. Formats may
        // be separated by spaces or newlines (a YAML block scalar).
        let blocked = try runCheckStep(in: demo, formats: "text\n  json=tollgate.json\n", base: "")
        XCTAssertEqual(blocked.result.status, 1, blocked.result.stdout + blocked.result.stderr)
        XCTAssertEqual(blocked.outputs["exit-code"], "1")
        XCTAssertNil(blocked.outputs["sarif"], "no SARIF asked for")
        XCTAssertTrue(blocked.result.stdout.contains("policy check --rev HEAD --format text --format json=tollgate.json --fail-on block"),
                      blocked.result.stdout)
        XCTAssertTrue(blocked.result.stdout.contains("BLOCK"), blocked.result.stdout)
        XCTAssertTrue(FileManager.default.fileExists(atPath: demo.root.appendingPathComponent("tollgate.json").path))

        // A pull request that changes nothing: nothing to report, exit 0.
        let head = try demo.git("rev-parse", "HEAD")
        let clean = try runCheckStep(in: demo, formats: "text", base: head)
        XCTAssertEqual(clean.result.status, 0, clean.result.stdout + clean.result.stderr)
        XCTAssertEqual(clean.outputs["exit-code"], "0")

        // A tool error stays a tool error.
        let broken = try runCheckStep(in: demo, formats: "text", base: "no-such-revision")
        XCTAssertEqual(broken.result.status, 2, broken.result.stdout + broken.result.stderr)
        XCTAssertEqual(broken.outputs["exit-code"], "2")
    }

    /// The step writes git's commit-graph with Bloom filters before the check (the history
    /// questions then skip what they can), unless told not to; the verdict is the same.
    func testCheckStepWritesACommitGraphUnlessToldNot() throws {
        let demo = try GitSandbox.demo()
        let graph = demo.root.appendingPathComponent(".git/objects/info/commit-graph")
        let without = try runCheckStep(in: demo, formats: "json=without.json", base: "", writeCommitGraph: "false")
        XCTAssertFalse(FileManager.default.fileExists(atPath: graph.path), "write-commit-graph: false writes nothing")
        let with = try runCheckStep(in: demo, formats: "json=with.json", base: "")
        XCTAssertTrue(FileManager.default.fileExists(atPath: graph.path), with.result.stdout + with.result.stderr)
        XCTAssertEqual(try demo.git("commit-graph", "verify").trimmingCharacters(in: .whitespacesAndNewlines), "")
        XCTAssertEqual(with.outputs["exit-code"], without.outputs["exit-code"])
        XCTAssertEqual(try Data(contentsOf: demo.root.appendingPathComponent("with.json")),
                       try Data(contentsOf: demo.root.appendingPathComponent("without.json")))
    }

    /// The last job of a sharded check: the step merges the shards' reports (a glob) into the
    /// SARIF and text of the whole check, and exits as the check does.
    func testCheckStepMergesTheReportsOfAShardedCheck() throws {
        let demo = try GitSandbox.demo()
        for index in 1...3 {
            let shard = try runCheckStep(in: demo, formats: "json=shard-\(index).json", base: "", args: "--shard \(index)/3")
            XCTAssertTrue(["0", "1"].contains(shard.outputs["exit-code"]), shard.result.stdout + shard.result.stderr)
        }
        let whole = try demo.policy("check", "--rev", "HEAD", "--format", "sarif=whole.sarif")
        XCTAssertEqual(whole.status, 1)
        let merged = try runCheckStep(in: demo, formats: "text sarif=merged.sarif", base: "origin/unused", mergeReports: "shard-*.json")
        XCTAssertEqual(merged.result.status, 1, merged.result.stdout + merged.result.stderr)
        XCTAssertEqual(merged.outputs["exit-code"], "1")
        XCTAssertTrue(merged.result.stdout.contains("policy merge-reports shard-1.json shard-2.json shard-3.json --format text --format sarif=merged.sarif --fail-on block"),
                      merged.result.stdout)
        XCTAssertTrue(merged.result.stdout.contains("p95 latency 28.7 ms exceeds 25 ms"), merged.result.stdout)
        let sarif = try XCTUnwrap(merged.outputs["sarif"])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: sarif)), try Data(contentsOf: demo.root.appendingPathComponent("whole.sarif")))

        let missing = try runCheckStep(in: demo, formats: "text", base: "", mergeReports: "shard-1.json shard-2.json")
        XCTAssertEqual(missing.outputs["exit-code"], "2", "a shard missing: \(missing.result.stderr)")
        XCTAssertTrue(missing.result.stderr.contains("shard 3/3 missing"), missing.result.stderr)
    }

    func testCheckStepOutputsTheAbsolutePathOfTheSARIFReport() throws {
        let demo = try GitSandbox.demo()
        let probe = try demo.policy("check", "--format", "sarif=probe.sarif")
        if probe.status == 2, probe.stderr.contains("format") {
            throw XCTSkip("this build of policy does not write SARIF yet: \(probe.stderr)")
        }
        let run = try runCheckStep(in: demo, formats: "text sarif=tollgate.sarif", base: "")
        XCTAssertEqual(run.result.status, 1, run.result.stdout + run.result.stderr)
        let sarif = try XCTUnwrap(run.outputs["sarif"], "\(run.outputs)")
        XCTAssertTrue(sarif.hasPrefix("/") && sarif.hasSuffix("/tollgate.sarif"), sarif)
        let data = try Data(contentsOf: URL(fileURLWithPath: sarif))
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(json["version"] as? String, "2.1.0")
    }
}

/// Python tools for the tests: PyYAML to parse what Tollgate writes (independently of the
/// YAML library Tollgate itself uses) and pre-commit. PyYAML comes from the system's python3
/// when it has it; otherwise, and for pre-commit, from a virtual environment cached in
/// /tmp/tollgate-precommit-venv (created with pip on first use; pre-commit brings PyYAML).
enum PythonTools {
    static let venv = URL(fileURLWithPath: "/tmp/tollgate-precommit-venv")

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The virtual environment with pre-commit in it, created (once, under a lock, since test
    /// processes run in parallel) when missing.
    static func ensureVenv() throws -> URL {
        let python = venv.appendingPathComponent("bin/python").path
        let script = """
            set -e
            V=\(venv.path)
            if "$V/bin/python" -c 'import pre_commit, yaml' 2>/dev/null; then exit 0; fi
            rm -rf "$V"
            python3 -m venv "$V"
            "$V/bin/python" -m pip install --quiet --disable-pip-version-check pre-commit
            """
        let result: GitSandbox.Result
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/flock") {
            result = try GitSandbox.run("/usr/bin/flock", [venv.path + ".lock", "/bin/sh", "-c", script],
                                        in: FileManager.default.temporaryDirectory)
        } else {
            result = try GitSandbox.run("/bin/sh", ["-c", script], in: FileManager.default.temporaryDirectory)
        }
        guard result.status == 0, FileManager.default.isExecutableFile(atPath: python) else {
            throw Failure(description: "could not create the pre-commit virtual environment at \(venv.path) (pip needs PyPI): \(result.stderr)")
        }
        return venv
    }

    /// A python3 that can `import yaml`.
    static func pythonWithYAML() throws -> String {
        if let system = which("python3"),
           (try? GitSandbox.run(system, ["-c", "import yaml"], in: FileManager.default.temporaryDirectory))?.status == 0 {
            return system
        }
        return try ensureVenv().appendingPathComponent("bin/python").path
    }

    /// Every file parsed with PyYAML's safe loader (one document each), as JSON values.
    static func parseYAML(_ paths: [String]) throws -> [Any] {
        let code = """
            import json, sys, yaml
            docs = []
            for path in sys.argv[1:]:
                with open(path, encoding="utf-8") as f:
                    docs.append(yaml.safe_load(f))
            print(json.dumps(docs, default=str))
            """
        let result = try GitSandbox.run(try pythonWithYAML(), ["-c", code] + paths, in: FileManager.default.temporaryDirectory)
        guard result.status == 0 else { throw Failure(description: "PyYAML could not parse \(paths): \(result.stderr)") }
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8), options: [.fragmentsAllowed])
        guard let list = object as? [Any] else { throw Failure(description: "unexpected output: \(result.stdout)") }
        return list
    }

    static func which(_ name: String) -> String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}
