import ArgumentParser
import Foundation
import Policy
import Reporters
import Workspace

/// `policy check`: evaluate the repository's policies and print a verdict per subject.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Evaluate the policies and print pass, warn or block for every subject.",
        discussion: """
            Modes: the working tree (default); --staged, the index (pre-commit hook: only \
            subjects the commit changes, approvals warn); \
            --rev REV, one commit; --base REV [--head REV], a range under review: the head \
            is evaluated, Policy, Team and Config documents come from REV itself (the tip of \
            the branch the change merges into), and only subjects changed between the merge \
            base and the head are reported unless --all. A promotion \
            request that states a decision (spec.status released, withdrawn or superseded) \
            is reported as decided, not gated, unless --regate or the change under review \
            records the decision.

            Examples:
              policy check
              policy check --staged
              policy check --base origin/main --format text --format json=tollgate.json
              policy check models/fraud-student --fail-on warn
              policy check --rev HEAD --shard 2/4 --format json=shard-2.json   (then policy merge-reports)
            """
    )

    @Argument(help: ArgumentHelp("Only report subjects whose files are under these paths.", valueName: "path"))
    var paths: [String] = []

    @OptionGroup var modes: ModeOptions

    @Flag(help: "With --base or --staged: report every subject, not only those the change touches.")
    var all = false

    @Flag(name: .customLong("paths-are-changes"),
          help: "With --staged: the paths are the files the commit changes (pre-commit passes them; `pre-commit run --all-files` passes every file, so every subject is checked), not filters.")
    var pathsAreChanges = false

    @Flag(help: "Gate decided promotion requests (spec.status released, withdrawn or superseded) like open ones, against today's policies.")
    var regate = false

    @Flag(help: "Store the JSON verdict as a git note of the evaluated commit (refs/notes/tollgate). Needs --rev or --base.")
    var record = false

    @Flag(name: .customLong("no-cache"),
          help: "Parse and walk everything: neither read nor write what local checks keep in .git/tollgate/ (--rev and --base never use it; also TOLLGATE_NO_CACHE=1).")
    var noCache = false

    @Option(help: ArgumentHelp("Check only part K of N of the subjects (1 ≤ K ≤ N ≤ 1000), for a CI matrix: a subject's part is 1 + (the first 8 bytes of SHA-256 of its name, big-endian) mod N, so adding a subject moves no other. Every document is still read; combine the parts' JSON with `policy merge-reports`.", valueName: "k/n"))
    var shard: String?

    @OptionGroup var output: ReportOutputOptions

    @OptionGroup var repository: RepositoryOptions

    func validate() throws {
        if all && modes.base == nil && !modes.staged {
            throw ValidationError("--all only applies with --base or --staged (other modes report every subject)")
        }
        if pathsAreChanges && !modes.staged { throw ValidationError("--paths-are-changes only applies with --staged") }
        if record && modes.rev == nil && modes.base == nil {
            throw ValidationError("--record stores the verdict of a commit: use it with --rev or --base")
        }
        if let shard {
            if case .failure(let error) = Shard.parse(shard) { throw ValidationError(error.description) }
            if record { throw ValidationError("--record stores the verdict of the whole check: not with --shard (merge the shards' reports with `policy merge-reports`)") }
        }
    }

    /// The part of the check asked for, validated.
    var selectedShard: Shard? {
        shard.flatMap { try? Shard.parse($0).get() }
    }

    var mode: CheckOptions.Mode { modes.mode }

    func run() throws {
        let run: CheckRun
        var metadata: ReportMetadata
        do {
            let workspace = try Workspace(directory: repository.resolvedDirectory)
            // Its thousands of parsed documents are given back by the end of the process, not
            // freed one by one (a tenth of a warm pre-commit check).
            Entry.keepUntilExit(workspace)
            let cacheOff = noCache || ["1", "true", "yes"].contains(ProcessInfo.processInfo.environment["TOLLGATE_NO_CACHE"]?.lowercased() ?? "")
            var options = CheckOptions(mode: mode, paths: paths, all: all, keepsLocalStores: !cacheOff,
                                       regate: regate)
            options.pathsAreChange = pathsAreChanges
            options.shard = selectedShard
            run = try CheckUseCase(workspace).run(options)
            if let use = run.storeUse, ProcessInfo.processInfo.environment["TOLLGATE_DEBUG_STORES"] == "1" {
                FileHandle.standardError.write(Data("policy: stores: \(use)\n".utf8))
            }
            metadata = ReportMetadata(toolVersion: PolicyCommand.version, evaluated: run.evaluated,
                                      policySource: run.policySource, policies: run.policies,
                                      documentCount: run.documentCount)
            metadata.shard = selectedShard
            if record, let commit = try CheckUseCase(workspace).evaluatedCommit(mode) {
                try CheckUseCase(workspace).record(JSONReporter().render(run.report, metadata: metadata), for: commit)
            }
        } catch let error as WorkspaceError {
            throw ToolError(error.localizedDescription)
        }
        try output.write(run.report, metadata: metadata, root: run.root)
    }
}

extension ToolError: LocalizedError {
    var errorDescription: String? { description }
}
