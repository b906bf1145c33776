import ArgumentParser
import Foundation
import Policy
import Reporters
import Workspace

/// `policy check`: evaluate the repository's policies and print a verdict per subject.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Evaluate the policies and print pass, warn or block for every subject.",
        discussion: """
            Modes: the working tree (default); --staged, the index (pre-commit hook: only \
            subjects the commit changes, approvals warn); \
            --rev REV, one commit; --base REV [--head REV], a range under review: the head \
            is evaluated, Policy, Team and Config documents come from REV itself (the tip of \
            the branch the change merges into), and only subjects changed between the merge \
            base and the head are reported unless --all. A promotion \
            request that states a decision (spec.status released, withdrawn or superseded) \
            is reported as decided, not gated, unless --regate or the change under review \
            records the decision.

            Examples:
              policy check
              policy check --staged
              policy check --base origin/main --format text --format json=tollgate.json
              policy check models/fraud-student --fail-on warn
            """
    )

    @Argument(help: ArgumentHelp("Only report subjects whose files are under these paths.", valueName: "path"))
    var paths: [String] = []

    @OptionGroup var modes: ModeOptions

    @Flag(help: "With --base or --staged: report every subject, not only those the change touches.")
    var all = false

    @Flag(name: .customLong("paths-are-changes"),
          help: "With --staged: the paths are the files the commit changes (pre-commit passes them; `pre-commit run --all-files` passes every file, so every subject is checked), not filters.")
    var pathsAreChanges = false

    @Flag(help: "Gate decided promotion requests (spec.status released, withdrawn or superseded) like open ones, against today's policies.")
    var regate = false

    @Flag(help: "Store the JSON verdict as a git note of the evaluated commit (refs/notes/tollgate). Needs --rev or --base.")
    var record = false

    @Flag(name: .customLong("no-cache"),
          help: "Parse and walk everything: neither read nor write what local checks keep in .git/tollgate/ (--rev and --base never use it; also TOLLGATE_NO_CACHE=1).")
    var noCache = false

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

    @OptionGroup var repository: RepositoryOptions

    enum FailOn: String, ExpressibleByArgument, CaseIterable {
        case block, warn
    }

    enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
        case auto, always, never
    }

    func validate() throws {
        if all && modes.base == nil && !modes.staged {
            throw ValidationError("--all only applies with --base or --staged (other modes report every subject)")
        }
        if pathsAreChanges && !modes.staged { throw ValidationError("--paths-are-changes only applies with --staged") }
        if record && modes.rev == nil && modes.base == nil {
            throw ValidationError("--record stores the verdict of a commit: use it with --rev or --base")
        }
        let toStdout = formats.filter { $0.file == nil }
        if toStdout.count > 1 {
            throw ValidationError("only one format can go to standard output; write the others to files (--format json=out.json)")
        }
    }

    var mode: CheckOptions.Mode { modes.mode }

    func run() throws {
        let run: CheckRun
        let metadata: ReportMetadata
        do {
            let workspace = try Workspace(directory: repository.resolvedDirectory)
            // Its thousands of parsed documents are given back by the end of the process, not
            // freed one by one (a tenth of a warm pre-commit check).
            Entry.keepUntilExit(workspace)
            let cacheOff = noCache || ["1", "true", "yes"].contains(ProcessInfo.processInfo.environment["TOLLGATE_NO_CACHE"]?.lowercased() ?? "")
            var options = CheckOptions(mode: mode, paths: paths, all: all, keepsLocalStores: !cacheOff,
                                       regate: regate)
            options.pathsAreChange = pathsAreChanges
            run = try CheckUseCase(workspace).run(options)
            if let use = run.storeUse, ProcessInfo.processInfo.environment["TOLLGATE_DEBUG_STORES"] == "1" {
                FileHandle.standardError.write(Data("policy: stores: \(use)\n".utf8))
            }
            metadata = ReportMetadata(toolVersion: PolicyCommand.version, evaluated: run.evaluated,
                                      policySource: run.policySource, policies: run.policies,
                                      documentCount: run.documentCount)
            if record, let commit = try CheckUseCase(workspace).evaluatedCommit(mode) {
                try CheckUseCase(workspace).record(JSONReporter().render(run.report, metadata: metadata), for: commit)
            }
        } catch let error as WorkspaceError {
            throw ToolError(error.localizedDescription)
        }
        let outputs = formats.isEmpty ? [OutputFormat(argument: "text")!] : formats
        let environment = ProcessInfo.processInfo.environment
        // In GitHub Actions, link runbooks and locations to the commit being checked.
        let blobBase = environment["GITHUB_SERVER_URL"].flatMap { server in
            environment["GITHUB_REPOSITORY"].flatMap { repo in environment["GITHUB_SHA"].map { "\(server)/\(repo)/blob/\($0)/" } }
        }
        let threshold: Verdict = failOn == .warn ? .warn : .block
        for output in outputs {
            let destination = try ReportOutput(file: output.file)
            var context = ReporterContext(
                color: output.file == nil && useColor,
                sourceRoot: run.root.map { URL(fileURLWithPath: $0, isDirectory: true).absoluteString },
                linkBase: blobBase, failOn: threshold, stepSummary: environment["GITHUB_STEP_SUMMARY"],
                append: { text, path in try CheckCommand.append(text, to: path) })
            context.reportURL = reportURL ?? environment["TOLLGATE_REPORT_URL"].flatMap { $0.isEmpty ? nil : $0 }
            let reporter = output.reporter.init(context)
            reporter.stream(run.report, metadata: metadata, to: destination.write)
            try reporter.sideEffects(run.report, metadata: metadata)
            try destination.finish()
        }
        if run.report.verdict >= threshold {
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

extension ToolError: LocalizedError {
    var errorDescription: String? { description }
}
