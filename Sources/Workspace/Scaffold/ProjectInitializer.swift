import Foundation
import Documents
import GitKit

/// `policy init`: scaffolds Tollgate in a git repository — the Config, the default policy pack
/// (the files of a profile, see `PackProfile`), its starter tests, the runbooks its rules
/// link, a Team with the user in it, a GitHub workflow and a pre-commit configuration.
///
/// It never overwrites anything: a file that exists is skipped and reported, and so is a file
/// that would define what the repository already defines (a Team, a policy of the same name),
/// because two definitions would make the gate invalid. Running it twice changes nothing.
public struct ProjectInitializer {
    public let root: String
    let git: GitCommandLine
    let toolVersion: String
    let profile: PackProfile

    /// Finds the repository that contains `directory` (like `git -C`); files are written at the
    /// root of its working tree, wherever in it `directory` is.
    public init(directory: String, toolVersion: String, profile: PackProfile = .default) throws {
        let repository: Repository
        do {
            repository = try Repository.discover(startingAt: directory)
        } catch {
            throw ScaffoldError.notARepository(error.localizedDescription)
        }
        guard let root = repository.workingDirectory else {
            throw ScaffoldError.bareRepository(command: "policy init")
        }
        self.root = root
        self.git = GitCommandLine(directory: root)
        self.toolVersion = toolVersion
        self.profile = profile
    }

    public func run() throws -> InitReport {
        let user = GitUser.fromConfiguration(git)
        let existing = ExistingDefinitions(root: root)
        let packDirectory = existing.policyDirectory
        var files: [ScaffoldFile] = []
        var warnings: [String] = []

        files.append(offer(ProjectConfig.fileName, ProjectTemplates.config))
        for packFile in profile.packFiles {
            let path = packDirectory + packFile.name
            var file = ScaffoldFile(path: path, contents: SchemaComment.adding(to: packFile.contents, at: path))
            if let name = Self.metadataName(packFile.contents), let other = existing.policies[name], other != path {
                file.outcome = .skipped(reason: "policy '\(name)' is already defined in \(other)")
            }
            files.append(offer(file))
        }
        for starterFile in profile.starterFiles {
            let path = packDirectory + "tests/" + starterFile.name
            files.append(offer(path, SchemaComment.adding(to: starterFile.contents, at: path)))
        }
        for runbook in profile.runbooks {
            files.append(offer(PackProfile.runbookDirectory + runbook.name, runbook.contents))
        }
        for schema in SchemaComment.schemaFiles {
            files.append(offer(schema.path, schema.contents))
        }
        var team = ScaffoldFile(path: packDirectory + "team.yaml",
                                contents: ProjectTemplates.team(for: user, at: packDirectory + "team.yaml"))
        if let other = existing.teams.first, other != team.path {
            team.outcome = .skipped(reason: "a Team is already defined in \(other)")
        }
        team = offer(team)
        files.append(team)
        if team.outcome == .created {
            if user.email == nil {
                warnings.append("git config user.email is not set: \(team.path) lists you as \(user.memberID)@example.com; put your address there")
            }
            if user.signingKey == nil {
                let why = user.configuredSigningKey.map { "user.signingkey (\($0)) is not an SSH public key Tollgate can read" }
                    ?? "no user.signingkey is configured"
                warnings.append("\(why): \(team.path) lists you without a signing key, so your approvals will not count until you add one")
            }
        }
        files.append(offer(".github/workflows/tollgate.yml",
                           ProjectTemplates.workflow(version: toolVersion, branch: currentBranch())))

        var snippet: String?
        let preCommitPath = ".pre-commit-config.yaml"
        var preCommit = offer(preCommitPath, ProjectTemplates.preCommitConfig(version: toolVersion))
        if case .skipped = preCommit.outcome {
            let text = (try? String(contentsOfFile: absolute(preCommitPath), encoding: .utf8)) ?? ""
            if text.contains("policy-check") || text.contains("policy check") {
                preCommit.outcome = .skipped(reason: "exists and already runs Tollgate")
            } else {
                preCommit.outcome = .skipped(reason: "exists; not modified: add the hook shown below")
                snippet = ProjectTemplates.preCommitEntry(version: toolVersion)
            }
        }
        files.append(preCommit)

        return InitReport(root: root, files: files, preCommitSnippet: snippet, warnings: warnings,
                          nextSteps: nextSteps(team: team, user: user, packDirectory: packDirectory,
                                               protected: existing.configProtectsPolicies ?? true))
    }

    func nextSteps(team: ScaffoldFile, user: GitUser, packDirectory: String, protected: Bool = true) -> [String] {
        var steps = ["Edit \(team.path): add the people who approve promotions, each with their SSH public key and roles (approver, rai-reviewer, policy-owner)."]
        if user.signingKey == nil {
            steps.append("Sign your commits with SSH so that your approvals count: git config gpg.format ssh && git config user.signingkey ~/.ssh/id_ed25519.pub")
        }
        steps += [
            "Review the policies in \(packDirectory) (the \(profile.rawValue) profile) and run `policy check` to see the verdict on the documents already here; `policy test \(packDirectory)tests` runs the starter tests, which show a complete example model in \(packDirectory)tests/starter/example/.",
            protected
                ? "Commit the new files (signed: git commit -S). \(ProjectConfig.fileName) and \(packDirectory) are protected: later changes need a policy-owner's signature."
                // The Config was there before init and does not protect them: say so, never claim it.
                : "Commit the new files (signed: git commit -S). Your \(ProjectConfig.fileName) does not protect \(packDirectory) and itself, so anyone can change the policies: add `- {paths: [\"\(packDirectory)**\", \"\(ProjectConfig.fileName)\"], role: policy-owner}` to its spec.protect, and later changes need a policy-owner's signature.",
            "Install the hook that checks each commit: `pre-commit install` (or, without pre-commit, `policy hook install`).",
            "Push: .github/workflows/tollgate.yml checks every pull request against the policies of its base. The pull request that adds Tollgate fails with exit 2 (its base has no policies yet): review it by hand, merge it, then make the check required.",
        ]
        return steps
    }

    // MARK: - Writing

    func offer(_ path: String, _ contents: String) -> ScaffoldFile {
        offer(ScaffoldFile(path: path, contents: contents))
    }

    /// Writes the file unless it exists (or was already skipped); never overwrites.
    func offer(_ file: ScaffoldFile) -> ScaffoldFile {
        var file = file
        guard file.outcome == nil else { return file }
        let url = URL(fileURLWithPath: absolute(file.path))
        if (try? FileManager.default.attributesOfItem(atPath: url.path)) != nil {
            file.outcome = .skipped(reason: "exists")
            return file
        }
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.contents.utf8).write(to: url, options: .withoutOverwriting)
            file.outcome = .created
        } catch {
            let exists = (try? FileManager.default.attributesOfItem(atPath: url.path)) != nil
            file.outcome = .skipped(reason: exists ? "exists" : "could not be written: \(error.localizedDescription)")
        }
        return file
    }

    func absolute(_ path: String) -> String {
        root + "/" + path
    }

    /// The branch HEAD is on (also when it has no commit yet), for the workflow's push trigger.
    func currentBranch() -> String {
        (try? git.run(["symbolic-ref", "--quiet", "--short", "HEAD"])).flatMap { $0.isEmpty ? nil : $0 } ?? "main"
    }

    /// `metadata.name` of a pack file.
    static func metadataName(_ text: String) -> String? {
        guard case .document(let document, _) = DocumentLoader.read(Array(text.utf8), path: "pack.yaml") else { return nil }
        return document.name
    }
}
