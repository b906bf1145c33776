import Documents
import Policy
import Reporters
import XCTest

/// A rule that does not apply passes, and every format says so once, with its reason.
final class NotApplicableReportTests: XCTestCase {
    static func report() -> Report {
        let subject = Subject(kind: .promotionRequest, name: "m-1.0.0-production", file: "requests/m.yaml")
        let firstRelease = RuleEvaluation(ruleID: "lifecycle/champion-regression", description: "no worse than the champion",
                                          outcome: .pass, findings: [], evidence: [], runbook: "docs/runbooks/champion-regression.md",
                                          tags: [], ruleLocation: SourceLocation(file: "policies/lifecycle.yaml", line: 30, column: 11),
                                          check: "regression", notApplicable: "first release of this model, no champion")
        let holds = RuleEvaluation(ruleID: "release-gate/p95-latency", description: "p95", outcome: .pass, findings: [],
                                   evidence: [], runbook: nil, tags: [], ruleLocation: nil, check: "threshold")
        return Report(subjects: [SubjectResult(subject: subject, rules: [firstRelease, holds])])
    }

    static let metadata = ReportMetadata(toolVersion: "0.1.0", evaluated: "working tree", policySource: "working tree",
                                         policies: ["lifecycle", "release-gate"], documentCount: 3)

    func testTextSaysItOnceOnItsOwnLine() {
        let text = TextReporter(color: false).render(Self.report(), metadata: Self.metadata)
        XCTAssertTrue(text.hasPrefix("""
            PASS   PromotionRequest/m-1.0.0-production
                   requests/m.yaml · 2 rules
              n/a  lifecycle/champion-regression — first release of this model, no champion

            PASS  1 subject · 0 blocked, 0 warned, 1 passed
            """), text)
        XCTAssertEqual(text.components(separatedBy: "n/a").count, 2, text)
    }

    func testJSONCarriesTheReasonOnTheRuleOnly() throws {
        let json = JSONReporter().render(Self.report(), metadata: Self.metadata)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let rules = try XCTUnwrap(((object["subjects"] as? [[String: Any]])?.first)?["rules"] as? [[String: Any]])
        XCTAssertEqual(rules.first { $0["id"] as? String == "lifecycle/champion-regression" }?["notApplicable"] as? String,
                       "first release of this model, no champion")
        XCTAssertEqual(rules.first { $0["id"] as? String == "lifecycle/champion-regression" }?["outcome"] as? String, "pass")
        XCTAssertNil(rules.first { $0["id"] as? String == "release-gate/p95-latency" }?["notApplicable"], "absent when the rule applies")
    }

    func testJUnitSkipsItAndMarkdownListsIt() {
        let junit = JUnitReporter(failOn: .block).render(Self.report(), metadata: Self.metadata)
        XCTAssertTrue(junit.contains("<skipped message=\"not applicable: first release of this model, no champion\"></skipped>"), junit)
        XCTAssertTrue(junit.contains("failures=\"0\"") && junit.contains("skipped=\"1\""), junit)
        let markdown = MarkdownReporter().render(Self.report(), metadata: Self.metadata)
        XCTAssertTrue(markdown.contains("Its one rule that applies holds."), markdown)
        XCTAssertTrue(markdown.contains("**Not applicable**\n\n- `lifecycle/champion-regression` — first release of this model, no champion"), markdown)
        let sarif = SARIFReporter(sourceRoot: nil, runbookBase: nil).render(Self.report(), metadata: Self.metadata)
        XCTAssertFalse(sarif.contains("first release"), "SARIF holds problems only: \(sarif)")
    }
}
