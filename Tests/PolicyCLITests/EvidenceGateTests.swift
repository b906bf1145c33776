import Foundation
import XCTest

/// The seeds' gates on real evidence, in the demo repository with its real history: a latency
/// regression against the champion found in history (any evidence path, not only
/// `spec.metrics`), and the canary ramp of a real request.
final class EvidenceGateTests: XCTestCase {
    static let policy = """
        apiVersion: tollgate/v1
        kind: Policy
        metadata: {name: latency-regression}
        spec:
          match: {kinds: [PromotionRequest], to: [production]}
          rules:
            - id: p95-vs-champion
              regression: {value: run.spec.serving.p95Ms, maxIncrease: 0.2, relative: true, unit: ms}
            - id: ramp
              canary: {maxStepPercent: 25, minObservationMinutes: 30, maxDurationHours: 4}
        """

    /// The rule's outcome and first finding (message, `file:line:column`) for the demo's request.
    func rule(_ id: String, in result: GitSandbox.Result) throws -> (outcome: String?, message: String?, location: String?) {
        let subjects = try result.json()["subjects"] as? [[String: Any]] ?? []
        let request = subjects.first { $0["name"] as? String == GitSandbox.request }
        let rule = (request?["rules"] as? [[String: Any]] ?? []).first { $0["id"] as? String == id }
        let finding = (rule?["findings"] as? [[String: Any]])?.first
        let location = (finding?["location"] as? [String: Any]).map { "\($0["file"] ?? ""):\($0["line"] ?? ""):\($0["column"] ?? "")" }
        return (rule?["outcome"] as? String, finding?["message"] as? String, location)
    }

    func testP95LatencyRegressionAgainstTheMergedChampionIsLocatedAtTheCandidatesValue() throws {
        let demo = try GitSandbox.demo()
        try demo.write("policies/latency-regression.yaml", Self.policy)
        try demo.commitAll("Latency may not regress by more than 20 % against the champion")

        // The candidate's 28.7 ms against the champion's 22.4 ms (run-8650, merged to production).
        for arguments in [["check", "--format", "json"], ["check", "--rev", "HEAD", "--format", "json"]] {
            let result = try demo.policy(arguments)
            XCTAssertEqual(result.status, 1, result.stderr)
            let p95 = try rule("latency-regression/p95-vs-champion", in: result)
            XCTAssertEqual(p95.outcome, "block", arguments.joined(separator: " "))
            XCTAssertEqual(p95.message, "p95 latency 28.7 ms is 28.125% above the champion's 22.4 ms (run 'run-8650'), a relative increase of more than the allowed 20% (maxIncrease 0.2)")
            XCTAssertEqual(p95.location, "runs/fraud-student/run-8812.yaml:31:12")
        }

        // 26.8 ms is within 20 % of 22.4 ms (26.88): this rule passes, the absolute 25 ms bound still blocks.
        try demo.edit("runs/fraud-student/run-8812.yaml", replacing: "p95Ms: 28.7", with: "p95Ms: 26.8")
        let within = try demo.policy("check", "--format", "json")
        XCTAssertEqual(try rule("latency-regression/p95-vs-champion", in: within).outcome, "pass", within.stdout)
        XCTAssertEqual(try rule("release-gate/p95-latency", in: within).outcome, "block")
    }

    func testTheCanaryRampOfARealRequestIsBounded() throws {
        let demo = try GitSandbox.demo()
        try demo.write("policies/latency-regression.yaml", Self.policy)
        try demo.commitAll("Bound the canary ramp")

        // 5 % → 100 % in steps of 20 points, 60 minutes each: 5 steps, 5 hours.
        let slow = try demo.policy("check", "--format", "json")
        let ramp = try rule("latency-regression/ramp", in: slow)
        XCTAssertEqual(ramp.outcome, "block")
        XCTAssertEqual(ramp.message, "the canary ramp takes 5 h (5 steps of 20% from 5% to 100%, 60 min each), longer than 4 h")
        XCTAssertEqual(ramp.location, "requests/fraud-student-2.1.0-production.yaml:23:25")

        // Steps of 25 points: 4 steps, 4 hours — on the inclusive bound.
        let request = "requests/fraud-student-2.1.0-production.yaml"
        try demo.edit(request, replacing: "stepPercent: 20", with: "stepPercent: 25")
        XCTAssertEqual(try rule("latency-regression/ramp", in: try demo.policy("check", "--format", "json")).outcome, "pass")

        // Steps of 30 points exceed the largest step; 15 minutes of observation are too short.
        try demo.edit(request, replacing: "stepPercent: 25", with: "stepPercent: 30")
        try demo.edit(request, replacing: "observationMinutes: 60", with: "observationMinutes: 15")
        let result = try demo.policy("check", "--format", "json")
        let rules = try result.json()["subjects"] as? [[String: Any]] ?? []
        let messages = (rules.first { $0["name"] as? String == GitSandbox.request }?["rules"] as? [[String: Any]] ?? [])
            .filter { $0["id"] as? String == "latency-regression/ramp" }
            .flatMap { $0["findings"] as? [[String: Any]] ?? [] }
            .compactMap { $0["message"] as? String }
        XCTAssertEqual(messages, ["canary step 30% exceeds 25%", "observation time between canary steps 15 min is less than 30 min"])
    }

    func testAMisspelledRegressionRuleIsALocatedPolicyError() throws {
        let demo = try GitSandbox.demo()
        try demo.write("policies/latency-regression.yaml", Self.policy.replacingOccurrences(
            of: "maxIncrease: 0.2, relative: true", with: "maxIncrease: 0.2, maxDrop: 0.1"))
        let result = try demo.policy("check")
        XCTAssertEqual(result.status, 2, result.stdout)
        XCTAssertTrue(result.stderr.contains("policies/latency-regression.yaml:8:"), result.stderr)
        XCTAssertTrue(result.stderr.contains("regression takes maxDrop or maxIncrease, not both"), result.stderr)
    }
}
