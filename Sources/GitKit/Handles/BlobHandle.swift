internal import CLibGit2

/// Owns a `git_blob`.
final class BlobHandle {
    let pointer: OpaquePointer
    private let repository: RepositoryHandle

    private init(pointer: OpaquePointer, repository: RepositoryHandle) {
        self.pointer = pointer
        self.repository = repository
    }

    deinit {
        git_blob_free(pointer)
    }

    static func lookup(_ id: ObjectID, in repository: RepositoryHandle) throws(GitError) -> BlobHandle {
        var oid = id.gitOID
        var out: OpaquePointer?
        try LibGit2Watch.reading("a blob") { () throws(GitError) in try check(git_blob_lookup(&out, repository.pointer, &oid), "cannot read blob \(id.hex)") }
        let blob = BlobHandle(pointer: try unwrap(out, "cannot read blob \(id.hex)"), repository: repository)
        // A blob is evidence: its content must be the object its id names (ObjectVerification).
        try ObjectVerification.verify(id, kind: GIT_OBJECT_BLOB, content: git_blob_rawcontent(blob.pointer),
                                      count: Int(git_blob_rawsize(blob.pointer)))
        return blob
    }

    /// The content, copied (the raw buffer belongs to the blob).
    var bytes: [UInt8] {
        let size = Int(git_blob_rawsize(pointer))
        guard size > 0, let raw = git_blob_rawcontent(pointer) else { return [] }
        return Array(UnsafeRawBufferPointer(start: raw, count: size))
    }
}
