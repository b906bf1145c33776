import ArgumentParser
import Documents
import Foundation
import Reporters
import Workspace

/// `policy audit`: the audit trail from the git history.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Print the timeline of requests, approvals, merges, incidents, changes to the gate and recorded verdicts from history.",
        discussion: """
            Walks the history of HEAD, oldest first. Approvals show who verifiably signed them \
            (✓member) and whether their digest is still the bundle's digest at HEAD. Changes to \
            the gate itself (Policies, the Team, the Config, PolicyTests, vendored packs) say \
            whether HEAD's Config protects the path and whether the commit's signature met it.
            """
    )

    @Option(help: ArgumentHelp("Only events of this model.", valueName: "model"))
    var model: String?

    @Option(help: ArgumentHelp("Only events of this promotion request.", valueName: "request"))
    var request: String?

    @Option(help: ArgumentHelp("Only events from this date (RFC 3339 date or time) on.", valueName: "date"))
    var since: String?

    @Flag(help: "Only changes to the gate itself (Policies, the Team, the Config, PolicyTests, packs).")
    var gate = false

    @Option(help: "text, json or markdown.")
    var format: Format = .text

    @OptionGroup var repository: RepositoryOptions

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, markdown
    }

    func validate() throws {
        if let since, RFC3339.parse(since) == nil {
            throw ValidationError("--since '\(since)' is not an RFC 3339 date or time (e.g. 2026-11-01)")
        }
    }

    func run() throws {
        let events: [Provenance.AuditEvent]
        do {
            let workspace = try Workspace(directory: repository.resolvedDirectory)
            events = try AuditUseCase(workspace).run(AuditFilter(model: model, request: request, since: since.flatMap(RFC3339.parse), gate: gate))
        } catch let error as WorkspaceError {
            throw ToolError(error.localizedDescription)
        }
        let output = try ReportOutput(file: nil)
        switch format {
        case .text: output.write(AuditReporter.text(events))
        case .json: AuditReporter.writeJSON(events, to: output.write)
        case .markdown: output.write(AuditReporter.markdown(events))
        }
        try output.finish()
    }
}

import Provenance
