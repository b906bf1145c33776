import Foundation
import TollgateTestSupport
import XCTest

/// The browser harness itself (`scripts/browser-check` through `BrowserPage`): each kind of
/// problem a dossier page could have is reported as such, and a clean page reports none. If
/// these pass, "no console error, no request" in the dossier tests means something.
final class BrowserHarnessTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("browser-harness-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func page(_ name: String, _ body: String, head: String = "") throws -> URL {
        let url = directory.appendingPathComponent(name)
        let html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>\(name)</title>\(head)</head>
            <body>\(body)</body></html>
            """
        try Data(html.utf8).write(to: url)
        return url
    }

    func testACleanPageReportsNothingAndItsScreenshotIsAPNG() throws {
        let file = try page("clean.html", """
            <h1>Release gate</h1><p id="verdict">p95 latency 28.7 ms exceeds 25 ms</p>
            <svg class="slices" width="120" height="40" role="img"><title>slices</title>
              <rect class="bar" x="0" width="10" height="30"/><rect class="bar" x="20" width="10" height="20"/>
              <rect class="bar" x="40" width="10" height="10"/></svg>
            """, head: "<style>body { font-family: sans-serif } .bar { fill: #246 }</style>")
        let screenshot = BrowserPage.screenshotURL("harness-clean")
        try? FileManager.default.removeItem(at: screenshot)
        let page = try openInBrowser(file, screenshot: screenshot, selectors: ["svg.slices rect.bar", "svg.drift rect"],
                                     texts: ["#verdict"])
        XCTAssertEqual(page.console.map(\.description), [], page.json)
        XCTAssertEqual(page.pageErrors.count, 0, page.json)
        XCTAssertEqual(page.requests.map(\.description), [], page.json)
        XCTAssertEqual(page.count("svg.slices rect.bar"), 3)
        XCTAssertEqual(page.count("svg.drift rect"), 0)
        XCTAssertEqual(page.texts("#verdict"), ["p95 latency 28.7 ms exceeds 25 ms"])
        XCTAssertTrue(page.text?.contains("Release gate") == true, page.json)
        XCTAssertEqual(page.accessibility?.headings, ["h1 Release gate"])
        XCTAssertEqual(page.accessibility?.svgsWithoutLabel, 0)
        XCTAssertEqual(page.contrast?.low.map(\.description), [])
        XCTAssertEqual(page.svgOverlaps, [])

        let png = try Data(contentsOf: screenshot)
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "a PNG")
        XCTAssertGreaterThan(png.count, 1000)
        XCTAssertEqual(page.screenshot?.bytes, png.count)
        XCTAssertEqual(page.screenshot?.width, 1280)
    }

    func testAConsoleErrorAndAnUncaughtExceptionAreReported() throws {
        let file = try page("error.html", """
            <p>text</p><script>console.error("chart data missing", 3); console.log("fine");
            throw new TypeError("slices is undefined")</script>
            """)
        let page = try openInBrowser(file)
        XCTAssertEqual(page.consoleErrors.map(\.text), ["chart data missing 3"], page.json)
        XCTAssertEqual(page.console.filter { $0.level == "log" }.map(\.text), ["fine"])
        XCTAssertEqual(page.pageErrors.count, 1, page.json)
        XCTAssertTrue(page.pageErrors.first?.text?.contains("TypeError: slices is undefined") == true, page.json)
        XCTAssertEqual(page.accessibility?.scripts, 1)
        XCTAssertEqual(page.requests.count, 0)
    }

    func testAnExternalImageAndFontAreReportedAndBlocked() throws {
        let file = try page("external.html", """
            <p style="font-family: Remote">text</p><img src="http://example.invalid/x.png" alt="remote">
            """, head: "<style>@font-face { font-family: Remote; src: url(https://example.invalid/f.woff2) }</style>")
        let page = try openInBrowser(file)
        let requests = page.requests.sorted { $0.url < $1.url }
        XCTAssertEqual(requests.map(\.url), ["http://example.invalid/x.png", "https://example.invalid/f.woff2"], page.json)
        XCTAssertEqual(requests.map(\.type), ["Image", "Font"])
        XCTAssertTrue(requests.allSatisfy(\.blocked), "stopped before the network")
        XCTAssertEqual(Set(page.consoleErrors.compactMap(\.url)), Set(requests.map(\.url)), "each is a failed load")
    }

    func testLoadingAnotherLocalFileIsARequest() throws {
        try Data([0x89, 0x50, 0x4E, 0x47]).write(to: directory.appendingPathComponent("chart.png"))
        try Data("p { color: red }".utf8).write(to: directory.appendingPathComponent("style.css"))
        let file = try page("local.html", #"<p>text</p><img src="chart.png" alt="chart">"#,
                            head: #"<link rel="stylesheet" href="style.css">"#)
        let page = try openInBrowser(file)
        let urls = page.requests.map(\.url).sorted()
        XCTAssertEqual(urls, [directory.appendingPathComponent("chart.png").absoluteString,
                              directory.appendingPathComponent("style.css").absoluteString].sorted(), page.json)
        XCTAssertEqual(Set(page.requests.map(\.scheme)), ["file"])
    }

    func testDarkModeAndPrintAreEmulated() throws {
        let file = try page("media.html", """
            <p class="light">light scheme</p><p class="dark">dark scheme</p><p class="screen">screen only</p>
            """, head: """
            <style>.dark { display: none } @media (prefers-color-scheme: dark) { .dark { display: block } .light { display: none } }
            @media print { .screen { display: none } }</style>
            """)
        let light = try openInBrowser(file)
        XCTAssertEqual(light.text?.components(separatedBy: "\n").filter { !$0.isEmpty }, ["light scheme", "screen only"])
        let dark = try openInBrowser(file, colorScheme: .dark, screenshot: BrowserPage.screenshotURL("harness-dark"))
        XCTAssertEqual(dark.text?.components(separatedBy: "\n").filter { !$0.isEmpty }, ["dark scheme", "screen only"])
        let print = try openInBrowser(file, media: .print)
        XCTAssertEqual(print.text?.components(separatedBy: "\n").filter { !$0.isEmpty }, ["light scheme"])
    }

    func testLowContrastTextAndHorizontalOverflowAreMeasured() throws {
        let file = try page("contrast.html", """
            <p class="faint">faint</p><p>readable</p><div style="width: 3000px">wide table</div>
            """, head: "<style>.faint { color: #bbb } body { background: #fff; color: #222 }</style>")
        let page = try openInBrowser(file, screenshot: BrowserPage.screenshotURL("harness-contrast"))
        XCTAssertEqual(page.contrast?.low.map(\.text), ["faint"], page.json)
        XCTAssertEqual(page.contrast?.low.first?.ratio ?? 0, 1.92, accuracy: 0.01)
        XCTAssertEqual(page.layout?.overflowsHorizontally, true)
        XCTAssertGreaterThan(page.screenshot?.width ?? 0, 3000, "the full page, not the viewport")
    }

    func testChartLabelsDrawnOverEachOtherOrCrossedByALineAreReported() throws {
        let file = try page("labels.html", """
            <svg width="300" height="60" role="img" aria-label="bins"><title>bins</title>
              <text x="10" y="20" font-size="12">500–1000</text><text x="40" y="20" font-size="12">1000–5000</text>
              <text x="150" y="50" font-size="12">0.861</text><line x1="160" x2="160" y1="35" y2="55" stroke="black"/>
              <text x="220" y="50" font-size="12">0.9</text></svg>
            """)
        let page = try openInBrowser(file)
        XCTAssertEqual(page.svgOverlaps, ["bins: \"500–1000\" overlaps \"1000–5000\"", "bins: a line crosses \"0.861\""], page.json)
    }

    func testAMissingBrowserIsExitTwoWithWhatToInstall() throws {
        let file = try page("any.html", "<p>x</p>")
        let output = try ProcessRunner.run(
            "/usr/bin/env", ["python3", BrowserPage.script.path, file.path],
            environment: ProcessRunner.inheritedEnvironment(overriding: ["BROWSER_CHECK_CHROMIUM": "/nonexistent/chromium"]),
            timeout: 60)
        XCTAssertEqual(output.status, 2, output.stderr)
        XCTAssertEqual(output.stdout, "")
        XCTAssertTrue(output.stderr.contains("/nonexistent/chromium"), output.stderr)
        XCTAssertThrowsError(try BrowserPage.load(file, browser: "/nonexistent/chromium", timeout: 10)) { error in
            XCTAssertTrue(error is BrowserUnavailable, "\(error)")
        }
    }
}

extension XCTestCase {
    /// `BrowserPage.load`, skipping the test when Chromium is missing, unless
    /// `TOLLGATE_REQUIRE_BROWSER=1` (CI), where that fails it.
    func openInBrowser(
        _ file: URL, colorScheme: BrowserPage.ColorScheme = .light, media: BrowserPage.Media = .screen,
        width: Int = 1280, screenshot: URL? = nil, pdf: URL? = nil, selectors: [String] = [], texts: [String] = []
    ) throws -> BrowserPage {
        do {
            return try BrowserPage.load(file, screenshot: screenshot, selectors: selectors, texts: texts,
                                        colorScheme: colorScheme, media: media, width: width, pdf: pdf)
        } catch let unavailable as BrowserUnavailable {
            if BrowserPage.browserRequired {
                throw TestSupportError("TOLLGATE_REQUIRE_BROWSER=1 but: \(unavailable)")
            }
            throw XCTSkip("no headless Chromium (scripts/setup installs it): \(unavailable)")
        }
    }
}
