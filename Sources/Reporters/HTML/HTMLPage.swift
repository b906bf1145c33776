import Documents

/// Where the report links source locations: the blob of a file at a commit on the forge
/// (`$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/blob/<commit>/<path>#L<line>`), when the server
/// and repository are known and the checked state is a commit.
public struct ForgeLinks: Sendable {
    public var server: String
    public var repository: String
    /// The commit whose files are checked; nil for the working tree and the index.
    public var commit: String?
    /// The commit policies come from (the base in range mode), for policy files.
    public var policyCommit: String?
    /// Path prefixes of the policy directories.
    public var policyDirectories: [String]

    public init(server: String, repository: String, commit: String?, policyCommit: String?, policyDirectories: [String]) {
        self.server = server
        self.repository = repository
        self.commit = commit
        self.policyCommit = policyCommit
        self.policyDirectories = policyDirectories
    }

    /// From `GITHUB_SERVER_URL` and `GITHUB_REPOSITORY`; nil unless both are set.
    public static func fromEnvironment(_ environment: [String: String], commit: String?, policyCommit: String?,
                                       policyDirectories: [String]) -> ForgeLinks? {
        guard let server = environment["GITHUB_SERVER_URL"], !server.isEmpty,
              let repository = environment["GITHUB_REPOSITORY"], !repository.isEmpty else { return nil }
        return ForgeLinks(server: server, repository: repository, commit: commit, policyCommit: policyCommit,
                          policyDirectories: policyDirectories)
    }

    /// The blob URL of a location, or nil when no commit holds it.
    public func url(_ location: SourceLocation) -> String? {
        blobURL(location.file).map { "\($0)#L\(location.line)" }
    }

    /// The blob URL of a repository file at the commit it was read from, or nil when no
    /// commit holds it (the working tree, the index).
    public func blobURL(_ file: String) -> String? {
        let isPolicy = policyDirectories.contains { file == $0 || file.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }
        guard let commit = isPolicy ? (policyCommit ?? commit) : commit else { return nil }
        let path = file.split(separator: "/").map { percentEncoded(String($0)) }.joined(separator: "/")
        var base = server
        while base.hasSuffix("/") { base.removeLast() }
        return "\(base)/\(repository)/blob/\(commit)/\(path)"
    }

    func percentEncoded(_ segment: String) -> String {
        var result = ""
        for byte in segment.utf8 {
            let scalar = Unicode.Scalar(byte)
            if (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || "-._~".unicodeScalars.contains(scalar) {
                result.unicodeScalars.append(scalar)
            } else {
                result += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return result
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

/// How a page of the report is laid out: one self-contained file with inline CSS that reads
/// in light and dark mode and in print. No script, no external resource.
enum HTMLPage {
    static func document(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src 'none'">
        <title>\(HTMLText.text(title))</title>
        <style>
        \(css)
        </style>
        </head>
        <body>
        \(body)
        </body>
        </html>

        """
    }

    static let css = """
    :root { color-scheme: light dark; --fg: #1b1b1b; --bg: #ffffff; --muted: #4a4a4a; --line: #c8c8c8;
      --block: #a1000f; --block-bg: #fde8e8; --pass: #0b6b2e; --pass-bg: #e6f4ea; --warn: #7a4d00; --warn-bg: #fff4d6;
      --na: #3f4a5a; --link: #0645ad; --bar: #2f5d8a; --bar-out: #a1000f; --ref: #6b3fa0; --cur: #c05a00; --code-bg: #f2f2f2; }
    @media screen and (prefers-color-scheme: dark) {
      :root { --fg: #e8e8e8; --bg: #121212; --muted: #b8b8b8; --line: #4a4a4a; --block: #ff8a8a; --block-bg: #3a1215;
        --pass: #7fd99a; --pass-bg: #10301b; --warn: #ffd166; --warn-bg: #3a2e0a; --na: #b9c3d3; --link: #8ab4f8;
        --bar: #7fb0e0; --bar-out: #ff8a8a; --ref: #c8a8f0; --cur: #ffad66; --code-bg: #1f1f1f; }
    }
    body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg);
      max-width: 72rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
    a { color: var(--link); }
    h1 { font-size: 1.6rem; margin: 0.5rem 0; }
    h2 { font-size: 1.3rem; border-bottom: 1px solid var(--line); padding-bottom: 0.2rem; margin-top: 2rem; }
    h3 { font-size: 1.1rem; }
    table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; table-layout: auto; }
    table.gate { table-layout: fixed; }
    table.gate thead th:nth-child(1) { width: 24%; } table.gate thead th:nth-child(2) { width: 36%; }
    table.gate thead th:nth-child(3) { width: 22%; } table.gate thead th:nth-child(4) { width: 7%; }
    table.gate thead th:nth-child(5) { width: 11%; }
    th, td { border: 1px solid var(--line); padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
    th { overflow-wrap: normal; } td.date { white-space: nowrap; overflow-wrap: normal; }
    th .meta, th span.meta { font-weight: normal; }
    th { background: var(--code-bg); }
    td.num { text-align: right; font-variant-numeric: tabular-nums; }
    code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.9em; background: var(--code-bg); }
    code { padding: 0 0.2em; overflow-wrap: anywhere; }
    pre { padding: 0.6rem; overflow-x: auto; white-space: pre-wrap; }
    .meta { color: var(--muted); }
    .banner { border: 2px solid; border-radius: 6px; padding: 0.8rem 1rem; margin: 1rem 0; }
    .banner.block { border-color: var(--block); background: var(--block-bg); }
    .banner.pass { border-color: var(--pass); background: var(--pass-bg); }
    .banner.warn { border-color: var(--warn); background: var(--warn-bg); }
    .banner p.decision { font-size: 1.4rem; font-weight: 700; margin: 0 0 0.4rem; }
    .outcome { font-weight: 700; white-space: nowrap; }
    .outcome.block, .outcome.failed { color: var(--block); }
    .outcome.pass, .outcome.verified { color: var(--pass); }
    .outcome.warn, .outcome.waived { color: var(--warn); }
    .outcome.not-applicable, .outcome.not-checked { color: var(--na); }
    ol.chain { list-style: none; padding: 0; counter-reset: step; }
    ol.chain > li { border-left: 3px solid var(--line); padding: 0.2rem 0 0.6rem 1rem; margin-left: 0.5rem; }
    dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; margin: 0.3rem 0; }
    dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; overflow-wrap: anywhere; }
    svg.chart { max-width: 100%; height: auto; display: block; margin: 0.5rem 0 1rem; }
    svg.chart text { fill: var(--fg); font: 12px system-ui, sans-serif; }
    svg.chart .bar { fill: var(--bar); } svg.chart .bar.out { fill: var(--bar-out); }
    svg.chart .reference { stroke: var(--ref); stroke-width: 2; }
    svg.chart .bound { stroke: var(--block); stroke-width: 2; stroke-dasharray: 3 2; }
    svg.chart .axis { stroke: var(--muted); stroke-width: 1; } svg.chart text.tick { fill: var(--muted); font-size: 11px; }
    svg.chart rect.reference { fill: var(--ref); stroke: none; } svg.chart rect.current { fill: var(--cur); }
    .legend span { display: inline-block; width: 0.8em; height: 0.8em; margin: 0 0.3em 0 1em; vertical-align: middle; }
    .legend .ref { background: var(--ref); } .legend .cur { background: var(--cur); }
    .runbook { border-left: 3px solid var(--line); padding-left: 1rem; }
    nav.toc ol { columns: 2; }
    @media print {
      :root { --fg: #000; --bg: #fff; --muted: #333; --link: #000; }
      body { max-width: none; padding: 0; font-size: 11pt; }
      nav.toc { display: none; }
      h2 { break-after: avoid; } table, svg.chart, .banner { break-inside: avoid; }
      a[href^="http"]::after { content: " (" attr(href) ")"; font-size: 0.8em; overflow-wrap: anywhere; }
    }
    """
}

/// Pieces of markup shared by the pages.
struct HTMLBuilder {
    var forge: ForgeLinks?

    /// A location as `file:line`, linked to the forge when it can be.
    func location(_ location: SourceLocation) -> String {
        let text = "<code>\(HTMLText.text("\(location.file):\(location.line)"))</code>"
        guard let url = forge?.url(location) else { return text }
        return "<a href=\"\(HTMLText.attribute(url))\">\(text)</a>"
    }

    static func outcome(_ text: String, _ cssClass: String) -> String {
        "<span class=\"outcome \(HTMLText.attribute(cssClass))\">\(HTMLText.text(text))</span>"
    }

    static func code(_ text: String) -> String { "<code>\(HTMLText.text(text))</code>" }

    /// A table's header row: one column header (`scope="col"`) per title, escaped.
    static func header(_ titles: String...) -> String {
        "<thead><tr>" + titles.map { "<th scope=\"col\">\(HTMLText.text($0))</th>" }.joined() + "</tr></thead>"
    }

    static func list(_ items: [String]) -> String {
        items.isEmpty ? "<p class=\"meta\">None stated.</p>" : "<ul>" + items.map { "<li>\(HTMLText.text($0))</li>" }.joined() + "</ul>"
    }
}
