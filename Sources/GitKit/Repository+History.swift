internal import CLibGit2

extension Repository {
    /// The best common ancestor of two commits (`git merge-base a b`); `nil` when the histories
    /// are unrelated.
    ///
    /// In a shallow clone the commits at the shallow boundary count as roots (as in git), so the
    /// result is `nil` when the common ancestor was not fetched.
    public func mergeBase(_ a: ObjectID, _ b: ObjectID) throws(GitError) -> ObjectID? {
        if isShallow {
            var history = ShallowHistory(repository: handle)
            return try history.mergeBase(a, b)
        }
        var out = git_oid()
        var first = a.gitOID
        var second = b.gitOID
        let rc = LibGit2Watch.reading("the merge base") { git_merge_base(&out, handle.pointer, &first, &second) }
        if rc == GIT_ENOTFOUND.rawValue {
            return nil
        }
        try check(rc, "cannot find the merge base of \(a.short) and \(b.short)")
        return ObjectID(out)
    }

    /// The commits reachable from `head` and not from `base`, newest first (topological, then
    /// commit time), i.e. `git rev-list base..head`.
    ///
    /// In a shallow clone the walk stops at the shallow boundary, as `git rev-list` does.
    ///
    /// - Parameter base: `nil` lists all of `head`'s history.
    public func commits(from base: ObjectID?, to head: ObjectID) throws(GitError) -> [ObjectID] {
        if isShallow {
            var history = ShallowHistory(repository: handle)
            return try history.commits(from: base, to: head)
        }
        let walk = try RevWalkHandle.topological(in: handle)
        try walk.push(head)
        if let base {
            try walk.hide(base)
        }
        var commits: [ObjectID] = []
        while let next = try walk.next() {
            commits.append(next)
        }
        return commits
    }
}
