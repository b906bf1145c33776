import ArgumentParser
import Foundation
import Workspace

/// `policy init`: scaffolds Tollgate in a git repository.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Set up Tollgate in a git repository: config, default policies, a Team, CI and hook files.",
        discussion: """
            Writes, at the root of the working tree: .tollgate.yaml (the Config with its \
            defaults), the policies of the chosen profile of the default pack in policies/, \
            its starter tests in policies/tests/starter/ (`policy test policies/tests` passes \
            right away), the runbooks its rules link in docs/runbooks/, policies/team.yaml \
            with you as its first member (name, e-mail and the SSH key of git config \
            user.signingkey), .github/workflows/tollgate.yml and .pre-commit-config.yaml. An \
            existing file is never changed: it is reported as skipped (for \
            .pre-commit-config.yaml with the entry to add), so running init again is safe.

            Profiles: \(PackProfile.allCases.map { "\($0.rawValue) (\($0.summary))" }.joined(separator: "; ")).
            """
    )

    @OptionGroup var repository: RepositoryOptions

    @Option(help: "Which policies of the default pack to start with: \(PackProfile.allCases.map(\.rawValue).joined(separator: ", ")).")
    var profile: PackProfile = .default

    func run() throws {
        let report: InitReport
        do {
            report = try ProjectInitializer(directory: repository.resolvedDirectory,
                                            toolVersion: PolicyCommand.version, profile: profile).run()
        } catch let error as ScaffoldError {
            throw ToolError(error.localizedDescription)
        }
        var out = "Tollgate in \(report.root) (profile \(profile.rawValue)):\n"
        let width = report.files.map(\.path.count).max() ?? 0
        for file in report.files {
            switch file.outcome {
            case .created?:
                out += "  created  \(file.path)\n"
            case .skipped(let reason)?:
                out += "  skipped  \(file.path.padding(toLength: width, withPad: " ", startingAt: 0))  (\(reason))\n"
            case nil:
                break
            }
        }
        if let snippet = report.preCommitSnippet {
            out += "\nAdd Tollgate's hook to the repos: list of .pre-commit-config.yaml:\n\n" + snippet
        }
        if !report.warnings.isEmpty {
            out += "\n" + report.warnings.map { "warning: \($0)\n" }.joined()
        }
        if report.created.isEmpty {
            out += "\nNothing was written: every file exists already.\n"
        } else {
            out += "\nNext steps:\n"
            for (index, step) in report.nextSteps.enumerated() {
                out += "  \(index + 1). \(step)\n"
            }
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}

extension PackProfile: ExpressibleByArgument {}
