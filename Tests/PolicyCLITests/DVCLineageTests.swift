import Foundation
import TollgateTestSupport
import XCTest

/// Artifacts tracked by DVC: the data is not in git (DVC's `.gitignore`), a `<path>.dvc`
/// file or a `dvc.lock` stage output records its MD5; the `lineage` rule verifies the run's
/// `md5` against it, in real repositories with the real `policy`.
///
/// The pointer files are written in DVC 3's documented format (what `dvc add` and `dvc repro`
/// write: `outs: [{md5, size, hash: md5, path}]`; dvc.lock `schema: '2.0'`), since `dvc` itself
/// is not a test dependency.
final class DVCLineageTests: XCTestCase {
    static let policy = """
        apiVersion: tollgate/v1
        kind: Policy
        metadata: {name: lineage}
        spec:
          match: {kinds: [RunManifest]}
          rules:
            - id: artifacts
              lineage: {require: [artifacts]}
        """

    static let weights = "weights of scorer 1.2.0, tracked by DVC\n"
    static let model = "model of scorer 1.2.0, produced by the train stage\n"

    static func run(_ artifacts: String) -> String {
        """
        apiVersion: tollgate/v1
        kind: RunManifest
        metadata: {name: scorer-run}
        spec:
          model: scorer
          version: "1.2.0"
          code: {commit: "\(String(repeating: "a", count: 40))"}
          environment: {image: "registry.example.com/train@sha256:\(String(repeating: "ab", count: 32))"}
          dataset: {name: payments, version: "2026-10-31"}
          config: {seed: 7, hyperparameters: {lr: 0.001}}
          metrics: {accuracy: 0.9}
          artifacts:
        \(artifacts)

        """
    }

    static func md5(_ text: String) -> String {
        let result = try? ProcessRunner.run("/usr/bin/env", ["md5sum"], stdin: Array(text.utf8))
        return String(result?.stdout.prefix(32) ?? "")
    }

    static func dvcFile(md5: String, size: Int, path: String) -> String {
        """
        outs:
        - md5: \(md5)
          size: \(size)
          hash: md5
          path: \(path)

        """
    }

    /// A repository whose data/weights.bin is on disk but ignored (as `dvc add` leaves it),
    /// with its `.dvc` pointer committed.
    private func repository(pointer: String, artifacts: String) throws -> GitSandbox {
        let repo = try GitSandbox()
        try repo.write("policies/lineage.yaml", Self.policy)
        try repo.write("data/weights.bin", Self.weights)
        try repo.write("data/.gitignore", "/weights.bin\n")
        try repo.write("data/weights.bin.dvc", pointer)
        try repo.write("runs/run.yaml", Self.run(artifacts))
        try repo.commitAll("scorer run with DVC-tracked weights")
        return repo
    }

    func testAnArtifactTrackedByADVCFileIsVerifiedByItsMD5() throws {
        let md5 = Self.md5(Self.weights)
        let repo = try repository(pointer: Self.dvcFile(md5: md5, size: Self.weights.utf8.count, path: "weights.bin"),
                                  artifacts: "    - {path: data/weights.bin, md5: \(md5)}")
        XCTAssertEqual(try repo.git("ls-files", "data"), "data/.gitignore\ndata/weights.bin.dvc", "the data itself is not in git")
        let result = try repo.policy("check", "--format", "json")
        XCTAssertEqual(result.status, 0, result.stdout)
        let subjects = try XCTUnwrap(try result.json()["subjects"] as? [[String: Any]])
        let rules = try XCTUnwrap(subjects.first { $0["name"] as? String == "scorer-run" }?["rules"] as? [[String: Any]])
        let rule = try XCTUnwrap(rules.first { $0["id"] as? String == "lineage/artifacts" })
        XCTAssertEqual(rule["outcome"] as? String, "pass")
        let evidence = try XCTUnwrap(rule["evidence"] as? [[String: Any]])
        XCTAssertTrue(evidence.contains { $0["value"] as? String == "DVC pointer data/weights.bin.dvc, md5 \(md5)" }, "\(evidence)")
        // The same in a committed revision.
        XCTAssertEqual(try repo.policy("check", "--rev", "HEAD").status, 0)
    }

    func testADifferentMD5BlocksAtTheRunsArtifactLine() throws {
        let recorded = Self.md5(Self.weights)
        let other = Self.md5("weights retrained after the run\n")
        let repo = try repository(pointer: Self.dvcFile(md5: other, size: 32, path: "weights.bin"),
                                  artifacts: "    - path: data/weights.bin\n      md5: \(recorded)")
        let result = try repo.policy("check")
        XCTAssertEqual(result.status, 1, result.stdout)
        let line = try repo.line(of: "md5: \(recorded)", in: "runs/run.yaml")
        XCTAssertTrue(result.flat.contains("runs/run.yaml:\(line):12"), result.stdout)
        XCTAssertTrue(result.flat.contains("data/weights.bin has md5 \(recorded) in run.spec.artifacts[0], but its DVC pointer data/weights.bin.dvc records md5 \(other)"),
                      result.stdout)
        // The note points into the pointer file, at its md5.
        XCTAssertTrue(result.flat.contains("data/weights.bin.dvc:2:8"), result.stdout)
    }

    func testAnArtifactTrackedByDVCWithOnlyASHA256FailsClosed() throws {
        let md5 = Self.md5(Self.weights)
        let sha256 = ContentHashForTests.sha256(Self.weights)
        let repo = try repository(pointer: Self.dvcFile(md5: md5, size: Self.weights.utf8.count, path: "weights.bin"),
                                  artifacts: "    - path: data/weights.bin\n      sha256: \(sha256)")
        let result = try repo.policy("check")
        XCTAssertEqual(result.status, 1, result.stdout)
        let line = try repo.line(of: "sha256: \(sha256)", in: "runs/run.yaml")
        XCTAssertTrue(result.flat.contains("runs/run.yaml:\(line):15"), result.stdout)
        XCTAssertTrue(result.flat.contains("data/weights.bin is tracked by DVC (data/weights.bin.dvc), which records an md5 and no SHA-256"),
                      result.stdout)
    }

    func testAMalformedDVCFileIsALocatedError() throws {
        let md5 = Self.md5(Self.weights)
        let cases: [(pointer: String, location: String, message: String)] = [
            ("outs:\n- md5: [\(md5)\n  path: weights.bin\n", "data/weights.bin.dvc:3:", "data/weights.bin.dvc is not valid YAML"),
            ("outs:\n- size: 40\n  path: weights.bin\n", "data/weights.bin.dvc:2:3", "data/weights.bin.dvc records no md5 for data/weights.bin"),
            ("outs:\n- md5: \(md5)\n  path: weights.bin\n  hash: sha256\n", "data/weights.bin.dvc:4:9", "records data/weights.bin with hash 'sha256': only MD5 can be verified"),
            ("outs:\n- md5: \(md5)\n  path: other.bin\n", "data/weights.bin.dvc:2:1", "data/weights.bin.dvc lists no output whose path is data/weights.bin"),
        ]
        for (pointer, location, message) in cases {
            let repo = try repository(pointer: pointer, artifacts: "    - {path: data/weights.bin, md5: \(md5)}")
            let result = try repo.policy("check")
            XCTAssertEqual(result.status, 1, "\(pointer)\n\(result.stdout)\(result.stderr)")
            XCTAssertTrue(result.flat.contains(location), "\(location) in:\n\(result.stdout)")
            XCTAssertTrue(result.flat.contains(message), "\(message) in:\n\(result.stdout)")
            XCTAssertTrue(result.flat.contains("is tracked by a DVC pointer that cannot be used"), result.stdout)
        }
    }

    func testAStageOutputInDVCLockIsVerified() throws {
        let md5 = Self.md5(Self.model)
        let repo = try GitSandbox()
        try repo.write("policies/lineage.yaml", Self.policy)
        try repo.write("ml/models/model.pt", Self.model)
        try repo.write("ml/.gitignore", "/models\n")
        try repo.write("ml/dvc.yaml", "stages:\n  train:\n    cmd: python train.py\n    outs:\n    - models/model.pt\n")
        try repo.write("ml/dvc.lock", """
            schema: '2.0'
            stages:
              train:
                cmd: python train.py
                deps:
                - path: train.py
                  hash: md5
                  md5: \(Self.md5("print('train')\n"))
                  size: 15
                outs:
                - path: models/model.pt
                  hash: md5
                  md5: \(md5)
                  size: \(Self.model.utf8.count)

            """)
        try repo.write("runs/run.yaml", Self.run("    - {path: ml/models/model.pt, md5: \(md5), sizeBytes: \(Self.model.utf8.count)}"))
        try repo.commitAll("train stage output tracked in dvc.lock")
        let passing = try repo.policy("check")
        XCTAssertEqual(passing.status, 0, passing.stdout)

        try repo.edit("runs/run.yaml", replacing: "md5: \(md5)", with: "md5: \(Self.md5("stale\n"))")
        let blocked = try repo.policy("check")
        XCTAssertEqual(blocked.status, 1, blocked.stdout)
        XCTAssertTrue(blocked.flat.contains("but its DVC pointer ml/dvc.lock records md5 \(md5)"), blocked.stdout)
        let line = try repo.line(of: "md5: \(md5)", in: "ml/dvc.lock")
        XCTAssertTrue(blocked.flat.contains("ml/dvc.lock:\(line):"), blocked.stdout)
    }

    /// With the real `dvc` (`TOLLGATE_DVC`, else `dvc` on PATH): `dvc add` and `dvc repro`
    /// write the pointers, and the run's md5 of each verifies. Skips loudly without dvc.
    func testPointersWrittenByTheRealDVCVerify() throws {
        let environment = ProcessInfo.processInfo.environment
        let dvc = environment["TOLLGATE_DVC"] ?? "dvc"
        let probe = try? GitSandbox.run("/usr/bin/env", [dvc, "--version"], in: FileManager.default.temporaryDirectory)
        guard probe?.status == 0 else {
            FileHandle.standardError.write(Data("\n*** SKIPPING DVCLineageTests.testPointersWrittenByTheRealDVCVerify: no dvc (pip install dvc, or set TOLLGATE_DVC) ***\n\n".utf8))
            throw XCTSkip("SKIPPED: dvc is not installed")
        }
        let repo = try GitSandbox()
        func run(_ arguments: [String]) throws {
            let result = try GitSandbox.run("/usr/bin/env", [dvc] + arguments, in: repo.root, environment: ["DVC_NO_ANALYTICS": "1"])
            guard result.status == 0 else { throw TestSupportError("dvc \(arguments) failed: \(result.stderr)") }
        }
        try run(["init", "-q"])
        try repo.write("policies/lineage.yaml", Self.policy)
        try repo.write("data/weights.bin", Self.weights)
        try run(["add", "-q", "data/weights.bin"])
        try run(["stage", "add", "-q", "-n", "train", "-o", "models/model.pt", "mkdir -p models && cp data/weights.bin models/model.pt"])
        try run(["repro", "-q"])
        let weights = Self.md5(Self.weights)
        try repo.write("runs/run.yaml", Self.run("""
                - {path: data/weights.bin, md5: \(weights)}
                - {path: models/model.pt, md5: \(weights)}
            """))
        try repo.commitAll("dvc-tracked data and stage output")
        XCTAssertTrue(try repo.read("data/weights.bin.dvc").contains("md5: \(weights)"))
        XCTAssertTrue(try repo.read("dvc.lock").contains("md5: \(weights)"))
        let passing = try repo.policy("check", "--rev", "HEAD")
        XCTAssertEqual(passing.status, 0, passing.stdout)

        try repo.edit("runs/run.yaml", replacing: "models/model.pt, md5: \(weights)", with: "models/model.pt, md5: \(Self.md5("x"))")
        let blocked = try repo.policy("check")
        XCTAssertEqual(blocked.status, 1, blocked.stdout)
        XCTAssertTrue(blocked.flat.contains("but its DVC pointer dvc.lock records md5 \(weights)"), blocked.stdout)
    }

    /// A PolicyTest case says a file is tracked by DVC with `dvc:<md5>`.
    func testAPolicyTestCaseDeclaresADVCTrackedFile() throws {
        let md5 = Self.md5(Self.weights)
        let repo = try GitSandbox()
        try repo.write("policies/lineage.yaml", Self.policy)
        try repo.write("policies/tests/run.yaml", Self.run("    - {path: data/weights.bin, md5: \(md5)}"))
        try repo.write("policies/tests/dvc.yaml", """
            apiVersion: tollgate/v1
            kind: PolicyTest
            metadata: {name: dvc-artifacts}
            spec:
              cases:
                - name: the md5 the pointer records verifies
                  documents: [run.yaml]
                  subject: scorer-run
                  repository: {files: {data/weights.bin: "dvc:\(md5)"}}
                  expect: [{rule: lineage/artifacts, result: pass}]
                - name: another md5 blocks
                  documents: [run.yaml]
                  subject: scorer-run
                  repository: {files: {data/weights.bin: "dvc:\(Self.md5("other"))"}}
                  expect: [{rule: lineage/artifacts, result: block}]
            """)
        try repo.commitAll("policy tests")
        let result = try repo.policy("test", "policies/tests")
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("2 passed") || result.flat.contains("2/2"), result.stdout)
    }

    /// The release dossier does not show an artifact as verified when its DVC pointer cannot be
    /// used (the finding is located in the pointer, with a note at the artifact).
    func testTheDossierShowsAnArtifactBehindAnUnusablePointerAsFailed() throws {
        let md5 = Self.md5(Self.weights)
        let repo = try repository(pointer: "outs:\n- md5: [oops\n", artifacts: "    - {path: data/weights.bin, md5: \(md5)}")
        try repo.write("policies/lineage.yaml", Self.policy.replacingOccurrences(of: "kinds: [RunManifest]", with: "kinds: [PromotionRequest]"))
        try repo.write("models/scorer/card.yaml", MLflowImportTests.card)
        try repo.write("requests/scorer-1.2.0-production.yaml", MLflowImportTests.request)
        try repo.commitAll("request")
        let explained = try repo.policy("explain", "scorer-1.2.0-production", "--format", "json")
        let json = try explained.json()
        XCTAssertEqual(json["verdict"] as? String, "block", explained.stdout + explained.stderr)
        let lineage = try XCTUnwrap((json["request"] as? [String: Any])?["lineage"] as? [String: Any], explained.stdout)
        let artifacts = try XCTUnwrap(lineage["artifacts"] as? [[String: Any]])
        XCTAssertEqual(artifacts.first?["checksum"] as? String, "failed", "\(artifacts)")
        XCTAssertTrue((artifacts.first?["problem"] as? String ?? "").contains("is tracked by a DVC pointer that cannot be used"), "\(artifacts)")
    }
}
