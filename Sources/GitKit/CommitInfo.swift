/// What a commit records: its tree, parents, people and message.
public struct CommitInfo: Sendable, Hashable {
    /// The commit's own id.
    public var id: ObjectID
    /// The root tree of the snapshot.
    public var tree: ObjectID
    /// The parent commits, in order (first parent first); empty for a root commit.
    ///
    /// In a shallow clone the parents of a boundary commit are listed even though they are not
    /// present locally.
    public var parents: [ObjectID]
    /// Who wrote the change.
    public var author: Signature
    /// Who recorded the commit.
    public var committer: Signature
    /// The full message (leading blank lines removed, as libgit2 does).
    public var message: String
    /// The first line of the message, without trailing whitespace.
    public var summary: String

    /// Creates a commit description.
    public init(
        id: ObjectID, tree: ObjectID, parents: [ObjectID],
        author: Signature, committer: Signature, message: String, summary: String
    ) {
        self.id = id
        self.tree = tree
        self.parents = parents
        self.author = author
        self.committer = committer
        self.message = message
        self.summary = summary
    }
}
