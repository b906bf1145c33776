extension Repository {
    /// What a walk needs of a commit: its root tree and its parents, without its people and
    /// message (`commit(_:)` reads those too).
    public struct CommitLinks: Sendable, Hashable {
        public var tree: ObjectID
        public var parents: [ObjectID]
    }

    /// The root tree and parents of a commit: from the commit-graph when git's would be used
    /// and it holds the commit (no object is read; opened on the first call: the walks that
    /// ask are long), else from the commit object.
    public func links(of id: ObjectID) throws(GitError) -> CommitLinks {
        if let graph = commitGraph, let position = graph.lookup(id) {
            return CommitLinks(tree: graph.rootTree(at: position), parents: graph.parents(at: position).map(graph.objectID(at:)))
        }
        let commit = try CommitHandle.lookup(id, in: handle)
        return CommitLinks(tree: commit.treeID, parents: commit.parentIDs)
    }

    /// What changed between two root trees (nil: the empty tree), as `changes(from:to:)`
    /// gives it for their commits: sorted by path.
    public func changes(fromTree old: ObjectID?, toTree new: ObjectID) throws(GitError) -> [TreeChange] {
        var comparison = TreeComparison(repository: handle)
        try comparison.compare(old, new)
        return comparison.changes.sorted { PathOrder.precedes($0.path, $1.path) }
    }

    /// Opens this repository again: a second handle for another thread (a `Repository` must
    /// not be shared between threads). Answers kept outside the process are not carried over.
    public func reopened() throws(GitError) -> Repository {
        try Repository.discover(startingAt: gitDirectory)
    }
}
