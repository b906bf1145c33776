internal import CLibGit2

/// libgit2's process-wide state.
///
/// `git_libgit2_init()` must run before any other libgit2 call. A `static let` is initialized
/// lazily, exactly once and thread-safely, so touching ``ensureInitialized()`` from every entry
/// point (only ``Repository/discover(startingAt:)`` creates handles) is enough.
/// libgit2 is never shut down: its state lives as long as the process.
enum LibGit2Runtime {
    private static let initialization: Int32 = git_libgit2_init()

    static func ensureInitialized() throws(GitError) {
        try check(initialization, "cannot initialize libgit2")
    }
}
