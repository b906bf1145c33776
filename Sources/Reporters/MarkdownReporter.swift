import Documents
import Policy

/// `--format markdown`: a pull-request comment. A heading with the overall verdict; for each
/// PromotionRequest (worst first) its verdict, a table of blocking reasons (rule, reason with
/// its notes, location, runbook), its warnings and waived findings, and its approvals status
/// — which approvals count and why the others do not, as the `approvals` rules read them;
/// then every other subject in one table (passing ones in one line); a footer saying what
/// was checked.
///
/// Locations link to `path#Lline`, relative to `linkBase` when one is given (e.g.
/// `https://github.com/org/repo/blob/<sha>/`, which makes the links work in a PR comment),
/// relative to the repository otherwise. User text in tables is escaped (`|`, line breaks,
/// `<`, `>`, `&`). The first line is an HTML comment marker, so a bot can find and update
/// its previous comment instead of adding another.
public struct MarkdownReporter: Sendable {
    /// Marks the comment as Tollgate's; invisible when rendered.
    public static let marker = "<!-- tollgate:report -->"

    /// Absolute URI that repository-relative paths resolve against; nil for relative links.
    public var linkBase: String?
    /// The longest comment, in UTF-8 bytes: GitHub refuses a comment body over 65,536
    /// characters, and a character is at least a byte. A longer report is cut at a line
    /// boundary (requests come worst first, so what blocks is kept) and says so.
    public var maxLength: Int

    /// Where the release dossier (`policy report`) of this check is published: linked under
    /// the headline. Only an `http(s)` URL is linked.
    public var reportURL: String?

    public init(linkBase: String? = nil, maxLength: Int = 65_536, reportURL: String? = nil) {
        self.linkBase = linkBase.flatMap { ReporterSupport.isAbsoluteURI($0) ? ReporterSupport.encodeURI($0) : nil }
        self.maxLength = maxLength
        self.reportURL = reportURL.flatMap { url in
            let lower = url.lowercased()
            return (lower.hasPrefix("https://") || lower.hasPrefix("http://")) && HTMLText.safeURL(url) != nil ? url : nil
        }
    }

    public func render(_ report: Report, metadata: ReportMetadata) -> String {
        var lines = [Self.marker, "## \(MarkdownText.emoji(report.verdict)) Tollgate: \(Self.headline(report.verdict))", "",
                     MarkdownText.counts(report), ""]
        if let reportURL {
            lines += ["📄 \(MarkdownText.link("Release dossier", to: reportURL)): every rule, lineage, audit and responsible-AI figures, for the approvers.", ""]
        }
        let ordered = report.subjects.sorted { ($1.verdict, $0.subject) < ($0.verdict, $1.subject) }
        let requests = ordered.filter { $0.subject.kind == .promotionRequest }
        for result in requests {
            lines += request(result)
        }
        let others = ordered.filter { $0.subject.kind != .promotionRequest }
        if !others.isEmpty {
            lines += otherSubjects(others, afterRequests: !requests.isEmpty)
        }
        lines += coverage(report)
        let footer = ["---", MarkdownText.footer(metadata)]
        let whole = (lines + footer).joined(separator: "\n") + "\n"
        guard whole.utf8.count > maxLength else { return whole }
        return cut(lines, footer: footer)
    }

    /// Compliance coverage, folded: rule evaluations by framework (the tags' prefixes).
    func coverage(_ report: Report) -> [String] {
        let frameworks = report.coverageByFramework
        guard !frameworks.isEmpty else { return [] }
        var lines = ["<details><summary>Compliance coverage: \(MarkdownText.plural(frameworks.count, "framework"))</summary>", "",
                     "| framework | pass | warn | block | n/a |", "| --- | ---: | ---: | ---: | ---: |"]
        for framework in frameworks {
            lines.append("| \(MarkdownText.inline(framework.name)) | \(framework.pass) | \(framework.warn) | \(framework.block) | \(framework.notApplicable) |")
        }
        lines += ["", "Rule evaluations (one rule for one subject) tagged with a control of the framework; the JSON report's `summary.tags` has them by control.",
                  "", "</details>", ""]
        return lines
    }

    /// The first lines that fit with a notice and the footer.
    func cut(_ lines: [String], footer: [String]) -> String {
        func notice(_ left: Int) -> [String] {
            ["", "> [!WARNING]",
             "> Cut short at \(maxLength) characters, the most a comment holds: \(MarkdownText.plural(left, "line")) of the report left out. The JSON, SARIF and JUnit reports (`--format json=FILE`) hold everything.",
             ""]
        }
        let reserve = (notice(lines.count) + footer).joined(separator: "\n").utf8.count + 2
        var kept: [String] = []
        var length = 0
        for line in lines {
            let added = line.utf8.count + 1
            guard length + added + reserve <= maxLength else { break }
            kept.append(line)
            length += added
        }
        return (kept + notice(lines.count - kept.count) + footer).joined(separator: "\n") + "\n"
    }

    static func headline(_ verdict: Verdict) -> String {
        switch verdict {
        case .block: return "release blocked"
        case .warn: return "passed with warnings"
        case .pass: return "all checks pass"
        }
    }

    /// One PromotionRequest: verdict, blocking reasons, warnings, waived findings, approvals.
    func request(_ result: SubjectResult) -> [String] {
        var lines = ["### \(MarkdownText.emoji(result.verdict)) \(MarkdownText.code(result.subject.description)) — \(result.verdict.rawValue)", ""]
        if let lifecycle = result.lifecycle {
            lines += ["> \(lifecycle.isGated ? "ℹ️ " : "")\(MarkdownText.inline(lifecycle.note))", ""]
            if !lifecycle.isGated { return lines }
        }
        let findings = ReporterSupport.ordered(result.findings)
        let blocking = findings.filter { $0.isActive && $0.severity == .block }
        let warnings = findings.filter { $0.isActive && $0.severity == .warn }
        let waived = findings.filter { !$0.isActive }
        let notApplicable = result.notApplicable
        if blocking.isEmpty && warnings.isEmpty {
            let applicable = result.rules.count - notApplicable.count
            let that = notApplicable.isEmpty ? "" : " that apply"
            lines += [applicable == 1 ? "Its one rule\(notApplicable.isEmpty ? "" : " that applies") holds." : "All \(applicable) rules\(that) hold.", ""]
        }
        if !blocking.isEmpty {
            lines += ["**Blocking reasons**", ""] + table(blocking) + [""]
        }
        if !warnings.isEmpty {
            lines += ["**Warnings**", ""] + table(warnings) + [""]
        }
        if !waived.isEmpty {
            lines += ["**Waived**", ""]
            lines += waived.map { finding in
                "- \(MarkdownText.code(finding.ruleID)): \(MarkdownText.inline(finding.message)) (\(location(finding.location))) — waived by \(MarkdownText.inline(finding.waivedBy ?? ""))"
            }
            lines.append("")
        }
        if !notApplicable.isEmpty {
            lines += ["**Not applicable**", ""]
            lines += notApplicable.map { "- \(MarkdownText.code($0.ruleID)) — \(MarkdownText.inline($0.notApplicable ?? ""))" }
            lines.append("")
        }
        lines += approvals(result)
        return lines
    }

    /// The table of reasons: rule, reason (with its notes), location, runbook.
    func table(_ findings: [Finding]) -> [String] {
        var rows = ["| rule | reason | location | runbook |", "| --- | --- | --- | --- |"]
        for finding in findings {
            var reason = MarkdownText.inline(finding.message)
            for note in finding.notes {
                reason += "<br>↳ \(MarkdownText.inline(note.message)) (\(location(note.location)))"
            }
            let runbook = finding.runbook.map { MarkdownText.link($0, to: ReporterSupport.link($0, base: linkBase)) } ?? ""
            rows.append("| \(MarkdownText.code(finding.ruleID)) | \(reason) | \(location(finding.location)) | \(runbook) |")
        }
        return rows
    }

    /// `[path:line](path#Lline)`.
    func location(_ location: SourceLocation) -> String {
        MarkdownText.link("\(location.file):\(location.line)", to: "\(ReporterSupport.link(location.file, base: linkBase))#L\(location.line)")
    }

    /// The status of every `approvals` rule of a request, and each approval's standing.
    /// The rule's evidence holds one sentence per approval, written by the approvals check:
    /// "approval by alice as ml-lead counts, …", "rejection by bob counts", or why it does
    /// not count ("approval by carol is stale: …", "… is pending: …", "… is not entitled: …").
    func approvals(_ result: SubjectResult) -> [String] {
        let rules = result.rules.filter { $0.check == ApprovalsCheck.keyword }
        guard !rules.isEmpty else {
            return ["**Approvals:** no rule asks for approvals of this request.", ""]
        }
        var lines: [String] = []
        for rule in rules {
            let active = rule.findings.filter(\.isActive)
            let status: String
            if !active.isEmpty {
                status = active.map { MarkdownText.inline($0.message) }.joined(separator: "; ")
            } else if let waiver = rule.findings.compactMap(\.waivedBy).first {
                status = "waived by \(MarkdownText.inline(waiver))"
            } else {
                status = "enough approvals count"
            }
            let outcome = rule.findings.isEmpty || !active.isEmpty ? MarkdownText.emoji(rule.outcome) : "〰️"
            lines += ["**Approvals** (\(MarkdownText.code(rule.ruleID))): \(outcome) \(status)", ""]
            let standings = rule.evidence.compactMap { evidence -> String? in
                guard let sentence = evidence.value?.string ?? evidence.value?.text else { return nil }
                return "- \(Self.standing(sentence, path: evidence.path)) \(MarkdownText.inline(sentence))"
            }
            lines += standings.isEmpty ? ["- no approvals recorded for this request", ""] : standings + [""]
        }
        return lines
    }

    /// ✅ an approval that counts, ⛔ a rejection that counts, ⏳ a pending one, ❌ one that
    /// does not count.
    static func standing(_ sentence: String, path: String) -> String {
        var approver = Substring(path)
        if approver.hasPrefix("approvals["), approver.hasSuffix("]") {
            approver = approver.dropFirst("approvals[".count).dropLast()
        }
        for (decision, counting) in [("approval", "✅"), ("rejection", "⛔")] {
            let prefix = "\(decision) by \(approver)"
            guard sentence.hasPrefix(prefix) else { continue }
            let rest = sentence.dropFirst(prefix.count)
            if rest.hasPrefix(" is pending") { return "⏳" }
            if rest == " counts" || (rest.hasPrefix(" as ") && rest.contains(" counts")) { return counting }
            return "❌"
        }
        return "•"
    }

    /// Subjects other than requests: those with findings in a table, passing ones in a line.
    func otherSubjects(_ results: [SubjectResult], afterRequests: Bool) -> [String] {
        var lines = ["### \(afterRequests ? "Other subjects" : "Subjects")", ""]
        let flagged = results.filter { !$0.findings.isEmpty }
        if !flagged.isEmpty {
            lines += ["| subject | verdict | reasons |", "| --- | --- | --- |"]
            for result in flagged {
                let reasons = ReporterSupport.ordered(result.findings).map { finding in
                    let waived = finding.waivedBy.map { " — waived by \(MarkdownText.inline($0))" } ?? ""
                    let mark = finding.isActive ? MarkdownText.emoji(finding.severity) + " " : "〰️ "
                    return "\(mark)\(MarkdownText.code(finding.ruleID)): \(MarkdownText.inline(finding.message)) (\(location(finding.location)))\(waived)"
                }
                lines.append("| \(MarkdownText.code(result.subject.description)) | \(MarkdownText.badge(result.verdict)) | \(reasons.joined(separator: "<br>")) |")
            }
            lines.append("")
        }
        let passing = results.filter { $0.findings.isEmpty }
        if !passing.isEmpty {
            let names = passing.map { MarkdownText.code($0.subject.description) }.joined(separator: ", ")
            let verb = passing.count == 1 ? "passes" : "pass"
            lines += ["\(MarkdownText.emoji(.pass)) \(MarkdownText.plural(passing.count, flagged.isEmpty && !afterRequests ? "subject" : "other subject")) \(verb): \(names)", ""]
        }
        return lines
    }
}
