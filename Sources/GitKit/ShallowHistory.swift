import Foundation
internal import CLibGit2

/// History walking for shallow clones (CI checkouts with `fetch-depth: 1` and the like).
///
/// libgit2 1.5 ignores `.git/shallow`: its revision walker and `git_merge_base` try to load the
/// parents of the boundary commits, which were never fetched, and fail with "object not found".
/// Git itself treats the commits listed in `.git/shallow` as having no parents; this type does
/// the same, reading commits through libgit2 and the boundary list from the `shallow` file
/// (libgit2 1.5 has no public API for it).
struct ShallowHistory {
    private let repository: RepositoryHandle
    /// Commits whose parents are not present and must be treated as roots.
    private let boundary: Set<ObjectID>
    private var parentsCache: [ObjectID: [ObjectID]] = [:]
    private var timeCache: [ObjectID: Int64] = [:]

    /// Reads the shallow boundary of `repository` (in the common git directory, so linked
    /// worktrees share it).
    init(repository: RepositoryHandle) {
        self.repository = repository
        let commonDirectory = String(gitString: git_repository_commondir(repository.pointer))
        var boundary: Set<ObjectID> = []
        if let data = FileManager.default.contents(atPath: commonDirectory + "/shallow") {
            for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
                if let id = ObjectID(hex: line.trimmingCharacters(in: .whitespaces)) {
                    boundary.insert(id)
                }
            }
        }
        self.boundary = boundary
    }

    /// The parents of `id`, none for a boundary commit.
    mutating func parents(of id: ObjectID) throws(GitError) -> [ObjectID] {
        if let cached = parentsCache[id] {
            return cached
        }
        let commit = try lookup(id)
        let parents = boundary.contains(id) ? [] : commit.parentIDs
        parentsCache[id] = parents
        timeCache[id] = commit.commitTime
        return parents
    }

    mutating func time(of id: ObjectID) throws(GitError) -> Int64 {
        if let cached = timeCache[id] {
            return cached
        }
        _ = try parents(of: id)
        return timeCache[id] ?? 0
    }

    /// `id` and all its ancestors down to the shallow boundary, not entering `stop`.
    mutating func ancestors(of id: ObjectID, stoppingAt stop: Set<ObjectID> = []) throws(GitError) -> Set<ObjectID> {
        guard !stop.contains(id) else { return [] }
        var seen: Set<ObjectID> = [id]
        var pending = [id]
        while let next = pending.popLast() {
            for parent in try parents(of: next) where !stop.contains(parent) && seen.insert(parent).inserted {
                pending.append(parent)
            }
        }
        return seen
    }

    /// `git rev-list base..head`: children before parents, otherwise newest committer time first
    /// (ties broken by id so the order is stable).
    mutating func commits(from base: ObjectID?, to head: ObjectID) throws(GitError) -> [ObjectID] {
        let hidden = try base.map { (base) throws(GitError) in try ancestors(of: base) } ?? []
        let selected = try ancestors(of: head, stoppingAt: hidden)
        var pendingChildren: [ObjectID: Int] = [:]
        for commit in selected {
            for parent in try parents(of: commit) where selected.contains(parent) {
                pendingChildren[parent, default: 0] += 1
            }
        }
        var ready = try selected.filter { pendingChildren[$0, default: 0] == 0 }
            .map { (id) throws(GitError) in (id, try time(of: id)) }
        var ordered: [ObjectID] = []
        ordered.reserveCapacity(selected.count)
        while !ready.isEmpty {
            // Linear scan: shallow histories are small, and this keeps the order rule obvious.
            var best = 0
            for index in ready.indices.dropFirst() where ShallowHistory.newer(ready[index], than: ready[best]) {
                best = index
            }
            let (commit, _) = ready.remove(at: best)
            ordered.append(commit)
            for parent in try parents(of: commit) where selected.contains(parent) {
                let remaining = pendingChildren[parent, default: 1] - 1
                pendingChildren[parent] = remaining
                if remaining == 0 {
                    ready.append((parent, try time(of: parent)))
                }
            }
        }
        return ordered
    }

    /// The best common ancestor of `a` and `b` within the fetched history: a common ancestor that
    /// is not an ancestor of another common ancestor (the newest, if several); `nil` if none.
    mutating func mergeBase(_ a: ObjectID, _ b: ObjectID) throws(GitError) -> ObjectID? {
        let common = try ancestors(of: a).intersection(try ancestors(of: b))
        var dominated: Set<ObjectID> = []
        var pending: [ObjectID] = []
        for commit in common {
            pending.append(contentsOf: try parents(of: commit))
        }
        while let next = pending.popLast() {
            guard dominated.insert(next).inserted else { continue }
            pending.append(contentsOf: try parents(of: next))
        }
        var best: (ObjectID, Int64)?
        for candidate in common.subtracting(dominated) {
            let entry = (candidate, try time(of: candidate))
            if best.map({ ShallowHistory.newer(entry, than: $0) }) ?? true {
                best = entry
            }
        }
        return best?.0
    }

    private static func newer(_ lhs: (ObjectID, Int64), than rhs: (ObjectID, Int64)) -> Bool {
        lhs.1 != rhs.1 ? lhs.1 > rhs.1 : lhs.0 < rhs.0
    }

    private func lookup(_ id: ObjectID) throws(GitError) -> CommitHandle {
        do {
            return try CommitHandle.lookup(id, in: repository)
        } catch where error.code == .notFound {
            throw GitError(
                code: .notFound,
                message: "\(error.message) (this is a shallow clone: fetch more history, "
                    + "e.g. `git fetch --unshallow` or `fetch-depth: 0` in CI)"
            )
        }
    }
}
