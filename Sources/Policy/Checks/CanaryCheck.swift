import Documents

/// `canary: {maxInitialPercent?, maxPercent?, requireAutoRollback?, maxRollbackErrorRate?,
/// maxStepPercent?, minObservationMinutes?, maxDurationHours?}` — the request's rollout plan
/// (`request.spec.canary`) stays within bounds (inclusive), ramp included.
public struct CanaryCheck: Check {
    public static let keyword = "canary"
    public static let summary = """
        Bounds on the rollout plan in `request.spec.canary`: the initial traffic share, the \
        final share, automatic rollback, the error rate that triggers it, and the ramp — the \
        increase per step (`stepPercent`), the observation time between steps \
        (`observationMinutes`, a lower bound) and the time the ramp takes from the initial to \
        the final share: ⌈(maxPercent − initialPercent) / stepPercent⌉ steps of \
        observationMinutes each (a plan that starts at its final share takes no time; a step \
        of 0 or less never gets there and blocks). Bounds are inclusive; a missing plan or \
        field fails closed.
        """
    public static let schema = ObjectSchema([
        .optional("maxInitialPercent", .number, "largest initial traffic share, percent"),
        .optional("maxPercent", .number, "largest final traffic share, percent"),
        .optional("requireAutoRollback", .boolean, "the plan must roll back automatically"),
        .optional("maxRollbackErrorRate", .number, "largest error rate that may trigger the rollback (0–1)"),
        .optional("maxStepPercent", .number, "largest traffic increase per step, percentage points"),
        .optional("minObservationMinutes", .number, "shortest observation time between steps, minutes"),
        .optional("maxDurationHours", .number, "longest time from the initial to the final share, hours"),
    ])

    struct Bound {
        var field: String
        var label: String
        var limit: Double
        var location: SourceLocation
        var unit: String?
        /// A lower bound (the plan's value must be at least the limit) instead of an upper one.
        var isMinimum = false
    }

    var bounds: [Bound] = []
    var requireAutoRollback: (Bool, SourceLocation)?
    var maxDuration: (hours: Double, location: SourceLocation)?

    public init?(_ spec: YAMLValue, diagnostics: inout [Diagnostic]) {
        for (key, field, label, unit, isMinimum) in [
            ("maxInitialPercent", "initialPercent", "initial canary traffic", "%", false),
            ("maxPercent", "maxPercent", "final canary traffic", "%", false),
            ("maxRollbackErrorRate", "rollbackErrorRate", "rollback error rate", nil, false),
            ("maxStepPercent", "stepPercent", "canary step", "%", false),
            ("minObservationMinutes", "observationMinutes", "observation time between canary steps", "min", true),
        ] as [(String, String, String, String?, Bool)] {
            if let value = spec[key], let number = value.number {
                bounds.append(Bound(field: field, label: label, limit: number, location: value.location, unit: unit, isMinimum: isMinimum))
            }
        }
        if let value = spec["requireAutoRollback"], let flag = value.bool { requireAutoRollback = (flag, value.location) }
        if let value = spec["maxDurationHours"], let hours = value.number { maxDuration = (hours, value.location) }
        if bounds.isEmpty && requireAutoRollback == nil && maxDuration == nil {
            diagnostics.append(Diagnostic(.schema, "canary needs at least one bound: maxInitialPercent, maxPercent, requireAutoRollback, maxRollbackErrorRate, maxStepPercent, minObservationMinutes or maxDurationHours",
                                          at: spec.location))
            return nil
        }
    }

    /// The plan's number at `request.spec.canary.<field>`, recorded as evidence; a missing field
    /// or another type is a violation (fails closed) and gives nil. A field already read for
    /// another bound (the ramp reads the step and the observation time again) is taken from
    /// its evidence, not reported twice.
    private func number(_ field: String, label: String, in context: EvaluationContext,
                        into outcome: inout CheckOutcome) -> (value: Double, location: SourceLocation)? {
        let path = "request.spec.canary.\(field)"
        if let read = outcome.evidence.first(where: { $0.path == path }) {
            guard let value = read.value, let number = value.number else { return nil }
            return (number, value.location)
        }
        switch context.lookup(path) {
        case .missing(let reason, let location):
            outcome.violations.append(Violation("\(label): \(reason); the rule fails closed", at: location))
            outcome.evidence.append(Evidence(path: path, value: nil, location: nil))
            return nil
        case .found(let value):
            outcome.evidence.append(Evidence(path: path, value: value, location: value.location))
            guard let number = value.number else {
                outcome.violations.append(Violation("\(label) (\(path)) must be a number, found \(value.typeDescription) \(ValueFormatting.value(value))", at: value.location))
                return nil
            }
            return (number, value.location)
        }
    }

    /// Minutes from the initial to the final share: ⌈(final − initial) / step⌉ steps of
    /// `observation` minutes each. nil when the ramp never gets there (a step of 0 or less).
    public static func rampMinutes(initial: Double, final: Double, step: Double, observation: Double) -> Double? {
        guard final > initial else { return 0 }
        guard step > 0 else { return nil }
        return ((final - initial) / step).rounded(.up) * observation
    }

    public func evaluate(in context: EvaluationContext) -> CheckOutcome {
        var outcome = CheckOutcome()
        for bound in bounds {
            guard let (number, location) = number(bound.field, label: bound.label, in: context, into: &outcome) else { continue }
            let limit = ValueFormatting.quantity(bound.limit, unit: bound.unit)
            let written = ValueFormatting.quantity(number, unit: bound.unit)
            if bound.isMinimum, Bounds.isBelow(number, min: bound.limit) {
                outcome.violations.append(Violation("\(bound.label) \(written) is less than \(limit)",
                                                    at: location, notes: [.init("the bound \(limit) is set here", at: bound.location)]))
            } else if !bound.isMinimum, Bounds.exceeds(number, max: bound.limit) {
                outcome.violations.append(Violation("\(bound.label) \(written) exceeds \(limit)",
                                                    at: location, notes: [.init("the bound \(limit) is set here", at: bound.location)]))
            }
        }
        if let maxDuration {
            rampDuration(max: maxDuration, in: context, into: &outcome)
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

    /// `maxDurationHours`: the ramp from the initial to the final share, step by step.
    private func rampDuration(max: (hours: Double, location: SourceLocation), in context: EvaluationContext,
                              into outcome: inout CheckOutcome) {
        let initial = number("initialPercent", label: "initial canary traffic", in: context, into: &outcome)
        let final = number("maxPercent", label: "final canary traffic", in: context, into: &outcome)
        let step = number("stepPercent", label: "canary step", in: context, into: &outcome)
        let observation = number("observationMinutes", label: "observation time between canary steps", in: context, into: &outcome)
        guard let initial, let final, let step, let observation else { return }
        let bound = Finding.Note("the bound \(ValueFormatting.number(max.hours)) h is set here", at: max.location)
        guard let minutes = Self.rampMinutes(initial: initial.value, final: final.value, step: step.value,
                                             observation: observation.value) else {
            outcome.violations.append(Violation(
                "the canary ramp never reaches its final share \(ValueFormatting.quantity(final.value, unit: "%")): a step of \(ValueFormatting.quantity(step.value, unit: "%")) does not increase the traffic",
                at: step.location, notes: [bound]))
            return
        }
        let hours = minutes / 60
        if Bounds.exceeds(hours, max: max.hours) {
            let steps = Int(((final.value - initial.value) / step.value).rounded(.up))
            outcome.violations.append(Violation(
                "the canary ramp takes \(ValueFormatting.number(hours)) h (\(steps) step\(steps == 1 ? "" : "s") of \(ValueFormatting.quantity(step.value, unit: "%")) from \(ValueFormatting.quantity(initial.value, unit: "%")) to \(ValueFormatting.quantity(final.value, unit: "%")), \(ValueFormatting.number(observation.value)) min each), longer than \(ValueFormatting.number(max.hours)) h",
                at: observation.location, notes: [bound, .init("the step is set here", at: step.location)]))
        }
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
        CheckExample("a ramp within its bounds passes (5 → 100 % in steps of 20 points: 5 steps of 60 min, 5 h)",
                     check: "{maxStepPercent: 25, minObservationMinutes: 60, maxDurationHours: 5}", request: plan, expect: .pass),
        CheckExample("too large a step blocks", check: "{maxStepPercent: 10}", request: plan,
                     expect: .block, message: "canary step 20% exceeds 10%"),
        CheckExample("too short an observation between steps blocks", check: "{minObservationMinutes: 120}", request: plan,
                     expect: .block, message: "observation time between canary steps 60 min is less than 120 min"),
        CheckExample("a ramp that takes too long blocks", check: "{maxDurationHours: 4}", request: plan,
                     expect: .block, message: "the canary ramp takes 5 h (5 steps of 20% from 5% to 100%, 60 min each), longer than 4 h"),
        CheckExample("a ramp whose step does not increase the traffic never ends: blocks", check: "{maxDurationHours: 24}",
                     request: "canary: {initialPercent: 5, maxPercent: 100, stepPercent: 0, observationMinutes: 60, autoRollback: true, rollbackErrorRate: 0.02}",
                     expect: .block, message: "the canary ramp never reaches its final share 100%"),
        CheckExample("a ramp bound without the plan's step fails closed, naming the path", check: "{maxDurationHours: 24}",
                     expect: .block, message: "request.spec.canary.initialPercent is missing"),
    ]
}
