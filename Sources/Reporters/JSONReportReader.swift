import Foundation
import Documents
import Policy

/// Reads a report that `policy check --format json` wrote back into the model every reporter
/// renders (`Report` and `ReportMetadata`), through the same types `JSONReporter` writes
/// (`JSONReporter.Output`): `policy merge-reports` renders the merged shards with the reporters
/// `policy check` uses, no second copy of any of them.
///
/// What the JSON does not hold is what the writer derives: a finding's rule, subject and
/// runbook are its rule's and its subject's (the evaluator never gives a finding another
/// runbook than its rule's), a lifecycle's note comes from its status and gating, the summary
/// from the subjects. An evidence value keeps its JSON type (a whole number written as `28`
/// reads back as an integer and is written as `28` again).
public enum JSONReportReader {
    public struct ReadError: Error, CustomStringConvertible {
        public var description: String
    }

    public static func read(_ data: Data) throws(ReadError) -> (report: Report, metadata: ReportMetadata) {
        let output: JSONReporter.Output
        do {
            output = try JSONDecoder().decode(JSONReporter.Output.self, from: data)
        } catch let error as DecodingError {
            throw ReadError(description: "not a report of `policy check --format json`: \(describe(error))")
        } catch {
            throw ReadError(description: "not a report of `policy check --format json`: \(error)")
        }
        guard output.schemaVersion == JSONReporter.schemaVersion else {
            throw ReadError(description: "schemaVersion is \(output.schemaVersion), this policy reads \(JSONReporter.schemaVersion)")
        }
        var shard: Shard?
        if let written = output.shard {
            guard let valid = Shard(index: written.index, count: written.count) else {
                throw ReadError(description: "shard \(written.index)/\(written.count) is not a shard (1 ≤ K ≤ N ≤ \(Shard.maximumCount))")
            }
            shard = valid
        }
        var metadata = ReportMetadata(toolVersion: output.tool.version, evaluated: output.evaluated,
                                      policySource: output.policySource, policies: output.policies,
                                      documentCount: output.summary.documents)
        metadata.shard = shard
        let subjects = try output.subjects.map { written throws(ReadError) in try subjectResult(written) }
        return (Report(subjects: subjects), metadata)
    }

    static func subjectResult(_ written: JSONReporter.SubjectOutput) throws(ReadError) -> SubjectResult {
        var kind: DocumentKind?
        if let name = written.kind {
            guard let known = DocumentKind(rawValue: name) else {
                throw ReadError(description: "subject \(written.file): unknown kind '\(name)'")
            }
            kind = known
        }
        let subject = Subject(kind: kind, name: written.name, file: written.file)
        let rules = written.rules.map { rule in
            RuleEvaluation(ruleID: rule.id, description: rule.description, outcome: rule.outcome,
                           findings: rule.findings.map { finding(from: $0, rule: rule, subject: subject) },
                           evidence: rule.evidence.map { evidence in
                               let location = evidence.location.map(SourceLocation.init)
                               return Evidence(path: evidence.path,
                                               value: evidence.found ? evidence.value.yamlValue(at: location ?? .start(of: subject.file)) : nil,
                                               location: location)
                           },
                           runbook: rule.runbook, tags: rule.tags, ruleLocation: rule.definedAt.map(SourceLocation.init),
                           check: rule.check, notApplicable: rule.notApplicable)
        }
        var lifecycle: Lifecycle?
        if let written = written.lifecycle {
            guard let status = RequestStatus(rawValue: written.status), let gating = Lifecycle.Gating(rawValue: written.gating) else {
                throw ReadError(description: "subject \(subject): lifecycle '\(written.status)', gating '\(written.gating)' is not one a check writes")
            }
            lifecycle = Lifecycle(status: status, supersededBy: written.supersededBy, gating: gating,
                                  recorded: written.recordedVerdict.map { RecordedVerdict(verdict: $0.verdict, commit: $0.commit) })
        }
        return SubjectResult(subject: subject, rules: rules, lifecycle: lifecycle)
    }

    static func finding(from written: JSONReporter.FindingOutput, rule: JSONReporter.RuleOutput, subject: Subject) -> Finding {
        var finding = Finding(ruleID: rule.id, subject: subject, severity: written.severity, message: written.message,
                              location: SourceLocation(written.location),
                              notes: written.notes.map { Finding.Note($0.message, at: SourceLocation($0.location)) },
                              runbook: rule.runbook, tags: written.tags)
        finding.waivedBy = written.waivedBy
        return finding
    }

    /// Where in the JSON a decoding error is, and what.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.isEmpty ? "the top level" : String(keys.drop { $0 == "." })
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context)): missing key '\(key.stringValue)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context)): \(context.debugDescription)"
        case .dataCorrupted(let context):
            let underlying = context.underlyingError.map { ": \(($0 as NSError).localizedDescription)" } ?? ""
            if context.codingPath.isEmpty { return "malformed JSON: \(context.debugDescription)\(underlying)" }
            return "\(path(context)): \(context.debugDescription)\(underlying)"
        @unknown default:
            return "\(error)"
        }
    }
}

extension SourceLocation {
    init(_ location: JSONReporter.Location) {
        self.init(file: location.file, line: location.line, column: location.column)
    }
}
