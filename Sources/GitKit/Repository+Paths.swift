internal import CLibGit2

extension Repository {
    /// The blob a commit's tree holds at `path`, or nil when the path is absent (or a tree,
    /// or a submodule). How "which commit last changed this file" is answered without a diff.
    public func blobID(atPath path: String, inCommit id: ObjectID) throws(GitError) -> ObjectID? {
        let tree = try TreeHandle.lookup(try CommitHandle.lookup(id, in: handle).treeID, in: handle)
        var entry: OpaquePointer?
        let rc = git_tree_entry_bypath(&entry, tree.pointer, path)
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
        guard let blob = try blobID(atPath: path, inCommit: head) else { return nil }
        var current = head
        var steps = 0
        walking: while true {
            steps += 1
            if steps > 1_000_000 { return current }  // a cycle is impossible in git; this only bounds the loop
            let parents = try commitParents(current)
            for parent in parents where try blobID(atPath: path, inCommit: parent) == blob {
                current = parent
                continue walking
            }
            return current
        }
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
        var descendant = commit.gitOID
        var candidate = ancestor.gitOID
        return try check(git_graph_descendant_of(handle.pointer, &descendant, &candidate),
                         "cannot relate \(ancestor.short) and \(commit.short)") == 1
    }
}
