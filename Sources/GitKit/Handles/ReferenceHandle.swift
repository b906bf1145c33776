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
        try LibGit2Watch.reading("HEAD") { () throws(GitError) in
            try check(git_repository_head(&out, repository.pointer), "cannot read HEAD")
        }
        return ReferenceHandle(pointer: try unwrap(out, "cannot read HEAD"), repository: repository)
    }

    /// The commit the reference ultimately points to (annotated tags are followed).
    ///
    /// Not `git_reference_peel`: it replaces the reason an object cannot be read (say, a
    /// damaged loose object, see `LooseObjectGuard`) with "cannot be peeled". The object is
    /// read here by id, and only then peeled.
    func peeledCommitID() throws(GitError) -> ObjectID {
        let name = String(gitString: git_reference_name(pointer))
        guard let target = ObjectID(git_reference_target(pointer)) else {
            throw GitError(code: .invalidRevision, message: "'\(name)' does not point to a commit")
        }
        let object: ObjectHandle
        do {
            object = try ObjectHandle.lookup(target, in: repository)
        } catch {
            throw GitError(code: error.code, message: "cannot read the commit '\(name)' points to: \(error.message)")
        }
        return try object.peel(to: GIT_OBJECT_COMMIT) { code in
            code == .invalidRevision ? "'\(name)' does not point to a commit" : "cannot read the commit '\(name)' points to"
        }.id
    }
}
