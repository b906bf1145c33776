import Documents

/// Where a PromotionRequest stands (`spec.status`, default `open`). Only an open request is
/// gated: a decided one (released, withdrawn, superseded) is reported with its status and
/// the verdict recorded for it, not judged again by today's policies.
public enum RequestStatus: String, Sendable, Hashable, CaseIterable {
    case open, released, withdrawn, superseded

    /// The status a request states; `open` when it states none. Nil for a value that is not
    /// a status (the schema reports it, and the request is gated as open).
    public init?(of request: Document) {
        guard let value = request.spec.value(at: "status"), !value.isNull else {
            self = .open
            return
        }
        guard let text = value.string else { return nil }
        self.init(rawValue: text)
    }

    public var isDecided: Bool { self != .open }
}

/// A verdict that `policy check --record` stored for a request in `refs/notes/tollgate`.
public struct RecordedVerdict: Hashable, Sendable {
    public var verdict: Verdict
    /// The full id of the commit whose note holds it.
    public var commit: String

    public init(verdict: Verdict, commit: String) {
        self.verdict = verdict
        self.commit = commit
    }

    public var shortCommit: String { String(commit.prefix(7)) }
}

/// How a request's lifecycle shaped its evaluation; nil on a subject for an open request.
public struct Lifecycle: Hashable, Sendable {
    /// Whether the request was gated, and why, although it states a decision.
    public enum Gating: String, Sendable, Hashable {
        /// Not gated: reported as decided, no rule evaluated, verdict pass.
        case decided
        /// Gated as open because `policy check --regate` asked for it.
        case regated
        /// Gated as open because the change under review records the decision (range and
        /// staged modes: the request's file is changed; working tree: its status differs
        /// from HEAD's).
        case decisionInChange = "decision-in-change"
        /// Gated as open because its file has errors: a decision that cannot be read whole
        /// is not taken on trust.
        case invalid
    }

    public var status: RequestStatus
    public var supersededBy: String?
    public var gating: Gating
    /// For a decided request: the verdict last recorded for it while it was gated, if any.
    public var recorded: RecordedVerdict?

    public init(status: RequestStatus, supersededBy: String? = nil, gating: Gating, recorded: RecordedVerdict? = nil) {
        self.status = status
        self.supersededBy = supersededBy
        self.gating = gating
        self.recorded = recorded
    }

    public var isGated: Bool { gating != .decided }

    /// "released, superseded by x" — the status as a reader sees it.
    public var statusText: String {
        if status == .superseded, let supersededBy { return "superseded by \(supersededBy)" }
        return status.rawValue
    }

    /// One sentence for the text and Markdown reports.
    public var note: String {
        switch gating {
        case .decided:
            let recordedText = recorded.map { "recorded verdict \($0.verdict.rawValue) in \($0.shortCommit)" } ?? "no recorded verdict"
            return "DECIDED \(statusText) — \(recordedText); not gated (policy check --regate gates it)"
        case .regated:
            return "marked \(statusText); gated again as open (--regate)"
        case .decisionInChange:
            return "marked \(statusText) in this change; the change that records a decision must itself pass"
        case .invalid:
            return "marked \(statusText), but its file has errors: gated as open until they are fixed"
        }
    }
}

/// The lifecycle fields of PromotionRequests, checked across documents: `superseded` needs
/// a `supersededBy` that names another PromotionRequest, and `supersededBy` means nothing
/// on a request that is not superseded.
public enum RequestLifecycleCheck {
    /// - Parameter wholeSetNames: every name of each kind, when `documents` is only part of
    ///   the revision.
    public static func diagnostics(_ documents: DocumentSet, wholeSetNames: [DocumentKind: [String]]? = nil) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        let requests = documents.documents(of: .promotionRequest)
        let names = wholeSetNames?[.promotionRequest] ?? requests.map(\.name)
        for request in requests {
            let status = RequestStatus(of: request)
            let successor = request.spec.value(at: "supersededBy")
            let successorName = successor?.string
            switch (status, successorName) {
            case (.superseded?, nil):
                problems.append(Diagnostic(.schema,
                    "spec.status is superseded but spec.supersededBy is missing: name the PromotionRequest that replaces this one",
                    at: request.spec.value(at: "status")?.location ?? request.nameLocation))
            case (.superseded?, let name?):
                if name == request.name {
                    problems.append(Diagnostic(.reference, "spec.supersededBy names this request itself", at: successor!.location))
                } else if documents.document(.promotionRequest, named: name) == nil, !names.contains(name) {
                    problems.append(Diagnostic(.reference,
                        "spec.supersededBy refers to PromotionRequest '\(name)', which does not exist\(DidYouMean.hint(for: name, among: names))",
                        at: successor!.location))
                }
            case (_, _?):
                problems.append(Diagnostic(.schema,
                    "spec.supersededBy is set but spec.status is \(status?.rawValue ?? "not a status"): it applies only to a superseded request",
                    at: successor!.location, severity: .warning))
            default:
                break
            }
        }
        return problems
    }
}
