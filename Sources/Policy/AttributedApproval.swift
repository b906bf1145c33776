import Documents

/// What the git history proves about one Approval document (SPEC §3). Computed by the
/// provenance layer from commits and signatures; the `approvals` check then decides, per
/// rule, whether the approval counts (roles, signatures, separation of duties).
public struct AttributedApproval: Sendable, Hashable {
    public enum Decision: String, Sendable, Hashable, Codable {
        case approve, reject
    }

    /// How the attributed commit is signed.
    public enum SignatureState: Sendable, Hashable {
        /// Verified against a signing key of the approver named in the document.
        case verified(fingerprint: String)
        /// Not signed.
        case unsigned
        /// Signed, but not provably by the approver: the reason says why
        /// ("signed by carol's key, not bob's", "the signature does not match the commit").
        case notTheApprover(String)
    }

    /// The commit an approval is attributed to: the last one that changed its file.
    public struct Commit: Sendable, Hashable {
        public var id: String
        public var short: String
        public var authorName: String
        public var authorEmail: String
        /// `YYYY-MM-DD` of the committer time (chosen by the committer; see docs/approvals.md).
        public var date: String

        public init(id: String, short: String, authorName: String, authorEmail: String, date: String) {
            self.id = id
            self.short = short
            self.authorName = authorName
            self.authorEmail = authorEmail
            self.date = date
        }

        /// "9d0e4b2 (bob, 2026-11-20)".
        public var description: String { "\(short) (\(authorName), \(date))" }
    }

    public var document: Document
    /// `spec.approver`, `spec.role`, `spec.decision`.
    public var approver: String
    public var role: String
    public var decision: Decision
    /// Nil when the approval is not committed (pending).
    public var commit: Commit?
    public var signature: SignatureState
    /// Whether the commit's author e-mail is one of the approver's (consistency only; proves nothing).
    public var authorEmailMatches: Bool
    /// The approver's roles in the trusted Team; nil when the approver is not a member.
    public var memberRoles: [String]?
    /// Nil when `spec.digest` equals the request's current bundle digest; otherwise why not
    /// ("runs/…/run-8812.yaml changed in 3f2a9c1 (carol, 2026-11-20) after bob approved in 9d0e4b2").
    public var staleness: String?
    /// Nil when independent; otherwise why not ("bob requested the promotion",
    /// "bob made the latest change of runs/…/run-8812.yaml in 3f2a9c1").
    public var conflictOfInterest: String?
    /// The request's bundle digest now (nil when the bundle cannot be digested); the approval's
    /// own `spec.digest` is the digest then.
    public var currentDigest: String?
    /// Set on a rejection that the evaluated state no longer holds: `document` is the rejection
    /// as it was, and this says who removed or changed it (SPEC §3: a reject stands until its
    /// own author withdraws it by a signed commit, or the bundle changes).
    public var removal: Removal?

    /// How a rejection left the evaluated state.
    public struct Removal: Sendable, Hashable {
        /// The commit accountable for the removal; nil when the change is not committed.
        public var commit: Commit?
        /// The removing commit's signature, judged against the rejecting member's keys.
        public var signature: SignatureState
        /// Whether the removing commit was authored from one of the rejecting member's e-mails.
        public var authorEmailMatches: Bool
        /// What happened to the file: "deleted", "changed to an approval", ….
        public var change: String
        /// The file that held the rejection.
        public var file: String

        public init(commit: Commit?, signature: SignatureState, authorEmailMatches: Bool, change: String, file: String) {
            self.commit = commit
            self.signature = signature
            self.authorEmailMatches = authorEmailMatches
            self.change = change
            self.file = file
        }

        /// Whether the removal is the rejecting member's own withdrawal: a commit signed with
        /// their key, or, under `signed: false`, one authored from their e-mail.
        public func isWithdrawal(signed: Bool) -> Bool {
            guard commit != nil else { return false }
            switch signature {
            case .verified: return true
            case .unsigned: return !signed && authorEmailMatches
            case .notTheApprover: return false
            }
        }
    }

    public init(document: Document, approver: String, role: String, decision: Decision, commit: Commit?,
                signature: SignatureState, authorEmailMatches: Bool, memberRoles: [String]?,
                staleness: String?, conflictOfInterest: String?) {
        self.document = document
        self.approver = approver
        self.role = role
        self.decision = decision
        self.commit = commit
        self.signature = signature
        self.authorEmailMatches = authorEmailMatches
        self.memberRoles = memberRoles
        self.staleness = staleness
        self.conflictOfInterest = conflictOfInterest
    }

    /// `spec.digest`: the bundle digest the approver reviewed.
    public var reviewedDigest: String? { document.text("digest") }

    /// Not committed: in working-tree and staged modes such an approval is pending, never valid.
    public var isPending: Bool { commit == nil }
}
