@testable import Reporters
import XCTest

/// Runbooks rendered into the dossier: their lists keep their structure, and their links lead
/// somewhere from the report's directory or are shown as text.
final class RunbookMarkdownTests: XCTestCase {
    func testAnItemsIndentedSubListStaysInsideItAndTheNumberingGoesOn() {
        let html = MarkdownHTML.render("""
            1. Confirm the value
            2. Check the measurement:
               - `window` at least 7 days, so it covers weekly
                 peaks.
               - Traffic at production shape.
            3. Read the shape.
            """)
        XCTAssertEqual(html, "<ol><li>Confirm the value</li><li>Check the measurement:<ul><li><code>window</code> at least 7 days, so it covers weekly peaks.</li><li>Traffic at production shape.</li></ul></li><li>Read the shape.</li></ol>")
    }

    func testRelativeLinksLeadToTheForgeAtTheCheckedCommitOrAreText() {
        let forge = ForgeLinks(server: "https://github.com", repository: "acme/models", commit: "abc123",
                               policyCommit: "def456", policyDirectories: ["policies/"])
        let links = RunbookLinks(runbook: "docs/runbooks/latency-regression.md", forge: forge)
        XCTAssertEqual(links.href("waivers.md"), "https://github.com/acme/models/blob/abc123/docs/runbooks/waivers.md")
        XCTAssertEqual(links.href("../ci.md#gitlab-ci"), "https://github.com/acme/models/blob/abc123/docs/ci.md#gitlab-ci")
        XCTAssertEqual(links.href("../../policies/release-gate.yaml"), "https://github.com/acme/models/blob/def456/policies/release-gate.yaml")
        XCTAssertEqual(links.href("https://onnxruntime.ai/docs"), "https://onnxruntime.ai/docs")
        XCTAssertNil(links.href("../../../outside.md"), "a path that leaves the repository")
        XCTAssertNil(links.href("/etc/passwd"))
        XCTAssertNil(links.href("#2-profile"), "an anchor of the runbook's own file means nothing on the report page")

        let rendered = MarkdownHTML.render("See [the waivers](waivers.md) and [ORT](https://onnxruntime.ai/docs).", link: links.href)
        XCTAssertEqual(rendered, "<p>See <a href=\"https://github.com/acme/models/blob/abc123/docs/runbooks/waivers.md\">the waivers</a> and <a href=\"https://onnxruntime.ai/docs\">ORT</a>.</p>")

        // Without a forge (a local report, the working tree): no dead relative link, the text stays.
        let local = RunbookLinks(runbook: "docs/runbooks/latency-regression.md", forge: nil)
        XCTAssertEqual(MarkdownHTML.render("See [the waivers](waivers.md).", link: local.href), "<p>See [the waivers](waivers.md).</p>")
        XCTAssertEqual(MarkdownHTML.render("[x](javascript:alert(1))", link: local.href), "<p>[x](javascript:alert(1))</p>")
    }
}
