import Documents
@testable import Policy
import XCTest

/// The drift figures agree with an independent computation in numpy/scipy, and malformed
/// drift data fails closed where it is written.
final class DriftTests: XCTestCase {
    /// Recorded with numpy 2.4.6 and scipy 1.17.1 (Python 3) by the script below. PSI was
    /// computed twice: directly with numpy, and as Σ rel_entr(cur, ref) + rel_entr(ref, cur)
    /// with `scipy.special.rel_entr` (c·ln(c/r) + r·ln(r/c) = (c − r)·ln(c/r)); the two agree
    /// to 1e-12 in every case. KS was computed on the binned shares with numpy's cumsum, and
    /// checked against `scipy.stats.ks_2samp` on the counts expanded to samples of bin
    /// indices (`np.repeat(np.arange(n), counts)`): the empirical CDFs of those samples equal
    /// the cumulative bin shares at every bin, so the two-sample statistic is the binned KS;
    /// they agree to 1e-12 in every case (bit for bit, as it happens). The figures below are
    /// the numpy ones, printed with `repr`.
    ///
    /// ```python
    /// import numpy as np, scipy
    /// from scipy.special import rel_entr
    /// from scipy.stats import ks_2samp
    ///
    /// CASES = {
    ///     "identical": ([10, 20, 30, 40], [10, 20, 30, 40]),
    ///     "zeroBaselineBin": ([0, 50, 50], [10, 40, 50]),
    ///     "fullyShifted": ([100, 0, 0], [0, 0, 100]),
    ///     "moderateShiftDifferentTotals": ([120, 300, 380, 150, 50], [80, 250, 400, 200, 70]),
    ///     "tenBinsIncome": ([31, 95, 180, 242, 211, 130, 62, 30, 12, 7], [18, 70, 151, 230, 233, 160, 80, 41, 12, 5]),
    ///     "zeroInBothSameBin": ([0, 10, 30], [0, 25, 15]),
    ///     "singleBin": ([5], [7]),
    ///     "ksQuarter": ([50, 50], [25, 75]),
    /// }
    ///
    /// def shares(counts):
    ///     c = np.asarray(counts, dtype=np.float64)
    ///     return c / c.sum()
    ///
    /// def psi_numpy(ref, cur):
    ///     r, c = shares(ref), shares(cur)
    ///     r = np.where(r == 0, 1e-4, r)
    ///     c = np.where(c == 0, 1e-4, c)
    ///     return float(np.sum((c - r) * np.log(c / r)))
    ///
    /// def psi_scipy(ref, cur):
    ///     r, c = shares(ref), shares(cur)
    ///     r = np.where(r == 0, 1e-4, r)
    ///     c = np.where(c == 0, 1e-4, c)
    ///     return float(np.sum(rel_entr(c, r) + rel_entr(r, c)))
    ///
    /// def ks_numpy(ref, cur):
    ///     return float(np.max(np.abs(np.cumsum(shares(cur)) - np.cumsum(shares(ref)))))
    ///
    /// def ks_scipy(ref, cur):
    ///     a = np.repeat(np.arange(len(ref)), ref)
    ///     b = np.repeat(np.arange(len(cur)), cur)
    ///     return float(ks_2samp(a, b, method="asymp").statistic)
    ///
    /// print("numpy", np.__version__, "scipy", scipy.__version__)
    /// for name, (ref, cur) in CASES.items():
    ///     p, p2 = psi_numpy(ref, cur), psi_scipy(ref, cur)
    ///     k, k2 = ks_numpy(ref, cur), ks_scipy(ref, cur)
    ///     assert abs(p - p2) < 1e-12, (name, p, p2)
    ///     assert abs(k - k2) < 1e-12, (name, k, k2)
    ///     print(f"{name}: psi={p!r} psi_scipy={p2!r} ks={k!r} ks_scipy={k2!r}")
    /// ```
    ///
    /// Output:
    /// ```
    /// numpy 2.4.6 scipy 1.17.1
    /// identical: psi=0.0 psi_scipy=0.0 ks=0.0 ks_scipy=0.0
    /// zeroBaselineBin: psi=0.7123991075017365 psi_scipy=0.7123991075017365 ks=0.1 ks_scipy=0.1
    /// fullyShifted: psi=18.41883867587797 psi_scipy=18.41883867587797 ks=1.0 ks_scipy=1.0
    /// moderateShiftDifferentTotals: psi=0.047474096406788624 psi_scipy=0.047474096406788624 ks=0.08999999999999997 ks_scipy=0.08999999999999997
    /// tenBinsIncome: psi=0.0375147509467651 psi_scipy=0.037514750946765096 ks=0.07900000000000007 ks_scipy=0.07900000000000007
    /// zeroInBothSameBin: psi=0.6035392171627876 psi_scipy=0.6035392171627876 ks=0.375 ks_scipy=0.375
    /// singleBin: psi=0.0 psi_scipy=0.0 ks=0.0 ks_scipy=0.0
    /// ksQuarter: psi=0.2746530721670274 psi_scipy=0.2746530721670274 ks=0.25 ks_scipy=0.25
    /// ```
    static let recorded: [(name: String, baseline: [Double], current: [Double], psi: Double, ks: Double)] = [
        ("identical", [10, 20, 30, 40], [10, 20, 30, 40], 0.0, 0.0),
        ("zeroBaselineBin", [0, 50, 50], [10, 40, 50], 0.7123991075017365, 0.1),
        ("fullyShifted", [100, 0, 0], [0, 0, 100], 18.41883867587797, 1.0),
        ("moderateShiftDifferentTotals", [120, 300, 380, 150, 50], [80, 250, 400, 200, 70],
         0.047474096406788624, 0.08999999999999997),
        ("tenBinsIncome", [31, 95, 180, 242, 211, 130, 62, 30, 12, 7], [18, 70, 151, 230, 233, 160, 80, 41, 12, 5],
         0.0375147509467651, 0.07900000000000007),
        ("zeroInBothSameBin", [0, 10, 30], [0, 25, 15], 0.6035392171627876, 0.375),
        ("singleBin", [5], [7], 0.0, 0.0),
        ("ksQuarter", [50, 50], [25, 75], 0.2746530721670274, 0.25),
    ]

    func testPSIAgreesWithNumpyAndScipy() {
        for case_ in Self.recorded {
            let psi = DriftCheck.psi(baseline: case_.baseline, current: case_.current)
            XCTAssertEqual(psi, case_.psi, accuracy: 1e-9, case_.name)
        }
    }

    func testKSAgreesWithNumpyCumsumAndScipyKS2Samp() {
        for case_ in Self.recorded {
            let ks = DriftCheck.ks(baseline: case_.baseline, current: case_.current)
            XCTAssertEqual(ks, case_.ks, accuracy: 1e-9, case_.name)
        }
    }

    func testFiguresAreSymmetricInPSIAndScaleFree() {
        // PSI is symmetric in its arguments; both figures depend on shares, not on totals.
        for case_ in Self.recorded {
            XCTAssertEqual(DriftCheck.psi(baseline: case_.current, current: case_.baseline), case_.psi, accuracy: 1e-9, case_.name)
            XCTAssertEqual(DriftCheck.ks(baseline: case_.baseline.map { $0 * 7 }, current: case_.current), case_.ks,
                           accuracy: 1e-9, case_.name)
        }
    }

    func testFiguresOfMalformedCountsAreNaNNeverAPass() {
        XCTAssertTrue(DriftCheck.psi(baseline: [1, 2], current: [1, 2, 3]).isNaN)
        XCTAssertTrue(DriftCheck.psi(baseline: [], current: []).isNaN)
        XCTAssertTrue(DriftCheck.ks(baseline: [0, 0], current: [1, 2]).isNaN)
        XCTAssertTrue(DriftCheck.ks(baseline: [-1, 2], current: [1, 2]).isNaN)
    }

    // MARK: The check in a bundle

    private func rule(_ check: String, run: String) throws -> RuleEvaluation {
        let example = CheckExample("drift", check: check, run: run, expect: .pass)
        let (report, problems) = try ExampleHarness.evaluate(keyword: "drift", example: example)
        XCTAssertEqual(problems, [])
        let subject = try XCTUnwrap(report.subjects.first { $0.subject.kind == .promotionRequest })
        return try XCTUnwrap(subject.rules.first { $0.ruleID == "example/rule" })
    }

    private func problems(_ check: String) throws -> [Diagnostic] {
        let example = CheckExample("drift", check: check, run: "metrics: {accuracy: 0.9}", expect: .pass)
        return try ExampleHarness.evaluate(keyword: "drift", example: example).1
    }

    func testEveryFeatureIsJudgedAndItsFiguresAreEvidencePassesToo() throws {
        let run = """
            drift:
              features:
                - {name: income, bins: [0, 10, 20, 30, 40, 50], baseline: [120, 300, 380, 150, 50], current: [80, 250, 400, 200, 70]}
                - {name: age, bins: [0, 10, 20, 30], baseline: [100, 0, 0], current: [0, 0, 100]}
            """
        let evaluation = try rule("{maxPSI: 0.2, maxKS: 0.5}", run: run)
        XCTAssertEqual(evaluation.outcome, .block)
        XCTAssertEqual(evaluation.findings.map(\.message), [
            "feature 'age': PSI 18.4188 exceeds 0.2 (run.spec.drift.features[1].current against its baseline)",
            "feature 'age': KS 1.0000 exceeds 0.5 (run.spec.drift.features[1].current against its baseline)",
        ])
        // Located at the feature's `current` list (run.yaml: spec is line 4, features line 6).
        XCTAssertEqual(evaluation.findings.first?.location.file, "run.yaml")
        XCTAssertEqual(evaluation.findings.first?.location.line, 8)
        XCTAssertEqual(evaluation.findings.first?.notes.first?.message, "the bound maxPSI: 0.2 is set here")
        XCTAssertEqual(evaluation.findings.first?.notes.first?.location.file, "policy.yaml")

        XCTAssertEqual(evaluation.evidence.map(\.path), ["run.spec.drift.features[0]", "run.spec.drift.features[1]"])
        let income = try XCTUnwrap(evaluation.evidence.first?.value)
        XCTAssertEqual(try XCTUnwrap(income["psi"]?.number), 0.047474096406788624, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(income["ks"]?.number), 0.08999999999999997, accuracy: 1e-9)
        XCTAssertEqual(income["name"]?.string, "income")
        XCTAssertEqual(income["current"]?.list?.count, 5)
    }

    func testAFigureJustOverTheBoundShowsEnoughDigitsToDifferFromIt() throws {
        // Four decimals, unless those would read as the bound itself ("0.2000 exceeds 0.2").
        XCTAssertEqual(DriftCheck.figure(0.047474096406788624, against: 0.04747), "0.0475")
        XCTAssertEqual(DriftCheck.figure(0.2000004, against: 0.2), "0.2000004")
    }

    func testMalformedDriftDataFailsClosedAtTheOffendingValue() throws {
        let run = """
            drift:
              features:
                - {name: a, bins: [0, 1, 2], baseline: [1, 2], current: [1, 2, 3]}
                - {name: b, bins: [0, 1, 1], baseline: [1, 2], current: [2, 1]}
                - {name: c, bins: [0, 1, 2], baseline: [0, 0], current: [2, 1]}
                - {name: d, baseline: [1, 2], current: [2, 1]}
                - {name: e, bins: [0, 1, 2], baseline: [1, 2], current: [2, .nan]}
                - {name: f, bins: [0, 1], baseline: [], current: []}
                - just a string
            """
        let evaluation = try rule("{maxPSI: 100}", run: run)
        XCTAssertEqual(evaluation.outcome, .block)
        let messages = evaluation.findings.map(\.message)
        XCTAssertEqual(messages.count, 7, "\(messages)")
        XCTAssertTrue(messages[0].contains("feature 'a': current has 3 bins but baseline has 2"), messages[0])
        XCTAssertTrue(messages[1].contains("feature 'b': run.spec.drift.features[1].bins must be strictly increasing"), messages[1])
        XCTAssertTrue(messages[2].contains("feature 'c': run.spec.drift.features[2].baseline totals 0 observations"), messages[2])
        XCTAssertTrue(messages[3].contains("feature 'd': run.spec.drift.features[3].bins is missing"), messages[3])
        XCTAssertTrue(messages[4].contains("feature 'e': run.spec.drift.features[4].current[1] is nan: counts must be finite and not negative"), messages[4])
        XCTAssertTrue(messages[5].contains("feature 'f': run.spec.drift.features[5] needs at least one bin"), messages[5])
        XCTAssertTrue(messages[6].contains("run.spec.drift.features[6] must be a mapping"), messages[6])
        XCTAssertEqual(evaluation.findings.map(\.location.line), [7, 8, 9, 10, 11, 12, 13])
        XCTAssertTrue(messages.allSatisfy { $0.hasSuffix("the rule fails closed") })
        // The counts that could not be judged are still evidence.
        XCTAssertEqual(evaluation.evidence.count, 7)
    }

    func testAnEmptyFeatureListFailsClosed() throws {
        let evaluation = try rule("{maxKS: 0.1}", run: "drift: {features: []}")
        XCTAssertEqual(evaluation.findings.map(\.message),
                       ["run.spec.drift.features is empty: there is no feature to compare; the rule fails closed"])
    }

    func testBoundsAreCheckedWhenThePolicyLoads() throws {
        XCTAssertEqual(try problems("{}").map(\.message), ["drift needs at least one bound: maxPSI or maxKS"])
        XCTAssertTrue(try problems("{maxKS: 1.5}").first?.message.contains("drift maxKS 1.5 must be between 0 and 1") == true)
        XCTAssertTrue(try problems("{maxPSI: -0.1}").first?.message.contains("drift maxPSI -0.1 must be a number of at least 0") == true)
        XCTAssertEqual(try problems("{maxPSI: 0.2, maxKS: 0.1}"), [])
    }
}
