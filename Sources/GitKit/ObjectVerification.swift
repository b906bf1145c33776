internal import CLibGit2

/// Hashes an object's content as git does (`<type> <size>\0<content>`) and compares it with
/// the id it was read under: the check libgit2's strict hash verification made on every read.
///
/// libgit2 hashed every object it read, trees of history walks included (42 % of a pull
/// request's check at 10,003 commits, docs/performance.md). GitKit turns that off
/// (`LibGit2Runtime`) and verifies what it uses as evidence: every blob it returns, every raw
/// commit (what signatures are verified over), and every loose object (`LooseObjectGuard`,
/// the only objects that are not in a pack `git index-pack` hashed when it received them).
/// Trees and commits that libgit2 reads from packs for walks and comparisons are trusted to
/// that verification and to zlib's Adler-32 of each packed object.
enum ObjectVerification {
    /// Throws when `count` bytes at `content` are not the object `id` of `kind`.
    static func verify(_ id: ObjectID, kind: git_object_t, content: UnsafeRawPointer?, count: Int) throws(GitError) {
        var computed = git_oid()
        var expected = id.gitOID
        let rc = git_odb_hash(&computed, content, count, kind)
        try check(rc, "cannot hash object \(id.hex)")
        guard git_oid_equal(&computed, &expected) != 0 else {
            throw GitError(code: .other(-1), message: "object \(id.hex) is damaged: its content does not match its id (run `git fsck`)")
        }
    }
}
