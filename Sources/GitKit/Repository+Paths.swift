internal import CLibGit2

extension Repository {
    /// The blob a commit's tree holds at `path`, or nil when the path is absent (or a tree,
    /// or a submodule). How "which commit last changed this file" is answered without a diff.
    public func blobID(atPath path: String, inCommit id: ObjectID) throws(GitError) -> ObjectID? {
        let tree = try TreeHandle.lookup(try CommitHandle.lookup(id, in: handle).treeID, in: handle)
        var entry: OpaquePointer?
        let rc = LibGit2Watch.reading("a tree") { git_tree_entry_bypath(&entry, tree.pointer, path) }
        if rc == GIT_ENOTFOUND.rawValue {
            git_error_clear()
            return nil
        }
        try check(rc, "cannot look up \(path) in commit \(id.hex)")
        guard let entry else { return nil }
        defer { git_tree_entry_free(entry) }
        guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return nil }
        return ObjectID(git_tree_entry_id(entry))
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
    public func accountableChange(of path: String, from head: ObjectID) throws(GitError) -> ObjectID? {
        let key = head.hex + "\u{0}" + path
        if let known = memo.lastChanges[key] { return known }
        let found = try walkToAccountableChange(of: path, from: head)
        memo.lastChanges[key] = .some(found)
        return found
    }

    /// The answers `accountableChange(of:from:)` (and so `lastChange`) has found, for keeping
    /// between runs: history does not change, so an answer for a head and a path stays true.
    public var knownLastChanges: [(head: ObjectID, path: String, commit: ObjectID)] {
        memo.lastChanges.compactMap { key, value in
            guard let value, let separator = key.firstIndex(of: "\u{0}"),
                  let head = ObjectID(hex: String(key[..<separator])) else { return nil }
            return (head, String(key[key.index(after: separator)...]), value)
        }
    }

    /// Answers kept from an earlier run (see `knownLastChanges`). Only give answers this
    /// method's own walk made: a wrong one is believed.
    public func rememberLastChange(of path: String, from head: ObjectID, is commit: ObjectID) {
        memo.lastChanges[head.hex + "\u{0}" + path] = .some(commit)
    }

    /// The commits accountable for the successive states of `path`, newest first: the
    /// accountable change from `head`, then the one from that commit's first parent, and so on
    /// (at most `limit`). For a directory, a commit appears when anything under it changed.
    public func accountableChanges(of path: String, from head: ObjectID, limit: Int = 1_000) throws(GitError) -> [ObjectID] {
        var result: [ObjectID] = []
        var current = head
        while result.count < limit, let change = try accountableChange(of: path, from: current) {
            result.append(change)
            guard let parent = try commitParents(change).first else { break }
            current = parent
        }
        return result
    }

    /// What changed under the directory `path` (or at the file `path`) between two commits,
    /// with full paths, sorted; `from` nil is the empty tree. A file replaced by a directory
    /// (or back) is listed on both sides.
    public func changes(under path: String, from old: ObjectID?, to new: ObjectID) throws(GitError) -> [TreeChange] {
        func entry(_ commit: ObjectID?) throws(GitError) -> (id: ObjectID, isTree: Bool)? {
            guard let commit else { return nil }
            let tree = try commitTree(commit)
            var entry: OpaquePointer?
            let rc = LibGit2Watch.reading("a tree") { git_tree_entry_bypath(&entry, tree.pointer, path) }
            if rc == GIT_ENOTFOUND.rawValue {
                git_error_clear()
                return nil
            }
            try check(rc, "cannot look up \(path) in commit \(commit.hex)")
            guard let entry else { return nil }
            defer { git_tree_entry_free(entry) }
            return (ObjectID(git_tree_entry_id(entry).pointee), git_tree_entry_type(entry) == GIT_OBJECT_TREE)
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
    public func step(for path: String, in commit: ObjectID) throws(GitError) -> PathStep {
        let prefixes = Repository.prefixes(of: path)
        let tree = try commitTree(commit)
        let parents = try commitParents(commit)
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

    private func commitTree(_ id: ObjectID) throws(GitError) -> TreeHandle {
        try TreeHandle.lookup(try CommitHandle.lookup(id, in: handle).treeID, in: handle)
    }

    private func step(_ prefixes: [String], commit: ObjectID, tree: TreeHandle,
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

    private func walkToAccountableChange(of path: String, from head: ObjectID) throws(GitError) -> ObjectID? {
        // Compare the path's directories before the file: in most commits the top directory
        // is untouched, and one small tree lookup proves the entry is the same.
        let prefixes = Repository.prefixes(of: path)
        var current = head
        var currentTree = try commitTree(head)
        var steps = 0
        while true {
            steps += 1
            if steps > 10_000_000 { return current }  // a cycle is impossible in git; this only bounds the loop
            // The walk from here is the walk from `current`: a known answer for it is the answer
            // (answers kept from an earlier run start the walk of a newer head where it stopped).
            if steps > 1, let known = memo.lastChanges[current.hex + "\u{0}" + path] {
                return known
            }
            let parents = try commitParents(current)
            let (next, parentTree) = try step(prefixes, commit: current, tree: currentTree, parents: parents)
            switch next {
            case .same(let parent), .mergedFrom(let parent):
                current = parent
                if let parentTree { currentTree = parentTree } else { currentTree = try commitTree(parent) }
            case .accountable:
                if parents.isEmpty, try entryID(path, in: currentTree) == nil { return nil }
                return current
            }
        }
    }

    /// Whether two trees hold the same object at the last of `prefixes` (a path's directories
    /// then the path) — or both lack it — deciding as soon as a directory is the same in both.
    private func sameEntry(_ prefixes: [String], in tree: TreeHandle, and other: TreeHandle) throws(GitError) -> Bool {
        if git_oid_equal(git_tree_id(tree.pointer), git_tree_id(other.pointer)) != 0 { return true }
        for prefix in prefixes {
            let left = try entryID(prefix, in: tree)
            let right = try entryID(prefix, in: other)
            if left == nil && right == nil { return true }
            guard var left, var right else { return false }
            if git_oid_equal(&left, &right) != 0 { return true }
        }
        return false
    }

    private func entryID(_ path: String, in tree: TreeHandle) throws(GitError) -> git_oid? {
        guard !path.isEmpty else { return git_tree_id(tree.pointer).pointee }
        var entry: OpaquePointer?
        let rc = LibGit2Watch.reading("a tree") { git_tree_entry_bypath(&entry, tree.pointer, path) }
        if rc == GIT_ENOTFOUND.rawValue {
            git_error_clear()
            return nil
        }
        try check(rc, "cannot look up \(path)")
        guard let entry else { return nil }
        defer { git_tree_entry_free(entry) }
        return git_tree_entry_id(entry).pointee
    }

    /// The parents recorded in a commit. (Tollgate refuses shallow clones before it walks history.)
    func commitParents(_ id: ObjectID) throws(GitError) -> [ObjectID] {
        try CommitHandle.lookup(id, in: handle).parentIDs
    }
}

extension Repository {
    /// Whether `ancestor` is `commit` or one of its ancestors.
    public func isAncestor(_ ancestor: ObjectID, of commit: ObjectID) throws(GitError) -> Bool {
        if ancestor == commit { return true }
        let key = ancestor.hex + commit.hex
        if let known = memo.ancestry[key] { return known }
        var descendant = commit.gitOID
        var candidate = ancestor.gitOID
        let found = try LibGit2Watch.reading("the history") { () throws(GitError) in
            try check(git_graph_descendant_of(handle.pointer, &descendant, &candidate),
                      "cannot relate \(ancestor.short) and \(commit.short)") == 1
        }
        memo.ancestry[key] = found
        return found
    }

    /// The answers `isAncestor` has found, for keeping between runs (history does not change).
    public var knownAncestry: [(ancestor: ObjectID, commit: ObjectID, isAncestor: Bool)] {
        memo.ancestry.compactMap { key, value in
            let half = key.utf8.count / 2
            guard let ancestor = ObjectID(hex: String(key.prefix(half))),
                  let commit = ObjectID(hex: String(key.suffix(half))) else { return nil }
            return (ancestor, commit, value)
        }
    }

    /// An answer kept from an earlier run (see `knownAncestry`); a wrong one is believed.
    public func rememberAncestry(_ ancestor: ObjectID, of commit: ObjectID, is isAncestor: Bool) {
        memo.ancestry[ancestor.hex + commit.hex] = isAncestor
    }
}
