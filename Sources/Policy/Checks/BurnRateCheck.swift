import Documents
import Foundation

/// `burnRate: {errorRate: path, objective: 0.999, max: 1.0}` — how fast the error budget
/// burns, as in the Google SRE workbook: burn = error rate / (1 − objective). A burn of 1
/// spends exactly the budget over the SLO window; `max` is inclusive.
public struct BurnRateCheck: Check {
    public static let keyword = "burnRate"
    public static let summary = """
        Error-budget burn rate: the observed error rate (a share, 0–1, read from `errorRate`) \
        divided by the error budget 1 − `objective`. The rule blocks when the burn exceeds \
        `max` (inclusive: a burn equal to `max` passes). `objective` must lie strictly between \
        0 and 1. A missing error rate, or one that is not a share, fails closed.
        """
    public static let schema = ObjectSchema([
        FieldSchema("errorRate", .text(), "path of the observed error rate (a share, 0–1), e.g. run.spec.serving.errorRate"),
        FieldSchema("objective", .number, "the availability SLO as a share, strictly between 0 and 1, e.g. 0.999"),
        FieldSchema("max", .number, "highest allowed burn rate (inclusive); 1 spends exactly the budget"),
    ])

    public var errorRate: String
    public var objective: (value: Double, location: SourceLocation)
    public var max: (bound: Double, location: SourceLocation)
    /// The bound as the policy wrote it (`1.0`), for notes.
    var maxText: String

    public init?(_ spec: YAMLValue, diagnostics: inout [Diagnostic]) {
        guard let pathValue = spec["errorRate"], let path = pathValue.string,
              let objectiveValue = spec["objective"], let objective = objectiveValue.number,
              let maxValue = spec["max"], let max = maxValue.number else { return nil }
        errorRate = path
        self.objective = (objective, objectiveValue.location)
        self.max = (max, maxValue.location)
        maxText = maxValue.text ?? ValueFormatting.number(max)
        var valid = true
        let head = YAMLValue.pathComponents(path).first ?? ""
        if !EvaluationContext.names.contains(head) {
            diagnostics.append(Diagnostic(.schema,
                "burnRate.errorRate: '\(path)' must start with one of \(EvaluationContext.names.joined(separator: ", "))\(DidYouMean.hint(for: head, among: EvaluationContext.names))",
                at: pathValue.location))
            valid = false
        }
        if !(objective > 0 && objective < 1) {
            // 99.9 written for 99.9 %: suggest the share.
            let share = (objective / 100 * 1e10).rounded() / 1e10
            let hint = objective >= 50 && objective < 100 ? " — did you mean \(ValueFormatting.number(share))?" : ""
            diagnostics.append(Diagnostic(.schema,
                "burnRate objective \(ValueFormatting.value(objectiveValue)) must be a share strictly between 0 and 1 (0.999 for 99.9%), so that the error budget 1 − objective is positive\(hint)",
                at: objectiveValue.location))
            valid = false
        }
        if !max.isFinite || max < 0 {
            diagnostics.append(Diagnostic(.schema,
                "burnRate max \(ValueFormatting.value(maxValue)) must be a number of at least 0", at: maxValue.location))
            valid = false
        }
        if !valid { return nil }
    }

    /// The burn rate of an error rate against an objective: errorRate / (1 − objective).
    public static func burn(errorRate: Double, objective: Double) -> Double {
        errorRate / (1 - objective)
    }

    public func evaluate(in context: EvaluationContext) -> CheckOutcome {
        let label = ValueFormatting.label(forPath: errorRate)
        let named = label == errorRate ? errorRate : "\(label) (\(errorRate))"
        let observed: YAMLValue
        switch context.lookup(errorRate) {
        case .missing(let reason, let location):
            return CheckOutcome(violations: [Violation("\(label): \(reason); the rule fails closed", at: location)],
                                evidence: [Evidence(path: errorRate, value: nil, location: nil)])
        case .found(let value):
            observed = value
        }
        var outcome = CheckOutcome(evidence: [Evidence(path: errorRate, value: observed, location: observed.location)])
        let at = observed.location
        guard let rate = observed.number else {
            outcome.violations.append(Violation(
                "\(named) must be a number, found \(observed.typeDescription) \(ValueFormatting.value(observed)); the rule fails closed",
                at: at))
            return outcome
        }
        guard rate.isFinite, rate >= 0, rate <= 1 else {
            outcome.violations.append(Violation(
                "\(named) is \(ValueFormatting.number(rate)): it must be a share between 0 and 1; the rule fails closed",
                at: at))
            return outcome
        }
        let burn = Self.burn(errorRate: rate, objective: objective.value)
        let formula = "\(errorRate) / (1 - \(ValueFormatting.number(objective.value)))"
        outcome.evidence.append(Evidence(path: formula, value: YAMLValue(.double(burn), at: at, text: "\(burn)"), location: at))
        if Bounds.exceeds(burn, max: max.bound) {
            let bound = Self.figure(max.bound)
            outcome.violations.append(Violation(
                "error-budget burn \(Self.figure(burn, against: max.bound)) (\(label) \(ValueFormatting.number(rate)) against objective \(ValueFormatting.number(objective.value))) exceeds \(bound)",
                at: at,
                notes: [.init("the bound max: \(maxText) is set here", at: max.location),
                        .init("the objective \(ValueFormatting.number(objective.value)) is set here", at: objective.location)]))
        }
        return outcome
    }

    /// A burn rate as it reads in a message: at most four decimals, at least one (`12.0`,
    /// `1.25`); in full when the rounded figure would read as the bound it exceeds.
    static func figure(_ value: Double, against bound: Double? = nil) -> String {
        let rounded = (value * 10_000).rounded() / 10_000
        if let bound, rounded == bound { return "\(value)" }
        if rounded == rounded.rounded(), abs(rounded) < 1e15 { return String(format: "%.1f", rounded) }
        return "\(rounded)"
    }

    private static func serving(errorRate: String) -> String {
        "serving: {p50Ms: 9, p95Ms: 21, errorRate: \(errorRate), availability: 0.9995}"
    }

    public static let examples: [CheckExample] = [
        CheckExample("a burn under the budget passes", check: "{errorRate: run.spec.serving.errorRate, objective: 0.999, max: 1.0}",
                     run: serving(errorRate: "0.0004"), expect: .pass),
        CheckExample("a burn exactly at max passes (inclusive)", check: "{errorRate: run.spec.serving.errorRate, objective: 0.999, max: 1.0}",
                     run: serving(errorRate: "0.001"), expect: .pass),
        CheckExample("a faster burn allowed by a higher max passes at the bound", check: "{errorRate: run.spec.serving.errorRate, objective: 0.99, max: 2}",
                     run: serving(errorRate: "0.02"), expect: .pass),
        CheckExample("no errors at all pass a zero max", check: "{errorRate: run.spec.serving.errorRate, objective: 0.995, max: 0}",
                     run: serving(errorRate: "0"), expect: .pass),
        CheckExample("a burn above max blocks", check: "{errorRate: run.spec.serving.errorRate, objective: 0.999, max: 1.0}",
                     run: serving(errorRate: "0.012"),
                     expect: .block, message: "error-budget burn 12.0 (error rate 0.012 against objective 0.999) exceeds 1.0"),
        CheckExample("a burn just above max blocks", check: "{errorRate: run.spec.serving.errorRate, objective: 0.99, max: 1.5}",
                     run: serving(errorRate: "0.0151"),
                     expect: .block, message: "error-budget burn 1.51 (error rate 0.0151 against objective 0.99) exceeds 1.5"),
        CheckExample("a missing error rate fails closed, naming the path", check: "{errorRate: run.spec.serving.errorRate, objective: 0.999, max: 1}",
                     run: "metrics: {accuracy: 0.9}", expect: .block, message: "run.spec.serving.errorRate is missing"),
        CheckExample("an error rate of the wrong type blocks", check: "{errorRate: run.spec.metrics.errors, objective: 0.999, max: 1}",
                     run: "metrics: {errors: low}", expect: .block, message: "must be a number, found a string 'low'"),
        CheckExample("an error rate that is not a share blocks", check: "{errorRate: run.spec.metrics.errors, objective: 0.999, max: 1}",
                     run: "metrics: {errors: 12}", expect: .block, message: "must be a share between 0 and 1"),
    ]
}
