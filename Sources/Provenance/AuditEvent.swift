/// One entry of the audit trail (`policy audit`): something that happened to a request, an
/// approval or an incident, in the commit that did it.
public struct AuditEvent: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case requestCreated = "request-created"
        case requestChanged = "request-changed"
        case requestRemoved = "request-removed"
        /// The request records a decision (`spec.status` released, withdrawn or superseded).
        case requestDecided = "request-decided"
        case bundleChanged = "bundle-changed"
        case approvalAdded = "approval-added"
        case approvalChanged = "approval-changed"
        case rejectionAdded = "rejection-added"
        case approvalRemoved = "approval-removed"
        case merged = "merged"
        case incidentOpened = "incident-opened"
        case incidentChanged = "incident-changed"
        case incidentResolved = "incident-resolved"
        case verdictRecorded = "verdict-recorded"
        /// The gate itself changed: a Policy, the Team, the Config, a PolicyTest or a vendored
        /// pack (its lock included), with whether the change was protected and by whom.
        case gateChanged = "gate-changed"
    }

    public var kind: Kind
    /// Full and short commit id.
    public var commit: String
    public var shortCommit: String
    /// Author name and e-mail as written in the commit (they prove nothing by themselves).
    public var author: String
    public var authorEmail: String
    /// Committer time, RFC 3339 UTC (chosen by the committer).
    public var date: String
    /// The member who verifiably signed the commit, and the key's fingerprint.
    public var signer: String?
    public var signingKey: String?
    public var model: String?
    public var request: String?
    /// The file the event is about.
    public var file: String?
    /// What happened, in words: "bob approved as rai-reviewer (fresh)".
    public var summary: String

    public init(kind: Kind, commit: String, shortCommit: String, author: String, authorEmail: String, date: String,
                signer: String?, signingKey: String?, model: String?, request: String?, file: String?, summary: String) {
        self.kind = kind
        self.commit = commit
        self.shortCommit = shortCommit
        self.author = author
        self.authorEmail = authorEmail
        self.date = date
        self.signer = signer
        self.signingKey = signingKey
        self.model = model
        self.request = request
        self.file = file
        self.summary = summary
    }
}
