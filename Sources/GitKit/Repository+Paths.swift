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

    /// The commit that introduced the content `path` has in `head`: starting at `head`, follow
    /// any parent that holds the same blob (so a merge that brought the file from a branch leads
    /// into that branch), and stop at the first commit none of whose parents holds it. Nil when
    /// `head` has no such path. This is `git log -1 -- path` with history simplification.
    public func lastChange(of path: String, from head: ObjectID) throws(GitError) -> ObjectID? {
        let key = head.hex + "\u{0}" + path
        if let known = memo.lastChanges[key] { return known }
        let found = try walkToLastChange(of: path, from: head)
        memo.lastChanges[key] = .some(found)
        return found
    }

    /// The answers `lastChange(of:from:)` has found, for keeping between runs: history does
    /// not change, so an answer for a head and a path stays true.
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

    private func walkToLastChange(of path: String, from head: ObjectID) throws(GitError) -> ObjectID? {
        guard try blobID(atPath: path, inCommit: head) != nil else { return nil }
        // Compare the path's directories before the file: in most commits the top directory
        // is untouched, and one small tree lookup proves the blob is the same.
        let components = path.split(separator: "/").map(String.init)
        let prefixes = components.indices.map { components[...$0].joined(separator: "/") }
        var current = head
        var currentTree = try TreeHandle.lookup(try CommitHandle.lookup(head, in: handle).treeID, in: handle)
        var steps = 0
        walking: while true {
            steps += 1
            if steps > 10_000_000 { return current }  // a cycle is impossible in git; this only bounds the loop
            // The walk from here is the walk from `current`: a known answer for it is the answer
            // (answers kept from an earlier run start the walk of a newer head where it stopped).
            if steps > 1, let known = memo.lastChanges[current.hex + "\u{0}" + path], let known {
                return known
            }
            for parent in try commitParents(current) {
                let parentTree = try TreeHandle.lookup(try CommitHandle.lookup(parent, in: handle).treeID, in: handle)
                if try sameEntry(prefixes, in: currentTree, and: parentTree) {
                    current = parent
                    currentTree = parentTree
                    continue walking
                }
            }
            return current
        }
    }

    /// Whether two trees hold the same object at the last of `prefixes` (a path's directories
    /// then the path), deciding as soon as a directory is the same in both.
    private func sameEntry(_ prefixes: [String], in tree: TreeHandle, and other: TreeHandle) throws(GitError) -> Bool {
        if git_oid_equal(git_tree_id(tree.pointer), git_tree_id(other.pointer)) != 0 { return true }
        for prefix in prefixes {
            let left = try entryID(prefix, in: tree)
            let right = try entryID(prefix, in: other)
            guard var left, var right else { return false }
            if git_oid_equal(&left, &right) != 0 { return true }
        }
        return false
    }

    private func entryID(_ path: String, in tree: TreeHandle) throws(GitError) -> git_oid? {
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
