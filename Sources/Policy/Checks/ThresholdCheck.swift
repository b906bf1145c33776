import Documents

/// `threshold: {value: path, min?, max?, equals?, oneOf?, unit?, label?}` — an SLO or
/// metric bound. Bounds are inclusive, as in MLflow's `MetricThreshold`: `max: 25`
/// passes at exactly 25. A missing value fails closed.
public struct ThresholdCheck: Check {
    public static let keyword = "threshold"
    public static let summary = """
        Compares one value with inclusive bounds: `min` and `max` for numbers, `equals` for \
        a number or a text, `oneOf` for a list of allowed values. `unit` is only for messages. \
        The rule fails closed when the value is missing or has the wrong type.
        """
    public static let schema = ObjectSchema([
        FieldSchema("value", .text(), "path of the observed value, e.g. run.spec.serving.p95Ms"),
        .optional("min", .number, "lowest allowed value (inclusive)"),
        .optional("max", .number, "highest allowed value (inclusive)"),
        .optional("equals", .scalar, "the required value"),
        .optional("oneOf", .list(.scalar, minItems: 1), "the allowed values"),
        .optional("unit", .text(), "unit for messages: ms, %, MB"),
        .optional("label", .text(), "name of the value in messages (default: from the path)"),
    ])

    public var value: String
    public var min: (bound: Double, location: SourceLocation)?
    public var max: (bound: Double, location: SourceLocation)?
    public var equals: YAMLValue?
    public var oneOf: [YAMLValue]?
    public var oneOfLocation: SourceLocation?
    public var unit: String?
    public var label: String

    public init?(_ spec: YAMLValue, diagnostics: inout [Diagnostic]) {
        guard let path = spec["value"]?.string else { return nil }
        value = path
        if let v = spec["min"], let n = v.number { min = (n, v.location) }
        if let v = spec["max"], let n = v.number { max = (n, v.location) }
        equals = spec["equals"]
        oneOf = spec["oneOf"]?.list
        oneOfLocation = spec["oneOf"]?.location
        unit = spec["unit"]?.string
        label = spec["label"]?.string ?? ValueFormatting.label(forPath: path)
        if min == nil, max == nil, equals == nil, oneOf == nil {
            diagnostics.append(Diagnostic(.schema,
                "threshold needs at least one bound: min, max, equals or oneOf", at: spec.location))
            return nil
        }
        if let lo = min, let hi = max, lo.bound > hi.bound {
            diagnostics.append(Diagnostic(.schema,
                "threshold min \(ValueFormatting.number(lo.bound)) is above max \(ValueFormatting.number(hi.bound)): nothing can pass",
                at: lo.location))
            return nil
        }
    }

    public func evaluate(in context: EvaluationContext) -> CheckOutcome {
        switch context.lookup(value) {
        case .missing(let reason, let location):
            return CheckOutcome(
                violations: [Violation("\(label): \(reason); the rule fails closed", at: location)],
                evidence: [Evidence(path: value, value: nil, location: nil)])
        case .found(let observed):
            let evidence = [Evidence(path: value, value: observed, location: observed.location)]
            return CheckOutcome(violations: violations(observed), evidence: evidence)
        }
    }

    private func violations(_ observed: YAMLValue) -> [Violation] {
        let at = observed.location
        var found: [Violation] = []
        if min != nil || max != nil {
            guard let number = observed.number, !number.isNaN else {
                return [Violation("\(label) (\(value)) must be a number, found \(observed.typeDescription) \(ValueFormatting.value(observed))", at: at)]
            }
            let shown = ValueFormatting.quantity(number, unit: unit)
            if let max, number > max.bound {
                let bound = ValueFormatting.quantity(max.bound, unit: unit)
                found.append(Violation("\(label) \(shown) exceeds \(bound)", at: at,
                                       notes: [.init("the bound max: \(bound) is set here", at: max.location)]))
            }
            if let min, number < min.bound {
                let bound = ValueFormatting.quantity(min.bound, unit: unit)
                found.append(Violation("\(label) \(shown) is below \(bound)", at: at,
                                       notes: [.init("the bound min: \(bound) is set here", at: min.location)]))
            }
        }
        if let equals, !Self.same(observed, equals) {
            found.append(Violation("\(label) is \(ValueFormatting.value(observed)), expected \(ValueFormatting.value(equals))",
                                   at: at, notes: [.init("the expected value is set here", at: equals.location)]))
        }
        if let oneOf, !oneOf.contains(where: { Self.same(observed, $0) }) {
            let allowed = oneOf.map(ValueFormatting.value).joined(separator: ", ")
            found.append(Violation("\(label) is \(ValueFormatting.value(observed)), expected one of \(allowed)",
                                   at: at, notes: oneOfLocation.map { [.init("the allowed values are set here", at: $0)] } ?? []))
        }
        return found
    }

    /// Numbers compare numerically (`1` equals `1.0`), everything else by its text.
    static func same(_ a: YAMLValue, _ b: YAMLValue) -> Bool {
        if let x = a.number, let y = b.number { return x == y }
        if case .bool(let x) = a.kind, case .bool(let y) = b.kind { return x == y }
        guard a.isScalar, b.isScalar, a.number == nil, b.number == nil else { return false }
        return (a.text ?? "") == (b.text ?? "")
    }

    public static let examples: [CheckExample] = [
        CheckExample("p95 under the target passes", check: "{value: run.spec.serving.p95Ms, max: 25, unit: ms}",
                     run: "serving: {p50Ms: 9, p95Ms: 21.4, errorRate: 0.01, availability: 0.9995}", expect: .pass),
        CheckExample("exactly on the inclusive bound passes", check: "{value: run.spec.serving.p95Ms, max: 25, unit: ms}",
                     run: "serving: {p50Ms: 9, p95Ms: 25, errorRate: 0.01, availability: 0.9995}", expect: .pass),
        CheckExample("min bound met exactly passes", check: "{value: run.spec.serving.availability, min: 0.999}",
                     run: "serving: {p50Ms: 9, p95Ms: 25, errorRate: 0.01, availability: 0.999}", expect: .pass),
        CheckExample("oneOf passes for an allowed text", check: "{value: card.spec.format, oneOf: [onnx, safetensors]}",
                     card: "format: onnx", expect: .pass),
        CheckExample("above the max blocks", check: "{value: run.spec.serving.p95Ms, max: 25, unit: ms}",
                     run: "serving: {p50Ms: 9, p95Ms: 28.7, errorRate: 0.01, availability: 0.9995}",
                     expect: .block, message: "p95 latency 28.7 ms exceeds 25 ms"),
        CheckExample("below the min blocks", check: "{value: run.spec.serving.availability, min: 0.999}",
                     run: "serving: {p50Ms: 9, p95Ms: 25, errorRate: 0.01, availability: 0.998}",
                     expect: .block, message: "availability 0.998 is below 0.999"),
        CheckExample("a missing value fails closed, naming the path", check: "{value: run.spec.serving.p95Ms, max: 25}",
                     run: "metrics: {accuracy: 0.9}", expect: .block, message: "run.spec.serving.p95Ms is missing"),
        CheckExample("a wrong type blocks", check: "{value: run.spec.metrics.note, max: 25}",
                     run: "metrics: {note: fast}", expect: .block, message: "must be a number"),
    ]
}
