import ArgumentParser

/// `policy import`: evidence from the tools ML teams already use, as Tollgate documents.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Write Tollgate documents from the evidence of other tools (Hugging Face model cards).",
        discussion: "See docs/huggingface.md for what each field is taken from.",
        subcommands: [ImportHFCardCommand.self]
    )
}
