import Documents
@testable import Policy
import XCTest

/// Reproducibility: artifact checksums are verified against the files of the same revision
/// (Git LFS pointers by their oid), the code commit must exist in this repository, and each
/// failing item is its own finding located at the value.
final class LineageTests: XCTestCase {
    static let commit = "3f9a1c2b4d5e6f708192a3b4c5d6e7f801234567"
    static let plainHash = "9c1185a5c5e9fc54612808977ee8f548b2258d31c1d4a5f2e8a7c3b6d9e0f123"
    static let lfsOid = "4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393"
    static let otherHash = String(repeating: "e", count: 64)
    static let image = "registry.example.com/train@sha256:" + String(repeating: "0f", count: 32)

    static let repository = ExampleRepository(
        commits: [commit, "aaaabbbbccccddddeeeeffff0000111122223333"],
        files: ["models/model.onnx": .content(sha256: plainHash, size: 1024),
                "models/weights.safetensors": .lfsPointer(oid: lfsOid, size: 4_000_000_000)])

    private func rule(_ check: String, run: String, documents: [String] = [],
                      repository: ExampleRepository? = LineageTests.repository) throws -> RuleEvaluation {
        let example = CheckExample("lineage", check: check, run: run, documents: documents,
                                   repository: repository, expect: .pass)
        let (report, problems) = try ExampleHarness.evaluate(keyword: "lineage", example: example)
        XCTAssertEqual(problems, [])
        let subject = try XCTUnwrap(report.subjects.first { $0.subject.kind == .promotionRequest })
        return try XCTUnwrap(subject.rules.first { $0.ruleID == "example/rule" })
    }

    private func artifacts(_ entries: String) -> String {
        "artifacts:\n" + entries
    }

    // MARK: Artifacts

    func testAGitLFSPointerIsVerifiedByItsOid() throws {
        let passing = try rule("{require: [artifacts]}",
                               run: artifacts("  - {path: models/weights.safetensors, sha256: \(Self.lfsOid)}"))
        XCTAssertEqual(passing.outcome, .pass, "\(passing.findings.map(\.message))")
        XCTAssertTrue(passing.evidence.contains {
            $0.path == "repository.files[models/weights.safetensors]"
                && $0.value?.string == "Git LFS pointer, oid sha256:\(Self.lfsOid)"
        }, "\(passing.evidence)")
    }

    func testAGitLFSPointerWithAnotherOidBlocksShowingBothHashes() throws {
        let blocking = try rule("{require: [artifacts]}",
                                run: artifacts("  - {path: models/weights.safetensors, sha256: \(Self.otherHash)}"))
        XCTAssertEqual(blocking.outcome, .block)
        let finding = try XCTUnwrap(blocking.findings.first)
        XCTAssertEqual(finding.message,
                       "artifacts: models/weights.safetensors has sha256 \(Self.otherHash) in run.spec.artifacts[0], but the oid of its Git LFS pointer is \(Self.lfsOid)")
        // At the recorded checksum: run.yaml line 6 (spec starts at line 5).
        XCTAssertEqual(finding.location.file, "run.yaml")
        XCTAssertEqual(finding.location.line, 6)
    }

    func testAPlainFileWhoseChecksumDiffersBlocksShowingBothHashesAndThePath() throws {
        let blocking = try rule("{require: [artifacts]}",
                                run: artifacts("  - {path: models/weights.safetensors, sha256: \(Self.lfsOid)}\n  - {path: models/model.onnx, sha256: \(Self.otherHash)}"))
        XCTAssertEqual(blocking.outcome, .block)
        XCTAssertEqual(blocking.findings.map(\.message), [
            "artifacts: models/model.onnx has sha256 \(Self.otherHash) in run.spec.artifacts[1], but the file's SHA-256 is \(Self.plainHash)",
        ])
        XCTAssertEqual(blocking.findings.first?.location.line, 7)
        XCTAssertEqual(blocking.findings.first?.notes.map(\.message), ["lineage item 'artifacts' is required here"])
        XCTAssertEqual(blocking.findings.first?.notes.first?.location.file, "policy.yaml")
    }

    func testChecksumsCompareIgnoringCase() throws {
        let passing = try rule("{require: [artifacts]}",
                               run: artifacts("  - {path: models/model.onnx, sha256: \(Self.plainHash.uppercased())}"))
        XCTAssertEqual(passing.outcome, .pass, "\(passing.findings.map(\.message))")
    }

    func testMissingFilesAndUnverifiableListsBlock() throws {
        let missing = try rule("{require: [artifacts]}",
                               run: artifacts("  - {path: models/gone.onnx, sha256: \(Self.plainHash)}"))
        XCTAssertEqual(missing.findings.map(\.message), [
            "artifacts: models/gone.onnx (run.spec.artifacts[0].path) does not exist in this revision, so its sha256 \(Self.plainHash) cannot be verified",
        ])
        let empty = try rule("{require: [artifacts]}", run: "artifacts: []")
        XCTAssertEqual(empty.outcome, .block)
        let noRepository = try rule("{require: [artifacts]}",
                                    run: artifacts("  - {path: models/model.onnx, sha256: \(Self.plainHash)}"), repository: nil)
        XCTAssertEqual(noRepository.outcome, .block)
        XCTAssertTrue(noRepository.findings.first?.message.contains("no repository is available; the rule fails closed") == true)
    }

    // MARK: Code commit

    func testACodeCommitThatDoesNotExistInThisRepositoryBlocks() throws {
        let unknown = "1234567890abcdef1234567890abcdef12345678"
        let blocking = try rule("{require: [codeCommit]}", run: "code: {commit: \"\(unknown)\"}")
        XCTAssertEqual(blocking.outcome, .block)
        XCTAssertEqual(blocking.findings.map(\.message),
                       ["codeCommit: commit \(unknown) (run.spec.code.commit) does not exist in this repository"])
        XCTAssertEqual(blocking.findings.first?.location.line, 5)
        XCTAssertTrue(blocking.evidence.contains { $0.path == "repository.commits[\(unknown)]" && $0.value?.bool == false })

        let passing = try rule("{require: [codeCommit]}", run: "code: {commit: \"\(Self.commit)\"}")
        XCTAssertEqual(passing.outcome, .pass, "\(passing.findings.map(\.message))")
    }

    func testAnAbbreviatedCommitDoesNotPinTheCode() throws {
        // The repository knows 3f9a1c2; an abbreviated id may become ambiguous, so it does not count.
        let blocking = try rule("{require: [codeCommit]}", run: "code: {commit: \"3f9a1c2\"}")
        XCTAssertEqual(blocking.findings.map(\.message),
                       ["codeCommit: run.spec.code.commit '3f9a1c2' must be a full 40-character hex commit id to pin the code"])
    }

    // MARK: Every item

    func testEachFailingItemIsItsOwnFindingAtItsValue() throws {
        let run = """
            code: {commit: "1234567890abcdef1234567890abcdef12345678"}
            environment: {image: "registry.example.com/train:latest"}
            dataset: {name: tx, version: LATEST}
            config: {hyperparameters: {lr: 0.1}}
            teacher: {model: big, version: "9.9"}
            artifacts: []
            """
        let evaluation = try rule("{require: [seed, datasetVersion, codeCommit, environmentDigest, artifacts, teacher]}", run: run)
        XCTAssertEqual(evaluation.outcome, .block)
        let byItem = Dictionary(grouping: evaluation.findings) { String($0.message.prefix { $0 != ":" }) }
        XCTAssertEqual(Set(byItem.keys), ["seed", "datasetVersion", "codeCommit", "environmentDigest", "artifacts", "teacher"])
        XCTAssertTrue(byItem.values.allSatisfy { $0.count == 1 })
        XCTAssertEqual(byItem["codeCommit"]?.first?.location.line, 5)
        XCTAssertEqual(byItem["environmentDigest"]?.first?.location.line, 6)
        XCTAssertEqual(byItem["datasetVersion"]?.first?.location.line, 7)
        XCTAssertTrue(byItem["seed"]?.first?.message.contains("run.spec.config.seed is missing") == true)
        XCTAssertEqual(byItem["seed"]?.first?.location.line, 8, "where the seed is missing: in config")
        XCTAssertEqual(byItem["teacher"]?.first?.location.line, 9)
        XCTAssertTrue(byItem["teacher"]?.first?.message.contains("teacher big 9.9") == true)
        XCTAssertEqual(byItem["artifacts"]?.first?.location.line, 10)
    }

    func testATeacherResolvesByModelAndVersion() throws {
        let teacherRun = "apiVersion: tollgate/v1\nkind: RunManifest\nmetadata: {name: big-3}\nspec: {model: big, version: \"3.0\"}\n"
        let evaluation = try rule("{require: [teacher]}", run: "teacher: {model: big, version: \"3.0\"}", documents: [teacherRun])
        XCTAssertEqual(evaluation.outcome, .pass, "\(evaluation.findings.map(\.message))")
        XCTAssertTrue(evaluation.evidence.contains { $0.path == "teacher" && $0.value?.string == "RunManifest 'big-3'" })
    }

    func testAnUnknownItemIsAnInvalidPolicyWithASuggestion() throws {
        let example = CheckExample("lineage", check: "{require: [seed, codecommit, artefacts]}", expect: .pass)
        let problems = try ExampleHarness.evaluate(keyword: "lineage", example: example).1
        XCTAssertEqual(problems.map(\.message), [
            "lineage: unknown item 'codecommit' (known: seed, datasetVersion, codeCommit, environmentDigest, artifacts, teacher, datasetChecksum, configFile, card, cardSize) — did you mean 'codeCommit'?",
            "lineage: unknown item 'artefacts' (known: seed, datasetVersion, codeCommit, environmentDigest, artifacts, teacher, datasetChecksum, configFile, card, cardSize) — did you mean 'artifacts'?",
        ])
        XCTAssertEqual(problems.first?.location.file, "policy.yaml")
    }
}
