import Documents

/// `canary: {maxInitialPercent?, maxPercent?, requireAutoRollback?, maxRollbackErrorRate?}` —
/// the request's rollout plan (`request.spec.canary`) stays within bounds (inclusive).
public struct CanaryCheck: Check {
    public static let keyword = "canary"
    public static let summary = """
        Bounds on the rollout plan in `request.spec.canary`: the initial traffic share, the \
        final share, automatic rollback, and the error rate that triggers it. Bounds are \
        inclusive; a missing plan or field fails closed.
        """
    public static let schema = ObjectSchema([
        .optional("maxInitialPercent", .number, "largest initial traffic share, percent"),
        .optional("maxPercent", .number, "largest final traffic share, percent"),
        .optional("requireAutoRollback", .boolean, "the plan must roll back automatically"),
        .optional("maxRollbackErrorRate", .number, "largest error rate that may trigger the rollback (0–1)"),
    ])

    var bounds: [(field: String, label: String, max: Double, location: SourceLocation, unit: String?)] = []
    var requireAutoRollback: (Bool, SourceLocation)?

    public init?(_ spec: YAMLValue, diagnostics: inout [Diagnostic]) {
        for (key, field, label, unit) in [("maxInitialPercent", "initialPercent", "initial canary traffic", "%"),
                                          ("maxPercent", "maxPercent", "final canary traffic", "%"),
                                          ("maxRollbackErrorRate", "rollbackErrorRate", "rollback error rate", nil)] {
            if let value = spec[key], let number = value.number {
                bounds.append((field, label, number, value.location, unit))
            }
        }
        if let value = spec["requireAutoRollback"], let flag = value.bool { requireAutoRollback = (flag, value.location) }
        if bounds.isEmpty && requireAutoRollback == nil {
            diagnostics.append(Diagnostic(.schema, "canary needs at least one bound: maxInitialPercent, maxPercent, requireAutoRollback or maxRollbackErrorRate",
                                          at: spec.location))
            return nil
        }
    }

    public func evaluate(in context: EvaluationContext) -> CheckOutcome {
        var outcome = CheckOutcome()
        for bound in bounds {
            let path = "request.spec.canary.\(bound.field)"
            switch context.lookup(path) {
            case .missing(let reason, let location):
                outcome.violations.append(Violation("\(bound.label): \(reason); the rule fails closed", at: location))
                outcome.evidence.append(Evidence(path: path, value: nil, location: nil))
            case .found(let value):
                outcome.evidence.append(Evidence(path: path, value: value, location: value.location))
                guard let number = value.number else {
                    outcome.violations.append(Violation("\(bound.label) (\(path)) must be a number, found \(value.typeDescription) \(ValueFormatting.value(value))", at: value.location))
                    continue
                }
                if number > bound.max {
                    let limit = ValueFormatting.quantity(bound.max, unit: bound.unit)
                    outcome.violations.append(Violation("\(bound.label) \(ValueFormatting.quantity(number, unit: bound.unit)) exceeds \(limit)",
                                                        at: value.location, notes: [.init("the bound \(limit) is set here", at: bound.location)]))
                }
            }
        }
        if let (required, location) = requireAutoRollback, required {
            let path = "request.spec.canary.autoRollback"
            switch context.lookup(path) {
            case .missing(let reason, let at):
                outcome.violations.append(Violation("automatic rollback: \(reason); the rule fails closed", at: at))
                outcome.evidence.append(Evidence(path: path, value: nil, location: nil))
            case .found(let value):
                outcome.evidence.append(Evidence(path: path, value: value, location: value.location))
                if value.bool != true {
                    outcome.violations.append(Violation("the canary plan does not roll back automatically (autoRollback is \(ValueFormatting.value(value)))",
                                                        at: value.location, notes: [.init("automatic rollback is required here", at: location)]))
                }
            }
        }
        return outcome
    }

    static let plan = "canary: {initialPercent: 5, maxPercent: 100, stepPercent: 20, observationMinutes: 60, autoRollback: true, rollbackErrorRate: 0.02}"

    public static let examples: [CheckExample] = [
        CheckExample("a cautious plan passes", check: "{maxInitialPercent: 10, requireAutoRollback: true, maxRollbackErrorRate: 0.05}",
                     request: plan, expect: .pass),
        CheckExample("the initial share on the bound passes", check: "{maxInitialPercent: 5}", request: plan, expect: .pass),
        CheckExample("the rollback error rate on the bound passes", check: "{maxRollbackErrorRate: 0.02}", request: plan, expect: .pass),
        CheckExample("too much initial traffic blocks", check: "{maxInitialPercent: 1}", request: plan,
                     expect: .block, message: "initial canary traffic 5% exceeds 1%"),
        CheckExample("no automatic rollback blocks", check: "{requireAutoRollback: true}",
                     request: "canary: {initialPercent: 5, maxPercent: 100, stepPercent: 20, observationMinutes: 60, autoRollback: false, rollbackErrorRate: 0.02}",
                     expect: .block, message: "does not roll back automatically"),
        CheckExample("a missing plan fails closed, naming the path", check: "{maxInitialPercent: 10}",
                     expect: .block, message: "request.spec.canary.initialPercent is missing"),
        CheckExample("a wrong type blocks", check: "{maxInitialPercent: 10}",
                     request: "canary: {initialPercent: five, maxPercent: 100, stepPercent: 20, observationMinutes: 60, autoRollback: true, rollbackErrorRate: 0.02}",
                     expect: .block, message: "must be a number"),
    ]
}
