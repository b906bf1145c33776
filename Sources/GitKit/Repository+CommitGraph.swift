import Foundation
internal import CLibGit2

extension Repository {
    /// git's commit-graph of this repository (`objects/info/commit-graph` or a split chain),
    /// opened at the first question and kept while the repository is open; nil when there is
    /// none, when every file of it was refused (see `CommitGraph`), or when git itself would
    /// not use it: `core.commitGraph` false, an object format other than SHA-1, a shallow
    /// clone, grafts (`info/grafts`) or replace refs (`refs/replace/`). Alternates' graphs are
    /// not read (their commits are read as objects). `commitGraph.readChangedPaths` false
    /// keeps the graph and ignores its Bloom filters.
    ///
    /// Without a graph every answer is the same, read from the objects.
    ///
    /// Opening costs a few milliseconds per 10,000 commits (the file is checked and its SHA-1
    /// computed), so it is opened when asked for here, by `mayHaveChanged(_:in:)`, or by a
    /// path walk once it has taken `PathWalk.stepsBeforeGraph` steps — not for the short walks
    /// of a pre-commit check that starts from kept answers. Once open, every history call of
    /// this repository uses it.
    public var commitGraph: CommitGraph? {
        if let loaded = memo.commitGraph { return loaded }
        let graph = openCommitGraph()
        memo.commitGraph = .some(graph)
        return graph
    }

    /// Whether the commit-graph was opened (or found unusable) already: a diagnostic.
    public var hasOpenedCommitGraph: Bool {
        memo.commitGraph != nil
    }

    /// The commit-graph if it was opened already (nil otherwise); never opens it.
    var openedCommitGraph: CommitGraph? {
        memo.commitGraph ?? nil
    }

    private func openCommitGraph() -> CommitGraph? {
        if configFlag("core.commitGraph") == false { return nil }
        if let format = configValue("extensions.objectFormat"), format.lowercased() != "sha1" { return nil }
        if isShallow { return nil }
        let common = Repository.withoutTrailingSlash(String(gitString: git_repository_commondir(handle.pointer)))
        if FileManager.default.fileExists(atPath: common + "/info/grafts") { return nil }
        if hasReplaceRefs() { return nil }
        return CommitGraph.open(objectsDirectory: common + "/objects",
                                changedPaths: configFlag("commitGraph.readChangedPaths") != false)
    }

    /// A boolean configuration value as git reads one; nil when unset or not a boolean.
    private func configFlag(_ key: String) -> Bool? {
        guard let value = configValue(key)?.lowercased() else { return nil }
        if ["false", "no", "off", "0"].contains(value) { return false }
        if ["true", "yes", "on", "1"].contains(value) { return true }
        return nil
    }

    /// Whether any ref under `refs/replace/` exists (or the refs cannot be listed: then the
    /// graph is not used either).
    private func hasReplaceRefs() -> Bool {
        var iterator: OpaquePointer?
        guard git_reference_iterator_glob_new(&iterator, handle.pointer, "refs/replace/*") == 0, let iterator else {
            git_error_clear()
            return true
        }
        defer { git_reference_iterator_free(iterator) }
        var reference: OpaquePointer?
        let rc = git_reference_next(&reference, iterator)
        if let reference { git_reference_free(reference) }
        if rc == GIT_ITEROVER.rawValue {
            git_error_clear()
            return false
        }
        git_error_clear()
        return true
    }

    private static func withoutTrailingSlash(_ path: String) -> String {
        var result = path
        while result.count > 1 && result.hasSuffix("/") { result.removeLast() }
        return result
    }

    /// The parents of a commit, first parent first: from the commit-graph when it is open and
    /// holds the commit (no object is read), else from the commit object.
    public func parents(of commit: ObjectID) throws(GitError) -> [ObjectID] {
        if let graph = openedCommitGraph, let position = graph.lookup(commit) {
            return graph.parents(at: position).map(graph.objectID(at:))
        }
        return try CommitHandle.lookup(commit, in: handle).parentIDs
    }

    /// Whether `commit` may have changed what `path` (a file or a directory) is, relative to
    /// its first parent (the empty tree for a root), according to the commit-graph's
    /// changed-path Bloom filters. `.no` is certain; `.maybe` and `.unknown` (no graph, the
    /// commit not in it, no filter for it, git's marker filter for more than 512 changes, bytes
    /// ≥ 0x80 under hash version 1) mean the trees must be compared.
    public func mayHaveChanged(_ path: String, in commit: ObjectID) -> CommitGraph.ChangedPathAnswer {
        guard let graph = commitGraph, let position = graph.lookup(commit),
              let keys = graph.changedPathKeys(for: path) else { return .unknown }
        return graph.mayHaveChanged(keys, at: position)
    }
}
