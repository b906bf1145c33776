/// The staging area (index) as it is on disk at the moment it was read.
public struct IndexSnapshot: Sendable, Hashable {
    /// The staged files (stage 0), sorted by path. Gitlinks (submodules) are left out.
    public var files: [FileEntry]
    /// Paths with an unresolved merge conflict (entries at stage 1, 2 or 3), sorted and unique.
    public var conflicted: [String]

    /// Creates a snapshot.
    public init(files: [FileEntry], conflicted: [String]) {
        self.files = files
        self.conflicted = conflicted
    }
}
