import Foundation
import Documents
import Policy

/// The machine report (`--format json`): stable, versioned (`schemaVersion`), documented
/// in docs/json-output.md. It lists every rule evaluated for every subject — passes too —
/// with the values each rule read and where, so an auditor sees the evidence.
public struct JSONReporter: Sendable {
    public static let schemaVersion = "tollgate.dev/check/v1"

    public init() {}

    public func render(_ report: Report, metadata: ReportMetadata) -> String {
        let document = Output(report: report, metadata: metadata)
        guard let text = try? PrettyJSONEncoder.encode(document) else {
            return "{}\n"  // unreachable: every value above is encodable
        }
        return text + "\n"
    }

    struct Output: Encodable {
        var schemaVersion = JSONReporter.schemaVersion
        var tool: Tool
        var verdict: Verdict
        var evaluated: String
        var policySource: String
        var policies: [String]
        var summary: Summary
        var subjects: [SubjectOutput]

        init(report: Report, metadata: ReportMetadata) {
            tool = Tool(name: "tollgate", version: metadata.toolVersion)
            verdict = report.verdict
            evaluated = metadata.evaluated
            policySource = metadata.policySource
            policies = metadata.policies
            let verdicts = report.subjects.map(\.verdict)
            let findings = report.findings.filter(\.isActive)
            summary = Summary(documents: metadata.documentCount, subjects: report.subjects.count,
                              pass: verdicts.filter { $0 == .pass }.count,
                              warn: verdicts.filter { $0 == .warn }.count,
                              block: verdicts.filter { $0 == .block }.count,
                              blockingFindings: findings.filter { $0.severity == .block }.count,
                              warningFindings: findings.filter { $0.severity == .warn }.count,
                              waivedFindings: report.findings.count - findings.count,
                              tags: Dictionary(uniqueKeysWithValues: report.findingsByTag.map { group in
                                  (group.tag, TagSummary(block: group.findings.filter { $0.severity == .block }.count,
                                                         warn: group.findings.filter { $0.severity == .warn }.count,
                                                         rules: Array(Set(group.findings.map(\.ruleID))).sorted()))
                              }))
            subjects = report.subjects.map(SubjectOutput.init)
        }
    }

    struct Tool: Encodable { var name: String; var version: String }

    struct Summary: Encodable {
        var documents: Int
        var subjects: Int
        var pass: Int
        var warn: Int
        var block: Int
        var blockingFindings: Int
        var warningFindings: Int
        var waivedFindings: Int
        /// Findings that count, by compliance tag.
        var tags: [String: TagSummary]
    }

    struct TagSummary: Encodable {
        var block: Int
        var warn: Int
        var rules: [String]
    }

    struct SubjectOutput: Encodable {
        var kind: String?
        var name: String?
        var file: String
        var verdict: Verdict
        var rules: [RuleOutput]

        init(_ result: SubjectResult) {
            kind = result.subject.kind?.rawValue
            name = result.subject.name
            file = result.subject.file
            verdict = result.verdict
            rules = result.rules.map(RuleOutput.init)
        }
    }

    struct RuleOutput: Encodable {
        var id: String
        var check: String?
        var description: String?
        var outcome: Verdict
        var runbook: String?
        var tags: [String]
        var definedAt: Location?
        var evidence: [EvidenceOutput]
        var findings: [FindingOutput]

        init(_ rule: RuleEvaluation) {
            id = rule.ruleID
            check = rule.check
            description = rule.description
            outcome = rule.outcome
            runbook = rule.runbook
            tags = rule.tags
            definedAt = rule.ruleLocation.map(Location.init)
            evidence = rule.evidence.map(EvidenceOutput.init)
            findings = rule.findings.map(FindingOutput.init)
        }
    }

    struct EvidenceOutput: Encodable {
        var path: String
        var found: Bool
        var value: JSONValue
        var location: Location?

        init(_ evidence: Evidence) {
            path = evidence.path
            found = evidence.value != nil
            value = evidence.value.map(JSONValue.init) ?? .null
            location = evidence.location.map(Location.init)
        }
    }

    struct FindingOutput: Encodable {
        var severity: Verdict
        var message: String
        var location: Location
        var notes: [NoteOutput]
        var tags: [String]
        var waivedBy: String?

        init(_ finding: Finding) {
            tags = finding.tags
            waivedBy = finding.waivedBy
            severity = finding.severity
            message = finding.message
            location = Location(finding.location)
            notes = finding.notes.map { NoteOutput(message: $0.message, location: Location($0.location)) }
        }
    }

    struct NoteOutput: Encodable {
        var message: String
        var location: Location
    }

    struct Location: Encodable {
        var file: String
        var line: Int
        var column: Int

        init(_ location: SourceLocation) {
            file = location.file
            line = location.line
            column = location.column
        }
    }
}
