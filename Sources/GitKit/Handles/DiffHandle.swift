internal import CLibGit2

/// Owns a `git_diff`.
final class DiffHandle {
    let pointer: OpaquePointer
    private let repository: RepositoryHandle

    private init(pointer: OpaquePointer, repository: RepositoryHandle) {
        self.pointer = pointer
        self.repository = repository
    }

    deinit {
        git_diff_free(pointer)
    }

    private static func options(flags: UInt32 = 0) throws(GitError) -> git_diff_options {
        var options = git_diff_options()
        try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "cannot prepare a diff")
        options.flags = flags
        return options
    }

    /// Tree against tree; a `nil` side is the empty tree.
    static func between(
        _ old: TreeHandle?, _ new: TreeHandle?, in repository: RepositoryHandle, _ operation: String
    ) throws(GitError) -> DiffHandle {
        var options = try options()
        var out: OpaquePointer?
        try LibGit2Watch.reading("a diff of two trees") { () throws(GitError) in try check(git_diff_tree_to_tree(&out, repository.pointer, old?.pointer, new?.pointer, &options), operation) }
        return DiffHandle(pointer: try unwrap(out, operation), repository: repository)
    }

    /// Tree against the index (what `git diff --cached` shows); a `nil` tree is the empty tree.
    static func between(
        _ old: TreeHandle?, _ index: IndexHandle, in repository: RepositoryHandle, _ operation: String
    ) throws(GitError) -> DiffHandle {
        var options = try options()
        var out: OpaquePointer?
        try LibGit2Watch.reading("a diff against the index") { () throws(GitError) in try check(git_diff_tree_to_index(&out, repository.pointer, old?.pointer, index.pointer, &options), operation) }
        return DiffHandle(pointer: try unwrap(out, operation), repository: repository)
    }

    /// The index against the working tree, untracked (not ignored) files included.
    static func workingTree(
        against index: IndexHandle, in repository: RepositoryHandle, _ operation: String
    ) throws(GitError) -> DiffHandle {
        var options = try options(flags: GIT_DIFF_INCLUDE_UNTRACKED.rawValue | GIT_DIFF_RECURSE_UNTRACKED_DIRS.rawValue)
        var out: OpaquePointer?
        try LibGit2Watch.reading("a diff of the working tree") { () throws(GitError) in try check(git_diff_index_to_workdir(&out, repository.pointer, index.pointer, &options), operation) }
        return DiffHandle(pointer: try unwrap(out, operation), repository: repository)
    }

    /// The old and the new path of every delta, sorted and unique. Directory entries
    /// (an untracked nested repository is reported as `dir/`) are left out.
    var paths: [String] {
        var paths: Set<String> = []
        for position in 0..<git_diff_num_deltas(pointer) {
            guard let delta = git_diff_get_delta(pointer, position) else { continue }
            for path in [delta.pointee.old_file.path, delta.pointee.new_file.path] {
                guard let path else { continue }
                let text = String(cString: path)
                if !text.isEmpty && !text.hasSuffix("/") {
                    paths.insert(text)
                }
            }
        }
        return PathOrder.sortedUnique(paths)
    }
}
