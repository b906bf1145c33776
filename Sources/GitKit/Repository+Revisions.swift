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
        try readAbbreviatedObject(in: revision)
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

    /// Reads, through `LooseObjectGuard`, the object an abbreviated id at the start of
    /// `revision` names ("1a2b3c", "1a2b3c~2"). libgit2 reads an abbreviated id with its own
    /// loose reader, which hangs on a truncated object; once the object has been read whole
    /// here, that read is safe. Nothing is thrown when no object or several match (the
    /// revision may be a branch name): parsing the revision reports that.
    private func readAbbreviatedObject(in revision: String) throws(GitError) {
        let token = revision.utf8.prefix { !"~^:@{".utf8.contains($0) }
        guard (4..<40).contains(token.count), token.allSatisfy(ObjectID.isHexDigit) else { return }
        var prefix = git_oid()
        guard git_oid_fromstrn(&prefix, String(Substring(token)), token.count) == 0 else {
            git_error_clear()
            return
        }
        let database = try ObjectDatabaseHandle.of(handle)
        let id: ObjectID
        do {
            id = try database.expand(prefix, length: token.count, "")
        } catch {
            return
        }
        do {
            _ = try database.read(id)
        } catch where error.code != .notFound {
            throw GitError(code: error.code, message: "cannot resolve revision '\(revision)': \(error.message)")
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
