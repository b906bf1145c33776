import Foundation
import Documents
import Policy

/// `--format sarif`: a SARIF 2.1.0 log (OASIS), valid against the official schema, for code
/// scanning dashboards (GitHub code scanning, Azure DevOps, IDE viewers).
///
/// One run. `tool.driver.rules` holds one reporting descriptor per distinct rule id
/// evaluated — `<policy>/<rule>`, `document/<code>`, `provenance/protected-paths`,
/// `waiver/in-force` — passing rules included, sorted by id. `results` holds one result per
/// finding, in the order of the text report (subjects in report order, worst first, then by
/// location); a waived finding stays, with a `suppressions` entry naming the waiver, so a
/// dashboard shows it as suppressed rather than forgetting it.
///
/// - Levels: `block` → `error`, `warn` → `warning`.
/// - Locations are repository-relative URIs with `uriBaseId: "%SRCROOT%"`; columns count
///   Unicode code points (as libyaml does), declared by `run.columnKind`.
/// - Help: `helpUri` must be an absolute URI, so a repository-relative runbook becomes one
///   only when it can be resolved: against `runbookBase` (e.g.
///   `https://github.com/o/r/blob/<sha>/`), else against `sourceRoot` (`file:///…/repo/`).
///   An absolute runbook URI is used as is. Without a base the runbook path still appears
///   in the rule's `help` text and `properties.runbook`, and `helpUri` is left out rather
///   than made invalid.
public struct SARIFReporter: Sendable {
    public static let version = "2.1.0"
    /// The `$schema` of the log: the id of the OASIS schema (errata 01).
    public static let schemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    public static let informationURI = ToolIdentity.url
    /// The base id every artifact location is relative to: the root of the repository.
    public static let sourceRootID = "%SRCROOT%"

    /// Absolute URI of the repository's working tree, ending in `/` (`file:///home/ci/repo/`):
    /// the value of `%SRCROOT%` in `originalUriBaseIds`. Nil leaves the base unresolved,
    /// which consumers such as GitHub code scanning expect (they resolve it to the checkout).
    public var sourceRoot: String?
    /// Absolute URI that repository-relative runbook paths resolve against for `helpUri`,
    /// e.g. `https://github.com/org/repo/blob/<sha>/`. Defaults to `sourceRoot`.
    public var runbookBase: String?

    public init(sourceRoot: String? = nil, runbookBase: String? = nil) {
        self.sourceRoot = sourceRoot.flatMap(Self.absoluteDirectory)
        self.runbookBase = runbookBase.flatMap(Self.absoluteDirectory)
    }

    public func render(_ report: Report, metadata: ReportMetadata) -> String {
        let log = Log(runs: [run(report, metadata: metadata)])
        guard let text = try? PrettyJSONEncoder.encode(log) else {
            return "{}\n"  // unreachable: every value above is encodable
        }
        return text + "\n"
    }

    func run(_ report: Report, metadata: ReportMetadata) -> Run {
        let rules = descriptors(report)
        let index = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($1.id, $0) })
        let results = ReporterSupport.orderedFindings(report).map { finding in
            result(finding, ruleIndex: index[finding.ruleID] ?? -1)
        }
        let base = ArtifactLocation(uri: sourceRoot, uriBaseId: nil,
                                    description: Message(text: "The root of the git repository that was checked."))
        return Run(tool: Tool(driver: Driver(name: "Tollgate", version: metadata.toolVersion,
                                             informationUri: Self.informationURI, rules: rules)),
                   originalUriBaseIds: [Self.sourceRootID: base],
                   columnKind: "unicodeCodePoints",
                   results: results,
                   properties: RunProperties(evaluated: metadata.evaluated, policySource: metadata.policySource,
                                             policies: metadata.policies, documentCount: metadata.documentCount,
                                             verdict: report.verdict.rawValue))
    }

    /// One descriptor per rule id, sorted by id; description, runbook and tags come from the
    /// first evaluation that has them (every subject evaluates the same rule definition).
    func descriptors(_ report: Report) -> [ReportingDescriptor] {
        var rules: [String: (description: String?, runbook: String?, tags: [String])] = [:]
        for subject in report.subjects {
            for rule in subject.rules {
                var entry = rules[rule.ruleID] ?? (nil, nil, [])
                entry.description = entry.description ?? rule.description
                entry.runbook = entry.runbook ?? rule.runbook ?? rule.findings.lazy.compactMap(\.runbook).first
                entry.tags += rule.tags + rule.findings.flatMap(\.tags)
                rules[rule.ruleID] = entry
                // A finding always carries its rule's id; should one not, it still gets a descriptor.
                for finding in rule.findings where finding.ruleID != rule.ruleID {
                    var other = rules[finding.ruleID] ?? (nil, nil, [])
                    other.runbook = other.runbook ?? finding.runbook
                    other.tags += finding.tags
                    rules[finding.ruleID] = other
                }
            }
        }
        return rules.keys.sorted().map { id in
            let entry = rules[id] ?? (nil, nil, [])
            let summary = entry.description ?? Self.builtInDescription(id) ?? id
            var help: MultiformatMessage?
            if let runbook = entry.runbook {
                help = MultiformatMessage(text: "\(summary)\nRunbook: \(runbook)",
                                          markdown: "\(summary)\n\nRunbook: [\(runbook)](\(ReporterSupport.link(runbook, base: runbookBase ?? sourceRoot)))")
            }
            let tags = Array(Set(entry.tags)).sorted()
            return ReportingDescriptor(id: id, shortDescription: Message(text: summary),
                                       helpUri: entry.runbook.flatMap(helpURI), help: help,
                                       properties: RuleProperties(tags: tags.isEmpty ? nil : tags, runbook: entry.runbook))
        }
    }

    /// An absolute URI for a runbook, or nil when it is relative and there is no base.
    func helpURI(_ runbook: String) -> String? {
        if ReporterSupport.isAbsoluteURI(runbook) { return ReporterSupport.encodeURI(runbook) }
        guard let base = runbookBase ?? sourceRoot else { return nil }
        return ReporterSupport.link(runbook, base: base)
    }

    /// What the rules that are not written in a policy check.
    static func builtInDescription(_ ruleID: String) -> String? {
        switch ruleID {
        case "provenance/protected-paths":
            return "Every commit that changes a protected path is signed by a member who holds the path's role."
        case "waiver/in-force":
            return "Every waiver is in force: not expired, and carrying the approvals the Config asks for."
        default:
            guard ruleID.hasPrefix("document/"),
                  let code = Diagnostic.Code.allCases.first(where: { "document/\($0.rawValue)" == ruleID }) else { return nil }
            return code.summary.prefix(1).uppercased() + code.summary.dropFirst() + "."
        }
    }

    func result(_ finding: Finding, ruleIndex: Int) -> ResultObject {
        let notes = finding.notes.enumerated().map { index, note in
            Location(id: index + 1, physicalLocation: physicalLocation(note.location), message: Message(text: note.message))
        }
        let tags = Array(Set(finding.tags)).sorted()
        return ResultObject(ruleId: finding.ruleID, ruleIndex: ruleIndex,
                      level: finding.severity == .block ? "error" : "warning",
                      message: Message(text: finding.message),
                      locations: [Location(id: nil, physicalLocation: physicalLocation(finding.location), message: nil)],
                      relatedLocations: notes.isEmpty ? nil : notes,
                      suppressions: finding.waivedBy.map { [Suppression(kind: "external", status: "accepted", justification: "waived by \($0)")] },
                      properties: ResultProperties(subject: finding.subject.description, subjectFile: finding.subject.file,
                                                   tags: tags.isEmpty ? nil : tags, runbook: finding.runbook))
    }

    func physicalLocation(_ location: SourceLocation) -> PhysicalLocation {
        let artifact: ArtifactLocation
        if location.file.hasPrefix("/") {
            artifact = ArtifactLocation(uri: "file://" + ReporterSupport.uriPath(location.file), uriBaseId: nil, description: nil)
        } else {
            artifact = ArtifactLocation(uri: ReporterSupport.uriPath(location.file), uriBaseId: Self.sourceRootID, description: nil)
        }
        return PhysicalLocation(artifactLocation: artifact,
                                region: Region(startLine: max(1, location.line), startColumn: max(1, location.column)))
    }

    /// `text` as an absolute URI ending in `/` (spaces and the like encoded), or nil when it
    /// is not absolute.
    static func absoluteDirectory(_ text: String) -> String? {
        guard ReporterSupport.isAbsoluteURI(text) else { return nil }
        let uri = ReporterSupport.encodeURI(text)
        return uri.hasSuffix("/") ? uri : uri + "/"
    }

    // MARK: - The SARIF objects Tollgate writes (a subset of the schema; nil fields are omitted)

    struct Log: Encodable {
        var schema = SARIFReporter.schemaURI
        var version = SARIFReporter.version
        var runs: [Run]

        enum CodingKeys: String, CodingKey {
            case schema = "$schema", version, runs
        }
    }

    struct Run: Encodable {
        var tool: Tool
        var originalUriBaseIds: [String: ArtifactLocation]
        var columnKind: String
        var results: [ResultObject]
        var properties: RunProperties
    }

    struct RunProperties: Encodable {
        var evaluated: String
        var policySource: String
        var policies: [String]
        var documentCount: Int
        var verdict: String
    }

    struct Tool: Encodable { var driver: Driver }

    struct Driver: Encodable {
        var name: String
        var version: String
        var informationUri: String
        var rules: [ReportingDescriptor]
    }

    struct ReportingDescriptor: Encodable {
        var id: String
        var shortDescription: Message
        var helpUri: String?
        var help: MultiformatMessage?
        var properties: RuleProperties
    }

    struct RuleProperties: Encodable {
        var tags: [String]?
        var runbook: String?
    }

    struct Message: Encodable { var text: String }

    struct MultiformatMessage: Encodable {
        var text: String
        var markdown: String
    }

    struct ResultObject: Encodable {
        var ruleId: String
        var ruleIndex: Int
        var level: String
        var message: Message
        var locations: [Location]
        var relatedLocations: [Location]?
        var suppressions: [Suppression]?
        var properties: ResultProperties
    }

    struct ResultProperties: Encodable {
        var subject: String
        var subjectFile: String
        var tags: [String]?
        var runbook: String?
    }

    struct Suppression: Encodable {
        var kind: String
        var status: String
        var justification: String
    }

    struct Location: Encodable {
        var id: Int?
        var physicalLocation: PhysicalLocation
        var message: Message?
    }

    struct PhysicalLocation: Encodable {
        var artifactLocation: ArtifactLocation
        var region: Region
    }

    struct ArtifactLocation: Encodable {
        var uri: String?
        var uriBaseId: String?
        var description: Message?
    }

    struct Region: Encodable {
        var startLine: Int
        var startColumn: Int
    }
}
