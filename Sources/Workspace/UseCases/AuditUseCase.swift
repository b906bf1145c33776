import Foundation
import Documents
import GitKit
import Policy
import Provenance

/// Which events `policy audit` shows.
public struct AuditFilter: Sendable {
    public var model: String?
    public var request: String?
    public var since: Date?
    /// Only changes to the gate itself.
    public var gate: Bool

    public init(model: String? = nil, request: String? = nil, since: Date? = nil, gate: Bool = false) {
        self.model = model
        self.request = request
        self.since = since
        self.gate = gate
    }
}

/// `policy audit`: the timeline of the history of HEAD.
public struct AuditUseCase: WorkspaceUseCase {
    public let workspace: Workspace

    public init(_ workspace: Workspace) {
        self.workspace = workspace
    }

    /// The timeline of the history of HEAD, oldest first (SPEC §3): requests created and
    /// changed, their bundles changed, approvals and rejections added (signer, key, fresh or
    /// stale against HEAD), merges into the branch, incidents opened and resolved, verdicts
    /// recorded in `refs/notes/tollgate`.
    ///
    /// Notes that cannot be read (the notes ref points to a blob or a tree, or the notes are
    /// damaged) are left out with a warning through `warn` (stderr by default): the recorded
    /// verdicts are a record of past checks, not an input to any verdict, so the rest of the
    /// timeline is still worth showing. Damage to the history itself is an error.
    public func run(
        _ filter: AuditFilter = AuditFilter(), warn: (String) -> Void = Workspace.warnOnStandardError
    ) throws -> [AuditEvent] {
        try run(filter, head: nil, warn: warn)
    }

    /// The timeline of the history of `head` (HEAD when nil): `policy report` reads the
    /// history of the commit it checks.
    func run(_ filter: AuditFilter, head: ObjectID?, warn: (String) -> Void) throws -> [AuditEvent] {
        guard let head = try head ?? git({ try repository.head() }) else { return [] }
        let current = try currentState(at: head)
        let provenance = CommitProvenance(repository: repository, team: current.team)
        let mainline = try firstParentChain(from: head)
        let commits = try git { try repository.commits(from: nil, to: head) }.reversed()
        let noted: Set<ObjectID>
        do {
            noted = try repository.notedCommits(Workspace.notesRef)
        } catch {
            warn("recorded verdicts left out: \(error.localizedDescription)")
            noted = []
        }
        var events: [AuditEvent] = []
        // Documents are parsed a batch of commits ahead, on every core; the walk reads them.
        var changesOf: [ObjectID: [TreeChange]] = [:]
        var batchStart = 0
        // The policy directories of HEAD's Config and of every Config version met so far
        // (oldest first): a change under a directory that was the gate when it was made stays
        // a gate change after the policies move.
        var gateDirectories = Set(current.config.policyDirectories)

        for (position, commit) in commits.enumerated() {
            if position == batchStart {
                batchStart = min(commits.count, position + Workspace.walkBatch)
                changesOf = [:]
                var blobs: [(blob: ObjectID, path: String)] = []
                // Each ordinary commit against its parent, compared on every core.
                var compared: [(commit: ObjectID, old: ObjectID?, new: ObjectID)] = []
                for ahead in commits.dropFirst(position).prefix(Workspace.walkBatch) {
                    let links = try git { try repository.links(of: ahead) }
                    guard links.parents.count <= 1 else { continue }
                    let parentTree = try links.parents.first.map { (parent) throws in try git { try repository.links(of: parent) }.tree }
                    compared.append((ahead, parentTree, links.tree))
                }
                let changes = try git { try GitRepositoryFacts.changes(between: compared.map { ($0.old, $0.new) }, in: repository) }
                for (entry, changes) in zip(compared, changes) {
                    changesOf[entry.commit] = changes
                    for change in changes {
                        if let old = change.old { blobs.append((old, change.path)) }
                        if let new = change.new { blobs.append((new, change.path)) }
                    }
                }
                try git { try documents.prefetch(blobs, in: repository) }
            }
            let info = try git { try repository.commit(commit) }
            let facts = try? provenance.facts(commit, keep: false)
            func event(_ kind: AuditEvent.Kind, model: String?, request: String?, file: String?, _ summary: String) -> AuditEvent {
                AuditEvent(kind: kind, commit: commit.hex, shortCommit: commit.short, author: info.author.name,
                           authorEmail: info.author.email, date: Workspace.rfc3339(info.committer.time),
                           signer: facts?.signer?.id, signingKey: facts?.signingKey?.fingerprint,
                           model: model, request: request, file: file, summary: summary)
            }
            for change in changesOf[commit] ?? [] where Self.isConfigFile(change.path) {
                guard let new = change.new, let config = try? documents.document(new, path: change.path, in: repository),
                      config.kind == .config else { continue }
                let root = String(change.path.dropLast(ProjectConfig.fileName.count))
                for dir in config.spec["policies"]?.list?.compactMap(\.string) ?? [] {
                    gateDirectories.insert(root + (dir.hasSuffix("/") ? dir : dir + "/"))
                }
            }
            // A Config is a gate wherever it is, also one HEAD no longer has (removed or moved):
            // its removal is a change of the gate.
            let directories = gateDirectories
            let isGate = { (path: String) in
                current.config.isPolicyPath(path) || path == current.config.file || Self.isConfigFile(path)
                    || ((path.hasSuffix(".yaml") || path.hasSuffix(".yml")) && directories.contains { path.hasPrefix($0) })
            }
            func gateEvents(_ paths: [String]) throws {
                for path in paths where isGate(path) {
                    events.append(event(.gateChanged, model: nil, request: nil, file: path,
                                        try gateChange(path, in: commit, parent: info.parents.first, facts: facts, config: current.config)))
                }
            }
            if info.parents.count > 1 {
                // What a merge answers for itself (not what it took cleanly from a side branch,
                // whose own commits are in the timeline).
                try gateEvents(try git { try ProtectedPaths.accountablePaths(of: commit, in: repository, relevant: isGate) })
                guard mainline.contains(commit) else { continue }
                let brought = try git { try repository.changedPaths(from: info.parents[0], to: commit) }
                let requests = Set(brought.compactMap { current.requestOf[$0] }).sorted()
                for request in requests {
                    events.append(event(.merged, model: current.modelOf[request], request: request, file: nil,
                                        "merged into the branch (\(info.summary))"))
                }
                if requests.isEmpty, !brought.isEmpty {
                    events.append(event(.merged, model: nil, request: nil, file: nil, "merged into the branch (\(info.summary))"))
                }
                continue
            }
            let parent = info.parents.first
            let changes = try changesOf[commit] ?? git { try repository.changes(from: parent, to: commit) }
                .filter { $0.path.hasSuffix(".yaml") || $0.path.hasSuffix(".yml") }
            try gateEvents(changes.map(\.path))
            for change in changes {
                let path = change.path
                let before = try? documents.document(change.old, path: path, in: repository)
                let after = try? documents.document(change.new, path: path, in: repository)
                guard let document = after ?? before else { continue }
                switch document.kind {
                case .promotionRequest:
                    let model = document.text("model")
                    // Filed elsewhere in the same commit (a move): the removal is not an event.
                    if after == nil, moved(document.name, in: changes, at: path) { continue }
                    let status = after.map { $0.text("status") ?? "open" }
                    // A request created here may have been moved from another path (a move).
                    let movedFrom = before == nil ? earlierStatus(of: document.name, in: changes, at: path) : nil
                    let previous = before.map { $0.text("status") ?? "open" } ?? movedFrom
                    if let status, status != "open", status != previous {
                        let successor = after?.text("supersededBy").map { " by \($0)" } ?? ""
                        events.append(event(.requestDecided, model: model, request: document.name, file: path,
                                            "request marked \(status)\(successor)"))
                        continue
                    }
                    let kind: AuditEvent.Kind = before == nil ? .requestCreated : (after == nil ? .requestRemoved : .requestChanged)
                    let what = kind == .requestCreated
                        ? "\(document.text("requestedBy") ?? "?") requested \(model ?? "?") \(document.text("version") ?? "?") \(document.text("from") ?? "?") → \(document.text("to") ?? "?")"
                        : (kind == .requestRemoved ? "request removed" : "request changed")
                    if kind == .requestCreated, movedFrom != nil {
                        events.append(event(.requestChanged, model: model, request: document.name, file: path, "request filed under \(path)"))
                        continue
                    }
                    events.append(event(kind, model: model, request: document.name, file: path, what))
                case .approval:
                    guard let request = document.text("request") else { continue }
                    let approver = document.text("approver") ?? "?"
                    if after == nil {
                        events.append(event(.approvalRemoved, model: current.modelOf[request], request: request, file: path,
                                            "approval by \(approver) removed"))
                        continue
                    }
                    let reject = document.text("decision") == "reject"
                    let fresh = current.digests[request].map { $0 == document.text("digest") }
                    let freshness = fresh == nil ? "request not at HEAD" : (fresh! ? "fresh" : "stale")
                    let signedBy: String
                    switch (facts?.signer?.id, facts?.signingKey?.fingerprint) {
                    case (let member?, let key?): signedBy = member == approver ? "signed by \(member) (\(key))" : "signed by \(member) (\(key)), not by \(approver)"
                    case (nil, let key?): signedBy = "signed with \(key), no key of the Team"
                    default: signedBy = "unsigned"
                    }
                    let verb = reject ? "rejected" : (before == nil ? "approved" : "changed their approval")
                    let kind: AuditEvent.Kind = reject ? .rejectionAdded : (before == nil ? .approvalAdded : .approvalChanged)
                    events.append(event(kind, model: current.modelOf[request], request: request, file: path,
                                        "\(approver) \(verb) as \(document.text("role") ?? "?"), \(signedBy); \(freshness) against HEAD"))
                case .incident:
                    let model = document.text("model")
                    let status = after?.text("status")
                    let previous = before?.text("status")
                    let label = "\(document.name) (\(document.text("severity") ?? "?"))"
                    if before == nil {
                        events.append(event(.incidentOpened, model: model, request: nil, file: path,
                                            "incident \(label) opened as \(status ?? "?"): \(document.text("summary") ?? "")"))
                    } else if status != previous {
                        events.append(event(status == "resolved" ? .incidentResolved : .incidentChanged, model: model, request: nil, file: path,
                                            "incident \(label) \(previous ?? "?") → \(status ?? "removed")"))
                    }
                case .runManifest, .modelCard:
                    for request in current.requestsUsing[path] ?? [] {
                        events.append(event(.bundleChanged, model: current.modelOf[request], request: request, file: path,
                                            "\(document.kind.rawValue) \(document.name) changed (bundle of \(request))"))
                    }
                default:
                    continue
                }
            }
            if noted.contains(commit) {
                do {
                    if let note = try repository.note(Workspace.notesRef, for: commit),
                       let verdict = Workspace.recordedVerdict(note) {
                        events.append(event(.verdictRecorded, model: nil, request: nil, file: nil, "verdict recorded: \(verdict)"))
                    }
                } catch {
                    warn("the verdict recorded for \(commit.short) is left out: \(error.localizedDescription)")
                }
            }
        }
        return events.filter { event in
            (!filter.gate || event.kind == .gateChanged)
                && (filter.model == nil || event.model == filter.model)
                && (filter.request == nil || event.request == filter.request)
                && (filter.since == nil || (RFC3339.parse(event.date) ?? .distantPast) >= filter.since!)
        }
    }

    /// "Policy release-gate changed (…); protected for 'policy-owner': signed by alice, who
    /// holds it" — what changed in the gate and whether HEAD's `protect` rules were met.
    func gateChange(_ path: String, in commit: ObjectID, parent: ObjectID?, facts: CommitFacts?,
                    config: ProjectConfig) throws -> String {
        let after = try git { try repository.blobID(atPath: path, inCommit: commit) }
        let before = try parent.flatMap { parent in try git { try repository.blobID(atPath: path, inCommit: parent) } }
        let document = (try? documents.document(after, path: path, in: repository)) ?? (try? documents.document(before, path: path, in: repository))
        let what = document.map { "\($0.kind.rawValue) \($0.name)" } ?? (path == config.file ? "the Config" : path)
        let verb = before == nil ? "added" : (after == nil ? "removed" : "changed")
        let rules = config.protect.filter { $0.protects(path) }
        guard !rules.isEmpty else { return "\(what) \(verb); not protected (no protect rule of the Config covers \(path))" }
        let verdicts = rules.map { rule -> String in
            guard let facts else { return "protected for '\(rule.role)', but its signature could not be read" }
            if let problem = ProtectedPaths.problem(facts, role: rule.role) { return "protected for '\(rule.role)', but \(problem)" }
            return "protected for '\(rule.role)': signed by \(facts.signer?.id ?? "?"), who holds it"
        }
        return "\(what) \(verb); \(verdicts.joined(separator: "; "))"
    }

    /// Whether `path` is a Config file (`.tollgate.yaml`, at the root or in a subdirectory).
    static func isConfigFile(_ path: String) -> Bool {
        path == ProjectConfig.fileName || path.hasSuffix("/" + ProjectConfig.fileName)
    }

    /// Whether the request removed at `path` is added at another path by the same changes.
    func moved(_ request: String, in changes: [TreeChange], at path: String) -> Bool {
        changes.contains { change in
            change.path != path && change.old == nil
                && (try? documents.document(change.new, path: change.path, in: repository))?.name == request
        }
    }

    /// The status of the request as it was at another path the same changes removed it from
    /// (a move), or nil when it was not moved.
    func earlierStatus(of request: String, in changes: [TreeChange], at path: String) -> String? {
        for change in changes where change.path != path && change.new == nil {
            if let old = try? documents.document(change.old, path: change.path, in: repository),
               old.kind == .promotionRequest, old.name == request {
                return old.text("status") ?? "open"
            }
        }
        return nil
    }

    /// What HEAD says: the Team, each request's model and current digest, and which request
    /// each bundle file belongs to.
    struct CurrentState {
        var team: Team
        /// HEAD's Config: which paths are the gate, and which of them are protected for which role.
        var config: ProjectConfig
        var modelOf: [String: String] = [:]
        var digests: [String: String] = [:]
        var requestOf: [String: String] = [:]
        var requestsUsing: [String: [String]] = [:]
    }

    func currentState(at head: ObjectID) throws -> CurrentState {
        let snapshot = try workspace.commitSnapshot(head)
        let config = try ProjectConfig.load(from: snapshot, startingAt: subdirectory)
        let team = (try? workspace.loadTrusted(from: snapshot, config: config).team) ?? Team(members: [])
        let set = DocumentSet(try load(from: snapshot, config: config, .subjects).documents)
        var state = CurrentState(team: team, config: config)
        for request in set.documents(of: .promotionRequest) {
            state.modelOf[request.name] = request.text("model")
            state.requestOf[request.file] = request.name
            let bundle = set.bundle(of: request)
            for member in bundle.documents.dropFirst() {
                state.requestsUsing[member.file, default: []].append(request.name)
            }
            if let digest = bundle.digest { state.digests[request.name] = digest.value }
        }
        for approval in set.documents(of: .approval) {
            if let request = approval.text("request") { state.requestOf[approval.file] = request }
        }
        return state
    }

    func firstParentChain(from head: ObjectID) throws -> Set<ObjectID> {
        var chain: Set<ObjectID> = []
        var current: ObjectID? = head
        while let commit = current, !chain.contains(commit) {
            chain.insert(commit)
            current = try git { try repository.links(of: commit) }.parents.first
        }
        return chain
    }
}

extension Workspace {
    public static let notesRef = "refs/notes/tollgate"
    /// Commits whose documents are parsed together, in parallel, by walks through history.
    static let walkBatch = 1000

    /// Writes `policy: warning: <message>` to stderr.
    public static func warnOnStandardError(_ message: String) {
        FileHandle.standardError.write(Data("policy: warning: \(message)\n".utf8))
    }

    static func recordedVerdict(_ note: String) -> String? {
        guard let data = note.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["verdict"] as? String
    }

    static func rfc3339(_ date: Date) -> String {
        RFC3339.format(date)
    }
}
