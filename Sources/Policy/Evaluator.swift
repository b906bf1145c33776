import Documents
import Foundation

/// Decides a verdict for every subject: runs the rules of every policy that matches it and
/// turns document problems into findings of the built-in `document/*` rules.
public struct Evaluator: Sendable {
    public var policies: [Policy]
    /// What the history proves about a request's approvals (see `AttributedApproval`).
    public var approvals: @Sendable (Document) -> [AttributedApproval]
    /// The repository behind the documents, for checks that read history or files.
    public var repository: (any RepositoryFacts)?
    /// The lifecycle stages of the Config, in order.
    public var stages: [String]
    /// What a waiver needs to be in force (the Config's `spec.waivers`).
    public var waiverRequirement: WaiverRequirement
    /// The time waivers expire against.
    public var now: Date
    /// The most an `approvals` rule may decide. Before a commit (`--staged`) approvals that
    /// can only be given after it are not required: they warn, and CI (`--base`) enforces them.
    public var approvalsAtMost: Verdict = .block
    /// Gate decided requests (released, withdrawn, superseded) like open ones
    /// (`policy check --regate`). Without it they are reported as decided, no rule evaluated.
    public var regate = false
    /// Whether the change under review records a request's decision: then the request is
    /// gated as open, since a request cannot make itself decided to escape the gate. Range and
    /// staged modes: its file is changed by the change; working tree: its status differs from
    /// HEAD's.
    public var decisionInChange: @Sendable (Document) -> Bool = { _ in false }
    /// The verdict last recorded for a request in `refs/notes/tollgate` while it was gated.
    public var recordedVerdict: @Sendable (Document) -> RecordedVerdict? = { _ in nil }
    /// Every name of each kind in the whole revision, when the evaluated set is only part of
    /// it (a staged check reads what the change can reach): a `supersededBy` that names a
    /// request outside the part still resolves.
    public var wholeSetNames: [DocumentKind: [String]]?

    public init(policies: [Policy], approvals: @escaping @Sendable (Document) -> [AttributedApproval] = { _ in [] },
                repository: (any RepositoryFacts)? = nil,
                stages: [String] = ["development", "staging", "production", "retired"],
                waiverRequirement: WaiverRequirement = WaiverRequirement(), now: Date = Date()) {
        self.policies = policies
        self.approvals = approvals
        self.repository = repository
        self.stages = stages
        self.waiverRequirement = waiverRequirement
        self.now = now
    }

    /// - Parameters:
    ///   - documents: every document of the evaluated revision.
    ///   - diagnostics: problems found while reading files (YAML, envelope, schema), and
    ///     those of `documents` itself (duplicates, references) — attached to the subject
    ///     whose file they point into.
    ///   - isSelected: whether a file's subject is to be reported (range mode, path filters).
    ///   - findings: findings made elsewhere (e.g. protected paths in range mode), attached
    ///     like diagnostics to the subject of their file.
    public func evaluate(_ documents: DocumentSet, diagnostics: [Diagnostic], findings: [Finding] = [],
                         isSelected: (Document) -> Bool = { _ in true },
                         isSelectedFile: (String) -> Bool = { _ in true }) -> Report {
        let lifecycleProblems = RequestLifecycleCheck.diagnostics(documents, wholeSetNames: wholeSetNames)
        let byFile = Dictionary(grouping: diagnostics + documents.diagnostics + lifecycleProblems, by: \.location.file)
        let waivers = Waivers(documents: documents, requirement: waiverRequirement, now: now,
                              approvals: approvals, policies: policies)
        let findingsByFile = Dictionary(grouping: findings + waivers.findings, by: \.subject.file)
        var results: [SubjectResult] = []
        var filesWithDocuments: Set<String> = []
        for document in documents.documents {
            filesWithDocuments.insert(document.file)
            guard isSelected(document) else { continue }
            let subject = Subject(document)
            let lifecycle = requestLifecycle(of: document, problems: byFile[document.file] ?? [],
                                             hasFindings: findingsByFile[document.file] != nil)
            let matching = policies.filter { $0.match.matches(document) }
            if let lifecycle, !lifecycle.isGated {
                // Reported where an open request would be a subject (some policy matches it).
                if !matching.isEmpty { results.append(SubjectResult(subject: subject, rules: [], lifecycle: lifecycle)) }
                continue
            }
            var rules = documentRules(byFile[document.file] ?? [], subject: subject)
            rules += externalRules(findingsByFile[document.file] ?? [], subject: subject)
            if !matching.isEmpty {
                var context = Bindings.context(for: document, in: documents, repository: repository)
                context.stages = stages
                if document.kind == .promotionRequest {
                    context.approvals = approvals(document)
                }
                for policy in matching {
                    context.variables = policy.variables
                    for rule in policy.rules {
                        rules.append(evaluate(rule, of: policy, for: subject, in: context))
                    }
                }
            }
            if !rules.isEmpty {
                results.append(SubjectResult(subject: subject, rules: waivers.apply(to: rules, subject: subject),
                                             lifecycle: lifecycle))
            }
        }
        let otherFiles = Set(byFile.keys).union(findingsByFile.keys).subtracting(filesWithDocuments)
        for file in otherFiles.sorted() where isSelectedFile(file) {
            let subject = Subject(kind: nil, name: nil, file: file)
            let rules = documentRules(byFile[file] ?? [], subject: subject)
                + externalRules(findingsByFile[file] ?? [], subject: subject)
            results.append(SubjectResult(subject: subject, rules: rules))
        }
        return Report(subjects: results)
    }

    /// The lifecycle of a request that states a decision, and whether it is gated: not when
    /// it is decided, unless its file has problems (a decision that cannot be read whole is
    /// not taken on trust), the change under review records the decision, or `regate`.
    /// Nil for an open request (or a status that is not one: the schema reports it) and for
    /// other kinds.
    func requestLifecycle(of document: Document, problems: [Diagnostic], hasFindings: Bool) -> Lifecycle? {
        guard document.kind == .promotionRequest, let status = RequestStatus(of: document), status.isDecided else { return nil }
        let gating: Lifecycle.Gating
        if decisionInChange(document) {
            gating = .decisionInChange
        } else if hasFindings || problems.contains(where: { $0.severity == .error }) {
            gating = .invalid
        } else if regate {
            gating = .regated
        } else {
            gating = .decided
        }
        return Lifecycle(status: status, supersededBy: document.text("supersededBy"), gating: gating,
                         recorded: gating == .decided ? recordedVerdict(document) : nil)
    }

    /// One rule evaluation per rule id of findings made outside the policies.
    func externalRules(_ findings: [Finding], subject: Subject) -> [RuleEvaluation] {
        Dictionary(grouping: findings, by: \.ruleID).sorted { $0.key < $1.key }.map { ruleID, group in
            let attached = group.map { finding in
                var finding = finding
                finding.subject = subject
                return finding
            }
            return RuleEvaluation(ruleID: ruleID, description: nil,
                                  outcome: attached.map(\.severity).max() ?? .pass, findings: attached,
                                  evidence: [], runbook: attached.first?.runbook, tags: [], ruleLocation: nil)
        }
    }

    func evaluate(_ rule: Rule, of policy: Policy, for subject: Subject, in context: EvaluationContext) -> RuleEvaluation {
        let outcome = rule.check.evaluate(in: context)
        let ruleID = "\(policy.name)/\(rule.id)"
        let cap = type(of: rule.check).keyword == ApprovalsCheck.keyword ? approvalsAtMost : .block
        let severity = min(rule.enforcement.verdict, cap)
        let findings = outcome.violations.map { violation in
            Finding(ruleID: ruleID, subject: subject, severity: min(severity, violation.atMost ?? severity),
                    message: violation.message, location: violation.location, notes: violation.notes,
                    runbook: rule.runbook, tags: rule.tags)
        }
        return RuleEvaluation(ruleID: ruleID, description: rule.description,
                              outcome: findings.map(\.severity).max() ?? .pass, findings: findings,
                              evidence: outcome.evidence, runbook: rule.runbook, tags: rule.tags,
                              ruleLocation: rule.location, check: type(of: rule.check).keyword)
    }

    /// One `document/<code>` rule per kind of problem found in the subject's file.
    func documentRules(_ diagnostics: [Diagnostic], subject: Subject) -> [RuleEvaluation] {
        let grouped = Dictionary(grouping: diagnostics, by: \.code)
        return Diagnostic.Code.allCases.compactMap { code in
            guard let problems = grouped[code] else { return nil }
            let findings = problems.sorted { $0.location < $1.location }.map { Finding($0, subject: subject) }
            return RuleEvaluation(ruleID: "document/\(code.rawValue)", description: code.summary,
                                  outcome: findings.map(\.severity).max() ?? .pass, findings: findings,
                                  evidence: [], runbook: nil, tags: [], ruleLocation: nil)
        }
    }
}

extension Diagnostic.Code {
    /// What the built-in rule `document/<code>` checks.
    public var summary: String {
        switch self {
        case .yaml: return "the file is readable YAML within the safety limits"
        case .envelope: return "the document has a valid apiVersion, kind and metadata"
        case .schema: return "the document's fields match the schema of its kind"
        case .reference: return "every name the document refers to exists and agrees"
        case .duplicateName: return "names are unique within a kind"
        }
    }
}
