import Documents
import Foundation

/// `slices: {metric, minSupport?, maxGap?, minRatio?, against: overall|best, requireFeatures?}`
/// — responsible-AI checks over `run.spec.slices`, with Fairlearn's definitions (`MetricFrame`).
///
/// Slices are grouped by `feature`; each feature is one Fairlearn sensitive feature. With
/// `against: best` a slice is compared with the best slice (the largest value) of its
/// feature: the worst gap is `difference(method='between_groups')` and the worst ratio
/// `ratio(method='between_groups')`. With `against: overall` it is compared with
/// `run.spec.metrics[metric]`: gap |slice − overall|, ratio min(slice/overall, overall/slice),
/// as `method='to_overall'`. Ratios point Fairlearn's way (at most 1).
public struct SlicesCheck: Check {
    public static let keyword = "slices"
    public static let summary = """
        Responsible-AI checks over the run's evaluation slices (`run.spec.slices`), with \
        Fairlearn's definitions. Slices are grouped by `feature`. `against: best` compares each \
        slice with the best slice (largest value) of its feature — the worst gap is Fairlearn's \
        `MetricFrame.difference(method='between_groups')`, the worst ratio its \
        `ratio(method='between_groups')` (min/max); `against: overall` compares each slice with \
        `run.spec.metrics[metric]` — gap |slice − overall|, ratio min(slice/overall, overall/slice), \
        Fairlearn's `method='to_overall'`. Every slice whose gap exceeds `maxGap` or whose ratio \
        is below `minRatio` (the four-fifths rule is 0.8) is reported; bounds are inclusive. A \
        slice whose `support` is below `minSupport` is reported too (its figures cannot be \
        trusted) and takes no part in the comparison. Each feature in `requireFeatures` needs \
        at least one slice; `requireFeaturesFrom` names a path to a list of features instead, \
        normally the model card's declaration `card.spec.fairness.sensitiveFeatures`, so the \
        policy holds no domain's features. A card that does not declare them is missing \
        documentation: the rule fails closed, located at the card (an empty list declares that \
        the model has no sensitive features). Missing slices, a slice without the metric, or a \
        missing overall metric fail closed.
        """
    public static let schema = ObjectSchema([
        FieldSchema("metric", .text(), "the metric compared across slices, e.g. accuracy"),
        FieldSchema("against", .oneOf(["overall", "best"]),
                    "reference: the run's overall metric, or the best slice of the same feature"),
        .optional("maxGap", .number, "largest allowed gap to the reference (inclusive)"),
        .optional("minRatio", .number, "smallest allowed ratio to the reference, in (0, 1]; four-fifths rule: 0.8"),
        .optional("minSupport", .integer, "fewest evaluation examples a slice needs to be trusted"),
        .optional("requireFeatures", .list(.text(), minItems: 1), "features that must have at least one slice"),
        .optional("requireFeaturesFrom", .text(),
                  "a path to the list of features that must have at least one slice, e.g. card.spec.fairness.sensitiveFeatures"),
    ])

    /// What a slice is compared with.
    public enum Reference: String, Sendable {
        /// `run.spec.metrics[metric]` (Fairlearn `method='to_overall'`).
        case overall
        /// The best slice of the same feature (Fairlearn `method='between_groups'`).
        case best
    }

    /// A bound of the check as the policy wrote it.
    public struct Bound<Value: Sendable>: Sendable {
        public var value: Value
        public var location: SourceLocation
    }

    public var metric: String
    public var against: Reference
    public var maxGap: Bound<Double>?
    public var minRatio: Bound<Double>?
    public var minSupport: Bound<Int>?
    public var requireFeatures: [Bound<String>]
    /// A path to the list of required features (`card.spec.fairness.sensitiveFeatures`).
    public var requireFeaturesFrom: Bound<String>?

    public init?(_ spec: YAMLValue, diagnostics: inout [Diagnostic]) {
        guard let metricValue = spec["metric"], let metric = metricValue.string,
              let against = spec["against"]?.string.flatMap(Reference.init(rawValue:)) else { return nil }
        self.metric = metric
        self.against = against
        if let v = spec["maxGap"], let n = v.number { maxGap = Bound(value: n, location: v.location) }
        if let v = spec["minRatio"], let n = v.number { minRatio = Bound(value: n, location: v.location) }
        if let v = spec["minSupport"], case .int(let n) = v.kind { minSupport = Bound(value: n, location: v.location) }
        requireFeatures = (spec["requireFeatures"]?.list ?? []).compactMap { item in
            item.string.map { Bound(value: $0, location: item.location) }
        }
        if let v = spec["requireFeaturesFrom"], let path = v.string { requireFeaturesFrom = Bound(value: path, location: v.location) }
        let before = diagnostics.count
        if !MetricName.isName(metric) {
            diagnostics.append(Diagnostic(.schema, MetricName.problem(metric), at: metricValue.location))
        }
        if maxGap == nil, minRatio == nil, minSupport == nil, requireFeatures.isEmpty, requireFeaturesFrom == nil {
            diagnostics.append(Diagnostic(.schema,
                "slices needs at least one bound: maxGap, minRatio, minSupport, requireFeatures or requireFeaturesFrom", at: spec.location))
        }
        if let from = requireFeaturesFrom {
            let head = YAMLValue.pathComponents(from.value).first ?? ""
            if !EvaluationContext.names.contains(head) || YAMLValue.pathComponents(from.value).count < 2 {
                diagnostics.append(Diagnostic(.schema,
                    "slices requireFeaturesFrom '\(from.value)' must be a path into a bound document (\(EvaluationContext.names.joined(separator: ", "))), e.g. card.spec.fairness.sensitiveFeatures",
                    at: from.location))
            }
            if !requireFeatures.isEmpty {
                diagnostics.append(Diagnostic(.schema,
                    "slices takes requireFeatures or requireFeaturesFrom, not both", at: from.location))
            }
        }
        if let maxGap, maxGap.value < 0 {
            diagnostics.append(Diagnostic(.schema,
                "slices maxGap \(ValueFormatting.number(maxGap.value)) must be at least 0: a gap is a distance to the reference",
                at: maxGap.location))
        }
        if let minRatio, !(minRatio.value > 0 && minRatio.value <= 1) {
            diagnostics.append(Diagnostic(.schema,
                "slices minRatio \(ValueFormatting.number(minRatio.value)) must be in (0, 1]: ratios point Fairlearn's way, smaller/larger (the four-fifths rule is 0.8)",
                at: minRatio.location))
        }
        if let minSupport, minSupport.value < 1 {
            diagnostics.append(Diagnostic(.schema,
                "slices minSupport \(minSupport.value) must be at least 1", at: minSupport.location))
        }
        if diagnostics.count > before { return nil }
    }

    // MARK: Figures

    /// One slice's value of the metric, as read from `run.spec.slices`.
    public struct SliceValue: Sendable, Equatable {
        public var name: String
        public var feature: String
        public var group: String
        public var value: Double

        public init(name: String, feature: String, group: String, value: Double) {
            self.name = name
            self.feature = feature
            self.group = group
            self.value = value
        }
    }

    /// A slice compared with its reference.
    public struct SliceFigure: Sendable, Equatable {
        public var slice: SliceValue
        /// The slice's index in the list given to `figures(of:against:overall:)`.
        public var position: Int
        /// |slice − reference| (with `against: best`, best − slice).
        public var gap: Double
        /// smaller/larger of slice and reference, at most 1; `nil` when a value is negative
        /// (a ratio of signed values says nothing).
        public var ratio: Double?
    }

    /// The figures of one feature: Fairlearn's `MetricFrame` over that feature alone.
    public struct FeatureFigures: Sendable, Equatable {
        public var feature: String
        /// The value every slice of the feature is compared with.
        public var reference: Double
        /// The best slice, with `against: best`.
        public var referenceSlice: SliceValue?
        public var slices: [SliceFigure]
        /// The largest gap: Fairlearn's `difference(method=...)`.
        public var worstGap: Double { slices.map(\.gap).max() ?? 0 }
        /// The smallest ratio: Fairlearn's `ratio(method=...)`; `nil` when some ratio is undefined.
        public var worstRatio: Double? {
            let ratios = slices.map(\.ratio)
            if ratios.contains(where: { $0 == nil }) { return nil }
            return ratios.compactMap { $0 }.min() ?? 1
        }
    }

    /// Compares slices with their reference, one feature at a time (features in order of
    /// first appearance). `overall` is required with `against: overall`.
    public static func figures(of slices: [SliceValue], against reference: Reference, overall: Double?) -> [FeatureFigures] {
        var features: [String] = []
        for slice in slices where !features.contains(slice.feature) { features.append(slice.feature) }
        return features.compactMap { feature in
            let members = slices.indices.filter { slices[$0].feature == feature }
            let best = members.map { slices[$0] }.max { $0.value < $1.value }
            let referenceValue: Double
            switch reference {
            case .best:
                guard let best else { return nil }
                referenceValue = best.value
            case .overall:
                guard let overall else { return nil }
                referenceValue = overall
            }
            let compared = members.map { position in
                SliceFigure(slice: slices[position], position: position, gap: abs(slices[position].value - referenceValue),
                            ratio: ratio(slices[position].value, referenceValue))
            }
            return FeatureFigures(feature: feature, reference: referenceValue,
                                  referenceSlice: reference == .best ? best : nil, slices: compared)
        }
    }

    /// smaller/larger, as Fairlearn's ratios: 1 when equal (also 0 and 0), `nil` for negatives.
    static func ratio(_ a: Double, _ b: Double) -> Double? {
        if a == b { return 1 }
        guard a >= 0, b >= 0 else { return nil }
        return Swift.min(a, b) / Swift.max(a, b)
    }

    /// The figures the rule compares for a subject, as `evaluate(in:)` computes them; slices
    /// that cannot be read, or lack `minSupport`, take no part.
    public func figures(in context: EvaluationContext) -> [FeatureFigures] {
        let reading = read(in: context)
        return Self.figures(of: reading.trusted.map(\.value), against: against, overall: reading.overall?.value)
    }

    // MARK: Reading

    /// A slice that can take part in the comparison, with where its value was written.
    struct ReadSlice {
        var value: SliceValue
        var location: SourceLocation
    }

    struct Reading {
        var trusted: [ReadSlice] = []
        var overall: (value: Double, location: SourceLocation)?
        /// Features of all slices that name one, in order.
        var features: [String] = []
        var slicesLocation: SourceLocation?
        var outcome = CheckOutcome()
    }

    private var label: String { ValueFormatting.label(forPath: metric) }

    func read(in context: EvaluationContext) -> Reading {
        var reading = Reading()
        let overallPath = "run.spec.metrics.\(metric)"
        if against == .overall {
            switch context.lookup(overallPath) {
            case .missing(let reason, let location):
                reading.outcome.violations.append(Violation("overall \(label): \(reason); the rule fails closed", at: location))
                reading.outcome.evidence.append(Evidence(path: overallPath, value: nil, location: nil))
            case .found(let value):
                reading.outcome.evidence.append(Evidence(path: overallPath, value: value, location: value.location))
                if let number = value.number, number.isFinite {
                    reading.overall = (number, value.location)
                } else {
                    reading.outcome.violations.append(Violation(
                        "overall \(label) (\(overallPath)) must be \(value.number == nil ? "a" : "a finite") number, found \(value.typeDescription) \(ValueFormatting.value(value))",
                        at: value.location))
                }
            }
        }
        let slicesPath = "run.spec.slices"
        let list: [YAMLValue]
        switch context.lookup(slicesPath) {
        case .missing(let reason, let location):
            reading.outcome.violations.append(Violation("slices: \(reason); the rule fails closed", at: location))
            reading.outcome.evidence.append(Evidence(path: slicesPath, value: nil, location: nil))
            return reading
        case .found(let value):
            reading.slicesLocation = value.location
            guard let items = value.list else {
                reading.outcome.violations.append(Violation(
                    "\(slicesPath) must be a list of slices, found \(value.typeDescription) \(ValueFormatting.value(value))", at: value.location))
                return reading
            }
            if items.isEmpty {
                reading.outcome.violations.append(Violation(
                    "\(slicesPath) is empty: there are no slices to compare; the rule fails closed", at: value.location))
                return reading
            }
            list = items
        }
        for (index, item) in list.enumerated() {
            let path = "\(slicesPath)[\(index)]"
            guard item.map != nil else {
                reading.outcome.violations.append(Violation(
                    "\(path) must be a mapping, found \(item.typeDescription) \(ValueFormatting.value(item))", at: item.location))
                continue
            }
            if let slice = readSlice(item, path: path, context: context, into: &reading) {
                reading.trusted.append(slice)
            }
        }
        return reading
    }

    /// Reads one slice: its feature, its metric and (with `minSupport`) its support.
    private func readSlice(_ item: YAMLValue, path: String, context: EvaluationContext, into reading: inout Reading) -> ReadSlice? {
        let feature = item["feature"]?.text
        let group = item["group"]?.text
        let name = item["name"]?.text ?? [feature, group].compactMap { $0 }.joined(separator: "=")
        let shown = name.isEmpty ? path : "'\(name)'"
        if let feature, !reading.features.contains(feature) { reading.features.append(feature) }

        var usable = true
        let valuePath = "\(path).metrics.\(metric)"
        var observed: (Double, SourceLocation)?
        switch context.lookup(valuePath) {
        case .missing(let reason, let location):
            reading.outcome.violations.append(Violation("slice \(shown): \(reason); the rule fails closed", at: location))
            reading.outcome.evidence.append(Evidence(path: valuePath, value: nil, location: nil))
            usable = false
        case .found(let value):
            reading.outcome.evidence.append(Evidence(path: valuePath, value: value, location: value.location))
            if let number = value.number, number.isFinite {
                observed = (number, value.location)
            } else {
                reading.outcome.violations.append(Violation(
                    "slice \(shown): \(label) (\(valuePath)) must be \(value.number == nil ? "a" : "a finite") number, found \(value.typeDescription) \(ValueFormatting.value(value))",
                    at: value.location))
                usable = false
            }
        }
        if feature == nil {
            switch context.lookup("\(path).feature") {
            case .missing(let reason, let location):
                reading.outcome.violations.append(Violation("slice \(shown): \(reason); the rule fails closed", at: location))
            case .found(let value):
                reading.outcome.violations.append(Violation(
                    "slice \(shown): \(path).feature must be a text, found \(value.typeDescription)", at: value.location))
            }
            usable = false
        }
        if let minSupport {
            let supportPath = "\(path).support"
            switch context.lookup(supportPath) {
            case .missing(let reason, let location):
                reading.outcome.violations.append(Violation("slice \(shown): \(reason); the rule fails closed", at: location))
                reading.outcome.evidence.append(Evidence(path: supportPath, value: nil, location: nil))
                usable = false
            case .found(let value):
                reading.outcome.evidence.append(Evidence(path: supportPath, value: value, location: value.location))
                guard case .int(let support) = value.kind else {
                    reading.outcome.violations.append(Violation(
                        "slice \(shown): support (\(supportPath)) must be an integer, found \(value.typeDescription) \(ValueFormatting.value(value))",
                        at: value.location))
                    return nil
                }
                if support < minSupport.value {
                    let figure = observed.map { " its \(label) \(ValueFormatting.number($0.0))" } ?? " its figures"
                    reading.outcome.violations.append(Violation(
                        "slice \(shown) has support \(support), below minSupport \(minSupport.value):\(figure) cannot be trusted, so the rule fails closed",
                        at: value.location, notes: [.init("the bound minSupport: \(minSupport.value) is set here", at: minSupport.location)]))
                    usable = false
                }
            }
        }
        guard usable, let feature, let observed else { return nil }
        return ReadSlice(value: SliceValue(name: name, feature: feature, group: group ?? name, value: observed.0),
                         location: observed.1)
    }

    // MARK: Evaluation

    public func evaluate(in context: EvaluationContext) -> CheckOutcome {
        let reading = read(in: context)
        var outcome = reading.outcome
        var required = requireFeatures
        if let from = requireFeaturesFrom {
            required = declaredFeatures(at: from, in: context, into: &outcome)
        }
        if let slicesLocation = reading.slicesLocation {
            for required in required where !reading.features.contains(required.value) {
                let present = reading.features.isEmpty ? "none" : reading.features.joined(separator: ", ")
                outcome.violations.append(Violation(
                    "feature '\(required.value)' has no slice in run.spec.slices (features present: \(present))",
                    at: slicesLocation, notes: [.init("the feature is required here", at: required.location)]))
            }
        }
        guard maxGap != nil || minRatio != nil else { return outcome }
        if against == .overall, reading.overall == nil { return outcome }
        for feature in Self.figures(of: reading.trusted.map(\.value), against: against, overall: reading.overall?.value) {
            for figure in feature.slices {
                outcome.violations += violations(figure, of: feature, at: reading.trusted[figure.position].location,
                                                 overall: reading.overall?.location)
            }
        }
        return outcome
    }

    /// The features listed at `from` (the card's declaration); a missing or malformed list is
    /// a violation located where it should be: a card that names no sensitive features is
    /// missing documentation.
    private func declaredFeatures(at from: Bound<String>, in context: EvaluationContext,
                                  into outcome: inout CheckOutcome) -> [Bound<String>] {
        let note = Finding.Note("the features are required by requireFeaturesFrom here", at: from.location)
        switch context.lookup(from.value) {
        case .missing(let reason, let location):
            outcome.evidence.append(Evidence(path: from.value, value: nil, location: nil))
            outcome.violations.append(Violation(
                "\(reason): the sensitive features the evaluation must be sliced by are not declared; the rule fails closed",
                at: location, notes: [note]))
            return []
        case .found(let value):
            outcome.evidence.append(Evidence(path: from.value, value: value, location: value.location))
            guard let items = value.list, items.allSatisfy({ $0.string != nil }) else {
                // "found a string 'region'"; a list names its first entry that is not a name.
                let found: String
                if let wrong = value.list?.first(where: { $0.string == nil }) {
                    found = "a list whose entry \(ValueFormatting.value(wrong)) (\(wrong.location)) is not a feature name"
                } else if value.list != nil || value.map != nil {
                    found = ValueFormatting.value(value)
                } else {
                    found = "\(value.typeDescription) \(ValueFormatting.value(value))"
                }
                outcome.violations.append(Violation(
                    "\(from.value) must be a list of feature names, found \(found)",
                    at: value.location, notes: [note]))
                return []
            }
            return items.compactMap { item in item.string.map { Bound(value: $0, location: item.location) } }
        }
    }

    private func violations(_ figure: SliceFigure, of feature: FeatureFigures, at location: SourceLocation,
                            overall overallLocation: SourceLocation?) -> [Violation] {
        let slice = figure.slice
        let value = ValueFormatting.number(slice.value)
        let referenceText: String
        var referenceNote: Finding.Note?
        switch against {
        case .best:
            let best = feature.referenceSlice
            referenceText = "the best slice of \(slice.feature) ('\(best?.name ?? "?")', \(ValueFormatting.number(feature.reference)))"
        case .overall:
            referenceText = "the overall \(ValueFormatting.number(feature.reference)) (run.spec.metrics.\(metric))"
            referenceNote = overallLocation.map { .init("the overall \(label) is here", at: $0) }
        }
        var found: [Violation] = []
        if let maxGap, Bounds.exceeds(figure.gap, max: maxGap.value) {
            let direction = slice.value < feature.reference ? "below" : "above"
            let gap = ValueFormatting.figure(figure.gap, distinctFrom: maxGap.value)
            let points = ValueFormatting.points(figure.gap, metric: metric, slice.value, feature.reference).map { " (\($0))" } ?? ""
            found.append(Violation(
                "slice '\(slice.name)': \(label) \(value) is \(gap)\(points) \(direction) \(referenceText), more than the allowed gap \(ValueFormatting.number(maxGap.value))",
                at: location,
                notes: [.init("the bound maxGap: \(ValueFormatting.number(maxGap.value)) is set here", at: maxGap.location)] + (referenceNote.map { [$0] } ?? [])))
        }
        if let minRatio {
            let rule = minRatio.value == 0.8 ? " (four-fifths rule)" : ""
            let notes = [Finding.Note("the bound minRatio: \(ValueFormatting.number(minRatio.value)) is set here", at: minRatio.location)]
                + (referenceNote.map { [$0] } ?? [])
            if let ratio = figure.ratio {
                if Bounds.isBelow(ratio, min: minRatio.value) {
                    let shown = ValueFormatting.figure(ratio, distinctFrom: minRatio.value)
                    found.append(Violation(
                        "slice '\(slice.name)': \(label) \(value) against \(referenceText) is a ratio of \(shown) (smaller/larger), below the minimum \(ValueFormatting.number(minRatio.value))\(rule)",
                        at: location, notes: notes))
                }
            } else {
                found.append(Violation(
                    "slice '\(slice.name)': \(label) \(value) against \(referenceText) has no ratio (a value is negative), so minRatio \(ValueFormatting.number(minRatio.value)) cannot be checked; the rule fails closed",
                    at: location, notes: notes))
            }
        }
        return found
    }

    // MARK: Examples

    static let regions = """
        metrics: {accuracy: 0.897}
        slices:
          - {name: region-eu, feature: region, group: eu, support: 41200, metrics: {accuracy: 0.904}}
          - {name: region-na, feature: region, group: na, support: 38750, metrics: {accuracy: 0.901}}
          - {name: region-apac, feature: region, group: apac, support: 12480, metrics: {accuracy: 0.879}}
          - {name: region-latam, feature: region, group: latam, support: 7570, metrics: {accuracy: 0.868}}
          - {name: account-age-lt-90d, feature: account_age, group: lt-90d, support: 9840, metrics: {accuracy: 0.861}}
          - {name: account-age-gt-2y, feature: account_age, group: gt-2y, support: 53750, metrics: {accuracy: 0.907}}
        """

    static let twoGroups = """
        metrics: {accuracy: 0.8}
        slices:
          - {name: a, feature: sex, group: f, support: 500, metrics: {accuracy: 0.8}}
          - {name: b, feature: sex, group: m, support: 500, metrics: {accuracy: 0.64}}
        """

    public static let examples: [CheckExample] = [
        CheckExample("slices within the gap to the best slice of their feature pass",
                     check: "{metric: accuracy, against: best, maxGap: 0.05, minSupport: 1000}", run: regions, expect: .pass),
        CheckExample("a gap exactly on the inclusive bound passes (0.907 − 0.861 = 0.046)",
                     check: "{metric: accuracy, against: best, maxGap: 0.046}", run: regions, expect: .pass),
        CheckExample("a ratio of exactly four fifths passes (0.64 / 0.8)",
                     check: "{metric: accuracy, against: best, minRatio: 0.8}", run: twoGroups, expect: .pass),
        CheckExample("slices within the gap to the overall metric pass",
                     check: "{metric: accuracy, against: overall, maxGap: 0.04, requireFeatures: [region, account_age]}",
                     run: regions, expect: .pass),
        CheckExample("a slice too far below the best slice of its feature blocks",
                     check: "{metric: accuracy, against: best, maxGap: 0.04}", run: regions, expect: .block,
                     message: "slice 'account-age-lt-90d': accuracy 0.861 is 0.046 (4.6 points) below the best slice of account_age ('account-age-gt-2y', 0.907), more than the allowed gap 0.04"),
        CheckExample("a ratio under the four-fifths rule blocks",
                     check: "{metric: accuracy, against: overall, minRatio: 0.81}", run: twoGroups, expect: .block,
                     message: "slice 'b': accuracy 0.64 against the overall 0.8 (run.spec.metrics.accuracy) is a ratio of 0.8 (smaller/larger), below the minimum 0.81"),
        CheckExample("a slice below minSupport is reported, never silently passed",
                     check: "{metric: accuracy, against: best, maxGap: 0.05, minSupport: 8000}", run: regions, expect: .block,
                     message: "slice 'region-latam' has support 7570, below minSupport 8000"),
        CheckExample("a required feature without slices blocks",
                     check: "{metric: accuracy, against: best, requireFeatures: [region, age]}", run: regions, expect: .block,
                     message: "feature 'age' has no slice in run.spec.slices (features present: region, account_age)"),
        CheckExample("the features the model card declares all have slices",
                     check: "{metric: accuracy, against: best, requireFeaturesFrom: card.spec.fairness.sensitiveFeatures}",
                     run: regions, card: "fairness: {sensitiveFeatures: [region, account_age]}", expect: .pass),
        CheckExample("a card that declares no sensitive features (an empty list) requires none",
                     check: "{metric: accuracy, against: best, requireFeaturesFrom: card.spec.fairness.sensitiveFeatures}",
                     run: regions, card: "fairness: {sensitiveFeatures: []}", expect: .pass),
        CheckExample("a feature the model card declares without slices blocks",
                     check: "{metric: accuracy, against: best, requireFeaturesFrom: card.spec.fairness.sensitiveFeatures}",
                     run: regions, card: "fairness: {sensitiveFeatures: [region, age]}", expect: .block,
                     message: "feature 'age' has no slice in run.spec.slices (features present: region, account_age)"),
        CheckExample("a model card that does not declare its sensitive features fails closed",
                     check: "{metric: accuracy, against: best, requireFeaturesFrom: card.spec.fairness.sensitiveFeatures}",
                     run: regions, card: "model: m", expect: .block,
                     message: "card.spec.fairness.sensitiveFeatures is missing (card.spec has no 'fairness'): the sensitive features the evaluation must be sliced by are not declared"),
        CheckExample("missing slices fail closed, naming the path",
                     check: "{metric: accuracy, against: best, maxGap: 0.05}", run: "metrics: {accuracy: 0.897}", expect: .block,
                     message: "run.spec.slices is missing"),
        CheckExample("a missing overall metric fails closed, naming the path",
                     check: "{metric: auc, against: overall, maxGap: 0.05}",
                     run: "metrics: {accuracy: 0.9}\nslices:\n  - {name: a, feature: sex, group: f, support: 10, metrics: {auc: 0.9}}",
                     expect: .block, message: "run.spec.metrics.auc is missing"),
        CheckExample("a slice without the metric fails closed, naming the path",
                     check: "{metric: auc, against: best, maxGap: 0.05}", run: twoGroups, expect: .block,
                     message: "run.spec.slices[0].metrics.auc is missing"),
        CheckExample("a metric written as a string blocks",
                     check: "{metric: accuracy, against: best, maxGap: 0.05}",
                     run: "metrics: {accuracy: 0.8}\nslices:\n  - {name: a, feature: sex, group: f, support: 10, metrics: {accuracy: '0.8'}}",
                     expect: .block, message: "must be a number, found a string '0.8'"),
    ]
}

extension ValueFormatting {
    /// A computed figure (a gap, a ratio, a drop) to six significant digits, so
    /// 0.932 − 0.897 reads 0.035, not 0.035000000000000031; more digits when six would
    /// make it read as `bound` while it differs from it.
    static func figure(_ d: Double, distinctFrom bound: Double? = nil) -> String {
        if abs(d) >= 1e6, d.isFinite, d != bound { return number(d.rounded()) }
        var digits = 6
        var text = String(format: "%.\(digits)g", d)
        while let bound, digits < 17, Double(text) == bound, d != bound {
            digits += 3
            text = String(format: "%.\(digits)g", d)
        }
        return text
    }

    /// A difference of two values of a share metric (accuracy, recall, ...) in percentage
    /// points ("3.5 points"), or `nil` for other metrics (a log loss has no points).
    static func points(_ difference: Double, metric: String, _ a: Double, _ b: Double) -> String? {
        guard shareMetrics.contains(metric), (0...1).contains(a), (0...1).contains(b) else { return nil }
        return "\(figure(difference * 100)) points"
    }

    /// Metrics that are shares in [0, 1], spoken of in percentage points.
    static let shareMetrics: Set<String> = [
        "accuracy", "balancedAccuracy", "precision", "recall", "f1", "auc", "rocAuc", "prAuc",
        "averagePrecision", "specificity", "sensitivity", "truePositiveRate", "falsePositiveRate",
        "selectionRate", "errorRate", "availability",
    ]
}

/// Metric names in checks are keys of `metrics`, not paths.
enum MetricName {
    static func isName(_ metric: String) -> Bool {
        !metric.isEmpty && !metric.contains(".") && !metric.contains("[") && !metric.contains(" ")
    }

    static func problem(_ metric: String) -> String {
        let last = YAMLValue.pathComponents(metric).last ?? metric
        return "metric '\(metric)' must be the name of a metric (a key of spec.metrics), e.g. \(last.isEmpty ? "accuracy" : last)"
    }
}
