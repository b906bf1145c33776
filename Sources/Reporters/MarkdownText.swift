import Documents
import Policy

/// GitHub-flavoured Markdown pieces shared by the Markdown report and the GitHub step
/// summary: escaping that keeps user text inside its table cell, badges, the footer.
enum MarkdownText {
    /// User text for a table cell or a list item: `|` escaped (it would end the cell), line
    /// breaks as `<br>` (a newline would end the row), a backslash doubled (it would escape
    /// what follows), and `&`, `<`, `>` as entities so that text such as `<none>` is not
    /// swallowed as an HTML tag.
    static func inline(_ text: String) -> String {
        var escaped = ""
        var afterCR = false
        for scalar in text.unicodeScalars {
            defer { afterCR = scalar == "\r" }
            switch scalar {
            case "|": escaped += "\\|"
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\n" where afterCR: break
            case "\n", "\r", "\u{2028}", "\u{2029}": escaped += "<br>"
            case "\\": escaped += "\\\\"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// An identifier (rule id, subject) as inline code. The pipe stays escaped: in a GFM table
    /// it splits the cell even inside a code span.
    static func code(_ text: String) -> String {
        let body = replacing(text, ["\n": " ", "\r": " ", "|": "\\|"])
        return body.contains("`") ? "`` \(body) ``" : "`\(body)`"
    }

    /// `[text](url)`; the text is inline-escaped, brackets too.
    static func link(_ text: String, to url: String) -> String {
        let label = replacing(inline(text), ["[": "\\[", "]": "\\]"])
        return "[\(label)](\(replacing(url, [")": "%29", " ": "%20"])))"
    }

    static func replacing(_ text: String, _ replacements: [Unicode.Scalar: String]) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if let replacement = replacements[scalar] { result += replacement } else { result.unicodeScalars.append(scalar) }
        }
        return result
    }

    static func emoji(_ verdict: Verdict) -> String {
        switch verdict {
        case .pass: return "✅"
        case .warn: return "⚠️"
        case .block: return "⛔"
        }
    }

    static func badge(_ verdict: Verdict) -> String {
        "\(emoji(verdict)) \(verdict.rawValue)"
    }

    static func plural(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(count) \(count == 1 ? singular : plural ?? singular + "s")"
    }

    /// "3 subjects · 1 blocked, 0 warned, 2 passed · 1 blocking reason, 2 warnings · 1 waived"
    static func counts(_ report: Report) -> String {
        let verdicts = report.subjects.map(\.verdict)
        let active = report.findings.filter(\.isActive)
        let blocking = active.filter { $0.severity == .block }.count
        var parts = [plural(report.subjects.count, "subject"),
                     "\(verdicts.filter { $0 == .block }.count) blocked, \(verdicts.filter { $0 == .warn }.count) warned, \(verdicts.filter { $0 == .pass }.count) passed",
                     "\(plural(blocking, "blocking reason")), \(plural(active.count - blocking, "warning"))"]
        let waived = report.findings.count - active.count
        if waived > 0 { parts.append("\(waived) waived") }
        return parts.joined(separator: " · ")
    }

    /// What was checked, from the metadata, as one line.
    static func footer(_ metadata: ReportMetadata) -> String {
        let policies = metadata.policies.isEmpty ? "" : " (\(metadata.policies.map(code).joined(separator: ", ")))"
        let source = metadata.policySource == metadata.evaluated ? "" : "; policies from the \(inline(metadata.policySource))"
        return "<sub>Tollgate \(inline(metadata.toolVersion)) checked the \(inline(metadata.evaluated)) with "
            + "\(plural(metadata.policies.count, "policy", "policies"))\(policies)\(source) · "
            + "\(plural(metadata.documentCount, "document"))</sub>"
    }
}
