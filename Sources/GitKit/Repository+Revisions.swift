internal import CLibGit2

extension Repository {
    /// The commit HEAD points to, `nil` on an unborn branch (fresh `git init`).
    ///
    /// A detached HEAD is followed to its commit.
    public func head() throws(GitError) -> ObjectID? {
        let unborn = try check(git_repository_head_unborn(handle.pointer), "cannot read HEAD")
        if unborn == 1 {
            return nil
        }
        do {
            return try ReferenceHandle.head(of: handle).peeledCommitID()
        } catch where error.code == .unbornBranch {
            return nil
        }
    }

    /// Resolves any revision git understands ("HEAD~1", "origin/main", a tag — peeled to its
    /// commit —, a full or abbreviated sha) to a commit id.
    ///
    /// - Throws: ``GitError`` naming the revision: `unknown revision 'nope': …` (code
    ///   ``GitError/Code/notFound``), `ambiguous revision 'ab12': …` (``GitError/Code/ambiguous``),
    ///   or `revision 'HEAD:README' is not a commit: …` (``GitError/Code/invalidRevision``).
    public func resolveCommit(_ revision: String) throws(GitError) -> ObjectID {
        let object = try ObjectHandle.revparse(revision, in: handle) { code in
            switch code {
            case .notFound, .unbornBranch: return "unknown revision '\(revision)'"
            case .ambiguous: return "ambiguous revision '\(revision)'"
            case .invalidRevision: return "invalid revision '\(revision)'"
            default: return "cannot resolve revision '\(revision)'"
            }
        }
        do {
            return try object.peel(to: GIT_OBJECT_COMMIT) { _ in "revision '\(revision)' is not a commit" }.id
        } catch {
            // libgit2 reports an impossible peel as EINVALIDSPEC, EPEEL or a plain error depending on the type.
            throw GitError(code: .invalidRevision, message: error.message)
        }
    }

    /// Whether an object with this id exists and is a commit.
    ///
    /// `hex` may be a full id or an abbreviation of at least four hexadecimal digits; an abbreviation
    /// matching several objects counts as not existing. Never throws.
    public func commitExists(_ hex: String) -> Bool {
        let utf8 = hex.utf8
        guard (4...40).contains(utf8.count), utf8.allSatisfy(ObjectID.isHexDigit) else { return false }
        return (try? ObjectHandle.lookup(prefix: hex, kind: GIT_OBJECT_COMMIT, in: handle)) != nil
    }
}
