internal import CLibGit2

/// libgit2's process-wide state.
///
/// `git_libgit2_init()` must run before any other libgit2 call. A `static let` is initialized
/// lazily, exactly once and thread-safely, so touching ``ensureInitialized()`` from every entry
/// point (only ``Repository/discover(startingAt:)`` creates handles) is enough.
/// libgit2 is never shut down: its state lives as long as the process.
enum LibGit2Runtime {
    private static let initialization: Int32 = {
        let count = git_libgit2_init()
        guard count >= 0 else { return count }
        // GitKit verifies the objects it uses as evidence itself (ObjectVerification).
        let rc = tollgate_set_strict_hash_verification(0)
        guard rc >= 0 else { return rc }
        // Directories of thousands of documents are looked up in once per path: keep them parsed.
        let cached = tollgate_set_tree_cache_limit(16 << 20)
        return cached < 0 ? cached : count
    }()

    static func ensureInitialized() throws(GitError) {
        try check(initialization, "cannot initialize libgit2")
    }
}
