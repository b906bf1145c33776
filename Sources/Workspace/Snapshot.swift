import Foundation
import GitKit

/// The files of one state of the repository: the working tree, the index, or a commit.
/// Everything Tollgate reads comes through a snapshot, so every mode reads the same way.
public protocol Snapshot: Sendable {
    /// A short name for messages: "working tree", "index", "commit 3f2a9c1".
    var label: String { get }
    /// Repository-relative paths, sorted.
    var paths: [String] { get }
    func read(_ path: String) throws -> [UInt8]
    /// The blob holding a path's content, when the state is made of blobs (nil for the
    /// working tree): what documents are cached by.
    func blobID(_ path: String) -> ObjectID?
}

extension Snapshot {
    public func blobID(_ path: String) -> ObjectID? { nil }
}

/// The working tree: tracked files still on disk plus untracked, non-ignored files.
/// Symbolic links are left out, as `BlobSnapshot` leaves them out of the index and of commits,
/// so every mode sees the same files: a runbook that is a link is no file in any mode, a link
/// in a vendored pack is in none.
struct WorkingTreeSnapshot: Snapshot, @unchecked Sendable {
    let repository: Repository
    let paths: [String]
    var label: String { "working tree" }

    init(_ repository: Repository) throws {
        self.repository = repository
        let root = repository.workingDirectory ?? ""
        paths = try repository.workingTreeFiles().filter { path in
            var status = stat()
            return lstat(root + "/" + path, &status) != 0 || status.st_mode & S_IFMT != S_IFLNK
        }
    }

    func read(_ path: String) throws -> [UInt8] {
        try repository.readWorkingTreeFile(path)
    }
}

/// Blobs by path: the index (staged content) or a commit's tree.
struct BlobSnapshot: Snapshot, @unchecked Sendable {
    let repository: Repository
    let label: String
    let blobs: [String: ObjectID]
    let paths: [String]

    init(_ repository: Repository, label: String, files: [FileEntry]) {
        self.repository = repository
        self.label = label
        // Symlinks are not followed: their blob is the link target, not a document.
        let regular = files.filter { $0.mode != 0o120000 }
        blobs = Dictionary(regular.map { ($0.path, $0.oid) }, uniquingKeysWith: { a, _ in a })
        paths = regular.map(\.path).sorted()
    }

    func blobID(_ path: String) -> ObjectID? {
        blobs[path]
    }

    func read(_ path: String) throws -> [UInt8] {
        guard let oid = blobs[path] else { throw WorkspaceError.missingFile(path, label) }
        return try repository.blob(oid)
    }
}
