import Foundation

extension Repository {
    /// The working tree: tracked files that still exist on disk plus untracked files that are not
    /// ignored (`.gitignore`, `.git/info/exclude` and `core.excludesFile` honoured), repository-relative,
    /// sorted by path.
    ///
    /// Files inside an untracked nested repository and inside submodules are not listed.
    /// - Throws: ``GitError`` for a bare repository.
    public func workingTreeFiles() throws(GitError) -> [String] {
        let root = try requireWorkingDirectory("cannot list the working tree")
        let snapshot = try IndexHandle.current(of: handle).snapshot
        try readHeadTree()
        var paths = Set(snapshot.files.map(\.path)).union(snapshot.conflicted)
        for change in try StatusListHandle.workingTree(of: handle).workingTreeChanges {
            if change.isDeleted {
                paths.remove(change.path)
            } else if change.isNew {
                // libgit2 reports an untracked nested repository as "dir/": not a file.
                if !change.path.hasSuffix("/") {
                    paths.insert(change.path)
                }
            } else if change.isTypeChange || change.isConflicted {
                // A tracked file replaced by a directory, or a conflicted path removed on disk.
                switch WorkingTreePath.kind(of: root + "/" + change.path) {
                case nil, .directory: paths.remove(change.path)
                case .file, .symlink, .other: continue
                }
            }
        }
        return PathOrder.sortedUnique(paths)
    }

    /// Reads a working-tree file by repository-relative path.
    ///
    /// A symbolic link is not followed: like git, its content is the link target. Paths that are
    /// absolute, contain `..`, or pass through a symbolic link are refused, so nothing outside the
    /// working directory can be read.
    /// - Throws: ``GitError`` with code ``GitError/Code/notFound`` when the file does not exist.
    public func readWorkingTreeFile(_ path: String) throws(GitError) -> [UInt8] {
        let root = try requireWorkingDirectory("cannot read '\(path)' from the working tree")
        return try WorkingTreePath(path).read(under: root)
    }

    /// Reads HEAD's commit and tree by id before a status or a diff reads them itself:
    /// libgit2 reports a damaged one there only as "the reference cannot be peeled".
    func readHeadTree() throws(GitError) {
        guard let head = try head() else { return }
        _ = try TreeHandle.lookup(try CommitHandle.lookup(head, in: handle).treeID, in: handle)
    }

    func requireWorkingDirectory(_ operation: String) throws(GitError) -> String {
        guard let root = workingDirectory else {
            throw GitError(code: .other(-8), message: "\(operation): the repository is bare (it has no working tree)")
        }
        return root
    }
}
