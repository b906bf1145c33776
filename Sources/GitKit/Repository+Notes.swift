internal import CLibGit2

/// Git notes, read and written without libgit2's `git_note_read`, `git_note_foreach` and
/// `git_note_create`.
///
/// In libgit2 1.5.1 those three find the notes commit with `retrieve_note_commit`, which
/// returns *success* with no commit when the notes ref points at a blob or a tree (it returns
/// the previous call's status, 0, after `git_commit_lookup` fails). Then `git_note_foreach`
/// reaches `git_note_commit_iterator_new`, whose `git_tree *tree` is left uninitialized when
/// `git_commit_tree` refuses the missing commit, and frees that stack garbage: `policy audit`
/// crashed about half the time. `git_note_read` fails instead, and `git_note_create` treats
/// the ref as absent and silently replaces the blob or tree with a fresh notes history.
///
/// Here the notes ref is resolved and its object's type checked first (a ref to anything but
/// a commit is an error naming it); the notes tree is walked with GitKit's own guarded tree
/// reads; a note is written with `git_note_commit_create` on the commit found, and the ref is
/// moved only if it still points where it pointed when it was read.
extension Repository {
    /// The note attached to `target` under `notesRef` (e.g. `refs/notes/tollgate`), or nil.
    ///
    /// - Throws: ``GitError`` with code ``GitError/Code/invalidRevision`` when `notesRef`
    ///   points to something other than a commit; other codes when the notes cannot be read.
    public func note(_ notesRef: String, for target: ObjectID) throws(GitError) -> String? {
        guard let blob = try notes(notesRef)[target] else { return nil }
        return String(decoding: try self.blob(blob), as: UTF8.self)
    }

    /// The commits that have a note under `notesRef` (empty when the ref does not exist).
    /// Read once: a walk through history asks for every commit, and most have none.
    ///
    /// - Throws: ``GitError`` with code ``GitError/Code/invalidRevision`` when `notesRef`
    ///   points to something other than a commit; other codes when the notes cannot be read.
    public func notedCommits(_ notesRef: String) throws(GitError) -> Set<ObjectID> {
        Set(try notes(notesRef).keys)
    }

    /// Attaches (or replaces) the note of `target` under `notesRef`, committed to the notes
    /// ref by the repository's configured user (user.name / user.email), or by "Tollgate"
    /// when none is configured.
    ///
    /// - Throws: ``GitError`` with code ``GitError/Code/invalidRevision`` when `notesRef`
    ///   points to something other than a commit (it is left as it is), and when the ref
    ///   moved while the note was being written.
    /// - Parameter log: the reflog message of the notes ref's update.
    public func setNote(_ notesRef: String, for target: ObjectID, message: String,
                        log: String = "notes: Notes added by 'policy check --record'") throws(GitError) {
        memo.notes[notesRef] = nil
        let parent = try notesCommit(notesRef)
        var signature: UnsafeMutablePointer<git_signature>?
        if git_signature_default(&signature, handle.pointer) < 0 {
            git_error_clear()
            try check(git_signature_now(&signature, "Tollgate", "tollgate@localhost"), "cannot make a signature for the note")
        }
        defer { git_signature_free(signature) }
        var oid = target.gitOID
        var commitID = git_oid()
        var blobID = git_oid()
        let operation = "cannot write the note of \(target.hex) in \(notesRef)"
        try LibGit2Watch.reading("the notes") { () throws(GitError) in
            try check(git_note_commit_create(&commitID, &blobID, handle.pointer, parent?.pointer,
                                             signature, signature, &oid, message, 1), operation)
        }
        var reference: OpaquePointer?
        let rc: Int32
        if let parent {
            var previous = parent.id.gitOID
            rc = git_reference_create_matching(&reference, handle.pointer, notesRef, &commitID, 1, &previous, log)
        } else {
            rc = git_reference_create(&reference, handle.pointer, notesRef, &commitID, 0, log)
        }
        git_reference_free(reference)
        try check(rc) { code in
            code == .other(GIT_EMODIFIED.rawValue) || code == .other(GIT_EEXISTS.rawValue)
                ? "\(operation): \(notesRef) was changed by someone else meanwhile; run the check again"
                : operation
        }
    }

    /// Every note under `notesRef`: annotated object → note blob. Empty when the ref does not
    /// exist. Entries whose path is not a fanned-out object id are not notes (as in git).
    func notes(_ notesRef: String) throws(GitError) -> [ObjectID: ObjectID] {
        if let known = memo.notes[notesRef] { return known }
        var found: [ObjectID: ObjectID] = [:]
        if let commit = try notesCommit(notesRef) {
            do {
                for file in try files(inTree: commit.treeID) {
                    let hex = file.path.filter { $0 != "/" }
                    if let annotated = ObjectID(hex: hex) {
                        found[annotated] = file.oid
                    }
                }
            } catch {
                throw GitError(code: error.code, message: "cannot read the notes in \(notesRef): \(error.message)")
            }
        }
        memo.notes[notesRef] = found
        return found
    }

    /// The commit `notesRef` points to; nil when the ref does not exist.
    private func notesCommit(_ notesRef: String) throws(GitError) -> CommitHandle? {
        var oid = git_oid()
        let rc = git_reference_name_to_id(&oid, handle.pointer, notesRef)
        if rc == GIT_ENOTFOUND.rawValue {
            git_error_clear()
            return nil
        }
        try check(rc, "cannot read \(notesRef)")
        let id = ObjectID(oid)
        let kind = try ObjectDatabaseHandle.of(handle).kind(of: id) { "cannot read \(notesRef): \($0)" }
        guard kind == GIT_OBJECT_COMMIT else {
            let name = String(cString: git_object_type2string(kind))
            throw GitError(
                code: .invalidRevision,
                message: "\(notesRef) points to a \(name) (\(id.hex)), not to a commit of notes; "
                    + "see what it is with `git cat-file -p \(id.short)`, and remove it with "
                    + "`git update-ref -d \(notesRef)` if it holds nothing you need"
            )
        }
        return try CommitHandle.lookup(id, in: handle)
    }
}
