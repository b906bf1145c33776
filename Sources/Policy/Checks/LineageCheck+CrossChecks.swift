import Documents
import Foundation

/// The lineage items that cross-check what the run says against another source instead of
/// taking it at its word: the training config file at the code commit (`configFile`), the
/// model card (`card`, `cardSize`), and the dataset's checksum (`datasetChecksum`).
extension LineageCheck {
    // MARK: datasetChecksum

    func datasetChecksum(in context: EvaluationContext, into found: inout [Violation], evidence: inout [Evidence]) {
        guard let value = read(.datasetChecksum, in: context, into: &found, evidence: &evidence) else { return }
        guard value.isScalar, let text = value.string ?? value.text else {
            found.append(Self.wrongType(.datasetChecksum, value, expected: "a SHA-256 checksum of 64 hex characters"))
            return
        }
        if !TextFormat.sha256.accepts(text) {
            found.append(Violation("datasetChecksum: \(Item.datasetChecksum.path): \(TextFormat.sha256.violation(text))",
                                   at: value.location))
        }
    }

    // MARK: configFile

    /// One value of a flattened configuration: dotted key → the value, where its key is written.
    struct ConfigEntry {
        var key: String
        var value: YAMLValue
        var keyLocation: SourceLocation
    }

    func configFile(in context: EvaluationContext, into found: inout [Violation], evidence: inout [Evidence]) {
        guard let fileValue = read(.configFile, in: context, into: &found, evidence: &evidence) else { return }
        guard let file = fileValue.string, TextFormat.relativePath.accepts(file) else {
            found.append(Violation("configFile: \(Item.configFile.path) must be a repository-relative path, found \(ValueFormatting.value(fileValue)); the rule fails closed",
                                   at: fileValue.location))
            return
        }
        guard let commitValue = read(.codeCommit, in: context, into: &found, evidence: &evidence) else { return }
        guard let commit = commitValue.string, TextFormat.commitSHA.accepts(commit) else {
            found.append(Violation("configFile: \(file) is read at \(Item.codeCommit.path), which must be a full 40-character hex commit id (found \(ValueFormatting.value(commitValue))); the rule fails closed",
                                   at: commitValue.location))
            return
        }
        let short = String(commit.prefix(7))
        guard let repository = context.repository else {
            found.append(Violation("configFile: \(file) at commit \(short) cannot be read: no repository is available; the rule fails closed",
                                   at: fileValue.location))
            return
        }
        let bytes: [UInt8]
        switch repository.file(at: file, inCommit: commit) {
        case .unavailable(let why):
            found.append(Violation("configFile: \(file) at commit \(short) cannot be read: \(why); the rule fails closed", at: fileValue.location))
            return
        case .unknownCommit:
            found.append(Violation("configFile: \(file) (\(Item.configFile.path)) is read at commit \(commit) (\(Item.codeCommit.path)), which does not exist in this repository; the rule fails closed",
                                   at: commitValue.location, notes: [Finding.Note("the config file named here", at: fileValue.location)]))
            return
        case .missing:
            found.append(Violation("configFile: \(file) (\(Item.configFile.path)) does not exist at commit \(short) (\(Item.codeCommit.path)), so the run's configuration cannot be verified",
                                   at: fileValue.location, notes: [Finding.Note("the code commit it is read at", at: commitValue.location)]))
            return
        case .content(let content):
            bytes = content
        }
        let root: YAMLValue
        do {
            let documents = try YAMLLoader.load(bytes, file: file)
            guard documents.count == 1, let only = documents.first, only.map != nil else {
                let what = documents.isEmpty ? "is empty" : documents.count > 1 ? "holds \(documents.count) documents"
                    : "holds \(documents[0].typeDescription), not a mapping of keys"
                found.append(Violation("configFile: \(file) at commit \(short) \(what): it must be one YAML or JSON mapping; the rule fails closed",
                                       at: fileValue.location,
                                       notes: documents.first.map { [Finding.Note("\(file) at commit \(short)", at: $0.location)] } ?? []))
                return
            }
            root = only
        } catch {
            found.append(Violation("configFile: \(file) at commit \(short) is not YAML or JSON (\(error.message)); the rule fails closed",
                                   at: fileValue.location,
                                   notes: [Finding.Note("\(file) at commit \(short) cannot be parsed here", at: error.location)]))
            return
        }
        evidence.append(Evidence(path: "repository.commits[\(short)].files[\(file)]",
                                 value: YAMLValue(.string("\(file) at \(short)"), at: root.location, text: "\(file) at \(short)"),
                                 location: root.location))
        let source = "\(file) at commit \(short)"

        // The file's side: `seed`, and `hyperparameters` (or every other top-level key).
        let fileSeed = root.map?.entry("seed")
        let fileParameters: [ConfigEntry]
        let fileAnchor: SourceLocation
        if let entry = root.map?.entry("hyperparameters"), entry.value.map != nil {
            fileParameters = Self.flatten(entry.value)
            fileAnchor = entry.keyLocation
        } else {
            var rest = root
            if case .map(let map) = root.kind {
                rest = YAMLValue(.map(YAMLMap(map.entries.filter { $0.key != "seed" })), at: root.location)
            }
            fileParameters = Self.flatten(rest)
            fileAnchor = root.location
        }

        // The run's side.
        let configMap = context.lookup("run.spec.config").foundValue?.map
        let runAnchor = configMap?.entry("hyperparameters")?.keyLocation ?? fileValue.location
        var runParameters: [ConfigEntry] = []
        switch context.lookup("run.spec.config.hyperparameters") {
        case .missing(let reason, let location):
            found.append(Violation("configFile: \(reason); the rule fails closed", at: location))
            return
        case .found(let value):
            guard value.map != nil else {
                found.append(Self.wrongType(.configFile, value, expected: "a mapping of hyperparameters"))
                return
            }
            runParameters = Self.flatten(value)
        }

        // seed
        let runSeed = configMap?.entry("seed")
        switch (runSeed, fileSeed) {
        case (nil, nil): break
        case (let run?, nil):
            found.append(Violation("configFile: run.spec.config.seed is \(ValueFormatting.value(run.value)), but \(source) has no seed",
                                   at: run.value.location, notes: [Finding.Note("\(source): no top-level seed", at: root.location)]))
        case (nil, let config?):
            found.append(Violation("configFile: \(source) sets seed: \(ValueFormatting.value(config.value)), but the run has no run.spec.config.seed",
                                   at: fileValue.location,
                                   notes: [Finding.Note("\(source): seed is \(ValueFormatting.value(config.value))", at: config.value.location)]))
        case (let run?, let config?):
            if let difference = Self.difference(run.value, config.value) {
                found.append(Violation("configFile: run.spec.config.seed is \(difference.run), but \(source) has seed: \(difference.config)",
                                       at: run.value.location,
                                       notes: [Finding.Note("\(source): seed is \(difference.config)", at: config.value.location)]))
            }
        }

        // hyperparameters, key by key: the run's order, then keys only the file has.
        let fileByKey = Dictionary(fileParameters.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let runKeys = Set(runParameters.map(\.key))
        for entry in runParameters {
            let path = "run.spec.config.hyperparameters.\(entry.key)"
            guard let other = fileByKey[entry.key] else {
                found.append(Violation("configFile: \(path) is \(ValueFormatting.value(entry.value)), but \(source) has no \(entry.key)",
                                       at: entry.keyLocation,
                                       notes: [Finding.Note("\(source): no \(entry.key) here", at: fileAnchor)]))
                continue
            }
            if let difference = Self.difference(entry.value, other.value) {
                found.append(Violation("configFile: \(path) is \(difference.run), but \(source) has \(entry.key): \(difference.config)",
                                       at: entry.value.location,
                                       notes: [Finding.Note("\(source): \(entry.key) is \(difference.config)", at: other.value.location)]))
            }
        }
        for entry in fileParameters where !runKeys.contains(entry.key) {
            found.append(Violation("configFile: \(source) sets \(entry.key): \(ValueFormatting.value(entry.value)), but the run's hyperparameters (run.spec.config.hyperparameters) have no \(entry.key)",
                                   at: runAnchor,
                                   notes: [Finding.Note("\(source): \(entry.key) is \(ValueFormatting.value(entry.value))", at: entry.keyLocation)]))
        }
    }

    /// A mapping as dotted keys (`optimizer.lr`); lists and scalars are leaves.
    static func flatten(_ value: YAMLValue, prefix: String = "") -> [ConfigEntry] {
        guard case .map(let map) = value.kind else { return [] }
        var result: [ConfigEntry] = []
        for entry in map.entries {
            let key = prefix.isEmpty ? entry.key : prefix + "." + entry.key
            if case .map(let inner) = entry.value.kind, !inner.entries.isEmpty {
                result += flatten(entry.value, prefix: key)
            } else {
                result.append(ConfigEntry(key: key, value: entry.value, keyLocation: entry.keyLocation))
            }
        }
        return result
    }

    /// How two values read when they differ (nil when they are equal): numbers compare as
    /// numbers, everything else by type and value; a difference in type says both types.
    static func difference(_ run: YAMLValue, _ config: YAMLValue) -> (run: String, config: String)? {
        if same(run, config) { return nil }
        let bothNumbers = run.number != nil && config.number != nil
        if bothNumbers || run.typeDescription == config.typeDescription {
            return (ValueFormatting.value(run), ValueFormatting.value(config))
        }
        return ("\(run.typeDescription) \(ValueFormatting.value(run))", "\(config.typeDescription) \(ValueFormatting.value(config))")
    }

    /// Equality for configuration values: integers exactly, numbers numerically, other
    /// scalars by type and value, lists item by item, mappings key by key.
    static func same(_ a: YAMLValue, _ b: YAMLValue) -> Bool {
        switch (a.kind, b.kind) {
        case (.int(let x), .int(let y)): return x == y
        case (.int, .double), (.double, .int), (.double, .double): return a.number == b.number
        case (.string(let x), .string(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.null, .null): return true
        case (.list(let x), .list(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        case (.map(let x), .map(let y)):
            return x.entries.count == y.entries.count
                && x.entries.allSatisfy { entry in y[entry.key].map { same(entry.value, $0) } ?? false }
        default: return false
        }
    }

    // MARK: card

    func card(in context: EvaluationContext, into found: inout [Violation], evidence: inout [Evidence]) {
        guard let cardSpec = read(.card, in: context, into: &found, evidence: &evidence) else { return }
        // The teacher: both name the same one, or neither names one.
        let runTeacher = context.lookup("run.spec.teacher").foundValue
        let cardTeacher = cardSpec["teacher"].flatMap { $0.isNull ? nil : $0 }
        evidence.append(Evidence(path: "card.spec.teacher", value: cardTeacher, location: cardTeacher?.location))
        switch (cardTeacher, runTeacher) {
        case (nil, nil): break
        case (let declared?, nil):
            found.append(Violation("card: the model card declares teacher \(Self.describe(declared)) (card.spec.teacher), but the run names no teacher (run.spec.teacher)",
                                   at: declared.location,
                                   notes: [Finding.Note("the run, which names no teacher", at: context.lookup("run.spec").foundValue?.location ?? declared.location)]))
        case (nil, let named?):
            found.append(Violation("card: the run names teacher \(Self.describe(named)) (run.spec.teacher), but the model card declares none (card.spec.teacher)",
                                   at: cardSpec.location,
                                   notes: [Finding.Note("the run's teacher", at: named.location)]))
        case (let declared?, let named?):
            for (field, runField) in [("model", "model"), ("version", "version")] {
                compare(card: declared[field], cardPath: "card.spec.teacher.\(field)", cardAnchor: declared.location,
                        run: named[runField], runPath: "run.spec.teacher.\(runField)", runAnchor: named.location,
                        what: "teacher \(field)", into: &found)
            }
        }
        // The training data: card.spec.trainingData {dataset, version} against run.spec.dataset {name, version}.
        guard let data = cardSpec["trainingData"], !data.isNull else {
            found.append(Violation("card: card.spec.trainingData is missing, so the card's training data cannot be compared with the run's; the rule fails closed",
                                   at: cardSpec.location))
            return
        }
        let runData = context.lookup("run.spec.dataset").foundValue
        guard let runData else {
            found.append(Violation("card: run.spec.dataset is missing, so the run's training data cannot be compared with the card's; the rule fails closed",
                                   at: context.lookup("run.spec").foundValue?.location ?? data.location,
                                   notes: [Finding.Note("the card's training data", at: data.location)]))
            return
        }
        compare(card: data["dataset"], cardPath: "card.spec.trainingData.dataset", cardAnchor: data.location,
                run: runData["name"], runPath: "run.spec.dataset.name", runAnchor: runData.location,
                what: "training dataset", into: &found)
        compare(card: data["version"], cardPath: "card.spec.trainingData.version", cardAnchor: data.location,
                run: runData["version"], runPath: "run.spec.dataset.version", runAnchor: runData.location,
                what: "training dataset version", into: &found)
    }

    /// Compares one text of the card with the run's, as written; a side that is missing fails closed.
    private func compare(card: YAMLValue?, cardPath: String, cardAnchor: SourceLocation,
                         run: YAMLValue?, runPath: String, runAnchor: SourceLocation,
                         what: String, into found: inout [Violation]) {
        func text(_ value: YAMLValue?) -> (text: String, location: SourceLocation)? {
            guard let value, value.isScalar, !value.isNull, let text = value.text else { return nil }
            return (text, value.location)
        }
        switch (text(card), text(run)) {
        case (let c?, let r?):
            if c.text != r.text {
                found.append(Violation("card: the model card's \(what) is '\(c.text)' (\(cardPath)), but the run's is '\(r.text)' (\(runPath))",
                                       at: c.location, notes: [Finding.Note("the run's \(what): '\(r.text)'", at: r.location)]))
            }
        case (nil, let r?):
            found.append(Violation("card: \(cardPath) is missing, so the card's \(what) cannot be compared with the run's '\(r.text)'; the rule fails closed",
                                   at: card?.location ?? cardAnchor, notes: [Finding.Note("the run's \(what)", at: r.location)]))
        case (let c?, nil):
            found.append(Violation("card: \(runPath) is missing, so the run's \(what) cannot be compared with the card's '\(c.text)'; the rule fails closed",
                                   at: c.location, notes: [Finding.Note("where the run's \(what) belongs", at: run?.location ?? runAnchor)]))
        case (nil, nil):
            found.append(Violation("card: neither \(cardPath) nor \(runPath) is set, so the \(what) cannot be compared; the rule fails closed",
                                   at: cardAnchor, notes: [Finding.Note("the run's side", at: runAnchor)]))
        }
    }

    static func describe(_ teacher: YAMLValue) -> String {
        [teacher["model"]?.text, teacher["version"]?.text].compactMap { $0 }.joined(separator: " ")
    }

    // MARK: cardSize

    /// The size of the file an artifact path holds: a file's bytes, or the `size` a pointer
    /// declares (Git LFS, DVC `*.dvc` / `dvc.lock`): the one place that reads a pointer's size.
    static func measuredSize(_ facts: FileFacts) -> (bytes: Int?, how: String) {
        switch facts {
        case .missing: return (nil, "does not exist in this revision")
        case .content(_, let size): return (size, "the file's size")
        case .lfsPointer(_, let size): return (size, size == nil ? "a Git LFS pointer without a size" : "its Git LFS pointer's size")
        case .dvcPointer(let output):
            if output.isDirectory { return (nil, "a DVC directory output (\(output.pointer)), whose size is not one file's") }
            return (output.size, output.size == nil ? "a DVC pointer without a size (\(output.pointer))" : "its DVC pointer's size (\(output.pointer))")
        case .unreadablePointer(let reason, _): return (nil, "an unreadable DVC pointer: \(reason)")
        }
    }

    func cardSize(in context: EvaluationContext, into found: inout [Violation], evidence: inout [Evidence]) {
        guard let sizeValue = read(.cardSize, in: context, into: &found, evidence: &evidence) else { return }
        guard let declared = sizeValue.number, declared.isFinite, declared >= 0 else {
            found.append(Self.wrongType(.cardSize, sizeValue, expected: "a size in megabytes (a number, at least 0)"))
            return
        }
        let listPath = Item.artifacts.path
        guard case .found(let listValue) = context.lookup(listPath), let list = listValue.list, !list.isEmpty else {
            found.append(Violation("cardSize: the card's sizeMB \(ValueFormatting.number(declared)) cannot be compared: \(listPath) lists no artifact; the rule fails closed",
                                   at: sizeValue.location))
            return
        }
        guard let repository = context.repository else {
            found.append(Violation("cardSize: the size of \(listPath) cannot be measured: no repository is available; the rule fails closed",
                                   at: sizeValue.location))
            return
        }
        var total = 0
        var parts: [String] = []
        var notes: [Finding.Note] = []
        for (index, artifact) in list.enumerated() {
            guard let pathValue = artifact["path"], let path = pathValue.string, TextFormat.relativePath.accepts(path) else {
                found.append(Violation("cardSize: \(listPath)[\(index)].path must be a repository-relative path; the size cannot be measured and the rule fails closed",
                                       at: artifact["path"]?.location ?? artifact.location))
                return
            }
            let (bytes, how) = Self.measuredSize(repository.file(at: path))
            guard let bytes else {
                found.append(Violation("cardSize: \(path) (\(listPath)[\(index)].path) \(how), so the model's size cannot be measured; the rule fails closed",
                                       at: sizeValue.location, notes: [Finding.Note("the artifact", at: pathValue.location)]))
                return
            }
            total += bytes
            parts.append("\(path) \(bytes) bytes")
            notes.append(Finding.Note("\(path): \(bytes) bytes (\(how))", at: pathValue.location))
        }
        let measured = Double(total) / 1_000_000
        let text = "\(ValueFormatting.number(measured)) MB"
        evidence.append(Evidence(path: "repository.files[\(listPath)].sizeMB",
                                 value: YAMLValue(.double(measured), at: listValue.location, text: text),
                                 location: listValue.location))
        // Inclusive, with the reference's 1e-9 relative slack for a bound written as computed.
        let allowed = sizeTolerance * measured
        if abs(declared - measured) > allowed + 1e-9 * max(1, measured) {
            let share = ValueFormatting.number((sizeTolerance * 100 * 1e6).rounded() / 1e6)
            found.append(Violation("cardSize: the model card says \(ValueFormatting.number(declared)) MB (card.spec.sizeMB), but the run's artifacts measure \(text) (\(parts.joined(separator: ", "))): more than \(share)% apart",
                                   at: sizeValue.location, notes: notes))
        }
    }
}

extension EvaluationContext.Lookup {
    /// The value found, if any.
    var foundValue: YAMLValue? {
        if case .found(let value) = self { return value }
        return nil
    }
}
