import ArgumentParser
import Foundation
import Reporters
import Workspace

/// `policy test [DIR]`: run PolicyTest documents.
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run PolicyTest documents: expected verdicts per case, and rule coverage.",
        discussion: """
            Each case lists documents (relative to the test file), the subject, and the outcome \
            expected of each rule. Exit 0 when every case passes and coverage is at least \
            --threshold, 1 otherwise, 2 when the tests or policies are invalid.
            """
    )

    @Argument(help: ArgumentHelp("Only PolicyTest documents under this directory (default: the policy directories).", valueName: "dir"))
    var directory: String?

    @Option(help: ArgumentHelp("Fail when rule coverage is below this percentage.", valueName: "pct"))
    var threshold: Double?

    @OptionGroup var repository: RepositoryOptions

    func run() throws {
        let run: PolicyTestRun
        do {
            let workspace = try Workspace(directory: repository.resolvedDirectory)
            run = try PolicyTestUseCase(workspace).run(in: directory)
        } catch let error as WorkspaceError {
            throw ToolError(error.localizedDescription)
        }
        guard run.problems.isEmpty else {
            throw ToolError("the policy tests are invalid:\n" + run.problems.map { "  \($0)" }.joined(separator: "\n"))
        }
        guard !run.tests.isEmpty else {
            throw ToolError("no PolicyTest documents found\(directory.map { " under \($0)" } ?? " in the policy directories")")
        }
        FileHandle.standardOutput.write(Data(PolicyTestReporter.text(run.results, coverage: run.coverage, tests: run.tests).utf8))
        let failed = run.results.contains { !$0.passed }
        if let threshold, run.coverage.percent < threshold {
            FileHandle.standardError.write(Data("policy: rule coverage \(run.coverage.percent)% is below the threshold \(threshold)%\n".utf8))
            throw ExitCode(1)
        }
        if failed { throw ExitCode(1) }
    }
}
