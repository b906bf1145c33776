internal import CLibGit2

/// Owns a reference to the repository's `git_index` (libgit2 reference-counts it).
final class IndexHandle {
    let pointer: OpaquePointer
    private let repository: RepositoryHandle

    private init(pointer: OpaquePointer, repository: RepositoryHandle) {
        self.pointer = pointer
        self.repository = repository
    }

    deinit {
        git_index_free(pointer)
    }

    /// The repository's index, re-read from disk when it changed since it was read (by `git add`
    /// in another process), so that staging done since the repository was opened is seen.
    ///
    /// Not forced: `git_repository_index` has just read the file when it opened the index, and
    /// `git_index_read` without force reads it again whenever its stamp or its trailing checksum
    /// differs from what was read — a forced read parsed every entry of a large index twice.
    static func current(of repository: RepositoryHandle) throws(GitError) -> IndexHandle {
        var out: OpaquePointer?
        try check(git_repository_index(&out, repository.pointer), "cannot open the index")
        let index = IndexHandle(pointer: try unwrap(out, "cannot open the index"), repository: repository)
        try LibGit2Watch.reading("the index") { () throws(GitError) in try check(git_index_read(index.pointer, 0), "cannot read the index") }
        return index
    }

    /// Stage-0 files (gitlinks skipped) and the paths of conflicted entries, both sorted.
    var snapshot: IndexSnapshot {
        let count = git_index_entrycount(pointer)
        var files: [FileEntry] = []
        files.reserveCapacity(count)
        var conflicted: Set<String> = []
        for position in 0..<count {
            guard let entry = git_index_get_byindex(pointer, position) else { continue }
            let path = String(gitString: entry.pointee.path)
            if git_index_entry_stage(entry) > 0 {
                conflicted.insert(path)
                continue
            }
            let mode = entry.pointee.mode
            guard mode != GIT_FILEMODE_COMMIT.rawValue else { continue }
            files.append(FileEntry(path: path, oid: ObjectID(entry.pointee.id), mode: mode))
        }
        files.sort { PathOrder.precedes($0.path, $1.path) }
        return IndexSnapshot(files: files, conflicted: PathOrder.sortedUnique(conflicted))
    }
}
