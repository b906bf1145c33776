import GitKit
import Policy

extension ApprovalAttributor {
    /// Who last changed `path` in the evaluated state (`signedBy`): the commit that answers for
    /// its content in the history of `head` (the same attribution as an approval file's, so a
    /// merge answers for what it brought in itself), with that commit's signer.
    public func signature(ofFile path: String) -> FileSignature {
        guard let head, isCommitted(path) else { return .uncommitted }
        let commit: ObjectID
        do {
            // Committed content that no commit of the history changed cannot be attributed:
            // nothing is proved (not "pending", which would only warn).
            guard let found = try repository.lastChange(of: path, from: head) else {
                return .unreadable("no commit in the history of \(head.short) changed \(path)")
            }
            commit = found
        } catch {
            return .unreadable(error.localizedDescription)
        }
        let facts: CommitFacts
        do {
            facts = try provenance.facts(commit)
        } catch {
            return .unreadable("commit \(commit.short) cannot be read: \(error.localizedDescription)")
        }
        return .committed(facts.summary, signer: facts.signer?.id, roles: facts.signer?.roles ?? [],
                          problem: Self.signatureProblem(facts, team: team))
    }

    /// Why a commit's signature proves no Team member, nil when it does.
    static func signatureProblem(_ facts: CommitFacts, team: Team) -> String? {
        switch facts.signature {
        case .unsigned:
            return "it is not signed"
        case .valid(let key):
            return facts.signer == nil ? "its signing key \(key.fingerprint) belongs to no Team member" : nil
        case .invalid(let reason):
            if let key = facts.signingKey, team.member(holding: key) == nil {
                return "it is signed with \(key.fingerprint), which is no key of the Team"
            }
            return "its signature is invalid: \(reason)"
        case .unsupported(let format, let reason):
            return "it has a \(format) signature, which Tollgate does not verify: \(reason)"
        }
    }
}
