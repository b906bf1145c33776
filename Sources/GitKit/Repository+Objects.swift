internal import CLibGit2

extension Repository {
    /// What a commit records: tree, parents, author, committer and message.
    public func commit(_ id: ObjectID) throws(GitError) -> CommitInfo {
        try CommitHandle.lookup(id, in: handle).info
    }

    /// The content of a blob (for a symlink entry, the link target).
    public func blob(_ id: ObjectID) throws(GitError) -> [UInt8] {
        try BlobHandle.lookup(id, in: handle).bytes
    }

    /// The content of a blob if `wanted` accepts it, else nil. Only an accepted blob is hashed
    /// and compared with its id (it becomes evidence); a walk that looks at many blobs to
    /// choose the few it parses does not hash the others.
    public func blob(_ id: ObjectID, ifWanted wanted: ([UInt8]) -> Bool) throws(GitError) -> [UInt8]? {
        let object = try ObjectDatabaseHandle.of(handle).read(id, verify: false, what: "blob")
        guard object.kind == GIT_OBJECT_BLOB else {
            throw GitError(code: .other(-1), message: "cannot read blob \(id.hex): the object is a \(String(cString: git_object_type2string(object.kind)))")
        }
        let bytes = object.bytes
        guard wanted(bytes) else { return nil }
        try ObjectVerification.verify(id, kind: GIT_OBJECT_BLOB, content: bytes, count: bytes.count)
        return bytes
    }

    /// The id git would give `bytes` as a blob (`git hash-object`), without writing anything.
    public static func blobID(hashing bytes: [UInt8]) throws(GitError) -> ObjectID {
        var oid = git_oid()
        let result = bytes.withUnsafeBytes { raw in
            git_odb_hash(&oid, raw.baseAddress, raw.count, GIT_OBJECT_BLOB)
        }
        try check(result, "cannot hash a file's content")
        return ObjectID(oid)
    }

    /// The raw bytes of a commit object as stored — headers (`tree …`, `parent …`, `author …`,
    /// `committer …`, `gpgsig …`), a blank line, the message — without git's `commit <size>\0`
    /// object header. This is what signature verification needs.
    public func rawCommit(_ id: ObjectID) throws(GitError) -> [UInt8] {
        let object = try ObjectDatabaseHandle.of(handle).read(id)
        guard object.kind == GIT_OBJECT_COMMIT else {
            throw GitError(code: .notFound, message: "cannot read commit \(id.hex): the object is not a commit")
        }
        return object.bytes
    }

    /// Every blob of the commit's tree, recursively, sorted by path.
    /// Submodule entries (gitlinks) are skipped.
    public func files(inCommit id: ObjectID) throws(GitError) -> [FileEntry] {
        try files(inTree: CommitHandle.lookup(id, in: handle).treeID)
    }

    /// Every blob of a tree, recursively, sorted by path. Submodule entries (gitlinks) are skipped.
    public func files(inTree id: ObjectID) throws(GitError) -> [FileEntry] {
        var files: [FileEntry] = []
        // An explicit stack rather than recursion: a hostile repository can nest trees deeply.
        var pending: [(prefix: String, tree: ObjectID)] = [("", id)]
        while let (prefix, treeID) = pending.popLast() {
            for entry in try TreeHandle.lookup(treeID, in: handle).entries {
                let path = prefix + entry.name
                switch entry.kind {
                case GIT_OBJECT_TREE:
                    pending.append((path + "/", entry.id))
                case GIT_OBJECT_BLOB:
                    files.append(FileEntry(path: path, oid: entry.id, mode: entry.mode))
                default:
                    continue  // gitlink (submodule commit) or something no tree should hold
                }
            }
        }
        files.sort { PathOrder.precedes($0.path, $1.path) }
        return files
    }
}
