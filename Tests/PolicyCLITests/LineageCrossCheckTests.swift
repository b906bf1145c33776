import Foundation
import XCTest

/// Issue 16 §2, "lineage that cross-checks instead of trusting", on the DistilOps demo (a real
/// repository with signed commits): the run's configuration against the config file at its
/// code commit (read from git, never the working tree), the model card against the run, moving
/// dataset versions (fixed names and the repository's branches), the card's size against the
/// Git LFS pointer's, and semantic versions. Each test asserts what a user sees: the rule's
/// outcome, the message, and the file:line:column of the finding and of its related location.
final class LineageCrossCheckTests: XCTestCase {
    let run = "runs/fraud-student/run-8812.yaml"
    let card = "models/fraud-student/card.yaml"
    let config = "train/configs/fraud-student-2.1.0-run.yaml"

    /// The 2.1.0 run's hyperparameters as a config file: numbers written differently from the
    /// manifest (5e-4 for 0.0005, 12.0 for 12) and the optimizer nested.
    static let configFile = """
        # fraud-student 2.1.0: what train/distill.py is run with
        seed: 8812
        hyperparameters:
          temperature: 4.0
          alpha: 0.7
          epochs: 12.0
          batchSize: 2048
          learningRate: 5e-4
          optimizer: adamw
          hiddenSize: 256
          layers: 2

        """

    static let policy = """
        apiVersion: tollgate/v1
        kind: Policy
        metadata: {name: cross-lineage}
        spec:
          match: {kinds: [PromotionRequest], to: [production], models: [fraud-student]}
          rules:
            - id: config
              lineage: {require: [configFile]}
            - id: card
              lineage: {require: [card, cardSize, datasetChecksum, datasetVersion]}
            - id: versions
              require: {fields: [request.spec.version, card.spec.version, run.spec.version], format: semver}

        """

    struct Rule {
        var outcome: String
        var messages: [String]
        var locations: [String]
        var noteLocations: [[String]]
    }

    /// The rules of the 2.1.0 production request, by id, from `check --format json`.
    func rules(_ demo: GitSandbox, _ arguments: [String] = []) throws -> [String: Rule] {
        let result = try demo.policy(["check", "--format", "json"] + arguments)
        XCTAssertNotEqual(result.status, 2, result.stderr)
        let subjects = try result.json()["subjects"] as? [[String: Any]] ?? []
        let request = subjects.first { $0["name"] as? String == GitSandbox.request }
        func location(_ object: Any?) -> String {
            guard let l = object as? [String: Any] else { return "?" }
            return "\(l["file"] ?? ""):\(l["line"] ?? ""):\(l["column"] ?? "")"
        }
        var found: [String: Rule] = [:]
        for rule in request?["rules"] as? [[String: Any]] ?? [] {
            guard let id = rule["id"] as? String else { continue }
            let findings = rule["findings"] as? [[String: Any]] ?? []
            found[id] = Rule(outcome: rule["outcome"] as? String ?? "?",
                             messages: findings.compactMap { $0["message"] as? String },
                             locations: findings.map { location($0["location"]) },
                             noteLocations: findings.map { ($0["notes"] as? [[String: Any]] ?? []).map { location($0["location"]) } })
        }
        return found
    }

    /// The column after `prefix` on the line of `needle` (1-based), where a value starts.
    func column(after prefix: String, onLineOf needle: String, in path: String, of demo: GitSandbox) throws -> Int {
        let text = try demo.read(path)
        let line = try XCTUnwrap(text.split(separator: "\n", omittingEmptySubsequences: false).first { $0.contains(needle) })
        let range = try XCTUnwrap(line.range(of: prefix))
        return line.distance(from: line.startIndex, to: range.upperBound) + 1
    }

    /// Points the run at `file` read at `commit`.
    func pointRun(_ demo: GitSandbox, at file: String, commit: String) throws {
        var text = try demo.read(run)
        text = text.replacingOccurrences(of: #"(?m)^    commit: .*$"#, with: "    commit: \(commit)", options: .regularExpression)
        if text.contains("    file: ") {
            text = text.replacingOccurrences(of: #"(?m)^    file: .*$"#, with: "    file: \(file)", options: .regularExpression)
        } else {
            text = text.replacingOccurrences(of: "  config:\n    seed: 8812", with: "  config:\n    file: \(file)\n    seed: 8812")
        }
        try demo.write(run, text)
    }

    func head(_ demo: GitSandbox) throws -> String {
        try demo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The demo with the policy above and the config file committed by alice; returns that commit.
    func demoWithConfig() throws -> (GitSandbox, String) {
        let demo = try GitSandbox.demo()
        try demo.write("policies/cross-lineage.yaml", Self.policy)
        try demo.commitSigned("Cross-checked lineage for fraud-student", as: "dana")
        try demo.write(config, Self.configFile)
        try demo.commitSigned("The 2.1.0 run's config as a file", as: "alice")
        let commit = try head(demo)
        try pointRun(demo, at: config, commit: commit)
        try demo.commitSigned("run-8812 names its config file", as: "alice")
        return (demo, commit)
    }

    func testTheConfigFileIsReadAtTheRunsCommitNotInTheWorkingTreeOrAtHead() throws {
        let (demo, runCommit) = try demoWithConfig()
        var rule = try XCTUnwrap(try rules(demo, ["--rev", "HEAD"])["cross-lineage/config"])
        XCTAssertEqual(rule.outcome, "pass", "5e-4 is 0.0005, 12.0 is 12, same keys: \(rule.messages)")

        // The config file changes after the run: committed (HEAD) and again in the working tree.
        try demo.edit(config, replacing: "learningRate: 5e-4", with: "learningRate: 0.001")
        try demo.commitSigned("Raise the learning rate for the next run", as: "alice")
        let laterCommit = try head(demo)
        try demo.edit(config, replacing: "seed: 8812", with: "seed: 1")
        for arguments in [["--rev", "HEAD"], []] {
            rule = try XCTUnwrap(try rules(demo, arguments)["cross-lineage/config"])
            XCTAssertEqual(rule.outcome, "pass", "\(arguments): the run's commit \(runCommit) still holds its config: \(rule.messages)")
        }
        try demo.edit(config, replacing: "seed: 1", with: "seed: 8812")

        // The run now claims the later commit: its learning rate differs from that commit's file.
        try pointRun(demo, at: config, commit: laterCommit)
        rule = try XCTUnwrap(try rules(demo)["cross-lineage/config"])
        XCTAssertEqual(rule.outcome, "block")
        let short = String(laterCommit.prefix(7))
        XCTAssertEqual(rule.messages, ["configFile: run.spec.config.hyperparameters.learningRate is 0.0005, but \(config) at commit \(short) has learningRate: 0.001"])
        let runLine = try demo.line(of: "learningRate: 0.0005", in: run)
        let runColumn = try column(after: "learningRate: ", onLineOf: "learningRate: 0.0005", in: run, of: demo)
        let configLine = try demo.line(of: "learningRate: 0.001", in: config)
        XCTAssertEqual(rule.locations, ["\(run):\(runLine):\(runColumn)"])
        XCTAssertEqual(rule.noteLocations.first?.first, "\(config):\(configLine):17", "\(rule.noteLocations)")

        // Text and SARIF show both places.
        let text = try demo.policy("check")
        XCTAssertEqual(text.status, 1)
        XCTAssertTrue(text.flat.contains("\(run):\(runLine):\(runColumn)"), text.stdout)
        XCTAssertTrue(text.flat.contains("note: \(config) at commit \(short): learningRate is 0.001 (\(config):\(configLine):17)"), text.stdout)
        let sarif = try demo.policy("check", "--format", "sarif").json()
        let results = ((sarif["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]]) ?? []
        let result = try XCTUnwrap(results.first { $0["ruleId"] as? String == "cross-lineage/config" })
        let related = (result["relatedLocations"] as? [[String: Any]] ?? []).compactMap { location -> String? in
            guard let physical = location["physicalLocation"] as? [String: Any],
                  let artifact = physical["artifactLocation"] as? [String: Any],
                  let region = physical["region"] as? [String: Any] else { return nil }
            return "\(artifact["uri"] ?? ""):\(region["startLine"] ?? "")"
        }
        XCTAssertTrue(related.contains("\(config):\(configLine)"), "\(related)")
    }

    func testAKeyOnOneSideOnlyAndATypeDifferenceEachBlock() throws {
        let (demo, commit) = try demoWithConfig()
        try demo.edit(run, replacing: "      layers: 2\n", with: "      layers: 2\n      dropout: 0.1\n")
        try demo.edit(run, replacing: "      alpha: 0.7", with: "      alpha: \"0.7\"")
        try demo.edit(run, replacing: "      optimizer: adamw\n", with: "")
        let rule = try XCTUnwrap(try rules(demo)["cross-lineage/config"])
        let short = String(commit.prefix(7))
        XCTAssertEqual(rule.outcome, "block")
        XCTAssertEqual(Set(rule.messages), [
            "configFile: run.spec.config.hyperparameters.alpha is a string '0.7', but \(config) at commit \(short) has alpha: a number 0.7",
            "configFile: run.spec.config.hyperparameters.dropout is 0.1, but \(config) at commit \(short) has no dropout",
            "configFile: \(config) at commit \(short) sets optimizer: 'adamw', but the run's hyperparameters (run.spec.config.hyperparameters) have no optimizer",
        ])
        let optimizer = try XCTUnwrap(rule.messages.firstIndex { $0.contains("sets optimizer") })
        XCTAssertEqual(rule.noteLocations[optimizer].first, "\(config):\(try demo.line(of: "optimizer: adamw", in: config)):3")
    }

    func testAMissingFileAnUnknownCommitAndAFileThatIsNotYAMLFailClosed() throws {
        let (demo, commit) = try demoWithConfig()
        let short = String(commit.prefix(7))

        try pointRun(demo, at: "train/configs/absent.yaml", commit: commit)
        var rule = try XCTUnwrap(try rules(demo)["cross-lineage/config"])
        XCTAssertEqual(rule.outcome, "block")
        XCTAssertEqual(rule.messages, ["configFile: train/configs/absent.yaml (run.spec.config.file) does not exist at commit \(short) (run.spec.code.commit), so the run's configuration cannot be verified"])
        XCTAssertEqual(rule.locations, ["\(run):\(try demo.line(of: "file: train/configs/absent.yaml", in: run)):11"])

        let unknown = "0123456789abcdef0123456789abcdef01234567"
        try pointRun(demo, at: config, commit: unknown)
        rule = try XCTUnwrap(try rules(demo)["cross-lineage/config"])
        XCTAssertEqual(rule.outcome, "block")
        XCTAssertEqual(rule.messages.first?.contains("is read at commit \(unknown) (run.spec.code.commit), which does not exist in this repository"), true, "\(rule.messages)")

        try demo.write("train/configs/broken.yaml", "seed: [8812\nlearningRate: {\n")
        try demo.commitSigned("A config file cut short", as: "alice")
        let broken = try head(demo)
        try pointRun(demo, at: "train/configs/broken.yaml", commit: broken)
        rule = try XCTUnwrap(try rules(demo)["cross-lineage/config"])
        XCTAssertEqual(rule.outcome, "block")
        XCTAssertEqual(rule.messages.first?.hasPrefix("configFile: train/configs/broken.yaml at commit \(broken.prefix(7)) is not YAML or JSON"), true, "\(rule.messages)")
        XCTAssertEqual(rule.noteLocations.first?.first?.hasPrefix("train/configs/broken.yaml:"), true, "\(rule.noteLocations)")
    }

    func testMovingDatasetVersionsAndBranchNamesBlockLikeLatest() throws {
        let (demo, _) = try demoWithConfig()
        XCTAssertEqual(try rules(demo)["cross-lineage/card"]?.outcome, "pass", "the demo's card, run and LFS pointer agree")
        try demo.git("branch", "retrain-q4")
        try demo.git("update-ref", "refs/remotes/origin/exp-7", "HEAD")
        let line = try demo.line(of: "version: \"2026-10-31\"", in: run)
        for (version, expected) in [("main", "which moves"), ("HEAD", "which moves"),
                                    ("retrain-q4", "the name of a branch of this repository, which moves"),
                                    ("exp-7", "the name of a branch of this repository, which moves"),
                                    ("origin/exp-7", "the name of a branch of this repository, which moves")] {
            try demo.write(run, try demo.read(run).replacingOccurrences(
                of: #"(?m)^    version: .*$"#, with: "    version: \"\(version)\"", options: .regularExpression))
            // The default pack's lineage rule and the policy above both say so, at the value.
            for id in ["lineage/reproducible-run", "cross-lineage/card"] {
                let rule = try XCTUnwrap(try rules(demo)[id], id)
                XCTAssertEqual(rule.outcome, "block", "\(version) \(id)")
                let index = try XCTUnwrap(rule.messages.firstIndex { $0.hasPrefix("datasetVersion:") }, "\(version) \(id): \(rule.messages)")
                XCTAssertEqual(rule.messages[index], "datasetVersion: run.spec.dataset.version is '\(version)', \(expected): pin the dataset version the run was trained on")
                XCTAssertEqual(rule.locations[index], "\(run):\(line):14")
            }
        }
    }

    func testTheCardMustNameTheRunsTeacherAndDataAndItsSizeTheArtifacts() throws {
        let (demo, _) = try demoWithConfig()
        try demo.edit(card, replacing: "teacher: {model: fraud-teacher, version: \"1.4.0\"}", with: "teacher: {model: fraud-teacher, version: \"1.3.0\"}")
        try demo.edit(card, replacing: "trainingData: {dataset: fraud-transactions, version: \"2026-10-31\"}",
                      with: "trainingData: {dataset: fraud-transactions, version: \"2026-09-30\"}")
        try demo.edit(card, replacing: "sizeMB: 67.3", with: "sizeMB: 80")
        let rule = try XCTUnwrap(try rules(demo)["cross-lineage/card"])
        XCTAssertEqual(rule.outcome, "block")
        XCTAssertEqual(rule.messages, [
            "card: the model card's teacher version is '1.3.0' (card.spec.teacher.version), but the run's is '1.4.0' (run.spec.teacher.version)",
            "card: the model card's training dataset version is '2026-09-30' (card.spec.trainingData.version), but the run's is '2026-10-31' (run.spec.dataset.version)",
            "cardSize: the model card says 80 MB (card.spec.sizeMB), but the run's artifacts measure 67.301632 MB (models/fraud-student/model.onnx 67301632 bytes): more than 5% apart",
        ])
        let teacherLine = try demo.line(of: "teacher: {model: fraud-teacher", in: card)
        let teacherColumn = try column(after: "version: ", onLineOf: "teacher: {model: fraud-teacher", in: card, of: demo)
        XCTAssertEqual(rule.locations[0], "\(card):\(teacherLine):\(teacherColumn)")
        XCTAssertEqual(rule.noteLocations[0].first?.hasPrefix("\(run):\(try demo.line(of: "teacher: {model: fraud-teacher", in: run)):"), true)
        XCTAssertEqual(rule.locations[2], "\(card):\(try demo.line(of: "sizeMB: 80", in: card)):11")
        XCTAssertEqual(rule.noteLocations[2].first, "\(run):\(try demo.line(of: "- path: models/fraud-student/model.onnx", in: run)):13")

        // The pack's lineage rule also blocks on the card (not on the size, which it does not require).
        let pack = try XCTUnwrap(try rules(demo)["lineage/reproducible-run"])
        XCTAssertEqual(pack.messages.count, 2, "\(pack.messages)")
        XCTAssertTrue(pack.messages.allSatisfy { $0.hasPrefix("card: ") }, "\(pack.messages)")

        // A wider tolerance lets the size pass.
        try demo.edit("policies/cross-lineage.yaml", replacing: "datasetVersion]}", with: "datasetVersion], sizeTolerance: 0.2}")
        XCTAssertEqual(try rules(demo)["cross-lineage/card"]?.messages.count, 2)
    }

    func testVersionsMustBeSemanticVersionsWhereThePolicySaysSo() throws {
        let (demo, _) = try demoWithConfig()
        XCTAssertEqual(try rules(demo)["cross-lineage/versions"]?.outcome, "pass")
        try demo.edit(run, replacing: "  version: \"2.1.0\"", with: "  version: banana")
        let rule = try XCTUnwrap(try rules(demo)["cross-lineage/versions"])
        XCTAssertEqual(rule.outcome, "block")
        XCTAssertEqual(rule.messages.count, 1)
        XCTAssertTrue(rule.messages[0].hasPrefix("run.spec.version is invalid: 'banana' is not a semantic version"), "\(rule.messages)")
        XCTAssertEqual(rule.locations, ["\(run):\(try demo.line(of: "version: banana", in: run)):12"])
    }
}
