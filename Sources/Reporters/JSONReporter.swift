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
        var writer = JSONStreamWriter(capacity: 1 << 20)
        Output(report: report, metadata: metadata, subjects: false).write(to: &writer, subjects: report.subjects)
        writer.newline()
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Writes the report in pieces of about a megabyte to `sink`: the same bytes as
    /// `render`, without holding them all.
    public func write(_ report: Report, metadata: ReportMetadata, to sink: @escaping (ArraySlice<UInt8>) -> Void) {
        var writer = JSONStreamWriter(capacity: 1 << 20, flushingTo: sink)
        Output(report: report, metadata: metadata, subjects: false).write(to: &writer, subjects: report.subjects)
        writer.newline()
        writer.flush()
    }

    /// Subjects rendered apart before they are written, in order: a bound on the bytes held.
    static let batchSize = 256

    /// Writes each subject into the open `subjects` array, in order. With many subjects they
    /// are rendered on every core, each into bytes of its own (`JSONStreamWriter(element:at:)`),
    /// a batch at a time, then appended in order: the same bytes as writing them one by one.
    static func writeSubjects(_ subjects: [SubjectResult], to w: inout JSONStreamWriter) {
        guard Parallelism.isWorthThreads(subjects.count) else {
            for subject in subjects { SubjectOutput(subject).write(to: &w) }
            return
        }
        for batch in stride(from: 0, to: subjects.count, by: batchSize) {
            let end = min(subjects.count, batch + batchSize)
            let position = w.position
            let rendered = Parallelism.map(Array(batch..<end)) { index -> [UInt8] in
                var element = JSONStreamWriter(element: index - batch, at: position)
                SubjectOutput(subjects[index]).write(to: &element)
                return element.bytes
            }
            for element in rendered { w.append(element: element) }
        }
    }

    /// The same report through `Codable`, keys sorted by the encoder: the reference the
    /// hand-written `write(to:)` methods are tested against.
    func renderEncodable(_ report: Report, metadata: ReportMetadata) -> String {
        guard let text = try? PrettyJSONEncoder.encode(Output(report: report, metadata: metadata)) else { return "{}\n" }
        return text + "\n"
    }

    struct Output: Codable {
        var schemaVersion = JSONReporter.schemaVersion
        /// Only in the report of one shard (`--shard K/N`).
        var shard: ShardOutput?
        var tool: Tool
        var verdict: Verdict
        var evaluated: String
        var policySource: String
        var policies: [String]
        var summary: Summary
        var subjects: [SubjectOutput]

        /// - Parameter subjects: convert the subjects too (`Codable`); without, `write(to:subjects:)`
        ///   converts each as it writes it.
        init(report: Report, metadata: ReportMetadata, subjects convertsSubjects: Bool = true) {
            tool = Tool(name: "tollgate", version: metadata.toolVersion)
            verdict = report.verdict
            evaluated = metadata.evaluated
            policySource = metadata.policySource
            policies = metadata.policies
            shard = metadata.shard.map { ShardOutput(index: $0.index, count: $0.count) }
            let verdicts = report.subjects.map(\.verdict)
            let findings = report.findings.filter(\.isActive)
            summary = Summary(documents: metadata.documentCount, subjects: report.subjects.count,
                              pass: verdicts.filter { $0 == .pass }.count,
                              warn: verdicts.filter { $0 == .warn }.count,
                              block: verdicts.filter { $0 == .block }.count,
                              blockingFindings: findings.filter { $0.severity == .block }.count,
                              warningFindings: findings.filter { $0.severity == .warn }.count,
                              waivedFindings: report.findings.count - findings.count,
                              tags: JSONReporter.tags(report),
                              frameworks: Dictionary(uniqueKeysWithValues: report.coverageByFramework.map {
                                  ($0.name, Coverage($0))
                              }))
            subjects = convertsSubjects ? report.subjects.map(SubjectOutput.init) : []
        }
    }

    /// Every tag of an evaluated rule: its findings that count (block, warn, the rules behind
    /// them) and its rule evaluations (pass, notApplicable, rulesBlocked, rulesWarned).
    static func tags(_ report: Report) -> [String: TagSummary] {
        let findings = Dictionary(uniqueKeysWithValues: report.findingsByTag.map { ($0.tag, $0.findings) })
        return Dictionary(uniqueKeysWithValues: report.coverageByTag.map { coverage in
            let found = findings[coverage.name] ?? []
            return (coverage.name, TagSummary(block: found.filter { $0.severity == .block }.count,
                                              warn: found.filter { $0.severity == .warn }.count,
                                              rules: Array(Set(found.map(\.ruleID))).sorted(),
                                              coverage: Coverage(coverage)))
        })
    }

    struct Tool: Codable { var name: String; var version: String }

    struct ShardOutput: Codable { var index: Int; var count: Int }

    struct Summary: Codable {
        var documents: Int
        var subjects: Int
        var pass: Int
        var warn: Int
        var block: Int
        var blockingFindings: Int
        var warningFindings: Int
        var waivedFindings: Int
        /// Findings that count and rule evaluations, by compliance tag.
        var tags: [String: TagSummary]
        /// Rule evaluations by compliance framework (the tag's prefix).
        var frameworks: [String: Coverage]?
    }

    struct TagSummary: Codable {
        /// Findings that count.
        var block: Int
        var warn: Int
        var rules: [String]
        /// Rule evaluations (one rule for one subject) by outcome.
        var coverage: Coverage?
    }

    struct Coverage: Codable {
        var pass: Int
        var warn: Int
        var block: Int
        var notApplicable: Int

        init(_ coverage: ComplianceCoverage) {
            pass = coverage.pass
            warn = coverage.warn
            block = coverage.block
            notApplicable = coverage.notApplicable
        }
    }

    struct SubjectOutput: Codable {
        var kind: String?
        var name: String?
        var file: String
        var verdict: Verdict
        var rules: [RuleOutput]
        var lifecycle: LifecycleOutput?

        init(_ result: SubjectResult) {
            kind = result.subject.kind?.rawValue
            name = result.subject.name
            file = result.subject.file
            verdict = result.verdict
            rules = result.rules.map(RuleOutput.init)
            lifecycle = result.lifecycle.map(LifecycleOutput.init)
        }
    }

    /// A request that states a decision: its status, whether it was gated and why, and for a
    /// decided one the verdict recorded for it (null when none was).
    struct LifecycleOutput: Codable {
        var status: String
        var supersededBy: String?
        var gated: Bool
        var gating: String
        var recordedVerdict: RecordedOutput?
        var note: String

        init(_ lifecycle: Lifecycle) {
            status = lifecycle.status.rawValue
            supersededBy = lifecycle.supersededBy
            gated = lifecycle.isGated
            gating = lifecycle.gating.rawValue
            recordedVerdict = lifecycle.recorded.map { RecordedOutput(verdict: $0.verdict, commit: $0.commit) }
            note = lifecycle.note
        }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(status, forKey: .status)
            try container.encodeIfPresent(supersededBy, forKey: .supersededBy)
            try container.encode(gated, forKey: .gated)
            try container.encode(gating, forKey: .gating)
            try container.encode(recordedVerdict, forKey: .recordedVerdict)
            try container.encode(note, forKey: .note)
        }

        enum CodingKeys: String, CodingKey {
            case status, supersededBy, gated, gating, recordedVerdict, note
        }
    }

    struct RecordedOutput: Codable {
        var verdict: Verdict
        var commit: String
    }

    struct RuleOutput: Codable {
        var id: String
        var check: String?
        var description: String?
        var outcome: Verdict
        var runbook: String?
        var tags: [String]
        var definedAt: Location?
        var evidence: [EvidenceOutput]
        var findings: [FindingOutput]
        var notApplicable: String?

        init(_ rule: RuleEvaluation) {
            notApplicable = rule.notApplicable
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

    struct EvidenceOutput: Codable {
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

    struct FindingOutput: Codable {
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

    struct NoteOutput: Codable {
        var message: String
        var location: Location
    }

    struct Location: Codable {
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

// MARK: - Writing, keys in sorted order

extension JSONReporter.Output {
    func write(to w: inout JSONStreamWriter) {
        write(to: &w) { w in for subject in subjects { subject.write(to: &w) } }
    }

    /// Writes the report with the subjects of `results` (converted as they are written).
    func write(to w: inout JSONStreamWriter, subjects results: [SubjectResult]) {
        write(to: &w) { w in JSONReporter.writeSubjects(results, to: &w) }
    }

    private func write(to w: inout JSONStreamWriter, subjects writeSubjects: (inout JSONStreamWriter) -> Void) {
        w.beginObject()
        w.field("evaluated", evaluated)
        w.field("policies", strings: policies)
        w.field("policySource", policySource)
        w.field("schemaVersion", schemaVersion)
        if let shard {
            w.key("shard")
            w.beginObject()
            w.field("count", shard.count)
            w.field("index", shard.index)
            w.endObject()
        }
        w.key("subjects")
        w.beginArray()
        writeSubjects(&w)
        w.endArray()
        w.key("summary")
        summary.write(to: &w)
        w.key("tool")
        w.beginObject()
        w.field("name", tool.name)
        w.field("version", tool.version)
        w.endObject()
        w.field("verdict", verdict.rawValue)
        w.endObject()
    }
}

extension JSONReporter.Summary {
    func write(to w: inout JSONStreamWriter) {
        w.beginObject()
        w.field("block", block)
        w.field("blockingFindings", blockingFindings)
        w.field("documents", documents)
        if let frameworks {
            w.key("frameworks")
            w.beginObject()
            for name in frameworks.keys.sorted() {
                w.key(name)
                frameworks[name]!.write(to: &w)
            }
            w.endObject()
        }
        w.field("pass", pass)
        w.field("subjects", subjects)
        w.key("tags")
        w.beginObject()
        for tag in tags.keys.sorted() {
            let summary = tags[tag]!
            w.key(tag)
            w.beginObject()
            w.field("block", summary.block)
            if let coverage = summary.coverage {
                w.key("coverage")
                coverage.write(to: &w)
            }
            w.field("rules", strings: summary.rules)
            w.field("warn", summary.warn)
            w.endObject()
        }
        w.endObject()
        w.field("waivedFindings", waivedFindings)
        w.field("warn", warn)
        w.field("warningFindings", warningFindings)
        w.endObject()
    }
}

extension JSONReporter.Coverage {
    func write(to w: inout JSONStreamWriter) {
        w.beginObject()
        w.field("block", block)
        w.field("notApplicable", notApplicable)
        w.field("pass", pass)
        w.field("warn", warn)
        w.endObject()
    }
}

extension JSONReporter.SubjectOutput {
    func write(to w: inout JSONStreamWriter) {
        w.beginObject()
        w.field("file", file)
        w.field("kind", kind)
        if let lifecycle {
            w.key("lifecycle")
            lifecycle.write(to: &w)
        }
        w.field("name", name)
        w.key("rules")
        w.beginArray()
        for rule in rules { rule.write(to: &w) }
        w.endArray()
        w.field("verdict", verdict.rawValue)
        w.endObject()
    }
}

extension JSONReporter.LifecycleOutput {
    func write(to w: inout JSONStreamWriter) {
        w.beginObject()
        w.field("gated", gated)
        w.field("gating", gating)
        w.field("note", note)
        w.key("recordedVerdict")
        if let recordedVerdict {
            w.beginObject()
            w.field("commit", recordedVerdict.commit)
            w.field("verdict", recordedVerdict.verdict.rawValue)
            w.endObject()
        } else {
            w.null()
        }
        w.field("status", status)
        w.field("supersededBy", supersededBy)
        w.endObject()
    }
}

extension JSONReporter.RuleOutput {
    func write(to w: inout JSONStreamWriter) {
        w.beginObject()
        w.field("check", check)
        if let definedAt {
            w.key("definedAt")
            definedAt.write(to: &w)
        }
        w.field("description", description)
        w.key("evidence")
        w.beginArray()
        for item in evidence {
            w.beginObject()
            w.field("found", item.found)
            if let location = item.location {
                w.key("location")
                location.write(to: &w)
            }
            w.field("path", item.path)
            w.key("value")
            item.value.write(to: &w)
            w.endObject()
        }
        w.endArray()
        w.key("findings")
        w.beginArray()
        for finding in findings { finding.write(to: &w) }
        w.endArray()
        w.field("id", id)
        w.field("notApplicable", notApplicable)
        w.field("outcome", outcome.rawValue)
        w.field("runbook", runbook)
        w.field("tags", strings: tags)
        w.endObject()
    }
}

extension JSONReporter.FindingOutput {
    func write(to w: inout JSONStreamWriter) {
        w.beginObject()
        w.key("location")
        location.write(to: &w)
        w.field("message", message)
        w.key("notes")
        w.beginArray()
        for note in notes {
            w.beginObject()
            w.key("location")
            note.location.write(to: &w)
            w.field("message", note.message)
            w.endObject()
        }
        w.endArray()
        w.field("severity", severity.rawValue)
        w.field("tags", strings: tags)
        w.field("waivedBy", waivedBy)
        w.endObject()
    }
}

extension JSONReporter.Location {
    func write(to w: inout JSONStreamWriter) {
        w.beginObject()
        w.field("column", column)
        w.field("file", file)
        w.field("line", line)
        w.endObject()
    }
}

extension JSONValue {
    func write(to w: inout JSONStreamWriter) {
        switch self {
        case .null: w.null()
        case .bool(let b): w.bool(b)
        case .int(let i): w.int(i)
        case .double(let d): w.double(d)
        case .string(let s): w.string(s)
        case .array(let items):
            w.beginArray()
            for item in items { item.write(to: &w) }
            w.endArray()
        case .object(let pairs):
            w.beginObject()
            for (key, value) in pairs.sorted(by: { $0.0 < $1.0 }) {
                w.key(key)
                value.write(to: &w)
            }
            w.endObject()
        }
    }
}
