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

    @OptionGroup var repository: RepositoryOptions

    func validate() throws {
        if staged && rev != nil { throw ValidationError("--staged and --rev cannot be combined") }
    }

    func run() throws {
        let mode: CheckOptions.Mode = staged ? .staged : rev.map { .revision($0) } ?? .workingTree
        let run: CheckRun
        do {
            let workspace = try Workspace(directory: repository.resolvedDirectory)
            run = try workspace.check(CheckOptions(mode: mode))
        } catch let error as WorkspaceError {
            throw ToolError(error.localizedDescription)
        }
        let matches = run.report.subjects.filter { result in
            result.subject.description == subject || result.subject.name == subject || result.subject.file == subject
        }
        guard matches.count == 1, let result = matches.first else {
            if matches.isEmpty {
                let names = run.report.subjects.compactMap(\.subject.name)
                throw ToolError("no subject '\(subject)'\(DidYouMeanHint.hint(subject, names)); subjects are the documents some policy matches: \(run.report.subjects.map(\.subject.description).joined(separator: ", "))")
            }
            throw ToolError("'\(subject)' is ambiguous: \(matches.map(\.subject.description).joined(separator: ", ")); use Kind/name")
        }
        let metadata = ReportMetadata(toolVersion: PolicyCommand.version, evaluated: run.evaluated,
                                      policySource: run.policySource, policies: run.policies, documentCount: run.documentCount)
        let approvals = result.subject.kind == .promotionRequest ? run.approvals[result.subject.name ?? ""] ?? [] : []
        FileHandle.standardOutput.write(Data(ExplainReporter.text(result, approvals: approvals, metadata: metadata).utf8))
    }
}

import Documents

enum DidYouMeanHint {
    static func hint(_ word: String, _ candidates: [String]) -> String {
        DidYouMean.hint(for: word, among: candidates)
    }
}
