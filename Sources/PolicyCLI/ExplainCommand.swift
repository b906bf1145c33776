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

    @OptionGroup var repository: RepositoryOptions

    func validate() throws {
        if staged && rev != nil { throw ValidationError("--staged and --rev cannot be combined") }
    }

    func run() throws {
        let mode: CheckOptions.Mode = staged ? .staged : rev.map { .revision($0) } ?? .workingTree
        let explanation: ExplainUseCase.Explanation
        do {
            let workspace = try Workspace(directory: repository.resolvedDirectory)
            explanation = try ExplainUseCase(workspace).run(subject: subject, mode: mode, regate: regate)
        } catch let error as WorkspaceError {
            throw ToolError(error.localizedDescription)
        }
        let (run, result, approvals) = (explanation.run, explanation.result, explanation.approvals)
        let metadata = ReportMetadata(toolVersion: PolicyCommand.version, evaluated: run.evaluated,
                                      policySource: run.policySource, policies: run.policies, documentCount: run.documentCount)
        FileHandle.standardOutput.write(Data(ExplainReporter.text(result, approvals: approvals, metadata: metadata).utf8))
    }
}

