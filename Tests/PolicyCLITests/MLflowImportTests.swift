import Foundation
import TollgateTestSupport
import XCTest

/// `policy import mlflow` against a real MLflow tracking server (SQLite backend, local
/// artifacts): a run logged with the MLflow client is imported into a RunManifest, committed
/// into a real repository with its card and request, and checked.
final class MLflowImportTests: XCTestCase {
    nonisolated(unsafe) private static var shared: MLflowServer?

    /// One server for the class (it takes seconds to start).
    private func server() throws -> MLflowServer {
        if let server = Self.shared { return server }
        let server = try MLflowServer()
        Self.shared = server
        return server
    }

    override class func tearDown() {
        shared?.stop()
        shared = nil
        super.tearDown()
    }

    static let policy = """
        apiVersion: tollgate/v1
        kind: Policy
        metadata: {name: gate}
        spec:
          match: {kinds: [PromotionRequest], to: [production]}
          rules:
            - id: lineage
              lineage: {require: [seed, datasetVersion, codeCommit, environmentDigest, artifacts]}
            - id: accuracy
              threshold: {value: run.spec.metrics.accuracy, min: 0.85}
        """

    static let card = """
        apiVersion: tollgate/v1
        kind: ModelCard
        metadata: {name: scorer-1.2.0}
        spec:
          model: scorer
          version: "1.2.0"
          owners: [alice@example.com]
          description: Scores payments.
          intendedUse: {primaryUses: [scoring], primaryUsers: [risk service], outOfScope: [credit decisions]}
          limitations: [Not evaluated on new merchants]
          trainingData: {dataset: payments, version: "2026-10-31"}
        """

    static let request = """
        apiVersion: tollgate/v1
        kind: PromotionRequest
        metadata: {name: scorer-1.2.0-production}
        spec:
          model: scorer
          version: "1.2.0"
          from: staging
          to: production
          run: scorer-run
          modelCard: scorer-1.2.0
          requestedBy: alice
          justification: Better recall at the same latency.
        """

    /// What a person wrote before the import: the environment (MLflow does not record it), a
    /// comment, and a stale accuracy the run will replace.
    static let handWritten = """
        apiVersion: tollgate/v1
        kind: RunManifest
        metadata: {name: scorer-run}
        spec:
          model: scorer
          version: "1.2.0"
          # built by the nightly training image
          environment:
            image: registry.example.com/train@sha256:\(String(repeating: "ab", count: 32))
          metrics:
            accuracy: 0.5
            calibration: 0.02   # computed offline, not in MLflow

        """

    static let image = "registry.example.com/train@sha256:" + String(repeating: "ab", count: 32)

    /// A repository with the policy, card, request, training code and the model file, and a
    /// run logged to MLflow for its HEAD commit with that model file as an artifact.
    private func scenario(_ server: MLflowServer, extraLogging: String = "") throws -> (GitSandbox, String, String) {
        let repo = try GitSandbox()
        try repo.write("policies/gate.yaml", Self.policy)
        try repo.write("models/scorer/card.yaml", Self.card)
        try repo.write("requests/scorer-1.2.0-production.yaml", Self.request)
        try repo.write("train/train.py", "print('training')\n")
        try repo.write("models/scorer/model.onnx", "ONNX model bytes 1.2.0\n")
        try repo.write("runs/scorer/run.yaml", Self.handWritten)
        try repo.commitAll("scorer 1.2.0: card, request, model")
        let commit = try repo.git("rev-parse", "HEAD")
        let runID = try server.logRun("""
                mlflow.log_params({"seed": 20261205, "learningRate": "0.0005", "epochs": 12, "optimizer": "adamw"})
                mlflow.log_metric("accuracy", 0.61, step=0)
                mlflow.log_metric("accuracy", 0.912, step=1)
                mlflow.log_metric("recall", 0.8)
                mlflow.set_tag("mlflow.source.git.commit", "\(commit)")
                mlflow.log_input(MetaDataset(source=HTTPDatasetSource("https://data.example/payments.parquet"), name="payments", digest="5f3c0a1d"), context="training")
                mlflow.log_artifact("models/scorer/model.onnx", artifact_path="scorer")
            \(extraLogging)
            """, in: repo.root)
        return (repo, runID, commit)
    }

    /// A hex id is written plain when it starts with a letter, quoted when with a digit.
    static func holds(_ text: String, _ prefix: String, _ value: String) -> Bool {
        text.contains(prefix + value + "\n") || text.contains(prefix + "\"" + value + "\"\n")
    }

    private func importRun(_ repo: GitSandbox, _ runID: String, uri: String, output: String = "runs/scorer/run.yaml") throws -> GitSandbox.Result {
        try repo.policy(["import", "mlflow", "--run-id", runID, "--tracking-uri", uri, "--model", "scorer", "--version", "1.2.0",
                         "--artifact-prefix", "models", "--output", output],
                        environment: ["SOURCE_DATE_EPOCH": "1796515200"])
    }

    func testAnImportedRunIsCheckedAndItsArtifactChecksumVerifiedInARealRepository() throws {
        let server = try server()
        let (repo, runID, commit) = try scenario(server)
        let imported = try importRun(repo, runID, uri: server.uri)
        XCTAssertEqual(imported.status, 0, imported.stderr)
        XCTAssertTrue(imported.stderr.contains("updated runs/scorer/run.yaml: replaced spec.metrics"), imported.stderr)
        XCTAssertTrue(imported.stderr.contains("kept as written spec.model, spec.version, spec.environment"), imported.stderr)

        let manifest = try repo.read("runs/scorer/run.yaml")
        // What the person wrote and the run does not say is kept, comments included.
        XCTAssertTrue(manifest.contains("  # built by the nightly training image\n  environment:\n    image: \(Self.image)\n"), manifest)
        // The latest value of each metric, the user's extra metric kept; params typed back.
        XCTAssertTrue(manifest.contains("    accuracy: 0.912\n"), manifest)
        XCTAssertTrue(manifest.contains("    calibration: 0.02\n"), manifest)
        XCTAssertTrue(manifest.contains("    recall: 0.8\n"), manifest)
        XCTAssertTrue(manifest.contains("    seed: 20261205\n"), manifest)
        XCTAssertTrue(manifest.contains("      learningRate: 0.0005\n      optimizer: adamw\n"), manifest)
        XCTAssertTrue(Self.holds(manifest, "    commit: ", commit), manifest)
        XCTAssertTrue(manifest.contains("  dataset:\n    name: payments\n    version: \"5f3c0a1d\"\n"), manifest)
        let modelSHA = ContentHashForTests.sha256("ONNX model bytes 1.2.0\n")
        XCTAssertTrue(manifest.contains("    - path: models/scorer/model.onnx\n      sha256: \"\(modelSHA)\"\n      sizeBytes: 23\n"), manifest)
        XCTAssertTrue(manifest.contains("    tool: mlflow\n    trackingUri: \"\(server.uri)\"\n"), manifest)
        XCTAssertTrue(Self.holds(manifest, "    runId: ", runID), manifest)
        XCTAssertTrue(manifest.contains("    experimentId: \"0\"\n"), manifest)
        XCTAssertTrue(manifest.contains("    importedAt: \"2026-12-06T00:00:00Z\"\n"), manifest)

        // Importing the same run again changes nothing (deterministic; approvals stay fresh).
        let again = try repo.policy(["import", "mlflow", "--run-id", runID, "--tracking-uri", server.uri, "--model", "scorer",
                                     "--version", "1.2.0", "--artifact-prefix", "models", "--output", "runs/scorer/run.yaml"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("already says what the run states: unchanged"), again.stderr)
        XCTAssertEqual(try repo.read("runs/scorer/run.yaml"), manifest)

        try repo.commitAll("import MLflow run \(runID)")
        let check = try repo.policy("check", "--format", "json")
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        let json = try check.json()
        XCTAssertEqual(json["verdict"] as? String, "pass")
        let subjects = try XCTUnwrap(json["subjects"] as? [[String: Any]])
        let request = try XCTUnwrap(subjects.first { $0["name"] as? String == "scorer-1.2.0-production" })
        let rules = try XCTUnwrap(request["rules"] as? [[String: Any]])
        let lineage = try XCTUnwrap(rules.first { $0["id"] as? String == "gate/lineage" })
        XCTAssertEqual(lineage["outcome"] as? String, "pass")
        let evidence = try XCTUnwrap(lineage["evidence"] as? [[String: Any]])
        let file = try XCTUnwrap(evidence.first { $0["path"] as? String == "repository.files[models/scorer/model.onnx]" })
        XCTAssertEqual(file["value"] as? String, "sha256 \(modelSHA)")

        // The model file changed after the run: the imported checksum no longer verifies.
        try repo.write("models/scorer/model.onnx", "ONNX model bytes, retrained by hand\n")
        try repo.commitAll("swap the model")
        let blocked = try repo.policy("check")
        XCTAssertEqual(blocked.status, 1, blocked.stdout)
        let line = try repo.line(of: "sha256: \"\(modelSHA)\"", in: "runs/scorer/run.yaml")
        XCTAssertTrue(blocked.flat.contains("runs/scorer/run.yaml:\(line):"), blocked.stdout)
        XCTAssertTrue(blocked.flat.contains("models/scorer/model.onnx has sha256 \(modelSHA) in run.spec.artifacts[0], but the file's SHA-256 is"),
                      blocked.stdout)
    }

    func testANewManifestIsPrintedAndPassesTheSchema() throws {
        let server = try server()
        let (repo, runID, _) = try scenario(server)
        let printed = try repo.policy(["import", "mlflow", "--run-id", runID, "--tracking-uri", server.uri, "--model", "scorer",
                                       "--version", "1.2.0", "--artifact-prefix", "models", "--name", "scorer-run"],
                                      environment: ["SOURCE_DATE_EPOCH": "1796515200"])
        XCTAssertEqual(printed.status, 0, printed.stderr)
        // MLflow does not record the image: the import says so rather than inventing one.
        XCTAssertTrue(printed.stderr.contains("spec.environment.image is required but the run does not say it"), printed.stderr)
        let second = try repo.policy(["import", "mlflow", "--run-id", runID, "--tracking-uri", server.uri, "--model", "scorer",
                                      "--version", "1.2.0", "--artifact-prefix", "models", "--name", "scorer-run"],
                                     environment: ["SOURCE_DATE_EPOCH": "1796515200"])
        XCTAssertEqual(printed.stdout, second.stdout, "the same run gives the same bytes")
        let withImage = printed.stdout.replacingOccurrences(of: "  dataset:\n", with: "  environment: {image: \"\(Self.image)\"}\n  dataset:\n")
        try repo.write("runs/scorer/run.yaml", withImage)
        try repo.commitAll("new manifest from MLflow")
        let check = try repo.policy("check")
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        XCTAssertTrue(check.stdout.contains("PASS"), check.stdout)
    }

    func testAnUnknownRunIsExitTwoNamingTheRunAndTheServer() throws {
        let server = try server()
        let repo = try GitSandbox()
        try repo.write("runs/keep.yaml", Self.handWritten)
        let missing = "0123456789abcdef0123456789abcdef"
        let result = try repo.policy("import", "mlflow", "--run-id", missing, "--tracking-uri", server.uri,
                                     "--model", "scorer", "--version", "1.2.0", "--output", "runs/keep.yaml")
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("run \(missing) does not exist on the MLflow tracking server at \(server.uri) (RESOURCE_DOES_NOT_EXIST"),
                      result.stderr)
        XCTAssertEqual(try repo.read("runs/keep.yaml"), Self.handWritten, "nothing written")
    }

    func testANonFiniteMetricIsExitTwoNamingTheMetricAndRun() throws {
        let server = try server()
        let repo = try GitSandbox()
        let runID = try server.logRun("""
                mlflow.log_metric("accuracy", 0.9)
                mlflow.log_metric("loss", float("nan"))
            """, in: repo.root)
        let result = try repo.policy("import", "mlflow", "--run-id", runID, "--tracking-uri", server.uri,
                                     "--model", "scorer", "--version", "1.2.0")
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("metric 'loss' of run \(runID) on \(server.uri) is NaN"), result.stderr)
        XCTAssertEqual(result.stdout, "")
    }

    /// Needs no MLflow: nothing listens on the port.
    func testAnUnreachableServerIsExitTwo() throws {
        let repo = try GitSandbox()
        let port = try MLflowServer.freePort()
        let result = try repo.policy(["import", "mlflow", "--run-id", "abc", "--model", "scorer", "--version", "1.2.0"],
                                     environment: ["MLFLOW_TRACKING_URI": "http://user:secret@127.0.0.1:\(port)"])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("cannot reach the MLflow tracking server at http://127.0.0.1:\(port)"), result.stderr)
        XCTAssertFalse(result.stderr.contains("secret"), "credentials are never printed: \(result.stderr)")
    }

    func testAManifestOfAnotherKindIsNotOverwritten() throws {
        let repo = try GitSandbox()
        try repo.write("models/card.yaml", Self.card)
        let result = try repo.policy("import", "mlflow", "--run-id", "abc", "--tracking-uri", "http://127.0.0.1:9",
                                     "--model", "scorer", "--version", "1.2.0", "--output", "models/card.yaml")
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("models/card.yaml:2:7: models/card.yaml is a ModelCard, not a RunManifest; nothing was written"),
                      result.stderr)
        XCTAssertEqual(try repo.read("models/card.yaml"), Self.card)
    }
}

/// SHA-256 through the system's `sha256sum`, so the expected value does not come from the
/// code under test.
enum ContentHashForTests {
    static func sha256(_ text: String) -> String {
        let result = try? ProcessRunner.run("/usr/bin/env", ["sha256sum"], stdin: Array(text.utf8))
        return String(result?.stdout.prefix(64) ?? "")
    }
}
