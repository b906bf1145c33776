import Foundation
import GitKit
import Documents
import Policy
import Provenance

/// A repository opened for checking: finds the states to read, loads documents and
/// policies from them, and runs the evaluator. All reading goes through libgit2.
public final class Workspace: @unchecked Sendable {
    public let repository: Repository
    /// The directory the user ran in, relative to the working tree root ("" = root).
    public let subdirectory: String
    /// Every blob parsed, by blob and path, shared by the check and the history walks.
    let documents = DocumentCache()

    /// Opens the repository containing `directory` (like `git -C`). Shallow clones are
    /// refused: the audit trail needs the full history.
    public init(directory: String) throws {
        let absolute = Workspace.canonical(directory)
        do {
            repository = try Repository.discover(startingAt: absolute)
        } catch {
            throw WorkspaceError.notARepository(error.localizedDescription)
        }
        if repository.isShallow { throw WorkspaceError.shallowClone }
        if let root = repository.workingDirectory.map(Workspace.canonical), absolute.hasPrefix(root) {
            subdirectory = String(absolute.dropFirst(root.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        } else {
            subdirectory = ""
        }
    }

    // MARK: - Check

    /// How many times this workspace loaded a repository state (`loadState`): every command
    /// loads one, once (`policy approve` used to resolve the same state four times).
    public private(set) var stateLoads = 0

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

    public func check(_ options: CheckOptions) throws -> CheckRun {
        let store = options.usesLocalStores ? ReadingStore(gitDirectory: repository.gitDirectory) : nil
        // A staged check of a change reads only what the change reaches: its subjects come later.
        let reachOnly = options.mode == .staged && !options.all && store != nil
        return try check(options, in: try loadState(options.mode, subjects: !reachOnly, store: store), store: store)
    }

    func check(_ options: CheckOptions, in state: RepositoryState, store: ReadingStore?) throws -> CheckRun {
        var states = state.states
        if options.pathsAreChange { states.changed = options.paths.map(resolveFilter) }
        let config = state.config
        let history = options.usesLocalStores ? HistoryStore(gitDirectory: repository.gitDirectory) : nil
        history?.seed(repository)
        let trusted = state.trusted
        let facts = GitRepositoryFacts(repository: repository, snapshot: states.evaluated,
                                       branchHead: states.targetBranch ?? states.historyHead,
                                       documents: documents, history: history)
        let evaluated: Loaded
        var hintNames: [DocumentKind: [String]]?
        let documentCount: Int
        if state.subjects == nil, let store, let changed = states.changed,
           let reach = try loadReach(from: states.evaluated, config: config, changed: Set(changed), store: store, facts: facts) {
            (evaluated, hintNames, documentCount) = (reach.loaded, reach.names, reach.count)
        } else {
            evaluated = try state.subjects ?? load(from: states.evaluated, config: config, .subjects, store: store)
            documentCount = evaluated.documents.count
        }
        store?.save()
        let storeUse = store.map { store in
            "\(documentCount) documents: \(store.stored) parsed, \(store.hits) decoded from .git/tollgate/readings"
                + (hintNames != nil ? "; only what the staged change reaches was read" : "")
        }

        var diagnostics = evaluated.diagnostics
        // Unmerged paths are not in the staged snapshot: say so rather than pass them over.
        for path in states.conflicted where config.includes(path) || config.isPolicyPath(path) {
            diagnostics.append(Diagnostic(.yaml,
                "\(path) has unresolved merge conflicts in the index; resolve them and `git add` the file, then check again",
                at: .start(of: path)))
        }
        if states.rangeCommits != nil {
            // The head's own policy changes are not applied, but a broken one still blocks the change.
            let headTrusted = try load(from: states.evaluated, config: config, .trusted)
            diagnostics += headTrusted.diagnostics
            diagnostics += PolicyLoader.load(headTrusted.documents).diagnostics
        }
        let set = DocumentSet(evaluated.documents, names: hintNames)
        let filters = options.pathsAreChange ? [] : options.paths.map(resolveFilter)
        try checkFiltersMatch(filters, in: states.evaluated, config: config)
        let changed = options.all ? nil : states.changed.map(Set.init)
        let selectedFile: (String) -> Bool = { file in
            (filters.isEmpty || filters.contains { Workspace.path(file, isUnder: $0) })
                && (changed?.contains(file) ?? true)
        }
        let selected: (Document) -> Bool = { document in
            guard filters.isEmpty || filters.contains(where: { Workspace.path(document.file, isUnder: $0) }) else { return false }
            guard let changed else { return true }
            return DocumentGraph.selectingFiles(of: document, in: set).contains { changed.contains($0) }
                || changed.contains { ApprovalAttributor.isConventionalApprovalPath($0, of: document.name) }
        }
        let provenance = CommitProvenance(repository: repository, team: trusted.team)
        let committed = CommittedContent(repository: repository, snapshot: states.evaluated,
                                         head: states.historyHead, isCommit: states.isCommit)
        let attributor = ApprovalAttributor(provenance: provenance, head: states.historyHead, documents: set,
                                            isCommitted: { committed.isCommitted($0) })
        var findings: [Finding] = []
        if let commits = states.rangeCommits {
            findings += try git { try ProtectedPaths.check(commits: commits, rules: config.protect, provenance: provenance) }
        }
        let ledger = ApprovalLedger(attributor)
        var evaluator = Evaluator(policies: trusted.policies, approvals: { ledger.approvals(of: $0) },
                                  repository: facts, stages: config.stages, waiverRequirement: config.waivers)
        if options.mode == .staged { evaluator.approvalsAtMost = .warn }
        evaluator.regate = options.regate
        evaluator.wholeSetNames = hintNames
        evaluator.decisionInChange = decisionInChange(states)
        let recorded = RecordedVerdicts(repository: repository, head: states.historyHead)
        evaluator.recordedVerdict = { recorded.verdict(of: $0) }
        let report = evaluator
            .evaluate(set, diagnostics: diagnostics, findings: findings, isSelected: selected, isSelectedFile: selectedFile)
        // A history that cannot be read is no history without promotions (H1's finding: a
        // missing blob read as "none was found in history").
        if let error = facts.walkError {
            throw WorkspaceError.git(GitError.wrapping(error), context: "the history of \(states.evaluated.label) cannot be read")
        }
        history?.save(repository)
        var run = CheckRun(report: report, evaluated: states.evaluated.label, policySource: states.trusted.label,
                           policies: trusted.policies.map(\.name), documentCount: documentCount,
                           changedPaths: states.changed, approvals: ledger.byRequest, root: repository.workingDirectory)
        run.storeUse = storeUse
        return run
    }

    /// The bundle digest of a request — or of a waiver, whose bundle is itself — in the given
    /// state (SPEC §1, `policy digest`).
    public func digest(request name: String, mode: CheckOptions.Mode = .workingTree) throws -> BundleDigest {
        try digest(request: name, in: loadState(mode, subjects: true))
    }

    func digest(request name: String, in state: RepositoryState) throws -> BundleDigest {
        let loaded = try state.subjects ?? load(from: state.states.evaluated, config: state.config, .subjects)
        let set = DocumentSet(loaded.documents)
        guard let subject = set.document(.promotionRequest, named: name) ?? set.document(.waiver, named: name) else {
            throw WorkspaceError.unknownDocument(.promotionRequest, name,
                                                 candidates: (set.documents(of: .promotionRequest) + set.documents(of: .waiver)).map(\.name))
        }
        let (bundle, missing) = DocumentGraph.bundle(of: subject, in: set)
        if let link = missing.first, case .named(let field, let kinds) = link.target {
            throw WorkspaceError.unknownDocument(kinds[0], subject.text(field) ?? "", candidates: set.documents(of: kinds[0]).map(\.name))
        }
        let files = Set(bundle.map(\.file))
        let errors = (loaded.diagnostics + set.diagnostics).filter { $0.severity == .error && files.contains($0.location.file) }
        guard errors.isEmpty else { throw WorkspaceError.invalidDocument(subject.reference, errors) }
        return BundleDigest(documents: bundle)
    }

    /// Remembers the attributions made during evaluation, for `policy explain`.
    final class ApprovalLedger: @unchecked Sendable {
        let attributor: ApprovalAttributor
        private(set) var byRequest: [String: [AttributedApproval]] = [:]

        init(_ attributor: ApprovalAttributor) {
            self.attributor = attributor
        }

        func approvals(of request: Document) -> [AttributedApproval] {
            if let known = byRequest[request.name] { return known }
            let approvals = attributor.approvals(of: request)
            byRequest[request.name] = approvals
            return approvals
        }
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
            let index = try git { try repository.indexFiles() }
            let snapshot = BlobSnapshot(repository, label: "index", files: index.files)
            let head = try git { try repository.head() }
            var states = States(evaluated: snapshot, trusted: snapshot,
                                changed: try git { try repository.stagedChangedPaths(against: head) },
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

    func git<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as WorkspaceError {
            throw error
        } catch {
            throw WorkspaceError.git(GitError.wrapping(error))
        }
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
        // Read what is not cached (in this process, or kept by the store), parse it on every
        // core, then take the readings in path order.
        var unread: [(bytes: [UInt8], path: String)] = []
        var contentIDs: [ObjectID?] = []
        var stored: [(blob: ObjectID, path: String, bytes: [UInt8]?)] = []
        for path in paths where snapshot.blobID(path).flatMap({ documents[$0, path] }) == nil {
            let blob = snapshot.blobID(path)
            if let store, let blob, store.contains(blob: blob, path: path) {
                stored.append((blob, path, nil))
                continue
            }
            let bytes = try git { try snapshot.read(path) }
            // The working tree has no blob ids: its files are kept under the id git would give them.
            let content = store == nil ? blob : (blob ?? (try? Repository.blobID(hashing: bytes)))
            if let store, blob == nil, let content, store.contains(blob: content, path: path) {
                stored.append((content, path, bytes))
                continue
            }
            unread.append((bytes, path))
            contentIDs.append(content)
        }
        var fresh: [String: DocumentLoader.Reading] = [:]
        for (entry, kept) in zip(stored, store?.readings(stored.map { ($0.blob, $0.path) }) ?? []) {
            if let kept {
                fresh[entry.path] = kept
                if let blob = snapshot.blobID(entry.path) { documents[blob, entry.path] = kept }
            } else {
                unread.append((try entry.bytes ?? git { try snapshot.read(entry.path) }, entry.path))
                contentIDs.append(entry.blob)
            }
        }
        for ((file, content), reading) in zip(zip(unread, contentIDs), DocumentLoader.readAll(unread)) {
            fresh[file.path] = reading
            if let blob = snapshot.blobID(file.path) { documents[blob, file.path] = reading }
            if let store, let content { store.keep(reading, blob: content, path: file.path) }
        }
        var loaded = Loaded()
        for path in paths {
            guard let reading = fresh[path] ?? snapshot.blobID(path).flatMap({ documents[$0, path] }) else { continue }
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
        summaries += try load(from: snapshot, config: config, .subjects, store: store, only: unknown).documents.map(DocumentSummary.init)
        let subset = StagedSubset(summaries)
        let reach = subset.reach(of: subset.selected(changed: changed)) { model in
            facts.mergedPromotions(of: model).compactMap { $0.request.text("run") }
        }
        let loaded = try load(from: snapshot, config: config, .subjects, store: store,
                              only: reach.union(unknown).union(changed).union(nonDocuments))
        return (loaded, subset.names, subset.summaries.count)
    }

    struct Trusted {
        var documents: [Document]
        var policies: [Policy]
        var team: Team
    }

    /// Policies, Teams and the Config: any problem in them stops the check (exit 2).
    func loadTrusted(from snapshot: Snapshot, config: ProjectConfig, store: ReadingStore? = nil) throws -> Trusted {
        let loaded = try load(from: snapshot, config: config, .trusted, store: store)
        let errors = loaded.diagnostics.filter { $0.severity == .error }
        var documents = loaded.documents
        if let configDocument = config.document, !documents.contains(configDocument) { documents.append(configDocument) }
        let duplicates = DocumentSet(documents).diagnostics.filter { $0.code == .duplicateName }
        let (policies, problems) = PolicyLoader.load(documents)
        let (team, teamProblems) = Team.load(documents)
        let all = errors + duplicates + problems + teamProblems
        guard all.isEmpty else { throw WorkspaceError.invalidPolicy(all.sorted { $0.location < $1.location }) }
        guard !policies.isEmpty else {
            throw WorkspaceError.invalidPolicy([Diagnostic(.envelope,
                "no policies found in \(config.policyDirectories.joined(separator: ", ")) of the \(snapshot.label): nothing would be checked (add Policy documents, or set spec.policies in \(ProjectConfig.fileName))",
                at: .start(of: config.file ?? ProjectConfig.fileName))])
        }
        return Trusted(documents: documents, policies: policies, team: team)
    }

    // MARK: - Selection

    /// A user's path filter, relative to where they ran, as a repository-relative path.
    func resolveFilter(_ path: String) -> String {
        var parts = subdirectory.split(separator: "/").map(String.init)
        if path.hasPrefix("/"), let root = repository.workingDirectory.map(Workspace.canonical) {
            let absolute = Workspace.canonical(path)
            if absolute.hasPrefix(root) {
                return String(absolute.dropFirst(root.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            }
        }
        for component in path.split(separator: "/") {
            switch component {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(String(component))
            }
        }
        return parts.joined(separator: "/")
    }

    /// Every path filter must have a document path under it (whether or not it changed):
    /// `policy check models/does-not-exist` in CI is an error, not a pass with 0 subjects.
    func checkFiltersMatch(_ filters: [String], in snapshot: Snapshot, config: ProjectConfig) throws {
        guard !filters.isEmpty else { return }
        let documents = Workspace.paths(of: .subjects, in: snapshot, config: config)
        for filter in filters where !documents.contains(where: { Workspace.path($0, isUnder: filter) }) {
            var directories: Set<String> = []
            for path in documents {
                var parts = path.split(separator: "/").dropLast()
                while !parts.isEmpty { directories.insert(parts.joined(separator: "/")); parts.removeLast() }
            }
            throw WorkspaceError.pathMatchesNothing(filter, state: snapshot.label,
                                                    candidates: directories.sorted() + documents)
        }
    }

    static func path(_ file: String, isUnder filter: String) -> Bool {
        filter.isEmpty || file == filter || file.hasPrefix(filter + "/")
    }

    static func canonical(_ path: String) -> String {
        let url = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath()
        var result = url.path
        while result.count > 1 && result.hasSuffix("/") { result.removeLast() }
        return result
    }
}
