import Foundation
import Documents
import GitKit
import Policy

/// What the evaluator needs to know about decided PromotionRequests (`spec.status` other
/// than open; see `Lifecycle`): whether the change under review is the one that records the
/// decision, and which verdict `policy check --record` stored for the request.
extension Workspace {
    /// Whether the evaluated change records a request's decision, so that the request is
    /// gated as open: a request cannot make itself decided to escape the gate.
    ///
    /// - Range and staged modes: the request's file is changed by the change (`changed`).
    /// - Working tree: the request's status (or `supersededBy`) differs from what HEAD holds
    ///   at its path — an uncommitted decision, or a file HEAD does not have.
    /// - One commit (`--rev`): never; the commit is what was decided.
    func decisionInChange(_ states: States) -> @Sendable (Document) -> Bool {
        if let changed = states.changed {
            let files = Set(changed)
            return { files.contains($0.file) }
        }
        if states.isCommit { return { _ in false } }
        let repository = repository
        let documents = documents
        let head = states.historyHead
        return { request in
            guard let head, let blob = try? repository.blobID(atPath: request.file, inCommit: head),
                  let committed = try? documents.document(blob, path: request.file, in: repository),
                  committed.kind == .promotionRequest else { return true }
            return RequestStatus(of: committed) != RequestStatus(of: request)
                || committed.text("supersededBy") != request.text("supersededBy")
        }
    }
}

/// The verdicts `policy check --record` stored in `refs/notes/tollgate`, per request: for a
/// request, the verdict of the newest noted commit (of those in the evaluated history) whose
/// report gated it — a report that listed it as decided says nothing about it. Read on first
/// use; a note that is not a report is passed over.
final class RecordedVerdicts: @unchecked Sendable {
    let repository: Repository
    let head: ObjectID?
    private var notes: [(commit: ObjectID, verdicts: [String: Verdict]?)]?
    private let lock = NSLock()

    init(repository: Repository, head: ObjectID?) {
        self.repository = repository
        self.head = head
    }

    func verdict(of request: Document) -> RecordedVerdict? {
        lock.lock()
        defer { lock.unlock() }
        if notes == nil { notes = noted() }
        for index in notes!.indices {
            if notes![index].verdicts == nil { notes![index].verdicts = verdicts(in: notes![index].commit) }
            if let verdict = notes![index].verdicts?[request.name] {
                return RecordedVerdict(verdict: verdict, commit: notes![index].commit.hex)
            }
        }
        return nil
    }

    /// The noted commits of the evaluated history, newest first.
    private func noted() -> [(commit: ObjectID, verdicts: [String: Verdict]?)] {
        guard let head, let all = try? repository.notedCommits(Workspace.notesRef), !all.isEmpty else { return [] }
        let dated = all.compactMap { commit -> (ObjectID, Date)? in
            guard (try? repository.isAncestor(commit, of: head)) == true,
                  let info = try? repository.commit(commit) else { return nil }
            return (commit, info.committer.time)
        }
        return dated.sorted { ($0.1, $0.0.hex) > ($1.1, $1.0.hex) }.map { ($0.0, nil) }
    }

    /// The verdicts of the requests a note's report gated, by name.
    private func verdicts(in commit: ObjectID) -> [String: Verdict] {
        guard let note = try? repository.note(Workspace.notesRef, for: commit),
              let object = try? JSONSerialization.jsonObject(with: Data(note.utf8)) as? [String: Any],
              let subjects = object["subjects"] as? [[String: Any]] else { return [:] }
        var found: [String: Verdict] = [:]
        for subject in subjects where subject["kind"] as? String == DocumentKind.promotionRequest.rawValue {
            guard let name = subject["name"] as? String,
                  let verdict = (subject["verdict"] as? String).flatMap(Verdict.init(rawValue:)) else { continue }
            if let lifecycle = subject["lifecycle"] as? [String: Any], lifecycle["gated"] as? Bool != true { continue }
            found[name] = verdict
        }
        return found
    }
}
