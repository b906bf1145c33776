import Foundation
import Documents
import Policy
import Provenance

/// Builds the model of a subject from what one check computed: its `SubjectResult`, the
/// evaluation context its rules read (the same bindings, `Bindings.context`), the policies
/// that judged it and what the history says. A pure function: it reads no file and evaluates
/// no rule; the figures it shows are the ones the rules computed or their public formulas.
public struct DossierBuilder: Sendable {
    /// What the check evaluated ("commit 3f2a9c1") and where its policies came from.
    public var evaluated: String
    public var policySource: String
    /// Every policy of the check, for the rules' bounds.
    public var policies: [Policy]

    public init(evaluated: String, policySource: String, policies: [Policy]) {
        self.evaluated = evaluated
        self.policySource = policySource
        self.policies = policies
        var rules: [String: Rule] = [:]
        for policy in policies {
            for rule in policy.rules { rules["\(policy.name)/\(rule.id)"] = rule }
        }
        self.rules = rules
    }

    private let rules: [String: Rule]

    /// What the history and the checked revision add to a request's model.
    public struct RequestInputs: Sendable {
        /// The context the request's rules were evaluated in (run, card, baseline, teacher).
        public var context: EvaluationContext?
        /// Every audit event of the history (the builder keeps the request's and its incidents').
        public var audit: [AuditEvent]
        /// The text of each runbook path, read from the checked revision.
        public var runbookText: @Sendable (String) -> String?
        /// The bundle's digest and files; nil when it cannot be computed.
        public var bundle: RequestDossier.Bundle?
        /// The merge that made the champion, when the baseline comes from history.
        public var championMerge: String?

        public init(context: EvaluationContext?, audit: [AuditEvent], runbookText: @escaping @Sendable (String) -> String?,
                    bundle: RequestDossier.Bundle?, championMerge: String? = nil) {
            self.context = context
            self.audit = audit
            self.runbookText = runbookText
            self.bundle = bundle
            self.championMerge = championMerge
        }
    }

    // MARK: Subject

    public func subject(_ result: SubjectResult, approvals: [AttributedApproval], request document: Document?,
                        inputs: RequestInputs?) -> SubjectDossier {
        let findings = result.findings
        let blocking = findings.filter { $0.isActive && $0.severity == .block }.map(reason)
        let warnings = findings.filter { $0.isActive && $0.severity == .warn }.map(reason)
        let gate = result.rules.map(gateRule)
        var dossier = SubjectDossier(result: result, evaluated: evaluated, policySource: policySource,
                                     blocking: blocking, warnings: warnings, rules: gate,
                                     approvals: approvals.sorted { $0.document.file < $1.document.file }, request: nil)
        if let document, document.kind == .promotionRequest, let inputs {
            dossier.request = request(document, result: result, inputs: inputs)
        }
        return dossier
    }

    func reason(_ finding: Finding) -> SubjectDossier.Reason {
        SubjectDossier.Reason(ruleID: finding.ruleID, message: finding.message, location: finding.location, waivedBy: finding.waivedBy)
    }

    func gateRule(_ evaluation: RuleEvaluation) -> GateRule {
        let rule = rules[evaluation.ruleID]
        let outcome: GateRule.Outcome
        if evaluation.notApplicable != nil {
            outcome = .notApplicable
        } else if evaluation.outcome == .pass, !evaluation.findings.isEmpty, evaluation.findings.allSatisfy({ !$0.isActive }) {
            outcome = .waived
        } else {
            outcome = GateRule.Outcome(rawValue: evaluation.outcome.rawValue) ?? .block
        }
        let (bound, unit) = Self.bound(of: rule?.check, check: evaluation.check)
        let observed = evaluation.evidence.map { evidence in
            GateRule.Observation(path: evidence.path,
                                 text: evidence.value.map { observedText($0, path: evidence.path, check: evaluation.check, unit: unit) },
                                 location: evidence.location)
        }
        return GateRule(ruleID: evaluation.ruleID, description: evaluation.description, check: evaluation.check,
                        outcome: outcome, observed: observed, bound: bound, unit: unit,
                        notApplicable: evaluation.notApplicable, findings: evaluation.findings.map(reason),
                        runbook: evaluation.runbook, location: evaluation.ruleLocation)
    }

    /// An observed value in the rule's unit. A burn-rate rule reads the error rate (a percent)
    /// and records the burn rate it computed (a multiple of the budget).
    func observedText(_ value: YAMLValue, path: String, check: String?, unit: String?) -> String {
        guard value.isScalar else { return ValueFormatting.value(value) }
        if check == BurnRateCheck.keyword {
            let last = YAMLValue.pathComponents(path).last ?? path
            return Quantity.text(value, unit: path.contains("/") ? "×" : Quantity.unit(forPath: last, check: nil))
        }
        return Quantity.text(value, unit: Quantity.unit(forPath: path, check: check, declared: unit))
    }

    /// The bound of a check as people read it, and the unit of its values.
    static func bound(of check: (any Check)?, check keyword: String?) -> (String?, String?) {
        switch check {
        case let threshold as ThresholdCheck:
            let unit = Quantity.unit(forPath: threshold.value, check: keyword, declared: threshold.unit)
            var parts: [String] = []
            if let min = threshold.min { parts.append("≥ \(Quantity.text(min.bound, unit: unit))") }
            if let max = threshold.max { parts.append("≤ \(Quantity.text(max.bound, unit: unit))") }
            if let equals = threshold.equals { parts.append("= \(ValueFormatting.value(equals))") }
            if let oneOf = threshold.oneOf { parts.append("one of \(oneOf.map(ValueFormatting.value).joined(separator: ", "))") }
            return (parts.joined(separator: ", "), unit)
        case let burn as BurnRateCheck:
            return ("≤ \(Quantity.text(burn.max.bound, unit: "×")) of the budget of a \(Quantity.text(burn.objective.value, unit: "%")) objective", "×")
        case let slices as SlicesCheck:
            var parts: [String] = []
            if let gap = slices.maxGap { parts.append("gap ≤ \(Quantity.figure(gap.value))") }
            if let ratio = slices.minRatio { parts.append("ratio ≥ \(Quantity.figure(ratio.value))") }
            if let support = slices.minSupport { parts.append("support ≥ \(support.value)") }
            if !slices.requireFeatures.isEmpty { parts.append("features \(slices.requireFeatures.map(\.value).joined(separator: ", "))") }
            if let from = slices.requireFeaturesFrom { parts.append("features of \(from.value)") }
            return ("\(slices.metric) against the \(slices.against == .best ? "best slice" : "overall metric"): \(parts.joined(separator: ", "))", nil)
        case let drift as DriftCheck:
            var parts: [String] = []
            if let psi = drift.maxPSI { parts.append("PSI ≤ \(Quantity.figure(psi.bound))") }
            if let ks = drift.maxKS { parts.append("KS ≤ \(Quantity.figure(ks.bound))") }
            return (parts.joined(separator: ", "), nil)
        case let regression as RegressionCheck:
            let change = regression.isIncrease ? "rises" : "drops"
            return ("\(regression.metric) \(change) at most \(Quantity.figure(regression.maxDrop))\(regression.relative ? " (relative)" : "") from the champion", nil)
        case let distillation as DistillationCheck:
            return ("\(distillation.metric) at most \(Quantity.figure(distillation.maxGap)) below the teacher", nil)
        case let approvals as ApprovalsCheck:
            var parts = ["\(approvals.min) approval\(approvals.min == 1 ? "" : "s")"]
            for required in approvals.requireRoles { parts.append("\(required.min) \(required.role)") }
            if approvals.signed { parts.append("signed") }
            return (parts.joined(separator: ", "), nil)
        case let require as RequireCheck:
            var parts = require.fields
            if require.minItems > 0 { parts.append("at least \(require.minItems) item\(require.minItems == 1 ? "" : "s")") }
            return ("present: \(parts.joined(separator: ", "))", nil)
        case let incidents as IncidentsCheck:
            return ("no incident \(incidents.statuses.joined(separator: "/"))\(incidents.blockSeverities.isEmpty ? "" : " of \(incidents.blockSeverities.joined(separator: ", "))")", nil)
        default:
            return (nil, nil)
        }
    }

    // MARK: Request

    func request(_ document: Document, result: SubjectResult, inputs: RequestInputs) -> RequestDossier {
        let context = inputs.context
        let run = Self.document(context?.bindings["run"]?.value, in: context)
        let card = Self.document(context?.bindings["card"]?.value, in: context)
        let baseline = Self.document(context?.bindings["baseline"]?.value, in: context)
        let teacher = Self.document(context?.bindings["teacher"]?.value, in: context)
        let lineage = lineage(run: run, card: card, baseline: baseline, teacher: teacher, result: result,
                              championMerge: inputs.championMerge)
        let incidents = incidents(of: document, in: context, audit: inputs.audit)
        let audit = Self.timeline(of: document.name, in: inputs.audit)
        var runbooks: [RequestDossier.Runbook] = []
        for rule in result.rules where rule.outcome != .pass {
            guard let path = rule.runbook else { continue }
            if let index = runbooks.firstIndex(where: { $0.path == path }) {
                runbooks[index].rules.append(rule.ruleID)
            } else {
                runbooks.append(RequestDossier.Runbook(path: path, rules: [rule.ruleID], text: inputs.runbookText(path)))
            }
        }
        return RequestDossier(
            name: document.name, model: document.text("model"), version: Self.scalar(document.spec["version"]),
            from: document.text("from"), to: document.text("to"), requestedBy: document.text("requestedBy"),
            justification: document.text("justification"), status: document.text("status") ?? "open",
            lineage: lineage, incidents: incidents, audit: audit,
            responsibleAI: responsibleAI(result: result, run: run, card: card, context: context),
            runbooks: runbooks, bundle: inputs.bundle, approveCommands: approveCommands(document.name, result: result))
    }

    /// The commands that approve: one per role the request's approvals rules name, else one
    /// with the role left to the approver.
    func approveCommands(_ name: String, result: SubjectResult) -> [String] {
        var roles: [String] = []
        for evaluation in result.rules {
            guard let approvals = rules[evaluation.ruleID]?.check as? ApprovalsCheck else { continue }
            for role in approvals.requireRoles.map(\.role) + (approvals.roles ?? []) where !roles.contains(role) {
                roles.append(role)
            }
        }
        let quoted = Self.shellQuoted(name)
        if roles.isEmpty { return ["policy approve \(quoted) -m \"…\""] }
        return roles.map { "policy approve \(quoted) -m \"…\" --role \(Self.shellQuoted($0))" }
    }

    /// A word as a POSIX shell reads it: as is when it is plain, else in single quotes.
    static func shellQuoted(_ word: String) -> String {
        let plain = word.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_.:/@+".unicodeScalars.contains($0) }
        if plain, !word.isEmpty, word.unicodeScalars.allSatisfy(\.isASCII) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The request's events, and the verdicts recorded after it was created.
    static func timeline(of request: String, in audit: [AuditEvent]) -> [AuditEvent] {
        guard let first = audit.firstIndex(where: { $0.request == request }) else { return [] }
        return audit[first...].filter { $0.request == request || ($0.kind == .verdictRecorded) }
    }

    /// The document a binding holds, found again in the evaluated set by its root.
    static func document(_ value: YAMLValue?, in context: EvaluationContext?) -> Document? {
        guard let value, let context, value.map != nil else { return nil }
        let kind = value["kind"]?.string.flatMap(DocumentKind.init(rawValue:))
        let name = value["metadata"]?["name"]?.string
        guard let kind, let name else { return nil }
        // The canonical document of that name, unless the binding holds another definition of it.
        if let named = context.documents.document(kind, named: name), named.root == value { return named }
        return context.documents.documents(of: kind).first { $0.name == name && $0.root == value }
            ?? context.documents.document(kind, named: name)
    }

    /// A scalar as written (`2.1.0`, `8812`, `true`).
    static func scalar(_ value: YAMLValue?) -> String? {
        guard let value, value.isScalar, !value.isNull else { return nil }
        return value.string ?? value.text ?? ValueFormatting.value(value)
    }

    // MARK: Lineage

    func lineage(run: Document?, card: Document?, baseline: Document?, teacher: Document?, result: SubjectResult,
                 championMerge: String?) -> Lineage {
        var lineage = Lineage()
        lineage.run = run.map { Lineage.DocumentRef(name: $0.name, file: $0.file) }
        lineage.card = card.map { Lineage.DocumentRef(name: $0.name, file: $0.file) }
        if let run {
            let spec = run.spec
            if let dataset = spec["dataset"] {
                lineage.dataset = Lineage.Dataset(name: Self.scalar(dataset["name"]), version: Self.scalar(dataset["version"]),
                                                  sha256: Self.scalar(dataset["sha256"]))
            }
            lineage.seed = Self.scalar(spec.value(at: "config.seed"))
            lineage.hyperparameters = Self.pairs(spec.value(at: "config.hyperparameters"))
            lineage.codeCommit = Self.scalar(spec.value(at: "code.commit"))
            lineage.codeRepository = Self.scalar(spec.value(at: "code.repository"))
            lineage.image = Self.scalar(spec.value(at: "environment.image"))
            let lineageFindings = result.rules.filter { rules[$0.ruleID]?.check is LineageCheck }
            let checked = !lineageFindings.isEmpty
            let findings = lineageFindings.flatMap(\.findings)
            for item in spec["artifacts"]?.list ?? [] {
                let lines = Self.lineRange(of: item)
                // A finding at the artifact, or located elsewhere (a DVC pointer that cannot be
                // used) with a note at the artifact.
                let problem = findings.first { finding in
                    ([finding.location] + finding.notes.map(\.location)).contains { $0.file == run.file && lines.contains($0.line) }
                }
                lineage.artifacts.append(Lineage.Artifact(
                    path: Self.scalar(item["path"]), sha256: Self.scalar(item["sha256"]), sizeBytes: Self.scalar(item["sizeBytes"]),
                    verification: !checked ? .notChecked : (problem == nil ? .verified : .failed), problem: problem?.message))
            }
            let teacherSpec = spec["teacher"]
            if teacherSpec != nil || teacher != nil {
                let teacherRun = teacher?.kind == .runManifest ? teacher : nil
                lineage.teacher = Lineage.Teacher(
                    model: Self.scalar(teacherSpec?["model"]) ?? teacher?.text("model"),
                    version: Self.scalar(teacherSpec?["version"]) ?? Self.scalar(teacher?.spec["version"]),
                    run: teacherRun.map { Lineage.DocumentRef(name: $0.name, file: $0.file) },
                    metrics: Self.pairs(teacherRun?.spec["metrics"]))
                lineage.teacherDeltas = Self.deltas(spec["metrics"], teacherRun?.spec["metrics"])
            }
            if let baseline, baseline.kind == .runManifest {
                lineage.champion = Lineage.DocumentRef(name: baseline.name, file: baseline.file, via: championMerge)
                lineage.championDeltas = Self.deltas(spec["metrics"], baseline.spec["metrics"])
            }
        }
        if lineage.champion == nil {
            lineage.championNote = result.rules.first { rules[$0.ruleID]?.check is RegressionCheck }?.notApplicable
        }
        return lineage
    }

    /// The lines a YAML node spans (its first line to the last line of anything in it).
    static func lineRange(of value: YAMLValue) -> ClosedRange<Int> {
        var last = value.location.line
        func visit(_ node: YAMLValue) {
            last = max(last, node.location.line)
            if let map = node.map { for entry in map.entries { last = max(last, entry.keyLocation.line); visit(entry.value) } }
            if let list = node.list { list.forEach(visit) }
        }
        visit(value)
        return value.location.line...last
    }

    static func pairs(_ value: YAMLValue?) -> [Lineage.Pair] {
        guard let map = value?.map else { return [] }
        return map.entries.sorted { $0.key < $1.key }.map { entry in
            Lineage.Pair(entry.key, scalar(entry.value) ?? ValueFormatting.value(entry.value))
        }
    }

    static func deltas(_ candidate: YAMLValue?, _ reference: YAMLValue?) -> [Lineage.MetricDelta] {
        guard let candidate = candidate?.map, let reference = reference?.map else { return [] }
        return candidate.entries.sorted { $0.key < $1.key }.compactMap { entry in
            guard let value = entry.value.number, let other = reference[entry.key]?.number else { return nil }
            return Lineage.MetricDelta(metric: entry.key, candidate: value, reference: other)
        }
    }

    // MARK: Incidents

    /// The incidents of the request's model that concern its version (the `incidents`
    /// binding, the documents the incidents rules read), with their history.
    func incidents(of request: Document, in context: EvaluationContext?, audit: [AuditEvent]) -> [IncidentEntry] {
        let version = Self.scalar(request.spec["version"])
        let model = request.text("model")
        var documents: [Document] = []
        if let model, let context {
            documents = context.documents.documents(of: .incident, where: "model", is: model)
        }
        return documents.compactMap { incident -> IncidentEntry? in
            let versions = (incident.spec["versions"]?.list ?? []).compactMap { Self.scalar($0) }
            if let version, !versions.isEmpty, !versions.contains(version) { return nil }
            return IncidentEntry(
                name: incident.name, file: incident.file, severity: Self.scalar(incident.spec["severity"]),
                status: Self.scalar(incident.spec["status"]), opened: Self.scalar(incident.spec["opened"]),
                resolved: Self.scalar(incident.spec["resolved"]), summary: incident.text("summary"), versions: versions,
                timeline: audit.filter { $0.file == incident.file && [.incidentOpened, .incidentChanged, .incidentResolved].contains($0.kind) })
        }
        .sorted { ($0.opened ?? "", $0.name) > ($1.opened ?? "", $1.name) }
    }

    // MARK: Responsible AI

    func responsibleAI(result: SubjectResult, run: Document?, card: Document?, context: EvaluationContext?) -> ResponsibleAI {
        var rai = ResponsibleAI()
        if let card {
            let spec = card.spec
            rai.description = card.text("description")
            rai.primaryUses = Self.texts(spec.value(at: "intendedUse.primaryUses"))
            rai.primaryUsers = Self.texts(spec.value(at: "intendedUse.primaryUsers"))
            rai.outOfScope = Self.texts(spec.value(at: "intendedUse.outOfScope"))
            rai.limitations = Self.texts(spec["limitations"])
            rai.ethicalConsiderations = (spec["ethicalConsiderations"]?.list ?? []).compactMap { item in
                if let text = Self.scalar(item) { return ResponsibleAI.Consideration(name: text, mitigation: nil) }
                guard let name = Self.scalar(item["name"]) ?? Self.scalar(item["risk"]) else { return nil }
                return ResponsibleAI.Consideration(name: name, mitigation: Self.scalar(item["mitigation"]) ?? Self.scalar(item["mitigations"]))
            }
            if let declared = spec.value(at: "fairness.sensitiveFeatures")?.list {
                rai.sensitiveFeatures = declared.compactMap { Self.scalar($0) }
            }
        }
        if let context { rai.sliceTables = sliceTables(result: result, run: run, context: context) }
        // Drift: the figures the drift rules recorded as evidence (PSI and KS per feature).
        var seen: Set<String> = []
        for evaluation in result.rules {
            guard let drift = rules[evaluation.ruleID]?.check as? DriftCheck else { continue }
            let (bound, _) = Self.bound(of: drift, check: evaluation.check)
            if let bound, !bound.isEmpty, !rai.driftBounds.contains(bound) { rai.driftBounds.append(bound) }
            for evidence in evaluation.evidence {
                guard let value = evidence.value, let name = Self.scalar(value["name"]), !seen.contains(name) else { continue }
                seen.insert(name)
                let psi = value["psi"]?.number, ks = value["ks"]?.number
                let within = (psi.map { p in drift.maxPSI.map { !Bounds.exceeds(p, max: $0.bound) } ?? true } ?? false)
                    && (ks.map { k in drift.maxKS.map { !Bounds.exceeds(k, max: $0.bound) } ?? true } ?? false)
                rai.drift.append(ResponsibleAI.DriftFeature(
                    name: name, bins: (value["bins"]?.list ?? []).map { Self.scalar($0) ?? "?" },
                    baseline: (value["baseline"]?.list ?? []).compactMap(\.number),
                    current: (value["current"]?.list ?? []).compactMap(\.number),
                    psi: psi, ks: ks, withinBounds: within))
            }
        }
        return rai
    }

    static func texts(_ value: YAMLValue?) -> [String] {
        guard let value else { return [] }
        if let list = value.list { return list.compactMap { scalar($0) } }
        return scalar(value).map { [$0] } ?? []
    }

    /// One table per metric and reference the `slices` rules compare, with the figures
    /// `SlicesCheck.figures(in:)` computes for the rule (the rule's own comparison).
    func sliceTables(result: SubjectResult, run: Document?, context: EvaluationContext) -> [ResponsibleAI.SliceTable] {
        var tables: [ResponsibleAI.SliceTable] = []
        var checks: [(id: String, check: SlicesCheck)] = []
        for evaluation in result.rules {
            if let check = rules[evaluation.ruleID]?.check as? SlicesCheck { checks.append((evaluation.ruleID, check)) }
        }
        var support: [String: Int] = [:]
        for item in run?.spec["slices"]?.list ?? [] {
            if let name = Self.scalar(item["name"]), case .int(let count)? = item["support"]?.kind { support[name] = count }
        }
        for (id, check) in checks {
            let against = check.against.rawValue
            var index = tables.firstIndex { $0.metric == check.metric && $0.against == against }
            if index == nil {
                let rows = check.figures(in: context).flatMap { feature in
                    feature.slices.map { figure in
                        ResponsibleAI.SliceRow(feature: feature.feature, slice: figure.slice.name, group: figure.slice.group,
                                               value: figure.slice.value, reference: feature.reference, gap: figure.gap,
                                               ratio: figure.ratio, support: support[figure.slice.name], withinBounds: true)
                    }
                }
                tables.append(ResponsibleAI.SliceTable(metric: check.metric, against: against, bounds: [], maxGap: nil,
                                                       minRatio: nil, minSupport: nil, rows: rows))
                index = tables.count - 1
            }
            guard let index else { continue }
            if let gap = check.maxGap {
                tables[index].maxGap = min(tables[index].maxGap ?? .infinity, gap.value)
                tables[index].bounds.append("gap ≤ \(Quantity.figure(gap.value)) (\(id))")
            }
            if let ratio = check.minRatio {
                tables[index].minRatio = max(tables[index].minRatio ?? 0, ratio.value)
                tables[index].bounds.append("ratio ≥ \(Quantity.figure(ratio.value)) (\(id))")
            }
            if let minimum = check.minSupport {
                tables[index].minSupport = max(tables[index].minSupport ?? 0, minimum.value)
                tables[index].bounds.append("support ≥ \(minimum.value) (\(id))")
            }
        }
        for t in tables.indices {
            let table = tables[t]
            for r in table.rows.indices {
                let row = table.rows[r]
                var within = true
                if let gap = table.maxGap, Bounds.exceeds(row.gap, max: gap) { within = false }
                if let ratio = table.minRatio, (row.ratio.map { Bounds.isBelow($0, min: ratio) } ?? true) { within = false }
                if let minimum = table.minSupport, (row.support ?? 0) < minimum { within = false }
                tables[t].rows[r].withinBounds = within
            }
        }
        return tables
    }
}
