import ArgumentParser
import Foundation
import Policy
import Reporters

/// How a check's report is written, as `policy check` and `policy merge-reports` take it:
/// the formats (`--format`, from the `Reporters` registry), the verdict that fails
/// (`--fail-on`), color, the dossier's URL. One writer for both commands: a merged report is
/// rendered exactly as the check unsharded renders its own.
struct ReportOutputOptions: ParsableArguments {
    @Option(name: .customLong("format"),
            help: ArgumentHelp("Output format: text, json, sarif, junit, github or markdown, optionally to a file: sarif=out.sarif. Repeatable.",
                               valueName: "fmt[=file]"))
    var formats: [OutputFormat] = []

    @Option(name: .customLong("fail-on"), help: "Exit 1 on this verdict or worse: block or warn.")
    var failOn: FailOn = .block

    @Option(help: "Color the text output: auto (on a terminal, unless NO_COLOR is set), always or never.")
    var color: ColorChoice = .auto

    @Option(name: .customLong("report-url"),
            help: ArgumentHelp("Where the release dossier of this check (`policy report`) is published: the markdown format links it (also TOLLGATE_REPORT_URL).", valueName: "url"))
    var reportURL: String?

    enum FailOn: String, ExpressibleByArgument, CaseIterable {
        case block, warn
    }

    enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
        case auto, always, never
    }

    func validate() throws {
        let toStdout = formats.filter { $0.file == nil }
        if toStdout.count > 1 {
            throw ValidationError("only one format can go to standard output; write the others to files (--format json=out.json)")
        }
    }

    var threshold: Verdict { failOn == .warn ? .warn : .block }

    /// Writes `report` in every format asked for (text to stdout when none); `root` is the
    /// working tree's root (absolute), for SARIF's base URI. Exit 1 when the verdict reaches
    /// `--fail-on`.
    func write(_ report: Report, metadata: ReportMetadata, root: String?) throws {
        let outputs = formats.isEmpty ? [OutputFormat(argument: "text")!] : formats
        let environment = ProcessInfo.processInfo.environment
        // In GitHub Actions, link runbooks and locations to the commit being checked.
        let blobBase = environment["GITHUB_SERVER_URL"].flatMap { server in
            environment["GITHUB_REPOSITORY"].flatMap { repo in environment["GITHUB_SHA"].map { "\(server)/\(repo)/blob/\($0)/" } }
        }
        for output in outputs {
            let destination = try ReportOutput(file: output.file)
            var context = ReporterContext(
                color: output.file == nil && useColor,
                sourceRoot: root.map { URL(fileURLWithPath: $0, isDirectory: true).absoluteString },
                linkBase: blobBase, failOn: threshold, stepSummary: environment["GITHUB_STEP_SUMMARY"],
                append: { text, path in try Self.append(text, to: path) })
            context.reportURL = reportURL ?? environment["TOLLGATE_REPORT_URL"].flatMap { $0.isEmpty ? nil : $0 }
            let reporter = output.reporter.init(context)
            reporter.stream(report, metadata: metadata, to: destination.write)
            try reporter.sideEffects(report, metadata: metadata)
            try destination.finish()
        }
        if report.verdict >= threshold {
            throw ExitCode(1)
        }
    }

    /// Appends to `$GITHUB_STEP_SUMMARY` (the file GitHub renders on the run's page).
    static func append(_ text: String, to path: String) throws {
        guard let handle = FileHandle(forWritingAtPath: path) else {
            if FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) { return }
            throw ToolError("cannot write the step summary to \(path)")
        }
        defer { try? handle.close() }
        handle.seekToEndOfFile()
        handle.write(Data(text.utf8))
    }

    var useColor: Bool {
        switch color {
        case .always: return true
        case .never: return false
        case .auto:
            let environment = ProcessInfo.processInfo.environment
            if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
            if environment["TERM"] == "dumb" { return false }
            return isatty(STDOUT_FILENO) != 0
        }
    }
}
