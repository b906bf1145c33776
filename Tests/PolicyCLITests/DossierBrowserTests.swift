import Foundation
import TollgateTestSupport
import XCTest

/// The release dossier (`policy report`) as a reviewer's browser shows it: the demo's and the
/// gallery's reports opened in a real headless Chromium (`BrowserPage`, scripts/browser-check).
/// Every page loads with no console error, no exception and no request; the verdict banner
/// shows every blocking reason with its value and location as `policy check` reports them; each
/// chart is an SVG with one bar per slice and per drift bin of the run's YAML, counted by an
/// independent reader (PyYAML). Each page's full-page screenshot is written to
/// `.build/browser-screenshots/dossier-*.png` (light; the demo's also dark and print) for a
/// person to look at.
final class DossierBrowserTests: XCTestCase {
    let demoRequest = "fraud-student-2.1.0-production"
    let demoRun = "runs/fraud-student/run-8812.yaml"

    func testDemoRequestPageShowsTheP95ReasonInTheBannerWithNoErrorNoRequestAndOneBarPerSliceAndBin() throws {
        let demo = try GitSandbox.demo()
        let output = try renderReport(demo)
        let line = try demo.line(of: "p95Ms: 28.7", in: demoRun)
        let page = try open(output, demoRequest, screenshot: "dossier-demo-\(demoRequest)")
        assertClean(page)

        let banner = try XCTUnwrap(page.texts("#verdict").first, page.json)
        XCTAssertTrue(banner.contains("No-ship"), banner)
        XCTAssertTrue(banner.contains("1 blocking reason"), banner)
        XCTAssertTrue(banner.contains("p95"), banner)
        XCTAssertTrue(banner.contains("28.7"), banner)
        XCTAssertTrue(banner.contains("\(demoRun):\(line) release-gate/p95-latency: p95 latency 28.7 ms exceeds 25 ms"), banner)
        XCTAssertEqual(page.count("#verdict ul.reasons li"), 1, "exactly one blocking reason")

        try assertChartsMatchTheRun(page, demo, request: demoRequest)
        XCTAssertEqual(page.count("#rai svg.chart rect.bar"), 7, "the demo's seven slices")
        XCTAssertEqual(page.count("#rai svg.chart rect.reference"), 11, "6 amount bins + 5 account-age bins")
    }

    func testDemoOverviewLoadsCleanLinksTheBlockedRequestAndShowsTheChampionInProduction() throws {
        let demo = try GitSandbox.demo()
        let output = try renderReport(demo)
        let page = try open(output, "index", screenshot: "dossier-demo-index",
                            texts: ["a[href='\(demoRequest).html']"])
        assertClean(page)
        XCTAssertEqual(page.texts("a[href='\(demoRequest).html']"), [demoRequest], page.json)
        let text = try XCTUnwrap(page.text)
        XCTAssertTrue(text.contains("p95 latency 28.7 ms exceeds 25 ms"), "the open request's first blocking reason:\n\(text)")
        // Production holds the champion, 2.0.0, not the blocked 2.1.0 request (rendered table rows: cells by tabs).
        XCTAssertTrue(text.contains("\nproduction\t2.0.0\trun-8650\tfraud-student-2.0.0-production\t"), text)
        XCTAssertTrue(text.contains("\nstaging\t2.1.0\trun-8812\tfraud-student-2.1.0-staging\t"), text)
    }

    /// Dark mode and print (also printed from a system in dark mode), the other ways a reviewer
    /// reads the page: each renders, stays readable (WCAG AA contrast of every text element) and
    /// loses nothing of the verdict.
    func testDemoRequestPageInDarkModeAndInPrintKeepsTheVerdictAndItsContrast() throws {
        let demo = try GitSandbox.demo()
        let output = try renderReport(demo)
        let file = output.appendingPathComponent("\(demoRequest).html")
        let light = try openInBrowser(file, texts: ["#verdict"])
        let dark = try openInBrowser(file, colorScheme: .dark,
                                     screenshot: BrowserPage.screenshotURL("dossier-demo-\(demoRequest)-dark"),
                                     selectors: Self.selectors, texts: ["#verdict"])
        assertClean(dark, "dark")
        XCTAssertEqual(dark.texts("#verdict"), light.texts("#verdict"))
        XCTAssertEqual(dark.count("#rai svg.chart rect.bar"), 7)
        XCTAssertNotEqual(dark.contrast?.checked ?? 0, 0)

        // Print at A4's printable width (720 CSS px); the PDF Chromium prints is kept beside the screenshots.
        let pdf = BrowserPage.screenshotDirectory.appendingPathComponent("dossier-demo-\(demoRequest).pdf")
        let print = try openInBrowser(file, media: .print, width: 720,
                                      screenshot: BrowserPage.screenshotURL("dossier-demo-\(demoRequest)-print"),
                                      pdf: pdf, selectors: Self.selectors, texts: ["#verdict"])
        assertClean(print, "print", width: 720)
        XCTAssertEqual(print.texts("#verdict"), light.texts("#verdict"))
        XCTAssertEqual(Array(try Data(contentsOf: pdf).prefix(5)), Array("%PDF-".utf8))
        // The table of contents is not printed: its entries appear once (as headings), not twice.
        let occurrences = { (page: BrowserPage) in (page.text ?? "").components(separatedBy: "Bundle and approval").count - 1 }
        XCTAssertEqual(occurrences(light), 2, light.text ?? "")
        XCTAssertEqual(occurrences(print), 1, print.text ?? "")
        // Printed by a reader whose system is in dark mode: the print colours, not the dark ones.
        let printDark = try openInBrowser(file, colorScheme: .dark, media: .print, width: 720,
                                          screenshot: BrowserPage.screenshotURL("dossier-demo-\(demoRequest)-print-dark"),
                                          selectors: Self.selectors, texts: ["#verdict"])
        assertClean(printDark, "print in dark mode", width: 720)
        XCTAssertEqual(printDark.texts("#verdict"), light.texts("#verdict"))
    }

    func testEveryGalleryPageLoadsCleanWithEachBlockingReasonInItsBannerAndOneBarPerSliceAndBin() throws {
        let gallery = try GitSandbox.gallery()
        let output = try renderReport(gallery)
        let check = try gallery.policy("check", "--rev", "HEAD", "--format", "json").json()
        let subjects = try XCTUnwrap(check["subjects"] as? [[String: Any]])
        let pages = try FileManager.default.contentsOfDirectory(atPath: output.path)
            .filter { $0.hasSuffix(".html") }.map { String($0.dropLast(5)) }.sorted()
        XCTAssertEqual(pages.count, 6, "the overview and the five open requests: \(pages)")

        for name in pages {
            let page = try open(output, name, screenshot: "dossier-gallery-\(name)")
            assertClean(page, name)
            if name == "index" { continue }
            let subject = try XCTUnwrap(subjects.first { $0["kind"] as? String == "PromotionRequest" && $0["name"] as? String == name },
                                        "\(name) is a request policy check knows")
            let banner = try XCTUnwrap(page.texts("#verdict").first, name)
            let blocking = (subject["rules"] as? [[String: Any]] ?? []).flatMap { rule in
                (rule["findings"] as? [[String: Any]] ?? []).filter { $0["severity"] as? String == "block" }
                    .map { (rule["id"] as? String ?? "", $0) }
            }
            if subject["verdict"] as? String == "pass" {
                XCTAssertTrue(banner.contains("Ship"), "\(name): \(banner)")
                XCTAssertFalse(banner.contains("No-ship"), "\(name): \(banner)")
            } else {
                XCTAssertTrue(banner.contains("No-ship"), "\(name): \(banner)")
                XCTAssertFalse(blocking.isEmpty, name)
            }
            XCTAssertEqual(page.count("#verdict ul.reasons li"), blocking.count, "\(name): one item per blocking reason")
            for (rule, finding) in blocking {
                let message = try XCTUnwrap(finding["message"] as? String)
                let location = finding["location"] as? [String: Any]
                let located = location.map { "\($0["file"] ?? ""):\($0["line"] ?? "") " } ?? ""
                XCTAssertTrue(banner.contains("\(located)\(rule): \(message)"),
                              "\(name): \(located)\(rule): \(message)\nnot in the banner:\n\(banner)")
            }
            try assertChartsMatchTheRun(page, gallery, request: name)
        }
    }

    // MARK: helpers

    /// `policy report --rev HEAD --output DIR` into a new directory; exit 1 (a request blocks).
    private func renderReport(_ sandbox: GitSandbox) throws -> URL {
        let output = sandbox.directory.appendingPathComponent("dossier-\(UUID().uuidString)")
        let result = try sandbox.policy("report", "--rev", "HEAD", "--output", output.path)
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: output.appendingPathComponent("index.html").path),
                      result.stderr)
        return output
    }

    /// The page `name`.html in Chromium, with the counts and texts the assertions read.
    private func open(_ output: URL, _ name: String, screenshot: String, texts: [String] = []) throws -> BrowserPage {
        let file = output.appendingPathComponent("\(name).html")
        let shot = BrowserPage.screenshotURL(screenshot)
        try? FileManager.default.removeItem(at: shot)
        let page = try openInBrowser(file, screenshot: shot, selectors: Self.selectors, texts: ["#verdict"] + texts)
        let png = try Data(contentsOf: shot)
        XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47], "\(shot.path) is a PNG")
        XCTAssertGreaterThan(page.screenshot?.height ?? 0, 600, "a full-page screenshot of \(name)")
        return page
    }

    static let selectors = ["#verdict ul.reasons li", "#rai svg.chart rect.bar", "#rai svg.chart rect.reference",
                            "#rai svg.chart rect.current", "svg", "h1"]

    /// What every page must be: no console error, no exception, no request, no script, one h1,
    /// labelled charts with no label drawn over another, tables with headers, readable contrast,
    /// no sideways scrolling.
    private func assertClean(_ page: BrowserPage, _ name: String = "", width: Int = 1280,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(page.consoleErrors.map(\.description), [], "\(name) console errors", file: file, line: line)
        XCTAssertEqual(page.pageErrors.compactMap(\.text), [], "\(name) page errors", file: file, line: line)
        XCTAssertEqual(page.requests.map(\.description), [], "\(name) requests", file: file, line: line)
        XCTAssertEqual(page.dataURLs ?? [], [], "\(name) embeds no data: URL either", file: file, line: line)
        XCTAssertEqual(page.accessibility?.scripts, 0, "\(name) needs no JavaScript", file: file, line: line)
        XCTAssertEqual(page.count("h1"), 1, "\(name) has one h1", file: file, line: line)
        XCTAssertEqual(page.accessibility?.svgsWithoutLabel, 0, "\(name) every chart has a title", file: file, line: line)
        XCTAssertEqual(page.accessibility?.imagesWithoutAlt.count, 0, "\(name) images have alt text", file: file, line: line)
        XCTAssertEqual(page.accessibility?.tablesWithoutHeaders, 0, "\(name) tables have headers", file: file, line: line)
        XCTAssertEqual(page.contrast?.low.map(\.description), [], "\(name) text contrast (WCAG AA)", file: file, line: line)
        XCTAssertEqual(page.svgOverlaps, [], "\(name) chart labels drawn over each other or crossed by a line", file: file, line: line)
        XCTAssertEqual(page.layout?.overflowsHorizontally, false, "\(name) no sideways scrolling at \(width) px: \(page.layout?.overflowing ?? [])", file: file, line: line)
        XCTAssertFalse(page.title?.isEmpty ?? true, "\(name) has a title", file: file, line: line)
        XCTAssertNotNil(page.lang, "\(name) declares its language", file: file, line: line)
    }

    /// One bar per slice of the request's run, one reference and one current bar per drift bin,
    /// counted from the YAML by PyYAML.
    private func assertChartsMatchTheRun(_ page: BrowserPage, _ sandbox: GitSandbox, request: String,
                                         file: StaticString = #filePath, line: UInt = #line) throws {
        let expected = try runShape(sandbox, request: request)
        XCTAssertEqual(page.count("#rai svg.chart rect.bar"), expected.slices, "\(request): one bar per slice", file: file, line: line)
        XCTAssertEqual(page.count("#rai svg.chart rect.reference"), expected.bins, "\(request): one reference bar per bin", file: file, line: line)
        XCTAssertEqual(page.count("#rai svg.chart rect.current"), expected.bins, "\(request): one current bar per bin", file: file, line: line)
        XCTAssertEqual(page.count("svg"), (expected.slices > 0 ? 1 : 0) + expected.features,
                       "\(request): a slice chart and one drift chart per feature", file: file, line: line)
    }

    /// The request's run read by PyYAML: its number of slices, of drift features, and of drift
    /// bins over all features (a feature's bins: the shorter of its baseline and current counts).
    private func runShape(_ sandbox: GitSandbox, request: String) throws -> (slices: Int, features: Int, bins: Int) {
        let script = """
            import json, os, sys, yaml
            root, request = sys.argv[1], sys.argv[2]
            docs = []
            for directory, subdirectories, files in os.walk(root):
                subdirectories[:] = [d for d in subdirectories if not d.startswith('.')]
                for name in files:
                    if name.endswith(('.yaml', '.yml')):
                        with open(os.path.join(directory, name)) as f:
                            try:
                                docs += [d for d in yaml.safe_load_all(f) if isinstance(d, dict)]
                            except yaml.YAMLError:
                                pass
            def find(kind, name):
                return next(d for d in docs if d.get('kind') == kind and (d.get('metadata') or {}).get('name') == name)
            run = find('RunManifest', find('PromotionRequest', request)['spec']['run'])['spec']
            features = (run.get('drift') or {}).get('features') or []
            print(json.dumps({'slices': len(run.get('slices') or []), 'features': len(features),
                              'bins': sum(min(len(f['baseline']), len(f['current'])) for f in features)}))
            """
        let output = try ProcessRunner.run("/usr/bin/env", ["python3", "-c", script, sandbox.directory.path, request],
                                           timeout: 60)
        guard output.status == 0, let shape = try JSONSerialization.jsonObject(with: Data(output.stdoutBytes)) as? [String: Int],
              let slices = shape["slices"], let features = shape["features"], let bins = shape["bins"] else {
            throw TestSupportError("reading \(request)'s run with PyYAML failed (scripts/setup installs PyYAML):\n\(output.stderr)")
        }
        return (slices, features, bins)
    }
}
