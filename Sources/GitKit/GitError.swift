import Foundation

/// A failure reading a git repository.
///
/// `message` says what Tollgate was doing and, after a colon, what libgit2 reported,
/// e.g. `unknown revision 'nope': revspec 'nope' not found`.
public struct GitError: Error, LocalizedError, Sendable, Hashable {
    /// The kind of failure, for callers that react differently to, say, a missing revision.
    public enum Code: Sendable, Hashable {
        /// The object, reference or revision does not exist.
        case notFound
        /// No repository was found at or above the given path.
        case notARepository
        /// An abbreviated id or name matches more than one object.
        case ambiguous
        /// The revision or reference name is not well formed, or names something that is not a commit.
        case invalidRevision
        /// HEAD points to a branch that has no commits yet.
        case unbornBranch
        /// Any other libgit2 failure; the payload is libgit2's (negative) return code,
        /// or -1 for failures detected by GitKit itself.
        case other(Int32)
    }

    /// The kind of failure.
    public var code: Code
    /// A sentence for the user: what we were doing, then libgit2's explanation.
    public var message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// The message, so that `error.localizedDescription` shows it.
    public var errorDescription: String? { message }
}

extension GitError {
    /// `error` itself when it is a `GitError`, else a `GitError` of code `.other(-1)` with its
    /// description (a failure around git, such as the `git` command line).
    public static func wrapping(_ error: any Error) -> GitError {
        (error as? GitError) ?? GitError(code: .other(-1), message: error.localizedDescription)
    }
}
