import Documents
import Policy

/// `--format junit`: JUnit XML for CI test reports (GitLab, Jenkins, Azure DevOps, GitHub
/// test-report actions). One `<testsuite>` per subject (name = the subject, e.g.
/// `PromotionRequest/fraud-student-2.1.0-production`), one `<testcase>` per subject × rule
/// (`classname` = the subject, `name` = the rule id), in report order.
///
/// How a rule shows:
/// - its findings reach `failOn` (a `block`, or also a `warn` with `--fail-on warn`): a
///   `<failure type="block|warn" message="…">` whose text gives every finding with its
///   location (`file:line:col`), notes and runbook. The test report is red exactly when
///   the gate's exit code is.
/// - it only warns (below `failOn`): a passing testcase whose `<system-out>` carries the
///   warnings (`warn: …`), since a warning does not stop the release; CI systems show
///   the output on the testcase without failing the build.
/// - its findings are all waived: `<skipped message="waived by <waiver> until <date>">`.
/// - it holds: a plain testcase.
///
/// Counts (`tests`, `failures`, `errors` — always 0 — and `skipped`) are on every
/// `<testsuite>` and on `<testsuites>`.
public struct JUnitReporter: Sendable {
    /// The least severity that fails a testcase, as `policy check --fail-on`.
    public var failOn: Verdict

    public init(failOn: Verdict = .block) {
        self.failOn = max(failOn, .warn)
    }

    /// What a testcase says about one rule of one subject.
    enum Status: Equatable {
        case passed(output: String?)
        case failed(type: String, message: String, details: String)
        case skipped(message: String, details: String)
    }

    public func render(_ report: Report, metadata: ReportMetadata) -> String {
        let suites = report.subjects.map { result in
            (result, result.rules.map { ($0, status($0)) })
        }
        let all = suites.flatMap(\.1).map(\.1)
        var lines = [#"<?xml version="1.0" encoding="UTF-8"?>"#]
        lines.append("<testsuites\(Self.attributes([("name", "Tollgate")] + Self.counts(all)))>")
        for (result, cases) in suites {
            lines.append("  <testsuite\(Self.attributes([("name", result.subject.description)] + Self.counts(cases.map(\.1))))>")
            lines.append("    <properties>")
            lines.append("      <property\(Self.attributes([("name", "file"), ("value", result.subject.file)]))/>")
            lines.append("      <property\(Self.attributes([("name", "verdict"), ("value", result.verdict.rawValue)]))/>")
            lines.append("      <property\(Self.attributes([("name", "evaluated"), ("value", metadata.evaluated)]))/>")
            lines.append("    </properties>")
            for (rule, status) in cases {
                let open = "    <testcase\(Self.attributes([("classname", result.subject.description), ("name", rule.ruleID)]))"
                switch status {
                case .passed(nil):
                    lines.append(open + "/>")
                case .passed(let output?):
                    lines.append(open + ">")
                    lines.append("      <system-out>\(XMLEscaping.text(output))</system-out>")
                    lines.append("    </testcase>")
                case .failed(let type, let message, let details):
                    lines.append(open + ">")
                    lines.append("      <failure\(Self.attributes([("type", type), ("message", message)]))>\(XMLEscaping.text(details))</failure>")
                    lines.append("    </testcase>")
                case .skipped(let message, let details):
                    lines.append(open + ">")
                    lines.append("      <skipped\(Self.attributes([("message", message)]))>\(XMLEscaping.text(details))</skipped>")
                    lines.append("    </testcase>")
                }
            }
            lines.append("  </testsuite>")
        }
        lines.append("</testsuites>")
        return lines.joined(separator: "\n") + "\n"
    }

    func status(_ rule: RuleEvaluation) -> Status {
        let findings = ReporterSupport.ordered(rule.findings)
        let active = findings.filter(\.isActive)
        if let worst = active.map(\.severity).max() {
            if worst >= failOn {
                let failing = active.filter { $0.severity >= failOn }
                return .failed(type: worst.rawValue, message: failing.map(\.message).joined(separator: "; "),
                               details: active.map(Self.details).joined(separator: "\n"))
            }
            return .passed(output: active.map(Self.details).joined(separator: "\n"))
        }
        if findings.isEmpty, rule.outcome >= failOn {
            // A rule folded into its subject's one root-cause finding (a document it reads
            // cannot be read) keeps its outcome: it must not read as a passing test.
            return .failed(type: rule.outcome.rawValue,
                           message: "not evaluated: a document it reads cannot be resolved (see the subject's document/reference finding)",
                           details: "")
        }
        if !findings.isEmpty {
            let waivers = Array(Set(findings.compactMap(\.waivedBy))).sorted()
            return .skipped(message: "waived by \(waivers.joined(separator: ", "))",
                            details: findings.map(Self.details).joined(separator: "\n"))
        }
        if let reason = rule.notApplicable {
            // It passes, but it was not checked: a skipped test says so in every CI viewer.
            return .skipped(message: "not applicable: \(reason)", details: "")
        }
        return .passed(output: nil)
    }

    /// One finding as the text report writes it: message and location, then notes and runbook.
    static func details(_ finding: Finding) -> String {
        var lines = ["\(finding.severity.rawValue): \(finding.message) (\(finding.location))"]
        for note in finding.notes {
            lines.append("  note: \(note.message) (\(note.location))")
        }
        if let runbook = finding.runbook { lines.append("  runbook: \(runbook)") }
        return lines.joined(separator: "\n")
    }

    static func counts(_ statuses: [Status]) -> [(String, String)] {
        var failures = 0, skipped = 0
        for status in statuses {
            switch status {
            case .failed: failures += 1
            case .skipped: skipped += 1
            case .passed: break
            }
        }
        return [("tests", "\(statuses.count)"), ("failures", "\(failures)"), ("errors", "0"), ("skipped", "\(skipped)")]
    }

    static func attributes(_ pairs: [(String, String)]) -> String {
        pairs.map { " \($0.0)=\"\(XMLEscaping.attribute($0.1))\"" }.joined()
    }
}
