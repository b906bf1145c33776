import Documents

/// `regression: {metric | value, maxDrop | maxIncrease, relative?, greaterIsBetter?}` — the
/// candidate (`run.spec.metrics[metric]`, or any number of the run at `value`, e.g.
/// `run.spec.serving.p95Ms`) may be at most `maxDrop` worse than the baseline (the same path
/// under `baseline`: the request's `spec.baseline`, or the champion found in history);
/// `maxIncrease` is the same bound for a value where lower is better. MLflow's `MetricThreshold(min_absolute_change=…, min_relative_change=…)` asks
/// for a positive improvement; here the sign is turned into an allowed drop, so
/// `maxDrop: 0.01` passes what `min_absolute_change=-0.01` would, and `maxDrop: 0` means
/// "no worse than the champion".
public struct RegressionCheck: Check {
    public static let keyword = "regression"
    public static let summary = """
        Compares the candidate's metric (`run.spec.metrics[metric]`) — or any number of the \
        run, named by its path in `value` (`value: run.spec.serving.p95Ms`) — with the \
        baseline's (the same path under `baseline`: the request's `spec.baseline`, or the run \
        of the model's latest merged production promotion). The drop is baseline − candidate \
        when a greater value is better (`greaterIsBetter`, default true), candidate − baseline \
        otherwise; with `relative: true` it is divided by |baseline|. The rule blocks when the \
        drop exceeds `maxDrop` (inclusive: a drop of exactly `maxDrop` passes). `maxIncrease` \
        is the bound for a value where lower is better (latency, error rate, cost): \
        `maxIncrease: 0.2, relative: true` allows a rise of at most 20 % over the champion; it \
        cannot be combined with `maxDrop` or `greaterIsBetter: true`. This is \
        MLflow's `min_absolute_change` / `min_relative_change` with the sign turned into an \
        allowed drop: MLflow requires an improvement of at least the change, Tollgate allows a \
        drop of at most `maxDrop` (`maxDrop: 0` means no worse than the champion). For the \
        first release of a model (the request names no baseline and no production promotion of \
        the model was merged before) the rule is not applicable: it passes and the reports say \
        "first release of this model, no champion"; with `requireBaseline: true` it fails \
        closed instead. A baseline that cannot be found otherwise (a named baseline that does \
        not exist, a champion whose run is gone, no history to look in) fails closed.
        """
    public static let schema = ObjectSchema([
        .optional("metric", .text(), "the metric compared, a key of spec.metrics, e.g. accuracy (or value)"),
        .optional("value", .text(), "the run's number compared, by path, e.g. run.spec.serving.p95Ms (or metric)"),
        .optional("maxDrop", .number, "largest allowed drop (inclusive); a fraction of |baseline| with relative"),
        .optional("maxIncrease", .number, "largest allowed increase where lower is better (inclusive; instead of maxDrop)"),
        .optional("unit", .text(), "unit shown with the values, e.g. ms (with value)"),
        .optional("relative", .boolean, "divide the drop by |baseline| (default false)"),
        .optional("greaterIsBetter", .boolean, "whether a greater value is better (default true)"),
        .optional("requireBaseline", .boolean, "fail closed for a model's first release instead of not applying (default false)"),
    ])

    /// What is compared, as shown: the metric's key, or the path of `value` under the run.
    public var metric: String
    /// The candidate's path (`run.spec.metrics.<metric>` or `value`); the baseline's is the
    /// same under `baseline.`.
    public var candidatePath: String
    public var maxDrop: Double
    public var maxDropLocation: SourceLocation
    public var relative: Bool
    public var greaterIsBetter: Bool
    public var requireBaseline: Bool
    /// The bound was written as `maxIncrease` (lower is better): messages speak of an increase.
    public var isIncrease: Bool
    public var unit: String?

    public init?(_ spec: YAMLValue, diagnostics: inout [Diagnostic]) {
        let before = diagnostics.count
        let metricValue = spec["metric"], pathValue = spec["value"]
        let dropValue = spec["maxDrop"], increaseValue = spec["maxIncrease"]
        switch (metricValue, pathValue) {
        case (nil, nil):
            diagnostics.append(Diagnostic(.schema, "regression needs what it compares: metric (a key of spec.metrics) or value (a path of the run, e.g. run.spec.serving.p95Ms)", at: spec.location))
        case (.some, .some(let path)):
            diagnostics.append(Diagnostic(.schema, "regression takes metric or value, not both", at: path.location))
        default: break
        }
        switch (dropValue, increaseValue) {
        case (nil, nil):
            diagnostics.append(Diagnostic(.schema, "regression needs its bound: maxDrop (greater is better) or maxIncrease (lower is better)", at: spec.location))
        case (.some, .some(let increase)):
            diagnostics.append(Diagnostic(.schema, "regression takes maxDrop or maxIncrease, not both", at: increase.location))
        default: break
        }
        if increaseValue != nil, let better = spec["greaterIsBetter"], better.bool == true {
            diagnostics.append(Diagnostic(.schema, "regression maxIncrease bounds a value where lower is better; greaterIsBetter: true contradicts it (use maxDrop)", at: better.location))
        }
        guard diagnostics.count == before, let bound = dropValue ?? increaseValue, let maxDrop = bound.number else { return nil }
        if let metricValue, let metric = metricValue.string {
            self.metric = metric
            candidatePath = "run.spec.metrics.\(metric)"
            if !MetricName.isName(metric) {
                diagnostics.append(Diagnostic(.schema, MetricName.problem(metric), at: metricValue.location))
            }
        } else if let pathValue, let path = pathValue.string {
            metric = path.hasPrefix("run.spec.") ? String(path.dropFirst("run.spec.".count)) : path
            candidatePath = path
            if !path.hasPrefix("run.spec.") || path.count == "run.spec.".count {
                diagnostics.append(Diagnostic(.schema,
                    "regression value '\(path)' must be a path of the run, starting with run.spec. (e.g. run.spec.serving.p95Ms): the baseline is compared at the same path",
                    at: pathValue.location))
            }
        } else {
            return nil
        }
        self.maxDrop = maxDrop
        maxDropLocation = bound.location
        isIncrease = increaseValue != nil
        relative = spec["relative"]?.bool ?? false
        greaterIsBetter = isIncrease ? false : spec["greaterIsBetter"]?.bool ?? true
        requireBaseline = spec["requireBaseline"]?.bool ?? false
        unit = spec["unit"]?.string
        if maxDrop < 0 {
            let name = isIncrease ? "maxIncrease" : "maxDrop"
            diagnostics.append(Diagnostic(.schema,
                "regression \(name) \(ValueFormatting.number(maxDrop)) must be at least 0: it is the \(isIncrease ? "increase" : "drop") allowed against the baseline (to require an improvement, as MLflow's min_absolute_change does, write an expr rule)",
                at: bound.location))
        }
        if diagnostics.count > before { return nil }
    }

    /// The baseline's path: the candidate's with `run.` replaced by `baseline.`.
    var baselinePath: String { "baseline." + candidatePath.dropFirst("run.".count) }

    /// The drop of `candidate` against `baseline`: positive when the candidate is worse.
    /// `nil` when it is relative and the baseline is 0.
    public static func drop(candidate: Double, baseline: Double, relative: Bool, greaterIsBetter: Bool) -> Double? {
        let absolute = greaterIsBetter ? baseline - candidate : candidate - baseline
        guard relative else { return absolute }
        return baseline == 0 ? nil : absolute / abs(baseline)
    }

    private var label: String { ValueFormatting.label(forPath: metric) }

    private func shown(_ value: Double) -> String { ValueFormatting.quantity(value, unit: unit) }

    /// Why the rule does not apply to a model's first production release.
    static let firstRelease = "first release of this model, no champion"

    /// Whether the subject is a request for a model's first release: it names no baseline and
    /// the history (which must be available) holds no merged production promotion of it.
    static func isFirstRelease(in context: EvaluationContext) -> Bool {
        let request = context.subject
        guard request.kind == .promotionRequest, request.spec.value(at: "baseline") == nil,
              let repository = context.repository, let model = request.text("model") else { return false }
        return Bindings.championPromotion(of: request, model: model, repository: repository) == nil
    }

    public func evaluate(in context: EvaluationContext) -> CheckOutcome {
        if !requireBaseline, Self.isFirstRelease(in: context) {
            return .notApplicable(Self.firstRelease, evidence: [Evidence(path: "baseline", value: nil, location: nil)])
        }
        var outcome = CheckOutcome()
        let candidate = outcome.number(at: candidatePath, as: label, in: context)
        let baseline = outcome.number(at: baselinePath, as: "baseline \(label)", in: context)
        guard let candidate, let baseline else { return outcome }

        // Name the reference as the user knows it: the request's baseline, or the champion.
        let role: String
        if case .found = context.lookup("request.spec.baseline") { role = "baseline" } else { role = "champion" }
        var origin: [String] = []
        if case .found(let name) = context.lookup("baseline.metadata.name"), let text = name.text {
            origin.append("run '\(text)'")
        }
        if !greaterIsBetter && !isIncrease { origin.append("lower is better") }
        let runName = origin.isEmpty ? "" : " (\(origin.joined(separator: "; ")))"
        let boundName = isIncrease ? "maxIncrease" : "maxDrop"
        let change = isIncrease ? "increase" : "drop"
        let boundNote = Finding.Note("the bound \(boundName): \(ValueFormatting.number(maxDrop)) is set here", at: maxDropLocation)
        let baselineNote = Finding.Note("the \(role)'s \(label) is here", at: baseline.location)

        guard let drop = Self.drop(candidate: candidate.value, baseline: baseline.value,
                                   relative: relative, greaterIsBetter: greaterIsBetter) else {
            outcome.violations.append(Violation(
                "\(label) \(shown(candidate.value)): the relative \(change) is undefined because the \(role)'s \(label) is 0; the rule fails closed",
                at: candidate.location, notes: [baselineNote, boundNote]))
            return outcome
        }
        guard Bounds.exceeds(drop, max: maxDrop) else { return outcome }

        let direction = candidate.value < baseline.value ? "below" : "above"
        let difference = abs(candidate.value - baseline.value)
        let amount: String
        let allowed: String
        if relative {
            amount = "\(ValueFormatting.figure(drop * 100, distinctFrom: maxDrop * 100))%"
            allowed = "a relative \(change) of more than the allowed \(ValueFormatting.figure(maxDrop * 100))% (\(boundName) \(ValueFormatting.number(maxDrop)))"
        } else {
            let points = unit == nil ? ValueFormatting.points(difference, metric: metric, candidate.value, baseline.value).map { " (\($0))" } ?? "" : ""
            let figure = ValueFormatting.figure(difference, distinctFrom: maxDrop)
            amount = (unit.map { $0 == "%" ? "\(figure)%" : "\(figure) \($0)" } ?? figure) + points
            allowed = "\(isIncrease ? "an" : "a") \(change) of more than the allowed \(shown(maxDrop))"
        }
        outcome.violations.append(Violation(
            "\(label) \(shown(candidate.value)) is \(amount) \(direction) the \(role)'s \(shown(baseline.value))\(runName), \(allowed)",
            at: candidate.location, notes: [boundNote, baselineNote]))
        return outcome
    }


    // MARK: Examples

    static func run(_ name: String, _ metrics: String) -> String {
        """
        apiVersion: tollgate/v1
        kind: RunManifest
        metadata: {name: \(name)}
        spec:
          model: m
          version: "0.9.0"
          metrics: \(metrics)
        """
    }

    static let champion = run("champ", "{accuracy: 0.897, logLoss: 0.261}")
    static let mergedChampion = ExampleRepository(merged: [(name: "m-0.9.0-production",
        spec: "{model: m, version: \"0.9.0\", from: staging, to: production, run: champ, modelCard: card, requestedBy: alice, justification: ok}")])

    public static let examples: [CheckExample] = [
        CheckExample("a candidate as good as the named baseline passes", check: "{metric: accuracy, maxDrop: 0}",
                     run: "metrics: {accuracy: 0.897}", request: "baseline: champ", documents: [champion], expect: .pass),
        CheckExample("a drop exactly on the inclusive bound passes (0.897 − 0.887 = 0.01)", check: "{metric: accuracy, maxDrop: 0.01}",
                     run: "metrics: {accuracy: 0.887}", request: "baseline: champ", documents: [champion], expect: .pass),
        CheckExample("the champion found in history is the default baseline", check: "{metric: accuracy, maxDrop: 0.005}",
                     run: "metrics: {accuracy: 0.901}", documents: [champion], repository: mergedChampion, expect: .pass),
        CheckExample("a relative drop within the bound passes (0.0087/0.897 < 1%)", check: "{metric: accuracy, maxDrop: 0.01, relative: true}",
                     run: "metrics: {accuracy: 0.8883}", request: "baseline: champ", documents: [champion], expect: .pass),
        CheckExample("a lower log loss is no drop when lower is better", check: "{metric: logLoss, maxDrop: 0, greaterIsBetter: false}",
                     run: "metrics: {logLoss: 0.25}", request: "baseline: champ", documents: [champion], expect: .pass),
        CheckExample("a drop beyond the bound against the champion blocks", check: "{metric: accuracy, maxDrop: 0.01}",
                     run: "metrics: {accuracy: 0.881}", documents: [champion], repository: mergedChampion, expect: .block,
                     message: "accuracy 0.881 is 0.016 (1.6 points) below the champion's 0.897 (run 'champ'), a drop of more than the allowed 0.01"),
        CheckExample("a relative drop beyond the bound blocks", check: "{metric: accuracy, maxDrop: 0.01, relative: true}",
                     run: "metrics: {accuracy: 0.85}", request: "baseline: champ", documents: [champion], expect: .block,
                     message: "accuracy 0.85 is 5.23969% below the baseline's 0.897 (run 'champ'), a relative drop of more than the allowed 1% (maxDrop 0.01)"),
        CheckExample("a higher log loss blocks when lower is better", check: "{metric: logLoss, maxDrop: 0.02, greaterIsBetter: false}",
                     run: "metrics: {logLoss: 0.29}", request: "baseline: champ", documents: [champion], expect: .block,
                     message: "logLoss 0.29 is 0.029 above the baseline's 0.261 (run 'champ'; lower is better)"),
        CheckExample("the first release of a model (no baseline, no merged champion) is not applicable", check: "{metric: accuracy, maxDrop: 0.01}",
                     run: "metrics: {accuracy: 0.9}", repository: ExampleRepository(), expect: .pass,
                     message: "first release of this model, no champion", notApplicable: true),
        CheckExample("a champion merged for another model does not count: still the first release", check: "{metric: accuracy, maxDrop: 0.01}",
                     run: "metrics: {accuracy: 0.5}", repository: ExampleRepository(merged: [(name: "other-1-production",
                        spec: "{model: other, version: \"1\", from: staging, to: production, run: champ, modelCard: card, requestedBy: alice, justification: ok}")]),
                     expect: .pass, message: "first release of this model", notApplicable: true),
        CheckExample("with requireBaseline, no baseline and no merged champion fails closed, naming the path",
                     check: "{metric: accuracy, maxDrop: 0.01, requireBaseline: true}",
                     run: "metrics: {accuracy: 0.9}", repository: ExampleRepository(), expect: .block,
                     message: "baseline.spec.metrics.accuracy cannot be read: the request names no baseline (spec.baseline) and no production promotion of m was merged before"),
        CheckExample("without history the champion cannot be looked for: fails closed", check: "{metric: accuracy, maxDrop: 0.01}",
                     run: "metrics: {accuracy: 0.9}", expect: .block,
                     message: "no history is available to find the champion"),
        CheckExample("a candidate without the metric fails closed, naming the path", check: "{metric: auc, maxDrop: 0.01}",
                     run: "metrics: {accuracy: 0.9}", request: "baseline: champ", documents: [run("champ", "{auc: 0.95}")], expect: .block,
                     message: "run.spec.metrics.auc is missing"),
        CheckExample("a metric written as a string blocks", check: "{metric: accuracy, maxDrop: 0.01}",
                     run: "metrics: {accuracy: '0.9'}", request: "baseline: champ", documents: [champion], expect: .block,
                     message: "accuracy (run.spec.metrics.accuracy) must be a number, found a string '0.9'"),
        CheckExample("p95 latency within 20 % of the champion's passes (18 → 21.6 ms is exactly 20 %)",
                     check: "{value: run.spec.serving.p95Ms, maxIncrease: 0.2, relative: true, unit: ms}",
                     run: "serving: {p95Ms: 21.6}", request: "baseline: champ", documents: [servingChampion], expect: .pass),
        CheckExample("p95 latency more than 20 % above the champion's blocks, at the candidate's value",
                     check: "{value: run.spec.serving.p95Ms, maxIncrease: 0.2, relative: true, unit: ms}",
                     run: "serving: {p95Ms: 25}", documents: [servingChampion], repository: mergedChampion, expect: .block,
                     message: "p95 latency 25 ms is 38.8889% above the champion's 18 ms (run 'champ'), a relative increase of more than the allowed 20% (maxIncrease 0.2)"),
        CheckExample("an absolute bound on any path: the error rate may rise by at most 0.005",
                     check: "{value: run.spec.serving.errorRate, maxIncrease: 0.005}",
                     run: "serving: {errorRate: 0.02}", request: "baseline: champ", documents: [servingChampion], expect: .block,
                     message: "error rate 0.02 is 0.008 above the baseline's 0.012 (run 'champ'), an increase of more than the allowed 0.005"),
        CheckExample("a champion without the value fails closed, naming the path",
                     check: "{value: run.spec.serving.p99Ms, maxIncrease: 0.2, relative: true}",
                     run: "serving: {p99Ms: 40}", request: "baseline: champ", documents: [servingChampion], expect: .block,
                     message: "baseline.spec.serving.p99Ms is missing"),
    ]

    static let servingChampion = """
        apiVersion: tollgate/v1
        kind: RunManifest
        metadata: {name: champ}
        spec:
          model: m
          version: "0.9.0"
          metrics: {accuracy: 0.897}
          serving: {p95Ms: 18, errorRate: 0.012}
        """
}
