import Documents

/// One rule evaluated for one subject: the outcome, the findings behind it and the
/// evidence it read. Passing rules are kept too, so the JSON output shows every rule.
public struct RuleEvaluation: Hashable, Sendable {
    /// `<policy>/<rule>` or `document/<code>`.
    public var ruleID: String
    public var description: String?
    public var outcome: Verdict
    public var findings: [Finding]
    public var evidence: [Evidence]
    public var runbook: String?
    public var tags: [String]
    /// Where the rule is written (its `id`), if it comes from a policy file.
    public var ruleLocation: SourceLocation?
    /// The check's keyword (`threshold`, `approvals`), nil for built-in rules.
    public var check: String?
    /// Why the rule does not apply to the subject, when it does not (it then passes).
    public var notApplicable: String?

    public init(ruleID: String, description: String?, outcome: Verdict, findings: [Finding],
                evidence: [Evidence], runbook: String?, tags: [String], ruleLocation: SourceLocation?,
                check: String? = nil, notApplicable: String? = nil) {
        self.check = check
        self.notApplicable = notApplicable
        self.ruleID = ruleID
        self.description = description
        self.outcome = outcome
        self.findings = findings
        self.evidence = evidence
        self.runbook = runbook
        self.tags = tags
        self.ruleLocation = ruleLocation
    }
}

/// The verdict for one subject and every rule that led to it.
public struct SubjectResult: Hashable, Sendable {
    public var subject: Subject
    public var rules: [RuleEvaluation]
    /// For a PromotionRequest that states a decision (`spec.status` other than open): its
    /// status and whether it was gated; nil for an open request and for other subjects.
    public var lifecycle: Lifecycle?

    public init(subject: Subject, rules: [RuleEvaluation], lifecycle: Lifecycle? = nil) {
        self.subject = subject
        self.rules = rules
        self.lifecycle = lifecycle
    }

    /// Whether the subject is a decided request that was not gated (no rule evaluated).
    public var isDecided: Bool { lifecycle.map { !$0.isGated } ?? false }

    /// Worst outcome of its rules; pass when none applies.
    public var verdict: Verdict { rules.map(\.outcome).max() ?? .pass }

    public var findings: [Finding] { rules.flatMap(\.findings) }

    /// The rules that do not apply to the subject, each with its reason.
    public var notApplicable: [RuleEvaluation] { rules.filter { $0.notApplicable != nil } }
}

/// Everything one `policy check` decided.
public struct Report: Hashable, Sendable {
    public var subjects: [SubjectResult]

    public init(subjects: [SubjectResult]) {
        self.subjects = subjects.sorted { $0.subject < $1.subject }
    }

    /// Worst verdict of all subjects; pass when there is none.
    public var verdict: Verdict { subjects.map(\.verdict).max() ?? .pass }

    public var findings: [Finding] { subjects.flatMap(\.findings) }

    /// Findings that count (not waived), grouped by compliance tag, tags sorted.
    public var findingsByTag: [(tag: String, findings: [Finding])] {
        var groups: [String: [Finding]] = [:]
        for finding in findings where finding.isActive {
            for tag in Set(finding.tags) { groups[tag, default: []].append(finding) }
        }
        return groups.keys.sorted().map { ($0, groups[$0] ?? []) }
    }
}
