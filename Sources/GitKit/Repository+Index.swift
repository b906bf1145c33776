extension Repository {
    /// The staged content: stage-0 index entries sorted by path, plus the conflicted paths.
    ///
    /// The index is re-read from disk on every call, so staging done by another process since the
    /// repository was opened is seen. Gitlinks (submodules) are skipped.
    public func indexFiles() throws(GitError) -> IndexSnapshot {
        try IndexHandle.current(of: handle).snapshot
    }
}
