import Documents
import Foundation

/// `drift: {maxPSI?, maxKS?}` — input drift from the binned counts in `run.spec.drift`.
///
/// Per feature, both count lists are turned into shares (count / total). The Population
/// Stability Index is Σ (cur − ref) · ln(cur / ref) over the bins, a zero share replaced by
/// 1e-4 without renormalising (Evidently's convention); the Kolmogorov–Smirnov statistic is
/// the largest gap between the two cumulative shares (no replacement). Bounds are inclusive.
///
/// `bins` holds the bin *edges*, as `numpy.histogram` returns them: exactly one more edge
/// than counts, strictly increasing (`-.inf` / `.inf` allowed at the ends). The edges do not
/// enter the figures; they are checked so that a dropped or extra bin is caught rather than
/// silently compared. Malformed counts fail closed.
public struct DriftCheck: Check {
    public static let keyword = "drift"
    public static let summary = """
        Input drift: the PSI and KS of each feature's binned counts in `run.spec.drift.features` \
        against its baseline, each at most its bound. The Population Stability Index is \
        Σ (cur − ref)·ln(cur/ref) over the bins' shares, a zero share replaced by 1e-4 as \
        Evidently does; the Kolmogorov–Smirnov statistic is the largest gap between the \
        cumulative shares. Bounds are inclusive. `bins` lists the bin edges, one more than the \
        counts and strictly increasing (`-.inf` and `.inf` allowed at the ends). Missing drift \
        data, an empty feature list, counts of different lengths, negative counts or an empty \
        distribution fail closed.
        """
    public static let schema = ObjectSchema([
        .optional("maxPSI", .number, "highest allowed PSI per feature (inclusive), e.g. 0.2"),
        .optional("maxKS", .number, "highest allowed KS statistic per feature (inclusive), 0–1"),
    ])

    /// Where the check reads its input.
    public static let featuresPath = "run.spec.drift.features"
    /// The share a bin with no observations gets in the PSI (Evidently's convention).
    public static let zeroShare = 1e-4

    public var maxPSI: (bound: Double, location: SourceLocation)?
    public var maxKS: (bound: Double, location: SourceLocation)?

    public init?(_ spec: YAMLValue, diagnostics: inout [Diagnostic]) {
        var valid = true
        if let v = spec["maxPSI"], let n = v.number {
            if !n.isFinite || n < 0 {
                diagnostics.append(Diagnostic(.schema,
                    "drift maxPSI \(ValueFormatting.value(v)) must be a number of at least 0 (PSI is never negative)", at: v.location))
                valid = false
            }
            maxPSI = (n, v.location)
        }
        if let v = spec["maxKS"], let n = v.number {
            if !n.isFinite || n < 0 || n > 1 {
                diagnostics.append(Diagnostic(.schema,
                    "drift maxKS \(ValueFormatting.value(v)) must be between 0 and 1 (KS is a gap between cumulative shares)", at: v.location))
                valid = false
            }
            maxKS = (n, v.location)
        }
        if spec["maxPSI"] == nil, spec["maxKS"] == nil {
            diagnostics.append(Diagnostic(.schema, "drift needs at least one bound: maxPSI or maxKS", at: spec.location))
            return nil
        }
        if !valid { return nil }
    }

    // MARK: Figures

    /// The Population Stability Index of two binned distributions given as counts (or
    /// shares): Σ (cur − ref) · ln(cur / ref) over the shares, a zero share replaced by
    /// 1e-4. NaN when the lists differ in length, are empty, hold a negative or non-finite
    /// count, or one of them totals 0.
    public static func psi(baseline: [Double], current: [Double]) -> Double {
        guard let (ref, cur) = shares(baseline, current) else { return .nan }
        var sum = 0.0
        for (r, c) in zip(ref, cur) {
            let r = r == 0 ? zeroShare : r
            let c = c == 0 ? zeroShare : c
            sum += (c - r) * log(c / r)
        }
        return sum
    }

    /// The Kolmogorov–Smirnov statistic of two binned distributions given as counts (or
    /// shares): the largest absolute gap between their cumulative shares. NaN under the same
    /// conditions as `psi`.
    public static func ks(baseline: [Double], current: [Double]) -> Double {
        guard let (ref, cur) = shares(baseline, current) else { return .nan }
        var cumulativeRef = 0.0, cumulativeCur = 0.0, gap = 0.0
        for (r, c) in zip(ref, cur) {
            cumulativeRef += r
            cumulativeCur += c
            gap = Swift.max(gap, abs(cumulativeCur - cumulativeRef))
        }
        return gap
    }

    private static func shares(_ baseline: [Double], _ current: [Double]) -> ([Double], [Double])? {
        guard !baseline.isEmpty, baseline.count == current.count,
              (baseline + current).allSatisfy({ $0.isFinite && $0 >= 0 }) else { return nil }
        let refTotal = baseline.reduce(0, +), curTotal = current.reduce(0, +)
        guard refTotal > 0, curTotal > 0 else { return nil }
        return (baseline.map { $0 / refTotal }, current.map { $0 / curTotal })
    }

    // MARK: Evaluation

    public func evaluate(in context: EvaluationContext) -> CheckOutcome {
        let path = Self.featuresPath
        let features: YAMLValue
        switch context.lookup(path) {
        case .missing(let reason, let location):
            return CheckOutcome(violations: [Violation("drift: \(reason); the rule fails closed", at: location)],
                                evidence: [Evidence(path: path, value: nil, location: nil)])
        case .found(let value):
            features = value
        }
        guard let items = features.list else {
            return CheckOutcome(
                violations: [Violation("\(path) must be a list of binned features, found \(features.typeDescription) \(ValueFormatting.value(features)); the rule fails closed",
                                       at: features.location)],
                evidence: [Evidence(path: path, value: features, location: features.location)])
        }
        if items.isEmpty {
            return CheckOutcome(
                violations: [Violation("\(path) is empty: there is no feature to compare; the rule fails closed", at: features.location)],
                evidence: [Evidence(path: path, value: features, location: features.location)])
        }
        var outcome = CheckOutcome()
        for (index, item) in items.enumerated() {
            evaluate(item, path: "\(path)[\(index)]", into: &outcome)
        }
        return outcome
    }

    /// A feature's counts, validated.
    private struct Distribution {
        var name: String
        var baseline: [Double]
        var current: [Double]
        var currentLocation: SourceLocation
    }

    private func evaluate(_ item: YAMLValue, path: String, into outcome: inout CheckOutcome) {
        var problems: [Violation] = []
        let distribution = Self.distribution(item, path: path, problems: &problems)
        guard let distribution, problems.isEmpty else {
            outcome.violations += problems
            outcome.evidence.append(Evidence(path: path, value: item, location: item.location))
            return
        }
        let name = distribution.name
        let psi = Self.psi(baseline: distribution.baseline, current: distribution.current)
        let ks = Self.ks(baseline: distribution.baseline, current: distribution.current)
        let at = distribution.currentLocation
        var record = item.map?.entries ?? []
        record.append(.init(key: "psi", keyLocation: at, value: YAMLValue(.double(psi), at: at, text: "\(psi)")))
        record.append(.init(key: "ks", keyLocation: at, value: YAMLValue(.double(ks), at: at, text: "\(ks)")))
        outcome.evidence.append(Evidence(path: path, value: YAMLValue(.map(YAMLMap(record)), at: item.location),
                                         location: item.location))
        guard psi.isFinite, ks.isFinite else {
            outcome.violations.append(Violation("feature '\(name)' (\(path)): drift cannot be computed from these counts; the rule fails closed", at: at))
            return
        }
        if let maxPSI, Bounds.exceeds(psi, max: maxPSI.bound) {
            let bound = ValueFormatting.number(maxPSI.bound)
            outcome.violations.append(Violation(
                "feature '\(name)': PSI \(Self.figure(psi, against: maxPSI.bound)) exceeds \(bound) (\(path).current against its baseline)",
                at: at, notes: [.init("the bound maxPSI: \(bound) is set here", at: maxPSI.location)]))
        }
        if let maxKS, Bounds.exceeds(ks, max: maxKS.bound) {
            let bound = ValueFormatting.number(maxKS.bound)
            outcome.violations.append(Violation(
                "feature '\(name)': KS \(Self.figure(ks, against: maxKS.bound)) exceeds \(bound) (\(path).current against its baseline)",
                at: at, notes: [.init("the bound maxKS: \(bound) is set here", at: maxKS.location)]))
        }
    }

    /// Reads and validates one feature; every problem is located at the offending value.
    private static func distribution(_ item: YAMLValue, path: String, problems: inout [Violation]) -> Distribution? {
        guard let map = item.map else {
            problems.append(Violation("\(path) must be a mapping {name, bins, baseline, current}, found \(item.typeDescription) \(ValueFormatting.value(item)); the rule fails closed",
                                      at: item.location))
            return nil
        }
        let name = map["name"].flatMap { $0.isScalar && !$0.isNull ? $0.text : nil } ?? path
        func numbers(_ key: String) -> (values: [Double], location: SourceLocation)? {
            guard let entry = map.entry(key), !entry.value.isNull else {
                problems.append(Violation("feature '\(name)': \(path).\(key) is missing; the rule fails closed",
                                          at: item.location))
                return nil
            }
            guard let list = entry.value.list else {
                problems.append(Violation("feature '\(name)': \(path).\(key) must be a list of numbers, found \(entry.value.typeDescription) \(ValueFormatting.value(entry.value)); the rule fails closed",
                                          at: entry.value.location))
                return nil
            }
            var values: [Double] = []
            for (index, element) in list.enumerated() {
                guard let number = element.number else {
                    problems.append(Violation("feature '\(name)': \(path).\(key)[\(index)] must be a number, found \(element.typeDescription) \(ValueFormatting.value(element)); the rule fails closed",
                                              at: element.location))
                    return nil
                }
                values.append(number)
            }
            return (values, entry.value.location)
        }
        let baseline = numbers("baseline")
        let current = numbers("current")
        let bins = numbers("bins")
        guard let baseline, let current else { return nil }

        for (key, counts) in [("baseline", baseline), ("current", current)] {
            let list = map[key]?.list ?? []
            for (index, count) in counts.values.enumerated() where count < 0 || !count.isFinite {
                problems.append(Violation("feature '\(name)': \(path).\(key)[\(index)] is \(ValueFormatting.number(count)): counts must be finite and not negative; the rule fails closed",
                                          at: list.indices.contains(index) ? list[index].location : counts.location))
            }
        }
        if baseline.values.isEmpty || current.values.isEmpty {
            problems.append(Violation("feature '\(name)': \(path) needs at least one bin, baseline has \(baseline.values.count) and current \(current.values.count); the rule fails closed",
                                      at: current.location))
        } else if baseline.values.count != current.values.count {
            problems.append(Violation("feature '\(name)': current has \(current.values.count) bins but baseline has \(baseline.values.count) (\(path)); the rule fails closed",
                                      at: current.location))
        }
        if let bins, !baseline.values.isEmpty, baseline.values.count == current.values.count {
            let expected = baseline.values.count + 1
            if bins.values.count != expected {
                problems.append(Violation("feature '\(name)': \(path).bins has \(bins.values.count) edges, expected \(expected) for \(baseline.values.count) bins (edges, as numpy.histogram returns them); the rule fails closed",
                                          at: bins.location))
            } else if let step = bins.values.indices.dropLast().first(where: { !(bins.values[$0] < bins.values[$0 + 1]) }) {
                problems.append(Violation("feature '\(name)': \(path).bins must be strictly increasing, edge \(step + 1) (\(ValueFormatting.number(bins.values[step + 1]))) is not above edge \(step) (\(ValueFormatting.number(bins.values[step]))); the rule fails closed",
                                          at: bins.location))
            }
        }
        for (key, counts) in [("baseline", baseline), ("current", current)] where !counts.values.isEmpty {
            if counts.values.allSatisfy({ $0 == 0 }) {
                problems.append(Violation("feature '\(name)': \(path).\(key) totals 0 observations: there is no distribution to compare; the rule fails closed",
                                          at: counts.location))
            }
        }
        return Distribution(name: name, baseline: baseline.values, current: current.values, currentLocation: current.location)
    }

    /// Four decimals, or the full figure when four decimals would read as the bound itself.
    static func figure(_ value: Double, against bound: Double) -> String {
        let short = String(format: "%.4f", value)
        return Double(short) == bound ? "\(value)" : short
    }

    // MARK: Examples

    /// A run spec with one feature `income`.
    private static func run(baseline: String, current: String, bins: String? = nil) -> String {
        let count = baseline.split(separator: ",").count
        let edges = bins ?? "[" + (0...count).map { String($0 * 10) }.joined(separator: ", ") + "]"
        return "drift:\n  features:\n    - {name: income, bins: \(edges), baseline: \(baseline), current: \(current)}"
    }

    public static let examples: [CheckExample] = [
        CheckExample("a moderate shift under both bounds passes", check: "{maxPSI: 0.2, maxKS: 0.1}",
                     run: run(baseline: "[120, 300, 380, 150, 50]", current: "[80, 250, 400, 200, 70]"), expect: .pass),
        CheckExample("PSI exactly on the inclusive bound passes", check: "{maxPSI: 0.047474096406788624}",
                     run: run(baseline: "[120, 300, 380, 150, 50]", current: "[80, 250, 400, 200, 70]"), expect: .pass),
        CheckExample("KS exactly on the inclusive bound passes", check: "{maxKS: 0.25}",
                     run: run(baseline: "[50, 50]", current: "[25, 75]"), expect: .pass),
        CheckExample("identical distributions pass a zero bound", check: "{maxPSI: 0, maxKS: 0}",
                     run: run(baseline: "[10, 20, 30, 40]", current: "[10, 20, 30, 40]"), expect: .pass),
        CheckExample("open outer edges and an empty bin pass", check: "{maxPSI: 1}",
                     run: run(baseline: "[0, 50, 50]", current: "[10, 40, 50]", bins: "[-.inf, 0, 100, .inf]"), expect: .pass),
        CheckExample("a fully shifted feature blocks", check: "{maxPSI: 0.2}",
                     run: run(baseline: "[100, 0, 0]", current: "[0, 0, 100]"),
                     expect: .block, message: "feature 'income': PSI 18.4188 exceeds 0.2"),
        CheckExample("a KS gap above the bound blocks", check: "{maxKS: 0.2}",
                     run: run(baseline: "[50, 50]", current: "[25, 75]"),
                     expect: .block, message: "feature 'income': KS 0.2500 exceeds 0.2"),
        CheckExample("missing drift data fails closed, naming the path", check: "{maxPSI: 0.2}",
                     run: "metrics: {accuracy: 0.9}", expect: .block, message: "run.spec.drift.features is missing"),
        CheckExample("a count of the wrong type blocks", check: "{maxPSI: 0.2}",
                     run: run(baseline: "[10, many, 30]", current: "[10, 20, 30]"),
                     expect: .block, message: "baseline[1] must be a number, found a string 'many'"),
        CheckExample("counts of different lengths block", check: "{maxPSI: 0.2}",
                     run: run(baseline: "[10, 20, 30]", current: "[10, 20, 30, 40]"),
                     expect: .block, message: "current has 4 bins but baseline has 3"),
        CheckExample("bin edges that do not frame the counts block", check: "{maxPSI: 0.2}",
                     run: run(baseline: "[10, 20, 30]", current: "[10, 20, 30]", bins: "[0, 10, 20]"),
                     expect: .block, message: "bins has 3 edges, expected 4"),
        CheckExample("a negative count blocks", check: "{maxKS: 0.2}",
                     run: run(baseline: "[10, -5, 30]", current: "[10, 20, 30]"),
                     expect: .block, message: "baseline[1] is -5"),
        CheckExample("an empty current distribution blocks", check: "{maxKS: 0.2}",
                     run: run(baseline: "[10, 20, 30]", current: "[0, 0, 0]"),
                     expect: .block, message: "current totals 0 observations"),
    ]
}
