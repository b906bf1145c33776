extension Repository {
    /// Paths that differ between two commits' trees (`git diff --name-only from to`, without rename
    /// detection): both the old and the new path of a rename, deleted paths included. Sorted, unique.
    ///
    /// - Parameter from: the old commit; `nil` means the empty tree, so every file of `to` is listed.
    public func changedPaths(from: ObjectID?, to: ObjectID) throws(GitError) -> [String] {
        let operation = "cannot compare \(from?.short ?? "the empty tree") with \(to.short)"
        let oldTree = try from.map { (id) throws(GitError) in try tree(ofCommit: id) }
        let newTree = try tree(ofCommit: to)
        return try DiffHandle.between(oldTree, newTree, in: handle, operation).paths
    }

    /// What changed between two commits' trees, path by path, with the blob on each side
    /// (`git diff --raw from to`, without rename detection), sorted by path. Readers take
    /// the blobs from here instead of looking each path up in each tree again.
    ///
    /// - Parameter from: the old commit; `nil` means the empty tree.
    public func changes(from: ObjectID?, to: ObjectID) throws(GitError) -> [TreeChange] {
        let operation = "cannot compare \(from?.short ?? "the empty tree") with \(to.short)"
        do {
            let oldTree = try from.map { (id) throws(GitError) in try tree(ofCommit: id) }
            let newTree = try tree(ofCommit: to)
            var comparison = TreeComparison(repository: handle)
            try comparison.compare(oldTree, newTree)
            return comparison.changes.sorted { PathOrder.precedes($0.path, $1.path) }
        } catch {
            throw GitError(code: error.code, message: "\(operation): \(error.message)")
        }
    }

    /// Paths staged for the next commit: those that differ between `commit`'s tree and the index
    /// (`git diff --cached --name-only commit`). Sorted, unique.
    ///
    /// - Parameter commit: usually HEAD; `nil` means the empty tree (every staged file is listed),
    ///   which is what an unborn branch needs.
    public func stagedChangedPaths(against commit: ObjectID?) throws(GitError) -> [String] {
        let operation = "cannot compare the index with \(commit?.short ?? "the empty tree")"
        let oldTree = try commit.map { (id) throws(GitError) in try tree(ofCommit: id) }
        let index = try IndexHandle.current(of: handle)
        return try DiffHandle.between(oldTree, index, in: handle, operation).paths
    }

    /// The staged content and the paths staged against `commit` (`indexFiles()` and
    /// `stagedChangedPaths(against:)`) from one read of the index: both describe the same index,
    /// and a large index is read once.
    public func stagedState(against commit: ObjectID?) throws(GitError) -> (index: IndexSnapshot, changed: [String]) {
        let operation = "cannot compare the index with \(commit?.short ?? "the empty tree")"
        let oldTree = try commit.map { (id) throws(GitError) in try tree(ofCommit: id) }
        let index = try IndexHandle.current(of: handle)
        return (index.snapshot, try DiffHandle.between(oldTree, index, in: handle, operation).paths)
    }

    /// Paths changed in the working tree but not staged: modified or deleted tracked files and
    /// untracked files that are not ignored (`git diff --name-only` plus
    /// `git ls-files --others --exclude-standard`). Sorted, unique.
    ///
    /// - Throws: ``GitError`` for a bare repository.
    public func unstagedChangedPaths() throws(GitError) -> [String] {
        let operation = "cannot compare the working tree with the index"
        _ = try requireWorkingDirectory(operation)
        try readHeadTree()
        let index = try IndexHandle.current(of: handle)
        return try DiffHandle.workingTree(against: index, in: handle, operation).paths
    }

    private func tree(ofCommit id: ObjectID) throws(GitError) -> TreeHandle {
        try TreeHandle.lookup(CommitHandle.lookup(id, in: handle).treeID, in: handle)
    }
}

/// One path that differs between two trees: its blob and mode on each side, `nil` on the
/// side where the path is absent.
public struct TreeChange: Sendable, Hashable {
    public var path: String
    public var old: ObjectID?
    public var new: ObjectID?
    public var oldMode: UInt32?
    public var newMode: UInt32?

    public init(path: String, old: ObjectID?, new: ObjectID?, oldMode: UInt32? = nil, newMode: UInt32? = nil) {
        self.path = path
        self.old = old
        self.new = new
        self.oldMode = oldMode
        self.newMode = newMode
    }
}
