import ArgumentParser
import Foundation
import Workspace

/// `policy import`: evidence from the tools ML teams already use, as Tollgate documents.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Write Tollgate documents from the evidence of other tools (MLflow, Hugging Face model cards).",
        discussion: "See docs/import.md (MLflow) and docs/huggingface.md (Hugging Face) for what each field is taken from.",
        subcommands: [ImportMLflowCommand.self, ImportHFCardCommand.self]
    )
}

/// `policy import mlflow --run-id ID --model M --version V [--tracking-uri URI] [--output FILE]`.
struct ImportMLflowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mlflow",
        abstract: "Write or update a RunManifest from an MLflow run.",
        discussion: """
            Reads the run through the tracking server's REST API (runs/get, artifacts/list) \
            and downloads every artifact to compute its SHA-256 (MLflow records sizes, not \
            checksums). Metrics (latest values), params (hyperparameters; `seed` as \
            spec.config.seed), the tag mlflow.source.git.commit (code commit), the training \
            dataset input (name, digest as version) and the artifacts are written, with a \
            spec.source block naming the server, run, experiment and import time. With \
            --output naming an existing RunManifest, only the keys the run changes are \
            rewritten; the rest of the file is kept as written. Exit 2 when the server cannot \
            be reached, the run does not exist, its answer is malformed or a metric is not finite.
            """
    )

    @Option(name: .customLong("run-id"), help: "The MLflow run id.")
    var runID: String

    @Option(name: .customLong("tracking-uri"),
            help: "The tracking server (default: $MLFLOW_TRACKING_URI, else http://localhost:5000).")
    var trackingURI: String?

    @Option(help: "The model id the manifest is for (spec.model).")
    var model: String

    @Option(help: "The model version the run produced (spec.version).")
    var version: String

    @Option(help: ArgumentHelp("The RunManifest to write or update (default: print a new one).", valueName: "file"))
    var output: String?

    @Option(help: "metadata.name of a new manifest (default: mlflow-<first 12 characters of the run id>).")
    var name: String?

    @Option(name: .customLong("artifact-prefix"),
            help: ArgumentHelp("The repository directory holding the run's artifacts, prepended to MLflow's artifact paths.", valueName: "dir"))
    var artifactPrefix: String?

    @Flag(help: "Also record each artifact's MD5 (verifies artifacts tracked by DVC).")
    var md5 = false

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let uri = trackingURI ?? environment["MLFLOW_TRACKING_URI"].flatMap { $0.isEmpty ? nil : $0 } ?? "http://localhost:5000"
        // SOURCE_DATE_EPOCH (reproducible builds) fixes the import time.
        var importedAt = Date()
        if let epoch = environment["SOURCE_DATE_EPOCH"] {
            guard let seconds = Int(epoch) else { throw ToolError("SOURCE_DATE_EPOCH '\(epoch)' is not a number of seconds") }
            importedAt = Date(timeIntervalSince1970: TimeInterval(seconds))
        }
        let outcome: MLflowImport.Outcome
        do {
            outcome = try MLflowImport.run(.init(runID: runID, trackingURI: uri, model: model, version: version, output: output,
                                                 name: name, artifactPrefix: artifactPrefix, md5: md5, importedAt: importedAt))
        } catch {
            throw ToolError(error.description)
        }
        if let output {
            if outcome.wrote { try AtomicFile.write(outcome.text, to: output) }
        } else {
            FileHandle.standardOutput.write(Data(outcome.text.utf8))
        }
        for note in outcome.notes {
            FileHandle.standardError.write(Data("policy: \(note)\n".utf8))
        }
    }

}
