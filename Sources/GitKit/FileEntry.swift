/// A file in a tree or in the index: where it is, which blob holds its content, and its mode.
public struct FileEntry: Sendable, Hashable {
    /// The path relative to the repository root, with "/" separators.
    public var path: String
    /// The id of the blob holding the content (for a symlink, the link target).
    public var oid: ObjectID
    /// The git file mode: `0o100644` (regular), `0o100755` (executable) or `0o120000` (symlink).
    public var mode: UInt32

    /// Creates an entry.
    public init(path: String, oid: ObjectID, mode: UInt32) {
        self.path = path
        self.oid = oid
        self.mode = mode
    }

    /// Whether the entry is a symbolic link (mode `0o120000`).
    public var isSymlink: Bool { mode == 0o120000 }

    /// Whether the entry is an executable file (mode `0o100755`).
    public var isExecutable: Bool { mode == 0o100755 }
}
