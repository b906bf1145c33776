import Policy
import XCTest

/// The canary ramp reads fields the other bounds read too: each is reported and recorded once.
final class CanaryRampTests: XCTestCase {
    func testAFieldTwoBoundsReadIsReportedOnce() throws {
        let missing = CheckExample("no plan", check: "{maxStepPercent: 25, minObservationMinutes: 30, maxDurationHours: 4}",
                                   expect: .block)
        let (report, _) = try ExampleHarness.evaluate(keyword: "canary", example: missing)
        let rule = try XCTUnwrap(report.subjects.flatMap(\.rules).first { $0.ruleID == "example/rule" })
        let messages = rule.findings.map(\.message)
        XCTAssertEqual(messages.filter { $0.hasPrefix("canary step:") }.count, 1, messages.description)
        XCTAssertEqual(messages.filter { $0.hasPrefix("observation time between canary steps:") }.count, 1, messages.description)
        XCTAssertEqual(Set(rule.evidence.map(\.path)).count, rule.evidence.count, rule.evidence.map(\.path).description)

        let plan = CheckExample("a plan", check: "{maxStepPercent: 25, minObservationMinutes: 30, maxDurationHours: 4}",
                                request: "canary: {initialPercent: 5, maxPercent: 100, stepPercent: 20, observationMinutes: 60, autoRollback: true, rollbackErrorRate: 0.02}",
                                expect: .block)
        let (planned, _) = try ExampleHarness.evaluate(keyword: "canary", example: plan)
        let ramp = try XCTUnwrap(planned.subjects.flatMap(\.rules).first { $0.ruleID == "example/rule" })
        XCTAssertEqual(ramp.evidence.map(\.path), ["request.spec.canary.stepPercent", "request.spec.canary.observationMinutes",
                                                    "request.spec.canary.initialPercent", "request.spec.canary.maxPercent"])
        XCTAssertEqual(ramp.findings.map(\.message), ["the canary ramp takes 5 h (5 steps of 20% from 5% to 100%, 60 min each), longer than 4 h"])
    }
}
