import Dossier
import Policy

/// The report's `index.html`: the repository as a registry derived from history. A pure
/// function of the model.
public enum OverviewPage {
    public static func html(_ overview: Overview, toolVersion: String) -> String {
        var body: [String] = []
        body.append("<header><h1>Release overview</h1>")
        body.append("<p class=\"meta\">Checked the \(HTMLText.text(overview.evaluated)); policies from the \(HTMLText.text(overview.policySource)); Tollgate \(HTMLText.text(toolVersion)).</p></header>")
        let word = overview.verdict == .block ? "A request blocks" : (overview.verdict == .warn ? "Warnings" : "Nothing blocks")
        body.append("<div class=\"banner \(overview.verdict.rawValue)\" role=\"status\"><p class=\"decision\">\(word) — \(overview.verdict.rawValue.uppercased())</p></div>")

        var models = "<section aria-labelledby=\"models-h\"><h2 id=\"models-h\">Models</h2>"
        if overview.models.isEmpty { models += "<p>No model has a document.</p>" }
        for model in overview.models {
            models += "<h3>\(HTMLText.text(model.name))</h3><table>\(HTMLBuilder.header("Stage", "Version", "Run", "Since the merge of", "Commit", "Date"))<tbody>"
            for stage in model.stages {
                models += "<tr><th scope=\"row\">\(HTMLText.text(stage.stage))</th><td>\(HTMLText.text(stage.version ?? "—"))</td><td>\(stage.run.map(HTMLBuilder.code) ?? "—")</td><td>\(stage.request.map(HTMLBuilder.code) ?? "nothing merged")</td><td>\(stage.commit.map(HTMLBuilder.code) ?? "—")</td><td>\(HTMLText.text(stage.date ?? "—"))</td></tr>"
            }
            models += "</tbody></table>"
        }
        body.append(models + "</section>")

        var requests = "<section aria-labelledby=\"requests-h\"><h2 id=\"requests-h\">Promotion requests</h2>"
        if overview.requests.isEmpty {
            requests += "<p>No promotion request is gated.</p>"
        } else {
            requests += "<table>\(HTMLBuilder.header("Request", "Model", "Stages", "Status", "Verdict", "First blocking reason"))<tbody>"
            for row in overview.requests {
                let name = row.hasPage
                    ? "<a href=\"\(HTMLText.attribute(pageName(row.name)))\">\(HTMLText.text(row.name))</a>"
                    : HTMLText.text(row.name)
                requests += "<tr><th scope=\"row\">\(name)</th><td>\(HTMLText.text([row.model, row.version].compactMap { $0 }.joined(separator: " ")))</td><td>\(HTMLText.text("\(row.from ?? "?") → \(row.to ?? "?")"))</td><td>\(HTMLText.text(row.status))</td><td>\(HTMLBuilder.outcome(row.verdict.rawValue, row.verdict.rawValue))</td><td>\(HTMLText.text(row.firstReason ?? "—"))</td></tr>"
            }
            requests += "</tbody></table>"
        }
        body.append(requests + "</section>")

        var incidents = "<section aria-labelledby=\"incidents-h\"><h2 id=\"incidents-h\">Open incidents</h2>"
        if overview.openIncidents.isEmpty {
            incidents += "<p>No incident is open.</p>"
        } else {
            incidents += "<table>\(HTMLBuilder.header("Incident", "Severity", "Status", "Opened", "Summary"))<tbody>"
            for incident in overview.openIncidents {
                incidents += "<tr><th scope=\"row\">\(HTMLText.text(incident.name))</th><td>\(HTMLText.text(incident.severity ?? "—"))</td><td>\(HTMLText.text(incident.status ?? "—"))</td><td>\(HTMLText.text(incident.opened ?? "—"))</td><td>\(HTMLText.text(incident.summary ?? ""))</td></tr>"
            }
            incidents += "</tbody></table>"
        }
        body.append(incidents + "</section>")

        var pending = "<section aria-labelledby=\"pending-h\"><h2 id=\"pending-h\">Approvals pending</h2>"
        if overview.pendingApprovals.isEmpty {
            pending += "<p>No open request waits for an approval.</p>"
        } else {
            pending += "<ul>" + overview.pendingApprovals.map { item in
                "<li>\(HTMLBuilder.code(item.request)) (\(HTMLBuilder.code(item.rule))): \(HTMLText.text(item.message))</li>"
            }.joined() + "</ul>"
        }
        body.append(pending + "</section>")

        var changes = "<section aria-labelledby=\"changes-h\"><h2 id=\"changes-h\">Recent changes to the gate</h2>"
        if overview.gateChanges.isEmpty {
            changes += "<p>No commit of the history changed the policies, the Team or the Config.</p>"
        } else {
            changes += "<table><caption class=\"meta\">Commits that changed the policies, the Team or the Config, newest first.</caption>\(HTMLBuilder.header("Commit", "Date", "Author", "Signed by", "Summary", "Files"))<tbody>"
            for change in overview.gateChanges {
                changes += "<tr><th scope=\"row\">\(HTMLBuilder.code(change.shortCommit))</th><td>\(HTMLText.text(change.date))</td><td>\(HTMLText.text(change.author))</td><td>\(HTMLText.text(change.signer ?? "not a member's signature"))</td><td>\(HTMLText.text(change.summary))</td><td>\(change.files.map(HTMLBuilder.code).joined(separator: "<br>"))</td></tr>"
            }
            changes += "</tbody></table>"
        }
        body.append(changes + "</section>")
        return HTMLPage.document(title: "Release overview — Tollgate", body: body.joined(separator: "\n"))
    }

    /// The file name of a request's page: its name, with any character outside
    /// `[A-Za-z0-9._-]` replaced, and `.html`.
    public static func pageName(_ request: String) -> String {
        var name = ""
        for scalar in request.unicodeScalars {
            let allowed = (scalar.isASCII && (CharacterSetLike.alphanumeric(scalar))) || scalar == "." || scalar == "-" || scalar == "_"
            name.unicodeScalars.append(allowed ? scalar : "_")
        }
        if name.isEmpty || name.hasPrefix(".") { name = "_" + name }
        return name + ".html"
    }
}

enum CharacterSetLike {
    static func alphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
