import ArgumentParser
import Foundation
import Workspace

/// `policy approve REQUEST -m TEXT [--role ROLE] [--reject]`: one signed approval commit.
struct ApproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Approve (or reject) a promotion request in a commit signed with your key.",
        discussion: """
            Writes approvals/<request>/<you>.yaml with the request's current bundle digest and \
            commits that file alone, signed with your git configuration (gpg.format ssh and \
            user.signingkey). You must be a member of the Team; the approval counts only while \
            the bundle is unchanged. Refuses when the request has blocking findings other than \
            approvals.
            """
    )

    @Argument(help: "metadata.name of the PromotionRequest.")
    var request: String

    @Option(name: .shortAndLong, help: ArgumentHelp("Why you approve (required).", valueName: "text"))
    var message: String

    @Option(help: ArgumentHelp("The role you act in (default: the one the approvals policy needs).", valueName: "role"))
    var role: String?

    @Flag(help: "Record a rejection instead of an approval.")
    var reject = false

    @OptionGroup var repository: RepositoryOptions

    func run() throws {
        do {
            let workspace = try Workspace(directory: repository.resolvedDirectory)
            let record = try ApproveUseCase(workspace).run(request: request, justification: message, role: role, reject: reject)
            for warning in record.warnings {
                FileHandle.standardError.write(Data("policy: warning: \(warning)\n".utf8))
            }
            let verb = record.decision == .reject ? "rejected" : "approved"
            let signature = record.signingKey.map { "signed with \($0)" } ?? "unsigned"
            print("\(verb) \(request) as \(record.member) (\(record.role)) in \(record.commit), \(signature)")
            print("  \(record.file)  digest \(record.digest)")
        } catch let error as WorkspaceError {
            throw ToolError(error.localizedDescription)
        }
    }
}
