internal import CLibGit2

/// Owns a `git_commit`; everything read from it is copied out while the handle is alive.
final class CommitHandle {
    let pointer: OpaquePointer
    private let repository: RepositoryHandle

    private init(pointer: OpaquePointer, repository: RepositoryHandle) {
        self.pointer = pointer
        self.repository = repository
    }

    deinit {
        git_commit_free(pointer)
    }

    static func lookup(_ id: ObjectID, in repository: RepositoryHandle) throws(GitError) -> CommitHandle {
        var oid = id.gitOID
        var out: OpaquePointer?
        try LibGit2Watch.reading("a commit") { () throws(GitError) in try check(git_commit_lookup(&out, repository.pointer, &oid), "cannot read commit \(id.hex)") }
        return CommitHandle(pointer: try unwrap(out, "cannot read commit \(id.hex)"), repository: repository)
    }

    var id: ObjectID {
        ObjectID(git_commit_id(pointer).pointee)
    }

    var treeID: ObjectID {
        ObjectID(git_commit_tree_id(pointer).pointee)
    }

    /// The parents as recorded in the commit, whether or not they are present locally.
    var parentIDs: [ObjectID] {
        let parentCount = git_commit_parentcount(pointer)
        var parents: [ObjectID] = []
        parents.reserveCapacity(Int(parentCount))
        for index in 0..<parentCount {
            if let parent = ObjectID(git_commit_parent_id(pointer, index)) {
                parents.append(parent)
            }
        }
        return parents
    }

    /// The committer time in seconds since 1970, the key history is ordered by.
    var commitTime: Int64 {
        Int64(git_commit_time(pointer))
    }

    var info: CommitInfo {
        let parents = parentIDs
        let message = String(gitString: git_commit_message(pointer))
        let firstLine = message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return CommitInfo(
            id: id,
            tree: treeID,
            parents: parents,
            author: Signature(git_commit_author(pointer)),
            committer: Signature(git_commit_committer(pointer)),
            message: message,
            summary: String(firstLine).trimmingTrailingWhitespace()
        )
    }
}
