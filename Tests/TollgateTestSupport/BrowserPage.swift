import Foundation

/// What a real headless Chromium did with a local HTML file: `scripts/browser-check` (the Chrome
/// DevTools Protocol over a pipe) run through `ProcessRunner`, its JSON decoded.
///
///     let page = try BrowserPage.load(file, screenshot: BrowserPage.screenshotURL("demo-index"),
///                                     selectors: ["svg.slices rect.bar"])
///     XCTAssertEqual(page.consoleErrors.map(\.text), [])
///     XCTAssertEqual(page.requests.map(\.url), [])
///
/// Every request other than the page's own file is blocked before it leaves the browser, and
/// reported. When Chromium is missing `load` throws `BrowserUnavailable` (the browser-check
/// script exits 2); tests turn that into a skip, or a failure when `TOLLGATE_REQUIRE_BROWSER=1`
/// (CI) — see `BrowserPage.requireBrowser`.
public struct BrowserPage: Decodable, Sendable {
    public enum ColorScheme: String, Sendable { case light, dark }
    public enum Media: String, Sendable { case screen, print }

    public struct ConsoleMessage: Decodable, Sendable, CustomStringConvertible {
        /// `error`, `warning`, `info`, `log`, `debug`, …
        public var level: String
        /// `console-api` (console.log and friends) or the browser's log source (`network`, `security`, …).
        public var source: String
        public var text: String
        public var url: String?
        public var description: String { "[\(level) \(source)] \(text)" + (url.map { " (\($0))" } ?? "") }
    }

    public struct Request: Decodable, Sendable, CustomStringConvertible {
        public var url: String
        /// `http`, `https`, `file`, `data`, …
        public var scheme: String
        /// The browser's resource type (`Image`, `Font`, `Stylesheet`, `Script`, …).
        public var type: String?
        /// Whether browser-check stopped it before it left the browser.
        public var blocked: Bool
        public var description: String { "\(type ?? "?") \(url)" }
    }

    public struct PageError: Decodable, Sendable {
        public var text: String?
        public var line: Int?
    }

    public struct Screenshot: Decodable, Sendable {
        public var path: String
        public var bytes: Int
        public var width: Int?
        public var height: Int?
        public var truncated: Bool
    }

    public struct Layout: Decodable, Sendable {
        public var scrollWidth: Int
        public var viewportWidth: Int
        public var contentHeight: Int
        /// The innermost elements reaching past the viewport's right edge (tag.class "text" right=px).
        public var overflowing: [String]
        /// The page is wider than the viewport: a reader scrolls sideways.
        public var overflowsHorizontally: Bool { scrollWidth > viewportWidth }
    }

    public struct Accessibility: Decodable, Sendable {
        public var imagesWithoutAlt: [String?]
        public var svgsWithoutLabel: Int
        public var svgs: Int
        public var tablesWithoutHeaders: Int
        public var tables: Int
        /// `h1 Title`, `h2 Release gate`, … in document order.
        public var headings: [String]
        public var scripts: Int
    }

    public struct LowContrast: Decodable, Sendable, CustomStringConvertible {
        public var text: String
        public var element: String
        public var color: String
        public var background: String
        public var ratio: Double
        public var description: String { "\(element) \"\(text)\": \(color) on \(background), \(ratio):1" }
    }

    public struct Contrast: Decodable, Sendable {
        /// Text elements measured.
        public var checked: Int
        /// Those below WCAG AA (4.5:1; 3:1 for large text), at most 20.
        public var low: [LowContrast]
    }

    public var page: String
    public var browser: String?
    public var loaded: Bool
    public var error: String?
    public var console: [ConsoleMessage]
    public var pageErrors: [PageError]
    public var requests: [Request]
    public var title: String?
    public var lang: String?
    /// The body's rendered text (`innerText`).
    public var text: String?
    /// Matches of each selector asked for; -1 for a selector that does not parse.
    public var counts: [String: Int]?
    /// The rendered text of each element matching each text selector asked for.
    public var texts: [String: [String]?]?
    public var layout: Layout?
    public var accessibility: Accessibility?
    public var contrast: Contrast?
    /// In each SVG, text labels that overlap each other or that a `<line>` crosses.
    public var svgOverlaps: [String]?
    /// `data:` URLs written in the page (inline; not requests).
    public var dataURLs: [String]?
    public var screenshot: Screenshot?
    /// What browser-check printed, for failure messages.
    public var json: String = ""

    enum CodingKeys: String, CodingKey {
        case page, browser, loaded, error, console, pageErrors, requests, title, lang, text, counts, texts,
             layout, accessibility, contrast, svgOverlaps, dataURLs, screenshot
    }

    /// Console messages at level `error` (console.error, failed loads, CSP violations, …).
    public var consoleErrors: [ConsoleMessage] { console.filter { $0.level == "error" } }

    /// Matches of `selector` (it must have been passed in `selectors:`).
    public func count(_ selector: String) -> Int? { counts?[selector] }

    /// The rendered text of the elements matching `selector` (passed in `texts:`).
    public func texts(_ selector: String) -> [String] { (texts?[selector] ?? nil) ?? [] }

    /// The script that drives the browser.
    public static var script: URL { PolicyBinary.projectRoot.appendingPathComponent("scripts/browser-check") }

    /// Where screenshots go: `.build/browser-screenshots/` of the source tree (a CI artifact).
    public static var screenshotDirectory: URL {
        PolicyBinary.projectRoot.appendingPathComponent(".build/browser-screenshots", isDirectory: true)
    }

    /// `.build/browser-screenshots/<name>.png`.
    public static func screenshotURL(_ name: String) -> URL {
        screenshotDirectory.appendingPathComponent(name + ".png")
    }

    /// Opens `file` in headless Chromium.
    ///
    /// - Parameters:
    ///   - screenshot: where to write a full-page PNG (its directory is created).
    ///   - selectors: CSS selectors to count (`counts`).
    ///   - texts: CSS selectors whose elements' rendered text to read (`texts`).
    ///   - width: the viewport's width in CSS pixels (720 is A4's printable width at 96 dpi).
    ///   - pdf: where to write the page printed to PDF (Chromium's print, A4 or Letter by locale).
    ///   - browser: the Chromium executable (default: browser-check's search).
    /// - Throws: `BrowserUnavailable` when Chromium is missing or cannot start (exit 2);
    ///   `TestSupportError` when the page does not load, the check times out, or the output is
    ///   not the JSON expected.
    public static func load(
        _ file: URL, screenshot: URL? = nil, selectors: [String] = [], texts: [String] = [],
        colorScheme: ColorScheme = .light, media: Media = .screen, width: Int = 1280, pdf: URL? = nil,
        browser: String? = nil, timeout: TimeInterval = 60
    ) throws -> BrowserPage {
        var arguments = [script.path, file.path, "--color-scheme", colorScheme.rawValue, "--media", media.rawValue,
                         "--width", String(width), "--timeout", String(Int(timeout))]
        if let screenshot { arguments += ["--screenshot", screenshot.path] }
        if let browser { arguments += ["--browser", browser] }
        if let pdf { arguments += ["--pdf", pdf.path] }
        for selector in selectors { arguments += ["--count", selector] }
        for selector in texts { arguments += ["--text", selector] }
        let output = try ProcessRunner.run("/usr/bin/env", ["python3"] + arguments,
                                           environment: ProcessRunner.inheritedEnvironment(),
                                           timeout: timeout + 30)
        if output.status == 2 { throw BrowserUnavailable(message: output.stderr) }
        if output.status == 127 { throw BrowserUnavailable(message: "python3 is not installed: \(output.stderr)") }
        if output.timedOut { throw TestSupportError("browser-check outlived \(Int(timeout + 30)) s on \(file.path)") }
        var page: BrowserPage
        do {
            page = try JSONDecoder().decode(BrowserPage.self, from: Data(output.stdoutBytes))
        } catch {
            throw TestSupportError("browser-check on \(file.path) exited \(output.status) without its JSON (\(error)):\n"
                                   + output.stdout + output.stderr)
        }
        page.json = output.stdout
        if output.status != 0 || !page.loaded {
            throw TestSupportError("\(file.path) did not load in Chromium: \(page.error ?? "exit \(output.status)")\n"
                                   + output.stderr)
        }
        return page
    }

    /// Whether browser tests must run (`TOLLGATE_REQUIRE_BROWSER=1`, set by .ci/run): then a
    /// missing Chromium fails the test instead of skipping it.
    public static var browserRequired: Bool {
        ProcessInfo.processInfo.environment["TOLLGATE_REQUIRE_BROWSER"] == "1"
    }
}

/// Chromium (or python3) is missing or does not start; `message` says what to install.
public struct BrowserUnavailable: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message.trimmingCharacters(in: .whitespacesAndNewlines) }
}
