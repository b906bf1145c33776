import Documents
import Foundation

/// Decides a verdict for every subject: runs the rules of every policy that matches it and
/// turns document problems into findings of the built-in `document/*` rules.
///
/// With many subjects they are evaluated on several threads at once (`Parallelism`): the
/// closures and the `repository` below are then asked from several threads and must be
/// thread-safe (the workspace's take one lock for whatever reads git).
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
    /// Who last changed a file, for `signedBy` rules (nil: no history; they fail closed).
    public var fileSignature: (@Sendable (String) -> FileSignature)?
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
    /// Check that each runbook a rule links (a relative path) is a file of `repository`: a
    /// finding never links one that is not, and each such rule gets one `policy/runbook`
    /// warning located at its `runbook:` (on the subject of the policy file). Off for policy
    /// tests and check examples, whose repositories are made up.
    public var checksRunbooks = false
    /// Report only the subjects of this shard (`policy check --shard K/N`). The others are
    /// not evaluated; only which of their rules link a missing runbook is worked out (cheap:
    /// which policies match, no rule run), since the `policy/runbook` warning of a policy,
    /// reported in the shard of that policy's subject, names the rules evaluated anywhere.
    public var shard: Shard?

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
        let unreadable = Self.unreadableDocuments(diagnostics, documents: documents)
        let explained = Self.explainingUnreadable(documents.diagnostics, in: documents, unreadable: unreadable)
        let lifecycleProblems = RequestLifecycleCheck.diagnostics(documents, wholeSetNames: wholeSetNames)
        let byFile = Dictionary(grouping: diagnostics + explained + lifecycleProblems, by: \.location.file)
        let referenceLocations = Set((diagnostics + explained).filter { $0.code == .reference }.map(\.location))
        let waivers = Waivers(documents: documents, requirement: waiverRequirement, now: now,
                              approvals: approvals, policies: policies)
        let findingsByFile = Dictionary(grouping: findings + waivers.findings, by: \.subject.file)
        let run = SubjectRun(evaluator: self, documents: documents, unreadable: unreadable, byFile: byFile,
                             findingsByFile: findingsByFile, referenceLocations: referenceLocations, waivers: waivers,
                             missingRunbooks: missingRunbooks())
        var filesWithDocuments: Set<String> = []
        var candidates: [Document] = []
        for document in documents.documents {
            filesWithDocuments.insert(document.file)
            if isSelected(document) { candidates.append(document) }
        }
        // Each subject on its own (on every core when there are many), results in document order.
        var results: [SubjectResult] = []
        var deadLinks: Set<String> = []  // rule ids whose runbook is missing, among the rules evaluated
        for outcome in Parallelism.map(candidates, { run.outcome(of: $0) }) {
            if let result = outcome.result { results.append(result) }
            deadLinks.formUnion(outcome.deadLinks)
        }
        let otherFiles = Set(byFile.keys).union(findingsByFile.keys).subtracting(filesWithDocuments)
        for file in otherFiles.sorted() where isSelectedFile(file) {
            let subject = Subject(kind: nil, name: nil, file: file)
            if let shard, !shard.contains(subject) { continue }
            let rules = documentRules(byFile[file] ?? [], subject: subject)
                + externalRules(findingsByFile[file] ?? [], subject: subject)
            results.append(SubjectResult(subject: subject, rules: rules))
        }
        results += runbookWarnings(for: deadLinks).filter { shard?.contains($0.subject) ?? true }
        return Report(subjects: results)
    }

    /// What evaluating one document gives: its subject's result when it is reported, and the
    /// ids of its rules that link a missing runbook.
    struct Outcome: Sendable {
        var result: SubjectResult?
        var deadLinks: [String] = []
    }

    /// What every subject of one `evaluate` shares, computed before: read only, so subjects
    /// can be evaluated on several threads at once.
    struct SubjectRun: Sendable {
        let evaluator: Evaluator
        let documents: DocumentSet
        let unreadable: [DocumentReference: Diagnostic]
        let byFile: [String: [Diagnostic]]
        let findingsByFile: [String: [Finding]]
        let referenceLocations: Set<SourceLocation>
        let waivers: Waivers
        let missingRunbooks: Set<String>

        /// Evaluates one selected document: every rule of every policy that matches it, its
        /// document problems and the findings made elsewhere on its file, waivers applied.
        func outcome(of document: Document) -> Outcome {
            let subject = Subject(document)
            var deadLinks: [String] = []
            if let shard = evaluator.shard, !shard.contains(subject) {
                // Another shard's subject: only the runbooks its rules would link.
                guard !missingRunbooks.isEmpty else { return Outcome() }
                let gating = evaluator.requestLifecycle(of: document, problems: byFile[document.file] ?? [],
                                                        hasFindings: findingsByFile[document.file] != nil, recorded: false)
                guard gating?.isGated ?? true else { return Outcome() }
                for policy in evaluator.policies where policy.match.matches(document) {
                    for rule in policy.rules {
                        if let runbook = rule.runbook, missingRunbooks.contains(runbook) { deadLinks.append("\(policy.name)/\(rule.id)") }
                    }
                }
                return Outcome(deadLinks: deadLinks)
            }
            let lifecycle = evaluator.requestLifecycle(of: document, problems: byFile[document.file] ?? [],
                                                       hasFindings: findingsByFile[document.file] != nil)
            let matching = evaluator.policies.filter { $0.match.matches(document) }
            if let lifecycle, !lifecycle.isGated {
                // Reported where an open request would be a subject (some policy matches it).
                return Outcome(result: matching.isEmpty ? nil : SubjectResult(subject: subject, rules: [], lifecycle: lifecycle))
            }
            var fileDiagnostics = byFile[document.file] ?? []
            var policyRules: [RuleEvaluation] = []
            if !matching.isEmpty {
                var context = Bindings.context(for: document, in: documents, repository: evaluator.repository, unreadable: unreadable)
                context.stages = evaluator.stages
                context.fileSignature = evaluator.fileSignature
                if document.kind == .promotionRequest {
                    context.approvals = evaluator.approvals(document)
                }
                for policy in matching {
                    context.variables = policy.variables
                    for rule in policy.rules {
                        var evaluation = evaluator.evaluate(rule, of: policy, for: subject, in: context)
                        if let runbook = rule.runbook, missingRunbooks.contains(runbook) {
                            deadLinks.append(evaluation.ruleID)
                            evaluation.runbook = nil
                            for index in evaluation.findings.indices { evaluation.findings[index].runbook = nil }
                        }
                        policyRules.append(evaluation)
                    }
                }
                policyRules = Evaluator.collapsingUnresolved(policyRules, context: context, referenceLocations: referenceLocations,
                                                             diagnostics: &fileDiagnostics)
            }
            var rules = evaluator.documentRules(fileDiagnostics, subject: subject)
            rules += evaluator.externalRules(findingsByFile[document.file] ?? [], subject: subject)
            rules += policyRules
            guard !rules.isEmpty else { return Outcome(deadLinks: deadLinks) }
            return Outcome(result: SubjectResult(subject: subject, rules: waivers.apply(to: rules, subject: subject),
                                                 lifecycle: lifecycle),
                           deadLinks: deadLinks)
        }
    }

    /// The rule id of the warning that a rule links a runbook the repository does not hold.
    public static let runbookRuleID = "policy/runbook"

    /// The relative runbook paths the policies link that are not files of the repository
    /// (empty unless `checksRunbooks`).
    func missingRunbooks() -> Set<String> {
        guard checksRunbooks, let repository else { return [] }
        let linked = Set(policies.flatMap { $0.rules.compactMap(\.runbook) })
        return linked.filter { path in
            guard !path.contains("://"), !path.hasPrefix("mailto:") else { return false }
            var relative = Substring(path)
            while relative.hasPrefix("./") { relative = relative.dropFirst(2) }
            return repository.file(at: String(relative)) == .missing
        }
    }

    /// One `policy/runbook` rule per policy file with a rule among `ruleIDs` that links a
    /// missing runbook: one warning per missing runbook, at the first such rule's `runbook:`,
    /// naming every rule of the file that links it.
    func runbookWarnings(for ruleIDs: Set<String>) -> [SubjectResult] {
        guard !ruleIDs.isEmpty else { return [] }
        var results: [SubjectResult] = []
        for policy in policies {
            let subject = Subject(kind: .policy, name: policy.name, file: policy.file)
            var order: [String] = []
            var linking: [String: [Rule]] = [:]
            for rule in policy.rules {
                guard ruleIDs.contains("\(policy.name)/\(rule.id)"), let runbook = rule.runbook else { continue }
                if linking[runbook] == nil { order.append(runbook) }
                linking[runbook, default: []].append(rule)
            }
            let findings = order.map { runbook -> Finding in
                let rules = linking[runbook] ?? []
                let names = rules.map { "\(policy.name)/\($0.id)" }
                let first = rules[0]
                return Finding(ruleID: Self.runbookRuleID, subject: subject, severity: .warn,
                               message: "runbook \(runbook) is not a file of this repository: the findings of \(names.joined(separator: ", ")) link no runbook until it is written (policy init writes the default pack's runbooks)",
                               location: first.runbookLocation ?? first.location)
            }
            guard !findings.isEmpty else { continue }
            results.append(SubjectResult(subject: subject, rules: [
                RuleEvaluation(ruleID: Self.runbookRuleID, description: "every runbook a rule links is a file of the repository",
                               outcome: .warn, findings: findings, evidence: [], runbook: nil, tags: [], ruleLocation: nil),
            ]))
        }
        return results
    }

    /// The lifecycle of a request that states a decision, and whether it is gated: not when
    /// it is decided, unless its file has problems (a decision that cannot be read whole is
    /// not taken on trust), the change under review records the decision, or `regate`.
    /// Nil for an open request (or a status that is not one: the schema reports it) and for
    /// other kinds.
    /// Without `recorded`, the recorded verdict is not looked up (only whether it is gated counts).
    func requestLifecycle(of document: Document, problems: [Diagnostic], hasFindings: Bool, recorded: Bool = true) -> Lifecycle? {
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
                         recorded: gating == .decided && recorded ? recordedVerdict(document) : nil)
    }

    /// The documents that files which cannot be read declare (`Diagnostic.declaredDocument`),
    /// when no readable document of that kind and name exists: the first error of each.
    static func unreadableDocuments(_ diagnostics: [Diagnostic], documents: DocumentSet) -> [DocumentReference: Diagnostic] {
        var result: [DocumentReference: Diagnostic] = [:]
        for diagnostic in diagnostics.sorted(by: { $0.location < $1.location }) where diagnostic.severity == .error {
            guard let declared = diagnostic.declaredDocument, result[declared] == nil,
                  documents.document(declared.kind, named: declared.name) == nil else { continue }
            result[declared] = diagnostic
        }
        return result
    }

    /// The reference problems of `documents`, where a name that "does not exist" is that of
    /// a file that cannot be read: then the problem says so, and points at the root cause.
    static func explainingUnreadable(_ problems: [Diagnostic], in documents: DocumentSet,
                                     unreadable: [DocumentReference: Diagnostic]) -> [Diagnostic] {
        guard !unreadable.isEmpty else { return problems }
        let byFile = Dictionary(grouping: documents.documents, by: \.file)
        return problems.map { problem in
            guard problem.code == .reference else { return problem }
            for document in byFile[problem.location.file] ?? [] {
                for link in DocumentSet.links(of: document) where link.location == problem.location {
                    guard let cause = unreadable[DocumentReference(kind: link.target, name: link.name)] else { continue }
                    var explained = problem
                    explained.message = "spec.\(link.field): \(Bindings.cannotBeRead(link.target, link.name, cause))"
                    explained.notes = [Diagnostic.Note("what keeps \(link.target.rawValue) '\(link.name)' from being read",
                                                       at: cause.location)]
                    return explained
                }
            }
            return problem
        }
    }

    /// One finding per unresolved reference instead of one per rule that reads through it.
    /// A rule that reads a name bound to a document that does not exist (or cannot be read)
    /// fails closed with a finding that only repeats the reference problem; those findings
    /// are taken out of their rules and named in a note of the reference problem itself (on
    /// the subject's own file), or of one new `document/reference` finding of the subject when
    /// the broken reference is in another file (the teacher named by the request's run).
    /// Each such rule keeps its outcome (it fails closed, and a PolicyTest still sees it
    /// block); the one finding names it.
    static func collapsingUnresolved(_ rules: [RuleEvaluation], context: EvaluationContext,
                                     referenceLocations: Set<SourceLocation>,
                                     diagnostics: inout [Diagnostic]) -> [RuleEvaluation] {
        let unresolved = context.bindings.compactMap { name, binding -> (name: String, reason: String, location: SourceLocation)? in
            guard binding.value == nil, let reason = binding.missingReason, let location = binding.missingLocation,
                  referenceLocations.contains(location) else { return nil }
            return (name, reason, location)
        }.sorted { $0.name < $1.name }
        guard !unresolved.isEmpty else { return rules }
        // Grouped by where the reference is broken: `teacher` is unbound where `run` is when the run is missing.
        var hidden: [SourceLocation: (names: [String], rules: [RuleEvaluation], severity: Verdict)] = [:]
        var result: [RuleEvaluation] = []
        for rule in rules {
            var kept: [Finding] = []
            for finding in rule.findings {
                if let binding = unresolved.first(where: { finding.location == $0.location && finding.message.contains($0.reason) }) {
                    var entry = hidden[binding.location] ?? ([], [], .pass)
                    if !entry.names.contains(binding.name) { entry.names.append(binding.name) }
                    if !entry.rules.contains(where: { $0.ruleID == rule.ruleID }) { entry.rules.append(rule) }
                    entry.severity = max(entry.severity, finding.severity)
                    hidden[binding.location] = entry
                } else {
                    kept.append(finding)
                }
            }
            var collapsed = rule
            collapsed.findings = kept  // the outcome stays: the rule still fails closed
            result.append(collapsed)
        }
        for location in hidden.keys.sorted() {
            guard let entry = hidden[location], let reason = unresolved.first(where: { $0.location == location })?.reason else { continue }
            let count = entry.rules.count
            let names = entry.names.sorted { (EvaluationContext.names.firstIndex(of: $0) ?? 99) < (EvaluationContext.names.firstIndex(of: $1) ?? 99) }
                .map { "`\($0)`" }.joined(separator: " or ")
            let summary = "\(count) rule\(count == 1 ? "" : "s") that read\(count == 1 ? "s" : "") \(names) \(count == 1 ? "was" : "were") not evaluated: \(entry.rules.map(\.ruleID).joined(separator: ", "))"
            let note = Diagnostic.Note(summary, at: entry.rules.first?.ruleLocation ?? location)
            if let index = diagnostics.firstIndex(where: { $0.code == .reference && $0.location == location }) {
                diagnostics[index].notes.insert(note, at: 0)
            } else {
                diagnostics.append(Diagnostic(.reference, "\(entry.names.first ?? "a name") cannot be read: \(reason)",
                                              at: location, severity: entry.severity == .block ? .error : .warning, notes: [note]))
            }
        }
        return result
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
                              ruleLocation: rule.location, check: type(of: rule.check).keyword,
                              notApplicable: findings.isEmpty ? outcome.notApplicable : nil)
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
