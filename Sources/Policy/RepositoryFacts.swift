import Documents

/// What checks may ask of the repository beyond the documents: whether a commit exists,
/// what a file at a path holds, which promotions were merged. Implemented over libgit2 by
/// the workspace; checks that need it fail closed when it is absent. Asked from several
/// threads at once when many subjects are evaluated (`Evaluator`): implementations are thread-safe.
public protocol RepositoryFacts: Sendable {
    /// Whether a commit with this full or abbreviated id exists in the repository.
    func commitExists(_ id: String) -> Bool
    /// The file at a repository-relative path in the evaluated state.
    func file(at path: String) -> FileFacts
    /// Promotion requests merged into the evaluated branch (present in a commit of its
    /// first-parent history), newest merge first. The evaluated subject itself is included
    /// only if it was merged before.
    func mergedPromotions() -> [MergedPromotion]
    /// The merged promotions of one model, newest merge first. Implementations index them:
    /// checks ask once per subject, so a scan of the whole history per question is quadratic.
    func mergedPromotions(of model: String) -> [MergedPromotion]
    /// The file at `path` as the commit `commit` (a full id) holds it, read from the object
    /// database, never from the working tree: what a run was built from, whatever the
    /// evaluated revision holds now.
    func file(at path: String, inCommit commit: String) -> CommittedFile
    /// The names of the repository's local and remote-tracking branches (`main`,
    /// `origin/main`, and a remote-tracking branch also as `main`, its name on the remote);
    /// nil when they cannot be listed.
    func branchNames() -> [String]?
}

extension RepositoryFacts {
    public func file(at path: String, inCommit commit: String) -> CommittedFile {
        .unavailable("this repository cannot read files at a commit")
    }

    public func branchNames() -> [String]? { nil }

    public func mergedPromotions(of model: String) -> [MergedPromotion] {
        mergedPromotions().filter { $0.model == model }
    }
}

/// What a file holds, for artifact checksums.
public enum FileFacts: Sendable, Hashable {
    case missing
    /// A regular file: the SHA-256 of its bytes.
    case content(sha256: String, size: Int)
    /// A Git LFS pointer file: the `oid sha256:` it names and the size it declares.
    case lfsPointer(oid: String, size: Int?)
    /// Not in the repository but tracked by DVC: the output a `<path>.dvc` file or a
    /// `dvc.lock` stage records for the path.
    case dvcPointer(DVCOutput)
    /// A DVC pointer names the path but cannot be read (malformed YAML, no `md5`, another
    /// hash): why, located in the pointer file. Fails closed.
    case unreadablePointer(reason: String, at: SourceLocation)
}

/// One output of a DVC pointer (`outs:` of a `.dvc` file or of a `dvc.lock` stage).
public struct DVCOutput: Sendable, Hashable {
    /// The recorded MD5 (lower-case hex); for a directory, the digest of its listing.
    public var md5: String
    public var size: Int?
    /// The output is a directory (`md5: <hex>.dir`): its digest covers a listing, not a file.
    public var isDirectory: Bool
    /// The pointer file (`data/model.onnx.dvc`, `dvc.lock`).
    public var pointer: String
    /// Where the `md5` is written in the pointer file.
    public var location: SourceLocation

    public init(md5: String, size: Int?, isDirectory: Bool, pointer: String, location: SourceLocation) {
        self.md5 = md5
        self.size = size
        self.isDirectory = isDirectory
        self.pointer = pointer
        self.location = location
    }
}

/// A file as one commit holds it (`RepositoryFacts.file(at:inCommit:)`).
public enum CommittedFile: Sendable, Hashable {
    /// The question cannot be answered; why.
    case unavailable(String)
    /// No commit with this id exists in the repository.
    case unknownCommit
    /// The commit's tree has no file at the path (or a directory, or a submodule).
    case missing
    /// The file's bytes.
    case content([UInt8])
}

/// A promotion request as it was when it reached the branch.
public struct MergedPromotion: Sendable, Hashable {
    public var request: Document
    /// The first commit of the branch's first-parent history that contains the request.
    public var commit: String
    public var date: String

    public init(request: Document, commit: String, date: String) {
        self.request = request
        self.commit = commit
        self.date = date
    }

    public var model: String? { request.text("model") }
    public var version: String? { request.text("version") }
    public var to: String? { request.text("to") }
    public var from: String? { request.text("from") }
}
