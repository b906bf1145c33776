/// A file `policy init` offers to write, and what became of it.
public struct ScaffoldFile: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case created
        /// Left as it was; the reason says why (the file exists, or what it would define does).
        case skipped(reason: String)
    }

    /// Repository-relative path.
    public var path: String
    public var contents: String
    public var outcome: Outcome?

    init(path: String, contents: String) {
        self.path = path
        self.contents = contents
    }
}
