import Foundation
import Documents
import GitKit

/// Why a check could not be made. Every case is exit 2: a tool error never looks like a verdict.
public enum WorkspaceError: Error, LocalizedError {
    case notARepository(String)
    case bareRepository(mode: String)
    case shallowClone
    case unknownRevision(String, String)
    case noCommonHistory(base: String, head: String)
    case unbornHead
    case invalidConfig([Diagnostic])
    case invalidPolicy([Diagnostic])
    case missingFile(String, String)
    case unknownDocument(DocumentKind, String, candidates: [String])
    case invalidDocument(DocumentReference, [Diagnostic])
    /// A failure reading the repository, kept typed (its `GitError.Code`) up to the CLI;
    /// `context` says what Tollgate was doing.
    case git(GitError, context: String? = nil)
    /// A path filter under which the evaluated state holds no document: a mistyped path must
    /// not pass the gate with 0 subjects.
    case pathMatchesNothing(String, state: String, candidates: [String])
    /// `policy approve` will not approve, and says why.
    case refused(String)

    public var errorDescription: String? {
        switch self {
        case .notARepository(let message):
            return message
        case .pathMatchesNothing(let path, let state, let candidates):
            return "no document under '\(path.isEmpty ? "." : path)' in the \(state): nothing would be checked"
                + DidYouMean.hint(for: path, among: candidates)
        case .bareRepository(let mode):
            return "this repository has no working tree; \(mode) needs one (use --rev REV or --base REV)"
        case .shallowClone:
            return """
                this is a shallow clone: Tollgate needs the full history for its audit trail \
                (approvals, merges, protected paths). Fetch it with `git fetch --unshallow`, \
                or in GitHub Actions set `fetch-depth: 0` on actions/checkout.
                """
        case .unknownRevision(let revision, let detail):
            return "unknown revision '\(revision)': \(detail)"
        case .noCommonHistory(let base, let head):
            return "'\(base)' and '\(head)' have no common history: the change has no merge base with the branch it is checked against"
        case .unbornHead:
            return "the repository has no commits yet; use `policy check` (working tree) or `--staged`"
        case .invalidConfig(let diagnostics):
            return "the configuration is invalid:\n" + diagnostics.map { "  \($0)" }.joined(separator: "\n")
        case .invalidPolicy(let diagnostics):
            return "the policies are invalid, so nothing was checked:\n" + diagnostics.map { "  \($0)" }.joined(separator: "\n")
        case .missingFile(let path, let label):
            return "\(path) is not in the \(label)"
        case .unknownDocument(let kind, let name, let candidates):
            return "no \(kind.rawValue) named '\(name)'\(DidYouMean.hint(for: name, among: candidates))"
        case .invalidDocument(let reference, let diagnostics):
            return "\(reference) is invalid:\n" + diagnostics.map { "  \($0)" }.joined(separator: "\n")
        case .git(let error, let context):
            return context.map { "\($0): \(error.message)" } ?? error.message
        case .refused(let message):
            return message
        }
    }
}
