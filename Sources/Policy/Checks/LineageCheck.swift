import Documents
import Foundation

/// `lineage: {require: [seed, datasetVersion, codeCommit, environmentDigest, artifacts, teacher]}`
/// — reproducibility of the run: what it was built from is pinned and verifiable.
///
/// Each required item that does not hold is its own violation, located at the value (or
/// where it is missing). Anything that cannot be verified fails closed: no repository to
/// look a commit or a file up in, an empty artifact list, a teacher named but not found.
public struct LineageCheck: Check {
    /// One reproducibility requirement.
    public enum Item: String, Sendable, CaseIterable {
        /// `run.spec.config.seed` is an integer.
        case seed
        /// `run.spec.dataset.version` is set, not empty and not `latest`.
        case datasetVersion
        /// `run.spec.code.commit` is a full commit id that exists in this repository.
        case codeCommit
        /// `run.spec.environment.image` is pinned by `@sha256:<64 hex>`.
        case environmentDigest
        /// Every `run.spec.artifacts[i].sha256` matches the file at its path in the same
        /// revision (for a Git LFS pointer: the pointer's `oid`); a file tracked by DVC is
        /// verified by the artifact's `md5` against the pointer's.
        case artifacts
        /// A teacher named in `run.spec.teacher` resolves to a RunManifest or ModelCard.
        case teacher
        /// `run.spec.dataset.sha256` is present: a SHA-256 of the dataset.
        case datasetChecksum
        /// The run's seed and hyperparameters equal, key by key, the training config file it
        /// names (`run.spec.config.file`) as the code commit (`run.spec.code.commit`) holds it.
        case configFile
        /// The model card's teacher and training data are the run's.
        case card
        /// The model card's `sizeMB` is the size of the run's artifacts, within `sizeTolerance`.
        case cardSize

        /// The path the item reads.
        public var path: String {
            switch self {
            case .seed: return "run.spec.config.seed"
            case .datasetVersion: return "run.spec.dataset.version"
            case .codeCommit: return "run.spec.code.commit"
            case .environmentDigest: return "run.spec.environment.image"
            case .artifacts: return "run.spec.artifacts"
            case .teacher: return "run.spec.teacher"
            case .datasetChecksum: return "run.spec.dataset.sha256"
            case .configFile: return "run.spec.config.file"
            case .card: return "card.spec"
            case .cardSize: return "card.spec.sizeMB"
            }
        }
    }

    public static let keyword = "lineage"
    public static let summary = """
        Reproducibility of the run, cross-checked instead of trusted: seed set, dataset version \
        pinned and its checksum present, code commit in this repository, image pinned by \
        digest, artifact checksums verified, teacher resolvable, seed and hyperparameters equal \
        to the training config file at the code commit, the model card's teacher, training data \
        and size agreeing with the run. \
        Items: `seed` (run.spec.config.seed is an integer), `datasetVersion` \
        (run.spec.dataset.version is set and not a moving name: `latest`, `main`, `master`, \
        `HEAD`, `dev`, or the name of a local or remote-tracking branch of this repository), \
        `datasetChecksum` (run.spec.dataset.sha256 is present, 64 hex), `codeCommit` (run.spec.code.commit \
        is a full 40-hex commit id that exists in this repository), `environmentDigest` \
        (run.spec.environment.image is pinned by `@sha256:<64 hex>`), `artifacts` (every \
        artifact's sha256 equals the SHA-256 of the file at its path in the same revision, or \
        the `oid` of a Git LFS pointer there; for a file tracked by DVC (`<path>.dvc`, or an \
        output of `dvc.lock`) the artifact's `md5` equals the pointer's, and an artifact with \
        only a sha256 there cannot be verified; a missing file or an empty list blocks), \
        `teacher` (a teacher named in run.spec.teacher resolves to its run manifest or model \
        card), `configFile` (the run's seed and hyperparameters equal, key by key, the training \
        config file named by run.spec.config.file — YAML or JSON — as the code commit \
        run.spec.code.commit holds it, read from git, never the working tree: a top-level \
        `seed` against run.spec.config.seed, and the file's `hyperparameters` mapping, or \
        else its other top-level keys, against run.spec.config.hyperparameters, nested \
        mappings as dotted keys; numbers compare as numbers (1e-3 equals 0.001), other types \
        strictly; each difference, and each key on one side only, is a finding at the run's \
        value with a note at the file's, at that commit; a missing file, an unknown commit or \
        a file that is not a YAML/JSON mapping blocks), `card` (the model card's teacher \
        equals the run's — model and version, or neither names one — and its trainingData \
        dataset and version equal run.spec.dataset name and version; each difference is a \
        finding at the card's value with a note at the run's) and `cardSize` (card.spec.sizeMB, \
        in megabytes of 10^6 bytes, is the total size of the run's artifacts — a file's size, \
        or the `size` its Git LFS pointer declares — within `sizeTolerance`, a share of the \
        measured size, default 0.05, which also lets a card count in MiB). Each failing item is its own finding; what cannot be \
        verified, such as a commit without a repository, fails closed.
        """
    public static let schema = ObjectSchema([
        FieldSchema("require", .list(.text(), minItems: 1),
                    "items to verify: seed, datasetVersion, codeCommit, environmentDigest, artifacts, teacher, datasetChecksum, configFile, card, cardSize"),
        .optional("sizeTolerance", .number,
                  "cardSize: how far the card's sizeMB may be from the measured size, as a share of it (default 0.05, 0 ≤ x < 1)"),
    ])

    /// `cardSize`: the allowed distance between the card's size and the measured one, as a share.
    public var sizeTolerance: Double
    public static let defaultSizeTolerance = 0.05

    /// The required items in the order the policy lists them (each once), with where.
    public var items: [(item: Item, location: SourceLocation)]

    public init?(_ spec: YAMLValue, diagnostics: inout [Diagnostic]) {
        guard let list = spec["require"]?.list else { return nil }
        items = []
        var valid = true
        sizeTolerance = Self.defaultSizeTolerance
        if let value = spec["sizeTolerance"] {
            if let number = value.number, number.isFinite, number >= 0, number < 1 {
                sizeTolerance = number
            } else {
                diagnostics.append(Diagnostic(.schema,
                    "lineage: sizeTolerance must be a share of the measured size, at least 0 and below 1 (found \(ValueFormatting.value(value)))",
                    at: value.location))
                valid = false
            }
        }
        let known = Item.allCases.map(\.rawValue)
        for value in list {
            let word = value.string ?? ""
            guard let item = Item(rawValue: word) else {
                diagnostics.append(Diagnostic(.schema,
                    "lineage: unknown item '\(word)' (known: \(known.joined(separator: ", ")))\(DidYouMean.hint(for: word, among: known))",
                    at: value.location))
                valid = false
                continue
            }
            if !items.contains(where: { $0.item == item }) { items.append((item, value.location)) }
        }
        if !valid { return nil }
    }

    // MARK: Evaluation

    public func evaluate(in context: EvaluationContext) -> CheckOutcome {
        var outcome = CheckOutcome()
        if case .missing(let reason, let location) = context.lookup("run.spec") {
            outcome.violations.append(Violation("lineage: \(reason); the rule fails closed", at: location))
            outcome.evidence = items.map { Evidence(path: $0.item.path, value: nil, location: nil) }
            return outcome
        }
        for (item, location) in items {
            let note = Finding.Note("lineage item '\(item.rawValue)' is required here", at: location)
            var found: [Violation] = []
            switch item {
            case .seed: seed(in: context, into: &found, evidence: &outcome.evidence)
            case .datasetVersion: datasetVersion(in: context, into: &found, evidence: &outcome.evidence)
            case .codeCommit: codeCommit(in: context, into: &found, evidence: &outcome.evidence)
            case .environmentDigest: environmentDigest(in: context, into: &found, evidence: &outcome.evidence)
            case .artifacts: artifacts(in: context, into: &found, evidence: &outcome.evidence)
            case .teacher: teacher(in: context, into: &found, evidence: &outcome.evidence)
            case .datasetChecksum: datasetChecksum(in: context, into: &found, evidence: &outcome.evidence)
            case .configFile: configFile(in: context, into: &found, evidence: &outcome.evidence)
            case .card: card(in: context, into: &found, evidence: &outcome.evidence)
            case .cardSize: cardSize(in: context, into: &found, evidence: &outcome.evidence)
            }
            outcome.violations += found.map { violation in
                var violation = violation
                violation.notes.append(note)
                return violation
            }
        }
        return outcome
    }

    /// The value at `item.path`, or a fail-closed violation naming the path.
    func read(_ item: Item, in context: EvaluationContext, into found: inout [Violation],
                      evidence: inout [Evidence]) -> YAMLValue? {
        switch context.lookup(item.path) {
        case .missing(let reason, let location):
            found.append(Violation("\(item.rawValue): \(reason); the rule fails closed", at: location))
            evidence.append(Evidence(path: item.path, value: nil, location: nil))
            return nil
        case .found(let value):
            evidence.append(Evidence(path: item.path, value: value, location: value.location))
            return value
        }
    }

    static func wrongType(_ item: Item, _ value: YAMLValue, expected: String) -> Violation {
        Violation("\(item.rawValue): \(item.path) must be \(expected), found \(value.typeDescription) \(ValueFormatting.value(value))",
                  at: value.location)
    }

    private func seed(in context: EvaluationContext, into found: inout [Violation], evidence: inout [Evidence]) {
        guard let value = read(.seed, in: context, into: &found, evidence: &evidence) else { return }
        guard case .int = value.kind else {
            found.append(Self.wrongType(.seed, value, expected: "an integer"))
            return
        }
    }

    private func datasetVersion(in context: EvaluationContext, into found: inout [Violation], evidence: inout [Evidence]) {
        guard let value = read(.datasetVersion, in: context, into: &found, evidence: &evidence) else { return }
        guard value.isScalar, let text = value.text else {
            found.append(Self.wrongType(.datasetVersion, value, expected: "a version text"))
            return
        }
        let trimmed = String(text.trimmedOfWhitespace)
        if trimmed.isEmpty {
            found.append(Violation("datasetVersion: \(Item.datasetVersion.path) is empty: pin the dataset version the run was trained on",
                                   at: value.location))
        } else if Self.movingNames.contains(trimmed.lowercased()) {
            found.append(Violation("datasetVersion: \(Item.datasetVersion.path) is '\(text)', which moves: pin the dataset version the run was trained on",
                                   at: value.location))
        } else if let repository = context.repository {
            guard let branches = repository.branchNames() else {
                found.append(Violation("datasetVersion: the branches of this repository cannot be listed, so whether \(Item.datasetVersion.path) '\(text)' names one (and moves) cannot be verified; the rule fails closed",
                                       at: value.location))
                return
            }
            if branches.contains(trimmed) {
                found.append(Violation("datasetVersion: \(Item.datasetVersion.path) is '\(text)', the name of a branch of this repository, which moves: pin the dataset version the run was trained on",
                                       at: value.location))
            }
        }
    }

    /// Dataset versions that name a moving target, whatever the repository (compared in lower case).
    static let movingNames: Set<String> = ["latest", "main", "master", "head", "dev"]

    private func codeCommit(in context: EvaluationContext, into found: inout [Violation], evidence: inout [Evidence]) {
        guard let value = read(.codeCommit, in: context, into: &found, evidence: &evidence) else { return }
        guard let commit = value.string else {
            found.append(Self.wrongType(.codeCommit, value, expected: "a 40-character hex commit id"))
            return
        }
        guard TextFormat.commitSHA.accepts(commit) else {
            found.append(Violation("codeCommit: \(Item.codeCommit.path) '\(commit)' must be a full 40-character hex commit id to pin the code",
                                   at: value.location))
            return
        }
        guard let repository = context.repository else {
            found.append(Violation("codeCommit: commit \(commit) (\(Item.codeCommit.path)) cannot be verified: no repository is available; the rule fails closed",
                                   at: value.location))
            return
        }
        let exists = repository.commitExists(commit)
        evidence.append(Evidence(path: "repository.commits[\(commit)]",
                                 value: YAMLValue(.bool(exists), at: value.location, text: exists ? "true" : "false"),
                                 location: value.location))
        if !exists {
            found.append(Violation("codeCommit: commit \(commit) (\(Item.codeCommit.path)) does not exist in this repository",
                                   at: value.location))
        }
    }

    private func environmentDigest(in context: EvaluationContext, into found: inout [Violation], evidence: inout [Evidence]) {
        guard let value = read(.environmentDigest, in: context, into: &found, evidence: &evidence) else { return }
        guard let image = value.string else {
            found.append(Self.wrongType(.environmentDigest, value, expected: "an image reference pinned by digest"))
            return
        }
        if !TextFormat.imageDigest.accepts(image) {
            found.append(Violation("environmentDigest: \(Item.environmentDigest.path): \(TextFormat.imageDigest.violation(image))",
                                   at: value.location))
        }
    }

    private func artifacts(in context: EvaluationContext, into found: inout [Violation], evidence: inout [Evidence]) {
        let path = Item.artifacts.path
        guard let value = read(.artifacts, in: context, into: &found, evidence: &evidence) else { return }
        guard let list = value.list else {
            found.append(Self.wrongType(.artifacts, value, expected: "a list of {path, sha256}"))
            return
        }
        if list.isEmpty {
            found.append(Violation("artifacts: \(path) is empty: there is no artifact whose checksum can be verified; the rule fails closed",
                                   at: value.location))
            return
        }
        guard let repository = context.repository else {
            found.append(Violation("artifacts: the checksums of \(path) cannot be verified: no repository is available; the rule fails closed",
                                   at: value.location))
            return
        }
        for (index, artifact) in list.enumerated() {
            let itemPath = "\(path)[\(index)]"
            guard artifact.map != nil else {
                found.append(Violation("artifacts: \(itemPath) must be a mapping {path, sha256}, found \(artifact.typeDescription) \(ValueFormatting.value(artifact))",
                                       at: artifact.location))
                continue
            }
            guard let fileValue = artifact["path"], let file = fileValue.string, TextFormat.relativePath.accepts(file) else {
                let shown = artifact["path"].map { " (found \(ValueFormatting.value($0)))" } ?? " (missing)"
                found.append(Violation("artifacts: \(itemPath).path must be a repository-relative path\(shown); the rule fails closed",
                                       at: artifact["path"]?.location ?? artifact.location))
                continue
            }
            let sha256Value = artifact["sha256"], md5Value = artifact["md5"]
            if sha256Value == nil && md5Value == nil {
                found.append(Violation("artifacts: \(itemPath).sha256 of \(file) must be a SHA-256 checksum of 64 hex characters (missing); the rule fails closed",
                                       at: artifact.location))
                continue
            }
            var malformed = false
            for (key, format, value) in [("sha256", TextFormat.sha256, sha256Value), ("md5", TextFormat.md5, md5Value)] {
                guard let value else { continue }
                if let text = value.string, format.accepts(text) { continue }
                let what = format == .sha256 ? "a SHA-256 checksum of 64 hex characters" : "an MD5 checksum of 32 hex characters"
                found.append(Violation("artifacts: \(itemPath).\(key) of \(file) must be \(what) (found \(ValueFormatting.value(value))); the rule fails closed",
                                       at: value.location))
                malformed = true
            }
            if malformed { continue }
            let facts = repository.file(at: file)
            let fileEvidence = "repository.files[\(file)]"
            func record(_ summary: String) {
                evidence.append(Evidence(path: fileEvidence, value: YAMLValue(.string(summary), at: fileValue.location, text: summary),
                                         location: fileValue.location))
            }
            switch facts {
            case .missing:
                evidence.append(Evidence(path: fileEvidence, value: nil, location: nil))
                let recorded = sha256Value?.string.map { "sha256 \($0)" } ?? "md5 \(md5Value?.string ?? "")"
                found.append(Violation("artifacts: \(file) (\(itemPath).path) does not exist in this revision, so its \(recorded) cannot be verified",
                                       at: fileValue.location))
            case .content(let sha256, _), .lfsPointer(let sha256, _):
                let isLFS: Bool
                if case .lfsPointer = facts { isLFS = true } else { isLFS = false }
                let what = isLFS ? "the oid of its Git LFS pointer" : "the file's SHA-256"
                record(isLFS ? "Git LFS pointer, oid sha256:\(sha256)" : "sha256 \(sha256)")
                guard let recordedValue = sha256Value, let recorded = recordedValue.string else {
                    found.append(Violation("artifacts: \(itemPath) of \(file) gives only an md5, but \(file) is \(isLFS ? "a Git LFS pointer" : "a file in git"), verified by SHA-256: add its sha256; the rule fails closed",
                                           at: md5Value?.location ?? artifact.location))
                    continue
                }
                if Self.normalized(recorded) != Self.normalized(sha256) {
                    found.append(Violation("artifacts: \(file) has sha256 \(recorded) in \(itemPath), but \(what) is \(sha256)",
                                           at: recordedValue.location))
                }
            case .dvcPointer(let output):
                record("DVC pointer \(output.pointer), md5 \(output.md5)\(output.isDirectory ? ".dir" : "")")
                let pointerNote = Finding.Note("the DVC pointer records md5 \(output.md5)\(output.isDirectory ? ".dir" : "") for \(file)", at: output.location)
                if output.isDirectory {
                    found.append(Violation("artifacts: \(file) is a directory tracked by DVC (\(output.pointer)), whose md5 covers its listing, not a file: list the files it holds as artifacts; the rule fails closed",
                                           at: fileValue.location, notes: [pointerNote]))
                    continue
                }
                guard let recordedValue = md5Value, let recorded = recordedValue.string else {
                    found.append(Violation("artifacts: \(file) is tracked by DVC (\(output.pointer)), which records an md5 and no SHA-256, so the sha256 in \(itemPath) cannot be verified: add the artifact's md5; the rule fails closed",
                                           at: sha256Value?.location ?? artifact.location, notes: [pointerNote]))
                    continue
                }
                if recorded.lowercased() != output.md5 {
                    found.append(Violation("artifacts: \(file) has md5 \(recorded) in \(itemPath), but its DVC pointer \(output.pointer) records md5 \(output.md5)",
                                           at: recordedValue.location, notes: [pointerNote]))
                }
            case .unreadablePointer(let reason, let location):
                evidence.append(Evidence(path: fileEvidence, value: nil, location: nil))
                found.append(Violation("artifacts: \(file) (\(itemPath)) is tracked by a DVC pointer that cannot be used: \(reason); the rule fails closed",
                                       at: location,
                                       notes: [Finding.Note("the run names the artifact here", at: fileValue.location)]))
            }
        }
    }

    /// Hex digests compare case-insensitively, with or without a `sha256:` prefix.
    private static func normalized(_ digest: String) -> String {
        let lowered = digest.lowercased()
        return lowered.hasPrefix("sha256:") ? String(lowered.dropFirst("sha256:".count)) : lowered
    }

    private func teacher(in context: EvaluationContext, into found: inout [Violation], evidence: inout [Evidence]) {
        // A run that names no teacher has nothing to resolve.
        guard case .found(let named) = context.lookup(Item.teacher.path) else {
            evidence.append(Evidence(path: Item.teacher.path, value: nil, location: nil))
            return
        }
        evidence.append(Evidence(path: Item.teacher.path, value: named, location: named.location))
        let binding = context.bindings["teacher"]
        if let resolved = binding?.value {
            let kind = resolved["kind"]?.string ?? "document"
            let name = resolved["metadata"]?["name"]?.string ?? "?"
            let text = "\(kind) '\(name)'"
            evidence.append(Evidence(path: "teacher", value: YAMLValue(.string(text), at: resolved.location, text: text),
                                     location: resolved.location))
            return
        }
        evidence.append(Evidence(path: "teacher", value: nil, location: nil))
        let model = named["model"]?.text.map { " \($0)" } ?? ""
        let version = named["version"]?.text.map { " \($0)" } ?? ""
        let why = binding?.missingReason ?? "it resolves to no RunManifest or ModelCard"
        found.append(Violation("teacher: the run names teacher\(model)\(version) (\(Item.teacher.path)), which does not resolve: \(why)",
                               at: binding?.missingLocation ?? named.location))
    }

    // MARK: Examples

    static let commit = "3f9a1c2b4d5e6f708192a3b4c5d6e7f801234567"
    static let otherCommit = "0000000000000000000000000000000000000bad"
    static let image = "registry.example.com/train@sha256:" + String(repeating: "ab", count: 32)
    static let modelHash = "9c1185a5c5e9fc54612808977ee8f548b2258d31c1d4a5f2e8a7c3b6d9e0f123"
    static let lfsOid = "4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393"
    static let dvcMD5 = "a304afb96060aad90176268345e10355"
    static let repository = ExampleRepository(
        commits: [commit],
        files: ["models/m.onnx": .content(sha256: modelHash, size: 1),
                "models/big.safetensors": .lfsPointer(oid: lfsOid, size: 2_000_000_000),
                "data/weights.bin": .dvcPointer(DVCOutput(md5: dvcMD5, size: 1024, isDirectory: false, pointer: "data/weights.bin.dvc",
                                                          location: SourceLocation(file: "data/weights.bin.dvc", line: 2, column: 8)))])

    /// A complete, reproducible run spec; `replacing` swaps one line (by its key).
    static func run(_ replacements: [String: String] = [:]) -> String {
        var lines: [(String, String)] = [
            ("model", "model: m"),
            ("code", "code: {commit: \"\(commit)\"}"),
            ("environment", "environment: {image: \"\(image)\"}"),
            ("dataset", "dataset: {name: transactions, version: \"2026-10-01\"}"),
            ("config", "config: {seed: 42, hyperparameters: {lr: 0.001}}"),
            ("artifacts", "artifacts:\n  - {path: models/m.onnx, sha256: \(modelHash)}\n  - {path: models/big.safetensors, sha256: \(lfsOid)}"),
        ]
        lines = lines.map { key, line in (key, replacements[key] ?? line) }
        for (key, line) in replacements.sorted(by: { $0.key < $1.key }) where !lines.contains(where: { $0.0 == key }) {
            lines.append((key, line))
        }
        return lines.map(\.1).filter { !$0.isEmpty }.joined(separator: "\n")
    }

    static let all = "{require: [seed, datasetVersion, codeCommit, environmentDigest, artifacts, teacher]}"

    /// The training config as the code commit holds it (and a later, edited version's commit).
    static let configCommit = commit
    static let config = "# training config\nseed: 42\nlr: 1e-3\nepochs: 12\noptimizer: {name: adamw}\n"
    static let configRun = "config: {seed: 42, file: train/config.yaml, hyperparameters: {lr: 0.001, epochs: 12.0, optimizer.name: adamw}}"
    static func configRepository(_ text: String = config, path: String = "train/config.yaml") -> ExampleRepository {
        ExampleRepository(commits: [commit], files: repository.files, committed: [commit: [path: text]])
    }
    static let cardSpec = "trainingData: {dataset: transactions, version: \"2026-10-01\"}\nsizeMB: 2000"

    public static let examples: [CheckExample] = [
        CheckExample("a fully pinned run with verified artifacts passes", check: all,
                     run: run(), repository: repository, expect: .pass),
        CheckExample("an artifact stored in Git LFS is verified against the pointer's oid", check: "{require: [artifacts]}",
                     run: run(["artifacts": "artifacts: [{path: models/big.safetensors, sha256: \(lfsOid.uppercased())}]"]),
                     repository: repository, expect: .pass),
        CheckExample("a teacher that resolves to its run passes", check: "{require: [teacher]}",
                     run: run(["teacher": "teacher: {model: big, version: \"3.0\", run: big-run}"]),
                     documents: ["apiVersion: tollgate/v1\nkind: RunManifest\nmetadata: {name: big-run}\nspec: {model: big, version: \"3.0\"}\n"],
                     repository: repository, expect: .pass),
        CheckExample("a run without a teacher has nothing to resolve", check: "{require: [teacher, seed]}",
                     run: run(), expect: .pass),
        CheckExample("an artifact whose checksum differs blocks, showing both hashes", check: "{require: [artifacts]}",
                     run: run(["artifacts": "artifacts: [{path: models/m.onnx, sha256: \(lfsOid)}]"]), repository: repository,
                     expect: .block, message: "models/m.onnx has sha256 \(lfsOid) in run.spec.artifacts[0], but the file's SHA-256 is \(modelHash)"),
        CheckExample("an artifact whose Git LFS pointer names another oid blocks, showing both", check: "{require: [artifacts]}",
                     run: run(["artifacts": "artifacts: [{path: models/big.safetensors, sha256: \(modelHash)}]"]), repository: repository,
                     expect: .block, message: "models/big.safetensors has sha256 \(modelHash) in run.spec.artifacts[0], but the oid of its Git LFS pointer is \(lfsOid)"),
        CheckExample("an artifact tracked by DVC is verified by its md5 against the pointer's", check: "{require: [artifacts]}",
                     run: run(["artifacts": "artifacts: [{path: data/weights.bin, md5: \(dvcMD5)}]"]),
                     repository: repository, expect: .pass),
        CheckExample("an artifact tracked by DVC whose md5 differs from the pointer's blocks", check: "{require: [artifacts]}",
                     run: run(["artifacts": "artifacts: [{path: data/weights.bin, md5: \(String(repeating: "0", count: 32))}]"]),
                     repository: repository, expect: .block,
                     message: "data/weights.bin has md5 \(String(repeating: "0", count: 32)) in run.spec.artifacts[0], but its DVC pointer data/weights.bin.dvc records md5 \(dvcMD5)"),
        CheckExample("an artifact tracked by DVC with only a sha256 cannot be verified and fails closed", check: "{require: [artifacts]}",
                     run: run(["artifacts": "artifacts: [{path: data/weights.bin, sha256: \(modelHash)}]"]),
                     repository: repository, expect: .block,
                     message: "which records an md5 and no SHA-256, so the sha256 in run.spec.artifacts[0] cannot be verified"),
        CheckExample("a code commit that is not in this repository blocks", check: "{require: [codeCommit]}",
                     run: run(["code": "code: {commit: \"\(otherCommit)\"}"]), repository: repository,
                     expect: .block, message: "commit \(otherCommit) (run.spec.code.commit) does not exist in this repository"),
        CheckExample("without a repository the code commit cannot be verified and fails closed", check: "{require: [codeCommit]}",
                     run: run(), expect: .block, message: "no repository is available; the rule fails closed"),
        CheckExample("a missing seed fails closed, naming the path", check: "{require: [seed]}",
                     run: run(["config": "config: {hyperparameters: {lr: 0.001}}"]),
                     expect: .block, message: "run.spec.config.seed is missing"),
        CheckExample("a seed of the wrong type blocks", check: "{require: [seed]}",
                     run: run(["config": "config: {seed: random, hyperparameters: {lr: 0.001}}"]),
                     expect: .block, message: "run.spec.config.seed must be an integer, found a string 'random'"),
        CheckExample("the dataset version 'latest' blocks", check: "{require: [datasetVersion]}",
                     run: run(["dataset": "dataset: {name: transactions, version: Latest}"]),
                     expect: .block, message: "run.spec.dataset.version is 'Latest', which moves"),
        CheckExample("an image pinned by tag blocks", check: "{require: [environmentDigest]}",
                     run: run(["environment": "environment: {image: \"registry.example.com/train:1.4\"}"]),
                     expect: .block, message: "must be pinned by digest"),
        CheckExample("a missing artifact file blocks", check: "{require: [artifacts]}",
                     run: run(["artifacts": "artifacts: [{path: models/gone.onnx, sha256: \(modelHash)}]"]), repository: repository,
                     expect: .block, message: "models/gone.onnx (run.spec.artifacts[0].path) does not exist in this revision"),
        CheckExample("an empty artifact list cannot be verified and blocks", check: "{require: [artifacts]}",
                     run: run(["artifacts": "artifacts: []"]), repository: repository,
                     expect: .block, message: "run.spec.artifacts is empty"),
        CheckExample("a teacher that resolves to nothing blocks", check: "{require: [teacher]}",
                     run: run(["teacher": "teacher: {model: big, version: \"3.0\"}"]),
                     expect: .block, message: "the run names teacher big 3.0 (run.spec.teacher), which does not resolve"),
        CheckExample("the dataset version 'main' moves like 'latest' and blocks", check: "{require: [datasetVersion]}",
                     run: run(["dataset": "dataset: {name: transactions, version: main}"]),
                     expect: .block, message: "run.spec.dataset.version is 'main', which moves"),
        CheckExample("a dataset version that names a branch of this repository blocks", check: "{require: [datasetVersion]}",
                     run: run(["dataset": "dataset: {name: transactions, version: retrain-q4}"]),
                     repository: ExampleRepository(branches: ["main", "origin/retrain-q4", "retrain-q4"]),
                     expect: .block, message: "run.spec.dataset.version is 'retrain-q4', the name of a branch of this repository, which moves"),
        CheckExample("a pinned dataset version that names no branch passes", check: "{require: [datasetVersion]}",
                     run: run(), repository: ExampleRepository(branches: ["main", "origin/main"]), expect: .pass),
        CheckExample("a dataset checksum passes datasetChecksum", check: "{require: [datasetChecksum]}",
                     run: run(["dataset": "dataset: {name: transactions, version: \"2026-10-01\", sha256: \(modelHash)}"]),
                     expect: .pass),
        CheckExample("a dataset without a checksum fails closed when the policy requires one", check: "{require: [datasetChecksum]}",
                     run: run(), expect: .block, message: "run.spec.dataset.sha256 is missing"),
        CheckExample("configFile: the run's seed and hyperparameters equal the config file at the code commit (1e-3 is 0.001, 12 is 12.0, nested keys dotted)",
                     check: "{require: [configFile]}", run: run(["config": configRun]), repository: configRepository(),
                     expect: .pass),
        CheckExample("configFile: a JSON config file is read too", check: "{require: [configFile]}",
                     run: run(["config": "config: {seed: 42, file: train/config.json, hyperparameters: {lr: 0.001}}"]),
                     repository: configRepository("{\n\t\"seed\": 42,\n\t\"hyperparameters\": {\n\t\t\"lr\": 0.001\n\t}\n}\n", path: "train/config.json"),
                     expect: .pass),
        CheckExample("configFile: a hyperparameter that differs from the config file blocks, located in both files",
                     check: "{require: [configFile]}", run: run(["config": configRun.replacingOccurrences(of: "lr: 0.001", with: "lr: 0.01")]),
                     repository: configRepository(), expect: .block,
                     message: "run.spec.config.hyperparameters.lr is 0.01, but train/config.yaml at commit 3f9a1c2 has lr: 0.001"),
        CheckExample("configFile: a seed that differs blocks", check: "{require: [configFile]}",
                     run: run(["config": configRun.replacingOccurrences(of: "seed: 42", with: "seed: 7")]),
                     repository: configRepository(), expect: .block,
                     message: "run.spec.config.seed is 7, but train/config.yaml at commit 3f9a1c2 has seed: 42"),
        CheckExample("configFile: a number written as text is another type and blocks", check: "{require: [configFile]}",
                     run: run(["config": configRun.replacingOccurrences(of: "lr: 0.001", with: "lr: \"0.001\"")]),
                     repository: configRepository(), expect: .block,
                     message: "run.spec.config.hyperparameters.lr is a string '0.001', but train/config.yaml at commit 3f9a1c2 has lr: a number 0.001"),
        CheckExample("configFile: a key only the config file has blocks", check: "{require: [configFile]}",
                     run: run(["config": configRun.replacingOccurrences(of: ", epochs: 12.0", with: "")]),
                     repository: configRepository(), expect: .block,
                     message: "train/config.yaml at commit 3f9a1c2 sets epochs: 12, but the run's hyperparameters (run.spec.config.hyperparameters) have no epochs"),
        CheckExample("configFile: a key only the run has blocks", check: "{require: [configFile]}",
                     run: run(["config": configRun.replacingOccurrences(of: "lr: 0.001", with: "lr: 0.001, dropout: 0.1")]),
                     repository: configRepository(), expect: .block,
                     message: "run.spec.config.hyperparameters.dropout is 0.1, but train/config.yaml at commit 3f9a1c2 has no dropout"),
        CheckExample("configFile: a config file missing at the code commit fails closed", check: "{require: [configFile]}",
                     run: run(["config": configRun]), repository: configRepository(path: "train/other.yaml"), expect: .block,
                     message: "train/config.yaml (run.spec.config.file) does not exist at commit 3f9a1c2"),
        CheckExample("configFile: a code commit not in this repository fails closed", check: "{require: [configFile]}",
                     run: run(["config": configRun, "code": "code: {commit: \"\(otherCommit)\"}"]), repository: configRepository(),
                     expect: .block, message: "is read at commit \(otherCommit) (run.spec.code.commit), which does not exist in this repository"),
        CheckExample("configFile: a config file that is not YAML or JSON fails closed", check: "{require: [configFile]}",
                     run: run(["config": configRun]), repository: configRepository("seed: [42\nlr: {"), expect: .block,
                     message: "train/config.yaml at commit 3f9a1c2 is not YAML or JSON"),
        CheckExample("configFile: a run that names no config file fails closed", check: "{require: [configFile]}",
                     run: run(), repository: configRepository(), expect: .block, message: "run.spec.config.file is missing"),
        CheckExample("card: a card whose teacher and training data are the run's passes", check: "{require: [card]}",
                     run: run(["teacher": "teacher: {model: big, version: \"3.0\"}"]),
                     card: cardSpec + "\nteacher: {model: big, version: \"3.0\"}", expect: .pass),
        CheckExample("card: a card that names another teacher version blocks, located at both", check: "{require: [card]}",
                     run: run(["teacher": "teacher: {model: big, version: \"3.0\"}"]),
                     card: cardSpec + "\nteacher: {model: big, version: \"2.0\"}", expect: .block,
                     message: "the model card's teacher version is '2.0' (card.spec.teacher.version), but the run's is '3.0' (run.spec.teacher.version)"),
        CheckExample("card: a card that declares a teacher the run does not name blocks", check: "{require: [card]}",
                     run: run(), card: cardSpec + "\nteacher: {model: big, version: \"3.0\"}", expect: .block,
                     message: "the model card declares teacher big 3.0 (card.spec.teacher), but the run names no teacher"),
        CheckExample("card: a card trained on another dataset version blocks", check: "{require: [card]}",
                     run: run(), card: "trainingData: {dataset: transactions, version: \"2026-09-30\"}", expect: .block,
                     message: "the model card's training dataset version is '2026-09-30' (card.spec.trainingData.version), but the run's is '2026-10-01' (run.spec.dataset.version)"),
        CheckExample("cardSize: the card's sizeMB matches the artifacts' size (a Git LFS pointer's size) within the default 5%",
                     check: "{require: [cardSize]}", run: run(["artifacts": "artifacts: [{path: models/big.safetensors, sha256: \(lfsOid)}]"]),
                     card: "sizeMB: 1950", repository: repository, expect: .pass),
        CheckExample("cardSize: a card size further off than sizeTolerance blocks", check: "{require: [cardSize], sizeTolerance: 0.01}",
                     run: run(["artifacts": "artifacts: [{path: models/big.safetensors, sha256: \(lfsOid)}]"]),
                     card: "sizeMB: 1950", repository: repository, expect: .block,
                     message: "the model card says 1950 MB (card.spec.sizeMB), but the run's artifacts measure 2000 MB (models/big.safetensors 2000000000 bytes): more than 1% apart"),
        CheckExample("cardSize: a card without sizeMB fails closed", check: "{require: [cardSize]}",
                     run: run(), card: "license: apache-2.0", repository: repository, expect: .block,
                     message: "card.spec.sizeMB is missing"),
    ]
}
