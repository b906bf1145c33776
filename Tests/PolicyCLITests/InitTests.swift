import Foundation
import XCTest

/// `policy init`: a repository it sets up checks at once; it never overwrites anything.
final class InitTests: XCTestCase {
    static let written = [
        ".tollgate.yaml", "policies/team.yaml", ".github/workflows/tollgate.yml", ".pre-commit-config.yaml",
    ]

    /// The policy files of the tool's own pack (what `policy init` must embed).
    static func allPackFiles() throws -> [String] {
        let directory = GitSandbox.projectRoot.appendingPathComponent("policies")
        return try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
            .sorted()
    }

    /// The pack files each `policy init --profile` writes (the strict profile: all of them).
    static let profileFiles: [String: [String]] = [
        "minimal": ["approvals.yaml", "rai.yaml", "release-gate.yaml"],
        "standard": ["approvals.yaml", "fairness.yaml", "lifecycle.yaml", "rai.yaml", "release-gate.yaml"],
    ]

    /// The pack files `policy init` writes by default (the standard profile).
    static func packFiles(profile: String = "standard") throws -> [String] {
        try profileFiles[profile] ?? allPackFiles()
    }

    /// `policy init` with git's global configuration out of the way (HOME in the sandbox), so
    /// that only the repository's own user.* settings count.
    @discardableResult
    func initialize(_ sandbox: GitSandbox, _ arguments: String..., in directory: String? = nil) throws -> GitSandbox.Result {
        let home = sandbox.root.deletingLastPathComponent().path
        return try sandbox.policy(["init"] + arguments, in: directory, environment: ["HOME": home, "GIT_CONFIG_NOSYSTEM": "1"])
    }

    func configureUser(_ sandbox: GitSandbox, name: String = "Dana Kowalski", email: String = "Dana.Kowalski+ml@distilops.example") throws {
        try sandbox.git("config", "user.name", name)
        try sandbox.git("config", "user.email", email)
    }

    func copyDemoDocuments(into sandbox: GitSandbox) throws {
        let source = GitSandbox.projectRoot.appendingPathComponent("fixtures/distilops/repo")
        for directory in ["models", "runs", "requests", "incidents"] {
            try FileManager.default.copyItem(at: source.appendingPathComponent(directory),
                                             to: sandbox.root.appendingPathComponent(directory))
        }
    }

    func testInitThenTheDemoDocumentsGiveAVerdict() throws {
        let sandbox = try GitSandbox()
        try configureUser(sandbox)
        let result = try initialize(sandbox)
        XCTAssertEqual(result.status, 0, result.stderr)
        for path in Self.written + (try Self.packFiles()).map({ "policies/" + $0 }) {
            XCTAssertTrue(result.stdout.contains("created  \(path)"), "\(path) reported as created:\n\(result.stdout)")
            XCTAssertTrue(FileManager.default.fileExists(atPath: sandbox.root.appendingPathComponent(path).path), path)
        }
        XCTAssertTrue(result.stdout.contains("Next steps:"), result.stdout)
        XCTAssertTrue(result.stdout.contains("policy hook install"), result.stdout)

        let empty = try sandbox.policy("check", "--format", "json")
        XCTAssertEqual(empty.status, 0, "a fresh setup has nothing to block: \(empty.stdout) \(empty.stderr)")

        try copyDemoDocuments(into: sandbox)
        let check = try sandbox.policy("check", "--format", "json")
        XCTAssertTrue([0, 1].contains(check.status), "a verdict, not a tool error: \(check.status) \(check.stderr)")
        let json = try check.json()
        let subjects = try XCTUnwrap(json["subjects"] as? [[String: Any]])
        XCTAssertTrue(subjects.contains { $0["name"] as? String == "fraud-student-2.1.0-production" }, "\(subjects)")
        // The same setup works for the index (the pre-commit hook) once everything is staged.
        try sandbox.git("add", "-A")
        let staged = try sandbox.policy("check", "--staged")
        XCTAssertTrue([0, 1].contains(staged.status), staged.stderr)
    }

    func testASecondInitSkipsEveryFileAndChangesNothing() throws {
        let sandbox = try GitSandbox()
        try configureUser(sandbox)
        XCTAssertEqual(try initialize(sandbox).status, 0)
        let paths = Self.written + (try Self.packFiles()).map { "policies/" + $0 }
        let before = try paths.map { try sandbox.read($0) }
        try sandbox.write("policies/team.yaml", "# my own team\n")

        let again = try initialize(sandbox)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertFalse(again.stdout.contains("created"), again.stdout)
        for path in paths {
            XCTAssertTrue(again.stdout.contains("skipped  \(path)"), "\(path) reported as skipped:\n\(again.stdout)")
        }
        XCTAssertTrue(again.stdout.contains("Nothing was written"), again.stdout)
        XCTAssertEqual(try sandbox.read("policies/team.yaml"), "# my own team\n", "never overwritten")
        for (path, text) in zip(paths, before) where path != "policies/team.yaml" {
            XCTAssertEqual(try sandbox.read(path), text, path)
        }
    }

    func testInitOutsideARepositoryIsAToolError() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-norepo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try GitSandbox.run(GitSandbox.policyBinary.path, ["init"], in: directory,
                                        environment: ["GIT_CEILING_DIRECTORIES": directory.deletingLastPathComponent().path])
        XCTAssertEqual(result.status, 2, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.contains("not a git repository"), result.stderr)
        XCTAssertEqual(result.stdout, "", "a tool error writes nothing to stdout")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), [], "nothing written")
    }

    func testInitFromASubdirectoryWritesAtTheRoot() throws {
        let sandbox = try GitSandbox()
        try configureUser(sandbox)
        try sandbox.write("models/README.md", "models\n")
        let result = try initialize(sandbox, "-C", "models")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: sandbox.root.appendingPathComponent(".tollgate.yaml").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.root.appendingPathComponent("models/.tollgate.yaml").path))
    }

    // MARK: The Team template

    func testTeamTemplateNamesTheUserWithTheirConfiguredSigningKey() throws {
        let sandbox = try GitSandbox()
        try configureUser(sandbox)
        let key = sandbox.root.deletingLastPathComponent().appendingPathComponent("id_ed25519").path
        let keygen = try GitSandbox.run("/usr/bin/env", ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "dana", "-f", key],
                                        in: sandbox.root)
        XCTAssertEqual(keygen.status, 0, keygen.stderr)
        let publicLine = try String(contentsOfFile: key + ".pub", encoding: .utf8)
        let publicKey = publicLine.split(separator: " ").prefix(2).joined(separator: " ")

        // A private key without its .pub beside it: the public half is derived with ssh-keygen -y.
        let lone = sandbox.root.deletingLastPathComponent().appendingPathComponent("lone/id_ed25519").path
        try FileManager.default.createDirectory(atPath: (lone as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: key, toPath: lone)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: lone)

        // Each way git accepts user.signingkey for SSH: the .pub file, the private key, key::literal.
        for configured in [key + ".pub", key, lone, "key::" + publicLine.trimmingCharacters(in: .whitespacesAndNewlines)] {
            try? FileManager.default.removeItem(at: sandbox.root.appendingPathComponent("policies/team.yaml"))
            try sandbox.git("config", "gpg.format", "ssh")
            try sandbox.git("config", "user.signingkey", configured)
            let result = try initialize(sandbox)
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertTrue(result.stdout.contains("created  policies/team.yaml"), result.stdout)
            XCTAssertFalse(result.stdout.contains("signing key"), "no warning when the key is found: \(result.stdout)")
            let team = try sandbox.read("policies/team.yaml")
            XCTAssertTrue(team.contains("signingKeys: [\"\(publicKey)\"]"), "user.signingkey=\(configured):\n\(team)")
        }
        let team = try XCTUnwrap(try PythonTools.parseYAML([sandbox.root.appendingPathComponent("policies/team.yaml").path]).first as? [String: Any])
        let member = try XCTUnwrap(((team["spec"] as? [String: Any])?["members"] as? [[String: Any]])?.first)
        XCTAssertEqual(member["id"] as? String, "dana.kowalski-ml", "the e-mail's local part in the name pattern")
        XCTAssertEqual(member["name"] as? String, "Dana Kowalski")
        XCTAssertEqual(member["emails"] as? [String], ["Dana.Kowalski+ml@distilops.example"])
        XCTAssertEqual(member["roles"] as? [String], ["approver", "policy-owner"])

        // The Team is valid trusted data: a check runs with it (no exit 2).
        try copyDemoDocuments(into: sandbox)
        let check = try sandbox.policy("check")
        XCTAssertTrue([0, 1].contains(check.status), check.stderr)
    }

    func testTeamTemplateWithoutASigningKeyWarnsAndStaysValid() throws {
        let sandbox = try GitSandbox()
        try configureUser(sandbox, name: "Ünal \"Q\" O'Neil", email: "-O'Neil@example.com")
        let result = try initialize(sandbox)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("warning: no user.signingkey is configured"), result.stdout)
        let team = try XCTUnwrap(try PythonTools.parseYAML([sandbox.root.appendingPathComponent("policies/team.yaml").path]).first as? [String: Any])
        let member = try XCTUnwrap(((team["spec"] as? [String: Any])?["members"] as? [[String: Any]])?.first)
        XCTAssertEqual(member["id"] as? String, "o-neil")
        XCTAssertEqual(member["name"] as? String, "Ünal \"Q\" O'Neil", "quoted, so a name cannot change the YAML")
        XCTAssertEqual(member["signingKeys"] as? [String], [])
        let check = try sandbox.policy("check")
        XCTAssertEqual(check.status, 0, "the template is valid trusted data: \(check.stdout) \(check.stderr)")
    }

    // MARK: What is written

    func testEveryWrittenYAMLParsesAndTollgateDocumentsNameTheirSchema() throws {
        let sandbox = try GitSandbox()
        try configureUser(sandbox)
        XCTAssertEqual(try initialize(sandbox).status, 0)
        let paths = Self.written + (try Self.packFiles()).map { "policies/" + $0 }
        let documents = try PythonTools.parseYAML(paths.map { sandbox.root.appendingPathComponent($0).path })
        XCTAssertEqual(documents.count, paths.count)
        var kinds: Set<String> = []
        for (path, document) in zip(paths, documents) {
            let mapping = try XCTUnwrap(document as? [String: Any], "\(path) is a YAML mapping")
            guard mapping["apiVersion"] as? String == "tollgate/v1" else { continue }
            let kind = try XCTUnwrap(mapping["kind"] as? String, path)
            kinds.insert(kind)
            // The schema is named by a path relative to the file, into the copy init writes in
            // docs/schemas/ (so it resolves offline, in any clone), and that copy is the schema
            // the tool publishes in its own docs/schemas/, byte for byte.
            let firstLine = try sandbox.read(path).components(separatedBy: "\n")[0]
            let prefix = "# yaml-language-server: $schema="
            XCTAssertTrue(firstLine.hasPrefix(prefix), "\(path): \(firstLine)")
            let reference = String(firstLine.dropFirst(prefix.count))
            XCTAssertFalse(reference.contains("://"), "\(path) names its schema by a relative path: \(reference)")
            let directory = sandbox.root.appendingPathComponent(path).deletingLastPathComponent()
            let resolved = directory.appendingPathComponent(reference).standardizedFileURL
            XCTAssertEqual(resolved.path, sandbox.root.appendingPathComponent("docs/schemas/\(kind.lowercased()).json").standardizedFileURL.path, path)
            let published = GitSandbox.projectRoot.appendingPathComponent("docs/schemas/\(kind.lowercased()).json")
            XCTAssertEqual(try Data(contentsOf: resolved), try Data(contentsOf: published), "\(path): \(reference)")
        }
        XCTAssertTrue(kinds.isSuperset(of: ["Config", "Team", "Policy"]), "\(kinds)")

        let config = try XCTUnwrap(try PythonTools.parseYAML([sandbox.root.appendingPathComponent(".tollgate.yaml").path]).first as? [String: Any])
        let spec = try XCTUnwrap(config["spec"] as? [String: Any])
        XCTAssertEqual(spec["policies"] as? [String], ["policies/"])
        XCTAssertEqual(spec["include"] as? [String], ["**/*.yaml", "**/*.yml"])
        XCTAssertEqual(spec["stages"] as? [String], ["development", "staging", "production", "retired"])
        XCTAssertEqual((spec["waivers"] as? [String: Any])?["role"] as? String, "policy-owner")

        let preCommit = try XCTUnwrap(try PythonTools.parseYAML([sandbox.root.appendingPathComponent(".pre-commit-config.yaml").path]).first as? [String: Any])
        let hooks = ((preCommit["repos"] as? [[String: Any]])?.first?["hooks"] as? [[String: Any]]) ?? []
        XCTAssertEqual(hooks.first?["id"] as? String, "policy-check")
    }

    /// The pack is compiled into the binary (Sources/Workspace/Scaffold/DefaultPack.swift);
    /// `policy init` must write exactly the tool's policies/*.yaml, below the schema comment.
    func testInitWritesTheDefaultPackByteForByte() throws {
        let sandbox = try GitSandbox()
        try configureUser(sandbox)
        XCTAssertEqual(try initialize(sandbox, "--profile", "strict").status, 0)
        let hint = "the pack embedded in policy differs from policies/: run scripts/embed-pack and rebuild"
        let pack = try Self.packFiles(profile: "strict")
        XCTAssertEqual(pack, try Self.allPackFiles(), "the strict profile has every file of the pack")
        let written = try FileManager.default.contentsOfDirectory(atPath: sandbox.root.appendingPathComponent("policies").path)
            .filter { $0 != "team.yaml" && $0 != "tests" }.sorted()
        XCTAssertEqual(written, pack, hint)
        // The starter tests and their example, and the runbooks, are embedded the same way.
        let starter = ["starter/example/card.yaml", "starter/example/request.yaml", "starter/example/run.yaml",
                       "starter/history/ticket-router-1.0.0-staging.yaml", "starter/strict.yaml"]
        let runbooks = try FileManager.default.contentsOfDirectory(atPath: GitSandbox.projectRoot.appendingPathComponent("docs/runbooks").path)
            .filter { $0.hasSuffix(".md") && $0 != "README.md" }.sorted()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: sandbox.root.appendingPathComponent("docs/runbooks").path).sorted(),
                       runbooks, "the strict profile links every runbook")
        let copies = pack.map { ("policies/\($0)", "policies/\($0)") } + starter.map { ("policies/tests/\($0)", "policies/tests/\($0)") }
            + runbooks.map { ("docs/runbooks/\($0)", "docs/runbooks/\($0)") }
        for (name, sourcePath) in copies {
            let original = try Data(contentsOf: GitSandbox.projectRoot.appendingPathComponent(sourcePath))
            var copy = try Data(contentsOf: sandbox.root.appendingPathComponent(name))
            let schemaPrefix = Data("# yaml-language-server: $schema=".utf8)
            if copy.starts(with: schemaPrefix), !original.starts(with: schemaPrefix),
               let newline = copy.firstIndex(of: UInt8(ascii: "\n")) {
                copy = copy.subdata(in: copy.index(after: newline)..<copy.endIndex)
            }
            XCTAssertEqual(copy, original, "\(name): \(hint)")
        }
    }

    func testExistingPreCommitConfigIsLeftAloneAndTheEntryIsPrinted() throws {
        let sandbox = try GitSandbox()
        try configureUser(sandbox)
        let mine = "repos:\n  - repo: https://github.com/psf/black\n    rev: 24.1.0\n    hooks:\n      - id: black\n"
        try sandbox.write(".pre-commit-config.yaml", mine)
        let result = try initialize(sandbox)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try sandbox.read(".pre-commit-config.yaml"), mine)
        XCTAssertTrue(result.stdout.contains("skipped  .pre-commit-config.yaml"), result.stdout)
        XCTAssertTrue(result.stdout.contains("- id: policy-check"), "the entry to add is printed:\n\(result.stdout)")
        XCTAssertTrue(result.stdout.contains("rev: v"), result.stdout)
    }

    func testPackPoliciesAndTeamsDefinedElsewhereAreNotDefinedTwice() throws {
        let sandbox = try GitSandbox()
        try configureUser(sandbox)
        let pack = try Self.packFiles()
        let first = try XCTUnwrap(pack.first)
        let text = try String(contentsOf: GitSandbox.projectRoot.appendingPathComponent("policies/\(first)"), encoding: .utf8)
        try sandbox.write("policies/ours/renamed.yaml", text)
        try sandbox.write("policies/people.yaml", """
            apiVersion: tollgate/v1
            kind: Team
            metadata: {name: people}
            spec:
              members:
                - {id: erin, name: Erin, emails: [erin@example.com], roles: [approver]}

            """)
        let result = try initialize(sandbox)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.root.appendingPathComponent("policies/\(first)").path), result.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.root.appendingPathComponent("policies/team.yaml").path), result.stdout)
        XCTAssertTrue(result.stdout.contains("already defined in policies/ours/renamed.yaml"), result.stdout)
        XCTAssertTrue(result.stdout.contains("a Team is already defined in policies/people.yaml"), result.stdout)
        let check = try sandbox.policy("check")
        XCTAssertEqual(check.status, 0, "no duplicate definitions: \(check.stdout) \(check.stderr)")
    }
}
