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

    /// Reads an object exactly as stored (inflated, without the `<type> <size>\0` header),
    /// hashed and compared with `id` unless `verify` is false (ObjectVerification).
    /// - Parameter what: the object's kind in messages ("cannot read blob …").
    func read(_ id: ObjectID, verify: Bool = true, what: String = "object") throws(GitError) -> RawObjectHandle {
        var oid = id.gitOID
        var out: OpaquePointer?
        try LibGit2Watch.reading("an object") { () throws(GitError) in try check(git_odb_read(&out, pointer, &oid), "cannot read \(what) \(id.hex)") }
        let object = RawObjectHandle(adopting: try unwrap(out, "cannot read \(what) \(id.hex)"), database: self)
        guard verify else { return object }
        try ObjectVerification.verify(id, kind: object.kind, content: git_odb_object_data(object.pointer),
                                      count: git_odb_object_size(object.pointer))
        return object
    }

    /// An object's type, from its header only.
    func kind(of id: ObjectID, _ operation: (String) -> String = { $0 }) throws(GitError) -> git_object_t {
        var oid = id.gitOID
        var size = 0
        var kind = GIT_OBJECT_INVALID
        try LibGit2Watch.reading("an object header") { () throws(GitError) in
            try check(git_odb_read_header(&size, &kind, pointer, &oid), operation("cannot read object \(id.hex)"))
        }
        return kind
    }

    /// The full id of the one object whose id starts with `prefix` (`length` hex digits),
    /// found without reading any object.
    func expand(_ prefix: git_oid, length: Int, _ operation: String) throws(GitError) -> ObjectID {
        var short = prefix
        var full = git_oid()
        try check(git_odb_exists_prefix(&full, pointer, &short, length), operation)
        return ObjectID(full)
    }
}
