import Foundation
import GitKit
import Documents

/// A command of `policy` as a function of the opened repository (`Workspace`) and of the
/// state it loads once (`Workspace.loadState`). The use cases — `CheckUseCase`,
/// `DigestUseCase`, `ApproveUseCase`, `AuditUseCase`, `ExplainUseCase`, `PolicyTestUseCase`, `PackUpdateUseCase` —
/// each live in their own file and are tested through the commands they serve.
public protocol WorkspaceUseCase {
    var workspace: Workspace { get }
}

extension WorkspaceUseCase {
    var repository: Repository { workspace.repository }
    var subdirectory: String { workspace.subdirectory }
    var documents: DocumentCache { workspace.documents }

    func loadState(_ mode: CheckOptions.Mode, subjects: Bool, store: ReadingStore? = nil) throws -> Workspace.RepositoryState {
        try workspace.loadState(mode, subjects: subjects, store: store)
    }

    func load(from snapshot: Snapshot, config: ProjectConfig, _ part: Workspace.Part, store: ReadingStore? = nil,
              only: Set<String>? = nil) throws -> Workspace.Loaded {
        try workspace.load(from: snapshot, config: config, part, store: store, only: only)
    }

    func git<T>(_ body: () throws -> T) throws -> T {
        try workspace.git(body)
    }

    func resolveFilter(_ path: String) -> String {
        workspace.resolveFilter(path)
    }
}
