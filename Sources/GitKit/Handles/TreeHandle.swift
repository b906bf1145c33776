internal import CLibGit2

/// Owns a `git_tree`.
final class TreeHandle {
    /// One entry of a tree, copied out of libgit2's borrowed `git_tree_entry`.
    struct Entry {
        var name: String
        var id: ObjectID
        var kind: git_object_t
        var mode: UInt32
    }

    let pointer: OpaquePointer
    private let repository: RepositoryHandle

    private init(pointer: OpaquePointer, repository: RepositoryHandle) {
        self.pointer = pointer
        self.repository = repository
    }

    deinit {
        git_tree_free(pointer)
    }

    static func lookup(_ id: ObjectID, in repository: RepositoryHandle) throws(GitError) -> TreeHandle {
        var oid = id.gitOID
        var out: OpaquePointer?
        try LibGit2Watch.reading("a tree") { () throws(GitError) in try check(git_tree_lookup(&out, repository.pointer, &oid), "cannot read tree \(id.hex)") }
        return TreeHandle(pointer: try unwrap(out, "cannot read tree \(id.hex)"), repository: repository)
    }

    /// The direct entries (not recursive), in tree order. Entries are borrowed from the tree,
    /// so they are copied while `self` is alive.
    var entries: [Entry] {
        let count = git_tree_entrycount(pointer)
        var result: [Entry] = []
        result.reserveCapacity(count)
        for index in 0..<count {
            guard let entry = git_tree_entry_byindex(pointer, index),
                  let id = ObjectID(git_tree_entry_id(entry)) else { continue }
            result.append(Entry(
                name: String(gitString: git_tree_entry_name(entry)),
                id: id,
                kind: git_tree_entry_type(entry),
                mode: git_tree_entry_filemode(entry).rawValue
            ))
        }
        return result
    }
}
