import Foundation
import GitKit
import Documents
import Policy
import Provenance

/// `policy check`: evaluates a loaded state and reports every selected subject.
public struct CheckUseCase: WorkspaceUseCase {
    public let workspace: Workspace

    public init(_ workspace: Workspace) {
        self.workspace = workspace
    }

    public func run(_ options: CheckOptions) throws -> CheckRun {
        try evaluate(options).run
    }

    /// A check of `options`, with what it evaluated (for `policy report` and `policy explain`).
    func evaluate(_ options: CheckOptions) throws -> Evaluation {
        let store = options.usesLocalStores ? ReadingStore(gitDirectory: repository.gitDirectory) : nil
        // A staged check of a change reads only what the change reaches: its subjects come later.
        let reachOnly = options.mode == .staged && !options.all && store != nil
        let state = try loadState(options.mode, subjects: !reachOnly, store: store)
        return try evaluate(options, in: state, store: store)
    }

    func run(_ options: CheckOptions, in state: Workspace.RepositoryState, store: ReadingStore?) throws -> CheckRun {
        try evaluate(options, in: state, store: store).run
    }

    /// What one check computed, for the use cases that render more of it than the report
    /// (`policy report`, `policy explain`): the run, the evaluated documents and the facts of
    /// the history the rules read.
    struct Evaluation {
        var run: CheckRun
        var set: DocumentSet
        var facts: GitRepositoryFacts
        var states: Workspace.States
        var config: ProjectConfig
        var policies: [Policy]
    }

    func evaluate(_ options: CheckOptions, in state: Workspace.RepositoryState, store: ReadingStore?) throws -> Evaluation {
        var states = state.states
        if options.pathsAreChange { states.changed = options.paths.map(resolveFilter) }
        let config = state.config
        let history = options.usesLocalStores ? HistoryStore(gitDirectory: repository.gitDirectory) : nil
        repository.keptAnswers = history
        let trusted = state.trusted
        let facts = GitRepositoryFacts(repository: repository, snapshot: states.evaluated,
                                       branchHead: states.targetBranch ?? states.historyHead,
                                       documents: documents, history: history)
        let evaluated: Workspace.Loaded
        var hintNames: [DocumentKind: [String]]?
        let documentCount: Int
        if state.subjects == nil, let store, let changed = states.changed,
           let reach = try workspace.loadReach(from: states.evaluated, config: config, changed: Set(changed), store: store, facts: facts) {
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
        var packFindings = trusted.packs.findings
        if states.rangeCommits != nil {
            // The head's own policy changes are not applied, but a broken one still blocks the change.
            let headTrusted = try load(from: states.evaluated, config: config, .trusted)
            diagnostics += headTrusted.diagnostics
            diagnostics += PolicyLoader.load(headTrusted.documents).diagnostics
            // Nor are its vendored packs, but a head whose packs differ from its own lock (a
            // tampered vendored file) blocks too. The head's Config says which packs it vendors;
            // one that cannot be read is reported with the head's policy files above.
            let headConfig = (try? ProjectConfig.load(from: states.evaluated, startingAt: subdirectory)) ?? config
            for finding in PackVerification(states.evaluated, config: headConfig).findings where !packFindings.contains(finding) {
                packFindings.append(finding)
            }
        }
        let packFiles = Set(packFindings.map(\.subject.file))
        let set = DocumentSet(evaluated.documents, names: hintNames)
        let filters = options.pathsAreChange ? [] : options.paths.map(resolveFilter)
        try checkFiltersMatch(filters, in: states.evaluated, config: config)
        let changed = options.all ? nil : states.changed.map(Set.init)
        let approvalRequests = ApprovalAttributor.requests(withApprovalPathsIn: changed ?? [])
        let selectedFile: (String) -> Bool = { file in
            // A pack that differs from its lock blocks whatever the change or the filters select.
            packFiles.contains(file) || (filters.isEmpty || filters.contains { Workspace.path(file, isUnder: $0) })
                && (changed?.contains(file) ?? true)
        }
        let selected: (Document) -> Bool = { document in
            guard filters.isEmpty || filters.contains(where: { Workspace.path(document.file, isUnder: $0) }) else { return false }
            guard let changed else { return true }
            return approvalRequests.contains(document.name)
                || DocumentGraph.isSelected(document, in: set, changed: changed)
        }
        facts.modelsOfInterest = CheckUseCase.models(of: set, selectedBy: selected, all: changed == nil && filters.isEmpty)
        let provenance = CommitProvenance(repository: repository, team: trusted.team)
        let committed = CommittedContent(repository: repository, snapshot: states.evaluated,
                                         head: states.historyHead, isCommit: states.isCommit)
        var attributor = ApprovalAttributor(provenance: provenance, head: states.historyHead, documents: set,
                                            isCommitted: { committed.isCommitted($0) })
        if !states.isCommit {
            // Whoever git will make the author of the next commit authors what is uncommitted.
            attributor.uncommittedAuthors = Set(ApproveUseCase.configuredMembers(in: trusted.team,
                                                                                 config: repository.configValue).map(\.id))
        }
        // Every history question the approvals of the selected requests will ask, in one walk.
        attributor.askHistory(for: set.documents.filter { ($0.kind == .promotionRequest || $0.kind == .waiver) && selected($0) })
        var findings: [Finding] = packFindings
        if let commits = states.rangeCommits {
            findings += try git { try ProtectedPaths.check(commits: commits, rules: config.protect, provenance: provenance) }
        }
        // Subjects are evaluated on every core: whatever reads the repository takes its turn.
        let turn = facts.turn
        let ledger = ApprovalLedger(attributor, turn: turn)
        var evaluator = Evaluator(policies: trusted.policies, approvals: { ledger.approvals(of: $0) },
                                  repository: facts, stages: config.stages, waiverRequirement: config.waivers)
        let signatures = FileSignatures(attributor, turn: turn)
        evaluator.fileSignature = { signatures.signature(of: $0) }
        if options.mode == .staged { evaluator.approvalsAtMost = .warn }
        evaluator.regate = options.regate
        evaluator.shard = options.shard
        evaluator.checksRunbooks = true
        evaluator.wholeSetNames = hintNames
        let decisionInChange = workspace.decisionInChange(states)
        evaluator.decisionInChange = { request in turn { decisionInChange(request) } }
        let recorded = RecordedVerdicts(repository: repository, head: states.historyHead)
        evaluator.recordedVerdict = { request in turn { recorded.verdict(of: request) } }
        let report = evaluator
            .evaluate(set, diagnostics: diagnostics, findings: findings, isSelected: selected, isSelectedFile: selectedFile)
        // A history that cannot be read is no history without promotions, or without removed
        // rejections: no verdict stands on it (exit 2).
        if let error = facts.walkError ?? attributor.historyError {
            throw WorkspaceError.git(GitError.wrapping(error), context: "the history of \(states.evaluated.label) cannot be read")
        }
        history?.save()
        var run = CheckRun(report: report, evaluated: states.evaluated.label, policySource: states.trusted.label,
                           policies: trusted.policies.map(\.name), documentCount: documentCount,
                           changedPaths: states.changed, approvals: ledger.byRequest, root: repository.workingDirectory)
        run.storeUse = storeUse
        return Evaluation(run: run, set: set, facts: facts, states: states, config: config, policies: trusted.policies)
    }

    /// The models whose history the selected subjects can ask about: the model each names, and
    /// the model of the request each names (a waiver, an approval). nil when every subject is
    /// selected. A hint for the history walk (`GitRepositoryFacts.modelsOfInterest`): a question
    /// about another model is still answered, by a walk for every model.
    static func models(of set: DocumentSet, selectedBy selected: (Document) -> Bool, all: Bool) -> Set<String>? {
        guard !all else { return nil }
        var models: Set<String> = []
        for document in set.documents where selected(document) {
            if let model = document.text("model") { models.insert(model) }
            if let request = document.text("request"),
               let model = set.document(.promotionRequest, named: request)?.text("model") {
                models.insert(model)
            }
        }
        return models
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

    /// Who last changed each file a `signedBy` rule asks about, asked once per file (many
    /// requests share a run or a card). Asked from every thread that evaluates subjects: the
    /// history is read, and the memo kept, behind the repository's `turn`.
    final class FileSignatures: @unchecked Sendable {
        let attributor: ApprovalAttributor
        let turn: RepositoryTurn
        private var known: [String: FileSignature] = [:]

        init(_ attributor: ApprovalAttributor, turn: RepositoryTurn) {
            self.attributor = attributor
            self.turn = turn
        }

        func signature(of path: String) -> FileSignature {
            turn {
                if let signature = known[path] { return signature }
                let signature = attributor.signature(ofFile: path)
                known[path] = signature
                return signature
            }
        }
    }

    /// Remembers the attributions made during evaluation, for `policy explain`. Asked from
    /// every thread that evaluates subjects: the bundle (its digest) is computed on the asking
    /// thread, the history is read behind the repository's `turn`, which also guards the memo.
    final class ApprovalLedger: @unchecked Sendable {
        let attributor: ApprovalAttributor
        let turn: RepositoryTurn
        private var memo: [String: [AttributedApproval]] = [:]

        init(_ attributor: ApprovalAttributor, turn: RepositoryTurn) {
            self.attributor = attributor
            self.turn = turn
        }

        var byRequest: [String: [AttributedApproval]] { turn { memo } }

        func approvals(of request: Document) -> [AttributedApproval] {
            if let known = turn({ memo[request.name] }) { return known }
            let prepared = attributor.prepare(request)
            return turn {
                if let known = memo[request.name] { return known }
                let approvals = attributor.approvals(prepared)
                memo[request.name] = approvals
                return approvals
            }
        }
    }

    /// Stores the JSON report as the note of `commit` under `refs/notes/tollgate`.
    public func record(_ json: String, for commit: ObjectID) throws {
        try git { try repository.setNote(Workspace.notesRef, for: commit, message: json) }
    }

    /// The commit a check evaluated, for `--record`; nil for the working tree and the index.
    public func evaluatedCommit(_ mode: CheckOptions.Mode) throws -> ObjectID? {
        switch mode {
        case .workingTree, .staged: return nil
        case .revision(let revision): return try workspace.resolve(revision)
        case .range(_, let head): return try workspace.resolve(head ?? "HEAD")
        }
    }
}
