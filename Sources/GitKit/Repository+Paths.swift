internal import CLibGit2

extension Repository {
    /// The blob a commit's tree holds at `path`, or nil when the path is absent (or a tree,
    /// or a submodule). How "which commit last changed this file" is answered without a diff.
    public func blobID(atPath path: String, inCommit id: ObjectID) throws(GitError) -> ObjectID? {
        let tree = try TreeHandle.lookup(try CommitHandle.lookup(id, in: handle).treeID, in: handle)
        guard let entry = try treeEntry(path, in: tree, of: id), entry.type == GIT_OBJECT_BLOB else { return nil }
        return ObjectID(entry.id)
    }

    /// Whether the entry a commit's tree holds at `path` is a symbolic link (git stores it as a
    /// blob holding the link's target, not the file it points to); false when absent.
    public func isSymbolicLink(atPath path: String, inCommit id: ObjectID) throws(GitError) -> Bool {
        let tree = try TreeHandle.lookup(try CommitHandle.lookup(id, in: handle).treeID, in: handle)
        var entry: OpaquePointer?
        let rc = LibGit2Watch.reading("a tree") { git_tree_entry_bypath(&entry, tree.pointer, path) }
        if rc == GIT_ENOTFOUND.rawValue {
            git_error_clear()
            return false
        }
        try check(rc, "cannot look up \(path) in commit \(id.hex)")
        guard let entry else { return false }
        defer { git_tree_entry_free(entry) }
        return git_tree_entry_filemode(entry) == GIT_FILEMODE_LINK
    }

    /// The object a commit's tree holds at `path` — a blob, a tree or a submodule commit — or
    /// nil when the path is absent.
    public func entryID(atPath path: String, inCommit id: ObjectID) throws(GitError) -> ObjectID? {
        let tree = try TreeHandle.lookup(try CommitHandle.lookup(id, in: handle).treeID, in: handle)
        return try entryID(path, in: tree).map { ObjectID($0) }
    }

    /// The commit accountable for the content `path` has in `head` (SPEC §3), or nil when `head`
    /// has no file at `path`. See `accountableChange(of:from:)` for the walk.
    public func lastChange(of path: String, from head: ObjectID) throws(GitError) -> ObjectID? {
        guard try blobID(atPath: path, inCommit: head) != nil else { return nil }
        return try accountableChange(of: path, from: head)
    }

    /// The commit accountable for what `path` is in `head` — a file's content, a directory's
    /// tree, or the path's absence — or nil when the path is absent all along the walk.
    ///
    /// From `head`, each step asks `step(for:in:)`: a commit whose entry at `path` is its first
    /// parent's leads to the first parent — unless it is a merge that discarded a side branch's
    /// change of the path while the first parent had made none since the fork point (it kept
    /// old content over newer); a merge that took the path cleanly from a side
    /// branch (the side changed it since the fork point, the first parent did not) leads into
    /// that branch; any other commit is accountable. So a merge answers for every difference
    /// from its first parent except new work it merged cleanly: content a merge brings back
    /// from an older commit (a withdrawn approval, an old policy) is the merge's, not the
    /// older commit's. A root commit is accountable for the path when it holds it.
    ///
    /// With git's commit-graph (`commitGraph`) the walk takes parents and root trees from it
    /// and passes every non-merge commit whose changed-path Bloom filter rules the path out
    /// without reading a tree; the answers are the same without it. Many questions are best
    /// asked together: `accountableChanges(for:)` walks once for all (this is that walk with
    /// one question).
    public func accountableChange(of path: String, from head: ObjectID) throws(GitError) -> ObjectID? {
        if let known = knownLastChange(of: path, from: head) { return known }
        return try accountableChanges(for: [PathQuestion(path: path, from: head)]).values.first?.first
    }

    /// An answer this process found, or one kept outside it (`keptAnswers`).
    func knownLastChange(of path: String, from head: ObjectID) -> ObjectID?? {
        if let known = memo.lastChanges[path]?[head] { return known }
        guard let kept = keptAnswers?.lastChange(of: path, from: head) else { return nil }
        return .some(kept)
    }

    /// Whether `knownLastChange(of:from:)` can know anything about `path` (the walks ask
    /// before making a commit's id for the question).
    func mayKnowLastChanges(of path: String) -> Bool {
        keptAnswers != nil || memo.lastChanges[path] != nil
    }

    /// Remembers what a walk found (and tells `keptAnswers` of a commit found).
    func remember(lastChange: ObjectID?, of path: String, from head: ObjectID) {
        memo.lastChanges[path, default: [:]][head] = .some(lastChange)
        if let lastChange { keptAnswers?.found(lastChange: lastChange, of: path, from: head) }
    }

    /// The commits accountable for the successive states of `path`, newest first: the
    /// accountable change from `head`, then the one from that commit's first parent, and so on
    /// (at most `limit`). For a directory, a commit appears when anything under it changed.
    public func accountableChanges(of path: String, from head: ObjectID, limit: Int = 1_000) throws(GitError) -> [ObjectID] {
        let question = PathQuestion(path: path, from: head, limit: limit)
        if let known = memo.successiveChanges[question] { return known }
        return try accountableChanges(for: [question])[question] ?? []
    }

    /// What changed under the directory `path` (or at the file `path`) between two commits,
    /// with full paths, sorted; `from` nil is the empty tree. A file replaced by a directory
    /// (or back) is listed on both sides.
    public func changes(under path: String, from old: ObjectID?, to new: ObjectID) throws(GitError) -> [TreeChange] {
        func entry(_ commit: ObjectID?) throws(GitError) -> (id: ObjectID, isTree: Bool)? {
            guard let commit else { return nil }
            guard let entry = try treeEntry(path, in: try commitTree(commit), of: commit) else { return nil }
            return (ObjectID(entry.id), entry.type == GIT_OBJECT_TREE)
        }
        let before = try entry(old)
        let after = try entry(new)
        if before?.id == after?.id { return [] }
        var result: [TreeChange] = []
        let oldFile = before.flatMap { $0.isTree ? nil : $0.id }
        let newFile = after.flatMap { $0.isTree ? nil : $0.id }
        if oldFile != nil || newFile != nil {
            result.append(TreeChange(path: path, old: oldFile, new: newFile))
        }
        let oldTree = try before.flatMap { (entry) throws(GitError) in entry.isTree ? try TreeHandle.lookup(entry.id, in: handle) : nil }
        let newTree = try after.flatMap { (entry) throws(GitError) in entry.isTree ? try TreeHandle.lookup(entry.id, in: handle) : nil }
        if oldTree != nil || newTree != nil {
            var comparison = TreeComparison(repository: handle)
            try comparison.compare(oldTree, newTree, prefix: path + "/")
            result += comparison.changes
        }
        return result.sorted { PathOrder.precedes($0.path, $1.path) }
    }

    /// Which way the history of `path` goes from `commit` (see `accountableChange(of:from:)`).
    public enum PathStep: Equatable, Sendable {
        /// `commit` holds what this parent holds at the path (the first such parent, preferring the first).
        case same(ObjectID)
        /// A merge took the path cleanly from this side parent: changed there since the fork
        /// point (the merge base with the first parent), unchanged on the first parent.
        case mergedFrom(ObjectID)
        /// `commit` itself is accountable for the path's state (a root commit, an ordinary
        /// change, a merge that differs from its first parent other than by a clean merge, or
        /// a merge that kept its first parent's old content over a side branch's change).
        case accountable
    }

    /// One step of the walk of `accountableChange(of:from:)`.
    ///
    /// A non-merge commit whose changed-path Bloom filter (an open `commitGraph`) rules the
    /// path out is `.same(parent)` without a tree being read.
    public func step(for path: String, in commit: ObjectID) throws(GitError) -> PathStep {
        let prefixes = Repository.prefixes(of: path)
        let parents = try commitParents(commit)
        if parents.count == 1, let graph = openedCommitGraph, let position = graph.lookup(commit),
           let keys = graph.changedPathKeys(for: path), graph.mayHaveChanged(keys, at: position) == .no {
            return .same(parents[0])
        }
        let tree = try commitTree(commit)
        return try step(prefixes, commit: commit, tree: tree, parents: parents).step
    }

    /// Whether a merge took `path` cleanly from `source` (one of its parents) against `other`
    /// (another parent): the merge holds what `source` holds, `source` changed it since the
    /// fork point, `other` did not. Used both ways: a side branch's new work merged into the
    /// first parent, and the first parent's own change kept over a side branch's older state.
    public func tookCleanly(_ path: String, in merge: ObjectID, from source: ObjectID, over other: ObjectID) throws(GitError) -> Bool {
        let prefixes = Repository.prefixes(of: path)
        return try tookCleanly(prefixes, merge: try commitTree(merge), source: source, sourceTree: try commitTree(source),
                               other: other, otherTree: try commitTree(other))
    }

    static func prefixes(of path: String) -> [String] {
        let components = path.split(separator: "/").map(String.init)
        return components.indices.map { components[...$0].joined(separator: "/") }
    }

    /// A commit's root tree: its id from the commit-graph when it holds the commit.
    func commitTree(_ id: ObjectID) throws(GitError) -> TreeHandle {
        try tree(of: id, at: openedCommitGraph?.lookup(id))
    }

    /// The root tree of `id`, whose commit-graph position is `position` (nil: not in the graph).
    func tree(of id: ObjectID, at position: CommitGraph.Position?) throws(GitError) -> TreeHandle {
        if let position, let graph = openedCommitGraph {
            return try TreeHandle.lookup(graph.rootTree(at: position), in: handle)
        }
        return try TreeHandle.lookup(try CommitHandle.lookup(id, in: handle).treeID, in: handle)
    }

    /// The committer time of a commit (from the commit-graph when it holds the commit).
    func commitTime(of id: ObjectID) throws(GitError) -> Int64 {
        if let graph = openedCommitGraph, let position = graph.lookup(id) { return graph.commitTime(at: position) }
        return try CommitHandle.lookup(id, in: handle).commitTime
    }

    func step(_ prefixes: [String], commit: ObjectID, tree: TreeHandle,
                      parents: [ObjectID]) throws(GitError) -> (step: PathStep, tree: TreeHandle?) {
        guard let first = parents.first else { return (.accountable, nil) }
        let firstTree = try commitTree(first)
        if try sameEntry(prefixes, in: tree, and: firstTree) {
            // Unless the merge threw away a side branch's change to keep what the fork point
            // held (`git merge -s ours` from an old branch, the first parent swapped): that
            // brings old content back as surely as a difference from the first parent does.
            for side in parents.dropFirst() {
                let sideTree = try commitTree(side)
                if try sameEntry(prefixes, in: tree, and: sideTree) { continue }
                if try tookCleanly(prefixes, merge: sideTree, source: side, sourceTree: sideTree, other: first, otherTree: firstTree) {
                    return (.accountable, nil)
                }
            }
            return (.same(first), firstTree)
        }
        for side in parents.dropFirst() {
            let sideTree = try commitTree(side)
            guard try sameEntry(prefixes, in: tree, and: sideTree) else { continue }
            if try tookCleanly(prefixes, merge: tree, source: side, sourceTree: sideTree, other: first, otherTree: firstTree) {
                return (.mergedFrom(side), sideTree)
            }
        }
        return (.accountable, nil)
    }

    private func tookCleanly(_ prefixes: [String], merge: TreeHandle, source: ObjectID, sourceTree: TreeHandle,
                             other: ObjectID, otherTree: TreeHandle) throws(GitError) -> Bool {
        guard try sameEntry(prefixes, in: merge, and: sourceTree) else { return false }
        let base = try memoizedMergeBase(source, other)
        // Unrelated histories: the fork point is the empty tree.
        let baseTree = try base.map { (id) throws(GitError) in try commitTree(id) }
        let sourceChanged: Bool
        let otherChanged: Bool
        if let baseTree {
            sourceChanged = try !sameEntry(prefixes, in: sourceTree, and: baseTree)
            otherChanged = try !sameEntry(prefixes, in: otherTree, and: baseTree)
        } else {
            sourceChanged = try entryID(prefixes.last ?? "", in: sourceTree) != nil
            otherChanged = try entryID(prefixes.last ?? "", in: otherTree) != nil
        }
        return sourceChanged && !otherChanged
    }

    private func memoizedMergeBase(_ a: ObjectID, _ b: ObjectID) throws(GitError) -> ObjectID? {
        let key = a.hex + b.hex
        if let known = memo.mergeBases[key] { return known }
        let found = try mergeBase(a, b)
        memo.mergeBases[key] = .some(found)
        return found
    }

    /// Whether two trees hold the same object at the last of `prefixes` (a path's directories
    /// then the path) — or both lack it — deciding as soon as a directory is the same in both.
    /// A directory present on one side only decides by the path itself: absent on both sides
    /// is the same (as git's changed-path filters see it).
    func sameEntry(_ prefixes: [String], in tree: TreeHandle, and other: TreeHandle) throws(GitError) -> Bool {
        if git_oid_equal(git_tree_id(tree.pointer), git_tree_id(other.pointer)) != 0 { return true }
        for prefix in prefixes {
            let left = try entryID(prefix, in: tree)
            let right = try entryID(prefix, in: other)
            if left == nil && right == nil { return true }
            guard var left, var right else {
                guard let path = prefixes.last, path != prefix else { return false }
                return try entryID(path, in: left == nil ? other : tree) == nil
            }
            if git_oid_equal(&left, &right) != 0 { return true }
        }
        return false
    }

    func entryID(_ path: String, in tree: TreeHandle) throws(GitError) -> git_oid? {
        guard !path.isEmpty else { return git_tree_id(tree.pointer).pointee }
        return try treeEntry(path, in: tree)?.id
    }

    /// The id and type of the entry at `path` in `tree`; nil when there is none. The one place
    /// a path is looked up in a tree.
    private func treeEntry(_ path: String, in tree: TreeHandle, of commit: ObjectID? = nil) throws(GitError)
        -> (id: git_oid, type: git_object_t)? {
        var entry: OpaquePointer?
        let rc = LibGit2Watch.reading("a tree") { git_tree_entry_bypath(&entry, tree.pointer, path) }
        if rc == GIT_ENOTFOUND.rawValue {
            git_error_clear()
            return nil
        }
        try check(rc, "cannot look up \(path)" + (commit.map { " in commit \($0.hex)" } ?? ""))
        guard let entry else { return nil }
        defer { git_tree_entry_free(entry) }
        return (git_tree_entry_id(entry).pointee, git_tree_entry_type(entry))
    }

    /// The parents recorded in a commit. (Tollgate refuses shallow clones before it walks history.)
    func commitParents(_ id: ObjectID) throws(GitError) -> [ObjectID] {
        try parents(of: id)
    }
}

extension Repository {
    /// Whether `ancestor` is `commit` or one of its ancestors.
    public func isAncestor(_ ancestor: ObjectID, of commit: ObjectID) throws(GitError) -> Bool {
        if ancestor == commit { return true }
        let key = ancestor.hex + commit.hex
        if let known = memo.ancestry[key] ?? keptAnswers?.isAncestor(ancestor, of: commit) { return known }
        let found: Bool
        if let graph = openedCommitGraph, let from = graph.lookup(commit), let target = graph.lookup(ancestor) {
            found = graph.reaches(target, from: from)
        } else {
            var descendant = commit.gitOID
            var candidate = ancestor.gitOID
            found = try LibGit2Watch.reading("the history") { () throws(GitError) in
                try check(git_graph_descendant_of(handle.pointer, &descendant, &candidate),
                          "cannot relate \(ancestor.short) and \(commit.short)") == 1
            }
        }
        memo.ancestry[key] = found
        keptAnswers?.found(isAncestor: found, ancestor, of: commit)
        return found
    }
}
