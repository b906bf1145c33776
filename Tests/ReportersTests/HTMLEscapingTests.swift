import Documents
import Dossier
import Policy
import Reporters
import XCTest

/// The HTML report and the Markdown of `policy explain` show every string of a document as
/// text: nothing a document says becomes an element, an attribute or a link that runs code.
final class HTMLEscapingTests: XCTestCase {
    static let hostile = [
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "ctl \u{00}\u{01}\u{1B}\u{1F}\u{7F}\u{2028} end",
    ]

    /// A dossier whose every document string is hostile.
    static func dossier() -> SubjectDossier {
        let location = SourceLocation(file: "requests/<x>.yaml", line: 3, column: 5)
        let subject = Subject(kind: .promotionRequest, name: hostile[0], file: "requests/\"x\".yaml")
        let finding = Finding(ruleID: "gate/<b>", subject: subject, severity: .block, message: hostile.joined(separator: " | "),
                              location: location)
        let rule = RuleEvaluation(ruleID: "gate/<b>", description: hostile[1], outcome: .block, findings: [finding],
                                  evidence: [Evidence(path: "run.spec.x", value: YAMLValue(.string(hostile[2]), at: location), location: location)],
                                  runbook: "docs/<r>.md", tags: [], ruleLocation: location, check: "threshold")
        let result = SubjectResult(subject: subject, rules: [rule])
        let reason = SubjectDossier.Reason(ruleID: "gate/<b>", message: finding.message, location: location)
        let gate = GateRule(ruleID: "gate/<b>", description: hostile[1], check: "threshold", outcome: .block,
                            observed: [.init(path: hostile[2], text: hostile[3], location: location)], bound: hostile[1], unit: hostile[0],
                            notApplicable: hostile[2], findings: [reason], runbook: "docs/<r>.md", location: location)
        var rai = ResponsibleAI(description: hostile[0], primaryUses: hostile, outOfScope: hostile, limitations: hostile,
                                ethicalConsiderations: [.init(name: hostile[1], mitigation: hostile[2])], sensitiveFeatures: hostile)
        rai.sliceTables = [ResponsibleAI.SliceTable(metric: hostile[0], against: "best", bounds: hostile, maxGap: 0.05, minRatio: nil,
                                                    minSupport: nil, rows: hostile.map { name in
            ResponsibleAI.SliceRow(feature: hostile[1], slice: name, group: name, value: 0.8, reference: 0.9, gap: 0.1, ratio: 0.88,
                                   support: 10, withinBounds: false)
        })]
        rai.drift = [ResponsibleAI.DriftFeature(name: hostile[0], bins: hostile, baseline: [1, 2, 3], current: [3, 2, 1],
                                                psi: 0.1, ks: 0.1, withinBounds: true)]
        let lineage = Lineage(dataset: .init(name: hostile[0], version: hostile[1], sha256: hostile[2]), seed: hostile[3],
                              hyperparameters: [.init(hostile[0], hostile[1])], codeCommit: hostile[2], image: hostile[1],
                              artifacts: [.init(path: hostile[0], sha256: hostile[1], sizeBytes: hostile[3], verification: .failed, problem: hostile[2])],
                              run: .init(name: hostile[0], file: hostile[1]))
        let request = RequestDossier(
            name: hostile[0], model: hostile[1], version: hostile[2], from: hostile[3], to: hostile[0], requestedBy: hostile[1],
            justification: hostile.joined(separator: "\n"), status: "open", lineage: lineage,
            incidents: [IncidentEntry(name: hostile[0], file: hostile[1], severity: hostile[2], status: hostile[3], opened: nil,
                                      resolved: nil, summary: hostile[1], versions: hostile, timeline: [])],
            audit: [], responsibleAI: rai,
            runbooks: [.init(path: hostile[0], rules: hostile, text: "# Title <script>x</script>\n\n" + hostile.joined(separator: "\n\n")
                             + "\n\n- [y](javascript:alert(2))\n- [ok](https://example.org/a?b=1&c=2)\n\n```\n<script>\n```\n")],
            bundle: .init(digest: hostile[1], files: hostile), approveCommands: ["policy approve '\(hostile[1])' -m \"…\""])
        return SubjectDossier(result: result, evaluated: hostile[0], policySource: hostile[1], blocking: [reason], warnings: [],
                              rules: [gate], approvals: [], request: request)
    }

    /// Every tag of an HTML text (`<` up to the next `>`).
    static func tags(in html: String) -> [String] {
        var tags: [String] = []
        var rest = Substring(html)
        while let start = rest.firstIndex(of: "<") {
            guard let end = rest[start...].firstIndex(of: ">") else { break }
            tags.append(String(rest[start...end]))
            rest = rest[rest.index(after: end)...]
        }
        return tags
    }

    func assertTextOnly(_ html: String, file: StaticString = #filePath, line: UInt = #line) {
        let tags = Self.tags(in: html).map { $0.lowercased() }
        XCTAssertFalse(tags.contains { $0.hasPrefix("<script") }, "no script element", file: file, line: line)
        XCTAssertFalse(tags.contains { $0.hasPrefix("<img") }, "no img element", file: file, line: line)
        XCTAssertFalse(tags.contains { $0.contains("onerror") }, "no onerror attribute", file: file, line: line)
        XCTAssertFalse(tags.contains { $0.contains("javascript:") }, "no javascript: URL", file: file, line: line)
        for scalar in ["\u{00}", "\u{01}", "\u{1B}", "\u{1F}", "\u{7F}", "\u{2028}"] {
            XCTAssertFalse(html.contains(scalar), "no raw control character \(scalar.unicodeScalars.map(\.value))", file: file, line: line)
        }
        XCTAssertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the script is shown as text", file: file, line: line)
        XCTAssertTrue(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), "the attribute breaker is shown as text", file: file, line: line)
        XCTAssertTrue(html.contains("[x](javascript:alert(1))"), "link syntax in a document is text", file: file, line: line)
        XCTAssertTrue(html.contains("ctl \\u{0}\\u{1}\\u{1B}\\u{1F}\\u{7F}\\u{2028} end"), "control characters shown as escapes", file: file, line: line)
    }

    func testTheRequestPageShowsEveryDocumentStringAsText() {
        let html = RequestPage.html(Self.dossier(), toolVersion: "0.1.0")
        assertTextOnly(html)
        // A runbook's Markdown is rendered, its HTML and javascript: links are not.
        XCTAssertTrue(html.contains("<h4>Title &lt;script&gt;x&lt;/script&gt;</h4>"), html)
        XCTAssertTrue(html.contains("<li>[y](javascript:alert(2))</li>"), "a javascript: link stays text")
        XCTAssertTrue(html.contains("<a href=\"https://example.org/a?b=1&amp;c=2\">ok</a>"), "an https link is kept, escaped")
        XCTAssertTrue(html.contains("<pre><code>&lt;script&gt;</code></pre>"), "code blocks are escaped")
    }

    func testTheOverviewShowsEveryDocumentStringAsText() {
        let overview = Overview(
            evaluated: Self.hostile[0], policySource: Self.hostile[1], verdict: .block,
            models: [.init(name: Self.hostile[0], stages: [.init(stage: Self.hostile[1], version: Self.hostile[2], run: Self.hostile[3],
                                                                 request: Self.hostile[0], commit: "abc", date: Self.hostile[1])])],
            requests: [.init(name: Self.hostile[0], file: Self.hostile[1], model: Self.hostile[2], version: Self.hostile[3], from: nil,
                             to: nil, status: "open", verdict: .block, firstReason: Self.hostile.joined(separator: " "), hasPage: true)],
            openIncidents: [IncidentEntry(name: Self.hostile[0], file: "", severity: Self.hostile[1], status: "open", opened: nil,
                                          resolved: nil, summary: Self.hostile[2], versions: [], timeline: [])],
            pendingApprovals: [.init(request: Self.hostile[0], rule: Self.hostile[1], message: Self.hostile[3])],
            gateChanges: [.init(commit: "a", shortCommit: "a", date: "", author: Self.hostile[0], signer: nil, summary: Self.hostile[1],
                                files: Self.hostile)])
        let html = OverviewPage.html(overview, toolVersion: "0.1.0")
        assertTextOnly(html)
        XCTAssertTrue(html.contains("<a href=\"_script_alert_1___script_.html\">"), "a page name keeps only safe characters")
    }

    func testForgeLinksAreEscapedAndOnlyHTTP() {
        let forge = ForgeLinks(server: "https://github.example", repository: "o/r", commit: "abc", policyCommit: "def",
                               policyDirectories: ["policies/"])
        XCTAssertEqual(forge.url(SourceLocation(file: "runs/a b\".yaml", line: 4, column: 1)),
                       "https://github.example/o/r/blob/abc/runs/a%20b%22.yaml#L4")
        XCTAssertEqual(forge.url(SourceLocation(file: "policies/gate.yaml", line: 9, column: 1)),
                       "https://github.example/o/r/blob/def/policies/gate.yaml#L9", "policies link to the commit they came from")
        XCTAssertNil(HTMLText.safeURL("javascript:alert(1)"))
        XCTAssertNil(HTMLText.safeURL(" JaVaScRiPt:alert(1)"))
        XCTAssertNil(HTMLText.safeURL("data:text/html,x"))
        XCTAssertNil(HTMLText.safeURL("//evil.example/x"))
        XCTAssertEqual(HTMLText.safeURL("../waivers.md"), "../waivers.md")
    }

    func testExplainMarkdownEscapesDocumentStrings() {
        let metadata = ReportMetadata(toolVersion: "0.1.0", evaluated: "w", policySource: "w", policies: [], documentCount: 1)
        let markdown = ExplainReporter.markdown(Self.dossier(), metadata: metadata)
        XCTAssertFalse(markdown.contains("<script"), markdown)
        XCTAssertFalse(markdown.contains("<img"), markdown)
        XCTAssertFalse(markdown.contains("](javascript:"), "no Markdown link survives")
        for scalar in ["\u{00}", "\u{01}", "\u{1B}", "\u{7F}", "\u{2028}"] {
            XCTAssertFalse(markdown.contains(scalar), "no raw control character")
        }
        XCTAssertTrue(markdown.contains("\\[x\\]\\(javascript:alert\\(1\\)\\)"), markdown)
    }
}

/// The pull-request comment links the release dossier when its URL is given.
final class MarkdownDossierLinkTests: XCTestCase {
    func testTheCommentLinksTheDossierOnlyForAnHTTPURL() {
        let metadata = ReportMetadata(toolVersion: "0.1.0", evaluated: "commit abc", policySource: "commit abc", policies: [], documentCount: 0)
        let report = Report(subjects: [])
        let linked = MarkdownReporter(reportURL: "https://github.example/o/r/actions/runs/7#artifacts").render(report, metadata: metadata)
        XCTAssertTrue(linked.contains("[Release dossier](https://github.example/o/r/actions/runs/7#artifacts)"), linked)
        let refused = MarkdownReporter(reportURL: "javascript:alert(1)").render(report, metadata: metadata)
        XCTAssertFalse(refused.contains("Release dossier"), refused)
        XCTAssertFalse(MarkdownReporter().render(report, metadata: metadata).contains("Release dossier"))
    }
}
