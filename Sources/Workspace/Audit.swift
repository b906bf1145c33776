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

    public init(model: String? = nil, request: String? = nil, since: Date? = nil) {
        self.model = model
        self.request = request
        self.since = since
    }
}

extension Workspace {
    public static let notesRef = "refs/notes/tollgate"

    /// The timeline of the history of HEAD, oldest first (SPEC §3): requests created and
    /// changed, their bundles changed, approvals and rejections added (signer, key, fresh or
    /// stale against HEAD), merges into the branch, incidents opened and resolved, verdicts
    /// recorded in `refs/notes/tollgate`.
    public func audit(_ filter: AuditFilter = AuditFilter()) throws -> [AuditEvent] {
        guard let head = try git({ try repository.head() }) else { return [] }
        let current = try currentState(at: head)
        let provenance = CommitProvenance(repository: repository, team: current.team)
        let mainline = try firstParentChain(from: head)
        let commits = try git { try repository.commits(from: nil, to: head) }.reversed()
        var reader = DocumentReader(repository: repository)
        var events: [AuditEvent] = []

        for commit in commits {
            let info = try git { try repository.commit(commit) }
            let facts = try? provenance.facts(commit)
            func event(_ kind: AuditEvent.Kind, model: String?, request: String?, file: String?, _ summary: String) -> AuditEvent {
                AuditEvent(kind: kind, commit: commit.hex, shortCommit: commit.short, author: info.author.name,
                           authorEmail: info.author.email, date: Workspace.rfc3339(info.committer.time),
                           signer: facts?.signer?.id, signingKey: facts?.signingKey?.fingerprint,
                           model: model, request: request, file: file, summary: summary)
            }
            if info.parents.count > 1 {
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
            let changed = try git { try repository.changedPaths(from: parent, to: commit) }
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
            for path in changed {
                let before = parent.flatMap { try? reader.document(path, in: $0) }
                let after = try? reader.document(path, in: commit)
                guard let document = after ?? before else { continue }
                switch document.kind {
                case .promotionRequest:
                    let model = document.text("model")
                    let kind: AuditEvent.Kind = before == nil ? .requestCreated : (after == nil ? .requestRemoved : .requestChanged)
                    let what = kind == .requestCreated
                        ? "\(document.text("requestedBy") ?? "?") requested \(model ?? "?") \(document.text("version") ?? "?") \(document.text("from") ?? "?") → \(document.text("to") ?? "?")"
                        : (kind == .requestRemoved ? "request removed" : "request changed")
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
            if let note = try? repository.note(Workspace.notesRef, for: commit),
               let verdict = Workspace.recordedVerdict(note) {
                events.append(event(.verdictRecorded, model: nil, request: nil, file: nil, "verdict recorded: \(verdict)"))
            }
        }
        return events.filter { event in
            (filter.model == nil || event.model == filter.model)
                && (filter.request == nil || event.request == filter.request)
                && (filter.since == nil || (ISO8601DateFormatter().date(from: event.date) ?? .distantPast) >= filter.since!)
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
        case .revision(let revision): return try resolve(revision)
        case .range(_, let head): return try resolve(head ?? "HEAD")
        }
    }

    static func recordedVerdict(_ note: String) -> String? {
        guard let data = note.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["verdict"] as? String
    }

    static func rfc3339(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// What HEAD says: the Team, each request's model and current digest, and which request
    /// each bundle file belongs to.
    struct CurrentState {
        var team: Team
        var modelOf: [String: String] = [:]
        var digests: [String: String] = [:]
        var requestOf: [String: String] = [:]
        var requestsUsing: [String: [String]] = [:]
    }

    func currentState(at head: ObjectID) throws -> CurrentState {
        let snapshot = try commitSnapshot(head)
        let config = try ProjectConfig.load(from: snapshot, startingAt: subdirectory)
        let team = (try? loadTrusted(from: snapshot, config: config).team) ?? Team(members: [])
        let set = DocumentSet(try load(from: snapshot, config: config, .subjects).documents)
        var state = CurrentState(team: team)
        for request in set.documents(of: .promotionRequest) {
            state.modelOf[request.name] = request.text("model")
            state.requestOf[request.file] = request.name
            let run = request.text("run").flatMap { set.document(.runManifest, named: $0) }
            let card = request.text("modelCard").flatMap { set.document(.modelCard, named: $0) }
            for file in [run?.file, card?.file].compactMap({ $0 }) {
                state.requestsUsing[file, default: []].append(request.name)
            }
            if let run, let card {
                state.digests[request.name] = BundleDigest(request: request, run: run, card: card).value
            }
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
            current = try git { try repository.commit(commit) }.parents.first
        }
        return chain
    }
}

/// Reads documents at commits, parsing each blob once.
struct DocumentReader {
    let repository: Repository
    private var cache: [ObjectID: Document?] = [:]

    init(repository: Repository) {
        self.repository = repository
    }

    mutating func document(_ path: String, in commit: ObjectID) throws -> Document? {
        guard let blob = try repository.blobID(atPath: path, inCommit: commit) else { return nil }
        if let known = cache[blob] { return known }
        var document: Document?
        if case .document(let read, _) = DocumentLoader.read(try repository.blob(blob), path: path) {
            document = read
        }
        cache[blob] = document
        return document
    }
}
