import ArgumentParser
import Foundation
import Workspace

/// `policy pack`: policy packs vendored from git repositories.
struct PackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "Vendor the policy packs the Config names, pinned by commit and content digest.",
        discussion: """
            A pack is a directory of Policy documents in a git repository, named in \
            .tollgate.yaml under spec.packs (source, ref, path, digest). `policy pack update` \
            fetches it and writes it into policies/vendor/<name>/, pinned in \
            policies/vendor/packs.lock; `policy check` verifies the vendored files against the \
            lock and never fetches. See docs/packs.md.
            """,
        subcommands: [PackUpdateCommand.self, PackListCommand.self]
    )
}

/// `policy pack update [NAME…]`.
struct PackUpdateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Fetch the policy packs and vendor them, pinned in the lock.",
        discussion: """
            Fetches each pack (all, or those named) through libgit2, resolves its ref (a tag, \
            a branch or a full commit id) to a commit, and writes the files under its path \
            into policies/vendor/<name>/, replacing what was there; the lock pins the commit \
            and the content digest. Nothing is written when a pack cannot be fetched, its ref \
            does not resolve, or its content differs from the digest the Config pins (exit 2). \
            Commit the vendored directory and the lock together (signed by a policy-owner when \
            policies/** is protected).
            """
    )

    @Argument(help: "Names of the packs to update (default: every pack of the Config).")
    var names: [String] = []

    @OptionGroup var repository: RepositoryOptions

    func run() throws {
        let outcome: PackUpdateUseCase.Outcome
        do {
            outcome = try PackUpdateUseCase(Workspace(directory: repository.resolvedDirectory)).run(names: names)
        } catch let error as WorkspaceError {
            throw ToolError(error.localizedDescription)
        }
        for update in outcome.updates {
            let change: String
            switch update.previousCommit {
            case nil: change = "vendored"
            case update.commit?: change = "unchanged"
            case let previous?: change = "updated from \(previous.prefix(12))"
            }
            print("\(update.name): \(update.ref) → commit \(update.commit.prefix(12)), \(update.files) file\(update.files == 1 ? "" : "s") in \(update.directory) (\(change))")
            print("  digest: \(update.digest)")
        }
        for name in outcome.removed {
            print("\(name): removed (no longer named in the Config)")
        }
        if let lockFile = outcome.lockFile {
            print("pinned in \(lockFile); commit it with the vendored files")
        } else {
            print("the Config names no policy packs (spec.packs): nothing is vendored")
        }
    }
}

/// `policy pack list`.
struct PackListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the policy packs, what the lock pins and whether the vendored files match it.",
        discussion: "Reads only the working tree (never the network). Exit 1 when a vendored pack differs from the lock."
    )

    @OptionGroup var repository: RepositoryOptions

    func run() throws {
        let listing: (packs: [PackListUseCase.Pack], problems: [String], lockFile: String)
        do {
            listing = try PackListUseCase(Workspace(directory: repository.resolvedDirectory)).run()
        } catch let error as WorkspaceError {
            throw ToolError(error.localizedDescription)
        }
        if listing.packs.isEmpty { print("no policy packs in the Config (spec.packs)") }
        for pack in listing.packs {
            let pinned = pack.pinnedCommit.map { "commit \($0.prefix(12)), \(pack.pinnedDigest ?? "")" } ?? "not vendored"
            print("\(pack.name): \(pack.source) @ \(pack.ref): \(pinned)")
        }
        if !listing.problems.isEmpty {
            print("\nthe vendored packs differ from \(listing.lockFile):")
            listing.problems.forEach { print("  \($0)") }
            throw ExitCode(1)
        }
    }
}
