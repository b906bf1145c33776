import Documents
import Dossier
import Policy
import Provenance

/// `policy explain --format json|markdown`: the subject's model (`SubjectDossier`, the one
/// `policy report` renders as a page) as JSON or Markdown. Pure functions.
extension ExplainReporter {
    /// The version of the JSON layout of `policy explain --format json` (docs/json-output.md).
    public static let schemaVersion = "tollgate.dev/explain/v1"

    /// The text format, from the model (the same lines as before the model existed).
    public static func text(_ dossier: SubjectDossier, metadata: ReportMetadata) -> String {
        text(dossier.result, approvals: dossier.approvals, metadata: metadata)
    }

    // MARK: JSON

    public static func json(_ dossier: SubjectDossier, metadata: ReportMetadata) -> String {
        (try? PrettyJSONEncoder.encode(jsonValue(dossier, metadata: metadata))) ?? "{}"
    }

    static func jsonValue(_ dossier: SubjectDossier, metadata: ReportMetadata) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("schemaVersion", .string(schemaVersion)),
            ("tool", .object([("name", .string("tollgate")), ("version", .string(metadata.toolVersion))])),
            ("evaluated", .string(dossier.evaluated)),
            ("policySource", .string(dossier.policySource)),
            ("subject", .object([("kind", dossier.subject.kind.map { .string($0.rawValue) } ?? .null),
                                 ("name", dossier.subject.name.map(JSONValue.string) ?? .null),
                                 ("file", .string(dossier.subject.file))])),
            ("verdict", .string(dossier.verdict.rawValue)),
            ("blocking", .array(dossier.blocking.map(reason))),
            ("warnings", .array(dossier.warnings.map(reason))),
            ("rules", .array(dossier.rules.map(rule))),
            ("approvals", .array(dossier.approvals.map(approval))),
        ]
        if let lifecycle = dossier.result.lifecycle { fields.append(("lifecycle", .string(lifecycle.note))) }
        if let request = dossier.request { fields.append(("request", requestValue(request))) }
        return .object(fields)
    }

    static func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }

    static func location(_ location: SourceLocation?) -> JSONValue {
        guard let location else { return .null }
        return .object([("file", .string(location.file)), ("line", .int(location.line)), ("column", .int(location.column))])
    }

    static func reason(_ reason: SubjectDossier.Reason) -> JSONValue {
        .object([("rule", .string(reason.ruleID)), ("message", .string(reason.message)), ("location", location(reason.location)),
                 ("waivedBy", optional(reason.waivedBy))])
    }

    static func rule(_ rule: GateRule) -> JSONValue {
        .object([
            ("id", .string(rule.ruleID)), ("description", optional(rule.description)), ("check", optional(rule.check)),
            ("outcome", .string(rule.outcome.rawValue)),
            ("observed", .array(rule.observed.map { observation in
                .object([("path", .string(observation.path)), ("value", optional(observation.text)),
                         ("location", location(observation.location))])
            })),
            ("bound", optional(rule.bound)), ("unit", optional(rule.unit)), ("notApplicable", optional(rule.notApplicable)),
            ("findings", .array(rule.findings.map(reason))), ("runbook", optional(rule.runbook)), ("location", location(rule.location)),
        ])
    }

    static func approval(_ approval: AttributedApproval) -> JSONValue {
        let signer: JSONValue
        switch approval.signature {
        case .verified(let fingerprint): signer = .object([("verified", .bool(true)), ("key", .string(fingerprint))])
        case .unsigned: signer = .object([("verified", .bool(false)), ("problem", .string("unsigned"))])
        case .notTheApprover(let why): signer = .object([("verified", .bool(false)), ("problem", .string(why))])
        }
        return .object([
            ("approver", .string(approval.approver)), ("role", .string(approval.role)), ("decision", .string(approval.decision.rawValue)),
            ("file", .string(approval.document.file)), ("commit", optional(approval.commit?.id)), ("signature", signer),
            ("fresh", .bool(approval.staleness == nil)), ("stale", optional(approval.staleness)),
            ("reviewedDigest", optional(approval.reviewedDigest)), ("currentDigest", optional(approval.currentDigest)),
        ])
    }

    static func event(_ event: AuditEvent) -> JSONValue {
        .object([("kind", .string(event.kind.rawValue)), ("commit", .string(event.commit)), ("date", .string(event.date)),
                 ("author", .string(event.author)), ("signer", optional(event.signer)), ("signingKey", optional(event.signingKey)),
                 ("file", optional(event.file)), ("summary", .string(event.summary))])
    }

    static func number(_ value: Double?) -> JSONValue {
        guard let value, value.isFinite else { return .null }
        return .double(value)
    }

    static func requestValue(_ request: RequestDossier) -> JSONValue {
        let lineage = request.lineage
        func ref(_ ref: Lineage.DocumentRef?) -> JSONValue {
            guard let ref else { return .null }
            return .object([("name", .string(ref.name)), ("file", .string(ref.file)), ("via", optional(ref.via))])
        }
        func pairs(_ pairs: [Lineage.Pair]) -> JSONValue { .object(pairs.map { ($0.key, .string($0.value)) }) }
        func deltas(_ deltas: [Lineage.MetricDelta]) -> JSONValue {
            .array(deltas.map { .object([("metric", .string($0.metric)), ("candidate", number($0.candidate)),
                                         ("reference", number($0.reference)), ("delta", number($0.delta))]) })
        }
        let lineageValue: JSONValue = .object([
            ("dataset", lineage.dataset.map { .object([("name", optional($0.name)), ("version", optional($0.version)), ("sha256", optional($0.sha256))]) } ?? .null),
            ("teacher", lineage.teacher.map { .object([("model", optional($0.model)), ("version", optional($0.version)), ("run", ref($0.run)), ("metrics", pairs($0.metrics))]) } ?? .null),
            ("seed", optional(lineage.seed)), ("hyperparameters", pairs(lineage.hyperparameters)),
            ("codeCommit", optional(lineage.codeCommit)), ("codeRepository", optional(lineage.codeRepository)), ("image", optional(lineage.image)),
            ("artifacts", .array(lineage.artifacts.map { .object([("path", optional($0.path)), ("sha256", optional($0.sha256)),
                                                                  ("sizeBytes", optional($0.sizeBytes)), ("checksum", .string($0.verification.rawValue)),
                                                                  ("problem", optional($0.problem))]) })),
            ("run", ref(lineage.run)), ("card", ref(lineage.card)), ("champion", ref(lineage.champion)),
            ("championNote", optional(lineage.championNote)),
            ("championDeltas", deltas(lineage.championDeltas)), ("teacherDeltas", deltas(lineage.teacherDeltas)),
        ])
        let rai = request.responsibleAI
        let raiValue: JSONValue = .object([
            ("slices", .array(rai.sliceTables.map { table in
                .object([("metric", .string(table.metric)), ("against", .string(table.against)),
                         ("bounds", .array(table.bounds.map(JSONValue.string))),
                         ("rows", .array(table.rows.map { row in
                             .object([("feature", .string(row.feature)), ("slice", .string(row.slice)), ("group", .string(row.group)),
                                      ("value", number(row.value)), ("reference", number(row.reference)), ("gap", number(row.gap)),
                                      ("ratio", number(row.ratio)), ("support", row.support.map(JSONValue.int) ?? .null),
                                      ("withinBounds", .bool(row.withinBounds))])
                         }))])
            })),
            ("drift", .array(rai.drift.map { feature in
                .object([("feature", .string(feature.name)), ("bins", .array(feature.bins.map(JSONValue.string))),
                         ("baseline", .array(feature.baseline.map { number($0) })), ("current", .array(feature.current.map { number($0) })),
                         ("psi", number(feature.psi)), ("ks", number(feature.ks)), ("withinBounds", .bool(feature.withinBounds))])
            })),
            ("description", optional(rai.description)),
            ("primaryUses", .array(rai.primaryUses.map(JSONValue.string))),
            ("primaryUsers", .array(rai.primaryUsers.map(JSONValue.string))),
            ("outOfScope", .array(rai.outOfScope.map(JSONValue.string))),
            ("limitations", .array(rai.limitations.map(JSONValue.string))),
            ("ethicalConsiderations", .array(rai.ethicalConsiderations.map { .object([("name", .string($0.name)), ("mitigation", optional($0.mitigation))]) })),
            ("sensitiveFeatures", rai.sensitiveFeatures.map { .array($0.map(JSONValue.string)) } ?? .null),
        ])
        return .object([
            ("name", .string(request.name)), ("model", optional(request.model)), ("version", optional(request.version)),
            ("from", optional(request.from)), ("to", optional(request.to)), ("requestedBy", optional(request.requestedBy)),
            ("status", .string(request.status)), ("lineage", lineageValue),
            ("incidents", .array(request.incidents.map { incident in
                .object([("name", .string(incident.name)), ("file", .string(incident.file)), ("severity", optional(incident.severity)),
                         ("status", optional(incident.status)), ("opened", optional(incident.opened)), ("resolved", optional(incident.resolved)),
                         ("summary", optional(incident.summary)), ("versions", .array(incident.versions.map(JSONValue.string))),
                         ("timeline", .array(incident.timeline.map(event)))])
            })),
            ("audit", .array(request.audit.map(event))),
            ("responsibleAI", raiValue),
            ("runbooks", .array(request.runbooks.map { .object([("path", .string($0.path)), ("rules", .array($0.rules.map(JSONValue.string)))]) })),
            ("bundle", request.bundle.map { .object([("digest", .string($0.digest)), ("files", .array($0.files.map(JSONValue.string)))]) } ?? .null),
            ("approveCommands", .array(request.approveCommands.map(JSONValue.string))),
        ])
    }

    // MARK: Markdown

    /// User text for Markdown: escaped so that nothing in it becomes markup (no link, no
    /// emphasis, no HTML), line breaks and control characters shown as text.
    static func markdownText(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\n", "\r": escaped += " "
            case "\\", "`", "*", "_", "[", "]", "(", ")", "#", "|", "!", "~":
                escaped += "\\" + String(scalar)
            default:
                if HTMLText.isHidden(scalar) {
                    escaped += "\\\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                } else {
                    escaped.unicodeScalars.append(scalar)
                }
            }
        }
        return escaped
    }

    public static func markdown(_ dossier: SubjectDossier, metadata: ReportMetadata) -> String {
        let t = markdownText
        var lines: [String] = []
        lines.append("# \(t(dossier.subject.description)): \(dossier.verdict.rawValue.uppercased())")
        lines.append("")
        lines.append("Checked the \(t(dossier.evaluated)); policies from the \(t(dossier.policySource)); file \(t(dossier.subject.file)).")
        if let lifecycle = dossier.result.lifecycle { lines += ["", t(lifecycle.note)] }
        lines.append("")
        if !dossier.blocking.isEmpty {
            lines.append("## Blocking reasons")
            lines.append("")
            for reason in dossier.blocking { lines.append("- \(t("\(reason.location.file):\(reason.location.line)")) \(t(reason.ruleID)): \(t(reason.message))") }
            lines.append("")
        }
        lines.append("## Rules")
        lines.append("")
        lines.append("| Rule | Observed | Bound | Outcome |")
        lines.append("| --- | --- | --- | --- |")
        for rule in dossier.rules {
            let observed = rule.observed.map { "\(t($0.path)) = \(t($0.text ?? "missing"))" }.joined(separator: "<br>")
            var outcome = rule.outcome.rawValue
            if let reason = rule.notApplicable { outcome += ": \(t(reason))" }
            lines.append("| \(t(rule.ruleID)) | \(observed.isEmpty ? "—" : observed) | \(t(rule.bound ?? "—")) | \(outcome) |")
        }
        if let request = dossier.request {
            let lineage = request.lineage
            lines += ["", "## Lineage", ""]
            if let dataset = lineage.dataset {
                lines.append("- Dataset: \(t(dataset.name ?? "?")) \(t(dataset.version ?? "?")), sha256 \(t(dataset.sha256 ?? "?"))")
            }
            if let teacher = lineage.teacher {
                lines.append("- Teacher: \(t(teacher.model ?? "?")) \(t(teacher.version ?? "?"))\(teacher.run.map { ", run \(t($0.name))" } ?? "")")
            }
            lines.append("- Config: seed \(t(lineage.seed ?? "not stated"))")
            lines.append("- Code: \(t(lineage.codeCommit ?? "not stated"))")
            lines.append("- Image: \(t(lineage.image ?? "not stated"))")
            for artifact in lineage.artifacts {
                lines.append("- Artifact \(t(artifact.path ?? "?")): checksum \(artifact.verification.rawValue)")
            }
            lines.append("- Candidate run: \(t(lineage.run?.name ?? "none"))")
            lines.append("- Champion: \(t(lineage.champion?.name ?? lineage.championNote ?? "none"))")
            if !request.incidents.isEmpty {
                lines += ["", "## Incidents", ""]
                for incident in request.incidents {
                    lines.append("- \(t(incident.name)) (\(t(incident.severity ?? "?")), \(t(incident.status ?? "?"))): \(t(incident.summary ?? ""))")
                }
            }
            if !request.audit.isEmpty {
                lines += ["", "## Audit", ""]
                for event in request.audit { lines.append("- \(t(event.date)) \(t(event.shortCommit)): \(t(event.summary))") }
            }
            if let bundle = request.bundle {
                lines += ["", "## Bundle", "", "Digest \(t(bundle.digest)), covering \(bundle.files.map(t).joined(separator: ", ")).", ""]
                lines += ["Approve with:", ""] + request.approveCommands.map { "- \(t($0))" }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
