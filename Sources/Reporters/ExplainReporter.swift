import Documents
import Policy

/// `policy explain SUBJECT`: every rule with the values it read, and every approval's
/// attribution chain (commit, author, signer key, digest then and now). A pure function.
public enum ExplainReporter {
    public static func text(_ result: SubjectResult, approvals: [AttributedApproval], metadata: ReportMetadata) -> String {
        var lines = ["\(result.subject)  \(result.verdict.rawValue.uppercased())  \(result.subject.file)",
                     "  checked the \(metadata.evaluated); policies from the \(metadata.policySource)", ""]
        if let lifecycle = result.lifecycle {
            lines.insert("  \(lifecycle.note)", at: 2)
        }
        for rule in result.rules {
            let outcome = rule.notApplicable == nil ? rule.outcome.rawValue.uppercased() : "N/A"
            lines.append("  \(rule.ruleID)  \(outcome)\(rule.description.map { " — \($0)" } ?? "")")
            if let location = rule.ruleLocation { lines.append("    defined at \(location)") }
            if let reason = rule.notApplicable { lines.append("    not applicable: \(reason) (the rule passes)") }
            for evidence in rule.evidence {
                if let value = evidence.value {
                    lines.append("    read \(evidence.path) = \(ValueFormatting.value(value))\(evidence.location.map { "  (\($0))" } ?? "")")
                } else {
                    lines.append("    read \(evidence.path): missing")
                }
            }
            for finding in rule.findings {
                lines.append("    \(finding.severity == .block ? "✗" : "!") \(finding.message) (\(finding.location))")
                for note in finding.notes { lines.append("      note: \(note.message) (\(note.location))") }
            }
            if let runbook = rule.runbook, rule.outcome != .pass { lines.append("    runbook: \(runbook)") }
        }
        if !approvals.isEmpty {
            lines.append("")
            lines.append("  approvals")
            for approval in approvals.sorted(by: { $0.document.file < $1.document.file }) {
                lines.append("    \(approval.approver) — \(approval.decision.rawValue) as \(approval.role)  (\(approval.document.file))")
                if let commit = approval.commit {
                    lines.append("      commit   \(commit.id) by \(commit.authorName) <\(commit.authorEmail)> on \(commit.date)\(approval.authorEmailMatches ? "" : " (e-mail is not the approver's)")")
                } else {
                    lines.append("      commit   none: pending (not committed)")
                }
                switch approval.signature {
                case .verified(let fingerprint): lines.append("      signer   \(fingerprint), a key of \(approval.approver) ✓")
                case .unsigned: lines.append("      signer   unsigned")
                case .notTheApprover(let why): lines.append("      signer   ✗ \(why)")
                }
                lines.append("      digest   then \(approval.reviewedDigest ?? "none")")
                lines.append("               now  \(approval.currentDigest ?? "cannot be computed")\(approval.staleness == nil ? " (fresh)" : "")")
                if let staleness = approval.staleness { lines.append("      stale    \(staleness)") }
                if let roles = approval.memberRoles {
                    lines.append("      roles    \(roles.isEmpty ? "none" : roles.joined(separator: ", "))")
                } else {
                    lines.append("      roles    not a Team member")
                }
                if let conflict = approval.conflictOfInterest { lines.append("      conflict \(conflict)") }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
