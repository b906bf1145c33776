internal import CLibGit2

/// Owns a `git_object` of any type (what revision parsing returns).
final class ObjectHandle {
    let pointer: OpaquePointer
    private let repository: RepositoryHandle

    /// Takes ownership of `pointer`, which must be a `git_object` of `repository` that nobody else frees.
    init(adopting pointer: OpaquePointer, repository: RepositoryHandle) {
        self.pointer = pointer
        self.repository = repository
    }

    deinit {
        git_object_free(pointer)
    }

    /// Parses a revision the way `git rev-parse` does.
    static func revparse(
        _ revision: String,
        in repository: RepositoryHandle,
        _ operation: (GitError.Code) -> String
    ) throws(GitError) -> ObjectHandle {
        var out: OpaquePointer?
        try LibGit2Watch.reading("a revision") { () throws(GitError) in try check(git_revparse_single(&out, repository.pointer, revision), operation) }
        return ObjectHandle(adopting: try unwrap(out, operation(.other(-1))), repository: repository)
    }

    /// Looks an object of any type up by its id.
    static func lookup(_ id: ObjectID, in repository: RepositoryHandle) throws(GitError) -> ObjectHandle {
        var oid = id.gitOID
        var out: OpaquePointer?
        try LibGit2Watch.reading("an object") { () throws(GitError) in
            try check(git_object_lookup(&out, repository.pointer, &oid, GIT_OBJECT_ANY), "cannot read object \(id.hex)")
        }
        return ObjectHandle(adopting: try unwrap(out, "cannot read object \(id.hex)"), repository: repository)
    }

    /// Looks an object up by an abbreviated id of at least four hex digits, requiring a given type.
    static func lookup(
        prefix hex: String, kind: git_object_t, in repository: RepositoryHandle
    ) throws(GitError) -> ObjectHandle {
        var oid = git_oid()
        try check(git_oid_fromstrn(&oid, hex, hex.utf8.count), "'\(hex)' is not an object id")
        // The prefix is expanded first without reading anything, then the object is read by its
        // full id: libgit2's own prefix read inflates loose objects itself, bypassing
        // `LooseObjectGuard` (and hangs on a truncated one).
        var full = try ObjectDatabaseHandle.of(repository).expand(oid, length: hex.utf8.count, "cannot find object \(hex)").gitOID
        var out: OpaquePointer?
        try LibGit2Watch.reading("an object") { () throws(GitError) in try check(git_object_lookup(&out, repository.pointer, &full, kind), "cannot find object \(hex)") }
        return ObjectHandle(adopting: try unwrap(out, "cannot find object \(hex)"), repository: repository)
    }

    var id: ObjectID {
        ObjectID(git_object_id(pointer).pointee)
    }

    /// Follows tags (and, for a reference-like object, whatever libgit2 peels) down to an object of `kind`.
    func peel(to kind: git_object_t, _ operation: (GitError.Code) -> String) throws(GitError) -> ObjectHandle {
        var out: OpaquePointer?
        try LibGit2Watch.reading("an object") { () throws(GitError) in try check(git_object_peel(&out, pointer, kind), operation) }
        return ObjectHandle(adopting: try unwrap(out, operation(.other(-1))), repository: repository)
    }
}
