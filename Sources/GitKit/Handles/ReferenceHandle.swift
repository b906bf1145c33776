internal import CLibGit2

/// Owns a `git_reference`.
final class ReferenceHandle {
    let pointer: OpaquePointer
    private let repository: RepositoryHandle

    private init(pointer: OpaquePointer, repository: RepositoryHandle) {
        self.pointer = pointer
        self.repository = repository
    }

    deinit {
        git_reference_free(pointer)
    }

    /// HEAD, resolved through symbolic references. Throws `.unbornBranch` on a fresh repository.
    static func head(of repository: RepositoryHandle) throws(GitError) -> ReferenceHandle {
        var out: OpaquePointer?
        try check(git_repository_head(&out, repository.pointer), "cannot read HEAD")
        return ReferenceHandle(pointer: try unwrap(out, "cannot read HEAD"), repository: repository)
    }

    /// The commit the reference ultimately points to (annotated tags are followed).
    func peeledCommitID() throws(GitError) -> ObjectID {
        var out: OpaquePointer?
        let name = String(gitString: git_reference_name(pointer))
        try check(git_reference_peel(&out, pointer, GIT_OBJECT_COMMIT), "'\(name)' does not point to a commit")
        let object = ObjectHandle(adopting: try unwrap(out, "'\(name)' does not point to a commit"), repository: repository)
        return object.id
    }
}
