import Documents

/// `transition: {allowed: {from: [to...]}, requirePrior?: {stage: priorStage}}` — the
/// promotion follows the stage graph, between stages the Config knows, and a promotion to a
/// stage with a required prior (`production: staging`) is preceded in history by a merged
/// promotion of the same model version to that prior stage.
public struct TransitionCheck: Check {
    public static let keyword = "transition"
    public static let summary = """
        The request's `from` → `to` must be an edge of `allowed` and both stages must be \
        stages of the Config (`spec.stages`). With `requirePrior`, a promotion to a stage \
        needs an earlier promotion of the same model and version to the prior stage, merged \
        into the branch (found in its first-parent history). Without history the rule fails closed.
        """
    public static let schema = ObjectSchema([
        FieldSchema("allowed", .dictionary(.list(.text())), "from-stage → the stages it may be promoted to"),
        .optional("requirePrior", .dictionary(.text()), "stage → the stage a merged promotion must have reached before"),
    ])

    public var allowed: [String: [String]]
    public var allowedLocation: SourceLocation
    public var requirePrior: [String: (stage: String, location: SourceLocation)]

    public init?(_ spec: YAMLValue, diagnostics: inout [Diagnostic]) {
        guard let map = spec["allowed"]?.map else { return nil }
        allowedLocation = spec["allowed"]?.location ?? spec.location
        allowed = Dictionary(uniqueKeysWithValues: map.entries.map { ($0.key, $0.value.list?.compactMap(\.string) ?? []) })
        var prior: [String: (String, SourceLocation)] = [:]
        for entry in spec["requirePrior"]?.map?.entries ?? [] {
            if let stage = entry.value.string { prior[entry.key] = (stage, entry.value.location) }
        }
        requirePrior = prior
    }

    public func evaluate(in context: EvaluationContext) -> CheckOutcome {
        var outcome = CheckOutcome()
        var values: [String: YAMLValue] = [:]
        for field in ["from", "to", "model", "version"] {
            let path = "request.spec.\(field)"
            switch context.lookup(path) {
            case .missing(let reason, let location):
                outcome.violations.append(Violation("\(reason); the rule fails closed", at: location))
                outcome.evidence.append(Evidence(path: path, value: nil, location: nil))
            case .found(let value):
                values[field] = value
                outcome.evidence.append(Evidence(path: path, value: value, location: value.location))
            }
        }
        guard let fromValue = values["from"], let toValue = values["to"],
              let from = fromValue.string, let to = toValue.string else { return outcome }
        for (stage, value) in [(from, fromValue), (to, toValue)] where !context.stages.contains(stage) {
            outcome.violations.append(Violation(
                "stage '\(stage)' is not one of the configured stages (\(context.stages.joined(separator: ", ")))\(DidYouMean.hint(for: stage, among: context.stages))",
                at: value.location))
        }
        let targets = allowed[from] ?? []
        if !targets.contains(to) {
            let options = targets.isEmpty ? "none is allowed from \(from)" : "allowed from \(from): \(targets.joined(separator: ", "))"
            outcome.violations.append(Violation("\(from) → \(to) is not an allowed transition (\(options))", at: toValue.location,
                                                notes: [.init("the allowed transitions are set here", at: allowedLocation)]))
        }
        if let prior = requirePrior[to], let model = values["model"]?.string, let version = values["version"]?.string {
            guard let repository = context.repository else {
                outcome.violations.append(Violation(
                    "a promotion to \(to) needs an earlier merged promotion to \(prior.stage), but no history is available; the rule fails closed",
                    at: toValue.location))
                return outcome
            }
            let earlier = repository.mergedPromotions(of: model).first {
                $0.version == version && $0.to == prior.stage && $0.request.name != context.subject.name
            }
            if let earlier {
                outcome.evidence.append(Evidence(path: "history.promotion(\(prior.stage))",
                    value: YAMLValue(.string("\(earlier.request.name) merged in \(earlier.commit)"), at: earlier.request.nameLocation),
                    location: nil))
            } else {
                outcome.evidence.append(Evidence(path: "history.promotion(\(prior.stage))", value: nil, location: nil))
                outcome.violations.append(Violation(
                    "a promotion of \(model) \(version) to \(to) needs an earlier promotion to \(prior.stage) merged into the branch; none was found in history",
                    at: toValue.location, notes: [.init("the required prior stage is set here", at: prior.location)]))
            }
        }
        return outcome
    }

    static let graph = "{allowed: {development: [staging], staging: [production], production: [retired]}, requirePrior: {production: staging}}"
    static let stagingMerged = ExampleRepository(merged: [(name: "m-1.0.0-staging", spec: "{model: m, version: \"1.0.0\", from: development, to: staging, run: run, modelCard: card, requestedBy: alice, justification: j}")])

    public static let examples: [CheckExample] = [
        CheckExample("staging → production after a merged staging promotion passes", check: graph,
                     repository: stagingMerged, expect: .pass),
        CheckExample("development → staging needs no prior", check: graph,
                     request: "from: development\nto: staging", repository: ExampleRepository(), expect: .pass),
        CheckExample("an allowed edge without requirePrior passes", check: "{allowed: {staging: [production]}}",
                     expect: .pass),
        CheckExample("production needs a merged staging promotion of the same version", check: graph,
                     repository: ExampleRepository(merged: [(name: "m-0.9.0-staging", spec: "{model: m, version: \"0.9.0\", from: development, to: staging, run: run, modelCard: card, requestedBy: alice, justification: j}")]),
                     expect: .block, message: "needs an earlier promotion to staging merged into the branch"),
        CheckExample("skipping a stage blocks", check: graph, request: "from: development\nto: production",
                     repository: stagingMerged, expect: .block, message: "development → production is not an allowed transition"),
        CheckExample("an unknown stage blocks", check: graph, request: "to: prod",
                     repository: stagingMerged, expect: .block, message: "stage 'prod' is not one of the configured stages"),
        CheckExample("no history fails closed", check: graph, expect: .block, message: "no history is available"),
    ]
}
