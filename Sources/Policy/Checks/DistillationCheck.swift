import Documents

/// `distillation: {metric, maxGap}` — the student (`run`) may trail its teacher (`teacher`,
/// the teacher's RunManifest) by at most `maxGap` on one metric: gap = teacher − student,
/// inclusive, so DistilOps' 0.932 − 0.897 = 0.035 passes `maxGap: 0.035`.
public struct DistillationCheck: Check {
    public static let keyword = "distillation"
    public static let summary = """
        Compares the student's metric (`run.spec.metrics[metric]`) with its teacher's \
        (`teacher.spec.metrics[metric]`, the RunManifest named by the run's `spec.teacher`). \
        The gap is teacher − student; the rule blocks when it exceeds `maxGap` (inclusive: a \
        gap of exactly `maxGap` passes; a student better than its teacher always passes). A \
        run that names no teacher is not a distilled model: the rule is not applicable (it \
        passes, and the reports say so), unless the model card declares a teacher \
        (`card.spec.teacher`): then the run's missing teacher fails closed. A teacher known only by its ModelCard has no metrics, \
        so the rule fails closed and asks for the teacher's run (`spec.teacher.run`); so does a \
        named teacher that does not exist, a missing run or a missing metric.
        """
    public static let schema = ObjectSchema([
        FieldSchema("metric", .text(), "the metric compared, a key of spec.metrics, e.g. accuracy"),
        FieldSchema("maxGap", .number, "largest allowed teacher − student gap (inclusive)"),
    ])

    public var metric: String
    public var maxGap: Double
    public var maxGapLocation: SourceLocation

    public init?(_ spec: YAMLValue, diagnostics: inout [Diagnostic]) {
        guard let metricValue = spec["metric"], let metric = metricValue.string,
              let bound = spec["maxGap"], let maxGap = bound.number else { return nil }
        self.metric = metric
        self.maxGap = maxGap
        maxGapLocation = bound.location
        let before = diagnostics.count
        if !MetricName.isName(metric) {
            diagnostics.append(Diagnostic(.schema, MetricName.problem(metric), at: metricValue.location))
        }
        if maxGap < 0 {
            diagnostics.append(Diagnostic(.schema,
                "distillation maxGap \(ValueFormatting.number(maxGap)) must be at least 0: it is how far the student may trail its teacher",
                at: bound.location))
        }
        if diagnostics.count > before { return nil }
    }

    private var label: String { ValueFormatting.label(forPath: metric) }

    /// Why the rule does not apply: the subject's run exists and names no teacher.
    static let notDistilled = "run names no teacher: not a distilled model"

    public func evaluate(in context: EvaluationContext) -> CheckOutcome {
        if case .found(let run) = context.lookup("run"), run["kind"]?.string == DocumentKind.runManifest.rawValue,
           case .missing = context.lookup("run.spec.teacher") {
            // The model card says the model is distilled: a run that drops its teacher (in the
            // change under review, say) does not make the gap disappear; it fails closed.
            if case .found(let declared) = context.lookup("card.spec.teacher") {
                var outcome = CheckOutcome()
                outcome.evidence.append(Evidence(path: "run.spec.teacher", value: nil, location: nil))
                outcome.violations.append(Violation(
                    "the run names no teacher (spec.teacher), but its model card declares one: the distillation gap cannot be measured; name the teacher's run in the run's spec.teacher; the rule fails closed",
                    at: run["spec"]?.location ?? run.location,
                    notes: [.init("the model card's teacher is here", at: declared.location)]))
                return outcome
            }
            return .notApplicable(Self.notDistilled, evidence: [Evidence(path: "run.spec.teacher", value: nil, location: nil)])
        }
        var outcome = CheckOutcome()
        let student = outcome.number(at: "run.spec.metrics.\(metric)", as: "student \(label)", in: context)
        let teacher: (value: Double, location: SourceLocation)?
        if case .found(let document) = context.lookup("teacher"), document["kind"]?.string == DocumentKind.modelCard.rawValue {
            // A card has no evaluation: comparing needs the teacher's run.
            let name = document["metadata"]?["name"]?.text ?? "?"
            var location = document.location
            if case .found(let reference) = context.lookup("run.spec.teacher") { location = reference.location }
            outcome.violations.append(Violation(
                "the teacher is known only by its ModelCard '\(name)', which has no metrics: distillation needs the teacher's RunManifest (name it in the run's spec.teacher.run); the rule fails closed",
                at: location, notes: [.init("the teacher's model card is here", at: document["metadata"]?["name"]?.location ?? document.location)]))
            outcome.evidence.append(Evidence(path: "teacher.spec.metrics.\(metric)", value: nil, location: nil))
            teacher = nil
        } else {
            teacher = outcome.number(at: "teacher.spec.metrics.\(metric)", as: "teacher \(label)", in: context)
        }
        guard let student, let teacher else { return outcome }

        let gap = teacher.value - student.value
        guard Bounds.exceeds(gap, max: maxGap) else { return outcome }
        let points = ValueFormatting.points(gap, metric: metric, student.value, teacher.value).map { " (\($0))" } ?? ""
        var teacherRun = ""
        if case .found(let name) = context.lookup("teacher.metadata.name"), let text = name.text {
            teacherRun = " (run '\(text)')"
        }
        outcome.violations.append(Violation(
            "student \(label) \(ValueFormatting.number(student.value)) is \(ValueFormatting.figure(gap, distinctFrom: maxGap)) below the teacher's \(ValueFormatting.number(teacher.value))\(points), more than the allowed \(ValueFormatting.number(maxGap))",
            at: student.location,
            notes: [.init("the teacher's \(label) is here\(teacherRun)", at: teacher.location),
                    .init("the bound maxGap: \(ValueFormatting.number(maxGap)) is set here", at: maxGapLocation)]))
        return outcome
    }


    // MARK: Examples

    static let student = """
        teacher: {model: t, version: "1", run: teacher-run}
        metrics: {accuracy: 0.897}
        """

    static func teacherRun(_ metrics: String) -> String {
        """
        apiVersion: tollgate/v1
        kind: RunManifest
        metadata: {name: teacher-run}
        spec:
          model: t
          version: "1"
          metrics: \(metrics)
        """
    }

    /// DistilOps: teacher 0.932, student 0.897.
    static let distilOpsTeacher = teacherRun("{accuracy: 0.932}")

    public static let examples: [CheckExample] = [
        CheckExample("a student within the gap passes", check: "{metric: accuracy, maxGap: 0.05}",
                     run: student, documents: [distilOpsTeacher], expect: .pass),
        CheckExample("DistilOps: a gap of exactly maxGap passes (0.932 − 0.897 = 0.035)", check: "{metric: accuracy, maxGap: 0.035}",
                     run: student, documents: [distilOpsTeacher], expect: .pass),
        CheckExample("a student better than its teacher passes", check: "{metric: accuracy, maxGap: 0}",
                     run: student, documents: [teacherRun("{accuracy: 0.89}")], expect: .pass),
        CheckExample("the teacher found by model and version passes", check: "{metric: accuracy, maxGap: 0.04}",
                     run: "teacher: {model: t, version: \"1\"}\nmetrics: {accuracy: 0.897}", documents: [distilOpsTeacher], expect: .pass),
        CheckExample("DistilOps: a gap beyond maxGap blocks", check: "{metric: accuracy, maxGap: 0.03}",
                     run: student, documents: [distilOpsTeacher], expect: .block,
                     message: "student accuracy 0.897 is 0.035 below the teacher's 0.932 (3.5 points), more than the allowed 0.03"),
        CheckExample("a run that names no teacher is not a distilled model: not applicable", check: "{metric: accuracy, maxGap: 0.03}",
                     run: "metrics: {accuracy: 0.897}", expect: .pass,
                     message: "run names no teacher: not a distilled model", notApplicable: true),
        CheckExample("a run that names no teacher while its model card declares one fails closed", check: "{metric: accuracy, maxGap: 0.03}",
                     run: "metrics: {accuracy: 0.897}", card: "teacher: {model: t, version: \"1\"}", expect: .block,
                     message: "the run names no teacher (spec.teacher), but its model card declares one"),
        // Its finding is the run's document/reference problem (the rule's own is folded into it).
        CheckExample("a named teacher that does not exist fails closed", check: "{metric: accuracy, maxGap: 0.03}",
                     run: "teacher: {model: t, version: \"1\", run: gone}\nmetrics: {accuracy: 0.897}", expect: .block),
        CheckExample("a teacher without the metric fails closed, naming the path", check: "{metric: auc, maxGap: 0.03}",
                     run: "teacher: {model: t, version: \"1\", run: teacher-run}\nmetrics: {auc: 0.95}",
                     documents: [distilOpsTeacher], expect: .block, message: "teacher.spec.metrics.auc is missing"),
        CheckExample("a teacher known only by its model card fails closed", check: "{metric: accuracy, maxGap: 0.03}",
                     run: "teacher: {model: t, version: \"1\"}\nmetrics: {accuracy: 0.897}",
                     documents: ["apiVersion: tollgate/v1\nkind: ModelCard\nmetadata: {name: teacher-card}\nspec:\n  model: t\n  version: \"1\""],
                     expect: .block, message: "the teacher is known only by its ModelCard 'teacher-card'"),
        CheckExample("a metric written as a string blocks", check: "{metric: accuracy, maxGap: 0.03}",
                     run: "teacher: {model: t, version: \"1\", run: teacher-run}\nmetrics: {accuracy: '0.897'}",
                     documents: [distilOpsTeacher], expect: .block,
                     message: "student accuracy (run.spec.metrics.accuracy) must be a number, found a string '0.897'"),
    ]
}
