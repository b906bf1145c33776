import ArgumentParser
import Foundation
import Dossier
import Policy
import Reporters
import Workspace

/// `policy report`: the release dossier, one self-contained HTML page per promotion request
/// and an overview, written to a directory.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the release dossier: DIR/index.html (the overview) and DIR/<request>.html per promotion request.",
        discussion: """
            The same check as `policy check` in the same mode, rendered for the people who \
            approve: verdict and blocking reasons, every rule with its observed value and \
            bound, lineage, incidents, audit trail, responsible-AI figures with charts, the \
            runbooks of failing rules, the bundle digest and the approve command. Each page is \
            one HTML file with inline CSS and SVG: no script, nothing loaded from anywhere. The \
            same revision gives byte-identical files. Exit codes as `policy check`: 0 nothing \
            blocks, 1 a request blocks, 2 the report could not be made (nothing is written). \
            With GITHUB_SERVER_URL and GITHUB_REPOSITORY set, locations link to the forge.

            Examples:
              policy report --rev HEAD --output dossier
              policy report fraud-student-2.1.0-production --base origin/main --output dossier
            """
    )

    @Argument(help: ArgumentHelp("Only these promotion requests (metadata.name); default: every gated request.", valueName: "request"))
    var subjects: [String] = []

    @OptionGroup var modes: ModeOptions

    @Flag(help: "Gate decided promotion requests like open ones, against today's policies.")
    var regate = false

    @Option(name: [.short, .long], help: ArgumentHelp("The directory to write (created if missing).", valueName: "dir"))
    var output: String

    @OptionGroup var repository: RepositoryOptions

    func validate() throws {
        if output.isEmpty { throw ValidationError("--output needs a directory") }
    }

    var mode: CheckOptions.Mode { modes.mode }

    func run() throws {
        let dossiers: ReportUseCase.Dossiers
        do {
            let workspace = try Workspace(directory: repository.resolvedDirectory)
            Entry.keepUntilExit(workspace)
            dossiers = try ReportUseCase(workspace).run(mode: mode, subjects: subjects, regate: regate)
        } catch let error as WorkspaceError {
            throw ToolError(error.localizedDescription)
        }
        let forge = ForgeLinks.fromEnvironment(ProcessInfo.processInfo.environment, commit: dossiers.commit,
                                               policyCommit: dossiers.policyCommit,
                                               policyDirectories: dossiers.policyDirectories)
        // Every page is rendered before any is written: an error leaves the directory as it was.
        var pages: [(name: String, html: String)] = [("index.html", OverviewPage.html(dossiers.overview, toolVersion: PolicyCommand.version))]
        for dossier in dossiers.requests {
            let name = OverviewPage.pageName(dossier.subject.name ?? dossier.subject.file)
            guard !pages.contains(where: { $0.name == name }) else {
                throw ToolError("two requests would be written to \(name); name the requests to report")
            }
            pages.append((name, RequestPage.html(dossier, forge: forge, toolVersion: PolicyCommand.version)))
        }
        let directory = URL(fileURLWithPath: output, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true))
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw ToolError("cannot create the report directory \(output): \(error.localizedDescription)")
        }
        for page in pages {
            let file = try ReportOutput(file: directory.appendingPathComponent(page.name).path)
            file.write(page.html)
            try file.finish()
        }
        FileHandle.standardError.write(Data("policy: wrote \(pages.count) page\(pages.count == 1 ? "" : "s") to \(output) (\(dossiers.run.evaluated): \(dossiers.run.report.verdict.rawValue))\n".utf8))
        if dossiers.run.report.verdict >= .block { throw ExitCode(1) }
    }
}
