import Foundation
import GitKit
import Documents
import Dossier
import Policy
import Provenance

/// `policy report`: the release dossier. One check of one loaded state; the model of each
/// promotion request and of the repository overview is built from that check, the documents
/// it evaluated and the history of the checked commit — no second reading of the documents,
/// no second evaluation of a rule.
public struct ReportUseCase: WorkspaceUseCase {
    public let workspace: Workspace

    public init(_ workspace: Workspace) {
        self.workspace = workspace
    }

    /// What `policy report` writes: the overview and one page per request.
    public struct Dossiers: Sendable {
        public var run: CheckRun
        public var overview: Overview
        /// One per promotion request, in name order.
        public var requests: [SubjectDossier]
        /// The commit whose files were checked (full id), nil for the working tree and the index.
        public var commit: String?
        /// The commit the policies came from.
        public var policyCommit: String?
        public var policyDirectories: [String]
    }

    /// - Parameter subjects: request names (or files) to write pages for; empty: every gated
    ///   request. A name that is no promotion request of the check is an error.
    public func run(mode: CheckOptions.Mode, subjects: [String] = [], regate: Bool = false) throws -> Dossiers {
        let options = CheckOptions(mode: mode, regate: regate)
        let evaluation = try CheckUseCase(workspace).evaluate(options)
        let run = evaluation.run
        let requests = run.report.subjects.filter { $0.subject.kind == .promotionRequest }
        var chosen: [SubjectResult]
        if subjects.isEmpty {
            chosen = requests.filter { !$0.isDecided }
        } else {
            chosen = []
            for subject in subjects {
                let matches = requests.filter { $0.subject.name == subject || $0.subject.file == subject || $0.subject.description == subject }
                guard let match = matches.first else {
                    throw WorkspaceError.unknownSubject(subject, candidates: requests.compactMap(\.subject.name),
                                                        subjects: requests.map(\.subject.description))
                }
                if !chosen.contains(match) { chosen.append(match) }
            }
        }
        chosen.sort { ($0.subject.name ?? "", $0.subject.file) < ($1.subject.name ?? "", $1.subject.file) }
        let audit = chosen.isEmpty ? [] : try history(of: evaluation)
        let pages = chosen.map { dossier(of: $0, in: evaluation, audit: audit) }
        let overview = try overview(of: evaluation, pages: Set(pages.compactMap(\.subject.name)))
        return Dossiers(run: run, overview: overview, requests: pages,
                        commit: evaluation.states.isCommit ? evaluation.states.historyHead?.hex : nil,
                        policyCommit: policyCommit(evaluation), policyDirectories: evaluation.config.policyDirectories)
    }

    func policyCommit(_ evaluation: CheckUseCase.Evaluation) -> String? {
        if let base = evaluation.states.targetBranch { return base.hex }
        return evaluation.states.isCommit ? evaluation.states.historyHead?.hex : nil
    }

    /// The audit timeline of the checked commit's history (of HEAD for the working tree and
    /// the index): nothing when there is no commit yet.
    func history(of evaluation: CheckUseCase.Evaluation) throws -> [AuditEvent] {
        guard let head = evaluation.states.historyHead else { return [] }
        return try AuditUseCase(workspace).run(AuditFilter(), head: head, warn: Workspace.warnOnStandardError)
    }

    // MARK: One subject

    /// The model of one subject of a check: what `policy report` renders as a page and
    /// `policy explain` as text, JSON or Markdown.
    func dossier(of result: SubjectResult, in evaluation: CheckUseCase.Evaluation, audit: [AuditEvent]) -> SubjectDossier {
        let run = evaluation.run
        let builder = DossierBuilder(evaluated: run.evaluated, policySource: run.policySource, policies: evaluation.policies)
        let document = result.subject.name.flatMap { name in
            result.subject.kind.flatMap { kind in
                evaluation.set.documents(of: kind).first { $0.name == name && $0.file == result.subject.file }
            }
        }
        let approvals = result.subject.kind == .promotionRequest ? run.approvals[result.subject.name ?? ""] ?? [] : []
        var inputs: DossierBuilder.RequestInputs?
        if let document, document.kind == .promotionRequest {
            let context = Bindings.context(for: document, in: evaluation.set, repository: evaluation.facts)
            let snapshot = evaluation.states.evaluated
            let (bundle, missing) = DocumentGraph.bundle(of: document, in: evaluation.set)
            let digest = missing.isEmpty
                ? RequestDossier.Bundle(digest: BundleDigest(documents: bundle).value, files: bundle.map(\.file)) : nil
            var championMerge: String?
            if document.text("baseline") == nil, let model = document.text("model"),
               let champion = Bindings.championPromotion(of: document, model: model, repository: evaluation.facts) {
                championMerge = "\(champion.request.name), merged in \(String(champion.commit.prefix(7))) on \(champion.date)"
            }
            inputs = DossierBuilder.RequestInputs(
                context: context, audit: audit,
                runbookText: { path in (try? snapshot.read(path)).map { String(decoding: $0, as: UTF8.self) } },
                bundle: digest, championMerge: championMerge)
        }
        return builder.subject(result, approvals: approvals, request: document, inputs: inputs)
    }

    // MARK: Overview

    func overview(of evaluation: CheckUseCase.Evaluation, pages: Set<String>) throws -> Overview {
        let run = evaluation.run
        let set = evaluation.set
        var modelNames: Set<String> = []
        for kind in [DocumentKind.promotionRequest, .runManifest, .modelCard] {
            for document in set.documents(of: kind) {
                if let model = document.text("model") { modelNames.insert(model) }
            }
        }
        let stages = evaluation.config.stages
        // A request on the branch that is still open and that this check blocks has not put its
        // version in the stage: the stage holds what the latest other merged promotion put there.
        let blocked = Set(run.report.subjects.filter { result in
            result.subject.kind == .promotionRequest && !result.isDecided && result.verdict == .block
        }.compactMap(\.subject.name))
        let models = modelNames.sorted().map { model -> Overview.Model in
            let merged = evaluation.facts.mergedPromotions(of: model).filter { !blocked.contains($0.request.name) }
            return Overview.Model(name: model, stages: stages.map { stage in
                guard let promotion = merged.first(where: { $0.to == stage }) else {
                    return Overview.Stage(stage: stage, version: nil, run: nil, request: nil, commit: nil, date: nil)
                }
                return Overview.Stage(stage: stage, version: DossierBuilder.scalarText(promotion.request.spec["version"]),
                                      run: promotion.request.text("run"), request: promotion.request.name,
                                      commit: String(promotion.commit.prefix(7)), date: promotion.date)
            })
        }
        if let error = evaluation.facts.walkError {
            throw WorkspaceError.git(GitError.wrapping(error), context: "the history of \(evaluation.states.evaluated.label) cannot be read")
        }
        var rows: [Overview.RequestRow] = []
        var pending: [Overview.PendingApproval] = []
        for result in run.report.subjects where result.subject.kind == .promotionRequest {
            guard let name = result.subject.name else { continue }
            let document = set.documents(of: .promotionRequest).first { $0.name == name && $0.file == result.subject.file }
            let status = document?.text("status") ?? "open"
            rows.append(Overview.RequestRow(
                name: name, file: result.subject.file, model: document?.text("model"),
                version: DossierBuilder.scalarText(document?.spec["version"]), from: document?.text("from"), to: document?.text("to"),
                status: status, verdict: result.verdict,
                firstReason: result.findings.first { $0.isActive && $0.severity == .block }?.message,
                hasPage: pages.contains(name)))
            guard !result.isDecided else { continue }
            for rule in result.rules where rule.check == ApprovalsCheck.keyword && rule.outcome != .pass {
                for finding in rule.findings where finding.isActive {
                    pending.append(Overview.PendingApproval(request: name, rule: rule.ruleID, message: finding.message))
                }
            }
        }
        rows.sort { ($0.name, $0.file) < ($1.name, $1.file) }
        let incidents = set.documents(of: .incident)
            .filter { !["resolved", "closed"].contains($0.text("status") ?? "open") }
            .map { incident in
                IncidentEntry(name: incident.name, file: incident.file, severity: incident.text("severity"),
                              status: incident.text("status"), opened: DossierBuilder.scalarText(incident.spec["opened"]),
                              resolved: nil, summary: incident.text("summary"),
                              versions: (incident.spec["versions"]?.list ?? []).compactMap { DossierBuilder.scalarText($0) },
                              timeline: [])
            }
            .sorted { ($0.opened ?? "", $0.name) > ($1.opened ?? "", $1.name) }
        return Overview(evaluated: run.evaluated, policySource: run.policySource, verdict: run.report.verdict, models: models,
                        requests: rows, openIncidents: incidents, pendingApprovals: pending,
                        gateChanges: try gateChanges(evaluation))
    }

    /// The newest commits of the first-parent history that changed the policies, the Team or
    /// the Config (at most `gateChangeLimit`, looking back at most `gateChangeDepth` commits).
    func gateChanges(_ evaluation: CheckUseCase.Evaluation) throws -> [Overview.GateChange] {
        guard let head = evaluation.states.targetBranch ?? evaluation.states.historyHead else { return [] }
        let config = evaluation.config
        let team = (try? workspace.loadTrusted(from: evaluation.states.trusted, config: config).team) ?? Team(members: [])
        let provenance = CommitProvenance(repository: repository, team: team)
        var changes: [Overview.GateChange] = []
        var current: ObjectID? = head
        var depth = 0
        while let commit = current, depth < Self.gateChangeDepth, changes.count < Self.gateChangeLimit {
            depth += 1
            // The overview looks back as far as the history goes (a shallow clone ends early).
            guard let info = try? repository.commit(commit),
                  let changed = try? repository.changedPaths(from: info.parents.first, to: commit) else { break }
            let paths = changed.filter { config.isPolicyPath($0) || $0 == config.file }
            if !paths.isEmpty {
                let facts = try? provenance.facts(commit, keep: false)
                changes.append(Overview.GateChange(
                    commit: commit.hex, shortCommit: commit.short, date: Workspace.rfc3339(info.committer.time),
                    author: info.author.name, signer: facts?.signer?.id, summary: info.summary, files: paths.sorted()))
            }
            current = info.parents.first
        }
        return changes
    }

    static let gateChangeLimit = 20
    static let gateChangeDepth = 2000
}

extension DossierBuilder {
    /// A scalar as written, for the use cases.
    static func scalarText(_ value: YAMLValue?) -> String? {
        guard let value, value.isScalar, !value.isNull else { return nil }
        return value.string ?? value.text ?? ValueFormatting.value(value)
    }
}
