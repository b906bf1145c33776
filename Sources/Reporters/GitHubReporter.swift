import Documents
import Policy

/// `--format github`: GitHub Actions workflow commands, which GitHub turns into annotations on
/// the pull request's diff — one line per finding that counts, in the order of the text
/// report: `::error file=<path>,line=<l>,col=<c>,title=<rule id>::<message>` for a block,
/// `::warning …` for a warn. Waived findings are not annotated. The message carries the
/// finding's notes and runbook on further lines, and the subject when the finding sits in
/// another file than the subject (a run manifest shared by two requests).
///
/// Escaping follows the Actions toolkit (`@actions/core` `command.ts`): in the message `%`,
/// CR and LF become `%25`, `%0D`, `%0A`; in property values also `:` and `,` become `%3A`,
/// `%2C`. A message can therefore never start a second command.
///
/// `summaryMarkdown` is the job summary the CLI appends to `$GITHUB_STEP_SUMMARY`.
public struct GitHubReporter: Sendable {
    /// Where the job summary goes, and how it is appended there (`sideEffects`).
    var stepSummary: String?
    var append: @Sendable (String, String) throws -> Void = { _, _ in }

    public init() {}

    public func render(_ report: Report, metadata: ReportMetadata) -> String {
        let lines = ReporterSupport.orderedFindings(report).filter(\.isActive).map(command)
        return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    }

    /// The workflow command for one finding.
    func command(_ finding: Finding) -> String {
        var message = [finding.message]
        if finding.location.file != finding.subject.file {
            message.append("subject: \(finding.subject.description)")
        }
        for note in finding.notes {
            message.append("note: \(note.message) (\(note.location))")
        }
        if let runbook = finding.runbook {
            message.append("runbook: \(runbook)")
        }
        let properties = [("file", finding.location.file), ("line", "\(finding.location.line)"),
                          ("col", "\(finding.location.column)"), ("title", finding.ruleID)]
            .map { "\($0.0)=\(Self.escapeProperty($0.1))" }
            .joined(separator: ",")
        let level = finding.severity == .block ? "error" : "warning"
        return "::\(level) \(properties)::\(Self.escapeData(message.joined(separator: "\n")))"
    }

    /// The job summary: the verdict, the counts, one row per subject with its blocking
    /// reasons and how many warnings it has, and what was checked.
    public func summaryMarkdown(_ report: Report, metadata: ReportMetadata) -> String {
        var lines = ["### \(MarkdownText.emoji(report.verdict)) Tollgate: \(report.verdict.rawValue)", "",
                     MarkdownText.counts(report), ""]
        if !report.subjects.isEmpty {
            lines += ["| subject | verdict | blocking reasons | warnings |", "| --- | --- | --- | --- |"]
            for result in report.subjects.sorted(by: { ($1.verdict, $0.subject) < ($0.verdict, $1.subject) }) {
                let active = ReporterSupport.ordered(result.findings).filter(\.isActive)
                let reasons = active.filter { $0.severity == .block }.map { finding in
                    "\(MarkdownText.code(finding.ruleID)): \(MarkdownText.inline(finding.message)) (\(MarkdownText.code(finding.location.description)))"
                }
                let warnings = active.filter { $0.severity == .warn }.count
                lines.append("| \(MarkdownText.code(result.subject.description)) | \(MarkdownText.badge(result.verdict)) | \(reasons.joined(separator: "<br>")) | \(warnings) |")
            }
            lines.append("")
        }
        lines.append(MarkdownText.footer(metadata))
        return lines.joined(separator: "\n") + "\n"
    }

    /// `escapeData` of the Actions toolkit: for the message.
    static func escapeData(_ text: String) -> String {
        escape(text, ["%": "%25", "\r": "%0D", "\n": "%0A"])
    }

    /// `escapeProperty` of the Actions toolkit: for property values.
    static func escapeProperty(_ text: String) -> String {
        escape(text, ["%": "%25", "\r": "%0D", "\n": "%0A", ":": "%3A", ",": "%2C"])
    }

    /// Replaces scalars, not characters: a CR LF pair is one `Character` in Swift.
    static func escape(_ text: String, _ replacements: [Unicode.Scalar: String]) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            if let replacement = replacements[scalar] {
                escaped += replacement
            } else {
                escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
