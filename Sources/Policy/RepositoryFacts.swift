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
}

extension RepositoryFacts {
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
