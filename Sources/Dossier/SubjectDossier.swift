import Documents
import Policy
import Provenance

/// The model of one subject as a reviewer reads it: the verdict and every reason for it, every
/// rule with what it observed against its bound and, for a promotion request, the release it
/// proposes (lineage, incidents, audit, responsible AI, runbooks, bundle). `policy report`
/// renders it as a page, `policy explain` as text, JSON or Markdown: one model, built by
/// `DossierBuilder` from one check of one loaded state, never a second evaluation.
public struct SubjectDossier: Sendable {
    /// The check's result for the subject, as every other format reports it.
    public var result: SubjectResult
    /// What was checked ("commit 3f2a9c1") and where the policies came from.
    public var evaluated: String
    public var policySource: String
    /// Every finding that makes the verdict block, located.
    public var blocking: [Reason]
    /// Findings that only warn.
    public var warnings: [Reason]
    /// Every rule evaluated for the subject, passes and rules that do not apply included.
    public var rules: [GateRule]
    /// Every approval of a request and what the history proves about it.
    public var approvals: [AttributedApproval]
    /// The release a promotion request proposes; nil for other subjects.
    public var request: RequestDossier?

    public init(result: SubjectResult, evaluated: String, policySource: String, blocking: [Reason], warnings: [Reason],
                rules: [GateRule], approvals: [AttributedApproval], request: RequestDossier?) {
        self.result = result
        self.evaluated = evaluated
        self.policySource = policySource
        self.blocking = blocking
        self.warnings = warnings
        self.rules = rules
        self.approvals = approvals
        self.request = request
    }

    public var subject: Subject { result.subject }
    public var verdict: Verdict { result.verdict }

    /// A finding as the verdict banner shows it.
    public struct Reason: Sendable, Hashable {
        public var ruleID: String
        public var message: String
        public var location: SourceLocation
        public var waivedBy: String?

        public init(ruleID: String, message: String, location: SourceLocation, waivedBy: String? = nil) {
            self.ruleID = ruleID
            self.message = message
            self.location = location
            self.waivedBy = waivedBy
        }
    }
}

/// One rule of the release gate: the value it observed, its bound, its outcome.
public struct GateRule: Sendable, Hashable {
    public enum Outcome: String, Sendable, Hashable {
        case pass, warn, block
        /// The rule's premise does not hold for the subject: it passes and says why.
        case notApplicable = "not-applicable"
        /// It failed, and a waiver in force waives every finding.
        case waived
    }

    public var ruleID: String
    public var description: String?
    /// The check's keyword (`threshold`, `slices`), nil for built-in rules.
    public var check: String?
    public var outcome: Outcome
    /// What the rule observed, formatted as people read it (`28.7 ms`, `99.9 %`, `0.6×`).
    public var observed: [Observation]
    /// The bound as people read it (`≤ 25 ms`, `≥ 99.9 %`), nil when the check has none.
    public var bound: String?
    /// The unit of the observed value and the bound (`ms`, `%`, `×`), nil when they have none.
    public var unit: String?
    public var notApplicable: String?
    public var findings: [SubjectDossier.Reason]
    public var runbook: String?
    public var location: SourceLocation?

    public init(ruleID: String, description: String?, check: String?, outcome: Outcome, observed: [Observation],
                bound: String?, unit: String?, notApplicable: String?, findings: [SubjectDossier.Reason],
                runbook: String?, location: SourceLocation?) {
        self.ruleID = ruleID
        self.description = description
        self.check = check
        self.outcome = outcome
        self.observed = observed
        self.bound = bound
        self.unit = unit
        self.notApplicable = notApplicable
        self.findings = findings
        self.runbook = runbook
        self.location = location
    }

    /// A value a rule read: its path, the value as people read it, where it is written.
    public struct Observation: Sendable, Hashable {
        public var path: String
        /// nil when the value is missing.
        public var text: String?
        public var location: SourceLocation?

        public init(path: String, text: String?, location: SourceLocation?) {
            self.path = path
            self.text = text
            self.location = location
        }
    }
}

/// What a promotion request proposes and what its history says.
public struct RequestDossier: Sendable {
    public var name: String
    public var model: String?
    public var version: String?
    public var from: String?
    public var to: String?
    public var requestedBy: String?
    public var justification: String?
    /// `open`, `released`, `withdrawn` or `superseded`.
    public var status: String
    public var lineage: Lineage
    public var incidents: [IncidentEntry]
    /// The request's timeline from history, oldest first.
    public var audit: [AuditEvent]
    public var responsibleAI: ResponsibleAI
    /// The runbooks of the rules that do not pass, each once, with its text.
    public var runbooks: [Runbook]
    public var bundle: Bundle?
    /// `policy approve <request> -m "…" --role <role>`, one per role the approvals rules need.
    public var approveCommands: [String]

    public init(name: String, model: String?, version: String?, from: String?, to: String?, requestedBy: String?,
                justification: String?, status: String, lineage: Lineage, incidents: [IncidentEntry], audit: [AuditEvent],
                responsibleAI: ResponsibleAI, runbooks: [Runbook], bundle: Bundle?, approveCommands: [String]) {
        self.name = name
        self.model = model
        self.version = version
        self.from = from
        self.to = to
        self.requestedBy = requestedBy
        self.justification = justification
        self.status = status
        self.lineage = lineage
        self.incidents = incidents
        self.audit = audit
        self.responsibleAI = responsibleAI
        self.runbooks = runbooks
        self.bundle = bundle
        self.approveCommands = approveCommands
    }

    /// The digest the approvers sign and the files it covers, in digest order.
    public struct Bundle: Sendable, Hashable {
        public var digest: String
        public var files: [String]

        public init(digest: String, files: [String]) {
            self.digest = digest
            self.files = files
        }
    }

    /// A runbook a failing rule links, read from the checked revision.
    public struct Runbook: Sendable, Hashable {
        public var path: String
        /// The rules that link it.
        public var rules: [String]
        /// Its Markdown text; nil when it cannot be read.
        public var text: String?

        public init(path: String, rules: [String], text: String?) {
            self.path = path
            self.rules = rules
            self.text = text
        }
    }
}

/// An incident of the request's model that concerns its version.
public struct IncidentEntry: Sendable, Hashable {
    public var name: String
    public var file: String
    public var severity: String?
    public var status: String?
    public var opened: String?
    public var resolved: String?
    public var summary: String?
    /// The versions it names; empty: every version of the model.
    public var versions: [String]
    /// Its changes in history (opened, status changes, resolved), oldest first.
    public var timeline: [AuditEvent]

    public init(name: String, file: String, severity: String?, status: String?, opened: String?, resolved: String?,
                summary: String?, versions: [String], timeline: [AuditEvent]) {
        self.name = name
        self.file = file
        self.severity = severity
        self.status = status
        self.opened = opened
        self.resolved = resolved
        self.summary = summary
        self.versions = versions
        self.timeline = timeline
    }
}
