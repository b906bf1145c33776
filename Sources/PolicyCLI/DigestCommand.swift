import ArgumentParser
import Workspace

/// `policy digest REQUEST`: the bundle digest an approver signs off on.
struct DigestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest",
        abstract: "Print the bundle digest of a promotion request.",
        discussion: """
            The digest is SHA-256 over the canonical JSON of the request, its run manifest \
            and its model card. Formatting and comments do not change it; any change of \
            content does, which makes earlier approvals stale.
            """
    )

    @Argument(help: "metadata.name of the PromotionRequest.")
    var request: String

    @Flag(help: "Read the index (staged content) instead of the working tree.")
    var staged = false

    @Option(help: ArgumentHelp("Read this commit instead of the working tree.", valueName: "rev"))
    var rev: String?

    @OptionGroup var repository: RepositoryOptions

    func validate() throws {
        if staged && rev != nil { throw ValidationError("--staged and --rev cannot be combined") }
    }

    func run() throws {
        let mode: CheckOptions.Mode = staged ? .staged : rev.map { .revision($0) } ?? .workingTree
        do {
            let workspace = try Workspace(directory: repository.resolvedDirectory)
            print(try DigestUseCase(workspace).run(request: request, mode: mode).value)
        } catch let error as WorkspaceError {
            throw ToolError(error.localizedDescription)
        }
    }
}
