import Documents
import Policy
import Reporters
import XCTest

/// The pull-request comment: what a reviewer reads before merging a promotion request.
final class MarkdownReporterTests: XCTestCase {
    typealias Fixtures = CIReportFixtures

    func testGoldenCommentForABlockedRequest() {
        let markdown = MarkdownReporter().render(Fixtures.report(), metadata: Fixtures.metadata)
        XCTAssertEqual(markdown, """
            <!-- tollgate:report -->
            ## ⛔ Tollgate: release blocked

            5 subjects · 2 blocked, 2 warned, 1 passed · 3 blocking reasons, 3 warnings · 1 waived

            ### ⛔ `PromotionRequest/fraud-student-2.1.0-production` — block

            **Blocking reasons**

            | rule | reason | location | runbook |
            | --- | --- | --- | --- |
            | `release-gate/approvals` | needs 2 approvals by distinct members, 1 count (alice)<br>↳ approval by bob is stale: the bundle digest changed in 9c1d2e3 (run manifest) ([approvals/fraud-student-2.1.0-production-bob.yaml:4](approvals/fraud-student-2.1.0-production-bob.yaml#L4)) | [requests/fraud-student-2.1.0-production.yaml:4](requests/fraud-student-2.1.0-production.yaml#L4) |  |
            | `release-gate/p95-latency` | p95 latency 28.7 ms exceeds 25 ms<br>↳ the bound max: 25 ms is set here ([policies/release-gate.yaml:12](policies/release-gate.yaml#L12)) | [runs/fraud-student/run-8812.yaml:31](runs/fraud-student/run-8812.yaml#L31) | [docs/runbooks/latency-regression.md](docs/runbooks/latency-regression.md) |

            **Warnings**

            | rule | reason | location | runbook |
            | --- | --- | --- | --- |
            | `release-gate/fairness-gap` | equal-opportunity gap 0.041 on slice region=EU exceeds 0.03 \\| review before GA | [runs/fraud-student/run-8812.yaml:47](runs/fraud-student/run-8812.yaml#L47) | [https://wiki.example.com/runbooks/fairness](https://wiki.example.com/runbooks/fairness) |

            **Waived**

            - `release-gate/card-complete`: model card has no section 'limitations' ([cards/fraud-student.yaml:1](cards/fraud-student.yaml#L1)) — waived by card-gap-q1 until 2026-12-31

            **Approvals** (`release-gate/approvals`): ⛔ needs 2 approvals by distinct members, 1 count (alice)

            - ✅ approval by alice as ml-lead counts, 3f2a9c1 signed by alice
            - ❌ approval by bob is stale: the bundle digest changed in 9c1d2e3 (run manifest)

            ### Other subjects

            | subject | verdict | reasons |
            | --- | --- | --- |
            | `policies/release-gate.yaml` | ⛔ block | ⛔ `provenance/protected-paths`: commit 1a2b3c4 changes policies/release-gate.yaml without the signature of a member holding policy-owner ([policies/release-gate.yaml:1](policies/release-gate.yaml#L1)) |
            | `RunManifest/run-8812` | ⚠️ warn | ⚠️ `document/schema`: unknown field 'p95ms' in spec.serving; did you mean 'p95Ms'? ([runs/fraud-student/run-8812.yaml:22](runs/fraud-student/run-8812.yaml#L22)) |
            | `Waiver/card-gap-q1` | ⚠️ warn | ⚠️ `waiver/in-force`: waiver card-gap-q0 expired on 2025-01-31 and waives nothing ([waivers/card-gap-q1.yaml:9](waivers/card-gap-q1.yaml#L9)) |

            ✅ 1 other subject passes: `ModelCard/fraud-student`

            <details><summary>Compliance coverage: 2 frameworks</summary>
            
            | framework | pass | warn | block | n/a |
            | --- | ---: | ---: | ---: | ---: |
            | EU AI Act | 0 | 1 | 0 | 0 |
            | SOC 2 | 0 | 0 | 1 | 0 |
            
            Rule evaluations (one rule for one subject) tagged with a control of the framework; the JSON report's `summary.tags` has them by control.
            
            </details>
            
            ---
            <sub>Tollgate 0.1.0 checked the head 3f2a9c1 with 1 policy (`release-gate`); policies from the merge base 77aa01b · 9 documents</sub>

            """)
    }

    func testGoldenCommentForTheTextReportsSample() {
        let markdown = MarkdownReporter().render(TextReporterTests.sampleReport(), metadata: TextReporterTests.metadata)
        XCTAssertEqual(markdown, """
            <!-- tollgate:report -->
            ## ⛔ Tollgate: release blocked

            1 subject · 1 blocked, 0 warned, 0 passed · 1 blocking reason, 0 warnings

            ### ⛔ `PromotionRequest/fraud-student-2.1.0-production` — block

            **Blocking reasons**

            | rule | reason | location | runbook |
            | --- | --- | --- | --- |
            | `release-gate/p95-latency` | p95 latency 28.7 ms exceeds 25 ms<br>↳ the bound max: 25 ms is set here ([policies/release-gate.yaml:12](policies/release-gate.yaml#L12)) | [runs/fraud-student/run-8812.yaml:31](runs/fraud-student/run-8812.yaml#L31) | [docs/runbooks/latency-regression.md](docs/runbooks/latency-regression.md) |

            **Approvals:** no rule asks for approvals of this request.

            <details><summary>Compliance coverage: 1 framework</summary>
            
            | framework | pass | warn | block | n/a |
            | --- | ---: | ---: | ---: | ---: |
            | SOC 2 | 0 | 0 | 1 | 0 |
            
            Rule evaluations (one rule for one subject) tagged with a control of the framework; the JSON report's `summary.tags` has them by control.
            
            </details>
            
            ---
            <sub>Tollgate 0.1.0 checked the working tree with 1 policy (`release-gate`) · 6 documents</sub>

            """)
    }

    func testPipesAndLineBreaksStayInTheirCell() {
        let subject = Subject(kind: .promotionRequest, name: "r", file: "requests/r.yaml")
        let finding = Finding(ruleID: "gate/a", subject: subject, severity: .block,
                              message: "slice a|b gap 0.2\nslice <c> & d\r\nend", location: SourceLocation(file: "runs/r|1.yaml", line: 3, column: 2),
                              runbook: "docs/runbooks/a [b].md")
        let report = Report(subjects: [SubjectResult(subject: subject, rules: [
            RuleEvaluation(ruleID: "gate/a", description: nil, outcome: .block, findings: [finding], evidence: [],
                           runbook: finding.runbook, tags: [], ruleLocation: nil),
        ])])
        let markdown = MarkdownReporter().render(report, metadata: Fixtures.metadata)
        let row = "| `gate/a` | slice a\\|b gap 0.2<br>slice &lt;c&gt; &amp; d<br>end | [runs/r\\|1.yaml:3](runs/r%7C1.yaml#L3) | [docs/runbooks/a \\[b\\].md](docs/runbooks/a%20%5Bb%5D.md) |"
        XCTAssertTrue(markdown.contains(row), markdown)
        let rows = markdown.split(separator: "\n").filter { $0.hasPrefix("| `gate/a`") }
        XCTAssertEqual(rows.count, 1, "the reason stays on one table row")
    }

    func testLinksResolveAgainstALinkBase() {
        let markdown = MarkdownReporter(linkBase: "https://github.com/acme/models/blob/3f2a9c1/")
            .render(TextReporterTests.sampleReport(), metadata: TextReporterTests.metadata)
        XCTAssertTrue(markdown.contains("[runs/fraud-student/run-8812.yaml:31](https://github.com/acme/models/blob/3f2a9c1/runs/fraud-student/run-8812.yaml#L31)"), markdown)
        XCTAssertTrue(markdown.contains("[docs/runbooks/latency-regression.md](https://github.com/acme/models/blob/3f2a9c1/docs/runbooks/latency-regression.md)"), markdown)
    }

    func testApprovalsSayWhatCountsAndWhatDoesNot() {
        let request = Fixtures.request
        let evidence = [
            Fixtures.evidence("alice", "approval by alice as ml-lead counts, 3f2a9c1 signed by alice", line: 4),
            Fixtures.evidence("bob", "rejection by bob counts", line: 4),
            Fixtures.evidence("carol", "approval by carol is pending: approvals/c.yaml is not committed yet", line: 4),
            Fixtures.evidence("dave", "approval by dave does not count: 'dave' is not a member of the Team", line: 4),
            Fixtures.evidence("erin", "approval by erin is not independent: erin authored the latest change of the run", line: 4),
        ]
        let rejected = Finding(ruleID: "release-gate/approvals", subject: request, severity: .block,
                               message: "rejected by bob as risk in 1b2c3d4: the slice metrics are stale",
                               location: SourceLocation(file: "approvals/bob.yaml", line: 4, column: 9))
        let report = Report(subjects: [SubjectResult(subject: request, rules: [
            Fixtures.rule("release-gate/approvals", [rejected], check: "approvals", evidence: evidence),
            Fixtures.rule("release-gate/risk-signoff", [], check: "approvals", evidence: []),
        ])])
        let markdown = MarkdownReporter().render(report, metadata: Fixtures.metadata)
        XCTAssertTrue(markdown.contains("""
            **Approvals** (`release-gate/approvals`): ⛔ rejected by bob as risk in 1b2c3d4: the slice metrics are stale

            - ✅ approval by alice as ml-lead counts, 3f2a9c1 signed by alice
            - ⛔ rejection by bob counts
            - ⏳ approval by carol is pending: approvals/c.yaml is not committed yet
            - ❌ approval by dave does not count: 'dave' is not a member of the Team
            - ❌ approval by erin is not independent: erin authored the latest change of the run

            **Approvals** (`release-gate/risk-signoff`): ✅ enough approvals count

            - no approvals recorded for this request

            """), markdown)
    }

    func testAllClearComment() {
        let report = Report(subjects: [SubjectResult(subject: Fixtures.request, rules: [
            Fixtures.rule("release-gate/error-rate", []),
        ]), SubjectResult(subject: Fixtures.card, rules: [Fixtures.rule("release-gate/card-owner", [])])])
        let markdown = MarkdownReporter().render(report, metadata: TextReporterTests.metadata)
        XCTAssertEqual(markdown, """
            <!-- tollgate:report -->
            ## ✅ Tollgate: all checks pass

            2 subjects · 0 blocked, 0 warned, 2 passed · 0 blocking reasons, 0 warnings

            ### ✅ `PromotionRequest/fraud-student-2.1.0-production` — pass

            Its one rule holds.

            **Approvals:** no rule asks for approvals of this request.

            ### Other subjects

            ✅ 1 other subject passes: `ModelCard/fraud-student`

            ---
            <sub>Tollgate 0.1.0 checked the working tree with 1 policy (`release-gate`) · 6 documents</sub>

            """)
    }

    /// GitHub refuses a comment over 65,536 characters: a longer report is cut at a line, keeps
    /// the worst request first and the footer last, and says what is missing.
    func testALongReportIsCutToWhatACommentHolds() {
        let full = MarkdownReporter().render(Fixtures.report(), metadata: Fixtures.metadata)
        XCTAssertEqual(MarkdownReporter(maxLength: full.utf8.count).render(Fixtures.report(), metadata: Fixtures.metadata), full,
                       "a report that fits is not touched")

        let cut = MarkdownReporter(maxLength: 1500).render(Fixtures.report(), metadata: Fixtures.metadata)
        XCTAssertLessThanOrEqual(cut.utf8.count, 1500)
        XCTAssertTrue(cut.hasPrefix(MarkdownReporter.marker + "\n## ⛔ Tollgate: release blocked"), cut)
        XCTAssertTrue(cut.contains("### ⛔ `PromotionRequest/fraud-student-2.1.0-production` — block"), cut)
        XCTAssertTrue(cut.contains("Cut short at 1500 characters, the most a comment holds:"), cut)
        XCTAssertTrue(cut.hasSuffix("· 9 documents</sub>\n"), cut)
        XCTAssertFalse(cut.contains("### Other subjects"), "the end of the report is what goes")
        let left = full.split(separator: "\n", omittingEmptySubsequences: false).count
            - cut.split(separator: "\n", omittingEmptySubsequences: false).count
        XCTAssertGreaterThan(left, 0)

        // The default is GitHub's limit, and a comment of a large repository stays under it.
        let many = Report(subjects: (0..<2_000).map { index in
            SubjectResult(subject: Subject(kind: .runManifest, name: "run-\(index)", file: "runs/run-\(index).yaml"),
                          rules: [Fixtures.rule("release-gate/p95-latency", [Finding(
                              ruleID: "release-gate/p95-latency",
                              subject: Subject(kind: .runManifest, name: "run-\(index)", file: "runs/run-\(index).yaml"),
                              severity: .block, message: "p95 latency 28.7 ms exceeds 25 ms",
                              location: SourceLocation(file: "runs/run-\(index).yaml", line: 31, column: 5))])])
        })
        let comment = MarkdownReporter().render(many, metadata: Fixtures.metadata)
        XCTAssertLessThanOrEqual(comment.utf8.count, 65_536)
        XCTAssertTrue(comment.contains("Cut short at 65536 characters"), String(comment.suffix(500)))
    }
}
