import Documents

/// `incidents: {blockSeverities: [SEV1, SEV2], statuses?: [open, mitigated]}` — no incident
/// of the model in one of those severities is still in one of those statuses.
public struct IncidentsCheck: Check {
    public static let keyword = "incidents"
    public static let summary = """
        No Incident of the subject's model (`spec.model`) with a severity in `blockSeverities` \
        may be in one of `statuses` (default: open). An incident that names the versions it \
        affects (`spec.versions`) counts only for a subject of one of those versions \
        (`spec.version`); one that names none is model-wide and counts for every version. \
        Each such incident is a finding located at its status.
        """
    static let severities = ["SEV1", "SEV2", "SEV3", "SEV4"]
    public static let schema = ObjectSchema([
        FieldSchema("blockSeverities", .list(.oneOf(severities), minItems: 1), "severities that block"),
        .optional("statuses", .list(.oneOf(["open", "mitigated", "resolved"]), minItems: 1), "statuses that count as not over (default [open])"),
    ])

    public var blockSeverities: [String]
    public var statuses: [String]
    var location: SourceLocation

    public init?(_ spec: YAMLValue, diagnostics: inout [Diagnostic]) {
        guard let list = spec["blockSeverities"]?.list else { return nil }
        blockSeverities = list.compactMap(\.string)
        statuses = spec["statuses"]?.list?.compactMap(\.string) ?? ["open"]
        location = spec["blockSeverities"]?.location ?? spec.location
    }

    public func evaluate(in context: EvaluationContext) -> CheckOutcome {
        var outcome = CheckOutcome()
        guard let model = context.subject.text("model") else {
            outcome.violations.append(Violation("the subject names no model (spec.model); the rule fails closed", at: context.subject.nameLocation))
            return outcome
        }
        let version = context.subject.text("version")
        let incidents = context.documents.documents(of: .incident, where: "model", is: model)
        for incident in incidents {
            let status = incident.text("status") ?? "?"
            let severity = incident.text("severity") ?? "?"
            let statusLocation = incident.spec.value(at: "status")?.location ?? incident.nameLocation
            // Versions it names: only those are affected. A subject without a version is
            // affected by every incident of its model (fail closed).
            let versions = incident.spec.value(at: "versions")?.list?.compactMap(\.string) ?? []
            let affects = versions.isEmpty || version.map(versions.contains) ?? true
            let scope = versions.isEmpty ? "" : " (versions \(versions.joined(separator: ", "))\(affects ? "" : "; not \(version ?? "?")"))"
            outcome.evidence.append(Evidence(path: "incidents[\(incident.name)]",
                                             value: YAMLValue(.string("\(severity) \(status)\(scope)"), at: statusLocation), location: statusLocation))
            if affects, blockSeverities.contains(severity), statuses.contains(status) {
                let affected = versions.isEmpty ? "of \(model), every version" : "of \(model) \(version ?? "?")"
                outcome.violations.append(Violation(
                    "\(status) \(severity) incident \(incident.name) \(affected) (opened \(incident.text("opened") ?? "?")): \(incident.text("summary") ?? "")",
                    at: statusLocation, notes: [.init("\(blockSeverities.joined(separator: ", ")) incidents block here", at: location)]))
            }
        }
        return outcome
    }

    static func incident(_ name: String, _ severity: String, _ status: String, model: String = "m",
                         versions: String? = nil) -> String {
        "apiVersion: tollgate/v1\nkind: Incident\nmetadata: {name: \(name)}\nspec: {model: \(model), severity: \(severity), status: \(status), opened: 2026-11-17, summary: timeouts\(versions.map { ", versions: \($0)" } ?? "")}\n"
    }

    public static let examples: [CheckExample] = [
        CheckExample("no incidents pass", check: "{blockSeverities: [SEV1, SEV2]}", expect: .pass),
        CheckExample("a resolved SEV1 passes", check: "{blockSeverities: [SEV1, SEV2]}",
                     documents: [incident("inc-1", "SEV1", "resolved")], expect: .pass),
        CheckExample("an open SEV3 passes when only SEV1/SEV2 block", check: "{blockSeverities: [SEV1, SEV2]}",
                     documents: [incident("inc-1", "SEV3", "open")], expect: .pass),
        CheckExample("another model's open SEV1 passes", check: "{blockSeverities: [SEV1]}",
                     documents: [incident("inc-1", "SEV1", "open", model: "other")], expect: .pass),
        CheckExample("an open SEV2 blocks", check: "{blockSeverities: [SEV1, SEV2]}",
                     documents: [incident("inc-2", "SEV2", "open")], expect: .block, message: "open SEV2 incident inc-2 of m"),
        CheckExample("a mitigated SEV1 blocks when mitigated counts", check: "{blockSeverities: [SEV1], statuses: [open, mitigated]}",
                     documents: [incident("inc-3", "SEV1", "mitigated")], expect: .block, message: "mitigated SEV1 incident inc-3"),
        CheckExample("a subject without a model fails closed", check: "{blockSeverities: [SEV1]}",
                     request: "model: ~", expect: .block, message: "names no model"),
        CheckExample("every open incident is reported", check: "{blockSeverities: [SEV1, SEV2]}",
                     documents: [incident("inc-4", "SEV1", "open"), incident("inc-5", "SEV2", "open")],
                     expect: .block, message: "open SEV1 incident inc-4"),
        CheckExample("an open SEV1 of another version passes", check: "{blockSeverities: [SEV1]}",
                     documents: [incident("inc-6", "SEV1", "open", versions: "[\"0.9.0\"]")], expect: .pass),
        CheckExample("an open SEV1 naming the subject's version blocks", check: "{blockSeverities: [SEV1]}",
                     documents: [incident("inc-7", "SEV1", "open", versions: "[\"0.9.0\", \"1.0.0\"]")],
                     expect: .block, message: "open SEV1 incident inc-7 of m 1.0.0"),
        CheckExample("an open SEV1 naming no version blocks every version", check: "{blockSeverities: [SEV1]}",
                     documents: [incident("inc-8", "SEV1", "open")], expect: .block, message: "of m, every version"),
    ]
}
