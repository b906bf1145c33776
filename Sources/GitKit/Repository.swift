import Foundation
internal import CLibGit2

/// A git repository opened through libgit2. Everything Tollgate knows about history, the index
/// and the working tree is read through this type; no `git` process is ever started.
///
/// A `Repository` is **not** safe for concurrent use: libgit2 repository handles must not be
/// shared between threads without locking. Open one per thread (or task) instead; opening is cheap.
/// It is marked `@unchecked Sendable` only so that it can be handed over to another task.
public final class Repository: @unchecked Sendable {
    let handle: RepositoryHandle
    /// Answers about history that cannot change while the repository is open (they are
    /// keyed by commit ids), remembered because checks ask the same question per rule.
    let memo = Memo()
    /// Answers kept outside this process (`HistoryAnswers`); nil: every walk is walked.
    public var keptAnswers: (any HistoryAnswers)?

    final class Memo {
        /// `accountableChange(of:from:)` by path, then head.
        var lastChanges: [String: [ObjectID: ObjectID?]] = [:]
        /// `isAncestor(_:of:)` by the two ids, one after the other.
        var ancestry: [String: Bool] = [:]
        /// The notes under a notes ref (annotated object → note blob), read once per ref.
        var notes: [String: [ObjectID: ObjectID]] = [:]
        /// `mergeBase` of two commits met by the accountable-change walk, by the two ids.
        var mergeBases: [String: ObjectID?] = [:]
        /// `accountableChanges(of:from:limit:)` with a limit above 1, by question.
        var successiveChanges: [PathQuestion: [ObjectID]] = [:]
        /// git's commit-graph, opened at the first history question (nil inside: unusable).
        var commitGraph: CommitGraph??
    }

    private init(handle: RepositoryHandle) {
        self.handle = handle
    }

    /// Opens the repository containing `path`, searching parent directories (like `git -C path`).
    ///
    /// `GIT_DIR` and the other environment variables git honours are ignored.
    /// - Throws: ``GitError`` with code ``GitError/Code/notARepository`` and the message
    ///   `not a git repository (or any parent directory): <path>` when none is found (`path` made
    ///   absolute). A repository owned by another user is refused, as git refuses it ("dubious
    ///   ownership"), with code `.other(-36)` unless its exact path is listed in `safe.directory`.
    public static func discover(startingAt path: String) throws(GitError) -> Repository {
        let absolute = standardized(path)
        do {
            return Repository(handle: try RepositoryHandle.open(searchingUpFrom: path))
        } catch where error.code == .notFound && error.message.contains("safe.directory") {
            // libgit2 1.5 reports a failed ownership check as ENOTFOUND ("config value
            // 'safe.directory' was not found") when no safe.directory is configured at all.
            throw ownershipError(absolute)
        } catch where error.code == .other(-36) {  // GIT_EOWNER
            throw ownershipError(absolute)
        } catch where error.code == .notFound {
            throw GitError(code: .notARepository, message: "not a git repository (or any parent directory): \(absolute)")
        }
    }

    private static func ownershipError(_ path: String) -> GitError {
        GitError(
            code: .other(-36),
            message: "the git repository containing \(path) is owned by another user; if you trust it, run "
                + "`git config --global --add safe.directory <repository root>` "
                + "(the exact path: libgit2 1.5 does not honour `safe.directory = *`)"
        )
    }

    /// The root of the working tree: absolute, standardized, without a trailing slash; `nil` for a bare repository.
    public var workingDirectory: String? {
        guard let path = git_repository_workdir(handle.pointer) else { return nil }
        return Repository.standardized(String(cString: path))
    }

    /// The git directory (`.git`, or the repository itself when bare; a worktree's own git directory
    /// for a linked worktree): absolute, standardized, without a trailing slash.
    public var gitDirectory: String {
        Repository.standardized(String(gitString: git_repository_path(handle.pointer)))
    }

    /// Whether the repository has no working tree.
    public var isBare: Bool {
        git_repository_is_bare(handle.pointer) == 1
    }

    /// Whether the repository is a shallow clone (`.git/shallow` exists and is not empty).
    /// Reads as `false` if libgit2 cannot tell.
    public var isShallow: Bool {
        git_repository_is_shallow(handle.pointer) == 1
    }

    private static func standardized(_ path: String) -> String {
        var result = URL(fileURLWithPath: path).standardizedFileURL.path
        while result.count > 1 && result.hasSuffix("/") {
            result.removeLast()
        }
        return result
    }
}
