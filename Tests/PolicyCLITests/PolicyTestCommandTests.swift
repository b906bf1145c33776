import Foundation
import XCTest

/// `policy test`: PolicyTest documents with expected outcomes per rule, a diff on failure,
/// and rule coverage.
final class PolicyTestCommandTests: XCTestCase {
    func sandbox() throws -> GitSandbox {
        let demo = try GitSandbox.demo()
        // Test fixtures: the demo's bundle, once as is (slow) and once fixed (fast).
        for file in ["requests/fraud-student-2.1.0-production.yaml", "runs/fraud-student/run-8812.yaml",
                     "models/fraud-student/card.yaml"] {
            let text = try demo.read(file)
            try demo.write("policies/tests/slow/\((file as NSString).lastPathComponent)", text)
            try demo.write("policies/tests/fast/\((file as NSString).lastPathComponent)",
                           text.replacingOccurrences(of: "p95Ms: 28.7", with: "p95Ms: 25"))
        }
        return demo
    }

    func testPassingCasesAndCoverage() throws {
        let demo = try sandbox()
        try demo.write("policies/tests/release-gate.yaml", """
            apiVersion: tollgate/v1
            kind: PolicyTest
            metadata: {name: release-gate-tests}
            spec:
              cases:
                - name: the slow student blocks on p95 only
                  documents: [slow]
                  expect:
                    - {rule: release-gate/p95-latency, result: block}
                    - {rule: release-gate/error-rate, result: pass}
                    - {rule: release-gate/availability, result: pass}
                - name: on the bound it passes
                  documents: [fast/fraud-student-2.1.0-production.yaml, fast/run-8812.yaml, fast/card.yaml]
                  expect:
                    - {rule: release-gate/p95-latency, result: pass}
            """)
        let result = try demo.policy("test", "policies/tests")
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("2 cases in 1 test: 2 passed, 0 failed"), result.stdout)
        XCTAssertTrue(result.stdout.contains("release-gate/p95-latency"), result.stdout)
        XCTAssertTrue(result.stdout.contains("rule coverage:"), result.stdout)
        let strict = try demo.policy("test", "--threshold", "99")
        XCTAssertEqual(strict.status, 1, "coverage of the whole pack is far below 99 %")
        XCTAssertTrue(strict.stderr.contains("is below the threshold 99"), strict.stderr)
    }

    /// A PolicyTest case can say which branches the repository has: a dataset version that
    /// names one moves, and blocks like `latest`.
    func testACaseNamesTheRepositorysBranchesForMovingDatasetVersions() throws {
        let demo = try sandbox()
        try demo.write("policies/dataset-pinned.yaml", """
            apiVersion: tollgate/v1
            kind: Policy
            metadata: {name: dataset-pinned}
            spec:
              match: {kinds: [PromotionRequest], to: [production]}
              rules:
                - id: version
                  lineage: {require: [datasetVersion]}
            """)
        let run = try demo.read("policies/tests/fast/run-8812.yaml")
        try demo.write("policies/tests/branch/run-8812.yaml",
                       run.replacingOccurrences(of: "version: \"2026-10-31\"", with: "version: retrain-q4"))
        for file in ["fraud-student-2.1.0-production.yaml", "card.yaml"] {
            try demo.write("policies/tests/branch/\(file)", try demo.read("policies/tests/fast/\(file)"))
        }
        try demo.write("policies/tests/dataset-pinned.yaml", """
            apiVersion: tollgate/v1
            kind: PolicyTest
            metadata: {name: dataset-pinned-tests}
            spec:
              cases:
                - name: a dataset version that is a branch of the repository moves
                  documents: [branch]
                  repository: {branches: [main, origin/retrain-q4, retrain-q4]}
                  expect:
                    - {rule: dataset-pinned/version, result: block}
                - name: the same name is pinned where no branch has it
                  documents: [branch]
                  repository: {branches: [main]}
                  expect:
                    - {rule: dataset-pinned/version, result: pass}
            """)
        let result = try demo.policy("test", "policies/tests/dataset-pinned.yaml")
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("2 cases in 1 test: 2 passed, 0 failed"), result.stdout)
        // The expectation can fail: the case without the branch expecting a block does.
        try demo.edit("policies/tests/dataset-pinned.yaml", replacing: "{rule: dataset-pinned/version, result: pass}",
                      with: "{rule: dataset-pinned/version, result: block}")
        XCTAssertEqual(try demo.policy("test", "policies/tests/dataset-pinned.yaml").status, 1)
    }

    func testAFailingCaseShowsExpectedAndActual() throws {
        let demo = try sandbox()
        try demo.write("policies/tests/wrong.yaml", """
            apiVersion: tollgate/v1
            kind: PolicyTest
            metadata: {name: wrong}
            spec:
              cases:
                - name: believes the slow student passes
                  documents: [slow]
                  verdict: pass
                  expect:
                    - {rule: release-gate/p95-latency, result: pass}
            """)
        let result = try demo.policy("test")
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.contains("FAIL  wrong / believes the slow student passes"), result.stdout)
        XCTAssertTrue(result.stdout.contains("- release-gate/p95-latency: pass   (expected, policies/tests/wrong.yaml:10:"), result.stdout)
        XCTAssertTrue(result.stdout.contains("+ release-gate/p95-latency: block   (actual)"), result.stdout)
        XCTAssertTrue(result.stdout.contains("+ verdict: block (") && result.stdout.contains("p95 latency 28.7 ms exceeds 25 ms"), result.stdout)
    }

    /// `result: notApplicable` expects a rule that does not apply; `pass` one that applies
    /// and holds: each mismatch names the other, with the reason.
    func testNotApplicableIsExpectedByName() throws {
        let demo = try sandbox()
        // The fast student without its teacher, in the run and in the card: a model trained from
        // scratch. (A run without a teacher whose card still declares one is not n/a: it blocks.)
        for file in ["run-8812.yaml", "card.yaml"] {
            let text = try demo.read("policies/tests/fast/\(file)").components(separatedBy: "\n")
                .filter { !$0.hasPrefix("  teacher:") }.joined(separator: "\n")
            try demo.write("policies/tests/scratch/\(file)", text)
        }
        try demo.write("policies/tests/scratch/fraud-student-2.1.0-production.yaml",
                       try demo.read("policies/tests/fast/fraud-student-2.1.0-production.yaml"))
        try demo.write("policies/tests/lifecycle.yaml", """
            apiVersion: tollgate/v1
            kind: PolicyTest
            metadata: {name: lifecycle-tests}
            spec:
              cases:
                - name: a model trained from scratch is not a distilled student
                  documents: [scratch]
                  expect:
                    - {rule: lifecycle/distillation-gap, result: notApplicable}
                - name: believes the rule applies to it
                  documents: [scratch]
                  expect:
                    - {rule: lifecycle/distillation-gap, result: pass}
                - name: believes the distilled student is not one
                  documents: [fast]
                  expect:
                    - {rule: lifecycle/distillation-gap, result: notApplicable}
            """)
        let result = try demo.policy("test", "policies/tests/lifecycle.yaml")
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stdout.contains("PASS  lifecycle-tests / a model trained from scratch is not a distilled student"), result.stdout)
        XCTAssertTrue(result.stdout.contains("FAIL  lifecycle-tests / believes the rule applies to it"), result.stdout)
        XCTAssertTrue(result.stdout.contains("+ lifecycle/distillation-gap: notApplicable (run names no teacher: not a distilled model)   (actual)"), result.stdout)
        XCTAssertTrue(result.stdout.contains("FAIL  lifecycle-tests / believes the distilled student is not one"), result.stdout)
        XCTAssertTrue(result.stdout.contains("- lifecycle/distillation-gap: notApplicable   (expected"), result.stdout)
        // Its teacher's run is not among the case's documents: the rule applies and fails closed.
        XCTAssertTrue(result.stdout.contains("+ lifecycle/distillation-gap: block   (actual)"), result.stdout)
    }

    func testInvalidTestsExitTwo() throws {
        let demo = try sandbox()
        try demo.write("policies/tests/broken.yaml", """
            apiVersion: tollgate/v1
            kind: PolicyTest
            metadata: {name: broken}
            spec:
              cases:
                - name: no expectations
                  documents: [slow]
                  expct: []
            """)
        let result = try demo.policy("test")
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("unknown key 'expct'") && result.stderr.contains("did you mean 'expect'?"), result.stderr)
    }
}
