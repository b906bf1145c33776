import Foundation
import GitKit
import Policy
import Documents

/// Who made a commit, as far as the history proves it: the signature verified against the
/// Team's keys (identity is the key), and the author e-mail (consistency only).
public struct CommitFacts: Sendable {
    public var info: CommitInfo
    public var signature: CommitSignatureStatus
    /// The key the commit is verifiably signed with (the SSH signature verifies over the commit
    /// in the `git` namespace), also when the key belongs to nobody in the Team. Nil when
    /// unsigned or when the signature does not verify: a pasted public key proves nothing.
    public var signingKey: SSHPublicKey?
    /// The member whose key verifiably signed the commit.
    public var signer: Team.Member?
    /// The member whose e-mail the commit was authored from (proves nothing by itself).
    public var authorMember: Team.Member?

    /// The member the commit is attributed to: the signer, else (unsigned) the e-mail's owner.
    public var attributedMember: Team.Member? { signer ?? authorMember }

    /// "3f2a9c1 (carol, 2026-11-20)": member id when known, else the author's name.
    public var summary: AttributedApproval.Commit {
        AttributedApproval.Commit(id: info.id.hex, short: info.id.short,
                                  authorName: attributedMember?.id ?? info.author.name,
                                  authorEmail: info.author.email,
                                  date: CommitFacts.day(info.committer.time))
    }

    static func day(_ date: Date) -> String {
        RFC3339.day(date)
    }
}

/// Reads and verifies commits once each.
public final class CommitProvenance: @unchecked Sendable {
    public let repository: Repository
    public let team: Team
    private var cache: [ObjectID: CommitFacts] = [:]

    public init(repository: Repository, team: Team) {
        self.repository = repository
        self.team = team
    }

    /// - Parameter keep: remember the facts for the next question about this commit. A walk
    ///   that visits every commit once (the audit) passes false: kept, the facts of 100,000
    ///   commits took 148 MB.
    public func facts(_ id: ObjectID, keep: Bool = true) throws -> CommitFacts {
        if let known = cache[id] { return known }
        let info = try repository.commit(id)
        let raw = try RawCommit(parsing: try repository.rawCommit(id))
        let status = CommitSignatureVerifier.verify(raw, allowedKeys: team.allKeys)
        let key = CommitSignatureVerifier.signingKey(of: raw)
        var signer: Team.Member?
        if case .valid(let verifiedKey) = status {
            signer = team.member(holding: verifiedKey)
        }
        let facts = CommitFacts(info: info, signature: status, signingKey: key, signer: signer,
                                authorMember: team.member(email: info.author.email))
        if keep { cache[id] = facts }
        return facts
    }
}
