internal import CLibGit2

/// Owns a reference to the repository's `git_odb`.
final class ObjectDatabaseHandle {
    let pointer: OpaquePointer
    private let repository: RepositoryHandle

    private init(pointer: OpaquePointer, repository: RepositoryHandle) {
        self.pointer = pointer
        self.repository = repository
    }

    deinit {
        git_odb_free(pointer)
    }

    static func of(_ repository: RepositoryHandle) throws(GitError) -> ObjectDatabaseHandle {
        var out: OpaquePointer?
        try check(git_repository_odb(&out, repository.pointer), "cannot open the object database")
        return ObjectDatabaseHandle(pointer: try unwrap(out, "cannot open the object database"), repository: repository)
    }

    /// Reads an object exactly as stored (inflated, without the `<type> <size>\0` header).
    func read(_ id: ObjectID) throws(GitError) -> RawObjectHandle {
        var oid = id.gitOID
        var out: OpaquePointer?
        try LibGit2Watch.reading("an object") { () throws(GitError) in try check(git_odb_read(&out, pointer, &oid), "cannot read object \(id.hex)") }
        return RawObjectHandle(adopting: try unwrap(out, "cannot read object \(id.hex)"), database: self)
    }
}
