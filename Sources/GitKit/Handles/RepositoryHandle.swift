internal import CLibGit2

/// Owns a `git_repository`. Every other handle keeps one of these alive, so the repository is
/// freed only after all objects read from it.
final class RepositoryHandle {
    let pointer: OpaquePointer

    private init(pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        git_repository_free(pointer)
    }

    /// Opens the repository at or above `path`, like `git -C path` (GIT_DIR and friends are ignored).
    static func open(searchingUpFrom path: String) throws(GitError) -> RepositoryHandle {
        try LibGit2Runtime.ensureInitialized()
        var out: OpaquePointer?
        let rc = git_repository_open_ext(&out, path, 0, nil)
        try check(rc) { code in
            code == .notFound ? "not a git repository" : "cannot open the git repository containing '\(path)'"
        }
        let handle = RepositoryHandle(pointer: try unwrap(out, "cannot open the git repository containing '\(path)'"))
        try LooseObjectGuard.install(in: handle.pointer)
        return handle
    }
}
