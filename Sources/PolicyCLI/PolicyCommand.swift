import ArgumentParser
import GitKit

/// `policy`: the Tollgate command line.
struct PolicyCommand: ParsableCommand {
    static let version = "0.1.0"

    /// The Yams release this binary is built with: Package.swift pins it `exact:`, and
    /// VersionTests holds the two equal.
    static let yamsVersion = "6.2.2"

    /// What `policy --version` prints: the bare version on the first line (scripts read it),
    /// then the libraries the binary was built with.
    static var versionText: String {
        """
        \(version)
        libgit2 \(LibGit2Version.description)
        Yams \(yamsVersion)
        """
    }

    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Tollgate: a git-native release gate for machine-learning models.",
        discussion: """
            Reads model cards, run manifests, promotion requests and incidents from a git \
            repository through libgit2, evaluates the repository's policies and returns \
            pass, warn or block for every subject, each reason located at file:line:column.

            Exit codes: 0 nothing blocks; 1 at least one block (or a warning with \
            --fail-on warn); 2 the check could not be made.
            """,
        version: versionText,
        subcommands: [CheckCommand.self, MergeReportsCommand.self, ReportCommand.self, ApproveCommand.self, ExplainCommand.self, AuditCommand.self, DigestCommand.self, TestCommand.self, InitCommand.self, HookCommand.self, SchemaCommand.self, PackCommand.self, ImportCommand.self, AttestCommand.self, VerifyAttestationCommand.self]
    )
}

/// Options every command that reads a repository takes.
struct RepositoryOptions: ParsableArguments {
    @Option(name: .customShort("C"), help: ArgumentHelp("Run as if started in <dir>.", valueName: "dir"))
    var directory: String?

    var resolvedDirectory: String {
        directory ?? FileManager.default.currentDirectoryPath
    }
}

import Foundation
