import Documents
import Dossier
import Policy
import Provenance

/// The page of one promotion request, in the order a reviewer reads it (the DistilOps
/// walkthrough): verdict, release gate, lineage, incidents, audit, responsible AI, runbooks,
/// bundle and approval. A pure function of the model.
public enum RequestPage {
    public static func html(_ dossier: SubjectDossier, forge: ForgeLinks? = nil, toolVersion: String) -> String {
        let builder = HTMLBuilder(forge: forge)
        let name = dossier.subject.name ?? dossier.subject.file
        var body: [String] = []
        body.append("<p class=\"meta\"><a href=\"index.html\">Overview</a></p>")
        body.append("<header><h1>\(HTMLText.text(name))</h1>")
        if let request = dossier.request {
            let move = [request.model, request.version].compactMap { $0 }.joined(separator: " ")
            let stages = "\(request.from ?? "?") → \(request.to ?? "?")"
            body.append("<p class=\"meta\">\(HTMLText.text(move)), \(HTMLText.text(stages)); requested by \(HTMLText.text(request.requestedBy ?? "?")); status \(HTMLText.text(request.status)); \(HTMLBuilder.code(dossier.subject.file))</p>")
        }
        body.append("<p class=\"meta\">Checked the \(HTMLText.text(dossier.evaluated)); policies from the \(HTMLText.text(dossier.policySource)); Tollgate \(HTMLText.text(toolVersion)).</p></header>")
        body.append(toc(dossier))
        body.append(verdict(dossier, builder))
        body.append(gate(dossier, builder))
        if let request = dossier.request {
            body.append(lineage(request, builder))
            body.append(incidents(request))
            body.append(audit(request))
            body.append(responsibleAI(request.responsibleAI))
            body.append(runbooks(request, builder))
            body.append(bundle(request, dossier))
        }
        return HTMLPage.document(title: "\(name) — \(verdictWord(dossier)) — Tollgate", body: body.joined(separator: "\n"))
    }

    static func verdictWord(_ dossier: SubjectDossier) -> String {
        if dossier.result.isDecided { return "decided (\(dossier.request?.status ?? "not gated"))" }
        switch dossier.verdict {
        case .block: return "no-ship"
        case .warn: return "ship, with warnings"
        case .pass: return "ship"
        }
    }

    static let sections: [(id: String, title: String)] = [
        ("verdict", "Verdict"), ("gate", "Release gate"), ("lineage", "Lineage"), ("incidents", "Incidents"),
        ("audit", "Audit"), ("rai", "Responsible AI"), ("runbooks", "Runbooks"), ("bundle", "Bundle and approval"),
    ]

    static func toc(_ dossier: SubjectDossier) -> String {
        let shown = dossier.request == nil ? Array(sections.prefix(2)) : sections
        return "<nav class=\"toc\" aria-label=\"Sections\"><ol>" + shown.map { "<li><a href=\"#\($0.id)\">\($0.title)</a></li>" }.joined() + "</ol></nav>"
    }

    // MARK: 1. Verdict

    static func verdict(_ dossier: SubjectDossier, _ builder: HTMLBuilder) -> String {
        let cssClass = dossier.verdict.rawValue
        var html = "<section id=\"verdict\" aria-labelledby=\"verdict-h\"><h2 id=\"verdict-h\">Verdict</h2>"
        html += "<div class=\"banner \(cssClass)\" role=\"status\"><p class=\"decision\">\(HTMLText.text(verdictWord(dossier).prefix(1).uppercased() + verdictWord(dossier).dropFirst())) — \(dossier.verdict.rawValue.uppercased())</p>"
        if let lifecycle = dossier.result.lifecycle {
            html += "<p>\(HTMLText.text(lifecycle.note))</p>"
        }
        if dossier.blocking.isEmpty {
            html += "<p>No rule blocks.</p>"
        } else {
            html += "<p>\(dossier.blocking.count) blocking reason\(dossier.blocking.count == 1 ? "" : "s"):</p><ul class=\"reasons\">"
            for reason in dossier.blocking {
                html += "<li>\(builder.location(reason.location)) \(HTMLBuilder.code(reason.ruleID)): \(HTMLText.text(reason.message))</li>"
            }
            html += "</ul>"
        }
        if !dossier.warnings.isEmpty {
            html += "<p>Warnings:</p><ul>"
            for reason in dossier.warnings {
                html += "<li>\(builder.location(reason.location)) \(HTMLBuilder.code(reason.ruleID)): \(HTMLText.text(reason.message))</li>"
            }
            html += "</ul>"
        }
        return html + "</div></section>"
    }

    // MARK: 2. Release gate

    static func gate(_ dossier: SubjectDossier, _ builder: HTMLBuilder) -> String {
        var html = "<section id=\"gate\" aria-labelledby=\"gate-h\"><h2 id=\"gate-h\">Release gate</h2>"
        guard !dossier.rules.isEmpty else {
            return html + "<p>No rule was evaluated\(dossier.result.isDecided ? ": the request records a decision and is not gated" : "").</p></section>"
        }
        html += "<table class=\"gate\"><caption class=\"meta\">Every rule evaluated for the subject, passes and rules that do not apply included.</caption>"
        html += "\(HTMLBuilder.header("Rule", "Observed", "Bound", "Unit", "Outcome"))<tbody>"
        for rule in dossier.rules {
            let observed = rule.observed.map { observation -> String in
                let value = observation.text.map { HTMLText.text($0) } ?? "<em>missing</em>"
                let path = HTMLBuilder.code(observation.path)
                return rule.observed.count == 1 ? "\(value) <span class=\"meta\">(\(path))</span>" : "\(path): \(value)"
            }
            var detail = ""
            if let description = rule.description { detail += "<br><span class=\"meta\">\(HTMLText.text(description))</span>" }
            if let reason = rule.notApplicable { detail += "<br>Not applicable: \(HTMLText.text(reason))" }
            for finding in rule.findings {
                detail += "<br>\(builder.location(finding.location)) \(HTMLText.text(finding.message))\(finding.waivedBy.map { " (waived by \(HTMLText.text($0)))" } ?? "")"
            }
            let outcomeText = rule.outcome == .notApplicable ? "n/a (pass)" : rule.outcome.rawValue
            html += "<tr><th scope=\"row\">\(HTMLBuilder.code(rule.ruleID))\(detail)</th>"
            html += "<td>\(observed.isEmpty ? "—" : observed.joined(separator: "<br>"))</td>"
            html += "<td>\(rule.bound.map { HTMLText.text($0) } ?? "—")</td><td>\(rule.unit.map { HTMLText.text($0) } ?? "—")</td>"
            html += "<td>\(HTMLBuilder.outcome(outcomeText, rule.outcome.rawValue))</td></tr>"
        }
        return html + "</tbody></table></section>"
    }

    // MARK: 3. Lineage

    static func lineage(_ request: RequestDossier, _ builder: HTMLBuilder) -> String {
        let lineage = request.lineage
        var html = "<section id=\"lineage\" aria-labelledby=\"lineage-h\"><h2 id=\"lineage-h\">Lineage</h2><ol class=\"chain\">"
        func step(_ title: String, _ facts: [(String, String?)], extra: String = "") -> String {
            let shown = facts.compactMap { key, value in value.map { (key, $0) } }
            var item = "<li><h3>\(HTMLText.text(title))</h3>"
            if shown.isEmpty && extra.isEmpty { item += "<p class=\"meta\">Not stated.</p>" }
            if !shown.isEmpty {
                item += "<dl class=\"facts\">" + shown.map { "<dt>\(HTMLText.text($0.0))</dt><dd>\(HTMLBuilder.code($0.1))</dd>" }.joined() + "</dl>"
            }
            return item + extra + "</li>"
        }
        html += step("Dataset", [("name", lineage.dataset?.name), ("version", lineage.dataset?.version), ("sha256", lineage.dataset?.sha256)])
        if let teacher = lineage.teacher {
            html += step("Teacher", [("model", teacher.model), ("version", teacher.version),
                                     ("run", teacher.run.map { "\($0.name) (\($0.file))" })] + teacher.metrics.map { ("metric \($0.key)", Optional($0.value)) },
                         extra: deltas(lineage.teacherDeltas, against: "teacher"))
        } else {
            html += "<li><h3>Teacher</h3><p class=\"meta\">The run names no teacher.</p></li>"
        }
        var configExtra = ""
        if !lineage.hyperparameters.isEmpty {
            configExtra = "<table>\(HTMLBuilder.header("Hyperparameter", "Value"))<tbody>"
                + lineage.hyperparameters.map { "<tr><th scope=\"row\">\(HTMLBuilder.code($0.key))</th><td>\(HTMLBuilder.code($0.value))</td></tr>" }.joined()
                + "</tbody></table>"
        }
        html += step("Config", [("seed", lineage.seed)], extra: configExtra)
        html += step("Code", [("commit", lineage.codeCommit), ("repository", lineage.codeRepository)])
        html += step("Image", [("digest", lineage.image)])
        var artifacts = ""
        if lineage.artifacts.isEmpty {
            artifacts = "<p class=\"meta\">No artifacts listed.</p>"
        } else {
            artifacts = "<table>\(HTMLBuilder.header("Path", "sha256", "Size (bytes)", "Checksum"))<tbody>"
            for artifact in lineage.artifacts {
                let status: String
                switch artifact.verification {
                case .verified: status = "verified"
                case .failed: status = "does not match"
                case .notChecked: status = "not checked"
                }
                artifacts += "<tr><th scope=\"row\">\(HTMLBuilder.code(artifact.path ?? "?"))</th><td>\(HTMLBuilder.code(artifact.sha256 ?? "—"))</td><td class=\"num\">\(HTMLText.text(artifact.sizeBytes ?? "—"))</td><td>\(HTMLBuilder.outcome(status, artifact.verification.rawValue))\(artifact.problem.map { "<br>\(HTMLText.text($0))" } ?? "")</td></tr>"
            }
            artifacts += "</tbody></table>"
        }
        html += "<li><h3>Artifacts</h3>\(artifacts)</li>"
        html += step("Candidate run", [("run", lineage.run.map { "\($0.name) (\($0.file))" }), ("model card", lineage.card.map { "\($0.name) (\($0.file))" })])
        var championExtra = deltas(lineage.championDeltas, against: "champion")
        if lineage.champion == nil {
            championExtra = "<p class=\"meta\">\(HTMLText.text(lineage.championNote ?? "No champion: no production promotion of the model is merged."))</p>"
        }
        html += step("Champion", [("run", lineage.champion.map { "\($0.name) (\($0.file))" }), ("made champion by", lineage.champion?.via)],
                     extra: championExtra)
        html += step("This request", [("request", request.name), ("stages", "\(request.from ?? "?") → \(request.to ?? "?")")],
                     extra: request.justification.map { "<p>\(HTMLText.text($0))</p>" } ?? "")
        return html + "</ol></section>"
    }

    static func deltas(_ deltas: [Lineage.MetricDelta], against: String) -> String {
        guard !deltas.isEmpty else { return "" }
        var html = "<table>\(HTMLBuilder.header("Metric", "Candidate", against.prefix(1).uppercased() + against.dropFirst(), "Δ"))<tbody>"
        for delta in deltas {
            let sign = delta.delta > 0 ? "+" : (delta.delta < 0 ? "−" : "±")
            html += "<tr><th scope=\"row\">\(HTMLBuilder.code(delta.metric))</th><td class=\"num\">\(Quantity.figure(delta.candidate))</td><td class=\"num\">\(Quantity.figure(delta.reference))</td><td class=\"num\">\(sign)\(Quantity.figure(abs(delta.delta)))</td></tr>"
        }
        return html + "</tbody></table>"
    }

    // MARK: 4. Incidents

    static func incidents(_ request: RequestDossier) -> String {
        var html = "<section id=\"incidents\" aria-labelledby=\"incidents-h\"><h2 id=\"incidents-h\">Incidents</h2>"
        guard !request.incidents.isEmpty else {
            return html + "<p>No incident of \(HTMLText.text(request.model ?? "this model")) concerns this version.</p></section>"
        }
        for incident in request.incidents {
            html += "<h3>\(HTMLText.text(incident.name))</h3><dl class=\"facts\">"
            for (key, value) in [("severity", incident.severity), ("status", incident.status), ("opened", incident.opened),
                                 ("resolved", incident.resolved), ("versions", incident.versions.isEmpty ? "every version" : incident.versions.joined(separator: ", ")),
                                 ("file", incident.file)] {
                if let value { html += "<dt>\(key)</dt><dd>\(HTMLText.text(value))</dd>" }
            }
            html += "</dl>"
            if let summary = incident.summary { html += "<p>\(HTMLText.text(summary))</p>" }
            if !incident.timeline.isEmpty { html += events(incident.timeline, caption: "History of \(incident.name)") }
        }
        return html + "</section>"
    }

    // MARK: 5. Audit

    static func audit(_ request: RequestDossier) -> String {
        var html = "<section id=\"audit\" aria-labelledby=\"audit-h\"><h2 id=\"audit-h\">Audit</h2>"
        guard !request.audit.isEmpty else { return html + "<p>No event of this request in the history.</p></section>" }
        html += events(request.audit, caption: "The request's timeline from history, oldest first")
        return html + "</section>"
    }

    static func events(_ events: [AuditEvent], caption: String) -> String {
        var html = "<table><caption class=\"meta\">\(HTMLText.text(caption))</caption>\(HTMLBuilder.header("Date", "Event", "Commit", "Author", "Signed by", "What happened"))<tbody>"
        for event in events {
            let signer = event.signer.map { "\(HTMLText.text($0))" + (event.signingKey.map { "<br>\(HTMLBuilder.code($0))" } ?? "") }
                ?? event.signingKey.map { "key \(HTMLBuilder.code($0)), not of the Team" } ?? "unsigned"
            html += "<tr><td class=\"date\">\(HTMLText.text(event.date))</td><td>\(HTMLText.text(event.kind.rawValue))</td><td>\(HTMLBuilder.code(event.shortCommit))</td><td>\(HTMLText.text(event.author))</td><td>\(signer)</td><td>\(HTMLText.text(event.summary))</td></tr>"
        }
        return html + "</tbody></table>"
    }

    // MARK: 6. Responsible AI

    static func responsibleAI(_ rai: ResponsibleAI) -> String {
        var html = "<section id=\"rai\" aria-labelledby=\"rai-h\"><h2 id=\"rai-h\">Responsible AI</h2>"
        html += "<h3>Slices</h3>"
        if rai.sliceTables.isEmpty { html += "<p>No slices rule applies.</p>" }
        for table in rai.sliceTables {
            html += "<p>\(HTMLBuilder.code(table.metric)) against the \(table.against == "best" ? "best slice of each feature" : "overall metric"). Bounds: \(HTMLText.text(table.bounds.isEmpty ? "none" : table.bounds.joined(separator: "; "))).</p>"
            html += SVGCharts.slices(table)
            html += "<table>\(HTMLBuilder.header("Slice", "Feature", table.metric, "Reference", "Gap", "Ratio", "Support", "Within bounds"))<tbody>"
            for row in table.rows {
                html += "<tr><th scope=\"row\">\(HTMLText.text(row.slice))</th><td>\(HTMLText.text(row.feature))</td><td class=\"num\">\(Quantity.figure(row.value))</td><td class=\"num\">\(Quantity.figure(row.reference))</td><td class=\"num\">\(Quantity.figure(row.gap))</td><td class=\"num\">\(row.ratio.map(Quantity.figure) ?? "undefined")</td><td class=\"num\">\(row.support.map(String.init) ?? "—")</td><td>\(HTMLBuilder.outcome(row.withinBounds ? "yes" : "no", row.withinBounds ? "pass" : "block"))</td></tr>"
            }
            html += "</tbody></table>"
        }
        html += "<h3>Drift</h3>"
        if rai.drift.isEmpty { html += "<p>No drift rule measured a feature.</p>" }
        if !rai.driftBounds.isEmpty { html += "<p>Bounds: \(HTMLText.text(rai.driftBounds.joined(separator: "; "))).</p>" }
        if !rai.drift.isEmpty {
            html += "<table>\(HTMLBuilder.header("Feature", "PSI", "KS", "Within bounds"))<tbody>"
            for feature in rai.drift {
                html += "<tr><th scope=\"row\">\(HTMLText.text(feature.name))</th><td class=\"num\">\(feature.psi.map(Quantity.figure) ?? "—")</td><td class=\"num\">\(feature.ks.map(Quantity.figure) ?? "—")</td><td>\(HTMLBuilder.outcome(feature.withinBounds ? "yes" : "no", feature.withinBounds ? "pass" : "block"))</td></tr>"
            }
            html += "</tbody></table><p class=\"legend\" aria-hidden=\"true\"><span class=\"ref\"></span>reference (baseline)<span class=\"cur\"></span>current</p>"
            for feature in rai.drift {
                html += "<figure><figcaption>\(HTMLText.text(feature.name)): share of each bin</figcaption>\(SVGCharts.drift(feature))</figure>"
            }
        }
        html += "<h3>Intended use</h3>"
        if let description = rai.description { html += "<p>\(HTMLText.text(description))</p>" }
        html += "<p><strong>Primary uses</strong></p>\(HTMLBuilder.list(rai.primaryUses))"
        if !rai.primaryUsers.isEmpty { html += "<p><strong>Primary users</strong></p>\(HTMLBuilder.list(rai.primaryUsers))" }
        html += "<h3>Out-of-scope uses</h3>\(HTMLBuilder.list(rai.outOfScope))"
        html += "<h3>Limitations</h3>\(HTMLBuilder.list(rai.limitations))"
        html += "<h3>Ethical considerations</h3>"
        if rai.ethicalConsiderations.isEmpty {
            html += "<p class=\"meta\">None stated.</p>"
        } else {
            html += "<ul>" + rai.ethicalConsiderations.map { item in
                "<li><strong>\(HTMLText.text(item.name))</strong>\(item.mitigation.map { ". Mitigation: \(HTMLText.text($0))" } ?? "")</li>"
            }.joined() + "</ul>"
        }
        if let features = rai.sensitiveFeatures {
            html += "<p>Sensitive features declared by the card: \(features.isEmpty ? "none" : features.map(HTMLBuilder.code).joined(separator: ", ")).</p>"
        }
        return html + "</section>"
    }

    // MARK: 7. Runbooks

    static func runbooks(_ request: RequestDossier, _ builder: HTMLBuilder) -> String {
        var html = "<section id=\"runbooks\" aria-labelledby=\"runbooks-h\"><h2 id=\"runbooks-h\">Runbooks</h2>"
        guard !request.runbooks.isEmpty else { return html + "<p>Every rule passes: no runbook to follow.</p></section>" }
        for runbook in request.runbooks {
            html += "<h3>\(HTMLBuilder.code(runbook.path))</h3><p class=\"meta\">For \(runbook.rules.map(HTMLBuilder.code).joined(separator: ", ")).</p>"
            if let text = runbook.text {
                let links = RunbookLinks(runbook: runbook.path, forge: builder.forge)
                html += "<div class=\"runbook\">\(MarkdownHTML.render(text, headingOffset: 3, link: links.href))</div>"
            } else {
                html += "<p>The runbook cannot be read from the checked revision.</p>"
            }
        }
        return html + "</section>"
    }

    // MARK: 8. Bundle and approval

    static func bundle(_ request: RequestDossier, _ dossier: SubjectDossier) -> String {
        var html = "<section id=\"bundle\" aria-labelledby=\"bundle-h\"><h2 id=\"bundle-h\">Bundle and approval</h2>"
        if let bundle = request.bundle {
            html += "<p>Bundle digest: \(HTMLBuilder.code(bundle.digest))</p><p>It covers:</p><ul>" + bundle.files.map { "<li>\(HTMLBuilder.code($0))</li>" }.joined() + "</ul>"
        } else {
            html += "<p>The bundle digest cannot be computed: a document of the bundle is missing or cannot be read.</p>"
        }
        if !dossier.approvals.isEmpty {
            html += "<h3>Approvals</h3><table>\(HTMLBuilder.header("Approver", "Role", "Decision", "Commit", "Signer key", "Digest"))<tbody>"
            for approval in dossier.approvals {
                let signer: String
                switch approval.signature {
                case .verified(let fingerprint): signer = "\(HTMLBuilder.code(fingerprint)), a key of \(HTMLText.text(approval.approver))"
                case .unsigned: signer = "unsigned"
                case .notTheApprover(let why): signer = HTMLText.text(why)
                }
                let fresh = approval.staleness.map { "stale: \(HTMLText.text($0))" } ?? "fresh"
                html += "<tr><th scope=\"row\">\(HTMLText.text(approval.approver))</th><td>\(HTMLText.text(approval.role))</td><td>\(HTMLText.text(approval.decision.rawValue))</td><td>\(approval.commit.map { HTMLBuilder.code($0.short) } ?? "not committed")</td><td>\(signer)</td><td>\(fresh)</td></tr>"
            }
            html += "</tbody></table>"
        }
        html += "<h3>Approve</h3><p>Review the bundle above, then run:</p>"
        html += request.approveCommands.map { "<pre><code>\(HTMLText.text($0))</code></pre>" }.joined()
        return html + "</section>"
    }
}

/// Where a runbook's links lead from the report: an http(s) link as written; a relative one
/// (`waivers.md`, `../ci.md#gitlab`) to the file it names in the repository — on the forge at
/// the checked commit when the forge is known, else nowhere (shown as text): the report's
/// directory holds no runbooks, so a relative `href` there would be a dead link.
struct RunbookLinks {
    var runbook: String
    var forge: ForgeLinks?

    func href(_ target: String) -> String? {
        let lower = target.lowercased()
        if lower.hasPrefix("https://") || lower.hasPrefix("http://") { return target }
        guard let forge, !target.hasPrefix("#") else { return nil }
        var fragment = ""
        var path = target
        if let hash = target.firstIndex(of: "#") {
            fragment = String(target[hash...])
            path = String(target[..<hash])
        }
        guard let resolved = Self.resolve(path, from: runbook), let url = forge.blobURL(resolved) else { return nil }
        return url + fragment
    }

    /// `target` relative to the directory of `file`, both repository paths; nil when it
    /// leaves the repository or is absolute.
    static func resolve(_ target: String, from file: String) -> String? {
        guard !target.hasPrefix("/") else { return nil }
        var parts = file.split(separator: "/").dropLast().map(String.init)
        for part in target.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..":
                guard !parts.isEmpty else { return nil }
                parts.removeLast()
            default: parts.append(String(part))
            }
        }
        return parts.isEmpty ? nil : parts.joined(separator: "/")
    }
}
