import Policy

/// The repository overview (`index.html`): a registry derived from history — every model and
/// what each stage holds since which merge, open requests and their verdicts, open
/// incidents, approvals still needed, and the gate's own recent changes.
public struct Overview: Sendable {
    public var evaluated: String
    public var policySource: String
    /// The verdict of the whole check.
    public var verdict: Verdict
    public var models: [Model]
    public var requests: [RequestRow]
    public var openIncidents: [IncidentEntry]
    public var pendingApprovals: [PendingApproval]
    public var gateChanges: [GateChange]

    public init(evaluated: String, policySource: String, verdict: Verdict, models: [Model], requests: [RequestRow],
                openIncidents: [IncidentEntry], pendingApprovals: [PendingApproval], gateChanges: [GateChange]) {
        self.evaluated = evaluated
        self.policySource = policySource
        self.verdict = verdict
        self.models = models
        self.requests = requests
        self.openIncidents = openIncidents
        self.pendingApprovals = pendingApprovals
        self.gateChanges = gateChanges
    }

    public struct Model: Sendable, Hashable {
        public var name: String
        /// Each stage of the Config, in order, with what its latest merged promotion put there.
        public var stages: [Stage]

        public init(name: String, stages: [Stage]) {
            self.name = name
            self.stages = stages
        }
    }

    public struct Stage: Sendable, Hashable {
        public var stage: String
        /// nil when no promotion to the stage is merged.
        public var version: String?
        public var run: String?
        public var request: String?
        /// The merge that put it there (short id) and its date.
        public var commit: String?
        public var date: String?

        public init(stage: String, version: String?, run: String?, request: String?, commit: String?, date: String?) {
            self.stage = stage
            self.version = version
            self.run = run
            self.request = request
            self.commit = commit
            self.date = date
        }
    }

    public struct RequestRow: Sendable, Hashable {
        public var name: String
        public var file: String
        public var model: String?
        public var version: String?
        public var from: String?
        public var to: String?
        public var status: String
        public var verdict: Verdict
        /// The first blocking reason, when it blocks.
        public var firstReason: String?
        /// Whether the report has a page for it.
        public var hasPage: Bool

        public init(name: String, file: String, model: String?, version: String?, from: String?, to: String?,
                    status: String, verdict: Verdict, firstReason: String?, hasPage: Bool) {
            self.name = name
            self.file = file
            self.model = model
            self.version = version
            self.from = from
            self.to = to
            self.status = status
            self.verdict = verdict
            self.firstReason = firstReason
            self.hasPage = hasPage
        }
    }

    /// An approvals rule of an open request that does not pass yet.
    public struct PendingApproval: Sendable, Hashable {
        public var request: String
        public var rule: String
        public var message: String

        public init(request: String, rule: String, message: String) {
            self.request = request
            self.rule = rule
            self.message = message
        }
    }

    /// A commit that changed the gate itself: policies, the Team, the Config.
    public struct GateChange: Sendable, Hashable {
        public var commit: String
        public var shortCommit: String
        public var date: String
        public var author: String
        /// The verified signer, when the commit is signed by a member.
        public var signer: String?
        public var summary: String
        public var files: [String]

        public init(commit: String, shortCommit: String, date: String, author: String, signer: String?, summary: String,
                    files: [String]) {
            self.commit = commit
            self.shortCommit = shortCommit
            self.date = date
            self.author = author
            self.signer = signer
            self.summary = summary
            self.files = files
        }
    }
}
