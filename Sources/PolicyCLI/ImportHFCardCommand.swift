import ArgumentParser
import Foundation
import Workspace

/// `policy import hf-card README.md --model M --version V --owner E [--output FILE]`.
struct ImportHFCardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hf-card",
        abstract: "Write a ModelCard from a Hugging Face model card (README.md).",
        discussion: """
            Reads the README's YAML front matter (license, datasets, base_model, \
            base_model_relation, tags, language, model-index) and its Markdown sections in the \
            huggingface_hub template's headings ('Uses' / 'Direct Use' / 'Intended uses', \
            'Out-of-Scope Use', 'Limitations', 'Bias, Risks, and Limitations', \
            'Recommendations', 'Model Description'), and writes a ModelCard with a spec.source \
            block naming the README and its blob id. The model-index results are written as \
            comments: a card's self-reported numbers are not evidence. Exit 2, each problem \
            located at file:line:column, when the README has no front matter, its front \
            matter is not YAML, or it does not say what the ModelCard requires (intended uses, \
            out-of-scope uses, limitations, a description, the training dataset and its version).
            """
    )

    @Argument(help: ArgumentHelp("The Hugging Face model card.", valueName: "README.md"))
    var readme: String

    @Option(help: "The model id (spec.model).")
    var model: String

    @Option(help: "The model version (spec.version).")
    var version: String

    @Option(help: ArgumentHelp("An owner's e-mail (spec.owners); repeat for several.", valueName: "email"))
    var owner: [String] = []

    @Option(help: ArgumentHelp("The ModelCard to write (default: print it).", valueName: "file"))
    var output: String?

    @Option(help: "metadata.name of the card (default: <model>-<version>).")
    var name: String?

    @Option(help: "The training dataset, when the card's `datasets` names several.")
    var dataset: String?

    @Option(name: .customLong("dataset-version"),
            help: "The training dataset's version (Hugging Face cards do not pin one).")
    var datasetVersion: String?

    @Option(name: .customLong("teacher-model"),
            help: "The teacher's Tollgate model id (default: base_model with '/' as '-', lower case).")
    var teacherModel: String?

    @Option(name: .customLong("teacher-version"),
            help: "The teacher's version, when the card is distilled or fine-tuned from base_model.")
    var teacherVersion: String?

    @Option(name: .customLong("primary-user"),
            help: ArgumentHelp("Who uses the model (spec.intendedUse.primaryUsers); repeat for several.", valueName: "text"))
    var primaryUser: [String] = []

    @Flag(name: .customLong("allow-incomplete"),
          help: "Write [] for sections the README lacks (the rai policy then blocks) instead of failing.")
    var allowIncomplete = false

    func validate() throws {
        guard !owner.isEmpty else { throw ValidationError("Missing '--owner <email>': a ModelCard names at least one owner.") }
    }

    func run() throws {
        var importedAt = Date()
        if let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"] {
            guard let seconds = Int(epoch) else { throw ToolError("SOURCE_DATE_EPOCH '\(epoch)' is not a number of seconds") }
            importedAt = Date(timeIntervalSince1970: TimeInterval(seconds))
        }
        let outcome: HuggingFaceCardImport.Outcome
        do {
            outcome = try HuggingFaceCardImport.run(.init(
                readme: readme, model: model, version: version, owners: owner, name: name, dataset: dataset,
                datasetVersion: datasetVersion, teacherModel: teacherModel, teacherVersion: teacherVersion,
                primaryUsers: primaryUser, allowIncomplete: allowIncomplete, importedAt: importedAt))
        } catch {
            throw ToolError(error.problems.count == 1 ? error.problems[0] : "the card cannot be imported:\n" + error.problems.joined(separator: "\n"))
        }
        for warning in outcome.warnings {
            FileHandle.standardError.write(Data("policy: warning: \(warning)\n".utf8))
        }
        guard let output else {
            FileHandle.standardOutput.write(Data(outcome.text.utf8))
            return
        }
        try AtomicFile.write(outcome.text, to: output)
    }
}
