import Foundation
import XCTest

/// CEL `expr` rules in real policies: the release gate rewritten in CEL decides as the
/// declarative checks do; parse errors point into the YAML; budgets stop hostile rules.
final class ExprTests: XCTestCase {
    static let celGate = """
        apiVersion: tollgate/v1
        kind: Policy
        metadata: {name: release-gate-cel}
        spec:
          match: {kinds: [PromotionRequest], to: [production]}
          variables:
            - {name: serving, expression: "run.spec.serving"}
            - {name: budget, expression: "1.0 - 0.98"}
            - {name: burn, expression: "variables.serving.errorRate / variables.budget"}
          rules:
            - id: p95-latency
              expr: "variables.serving.p95Ms <= 25.0"
              messageExpression: "'p95 latency ' + string(variables.serving.p95Ms) + ' ms exceeds 25 ms'"
            - id: p99-latency
              expr: "!has(variables.serving.p99Ms) || variables.serving.p99Ms <= 50.0"
              enforcement: warn
              message: p99 above 50 ms
            - id: error-rate
              expr: "variables.serving.errorRate <= 0.02"
              message: error rate above 2 %
            - id: availability
              expr: "variables.serving.availability >= 0.999"
              message: availability below 99.9 %
            - id: error-budget-burn
              expr: "variables.burn <= 1.0 + 1e-9"
              message: error budget burns too fast
        """

    /// (declarative rule, CEL rule) pairs that must agree.
    static let pairs = [("release-gate/p95-latency", "release-gate-cel/p95-latency"),
                        ("release-gate/p99-latency", "release-gate-cel/p99-latency"),
                        ("release-gate/error-rate", "release-gate-cel/error-rate"),
                        ("release-gate/availability", "release-gate-cel/availability"),
                        ("release-gate/error-budget-burn", "release-gate-cel/error-budget-burn")]

    func outcomes(_ result: GitSandbox.Result) throws -> [String: String] {
        let subjects = try result.json()["subjects"] as? [[String: Any]] ?? []
        let request = subjects.first { $0["name"] as? String == GitSandbox.request }
        var outcomes: [String: String] = [:]
        for rule in request?["rules"] as? [[String: Any]] ?? [] {
            if let id = rule["id"] as? String { outcomes[id] = rule["outcome"] as? String }
        }
        return outcomes
    }

    func testTheReleaseGateInCELDecidesLikeTheDeclarativeChecks() throws {
        let demo = try GitSandbox.demo()
        try demo.write("policies/release-gate-cel.yaml", Self.celGate)
        let run = "runs/fraud-student/run-8812.yaml"
        let variants: [(String, String)] = [("p95Ms: 28.7", "p95Ms: 28.7"), ("p95Ms: 28.7", "p95Ms: 25"),
                                            ("errorRate: 0.012", "errorRate: 0.02"), ("errorRate: 0.02", "errorRate: 0.021"),
                                            ("availability: 0.999", "availability: 0.9989"), ("p99Ms: 41.9", "p99Ms: 50.5")]
        var seenBlock = Set<String>(), seenPass = Set<String>()
        for (old, new) in variants {
            try demo.edit(run, replacing: old, with: new)
            let outcomes = try outcomes(try demo.policy("check", "--format", "json"))
            for (declarative, cel) in Self.pairs {
                XCTAssertNotNil(outcomes[declarative], "\(declarative) evaluated")
                XCTAssertEqual(outcomes[declarative], outcomes[cel], "\(declarative) vs \(cel) after \(new)")
                if outcomes[cel] == "pass" { seenPass.insert(cel) } else { seenBlock.insert(cel) }
            }
        }
        XCTAssertEqual(seenPass.count, Self.pairs.count, "every CEL rule passed somewhere")
        XCTAssertEqual(seenBlock.count, Self.pairs.count, "every CEL rule failed somewhere")
        let text = try demo.policy("check")
        XCTAssertTrue(text.flat.contains("release-gate-cel/error-rate error rate above 2 %"), text.stdout)
    }

    func testAParseErrorPointsIntoThePolicyFile() throws {
        let demo = try GitSandbox.demo()
        try demo.write("policies/broken-cel.yaml", """
            apiVersion: tollgate/v1
            kind: Policy
            metadata: {name: broken-cel}
            spec:
              match: {kinds: [PromotionRequest]}
              rules:
                - id: bad
                  expr: "run.spec.serving.p95Ms <= "
            """)
        let result = try demo.policy("check")
        XCTAssertEqual(result.status, 2)
        // The expression starts at column 13 (after the quote); the error is at its end.
        XCTAssertTrue(result.stderr.contains("policies/broken-cel.yaml:8:"), result.stderr)
        let column = result.stderr.components(separatedBy: "policies/broken-cel.yaml:8:").last?
            .prefix(while: \.isNumber)
        XCTAssertGreaterThan(Int(column ?? "") ?? 0, 30, result.stderr)
    }

    func testHostileRulesStopWithinTheBudgetNamingTheRule() throws {
        let demo = try GitSandbox.demo()
        try demo.write("policies/hostile-cel.yaml", """
            apiVersion: tollgate/v1
            kind: Policy
            metadata: {name: hostile-cel}
            spec:
              match: {kinds: [PromotionRequest]}
              rules:
                - id: blow-up
                  expr: "[1,2,3,4,5,6,7,8,9,10].map(a, [1,2,3,4,5,6,7,8,9,10].map(b, [1,2,3,4,5,6,7,8,9,10].map(c, [1,2,3,4,5,6,7,8,9,10].map(d, [1,2,3,4,5,6,7,8,9,10].map(e, [1,2,3,4,5,6,7,8,9,10]))))).size() > 0"
                - id: backtracking
                  expr: "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'.matches('(a+)+$')"
            """)
        let start = Date()
        let result = try demo.policy("check")
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.flat.contains("hostile-cel/blow-up"), result.stdout)
        XCTAssertTrue(result.flat.contains("exceeded its CEL budget"), result.stdout)
    }

    /// The governance examples of docs/cel.md hold on the demo, so the documentation shows
    /// expressions that work.
    func testTheDocumentedExamplesHoldOnTheDemo() throws {
        let doc = try String(contentsOf: GitSandbox.projectRoot.appendingPathComponent("docs/cel.md"), encoding: .utf8)
        let section = try XCTUnwrap(doc.components(separatedBy: "## Examples for governance").last)
        let expressions = section.split(separator: "\n").filter { $0.hasPrefix("expr: ") }.map { String($0.dropFirst(6)) }
        XCTAssertGreaterThanOrEqual(expressions.count, 5)
        let demo = try GitSandbox.demo()
        let rules = expressions.enumerated().map { "    - id: example-\($0.offset)\n      expr: \($0.element)" }.joined(separator: "\n")
        try demo.write("policies/cel-examples.yaml", """
            apiVersion: tollgate/v1
            kind: Policy
            metadata: {name: cel-examples}
            spec:
              match: {kinds: [PromotionRequest], to: [production]}
              rules:
            \(rules)
            """)
        let outcomes = try outcomes(try demo.policy("check", "--format", "json"))
        for index in expressions.indices {
            XCTAssertEqual(outcomes["cel-examples/example-\(index)"], "pass", expressions[index])
        }
    }

    /// A false condition is located at the value that decided it (through a variable that
    /// names data, into the list element `all` failed on), with the condition as a note;
    /// `policy explain` lists every part's value. A condition on literals stays at the policy.
    func testAFalseConditionIsLocatedAtTheDataThatDecidedIt() throws {
        let demo = try GitSandbox.demo()
        try demo.write("policies/cel-located.yaml", """
            apiVersion: tollgate/v1
            kind: Policy
            metadata: {name: cel-located}
            spec:
              match: {kinds: [PromotionRequest], to: [production]}
              variables:
                - {name: serving, expression: "run.spec.serving"}
              rules:
                - id: p95
                  expr: "run.spec.serving.errorRate < 0.05 && variables.serving.p95Ms <= 25.0"
                  message: p95 latency above 25 ms
                - id: slice-support
                  expr: "run.spec.slices.all(s, s.support >= 10000)"
                  message: a slice has fewer than 10,000 examples
                - id: literal
                  expr: "1 > 2"
            """)
        try demo.commitAll("CEL rules")
        let text = try demo.policy("check")
        XCTAssertEqual(text.status, 1)
        XCTAssertTrue(text.stdout.contains("""
              ✗ cel-located/p95
                p95 latency above 25 ms (runs/fraud-student/run-8812.yaml:31:12)
                note: the condition is here (policies/cel-located.yaml:10:13)
            """), text.stdout)
        // region-latam, the fourth slice, has 7,570 examples: its `support` is the location.
        let run = try String(contentsOf: demo.root.appendingPathComponent("runs/fraud-student/run-8812.yaml"), encoding: .utf8)
        let latam = try XCTUnwrap(run.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("region-latam") })
        let line = String(run.split(separator: "\n", omittingEmptySubsequences: false)[latam])
        let column = try XCTUnwrap(line.range(of: "support: ")).upperBound.utf16Offset(in: line) + 1
        XCTAssertTrue(text.stdout.contains("a slice has fewer than 10,000 examples (runs/fraud-student/run-8812.yaml:\(latam + 1):\(column))"), text.stdout)
        XCTAssertTrue(text.stdout.contains("1 > 2 is false (policies/cel-located.yaml:16:13)"), text.stdout)

        let sarif = try demo.policy("check", "--format", "sarif")
        XCTAssertTrue(sarif.stdout.contains("run-8812.yaml"), sarif.stdout)

        let explain = try demo.policy("explain", GitSandbox.request)
        XCTAssertTrue(explain.stdout.contains("read expr: run.spec.serving.errorRate < 0.05 = true  (policies/cel-located.yaml:10:13)"), explain.stdout)
        XCTAssertTrue(explain.stdout.contains("read expr: variables.serving.p95Ms <= 25.0 = false  (policies/cel-located.yaml:10:13)"), explain.stdout)
        XCTAssertTrue(explain.stdout.contains("read expr: variables.serving.p95Ms = 28.7  (runs/fraud-student/run-8812.yaml:31:12)"), explain.stdout)
    }
}
