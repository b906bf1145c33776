internal import CLibGit2

/// Owns a `git_status_list`.
final class StatusListHandle {
    /// What status says about one path between the index and the working tree.
    struct WorkingTreeChange {
        var path: String
        var isNew: Bool
        var isDeleted: Bool
        var isTypeChange: Bool
        var isConflicted: Bool
    }

    let pointer: OpaquePointer
    private let repository: RepositoryHandle

    private init(pointer: OpaquePointer, repository: RepositoryHandle) {
        self.pointer = pointer
        self.repository = repository
    }

    deinit {
        git_status_list_free(pointer)
    }

    /// Status of the working tree against the index, untracked files listed one by one,
    /// ignored files left out, submodules not entered.
    static func workingTree(of repository: RepositoryHandle) throws(GitError) -> StatusListHandle {
        var options = git_status_options()
        try check(git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION)), "cannot prepare a status")
        options.show = GIT_STATUS_SHOW_WORKDIR_ONLY
        options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue
            | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS.rawValue
            | GIT_STATUS_OPT_EXCLUDE_SUBMODULES.rawValue
        var out: OpaquePointer?
        try LibGit2Watch.reading("the working tree status") { () throws(GitError) in try check(git_status_list_new(&out, repository.pointer, &options), "cannot read the working tree status") }
        return StatusListHandle(pointer: try unwrap(out, "cannot read the working tree status"), repository: repository)
    }

    var workingTreeChanges: [WorkingTreeChange] {
        var changes: [WorkingTreeChange] = []
        for position in 0..<git_status_list_entrycount(pointer) {
            guard let entry = git_status_byindex(pointer, position) else { continue }
            let status = entry.pointee.status.rawValue
            guard let delta = entry.pointee.index_to_workdir else { continue }
            let path = delta.pointee.new_file.path ?? delta.pointee.old_file.path
            changes.append(WorkingTreeChange(
                path: String(gitString: path),
                isNew: status & GIT_STATUS_WT_NEW.rawValue != 0,
                isDeleted: status & GIT_STATUS_WT_DELETED.rawValue != 0,
                isTypeChange: status & GIT_STATUS_WT_TYPECHANGE.rawValue != 0,
                isConflicted: status & GIT_STATUS_CONFLICTED.rawValue != 0
            ))
        }
        return changes
    }
}
