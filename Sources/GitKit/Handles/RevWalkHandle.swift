internal import CLibGit2

/// Owns a `git_revwalk`.
final class RevWalkHandle {
    let pointer: OpaquePointer
    private let repository: RepositoryHandle

    private init(pointer: OpaquePointer, repository: RepositoryHandle) {
        self.pointer = pointer
        self.repository = repository
    }

    deinit {
        git_revwalk_free(pointer)
    }

    /// A walk in `git rev-list` order: children before parents, newer before older.
    static func topological(in repository: RepositoryHandle) throws(GitError) -> RevWalkHandle {
        var out: OpaquePointer?
        try check(git_revwalk_new(&out, repository.pointer), "cannot walk history")
        let walk = RevWalkHandle(pointer: try unwrap(out, "cannot walk history"), repository: repository)
        try check(
            git_revwalk_sorting(walk.pointer, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue),
            "cannot walk history"
        )
        return walk
    }

    func push(_ id: ObjectID) throws(GitError) {
        var oid = id.gitOID
        try LibGit2Watch.reading("the history") { () throws(GitError) in
            try check(git_revwalk_push(pointer, &oid), "cannot walk history from \(id.hex)")
        }
    }

    func hide(_ id: ObjectID) throws(GitError) {
        var oid = id.gitOID
        try LibGit2Watch.reading("the history") { () throws(GitError) in
            try check(git_revwalk_hide(pointer, &oid), "cannot exclude the history of \(id.hex)")
        }
    }

    /// The next commit, or `nil` when the walk is over.
    func next() throws(GitError) -> ObjectID? {
        var oid = git_oid()
        let rc = LibGit2Watch.reading("the history") { git_revwalk_next(&oid, pointer) }
        if rc == GIT_ITEROVER.rawValue {
            return nil
        }
        try check(rc, "cannot walk history")
        return ObjectID(oid)
    }
}
