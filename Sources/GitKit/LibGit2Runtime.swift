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
        guard cached >= 0 else { return cached }
        // …within a total that keeps a walk of 100,000 commits under the memory target.
        let bounded = tollgate_set_cache_max_size(CacheBudget.bytes)
        guard bounded >= 0 else { return bounded }
        let windows = tollgate_set_pack_windows(CacheBudget.packWindow, CacheBudget.packMapped)
        return windows < 0 ? windows : count
    }()

    static func ensureInitialized() throws(GitError) {
        try check(initialization, "cannot initialize libgit2")
    }
}

/// Memory libgit2 may hold: its object caches together (`TOLLGATE_GIT_CACHE_MB`, else 32 MiB;
/// libgit2's default is 256 MiB) and the pack windows it keeps mapped
/// (`TOLLGATE_GIT_PACK_MAPPED_MB`, else 64 MiB, in windows of 8 MiB; libgit2's defaults are
/// 8 GiB of 1 GiB windows). The variables are for measuring (docs/performance.md).
enum CacheBudget {
    static var bytes: Int { megabytes("TOLLGATE_GIT_CACHE_MB", default: 32) }
    static var packMapped: Int { megabytes("TOLLGATE_GIT_PACK_MAPPED_MB", default: 64) }
    static let packWindow = 8 << 20

    private static func megabytes(_ variable: String, default value: Int) -> Int {
        if let text = getenv(variable).map({ String(cString: $0) }), let megabytes = Int(text), megabytes > 0 {
            return megabytes << 20
        }
        return value << 20
    }
}
