internal import CLibGit2

/// Compares two trees entry by entry, descending only into subtrees whose ids differ.
///
/// libgit2 1.5's `git_diff_tree_to_tree` visits every entry of both trees; in a repository
/// of thousands of documents that made each commit's diff cost milliseconds, and a walk
/// through 100,000 commits minutes (docs/performance.md). Here an unchanged directory costs
/// one id comparison, and nothing is copied out of libgit2 but the changed entries.
struct TreeComparison {
    let repository: RepositoryHandle
    private(set) var changes: [TreeChange] = []

    init(repository: RepositoryHandle) {
        self.repository = repository
    }

    /// Records every path whose entry differs between `old` and `new` (nil: the empty tree).
    mutating func compare(_ old: TreeHandle?, _ new: TreeHandle?, prefix: String = "") throws(GitError) {
        let oldCount = old.map { git_tree_entrycount($0.pointer) } ?? 0
        let newCount = new.map { git_tree_entrycount($0.pointer) } ?? 0
        var i = 0, j = 0
        while i < oldCount || j < newCount {
            let left = i < oldCount ? git_tree_entry_byindex(old!.pointer, i) : nil
            let right = j < newCount ? git_tree_entry_byindex(new!.pointer, j) : nil
            switch TreeComparison.order(left, right) {
            case .same:
                if git_oid_equal(git_tree_entry_id(left), git_tree_entry_id(right)) == 0
                    || git_tree_entry_filemode(left) != git_tree_entry_filemode(right) {
                    try changed(left, right, prefix: prefix)
                }
                i += 1; j += 1
            case .leftFirst:
                try changed(left, nil, prefix: prefix)
                i += 1
            case .rightFirst:
                try changed(nil, right, prefix: prefix)
                j += 1
            }
        }
    }

    /// One entry differs: a file (or link, or submodule) is recorded; a directory is compared
    /// in turn. A path that is a file on one side and a directory on the other is both.
    private mutating func changed(_ old: OpaquePointer?, _ new: OpaquePointer?, prefix: String) throws(GitError) {
        let name = String(cString: git_tree_entry_name(old ?? new!))
        let path = prefix + name
        let oldTree = old.flatMap { git_tree_entry_type($0) == GIT_OBJECT_TREE ? $0 : nil }
        let newTree = new.flatMap { git_tree_entry_type($0) == GIT_OBJECT_TREE ? $0 : nil }
        if oldTree != nil || newTree != nil {
            try compare(try oldTree.map { (entry) throws(GitError) in try tree(entry) },
                        try newTree.map { (entry) throws(GitError) in try tree(entry) }, prefix: path + "/")
        }
        let oldFile = old.flatMap { git_tree_entry_type($0) == GIT_OBJECT_TREE ? nil : $0 }
        let newFile = new.flatMap { git_tree_entry_type($0) == GIT_OBJECT_TREE ? nil : $0 }
        if oldFile != nil || newFile != nil {
            changes.append(TreeChange(path: path,
                                      old: oldFile.flatMap { ObjectID(git_tree_entry_id($0)) },
                                      new: newFile.flatMap { ObjectID(git_tree_entry_id($0)) },
                                      oldMode: oldFile.map { UInt32(git_tree_entry_filemode($0).rawValue) },
                                      newMode: newFile.map { UInt32(git_tree_entry_filemode($0).rawValue) }))
        }
    }

    private func tree(_ entry: OpaquePointer) throws(GitError) -> TreeHandle {
        try TreeHandle.lookup(ObjectID(git_tree_entry_id(entry).pointee), in: repository)
    }

    enum Order { case same, leftFirst, rightFirst }

    /// Git's tree order: names compared as bytes, a directory's name as if followed by "/".
    /// A missing side sorts last.
    static func order(_ left: OpaquePointer?, _ right: OpaquePointer?) -> Order {
        guard let left else { return .rightFirst }
        guard let right else { return .leftFirst }
        let a = git_tree_entry_name(left)!
        let b = git_tree_entry_name(right)!
        var index = 0
        while true {
            var x = UInt8(bitPattern: a[index])
            var y = UInt8(bitPattern: b[index])
            if x == 0 && git_tree_entry_type(left) == GIT_OBJECT_TREE { x = UInt8(ascii: "/") }
            if y == 0 && git_tree_entry_type(right) == GIT_OBJECT_TREE { y = UInt8(ascii: "/") }
            if x != y { return x < y ? .leftFirst : .rightFirst }
            if a[index] == 0 || b[index] == 0 {
                // Both ended (or both reached "/" for same-named directories).
                if a[index] == 0 && b[index] == 0 {
                    return .same
                }
                return a[index] == 0 ? .leftFirst : .rightFirst
            }
            index += 1
        }
    }
}
