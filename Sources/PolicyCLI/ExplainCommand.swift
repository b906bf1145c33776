import ArgumentParser
import Foundation
import Policy
import Reporters
import Workspace

/// `policy explain SUBJECT`: why a subject gets its verdict.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show every rule for one subject with the values it read, and every approval's attribution chain.",
        discussion: "SUBJECT is a metadata.name, or Kind/name when the name is used by several kinds."
    )

    @Argument(help: "The subject: name or Kind/name.")
    var subject: String

    @Flag(help: "Explain the index instead of the working tree.")
    var staged = false

    @Option(help: ArgumentHelp("Explain this commit.", valueName: "rev"))
    var rev: String?

    @Flag(help: "Explain a decided promotion request (spec.status released, withdrawn or superseded) as if it were gated, against today's policies.")
    var regate = false

    @Option(help: "Output format: text, json (schema in docs/json-output.md) or markdown.")
    var format: ExplainFormat = .text

    enum ExplainFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json, markdown
    }

    @OptionGroup var repository: RepositoryOptions

    func validate() throws {
        if staged && rev != nil { throw ValidationError("--staged and --rev cannot be combined") }
    }

    func run() throws {
        let mode: CheckOptions.Mode = staged ? .staged : rev.map { .revision($0) } ?? .workingTree
        let explanation: ExplainUseCase.Explanation
        do {
            let workspace = try Workspace(directory: repository.resolvedDirectory)
            explanation = try ExplainUseCase(workspace).run(subject: subject, mode: mode, regate: regate,
                                                            history: format != .text)
        } catch let error as WorkspaceError {
            throw ToolError(error.localizedDescription)
        }
        let run = explanation.run
        let metadata = ReportMetadata(toolVersion: PolicyCommand.version, evaluated: run.evaluated,
                                      policySource: run.policySource, policies: run.policies, documentCount: run.documentCount)
        let output: String
        switch format {
        case .text: output = ExplainReporter.text(explanation.dossier, metadata: metadata)
        case .json: output = ExplainReporter.json(explanation.dossier, metadata: metadata)
        case .markdown: output = ExplainReporter.markdown(explanation.dossier, metadata: metadata)
        }
        FileHandle.standardOutput.write(Data(output.utf8))
    }
}

