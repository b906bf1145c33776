import Foundation
import TollgateTestSupport
import XCTest

/// `policy report`: the release dossier of the DistilOps demo, written as the reviewer opens it.
final class ReportTests: XCTestCase {
    let requestPage = "fraud-student-2.1.0-production.html"
    let run = "runs/fraud-student/run-8812.yaml"

    /// Runs `policy report` into a new directory of the sandbox's scratch area; returns the result and the directory.
    func report(_ demo: GitSandbox, _ arguments: [String], environment: [String: String] = [:]) throws -> (GitSandbox.Result, URL) {
        let output = demo.directory.appendingPathComponent("report-\(UUID().uuidString)")
        let result = try demo.policy(["report"] + arguments + ["--output", output.path], environment: environment)
        return (result, output)
    }

    func page(_ directory: URL, _ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    func testDemoReportBlocksWithTheP95ReasonLocatedAndLinkedToTheForge() throws {
        let demo = try GitSandbox.demo()
        let head = try demo.git("rev-parse", "HEAD")
        let (result, output) = try report(demo, ["--rev", "HEAD"], environment: [
            "GITHUB_SERVER_URL": "https://github.example", "GITHUB_REPOSITORY": "distilops/fraud-models",
        ])
        XCTAssertEqual(result.status, 1, "exit code as check: a request blocks\n\(result.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: output.path).sorted()
        XCTAssertEqual(files, ["fraud-student-2.1.0-production.html", "index.html"], "one page per gated request, and the overview")
        let html = try page(output, requestPage)
        let line = try demo.line(of: "p95Ms: 28.7", in: run)
        let banner = try XCTUnwrap(html.range(of: "<section id=\"verdict\"").map { String(html[$0.lowerBound...]) }?
            .components(separatedBy: "</section>").first)
        XCTAssertTrue(banner.contains("No-ship"), banner)
        XCTAssertTrue(banner.contains("1 blocking reason:"), banner)
        XCTAssertTrue(banner.contains("p95 latency 28.7 ms exceeds 25 ms"), banner)
        XCTAssertTrue(banner.contains("<a href=\"https://github.example/distilops/fraud-models/blob/\(head)/\(run)#L\(line)\"><code>\(run):\(line)</code></a>"),
                      banner)
        XCTAssertEqual(banner.components(separatedBy: "<li>").count - 1, 1, "exactly one blocking reason")
        // The release gate formats values as people read them, passes included.
        XCTAssertTrue(html.contains("28.7 ms"), "p95 in ms")
        XCTAssertTrue(html.contains("≤ 25 ms"), "its bound")
        XCTAssertTrue(html.contains("1.2 %"), "error rate as a percent")
        XCTAssertTrue(html.contains("99.9 %"), "availability as a percent")
        XCTAssertTrue(html.contains("0.6×"), "burn rate as a multiple")
        XCTAssertTrue(html.contains("<code>release-gate/availability</code>"), "passing rules are listed")
        // The approve command and the digest the approvers sign.
        let digest = try demo.policy("digest", "fraud-student-2.1.0-production", "--rev", "HEAD").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(html.contains(digest), "bundle digest \(digest)")
        XCTAssertTrue(html.contains("policy approve fraud-student-2.1.0-production -m &quot;…&quot; --role rai-reviewer"), "approve command")
        // The overview links the request's page and names the champion's merge.
        let index = try page(output, "index.html")
        XCTAssertTrue(index.contains("<a href=\"fraud-student-2.1.0-production.html\">"), index)
        let production = try XCTUnwrap(index.components(separatedBy: "<tr><th scope=\"row\">production</th>").dropFirst().first?
            .components(separatedBy: "</tr>").first, index)
        XCTAssertTrue(production.contains("<td>2.0.0</td>") && production.contains("fraud-student-2.0.0-production"),
                      "production holds the champion 2.0.0, not the blocked 2.1.0 request on the branch: \(production)")
    }

    func testSectionsComeInTheWalkthroughsOrderWithOneH1() throws {
        let demo = try GitSandbox.demo()
        let (_, output) = try report(demo, ["--rev", "HEAD"])
        let html = try page(output, requestPage)
        let order = ["verdict", "gate", "lineage", "incidents", "audit", "rai", "runbooks", "bundle"]
        let positions = try order.map { id in try XCTUnwrap(html.range(of: "<section id=\"\(id)\"")?.lowerBound, id) }
        XCTAssertEqual(positions, positions.sorted(), "sections in the walkthrough's order")
        XCTAssertEqual(html.components(separatedBy: "<h1").count - 1, 1, "one h1")
        // The failing rule's runbook is rendered, not just named.
        XCTAssertTrue(html.contains("<h4>Runbook: p95 / p99 latency above the SLO</h4>"), "runbook heading rendered")
        // Lineage: the artifact's checksum was verified by the lineage rule; the champion is 2.0.0's run.
        XCTAssertTrue(html.contains("<span class=\"outcome verified\">verified</span>"), "artifact checksum verified")
        XCTAssertTrue(html.contains("run-8650 (runs/fraud-student/run-8650.yaml)"), "champion run")
        // The audit shows both approvals with their signer keys.
        let audit = try XCTUnwrap(html.components(separatedBy: "<section id=\"audit\"").last?.components(separatedBy: "</section>").first)
        XCTAssertTrue(audit.contains("bob approved as rai-reviewer, signed by bob (SHA256:"), audit)
        XCTAssertTrue(audit.contains("carol approved as approver, signed by carol (SHA256:"), audit)
    }

    func testPagesAreSelfContainedAndEachChartHasOneBarPerSliceAndBin() throws {
        let demo = try GitSandbox.demo()
        let (_, output) = try report(demo, ["--rev", "HEAD"])
        for name in ["index.html", requestPage] {
            let html = try page(output, name).lowercased()
            XCTAssertFalse(html.contains("<script"), "\(name): no script")
            XCTAssertFalse(html.contains(" src="), "\(name): nothing loaded")
            XCTAssertFalse(html.contains("<link"), "\(name): no stylesheet link")
            XCTAssertFalse(html.contains("url("), "\(name): no CSS url()")
            XCTAssertFalse(html.contains("@import"), "\(name): no CSS import")
            XCTAssertTrue(html.contains("@media print"), "\(name): print styles")
            XCTAssertTrue(html.contains("prefers-color-scheme: dark"), "\(name): dark mode")
        }
        let html = try page(output, requestPage)
        let charts = html.components(separatedBy: "<svg ").dropFirst().map { $0.components(separatedBy: "</svg>")[0] }
        XCTAssertEqual(charts.count, 3, "one slice chart, two drift histograms")
        for chart in charts {
            XCTAssertTrue(chart.contains("role=\"img\""), chart)
            XCTAssertTrue(chart.contains("<title>"), chart)
        }
        XCTAssertEqual(charts[0].components(separatedBy: "<rect ").count - 1, 7, "one bar per slice (7 slices)")
        XCTAssertEqual(charts[1].components(separatedBy: "<rect ").count - 1, 12, "amount_eur: 6 bins, reference and current")
        XCTAssertEqual(charts[2].components(separatedBy: "<rect ").count - 1, 10, "account_age_days: 5 bins, reference and current")
        XCTAssertTrue(charts[0].contains("<title>account-age-lt-90d: accuracy 0.861, gap 0.046"), charts[0])
    }

    func testTheSameRevisionGivesByteIdenticalFiles() throws {
        let demo = try GitSandbox.demo()
        let (first, one) = try report(demo, ["--rev", "HEAD"])
        // Later, from another directory and after the local stores have been written.
        _ = try demo.policy("check")
        let (second, two) = try report(demo, ["--rev", "HEAD"])
        XCTAssertEqual(first.status, second.status)
        for name in ["index.html", requestPage] {
            let a = try Data(contentsOf: one.appendingPathComponent(name)), b = try Data(contentsOf: two.appendingPathComponent(name))
            XCTAssertEqual(a, b, "\(name) differs between two reports of the same revision")
        }
    }

    func testAnUnknownRequestIsExit2AndWritesNothing() throws {
        let demo = try GitSandbox.demo()
        let (result, output) = try report(demo, ["fraud-student-9.9.9-production", "--rev", "HEAD"])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("fraud-student-9.9.9-production"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.path), "nothing is written on exit 2")
    }

    func testANamedRequestGetsAPageEvenWhenDecided() throws {
        let demo = try GitSandbox.demo()
        let (result, output) = try report(demo, ["fraud-student-2.0.0-production", "--rev", "HEAD"])
        XCTAssertEqual(result.status, 1, "the verdict is the check's: the open 2.1.0 request still blocks\n\(result.stderr)")
        let html = try page(output, "fraud-student-2.0.0-production.html")
        XCTAssertTrue(html.contains("status released"), "the decided request's page says it is released")
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.appendingPathComponent(requestPage).path),
                       "only the named request gets a page")
    }

    // MARK: Hostile strings

    func testStringsFromDocumentsRenderAsTextInTheReportAndInExplain() throws {
        let demo = try GitSandbox.demo()
        let card = "models/fraud-student/card.yaml"
        try demo.edit(card, replacing: "  limitations:\n", with: """
              limitations:
                - "<script>alert(1)</script>"
                - '"><img src=x onerror=alert(1)>'
                - "[x](javascript:alert(1))"
                - "ctl \\x01\\x1f\\x7f\\u2028 end"

            """)
        try demo.edit(run, replacing: "name: region-eu,", with: "name: \"<script>alert(2)</script>\",")
        let runbook = "docs/runbooks/latency-regression.md"
        try demo.write(runbook, try demo.read(runbook) + "\n<script>alert(3)</script>\n\n[click](javascript:alert(4)) and [ok](https://example.org/x)\n")
        let (result, output) = try report(demo, [])
        XCTAssertEqual(result.status, 1, result.stderr)
        let html = try page(output, requestPage)
        let tags = Self.tags(in: html)
        XCTAssertFalse(tags.contains { $0.lowercased().hasPrefix("<script") }, "no script element")
        XCTAssertFalse(tags.contains { $0.lowercased().contains("onerror") }, "no onerror attribute")
        XCTAssertFalse(tags.contains { $0.lowercased().contains("javascript:") }, "no javascript: URL in any tag")
        XCTAssertFalse(tags.contains { $0.lowercased().hasPrefix("<img") }, "no img element")
        XCTAssertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the card's text is shown as text")
        XCTAssertTrue(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), "the attribute breaker is shown as text")
        XCTAssertTrue(html.contains("[x](javascript:alert(1))"), "Markdown link syntax in a document is plain text")
        XCTAssertTrue(html.contains("&lt;script&gt;alert(2)&lt;/script&gt;"), "a slice name is shown as text (table and chart)")
        XCTAssertTrue(html.contains("&lt;script&gt;alert(3)&lt;/script&gt;"), "raw HTML in a runbook is shown as text")
        XCTAssertTrue(html.contains("[click](javascript:alert(4))"), "a javascript: link in a runbook is shown as its text")
        XCTAssertTrue(html.contains("<a href=\"https://example.org/x\">ok</a>"), "an https link in a runbook stays a link")
        for scalar in ["\u{01}", "\u{1F}", "\u{7F}", "\u{2028}"] {
            XCTAssertFalse(html.contains(scalar), "control character U+\(String(scalar.unicodeScalars.first!.value, radix: 16)) is not in the page raw")
        }
        XCTAssertTrue(html.contains("ctl \\u{1}\\u{1F}\\u{7F}\\u{2028} end"), "control characters are shown as escapes")

        let markdown = try demo.policy("explain", "fraud-student-2.1.0-production", "--format", "markdown")
        XCTAssertEqual(markdown.status, 0, markdown.stderr)
        XCTAssertFalse(markdown.stdout.contains("<script"), markdown.stdout)
        XCTAssertFalse(markdown.stdout.contains("](javascript:"), "no Markdown link to javascript:")
        let json = try demo.policy("explain", "fraud-student-2.1.0-production", "--format", "json")
        let object = try json.json()
        let request = try XCTUnwrap(object["request"] as? [String: Any])
        let rai = try XCTUnwrap(request["responsibleAI"] as? [String: Any])
        XCTAssertEqual((rai["limitations"] as? [String])?.first, "<script>alert(1)</script>", "JSON keeps the text as it is, escaped by JSON")
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

    // MARK: explain formats

    func testExplainJSONAndMarkdownShareTheReportsModel() throws {
        let demo = try GitSandbox.demo()
        let text = try demo.policy("explain", "fraud-student-2.1.0-production")
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("release-gate/p95-latency  BLOCK"), "text output as before")
        let json = try demo.policy("explain", "fraud-student-2.1.0-production", "--format", "json").json()
        XCTAssertEqual(json["schemaVersion"] as? String, "tollgate.dev/explain/v1")
        XCTAssertEqual(json["verdict"] as? String, "block")
        let blocking = try XCTUnwrap(json["blocking"] as? [[String: Any]])
        XCTAssertEqual(blocking.count, 1)
        XCTAssertEqual(blocking.first?["message"] as? String, "p95 latency 28.7 ms exceeds 25 ms")
        let rules = try XCTUnwrap(json["rules"] as? [[String: Any]])
        let p95 = try XCTUnwrap(rules.first { $0["id"] as? String == "release-gate/p95-latency" })
        XCTAssertEqual(p95["bound"] as? String, "≤ 25 ms")
        XCTAssertEqual((p95["observed"] as? [[String: Any]])?.first?["value"] as? String, "28.7 ms")
        let request = try XCTUnwrap(json["request"] as? [String: Any])
        XCTAssertEqual((request["audit"] as? [Any])?.isEmpty, false, "the audit trail is part of the model")
        let markdown = try demo.policy("explain", "fraud-student-2.1.0-production", "--format", "markdown")
        XCTAssertTrue(markdown.stdout.contains("## Blocking reasons"), markdown.stdout)
        XCTAssertTrue(markdown.stdout.contains("p95 latency 28.7 ms exceeds 25 ms"), markdown.stdout)
    }

    func testTheMarkdownCommentLinksTheDossierGivenByFlagOrEnvironment() throws {
        let demo = try GitSandbox.demo()
        let url = "https://github.example/distilops/fraud-models/actions/runs/42/artifacts/7"
        let flag = try demo.policy("check", "--rev", "HEAD", "--format", "markdown", "--report-url", url)
        XCTAssertEqual(flag.status, 1, flag.stderr)
        XCTAssertTrue(flag.stdout.contains("📄 [Release dossier](\(url))"), flag.stdout)
        let environment = try demo.policy("check", "--rev", "HEAD", "--format", "markdown", environment: ["TOLLGATE_REPORT_URL": url])
        XCTAssertTrue(environment.stdout.contains("[Release dossier](\(url))"), environment.stdout)
        let none = try demo.policy("check", "--rev", "HEAD", "--format", "markdown")
        XCTAssertFalse(none.stdout.contains("Release dossier"), "no link without a URL")
    }

    // MARK: Golden

    /// The demo's pages, held to committed golden files. The demo's commit ids and key
    /// fingerprints change with every materialisation (fresh keys, fresh signatures): they are
    /// replaced by placeholders numbered in history order before comparing. Regenerate with
    /// TOLLGATE_UPDATE_GOLDEN=1.
    func testDemoPagesMatchTheGoldenFiles() throws {
        let demo = try GitSandbox.demo()
        let (result, output) = try report(demo, ["--rev", "HEAD"])
        XCTAssertEqual(result.status, 1, result.stderr)
        let commits = try demo.git("rev-list", "--reverse", "--topo-order", "--branches").split(separator: "\n").map(String.init)
        let digest = try demo.policy("digest", "fraud-student-2.1.0-production", "--rev", "HEAD").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let golden = PolicyBinary.projectRoot.appendingPathComponent("Tests/PolicyCLITests/Golden")
        for (name, goldenName) in [("index.html", "demo-index.html"), (requestPage, "demo-request.html")] {
            let actual = Self.normalised(try page(output, name), commits: commits, digest: digest)
            let file = golden.appendingPathComponent(goldenName)
            if ProcessInfo.processInfo.environment["TOLLGATE_UPDATE_GOLDEN"] == "1" {
                try FileManager.default.createDirectory(at: golden, withIntermediateDirectories: true)
                try actual.write(to: file, atomically: true, encoding: .utf8)
                continue
            }
            let expected = try String(contentsOf: file, encoding: .utf8)
            if actual != expected {
                let a = actual.components(separatedBy: "\n"), e = expected.components(separatedBy: "\n")
                let first = zip(a, e).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, e.count)
                XCTFail("\(name) differs from \(goldenName) at line \(first + 1):\n  actual:   \(first < a.count ? a[first] : "<end>")\n  expected: \(first < e.count ? e[first] : "<end>")\n(regenerate on purpose with TOLLGATE_UPDATE_GOLDEN=1)")
            }
        }
    }

    static func normalised(_ html: String, commits: [String], digest: String) -> String {
        var text = html.replacingOccurrences(of: digest, with: "sha256:<bundle-digest>")
        for (index, commit) in commits.enumerated() {
            text = text.replacingOccurrences(of: commit, with: "<commit-\(index + 1)>")
        }
        for (index, commit) in commits.enumerated() {
            text = Self.replacingWord(String(commit.prefix(7)), with: "<c\(index + 1)>", in: text)
        }
        // SSH key fingerprints, numbered in order of first appearance.
        let pattern = try! NSRegularExpression(pattern: "SHA256:[A-Za-z0-9+/]{43}")
        var keys: [String: String] = [:]
        for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            let key = String(text[Range(match.range, in: text)!])
            if keys[key] == nil { keys[key] = "<key-\(keys.count + 1)>" }
        }
        for (key, placeholder) in keys { text = text.replacingOccurrences(of: key, with: placeholder) }
        return text
    }

    /// Replaces `word` where it is not part of a longer run of hex digits.
    static func replacingWord(_ word: String, with replacement: String, in text: String) -> String {
        let pattern = try! NSRegularExpression(pattern: "(?<![0-9a-f])\(word)(?![0-9a-f])")
        return pattern.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text),
                                                withTemplate: NSRegularExpression.escapedTemplate(for: replacement))
    }
}
