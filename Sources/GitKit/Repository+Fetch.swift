import Foundation
internal import CLibGit2

extension Repository {
    /// Creates a bare repository at `path` (a directory that does not exist yet, or is empty)
    /// and fetches every branch and tag of `source` into it: `refs/heads/*` and `refs/tags/*`
    /// under the same names. `source` is anything libgit2 fetches from: a local path (the
    /// caller makes it absolute), a `file://`, `https://` or `ssh://` URL.
    ///
    /// This is the only libgit2 call of Tollgate that may use the network (`policy pack
    /// update`); `policy check` never calls it.
    /// - Throws: ``GitError`` naming the source when it cannot be reached or read, e.g.
    ///   `cannot fetch from '/no/such/repo.git': failed to resolve path …`.
    public static func fetchingBranchesAndTags(from source: String, intoNewBareRepositoryAt path: String) throws(GitError) -> Repository {
        try LibGit2Runtime.ensureInitialized()
        var created: OpaquePointer?
        try check(git_repository_init(&created, path, 1), "cannot create a repository at '\(path)'")
        git_repository_free(created)
        let repository = try Repository.discover(startingAt: path)
        try repository.fetchBranchesAndTags(from: source)
        return repository
    }

    private func fetchBranchesAndTags(from source: String) throws(GitError) {
        var remote: OpaquePointer?
        try check(git_remote_create_anonymous(&remote, handle.pointer, source), "cannot fetch from '\(source)'")
        defer { git_remote_free(remote) }
        var options = git_fetch_options()
        try check(git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)), "cannot fetch from '\(source)'")
        options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL
        options.prune = GIT_FETCH_NO_PRUNE
        let refspecs = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"]
        var strings: [UnsafeMutablePointer<CChar>?] = refspecs.map { strdup($0) }
        defer { strings.forEach { free($0) } }
        let rc = strings.withUnsafeMutableBufferPointer { buffer in
            var array = git_strarray(strings: buffer.baseAddress, count: buffer.count)
            return git_remote_fetch(remote, &array, &options, "tollgate: fetch a policy pack")
        }
        try check(rc, "cannot fetch from '\(source)'")
    }
}
