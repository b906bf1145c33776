import ArgumentParser
import Foundation
import Workspace

/// `policy hook`: git hooks.
struct HookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook",
        abstract: "Manage the git pre-commit hook that runs `policy check --staged`.",
        subcommands: [HookInstallCommand.self]
    )
}

/// `policy hook install`: a plain git pre-commit hook, for repositories without pre-commit.
struct HookInstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install a git pre-commit hook that runs `policy check --staged`.",
        discussion: """
            Writes pre-commit in the repository's hooks directory (core.hooksPath when set, \
            else .git/hooks). The hook runs this policy binary by its absolute path, or \
            `policy` from PATH if that binary is gone; a block stops the commit. A hook \
            written by Tollgate is rewritten; any other hook is left alone unless --force, \
            which keeps it as pre-commit.before-tollgate. With the pre-commit framework, use \
            the policy-check hook in .pre-commit-config.yaml instead (see `policy init`).
            """
    )

    @Flag(help: "Replace a pre-commit hook that Tollgate did not write.")
    var force = false

    @OptionGroup var repository: RepositoryOptions

    func run() throws {
        let installation: HookInstallation
        do {
            installation = try HookInstaller(directory: repository.resolvedDirectory)
                .install(executable: HookInstaller.runningExecutable(), force: force)
        } catch let error as ScaffoldError {
            throw ToolError(error.localizedDescription)
        }
        let verb: String
        switch installation.outcome {
        case .created: verb = "installed"
        case .updated: verb = "updated"
        case .replaced(let backup?): verb = "replaced (the previous hook is kept as \(backup))"
        case .replaced(nil): verb = "replaced"
        }
        print("pre-commit hook \(verb): \(installation.path)")
        print("  runs: \(installation.executable) check --staged")
    }
}
