internal import CLibGit2

extension Repository {
    /// The names of the repository's branches: local ones as `main`, remote-tracking ones
    /// as `origin/main` (`refs/remotes/<remote>/HEAD` left out: it is a pointer, not a
    /// branch), each sorted. How a check tells a moving name (a dataset version `main`) from a
    /// pinned one.
    ///
    /// - Throws: ``GitError`` when the references cannot be listed.
    public func branchNames() throws(GitError) -> (local: [String], remote: [String]) {
        var iterator: OpaquePointer?
        try check(git_branch_iterator_new(&iterator, handle.pointer, GIT_BRANCH_ALL), "cannot list the branches")
        guard let iterator else { throw GitError.missingResult("cannot list the branches") }
        defer { git_branch_iterator_free(iterator) }
        var local: [String] = []
        var remote: [String] = []
        while true {
            var reference: OpaquePointer?
            var type = GIT_BRANCH_LOCAL
            let rc = git_branch_next(&reference, &type, iterator)
            if rc == GIT_ITEROVER.rawValue {
                git_error_clear()
                break
            }
            try check(rc, "cannot list the branches")
            guard let reference else { continue }
            defer { git_reference_free(reference) }
            var name: UnsafePointer<CChar>?
            guard git_branch_name(&name, reference) == 0, let name else {
                git_error_clear()
                continue
            }
            let text = String(cString: name)
            if type == GIT_BRANCH_REMOTE {
                if !text.hasSuffix("/HEAD") { remote.append(text) }
            } else {
                local.append(text)
            }
        }
        return (local.sorted(), remote.sorted())
    }
}
