import Foundation
import Documents

extension HuggingFaceCardImport {
    /// One README into one ModelCard's YAML, collecting every problem rather than stopping at
    /// the first (a user fixing a README sees all of them at once).
    struct Converter {
        let card: HuggingFaceCard
        let request: Request
        var problems: [String] = []
        var warnings: [String] = []

        init(card: HuggingFaceCard, request: Request) {
            self.card = card
            self.request = request
        }

        mutating func problem(_ location: SourceLocation, _ message: String) {
            problems.append("\(location): \(message)")
        }

        /// Where the Markdown starts: missing sections are reported here.
        var bodyLocation: SourceLocation {
            let text = card.preamble.first { !$0.text.trimmingCharacters(in: .whitespaces).isEmpty }
            let line = text?.number ?? card.sections.first.map(\.location.line) ?? card.preamble.first?.number ?? 1
            return SourceLocation(file: card.file, line: line, column: 1)
        }

        mutating func convert(blob: String?, sourceFile: String) -> String? {
            if !TextFormat.name.accepts(request.model) {
                problems.append("--model '\(request.model)' is not a Tollgate name ([a-z0-9][a-z0-9._-]*)")
            }
            if !TextFormat.nonBlank.accepts(request.version) { problems.append("--version must not be empty") }
            let name = request.name ?? "\(request.model)-\(request.version)"
            if !TextFormat.name.accepts(name) {
                problems.append("the card's name '\(name)' is not a Tollgate name; pass --name")
            }
            guard let metadata = card.metadata else {
                problem(.start(of: card.file), """
                    \(card.file) has no YAML front matter (a block between '---' lines at the very top, \
                    where a Hugging Face card keeps license, datasets and base_model)
                    """)
                return nil
            }
            let license = licence(metadata)
            let training = trainingData(metadata)
            let teacher = teacher(metadata)
            let results = results(metadata)
            let description = description()
            let uses = required(HuggingFaceCardImport.Titles.uses, "intended uses", "spec.intendedUse.primaryUses",
                                headings: "'Uses' / 'Direct Use' / 'Intended uses'")
            let outOfScope = required(HuggingFaceCardImport.Titles.outOfScope, "out-of-scope uses",
                                      "spec.intendedUse.outOfScope", headings: "'Out-of-Scope Use'")
            let risks = card.sections(titled: HuggingFaceCardImport.Titles.risks).flatMap(HuggingFaceCard.listItems)
            var limitations = card.sections(titled: HuggingFaceCardImport.Titles.limitations).flatMap(HuggingFaceCard.listItems)
            for risk in risks where !limitations.contains(risk) { limitations.append(risk) }
            if limitations.isEmpty {
                missing(card.sections(titled: HuggingFaceCardImport.Titles.limitations.union(HuggingFaceCardImport.Titles.risks)),
                        "limitations", "spec.limitations", headings: "'Limitations' / 'Bias, Risks, and Limitations'")
            }
            let recommendations = card.sections(titled: HuggingFaceCardImport.Titles.recommendations)
                .flatMap(HuggingFaceCard.listItems)
            let ethical: [(String, String)] = recommendations.isEmpty ? [] : risks.map { ($0, recommendations.joined(separator: " ")) }
            if !risks.isEmpty && recommendations.isEmpty {
                warnings.append("the card's risks have no 'Recommendations' section: spec.ethicalConsiderations is left out")
            }
            var users = request.primaryUsers
            if users.isEmpty {
                users = card.sections(titled: HuggingFaceCardImport.Titles.users).flatMap(HuggingFaceCard.listItems)
            }
            if users.isEmpty {
                warnings.append("no --primary-user and no 'Intended users' section: spec.intendedUse.primaryUsers is []")
            }
            guard problems.isEmpty else { return nil }

            var out = YAMLWriter()
            out.comment("Imported by `policy import hf-card` from \(sourceFile)\(blob.map { " (blob \($0))" } ?? "").")
            out.comment("Edit the README and import again rather than these values.")
            if !results.isEmpty {
                out.comment("Results the card reports (model-index; self-reported, not evidence: the gate reads")
                out.comment("the RunManifest's metrics):")
                for line in results { out.comment("  \(line)") }
            }
            out.line("apiVersion: tollgate/v1")
            out.line("kind: ModelCard")
            out.line("metadata:")
            out.line("  name: \(YAMLWriter.quoted(name))")
            let annotations = self.annotations(metadata)
            if !annotations.isEmpty {
                out.line("  annotations:")
                for (key, value) in annotations { out.line("    \(key): \(YAMLWriter.quoted(value))") }
            }
            out.line("spec:")
            out.line("  model: \(YAMLWriter.quoted(request.model))")
            out.line("  version: \(YAMLWriter.quoted(request.version))")
            out.list("owners", request.owners, indent: 2)
            out.line("  description: \(YAMLWriter.quoted(description ?? ""))")
            out.line("  intendedUse:")
            out.list("primaryUses", uses, indent: 4)
            out.list("primaryUsers", users, indent: 4)
            out.list("outOfScope", outOfScope, indent: 4)
            out.list("limitations", limitations, indent: 2)
            if !ethical.isEmpty {
                out.line("  ethicalConsiderations:")
                for (risk, mitigation) in ethical {
                    out.line("    - name: \(YAMLWriter.quoted(risk))")
                    out.line("      mitigation: \(YAMLWriter.quoted(mitigation))")
                }
            }
            if let training {
                out.line("  trainingData: {dataset: \(YAMLWriter.quoted(training.0)), version: \(YAMLWriter.quoted(training.1))}")
            }
            if let teacher {
                out.line("  teacher: {model: \(YAMLWriter.quoted(teacher.0)), version: \(YAMLWriter.quoted(teacher.1))}")
            }
            if let license { out.line("  license: \(YAMLWriter.quoted(license))") }
            out.line("  source:")
            out.line("    tool: huggingface")
            out.line("    file: \(YAMLWriter.quoted(sourceFile))")
            if let blob { out.line("    blob: \(YAMLWriter.quoted(blob))") }
            out.line("    importedAt: \(YAMLWriter.quoted(Self.rfc3339(request.importedAt)))")
            return out.text
        }

        static func rfc3339(_ date: Date) -> String {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime]
            return formatter.string(from: date)
        }

        // MARK: sections

        /// The items of the sections titled `titles`; none is a problem located at the section
        /// that says nothing, or where the Markdown starts (or, with --allow-incomplete, a warning).
        mutating func required(_ titles: Set<String>, _ what: String, _ field: String, headings: String) -> [String] {
            let sections = card.sections(titled: titles)
            let items = sections.flatMap(HuggingFaceCard.listItems)
            if items.isEmpty { missing(sections, what, field, headings: headings) }
            return items
        }

        mutating func missing(_ sections: [HuggingFaceCard.Section], _ what: String, _ field: String, headings: String) {
            let message: String
            let location: SourceLocation
            if let section = sections.first {
                location = section.location
                message = "the section '\(section.title)' states no \(what) (only the template's placeholder or nothing); \(field) is required"
            } else {
                location = bodyLocation
                message = "the card has no section for \(what) (\(headings)); \(field) is required"
            }
            if request.allowIncomplete {
                warnings.append("\(location): \(message) — written as [], which the rai policy blocks")
            } else {
                problem(location, message + " (or pass --allow-incomplete to write [] and let the gate judge)")
            }
        }

        /// The "Model description" section's paragraphs, else those under the title.
        mutating func description() -> String? {
            let candidates = card.sections(titled: HuggingFaceCardImport.Titles.description)
                + card.sections.filter { $0.level == 1 }.prefix(1)
            for section in candidates {
                let paragraphs = HuggingFaceCard.items(of: section.lines).paragraphs
                if !paragraphs.isEmpty { return paragraphs.joined(separator: "\n\n") }
            }
            let preamble = HuggingFaceCard.items(of: card.preamble).paragraphs
            if !preamble.isEmpty { return preamble.joined(separator: "\n\n") }
            problem(bodyLocation, "the card describes nothing: no 'Model Description' section and no text under its title; spec.description is required")
            return nil
        }

        // MARK: front matter

        /// A scalar's text, or a problem located at the value.
        mutating func text(_ value: YAMLValue, _ key: String) -> String? {
            switch value.kind {
            case .list, .map:
                problem(value.location, "'\(key)' must be text here, not \(HuggingFaceCard.describe(value))")
                return nil
            case .null:
                return nil
            default:
                return value.text
            }
        }

        /// A string or a list of strings (how huggingface_hub types datasets, language, base_model, tags).
        mutating func texts(_ metadata: YAMLMap, _ key: String) -> [(String, SourceLocation)]? {
            guard let value = metadata[key] else { return nil }
            if let list = value.list {
                return list.compactMap { item in text(item, key).map { ($0, item.location) } }
            }
            return text(value, key).map { [($0, value.location)] }
        }

        mutating func licence(_ metadata: YAMLMap) -> String? {
            guard let value = metadata["license"], let license = text(value, "license") else { return nil }
            if license == "other", let named = metadata["license_name"], let name = text(named, "license_name") { return name }
            return license
        }

        mutating func trainingData(_ metadata: YAMLMap) -> (String, String)? {
            guard let datasets = texts(metadata, "datasets"), !datasets.isEmpty else {
                let location = metadata.entry("datasets")?.keyLocation ?? card.metadataLocation
                problem(location, "the front matter names no training data ('datasets'); spec.trainingData is required")
                return nil
            }
            var chosen = datasets[0]
            if let wanted = request.dataset {
                guard let found = datasets.first(where: { $0.0 == wanted }) else {
                    problem(datasets[0].1, "--dataset '\(wanted)' is not one of the card's datasets (\(datasets.map(\.0).joined(separator: ", ")))")
                    return nil
                }
                chosen = found
            } else if datasets.count > 1 {
                problem(datasets[0].1, "the card names \(datasets.count) datasets (\(datasets.map(\.0).joined(separator: ", "))); pass --dataset to say which one the model was trained on")
                return nil
            }
            guard let version = request.datasetVersion, TextFormat.nonBlank.accepts(version) else {
                problem(chosen.1, "the card names the dataset '\(chosen.0)' but no version of it (Hugging Face cards do not pin dataset revisions); pass --dataset-version (a revision, a date, a commit)")
                return nil
            }
            return (chosen.0, version)
        }

        /// The teacher, when the card says the model was distilled or fine-tuned from `base_model`.
        mutating func teacher(_ metadata: YAMLMap) -> (String, String)? {
            let bases = texts(metadata, "base_model") ?? []
            let relation = metadata["base_model_relation"].flatMap { text($0, "base_model_relation") }?.lowercased()
            let tags = (texts(metadata, "tags") ?? []).map { $0.0.lowercased() }
            let derived = relation.map(HuggingFaceCardImport.derivedRelations.contains) ?? false
                || tags.contains(where: HuggingFaceCardImport.derivedTags.contains)
            guard derived || request.teacherVersion != nil || request.teacherModel != nil else { return nil }
            guard let base = bases.first else {
                if request.teacherModel == nil {
                    problem(card.metadataLocation, "--teacher-version is given but the card names no base_model; pass --teacher-model too")
                    return nil
                }
                return request.teacherVersion.map { (request.teacherModel!, $0) } ?? {
                    problems.append("--teacher-model is given without --teacher-version")
                    return nil
                }()
            }
            if bases.count > 1 && request.teacherModel == nil {
                problem(base.1, "the card names \(bases.count) base models (\(bases.map(\.0).joined(separator: ", "))); pass --teacher-model and --teacher-version")
                return nil
            }
            let model = request.teacherModel ?? Self.tollgateName(base.0)
            guard let version = request.teacherVersion, TextFormat.nonBlank.accepts(version) else {
                problem(base.1, "the card is trained from '\(base.0)'\(relation.map { " (base_model_relation: \($0))" } ?? " (tags)") but names no version of it; pass --teacher-version (and --teacher-model when its Tollgate model id is not '\(model)')")
                return nil
            }
            guard TextFormat.name.accepts(model) else {
                problem(base.1, "the teacher's model id '\(model)' is not a Tollgate name; pass --teacher-model")
                return nil
            }
            return (model, version)
        }

        /// A Hub id as a Tollgate name: `google-bert/bert-base-uncased` → `google-bert-bert-base-uncased`.
        static func tollgateName(_ id: String) -> String {
            var name = String(id.lowercased().map { ($0.isASCII && ($0.isLetter || $0.isNumber)) || "._-".contains($0) ? $0 : "-" })
            while let first = name.first, !(first.isLetter || first.isNumber) { name.removeFirst() }
            return name
        }

        /// model-index results as comment lines; a model-index huggingface_hub would refuse is a problem.
        mutating func results(_ metadata: YAMLMap) -> [String] {
            guard let index = metadata["model-index"], index.kind != .null else { return [] }
            guard let models = index.list else {
                problem(index.location, "'model-index' must be a list of models with 'results' (huggingface_hub refuses this card too)")
                return []
            }
            var lines: [String] = []
            for model in models {
                guard let results = model.map?["results"]?.list else {
                    problem(model.location, "a 'model-index' entry needs 'name' and a list of 'results' (huggingface_hub refuses this card too)")
                    continue
                }
                for result in results {
                    guard let entry = result.map, let task = entry["task"]?.map, let taskType = task["type"]?.text,
                          let dataset = entry["dataset"]?.map, let datasetType = dataset["type"]?.text,
                          let metrics = entry["metrics"]?.list else {
                        problem(result.location, "a model-index result needs task.type, dataset.type, dataset.name and metrics (huggingface_hub refuses this card too)")
                        continue
                    }
                    let split = dataset["split"]?.text.map { " (\($0))" } ?? ""
                    let datasetName = dataset["name"]?.text ?? datasetType
                    for metric in metrics {
                        guard let m = metric.map, let type = m["type"]?.text, let value = m["value"], value.text != nil else {
                            problem(metric.location, "a model-index metric needs 'type' and a scalar 'value' (huggingface_hub refuses this card too)")
                            continue
                        }
                        let label = m["name"]?.text ?? type
                        lines.append(Self.oneLine("\(taskType) on \(datasetName)\(split): \(label) = \(value.text ?? "")"))
                    }
                }
            }
            return lines
        }

        static func oneLine(_ text: String) -> String {
            text.split(whereSeparator: \.isNewline).joined(separator: " ")
        }

        /// Front-matter fields the ModelCard has no field for, kept as annotations (never interpreted).
        mutating func annotations(_ metadata: YAMLMap) -> [(String, String)] {
            var found: [(String, String)] = []
            for key in ["language", "base_model", "base_model_relation", "pipeline_tag", "library_name", "tags"] {
                guard let values = texts(metadata, key), !values.isEmpty else { continue }
                found.append(("huggingface.co/\(key)", values.map(\.0).joined(separator: ", ")))
            }
            return found
        }
    }
}

/// Just enough YAML writing for an imported document: every text double-quoted with JSON's
/// escapes (a YAML 1.2 double-quoted scalar), so no value is read as a number, a boolean or null.
struct YAMLWriter {
    private(set) var text = ""

    mutating func line(_ line: String) { text += line + "\n" }

    mutating func comment(_ comment: String) {
        line("# " + comment.map { $0.isNewline ? " " : String($0) }.joined())
    }

    mutating func list(_ key: String, _ items: [String], indent: Int) {
        let pad = String(repeating: " ", count: indent)
        if items.isEmpty {
            line("\(pad)\(key): []")
            return
        }
        line("\(pad)\(key):")
        for item in items { line("\(pad)  - \(Self.quoted(item))") }
    }

    /// A YAML double-quoted scalar (one writer of them for the imports: `YAMLText.quoted`).
    static func quoted(_ value: String) -> String {
        YAMLText.quoted(value)
    }
}
