import GitKit

/// Answers "is this file's content in the evaluated state what HEAD holds?" — an approval
/// that is not committed yet is pending, never valid (SPEC §3).
final class CommittedContent: @unchecked Sendable {
    let repository: Repository
    let snapshot: Snapshot
    let head: ObjectID?
    let isCommit: Bool
    private var cache: [String: Bool] = [:]

    init(repository: Repository, snapshot: Snapshot, head: ObjectID?, isCommit: Bool) {
        self.repository = repository
        self.snapshot = snapshot
        self.head = head
        self.isCommit = isCommit
    }

    func isCommitted(_ path: String) -> Bool {
        if isCommit { return true }
        if let known = cache[path] { return known }
        var answer = false
        if let head, let blob = try? repository.blobID(atPath: path, inCommit: head),
           let committed = try? repository.blob(blob), let current = try? snapshot.read(path) {
            answer = committed == current
        }
        cache[path] = answer
        return answer
    }
}
