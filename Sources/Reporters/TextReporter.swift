import Policy

/// The human report: one block per subject, worst first, every reason with its location,
/// notes and runbook; a summary line at the end. Colors only when asked to.
public struct TextReporter: Sendable {
    public var color: Bool

    public init(color: Bool) {
        self.color = color
    }

    /// Lines are wrapped at this width (words are never split; a long path stays whole).
    public static let width = 100

    public func render(_ report: Report, metadata: ReportMetadata) -> String {
        var lines: [String] = []
        let ordered = report.subjects.sorted { ($1.verdict, $0.subject) < ($0.verdict, $1.subject) }
        for result in ordered {
            let ruleCount = result.rules.count
            lines.append("\(badge(result.verdict))  \(bold(result.subject.description))")
            let counted = result.isDecided ? "not gated" : "\(ruleCount) rule\(ruleCount == 1 ? "" : "s")"
            lines.append("       \(dim("\(result.subject.file) · \(counted)"))")
            if let lifecycle = result.lifecycle {
                // A decided request's standing; or why a request that states a decision was gated.
                lines += lifecycle.isGated ? wrap("i \(lifecycle.note)", indent: 2, hanging: 4) : wrap(lifecycle.note, indent: 7)
            }
            for finding in result.findings.sorted(by: { ($1.severity, $0.location) < ($0.severity, $1.location) }) {
                let statement = "\(finding.message) (\(finding.location))"
                if let waiver = finding.waivedBy {
                    lines.append("  \(dim("~ \(finding.ruleID) — waived by \(waiver)"))")
                    lines += wrap(statement, indent: 4).map(dim)
                    continue
                }
                let mark = finding.severity == .block ? paint("✗", .red) : paint("!", .yellow)
                lines.append("  \(mark) \(bold(finding.ruleID))")
                lines += wrap(statement, indent: 4)
                for note in finding.notes {
                    lines += wrap("note: \(note.message) (\(note.location))", indent: 4, hanging: 6).map(dim)
                }
                if let runbook = finding.runbook {
                    lines.append("    \(dim("runbook: \(runbook)"))")
                }
            }
            for rule in result.notApplicable {
                // Said once per rule: it passes because it does not apply, not because it held.
                lines += wrap("\(dim("n/a"))  \(rule.ruleID) — \(rule.notApplicable ?? "")", indent: 2, hanging: 7)
            }
        }
        if !lines.isEmpty { lines.append("") }
        lines.append(summary(report, metadata: metadata))
        return lines.joined(separator: "\n") + "\n"
    }

    /// Word-wraps `text` to `width` columns, the first line indented by `indent`, the others
    /// by `hanging` (default: the same).
    func wrap(_ text: String, indent: Int, hanging: Int? = nil) -> [String] {
        let width = TextReporter.width
        var lines: [String] = []
        var current = String(repeating: " ", count: indent)
        var empty = true
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            if !empty, current.count + 1 + word.count > width {
                lines.append(current)
                current = String(repeating: " ", count: hanging ?? indent)
                empty = true
            }
            current += (empty ? "" : " ") + word
            empty = false
        }
        lines.append(current)
        return lines
    }

    /// `12 pass, 1 block, 2 n/a`: the rule evaluations of a framework, zero counts left out.
    static func counts(_ coverage: ComplianceCoverage) -> String {
        let parts = [(coverage.pass, "pass"), (coverage.warn, "warn"), (coverage.block, "block"), (coverage.notApplicable, "n/a")]
            .filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
        return parts.isEmpty ? "0 rules" : parts.joined(separator: ", ")
    }

    func summary(_ report: Report, metadata: ReportMetadata) -> String {
        let counts = Dictionary(grouping: report.subjects, by: \.verdict).mapValues(\.count)
        let findings = report.findings.filter(\.isActive)
        let blocking = findings.filter { $0.severity == .block }.count
        let warnings = findings.filter { $0.severity == .warn }.count
        let subjects = report.subjects.count
        var parts = ["\(subjects) subject\(subjects == 1 ? "" : "s")"]
        parts.append("\(counts[.block] ?? 0) blocked, \(counts[.warn] ?? 0) warned, \(counts[.pass] ?? 0) passed")
        parts.append("\(blocking) blocking reason\(blocking == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
        let source = metadata.policySource == metadata.evaluated ? "" : "; policies from the \(metadata.policySource)"
        let part = metadata.shard.map { "shard \($0) of the subjects of " } ?? ""
        let context = "checked \(part)the \(metadata.evaluated)\(source) with \(metadata.policies.count) polic\(metadata.policies.count == 1 ? "y" : "ies") (\(metadata.policies.joined(separator: ", ")))"
        let waived = report.findings.count - findings.count
        if waived > 0 { parts.append("\(waived) waived") }
        var summary = "\(badge(report.verdict)) \(parts.joined(separator: " · "))"
        let frameworks = report.coverageByFramework
        if !frameworks.isEmpty {
            let line = "compliance: " + frameworks.map { "\($0.name) \(Self.counts($0))" }.joined(separator: " · ")
            summary += "\n" + wrap(line, indent: 0, hanging: 12).joined(separator: "\n")
        }
        let tags = report.findingsByTag
        if !tags.isEmpty {
            let byTag = "by tag: " + tags.map { group in
                let blocks = group.findings.filter { $0.severity == .block }.count
                let warns = group.findings.count - blocks
                return "\(group.tag) \(blocks) block\(warns > 0 ? ", \(warns) warn" : "")"
            }.joined(separator: " · ")
            summary += "\n" + wrap(byTag, indent: 0, hanging: 8).joined(separator: "\n")
        }
        return summary + "\n" + wrap(context, indent: 0).map(dim).joined(separator: "\n")
    }

    enum Tone: String {
        case red = "31", yellow = "33", green = "32"
    }

    func badge(_ verdict: Verdict) -> String {
        switch verdict {
        case .block: return paint("BLOCK", .red, bold: true)
        case .warn: return paint("WARN ", .yellow, bold: true)
        case .pass: return paint("PASS ", .green, bold: true)
        }
    }

    func paint(_ text: String, _ tone: Tone, bold: Bool = false) -> String {
        guard color else { return text }
        return "\u{1B}[\(bold ? "1;" : "")\(tone.rawValue)m\(text)\u{1B}[0m"
    }

    func bold(_ text: String) -> String {
        color ? "\u{1B}[1m\(text)\u{1B}[0m" : text
    }

    func dim(_ text: String) -> String {
        color ? "\u{1B}[2m\(text)\u{1B}[0m" : text
    }
}
