import Documents
import Policy
import Reporters
import XCTest

/// The text report: what a person reads in a terminal or a CI log.
final class TextReporterTests: XCTestCase {
    static func sampleReport() -> Report {
        let subject = Subject(kind: .promotionRequest, name: "fraud-student-2.1.0-production",
                              file: "requests/fraud-student-2.1.0-production.yaml")
        let at = SourceLocation(file: "runs/fraud-student/run-8812.yaml", line: 31, column: 12)
        let finding = Finding(ruleID: "release-gate/p95-latency", subject: subject, severity: .block,
                              message: "p95 latency 28.7 ms exceeds 25 ms", location: at,
                              notes: [.init("the bound max: 25 ms is set here", at: SourceLocation(file: "policies/release-gate.yaml", line: 12, column: 55))],
                              runbook: "docs/runbooks/latency-regression.md", tags: ["soc2:CC8.1"])
        let rule = RuleEvaluation(ruleID: "release-gate/p95-latency", description: "p95", outcome: .block, findings: [finding],
                                  evidence: [], runbook: finding.runbook, tags: finding.tags, ruleLocation: nil)
        let passing = RuleEvaluation(ruleID: "release-gate/error-rate", description: nil, outcome: .pass, findings: [],
                                     evidence: [], runbook: nil, tags: [], ruleLocation: nil)
        return Report(subjects: [SubjectResult(subject: subject, rules: [rule, passing])])
    }

    static let metadata = ReportMetadata(toolVersion: "0.1.0", evaluated: "working tree", policySource: "working tree",
                                         policies: ["release-gate"], documentCount: 6)

    func testPlainTextWithoutColor() {
        let text = TextReporter(color: false).render(Self.sampleReport(), metadata: Self.metadata)
        XCTAssertEqual(text, """
            BLOCK  PromotionRequest/fraud-student-2.1.0-production
                   requests/fraud-student-2.1.0-production.yaml · 2 rules
              ✗ release-gate/p95-latency
                p95 latency 28.7 ms exceeds 25 ms (runs/fraud-student/run-8812.yaml:31:12)
                note: the bound max: 25 ms is set here (policies/release-gate.yaml:12:55)
                runbook: docs/runbooks/latency-regression.md

            BLOCK 1 subject · 1 blocked, 0 warned, 0 passed · 1 blocking reason, 0 warnings
            compliance: SOC 2 1 block
            by tag: soc2:CC8.1 1 block
            checked the working tree with 1 policy (release-gate)

            """)
        XCTAssertFalse(text.contains("\u{1B}["))
        XCTAssertTrue(text.split(separator: "\n").allSatisfy { $0.count <= TextReporter.width })
    }

    func testLongMessagesWrapAtTheWidth() {
        var report = Self.sampleReport()
        report.subjects[0].rules[0].findings[0].message = Array(repeating: "approval by bob is stale because the run changed", count: 4).joined(separator: "; ")
        let text = TextReporter(color: false).render(report, metadata: Self.metadata)
        let lines = text.split(separator: "\n")
        XCTAssertTrue(lines.allSatisfy { $0.count <= TextReporter.width }, text)
        XCTAssertTrue(lines.contains { $0.hasPrefix("    approval by bob is stale") }, text)
    }

    func testColorWhenAsked() {
        let text = TextReporter(color: true).render(Self.sampleReport(), metadata: Self.metadata)
        XCTAssertTrue(text.hasPrefix("\u{1B}[1;31mBLOCK\u{1B}[0m"))
    }
}
