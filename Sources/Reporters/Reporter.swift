import Policy

/// An output format of `policy check`: a pure function from a report to text. A new format is
/// one file conforming to this protocol and one line in `Reporters.all`.
public protocol Reporter: Sendable {
    /// The name `--format` takes.
    static var name: String { get }
    /// The reporter for one run, configured from what the run knows.
    init(_ context: ReporterContext)
    /// The whole output.
    func render(_ report: Report, metadata: ReportMetadata) -> String
    /// Writes the output as UTF-8 in pieces (a large report need not be one string); by
    /// default the rendered text at once.
    func stream(_ report: Report, metadata: ReportMetadata, to sink: @escaping (ArraySlice<UInt8>) -> Void)
    /// Something to do beside the output, such as GitHub's step summary; nothing by default.
    func sideEffects(_ report: Report, metadata: ReportMetadata) throws
}

extension Reporter {
    public func stream(_ report: Report, metadata: ReportMetadata, to sink: @escaping (ArraySlice<UInt8>) -> Void) {
        sink(Array(render(report, metadata: metadata).utf8)[...])
    }

    public func sideEffects(_ report: Report, metadata: ReportMetadata) throws {}
}

/// What a run knows that reporters may use.
public struct ReporterContext: Sendable {
    /// Color the text (only for a terminal).
    public var color: Bool
    /// The working tree root as a file URL, for SARIF's `originalUriBaseIds`.
    public var sourceRoot: String?
    /// A URL prefix for links to files of the checked commit (GitHub Actions).
    public var linkBase: String?
    /// The verdict that fails the run (`--fail-on`).
    public var failOn: Verdict
    /// Where GitHub wants the step summary (`$GITHUB_STEP_SUMMARY`), if anywhere.
    public var stepSummary: String?
    /// Appends text to a file (the step summary).
    public var append: @Sendable (String, String) throws -> Void
    /// Where the release dossier of this check is published (`--report-url`,
    /// `TOLLGATE_REPORT_URL`): the Markdown comment links it. Only an http(s) URL is linked.
    public var reportURL: String?

    public init(color: Bool = false, sourceRoot: String? = nil, linkBase: String? = nil, failOn: Verdict = .block,
                stepSummary: String? = nil, append: @escaping @Sendable (String, String) throws -> Void = { _, _ in }) {
        self.color = color
        self.sourceRoot = sourceRoot
        self.linkBase = linkBase
        self.failOn = failOn
        self.stepSummary = stepSummary
        self.append = append
    }
}

/// The registry of output formats, in the order `--help` lists them.
public enum Reporters {
    public static let all: [any Reporter.Type] = [
        TextReporter.self, JSONReporter.self, SARIFReporter.self, JUnitReporter.self, GitHubReporter.self, MarkdownReporter.self,
    ]

    /// The names `--format` accepts.
    public static var names: [String] { all.map { $0.name } }

    /// The reporter type of a format name.
    public static func named(_ name: String) -> (any Reporter.Type)? {
        all.first { $0.name == name }
    }
}

extension TextReporter: Reporter {
    public static let name = "text"
    public init(_ context: ReporterContext) { self.init(color: context.color) }
}

extension JSONReporter: Reporter {
    public static let name = "json"
    public init(_ context: ReporterContext) { self.init() }

    /// Streamed: the report of a large repository runs to hundreds of megabytes.
    public func stream(_ report: Report, metadata: ReportMetadata, to sink: @escaping (ArraySlice<UInt8>) -> Void) {
        write(report, metadata: metadata, to: sink)
    }
}

extension SARIFReporter: Reporter {
    public static let name = "sarif"
    public init(_ context: ReporterContext) { self.init(sourceRoot: context.sourceRoot, runbookBase: context.linkBase) }
}

extension JUnitReporter: Reporter {
    public static let name = "junit"
    public init(_ context: ReporterContext) { self.init(failOn: context.failOn) }
}

extension GitHubReporter: Reporter {
    public static let name = "github"
    public init(_ context: ReporterContext) {
        self.init()
        stepSummary = context.stepSummary
        append = context.append
    }

    /// Appends the job summary to `$GITHUB_STEP_SUMMARY` when GitHub set it.
    public func sideEffects(_ report: Report, metadata: ReportMetadata) throws {
        guard let stepSummary, !stepSummary.isEmpty else { return }
        try append(summaryMarkdown(report, metadata: metadata), stepSummary)
    }
}

extension MarkdownReporter: Reporter {
    public static let name = "markdown"
    public init(_ context: ReporterContext) { self.init(linkBase: context.linkBase, reportURL: context.reportURL) }
}
