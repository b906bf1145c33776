import Foundation
import Documents
import Policy

/// `policy explain SUBJECT`: one subject's rules, the values they read and, for a request,
/// every approval's attribution, from a check of a loaded state.
public struct ExplainUseCase: WorkspaceUseCase {
    public let workspace: Workspace

    public init(_ workspace: Workspace) {
        self.workspace = workspace
    }

    /// What `policy explain` shows of one subject.
    public struct Explanation: Sendable {
        public var run: CheckRun
        public var result: SubjectResult
        public var approvals: [AttributedApproval]
    }

    /// The subject named `subject` (`Kind/name`, its name, or its file) in a check of `mode`.
    public func run(subject: String, mode: CheckOptions.Mode, regate: Bool = false) throws -> Explanation {
        let run = try CheckUseCase(workspace).run(CheckOptions(mode: mode, regate: regate))
        let matches = run.report.subjects.filter { result in
            result.subject.description == subject || result.subject.name == subject || result.subject.file == subject
        }
        guard matches.count == 1, let result = matches.first else {
            if matches.isEmpty {
                let names = run.report.subjects.compactMap(\.subject.name)
                throw WorkspaceError.unknownSubject(subject, candidates: names,
                                                    subjects: run.report.subjects.map(\.subject.description))
            }
            throw WorkspaceError.ambiguousSubject(subject, matches: matches.map(\.subject.description))
        }
        let approvals = result.subject.kind == .promotionRequest ? run.approvals[result.subject.name ?? ""] ?? [] : []
        return Explanation(run: run, result: result, approvals: approvals)
    }
}
