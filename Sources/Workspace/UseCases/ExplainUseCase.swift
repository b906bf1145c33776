import Foundation
import Documents
import Policy
import Dossier

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
        /// The model of the subject every format renders (`policy report` renders the same).
        public var dossier: SubjectDossier
    }

    /// The subject named `subject` (`Kind/name`, its name, or its file) in a check of `mode`.
    /// - Parameter history: read the audit trail of the history into the model (the JSON and
    ///   Markdown formats show it; the text format does not need the walk).
    public func run(subject: String, mode: CheckOptions.Mode, regate: Bool = false, history: Bool = false) throws -> Explanation {
        let evaluation = try CheckUseCase(workspace).evaluate(CheckOptions(mode: mode, regate: regate))
        let run = evaluation.run
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
        let report = ReportUseCase(workspace)
        let audit = history && result.subject.kind == .promotionRequest ? try report.history(of: evaluation) : []
        return Explanation(run: run, result: result, approvals: approvals,
                           dossier: report.dossier(of: result, in: evaluation, audit: audit))
    }
}
