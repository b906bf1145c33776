import Foundation
import Documents

/// `policy digest`: the bundle digest of a request or waiver in a loaded state.
public struct DigestUseCase: WorkspaceUseCase {
    public let workspace: Workspace

    public init(_ workspace: Workspace) {
        self.workspace = workspace
    }

    /// The bundle digest of a request — or of a waiver, whose bundle is itself — in the given
    /// state (SPEC §1, `policy digest`).
    public func run(request name: String, mode: CheckOptions.Mode = .workingTree) throws -> BundleDigest {
        try digest(request: name, in: loadState(mode, subjects: true))
    }

    func digest(request name: String, in state: Workspace.RepositoryState) throws -> BundleDigest {
        let loaded = try state.subjects ?? load(from: state.states.evaluated, config: state.config, .subjects)
        let set = DocumentSet(loaded.documents)
        guard let subject = set.document(.promotionRequest, named: name) ?? set.document(.waiver, named: name) else {
            throw WorkspaceError.unknownDocument(.promotionRequest, name,
                                                 candidates: (set.documents(of: .promotionRequest) + set.documents(of: .waiver)).map(\.name))
        }
        let (bundle, missing) = DocumentGraph.bundle(of: subject, in: set)
        if let link = missing.first, case .named(let field, let kinds) = link.target {
            throw WorkspaceError.unknownDocument(kinds[0], subject.text(field) ?? "", candidates: set.documents(of: kinds[0]).map(\.name))
        }
        let files = Set(bundle.map(\.file))
        let errors = (loaded.diagnostics + set.diagnostics).filter { $0.severity == .error && files.contains($0.location.file) }
        guard errors.isEmpty else { throw WorkspaceError.invalidDocument(subject.reference, errors) }
        return BundleDigest(documents: bundle)
    }
}
