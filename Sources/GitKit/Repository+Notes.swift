internal import CLibGit2

extension Repository {
    /// The note attached to `target` under `notesRef` (e.g. `refs/notes/tollgate`), or nil.
    public func note(_ notesRef: String, for target: ObjectID) throws(GitError) -> String? {
        var note: OpaquePointer?
        var oid = target.gitOID
        let rc = LibGit2Watch.reading("a note") { git_note_read(&note, handle.pointer, notesRef, &oid) }
        if rc == GIT_ENOTFOUND.rawValue {
            git_error_clear()
            return nil
        }
        try check(rc, "cannot read the note of \(target.hex) in \(notesRef)")
        guard let note else { return nil }
        defer { git_note_free(note) }
        return String(gitString: git_note_message(note))
    }

    /// Attaches (or replaces) the note of `target` under `notesRef`, committed to the notes
    /// ref by the repository's configured user (user.name / user.email), or by "Tollgate"
    /// when none is configured.
    public func setNote(_ notesRef: String, for target: ObjectID, message: String) throws(GitError) {
        var signature: UnsafeMutablePointer<git_signature>?
        if git_signature_default(&signature, handle.pointer) < 0 {
            git_error_clear()
            try check(git_signature_now(&signature, "Tollgate", "tollgate@localhost"), "cannot make a signature for the note")
        }
        defer { git_signature_free(signature) }
        var oid = target.gitOID
        var noteID = git_oid()
        try check(git_note_create(&noteID, handle.pointer, notesRef, signature, signature, &oid, message, 1),
                  "cannot write the note of \(target.hex) in \(notesRef)")
    }

    /// The commits that have a note under `notesRef` (empty when the ref does not exist).
    /// Read once: a walk through history asks for every commit, and most have none.
    public func notedCommits(_ notesRef: String) throws(GitError) -> Set<ObjectID> {
        if let known = memo.notedCommits[notesRef] { return known }
        final class Found { var ids: Set<ObjectID> = [] }
        let found = Found()
        let rc = withExtendedLifetime(found) {
            git_note_foreach(handle.pointer, notesRef, { _, annotated, payload in
                guard let annotated, let payload else { return 0 }
                Unmanaged<Found>.fromOpaque(payload).takeUnretainedValue().ids.insert(ObjectID(annotated.pointee))
                return 0
            }, Unmanaged.passUnretained(found).toOpaque())
        }
        if rc == GIT_ENOTFOUND.rawValue {
            git_error_clear()
        } else {
            try check(rc, "cannot list the notes in \(notesRef)")
        }
        memo.notedCommits[notesRef] = found.ids
        return found.ids
    }
}
