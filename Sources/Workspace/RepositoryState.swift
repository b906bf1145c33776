import Foundation
import GitKit
import Documents
import Policy
import Provenance

/// Loading a repository state: which snapshots a mode evaluates and trusts, the config, the
/// trusted data and the subjects, read once per command (`loadState`). Every use case is a
/// function of the `RepositoryState` this gives.
extension Workspace {
    /// The loaded state a command is a function of: the resolved revisions, the config, the
    /// trusted data and, unless the command reads only part of them, the subjects.
    struct RepositoryState {
        var mode: CheckOptions.Mode
        var states: States
        var config: ProjectConfig
        var trusted: Trusted
        /// Every subject document of the evaluated state; nil when a staged check reads only
        /// what its change reaches.
        var subjects: Loaded?
    }

    /// Resolves the revisions of `mode` and loads the config, the trusted data and (when
    /// `subjects`) every subject document, once.
    func loadState(_ mode: CheckOptions.Mode, subjects: Bool, store: ReadingStore? = nil) throws -> RepositoryState {
        stateLoads += 1
        let states = try resolveStates(mode)
        let config = try ProjectConfig.load(from: states.trusted, startingAt: subdirectory)
        let trusted = try loadTrusted(from: states.trusted, config: config, store: store)
        let loaded = subjects ? try load(from: states.evaluated, config: config, .subjects, store: store) : nil
        return RepositoryState(mode: mode, states: states, config: config, trusted: trusted, subjects: loaded)
    }

    // MARK: - States

    struct States {
        var evaluated: Snapshot
        var trusted: Snapshot
        /// Range mode: paths changed between the merge base and the head.
        var changed: [String]?
        /// The commit whose history attributes approvals: the evaluated commit, or HEAD in
        /// working-tree and staged modes (nil on an unborn branch).
        var historyHead: ObjectID?
        /// Whether the evaluated state is a commit (nothing in it can be uncommitted).
        var isCommit: Bool
        /// Range mode: the commits of `base..head`, newest first.
        var rangeCommits: [ObjectID]?
        /// Range mode: the base, whose first-parent history is the target branch.
        var targetBranch: ObjectID?
        /// Staged mode: paths with unmerged (conflict) entries in the index.
        var conflicted: [String] = []
    }

    func resolveStates(_ mode: CheckOptions.Mode) throws -> States {
        switch mode {
        case .workingTree:
            guard repository.workingDirectory != nil else { throw WorkspaceError.bareRepository(mode: "working-tree mode") }
            let snapshot = try git { try WorkingTreeSnapshot(repository) }
            return States(evaluated: snapshot, trusted: snapshot, changed: nil,
                          historyHead: try git { try repository.head() }, isCommit: false, rangeCommits: nil)
        case .staged:
            let head = try git { try repository.head() }
            // One read of the index gives the staged files and what they change.
            let (index, changed) = try git { try repository.stagedState(against: head) }
            let snapshot = BlobSnapshot(repository, label: "index", files: index.files)
            var states = States(evaluated: snapshot, trusted: snapshot, changed: changed,
                                historyHead: head, isCommit: false, rangeCommits: nil)
            states.conflicted = index.conflicted
            states.changed = (states.changed ?? []) + index.conflicted
            return states
        case .revision(let revision):
            let commit = try resolve(revision)
            let snapshot = try commitSnapshot(commit)
            return States(evaluated: snapshot, trusted: snapshot, changed: nil,
                          historyHead: commit, isCommit: true, rangeCommits: nil)
        case .range(let baseRevision, let headRevision):
            let base = try resolve(baseRevision)
            let head = try resolve(headRevision ?? "HEAD")
            guard let mergeBase = try git({ try repository.mergeBase(base, head) }) else {
                throw WorkspaceError.noCommonHistory(base: baseRevision, head: headRevision ?? "HEAD")
            }
            let changed = try git { try repository.changedPaths(from: mergeBase, to: head) }
            // Trusted data comes from the base itself, the tip of the branch the change merges
            // into: a member removed there, or a policy tightened there, after the change forked
            // judges it (SPEC §3). The subjects are still those of merge-base..head.
            return States(evaluated: try commitSnapshot(head, label: "head \(head.short)"),
                          trusted: try commitSnapshot(base, label: "base \(base.short)"),
                          changed: changed, historyHead: head, isCommit: true,
                          rangeCommits: try git { try repository.commits(from: mergeBase, to: head) },
                          targetBranch: base)
        }
    }

    func resolve(_ revision: String) throws -> ObjectID {
        if revision == "HEAD", try git({ try repository.head() }) == nil { throw WorkspaceError.unbornHead }
        do {
            return try repository.resolveCommit(revision)
        } catch {
            throw WorkspaceError.unknownRevision(revision, error.localizedDescription)
        }
    }

    func commitSnapshot(_ commit: ObjectID, label: String? = nil) throws -> Snapshot {
        let files = try git { try repository.files(inCommit: commit) }
        return BlobSnapshot(repository, label: label ?? "commit \(commit.short)", files: files)
    }

    // MARK: - Loading

    struct Loaded {
        var documents: [Document] = []
        var diagnostics: [Diagnostic] = []
    }

    /// Which documents of a state to read.
    enum Part {
        /// Subjects: documents under `include`, outside the policy directories.
        case subjects
        /// Trusted data: Policy, Team, Config and PolicyTest documents in the policy
        /// directories (other documents there, such as policy-test fixtures, are not subjects).
        case trusted
    }

    /// Reads one part of a state. Trusted kinds found outside the policy directories are
    /// reported and ignored, so a policy cannot be slipped in beside the models.
    func load(from snapshot: Snapshot, config: ProjectConfig, _ part: Part, store: ReadingStore? = nil,
              only: Set<String>? = nil) throws -> Loaded {
        let paths = Workspace.paths(of: part, in: snapshot, config: config, among: only)
        let readings = try git { try documentSource(store).readings(of: paths, in: snapshot, bytes: [:]) }
        var loaded = Loaded()
        for path in paths {
            guard let reading = readings[path] else { continue }
            switch reading {
            case .notTollgate:
                continue
            case .unreadable(let problems):
                loaded.diagnostics += problems
            case .document(let document, let problems):
                switch (part, document.kind.isTrusted) {
                case (.subjects, true):
                    loaded.diagnostics.append(Diagnostic(.envelope,
                        "\(document.kind.rawValue) documents are read only from \(config.policyDirectories.joined(separator: ", ")) (spec.policies of \(ProjectConfig.fileName)); this one is ignored",
                        at: document.nameLocation, severity: .warning))
                case (.trusted, false):
                    continue
                default:
                    loaded.documents.append(document)
                    loaded.diagnostics += problems
                }
            }
        }
        return loaded
    }

    /// The documents source of this run: parsing, behind the kept readings when there is a
    /// store, behind the blobs this process parsed.
    func documentSource(_ store: ReadingStore?) -> any DocumentSource {
        let parsing = ParsingDocumentSource()
        return InProcessDocumentSource(base: store.map { StoredDocumentSource(base: parsing, store: $0) } ?? parsing,
                                       cache: documents)
    }

    /// The paths of a part of a state (of those in `among`, when given), in path order.
    static func paths(of part: Part, in snapshot: Snapshot, config: ProjectConfig, among: Set<String>? = nil) -> [String] {
        snapshot.paths.filter { path in
            if let among, !among.contains(path) { return false }
            let inPolicies = config.isPolicyPath(path) || path == config.file
            switch part {
            case .subjects: return !inPolicies && config.includes(path)
            case .trusted: return inPolicies
            }
        }
    }

    /// Staged mode, when the store knows the summary of (nearly) every document: reads only the
    /// documents the change can reach (`StagedSubset`) — the changed files, the bundles they
    /// belong to, and what those bundles' rules read. Nil when too much is new to the store
    /// (the first run after a build): then everything is read, and kept for the next run.
    func loadReach(from snapshot: Snapshot, config: ProjectConfig, changed: Set<String>, store: ReadingStore,
                   facts: GitRepositoryFacts) throws -> (loaded: Loaded, names: [DocumentKind: [String]], count: Int)? {
        let paths = Workspace.paths(of: .subjects, in: snapshot, config: config)
        var summaries: [DocumentSummary] = []
        summaries.reserveCapacity(paths.count)
        var unknown: Set<String> = []
        var nonDocuments: Set<String> = []
        for path in paths {
            guard let blob = snapshot.blobID(path) else { return nil }
            switch store.summary(blob: blob, path: path) {
            case .some(.some(let summary)):
                if !summary.kind.isTrusted { summaries.append(summary) }
            case .some(.none):
                // No document: YAML of another tool, or a file that cannot be read. Both are read
                // (cheaply: a kept reading of either is a few bytes), so that an unreadable file a
                // reached document names is reported as in the whole set.
                nonDocuments.insert(path)
            case .none:
                unknown.insert(path)
            }
        }
        guard unknown.count <= max(64, paths.count / 10) else { return nil }
        // New content is parsed (and kept, so the next run knows its summary).
        if !unknown.isEmpty {
            let parsed = try load(from: snapshot, config: config, .subjects, store: store, only: unknown).documents
            summaries = Workspace.merged(summaries, parsed.map(DocumentSummary.init))
        }
        let subset = StagedSubset(summaries)
        let reach = subset.reach(of: subset.selected(changed: changed)) { model in
            facts.mergedPromotions(of: model).compactMap { $0.request.text("run") }
        }
        let loaded = try load(from: snapshot, config: config, .subjects, store: store,
                              only: reach.union(unknown).union(changed).union(nonDocuments))
        return (loaded, subset.names, subset.summaries.count)
    }

    /// Two lists of summaries in path order as one (what `StagedSubset` would sort them into).
    static func merged(_ kept: [DocumentSummary], _ parsed: [DocumentSummary]) -> [DocumentSummary] {
        let order: (DocumentSummary, DocumentSummary) -> Bool = { ($0.file, $0.kind.rawValue) < ($1.file, $1.kind.rawValue) }
        var result: [DocumentSummary] = []
        result.reserveCapacity(kept.count + parsed.count)
        var next = parsed.sorted(by: order)[...]
        for summary in kept {
            while let first = next.first, order(first, summary) { result.append(next.removeFirst()) }
            result.append(summary)
        }
        result += next
        return result
    }

    struct Trusted {
        var documents: [Document]
        var policies: [Policy]
        var team: Team
        /// The vendored packs checked against the lock: blocking findings when they differ.
        var packs = PackVerification()
    }

    /// Policies, Teams and the Config: any problem in them stops the check (exit 2).
    /// Vendored packs are verified against the lock first (`PackVerification`, no network):
    /// the files of a pack that differs are not read, and the difference is a blocking finding.
    func loadTrusted(from snapshot: Snapshot, config: ProjectConfig, store: ReadingStore? = nil) throws -> Trusted {
        let packs = PackVerification(snapshot, config: config)
        let only = packs.untrusted.isEmpty ? nil
            : Set(Workspace.paths(of: .trusted, in: snapshot, config: config)).subtracting(packs.untrusted)
        let loaded = try load(from: snapshot, config: config, .trusted, store: store, only: only)
        var errors = loaded.diagnostics.filter { $0.severity == .error }
        // A pack brings rules, never members or settings: those stay the team's own.
        for document in loaded.documents where document.file.hasPrefix(config.packDirectory)
            && (document.kind == .team || document.kind == .config) {
            errors.append(Diagnostic(.envelope,
                "\(document.kind.rawValue) documents are not read from policy packs (\(config.packDirectory)): a pack brings Policy and PolicyTest documents only",
                at: document.nameLocation))
        }
        var documents = loaded.documents
        if let configDocument = config.document, !documents.contains(configDocument) { documents.append(configDocument) }
        let duplicates = DocumentSet(documents).diagnostics.filter { $0.code == .duplicateName }
        let (policies, problems) = PolicyLoader.load(documents)
        let (team, teamProblems) = Team.load(documents)
        let all = errors + duplicates + problems + teamProblems
        guard all.isEmpty else { throw WorkspaceError.invalidPolicy(all.sorted { $0.location < $1.location }) }
        guard !policies.isEmpty else {
            if !packs.findings.isEmpty {
                // Every policy was in a pack that does not verify: say why, not "no policies".
                throw WorkspaceError.invalidPolicy(packs.findings.map { Diagnostic(.envelope, $0.message, at: $0.location) })
            }
            throw WorkspaceError.invalidPolicy([Diagnostic(.envelope,
                "no policies found in \(config.policyDirectories.joined(separator: ", ")) of the \(snapshot.label): nothing would be checked (add Policy documents, or set spec.policies in \(ProjectConfig.fileName))",
                at: .start(of: config.file ?? ProjectConfig.fileName))])
        }
        return Trusted(documents: documents, policies: policies, team: team, packs: packs)
    }
}
