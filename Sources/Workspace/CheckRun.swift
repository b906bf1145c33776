import Policy

/// The result of one `policy check`: the report and what it was computed from.
public struct CheckRun: Sendable {
    public var report: Report
    /// What was evaluated: "working tree", "index", "commit 3f2a9c1".
    public var evaluated: String
    /// Where the policies came from: the same, or "base 9d0e4b2" in range mode.
    public var policySource: String
    /// The policies applied, by name.
    public var policies: [String]
    /// Tollgate documents read from the evaluated state.
    public var documentCount: Int
    /// In range mode, the paths changed between the merge base and the head.
    public var changedPaths: [String]?
    /// What the history proves about each evaluated request's approvals, by request name.
    public var approvals: [String: [AttributedApproval]]
    /// The working tree's root (absolute), nil for a bare repository.
    public var root: String?
    /// How the local stores served this check ("4,014 documents: 3 parsed, 4,011 kept; 41 read
    /// for the change"), nil when none was used; printed with `TOLLGATE_DEBUG_STORES=1`.
    public var storeUse: String?

    public init(report: Report, evaluated: String, policySource: String, policies: [String],
                documentCount: Int, changedPaths: [String]?, approvals: [String: [AttributedApproval]] = [:],
                root: String? = nil) {
        self.approvals = approvals
        self.root = root
        self.report = report
        self.evaluated = evaluated
        self.policySource = policySource
        self.policies = policies
        self.documentCount = documentCount
        self.changedPaths = changedPaths
    }
}
