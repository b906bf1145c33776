import Documents
import Foundation

/// `policy import mlflow`: a RunManifest from an MLflow run (docs/import.md has the mapping).
///
/// The values the run states replace those of an existing manifest; everything else the
/// manifest says is kept (ManifestUpdate). Nothing is written when the run cannot be read.
public enum MLflowImport {
    public struct Options: Sendable {
        public var runID: String
        public var trackingURI: String
        public var model: String
        public var version: String
        /// The manifest to write or update; nil: print a new manifest.
        public var output: String?
        /// `metadata.name` of a new manifest (default `mlflow-<first 12 of the run id>`).
        public var name: String?
        /// Where the run's artifacts are in the repository (prepended to MLflow's artifact paths).
        public var artifactPrefix: String?
        /// Also record each artifact's MD5 (for artifacts tracked by DVC).
        public var md5: Bool
        /// The import time written to `source.importedAt`.
        public var importedAt: Date

        public init(runID: String, trackingURI: String, model: String, version: String, output: String?,
                    name: String?, artifactPrefix: String?, md5: Bool, importedAt: Date) {
            self.runID = runID
            self.trackingURI = trackingURI
            self.model = model
            self.version = version
            self.output = output
            self.name = name
            self.artifactPrefix = artifactPrefix
            self.md5 = md5
            self.importedAt = importedAt
        }
    }

    public struct Outcome: Sendable {
        /// The manifest's text (written to `options.output` when given).
        public var text: String
        /// Whether the file was written (false: new text printed, or the file already said it all).
        public var wrote: Bool
        /// What the user should know: what was replaced, added, kept; what is missing.
        public var notes: [String]
    }

    public static func run(_ options: Options) throws(ImportError) -> Outcome {
        guard TextFormat.name.accepts(options.model) else {
            throw ImportError("--model: \(TextFormat.name.violation(options.model))")
        }
        if let name = options.name, !TextFormat.name.accepts(name) {
            throw ImportError("--name: \(TextFormat.name.violation(name))")
        }
        let runID = options.runID.trimmingCharacters(in: .whitespaces)
        guard !runID.isEmpty, runID.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw ImportError("--run-id '\(options.runID)' is not an MLflow run id")
        }
        var prefix = options.artifactPrefix ?? ""
        while prefix.hasSuffix("/") { prefix.removeLast() }
        if !prefix.isEmpty, !TextFormat.relativePath.accepts(prefix) {
            throw ImportError("--artifact-prefix: \(TextFormat.relativePath.violation(prefix))")
        }

        // The existing manifest first: a file that cannot be updated stops before the network.
        let existing = try options.output.flatMap { path throws(ImportError) in try ExistingManifest.read(path) }

        let client = try MLflowClient(trackingURI: options.trackingURI)
        let run = try client.run(id: runID)
        var notes: [String] = []
        let imported = try ImportedRun(run, runID: runID, server: client.displayURI, notes: &notes)
        var artifacts: [ImportedRun.Artifact] = []
        for file in try client.artifactFiles(runID: runID) {
            let sums = try client.checksums(runID: runID, artifact: file.path)
            if let listed = file.size, listed != sums.size {
                throw ImportError("artifact \(file.path) of run \(runID) on \(client.displayURI) is listed with \(listed) bytes but \(sums.size) were downloaded")
            }
            let path = prefix.isEmpty ? file.path : prefix + "/" + file.path
            guard TextFormat.relativePath.accepts(path) else {
                throw ImportError("run \(runID) on \(client.displayURI) lists artifact '\(file.path)', which is not a repository-relative path without '..'")
            }
            artifacts.append(.init(path: path, sha256: sums.sha256, md5: sums.md5, size: sums.size))
        }

        var source = ManifestValue.map([
            .init("tool", .string("mlflow")),
            .init("trackingUri", .string(client.displayURI)),
            .init("runId", .string(runID)),
        ])
        if let experiment = imported.experimentID { source.set("experimentId", .string(experiment)) }
        if let runName = imported.runName { source.set("runName", .string(runName)) }
        source.set("importedAt", .string(RFC3339.format(options.importedAt)))

        var spec = existing?.spec ?? .map([])
        var fields = Set<String>()
        imported.apply(to: &spec, model: options.model, version: options.version, artifacts: artifacts,
                       md5: options.md5, fields: &fields, notes: &notes)
        source.set("fields", .list(fields.sorted().map(ManifestValue.string)))
        if let previous = existing?.spec["source"], Self.sameImport(previous, source) {
            // Nothing the run says changed: keep the recorded import time (the manifest is
            // unchanged, approvals of its bundle stay fresh).
            source.set("importedAt", previous["importedAt"] ?? source["importedAt"]!)
        }
        spec.set("source", source)
        notes += Self.missing(in: spec)
        if imported.status != "FINISHED" {
            notes.append("run \(runID) is \(imported.status ?? "of unknown status"), not FINISHED: its values may still change")
        }

        if let existing {
            let update = existing.updated(spec: spec)
            notes.insert(update.summary, at: 0)
            return Outcome(text: update.text, wrote: update.changed, notes: notes)
        }
        let name = options.name ?? "mlflow-" + String(runID.lowercased().prefix(12))
        let text = ManifestUpdate.newDocument(name: name, spec: spec)
        if let path = options.output { notes.insert("wrote \(path) (new RunManifest \(name))", at: 0) }
        return Outcome(text: text, wrote: options.output != nil, notes: notes)
    }

    /// The same run and values, whenever they were imported.
    private static func sameImport(_ previous: ManifestValue, _ current: ManifestValue) -> Bool {
        var previous = previous, current = current
        previous.remove("importedAt")
        current.remove("importedAt")
        return previous == current
    }

    /// The required fields the run did not give and the manifest does not have.
    private static func missing(in spec: ManifestValue) -> [String] {
        let required: [[String]] = [["code", "commit"], ["environment", "image"], ["dataset", "name"], ["dataset", "version"],
                                    ["config", "seed"], ["config", "hyperparameters"], ["artifacts"], ["metrics"]]
        return required.compactMap { path in
            var value: ManifestValue? = spec
            for key in path { value = value?[key] }
            guard value == nil else { return nil }
            return "spec.\(path.joined(separator: ".")) is required but the run does not say it: write it by hand"
        }
    }
}

/// What an MLflow run says, read from the `run` object of `runs/get`.
struct ImportedRun {
    struct Artifact {
        var path: String
        var sha256: String
        var md5: String
        var size: Int
    }

    var experimentID: String?
    var runName: String?
    var status: String?
    /// Latest value of each metric, by key.
    var metrics: [(key: String, value: Double)] = []
    /// Params by key, as MLflow stores them (strings).
    var params: [(key: String, value: String)] = []
    var commit: String?
    var repository: String?
    var dataset: (name: String, digest: String?)?

    init(_ run: [String: Any], runID: String, server: String, notes: inout [String]) throws(ImportError) {
        let info = run["info"] as? [String: Any] ?? [:]
        let data = run["data"] as? [String: Any] ?? [:]
        experimentID = info["experiment_id"] as? String
        runName = info["run_name"] as? String
        status = info["status"] as? String
        if info["lifecycle_stage"] as? String == "deleted" {
            notes.append("run \(runID) is deleted on \(server)")
        }
        for metric in data["metrics"] as? [[String: Any]] ?? [] {
            guard let key = metric["key"] as? String else {
                throw ImportError("run \(runID) on \(server) has a metric without a key: malformed answer")
            }
            // MLflow's JSON writes non-finite values as the strings "NaN", "Infinity", "-Infinity".
            let number: Double
            if let value = metric["value"] as? NSNumber, !(metric["value"] is Bool) {
                number = value.doubleValue
            } else if let text = metric["value"] as? String {
                number = Double(text) ?? (text == "Infinity" ? .infinity : text == "-Infinity" ? -.infinity : .nan)
            } else {
                throw ImportError("metric '\(key)' of run \(runID) on \(server) has no numeric value: malformed answer")
            }
            guard number.isFinite else {
                let shown = number.isNaN ? "NaN" : number > 0 ? "+inf" : "-inf"
                throw ImportError("metric '\(key)' of run \(runID) on \(server) is \(shown): a RunManifest holds finite numbers only; fix the run's metric or leave it out")
            }
            metrics.append((key, number))
        }
        metrics.sort { $0.key < $1.key }
        for param in data["params"] as? [[String: Any]] ?? [] {
            guard let key = param["key"] as? String, let value = param["value"] as? String else {
                throw ImportError("run \(runID) on \(server) has a param without a key or text value: malformed answer")
            }
            params.append((key, value))
        }
        params.sort { $0.key < $1.key }
        var tags: [String: String] = [:]
        for tag in data["tags"] as? [[String: Any]] ?? [] {
            if let key = tag["key"] as? String, let value = tag["value"] as? String { tags[key] = value }
        }
        commit = tags["mlflow.source.git.commit"]
        repository = tags["mlflow.source.git.repoURL"]
        if runName == nil { runName = tags["mlflow.runName"] }

        let inputs = (run["inputs"] as? [String: Any])?["dataset_inputs"] as? [[String: Any]] ?? []
        let datasets: [(name: String, digest: String?, context: String?)] = inputs.compactMap { input in
            guard let dataset = input["dataset"] as? [String: Any], let name = dataset["name"] as? String else { return nil }
            let context = (input["tags"] as? [[String: Any]] ?? [])
                .first { $0["key"] as? String == "mlflow.data.context" }?["value"] as? String
            return (name, dataset["digest"] as? String, context)
        }
        let training = datasets.filter { $0.context == "training" }
        if training.count == 1 || (training.isEmpty && datasets.count == 1) {
            let chosen = training.first ?? datasets[0]
            dataset = (chosen.name, chosen.digest)
        } else if !datasets.isEmpty {
            let names = datasets.map { "\($0.name) (\($0.context ?? "no context"))" }.joined(separator: ", ")
            notes.append("run \(runID) has several dataset inputs and not exactly one with context 'training' (\(names)): spec.dataset is left as it was")
        }
    }

    /// Writes what the run says into `spec`, keeping everything else; records the spec paths
    /// written in `fields`.
    func apply(to spec: inout ManifestValue, model: String, version: String, artifacts: [Artifact], md5: Bool,
               fields: inout Set<String>, notes: inout [String]) {
        spec.set("model", .string(model))
        spec.set("version", .string(version))
        fields.formUnion(["model", "version"])

        if commit != nil || repository != nil {
            var code = spec["code"] ?? .map([])
            if let commit {
                code.set("commit", .string(commit))
                fields.insert("code.commit")
            }
            if let repository {
                code.set("repository", .string(repository))
                fields.insert("code.repository")
            }
            spec.set("code", code)
        }

        if let dataset {
            var value = spec["dataset"] ?? .map([])
            let before = (value["name"], value["version"])
            value.set("name", .string(dataset.name))
            fields.insert("dataset.name")
            if let digest = dataset.digest {
                value.set("version", .string(digest))
                fields.insert("dataset.version")
                if TextFormat.sha256.accepts(digest) {
                    value.set("sha256", .string(digest.lowercased()))
                    fields.insert("dataset.sha256")
                }
            }
            if value["sha256"] != nil, !fields.contains("dataset.sha256"),
               before.0 != value["name"] || before.1 != value["version"] {
                value.remove("sha256")
                notes.append("spec.dataset.sha256 was removed: it was written for another dataset name or version than the run's")
            }
            spec.set("dataset", value)
        }

        let seed = params.first { $0.key == "seed" }
        let hyperparameters = params.filter { $0.key != "seed" }
        if seed != nil || !hyperparameters.isEmpty {
            var config = spec["config"] ?? .map([])
            if let seed {
                if let integer = YAMLText.integer(seed.value) {
                    config.set("seed", .int(integer))
                } else {
                    config.set("seed", .string(seed.value))
                    notes.append("param 'seed' is '\(seed.value)', not an integer: spec.config.seed will not pass the schema or a lineage rule")
                }
                fields.insert("config.seed")
            }
            var values = config["hyperparameters"] ?? .map([])
            if case .map = values {} else { values = .map([]) }
            for (key, text) in hyperparameters {
                // Params are strings in MLflow; a JSON number is written back as a number.
                values.set(key, YAMLText.isJSONNumber(text) ? .number(text: text) : .string(text))
                fields.insert("config.hyperparameters.\(key)")
            }
            config.set("hyperparameters", values)
            spec.set("config", config)
        }

        if !artifacts.isEmpty {
            var list: [ManifestValue]
            if case .list(let items)? = spec["artifacts"] { list = items } else { list = [] }
            for artifact in artifacts {
                var entry = ManifestValue.map([])
                var index: Int?
                if let found = list.firstIndex(where: { $0["path"] == .string(artifact.path) }) {
                    entry = list[found]
                    index = found
                }
                entry.set("path", .string(artifact.path))
                entry.set("sha256", .string(artifact.sha256))
                if md5 || entry["md5"] != nil { entry.set("md5", .string(artifact.md5)) }
                entry.set("sizeBytes", .int(artifact.size))
                if let index { list[index] = entry } else { list.append(entry) }
                fields.insert("artifacts[\(artifact.path)]")
            }
            spec.set("artifacts", .list(list))
        }

        if !metrics.isEmpty {
            var values = spec["metrics"] ?? .map([])
            if case .map = values {} else { values = .map([]) }
            for (key, value) in metrics {
                values.set(key, .number(value))
                fields.insert("metrics.\(key)")
            }
            spec.set("metrics", values)
        }
    }
}
