import Documents
import Policy
import Reporters
import XCTest

/// GitHub Actions output: workflow commands that become annotations on the pull request, and
/// the job summary.
final class GitHubReporterTests: XCTestCase {
    typealias Fixtures = CIReportFixtures

    static func report(_ findings: [Finding]) -> Report {
        Report(subjects: Dictionary(grouping: findings, by: \.subject).map { subject, findings in
            SubjectResult(subject: subject, rules: findings.map { finding in
                RuleEvaluation(ruleID: finding.ruleID, description: nil, outcome: finding.isActive ? finding.severity : .pass,
                               findings: [finding], evidence: [], runbook: finding.runbook, tags: [], ruleLocation: nil)
            })
        })
    }

    func testPercentCommaColonAndLineBreaksAreEscaped() {
        let subject = Subject(kind: .runManifest, name: "run:1", file: "runs/eu,us/run:1.yaml")
        let block = Finding(ruleID: "release-gate/error-rate", subject: subject, severity: .block,
                            message: "error rate 3.2% > 1%, budget: 1%\nsee https://grafana.example.com/d?a=1,2",
                            location: SourceLocation(file: "runs/eu,us/run:1.yaml", line: 7, column: 3))
        let warn = Finding(ruleID: "gate/x:y,z", subject: subject, severity: .warn, message: "first\r\nsecond: 100%",
                           location: SourceLocation(file: "runs/eu,us/run:1.yaml", line: 9, column: 1))
        let output = GitHubReporter().render(Self.report([warn, block]), metadata: Fixtures.metadata)
        XCTAssertEqual(output, """
            ::error file=runs/eu%2Cus/run%3A1.yaml,line=7,col=3,title=release-gate/error-rate::error rate 3.2%25 > 1%25, budget: 1%25%0Asee https://grafana.example.com/d?a=1,2
            ::warning file=runs/eu%2Cus/run%3A1.yaml,line=9,col=1,title=gate/x%3Ay%2Cz::first%0D%0Asecond: 100%25

            """)
    }

    func testOneAnnotationPerFindingThatCounts() {
        let output = GitHubReporter().render(Fixtures.report(), metadata: Fixtures.metadata)
        XCTAssertEqual(output.split(separator: "\n", omittingEmptySubsequences: false), [
            "::error file=policies/release-gate.yaml,line=1,col=1,title=provenance/protected-paths::commit 1a2b3c4 changes policies/release-gate.yaml without the signature of a member holding policy-owner",
            "::error file=requests/fraud-student-2.1.0-production.yaml,line=4,col=9,title=release-gate/approvals::needs 2 approvals by distinct members, 1 count (alice)%0Anote: approval by bob is stale: the bundle digest changed in 9c1d2e3 (run manifest) (approvals/fraud-student-2.1.0-production-bob.yaml:4:9)",
            "::error file=runs/fraud-student/run-8812.yaml,line=31,col=12,title=release-gate/p95-latency::p95 latency 28.7 ms exceeds 25 ms%0Asubject: PromotionRequest/fraud-student-2.1.0-production%0Anote: the bound max: 25 ms is set here (policies/release-gate.yaml:12:55)%0Arunbook: docs/runbooks/latency-regression.md",
            "::warning file=runs/fraud-student/run-8812.yaml,line=47,col=9,title=release-gate/fairness-gap::equal-opportunity gap 0.041 on slice region=EU exceeds 0.03 | review before GA%0Asubject: PromotionRequest/fraud-student-2.1.0-production%0Arunbook: https://wiki.example.com/runbooks/fairness",
            "::warning file=runs/fraud-student/run-8812.yaml,line=22,col=5,title=document/schema::unknown field 'p95ms' in spec.serving; did you mean 'p95Ms'?",
            "::warning file=waivers/card-gap-q1.yaml,line=9,col=12,title=waiver/in-force::waiver card-gap-q0 expired on 2025-01-31 and waives nothing",
            "",
        ])
        XCTAssertFalse(output.contains("card-complete"), "a waived finding is not annotated")
    }

    func testNothingToAnnotateWritesNothing() {
        XCTAssertEqual(GitHubReporter().render(Report(subjects: []), metadata: Fixtures.metadata), "")
    }

    func testStepSummaryShowsVerdictSubjectsAndBlockingReasons() {
        let summary = GitHubReporter().summaryMarkdown(Fixtures.report(), metadata: Fixtures.metadata)
        XCTAssertEqual(summary, """
            ### ⛔ Tollgate: block

            5 subjects · 2 blocked, 2 warned, 1 passed · 3 blocking reasons, 3 warnings · 1 waived

            | subject | verdict | blocking reasons | warnings |
            | --- | --- | --- | --- |
            | `policies/release-gate.yaml` | ⛔ block | `provenance/protected-paths`: commit 1a2b3c4 changes policies/release-gate.yaml without the signature of a member holding policy-owner (`policies/release-gate.yaml:1:1`) | 0 |
            | `PromotionRequest/fraud-student-2.1.0-production` | ⛔ block | `release-gate/approvals`: needs 2 approvals by distinct members, 1 count (alice) (`requests/fraud-student-2.1.0-production.yaml:4:9`)<br>`release-gate/p95-latency`: p95 latency 28.7 ms exceeds 25 ms (`runs/fraud-student/run-8812.yaml:31:12`) | 1 |
            | `RunManifest/run-8812` | ⚠️ warn |  | 1 |
            | `Waiver/card-gap-q1` | ⚠️ warn |  | 1 |
            | `ModelCard/fraud-student` | ✅ pass |  | 0 |

            <sub>Tollgate 0.1.0 checked the head 3f2a9c1 with 1 policy (`release-gate`); policies from the merge base 77aa01b · 9 documents</sub>

            """)
    }

    func testStepSummaryKeepsAMultiLineReasonInItsCell() {
        let subject = Subject(kind: .promotionRequest, name: "r", file: "requests/r.yaml")
        let finding = Finding(ruleID: "gate/a", subject: subject, severity: .block, message: "a | b\nc <d>",
                              location: SourceLocation(file: "requests/r.yaml", line: 2, column: 1))
        let summary = GitHubReporter().summaryMarkdown(Self.report([finding]), metadata: Fixtures.metadata)
        XCTAssertTrue(summary.contains("| `PromotionRequest/r` | ⛔ block | `gate/a`: a \\| b<br>c &lt;d&gt; (`requests/r.yaml:2:1`) | 0 |"), summary)
    }
}
