import Documents
import Policy
import XCTest

/// `slices` agrees with Fairlearn's `MetricFrame` on a recorded case.
///
/// The figures below were computed once with fairlearn 0.15.0 (scikit-learn 1.9.1,
/// numpy 2.4.6, pandas 3.1.1, Python 3.11.7) by this script; each feature is its own
/// `MetricFrame`, as `slices` groups slices by feature:
///
/// ```python
/// import fairlearn, sklearn
/// from fairlearn.metrics import MetricFrame
/// from sklearn.metrics import accuracy_score
///
/// # 40 samples: region A (13), B (9), C (11), D (7); age by position (3 groups).
/// region = ["A"] * 13 + ["B"] * 9 + ["C"] * 11 + ["D"] * 7
/// age = [["young", "middle", "senior"][i % 3] for i in range(40)]
/// y_true = [(i * 7) % 5 % 2 for i in range(40)]
/// wrong = {1, 5, 14, 16, 20, 25, 33, 35}  # predictions flipped at these positions
/// y_pred = [1 - t if i in wrong else t for i, t in enumerate(y_true)]
///
/// print("fairlearn", fairlearn.__version__, "scikit-learn", sklearn.__version__)
/// for name, feature in [("region", region), ("age", age)]:
///     mf = MetricFrame(metrics=accuracy_score, y_true=y_true, y_pred=y_pred, sensitive_features=feature)
///     print(name, "overall", repr(float(mf.overall)))
///     for group, value in mf.by_group.items():
///         print(name, "group", group, feature.count(group), repr(float(value)))
///     for method in ["between_groups", "to_overall"]:
///         print(name, method, "difference", repr(float(mf.difference(method=method))),
///               "ratio", repr(float(mf.ratio(method=method))))
/// ```
///
/// Output:
///
/// ```
/// fairlearn 0.15.0 scikit-learn 1.9.1
/// region overall 0.8
/// region group A 13 0.8461538461538461
/// region group B 9 0.6666666666666666
/// region group C 11 0.9090909090909091
/// region group D 7 0.7142857142857143
/// region between_groups difference 0.24242424242424243 ratio 0.7333333333333333
/// region to_overall difference 0.13333333333333341 ratio 0.8333333333333333
/// age overall 0.8
/// age group middle 13 0.7692307692307693
/// age group senior 13 0.6923076923076923
/// age group young 14 0.9285714285714286
/// age between_groups difference 0.2362637362637363 ratio 0.7455621301775147
/// age to_overall difference 0.12857142857142856 ratio 0.8615384615384616
/// ```
final class FairnessTests: XCTestCase {
    struct Recorded {
        var feature: String
        /// (group, support, by_group accuracy)
        var groups: [(group: String, support: Int, accuracy: Double)]
        var betweenGroups: (difference: Double, ratio: Double)
        var toOverall: (difference: Double, ratio: Double)
    }

    static let overall = 0.8
    static let region = Recorded(
        feature: "region",
        groups: [("A", 13, 0.8461538461538461), ("B", 9, 0.6666666666666666),
                 ("C", 11, 0.9090909090909091), ("D", 7, 0.7142857142857143)],
        betweenGroups: (0.24242424242424243, 0.7333333333333333),
        toOverall: (0.13333333333333341, 0.8333333333333333))
    static let age = Recorded(
        feature: "age",
        groups: [("middle", 13, 0.7692307692307693), ("senior", 13, 0.6923076923076923),
                 ("young", 14, 0.9285714285714286)],
        betweenGroups: (0.2362637362637363, 0.7455621301775147),
        toOverall: (0.12857142857142856, 0.8615384615384616))

    /// The run manifest of the recorded case: one slice per (feature, group).
    static var run: String {
        var slices = ""
        for recorded in [region, age] {
            for (group, support, accuracy) in recorded.groups {
                slices += "    - {name: \(recorded.feature)-\(group.lowercased()), feature: \(recorded.feature), group: \(group), support: \(support), metrics: {accuracy: \(accuracy)}}\n"
            }
        }
        return """
            apiVersion: tollgate/v1
            kind: RunManifest
            metadata: {name: fair-run}
            spec:
              model: m
              version: "1.0.0"
              metrics: {accuracy: \(overall)}
              slices:

            """ + slices
    }

    /// Loads the rule `slices: <check>` through the policy loader, as a policy file would.
    func rule(_ check: String) throws -> (SlicesCheck, Policy) {
        let policy = """
            apiVersion: tollgate/v1
            kind: Policy
            metadata: {name: fairness}
            spec:
              match: {kinds: [RunManifest]}
              rules:
                - id: slices
                  slices: \(check)
            """
        guard case .document(let document, let problems) = DocumentLoader.read(Array(policy.utf8), path: "policy.yaml") else {
            throw XCTSkip("the policy did not load")
        }
        XCTAssertEqual(problems, [])
        let (policies, diagnostics) = PolicyLoader.load([document])
        XCTAssertEqual(diagnostics, [], check)
        let loaded = try XCTUnwrap(policies.first)
        return (try XCTUnwrap(loaded.rules.first?.check as? SlicesCheck), loaded)
    }

    func runDocument() throws -> Document {
        guard case .document(let document, let problems) = DocumentLoader.read(Array(Self.run.utf8), path: "run.yaml") else {
            throw XCTSkip("the run did not load")
        }
        XCTAssertEqual(problems.filter { !$0.message.contains("missing required field") }, [])
        return document
    }

    /// The verdict of the rule `slices: <check>` on the recorded run.
    func verdict(_ check: String) throws -> (Verdict, [String]) {
        let (_, policy) = try rule(check)
        let report = Evaluator(policies: [policy]).evaluate(DocumentSet([try runDocument()]), diagnostics: [])
        let evaluation = try XCTUnwrap(report.subjects.first?.rules.first { $0.ruleID == "fairness/slices" })
        return (evaluation.outcome, evaluation.findings.map(\.message))
    }

    func figures(_ check: String) throws -> [SlicesCheck.FeatureFigures] {
        let (slices, _) = try rule(check)
        let run = try runDocument()
        return slices.figures(in: Bindings.context(for: run, in: DocumentSet([run])))
    }

    func testWorstGapAndRatioAgainstTheBestSliceAreFairlearnsBetweenGroups() throws {
        let features = try figures("{metric: accuracy, against: best, maxGap: 1}")
        XCTAssertEqual(features.map(\.feature), ["region", "age"])
        for (figures, recorded) in zip(features, [Self.region, Self.age]) {
            XCTAssertEqual(figures.slices.map(\.slice.value), recorded.groups.map(\.accuracy))
            XCTAssertEqual(figures.worstGap, recorded.betweenGroups.difference, accuracy: 1e-12, recorded.feature)
            XCTAssertEqual(try XCTUnwrap(figures.worstRatio), recorded.betweenGroups.ratio, accuracy: 1e-12, recorded.feature)
        }
    }

    func testWorstGapAndRatioAgainstTheOverallMetricAreFairlearnsToOverall() throws {
        let features = try figures("{metric: accuracy, against: overall, maxGap: 1}")
        XCTAssertEqual(features.map(\.feature), ["region", "age"])
        for (figures, recorded) in zip(features, [Self.region, Self.age]) {
            XCTAssertEqual(figures.reference, Self.overall)
            XCTAssertEqual(figures.worstGap, recorded.toOverall.difference, accuracy: 1e-12, recorded.feature)
            XCTAssertEqual(try XCTUnwrap(figures.worstRatio), recorded.toOverall.ratio, accuracy: 1e-12, recorded.feature)
        }
    }

    /// Bounds just above and just below Fairlearn's figures, and exactly on them (inclusive).
    func testVerdictsFlipAtFairlearnsFigures() throws {
        let worst = (
            // The rule looks at every feature: the worst over both.
            betweenGap: max(Self.region.betweenGroups.difference, Self.age.betweenGroups.difference),
            betweenRatio: min(Self.region.betweenGroups.ratio, Self.age.betweenGroups.ratio),
            overallGap: max(Self.region.toOverall.difference, Self.age.toOverall.difference),
            overallRatio: min(Self.region.toOverall.ratio, Self.age.toOverall.ratio))
        let cases: [(against: String, key: String, figure: Double, passingSide: Double)] = [
            ("best", "maxGap", worst.betweenGap, +1),
            ("best", "minRatio", worst.betweenRatio, -1),
            ("overall", "maxGap", worst.overallGap, +1),
            ("overall", "minRatio", worst.overallRatio, -1),
        ]
        for (against, key, figure, side) in cases {
            let passing = "{metric: accuracy, against: \(against), \(key): \(figure + side * 1e-6)}"
            let exact = "{metric: accuracy, against: \(against), \(key): \(figure)}"
            let blocking = "{metric: accuracy, against: \(against), \(key): \(figure - side * 1e-6)}"
            XCTAssertEqual(try verdict(passing).0, .pass, passing)
            XCTAssertEqual(try verdict(exact).0, .pass, exact)
            let (outcome, messages) = try verdict(blocking)
            XCTAssertEqual(outcome, .block, blocking)
            // Exactly one slice is the worst: region B (region-b) or age young (age-young).
            XCTAssertEqual(messages.count, 1, "\(blocking): \(messages)")
        }
    }

    func testTheWorstSliceIsNamedWithItsValueReferenceAndBound() throws {
        let (outcome, messages) = try verdict("{metric: accuracy, against: overall, minRatio: 0.84}")
        XCTAssertEqual(outcome, .block)
        XCTAssertEqual(messages, [
            "slice 'region-b': accuracy 0.6666666666666666 against the overall 0.8 (run.spec.metrics.accuracy) is a ratio of 0.833333 (smaller/larger), below the minimum 0.84",
        ])
        let (_, gaps) = try verdict("{metric: accuracy, against: best, maxGap: 0.2}")
        XCTAssertEqual(gaps, [
            "slice 'region-b': accuracy 0.6666666666666666 is 0.242424 (24.2424 points) below the best slice of region ('region-c', 0.9090909090909091), more than the allowed gap 0.2",
            "slice 'age-senior': accuracy 0.6923076923076923 is 0.236264 (23.6264 points) below the best slice of age ('age-young', 0.9285714285714286), more than the allowed gap 0.2",
        ])
    }

    /// A slice above the overall metric is as far from it as one below (Fairlearn takes |·|).
    func testASliceAboveTheOverallMetricCounts() throws {
        let (outcome, messages) = try verdict("{metric: accuracy, against: overall, minRatio: 0.865}")
        XCTAssertEqual(outcome, .block)
        XCTAssertTrue(messages.contains { $0.hasPrefix("slice 'age-young': accuracy 0.9285714285714286 against the overall 0.8") }, "\(messages)")
    }

    /// Slices below minSupport are reported and take no part in the comparison.
    func testSlicesBelowMinSupportAreReportedAndLeftOut() throws {
        let (outcome, messages) = try verdict("{metric: accuracy, against: best, minSupport: 10}")
        XCTAssertEqual(outcome, .block)
        XCTAssertEqual(messages, [
            "slice 'region-b' has support 9, below minSupport 10: its accuracy 0.6666666666666666 cannot be trusted, so the rule fails closed",
            "slice 'region-d' has support 7, below minSupport 10: its accuracy 0.7142857142857143 cannot be trusted, so the rule fails closed",
        ])
        let features = try figures("{metric: accuracy, against: best, minSupport: 10}")
        XCTAssertEqual(features.first?.slices.map(\.slice.group), ["A", "C"])
    }

    func testPolicyMistakesAreDiagnosed() throws {
        for (check, problem) in [
            ("{metric: accuracy, against: best}", "slices needs at least one bound"),
            ("{metric: accuracy, against: best, minRatio: 1.25}", "minRatio 1.25 must be in (0, 1]"),
            ("{metric: accuracy, against: best, minRatio: 0}", "minRatio 0 must be in (0, 1]"),
            ("{metric: accuracy, against: best, maxGap: -0.1}", "maxGap -0.1 must be at least 0"),
            ("{metric: run.spec.metrics.accuracy, against: best, maxGap: 0.1}", "must be the name of a metric"),
        ] {
            let policy = """
                apiVersion: tollgate/v1
                kind: Policy
                metadata: {name: fairness}
                spec:
                  match: {kinds: [RunManifest]}
                  rules:
                    - id: slices
                      slices: \(check)
                """
            guard case .document(let document, _) = DocumentLoader.read(Array(policy.utf8), path: "policy.yaml") else {
                return XCTFail("the policy did not load")
            }
            let (policies, diagnostics) = PolicyLoader.load([document])
            XCTAssertTrue(policies.allSatisfy { $0.rules.isEmpty }, check)
            XCTAssertTrue(diagnostics.contains { $0.message.contains(problem) && $0.location.line == 8 }, "\(check): \(diagnostics)")
        }
    }
}
