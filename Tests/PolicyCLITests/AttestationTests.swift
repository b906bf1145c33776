import Foundation
import TollgateTestSupport
import XCTest

/// `policy attest` and `policy verify-attestation` on the DistilOps demo (issue 17): a real
/// history with signed commits, a release bot whose ed25519 key `ssh-keygen` made, the model
/// re-exported as a Git LFS pointer to bytes the test wrote, and the envelope checked by our
/// own verifier and by independent implementations (PyPI securesystemslib and
/// in-toto-attestation).
final class AttestationTests: XCTestCase {
    static let request = "fraud-student-2.1.0-production"
    static let run = "runs/fraud-student/run-8812.yaml"
    static let model = "models/fraud-student/model.onnx"

    /// The demo, prepared once for the class (the history and a 67 MB model take a while).
    final class Fixture: @unchecked Sendable {
        let demo: GitSandbox
        let bot: SSHKey
        /// HEAD of the demo as history.sh leaves it: the request blocks on p95.
        let blockedCommit: String
        let p95Line: Int
        /// After the fix, the re-export and the approvals: the request passes.
        let passingCommit: String
        /// The model file a deploy job downloads (outside the repository) and its SHA-256.
        let modelFile: String
        let modelSHA256: String
        /// A second artifact of the run, tracked by DVC (`tokenizer.bin.dvc`): its subject is its md5.
        let tokenizerFile: String
        let tokenizerMD5: String
        /// The envelope attested at `passingCommit` by the release bot, with --record.
        let envelopePath: String
        let attest: ProcessOutput
        /// A commit where the error-rate rule only warns and fails: the request warns.
        let warningCommit: String
        let warningEnvelopePath: String
        /// A commit whose pointer names other bytes than the run records (the lineage rule no
        /// longer checks artifacts, so only `attest` notices), and one without the model file.
        let mismatchCommit: String
        let missingCommit: String

        init() throws {
            demo = try GitSandbox.demo()
            blockedCommit = try demo.git("rev-parse", "HEAD")
            p95Line = try demo.line(of: "p95Ms: 28.7", in: AttestationTests.run)
            bot = try demo.makeKey("release-bot", type: "ed25519", comment: "release-bot@distilops.example")

            // dana (policy owner) adds the release bot to the Team.
            let team = try demo.read("policies/team.yaml")
            try demo.write("policies/team.yaml", team + """
                    - id: release-bot
                      name: Release bot
                      emails: [release-bot@distilops.example]
                      signingKeys: ["\(bot.publicLine)"]
                      roles: [release-bot]

                """)
            try demo.commitSigned("Add the release bot, which signs attestations", as: "dana")

            // alice re-exports the model (same size, new bytes: a new LFS object) and fixes p95.
            let size = 67_301_632
            let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
                for index in 0..<size { buffer[index] = UInt8(truncatingIfNeeded: (index &* 2_654_435_761) >> 13) }
                count = size
            }
            let deploy = demo.directory.appendingPathComponent("deploy")
            try FileManager.default.createDirectory(at: deploy, withIntermediateDirectories: true)
            modelFile = deploy.appendingPathComponent("model.onnx").path
            try Data(bytes).write(to: URL(fileURLWithPath: modelFile))
            let sum = try ProcessRunner.run("/usr/bin/sha256sum", [modelFile])
            modelSHA256 = String(sum.stdout.prefix(64))
            let oldSHA = "019cf6068fa0c9eba497d0980f9cbc71e46a842fdaad80773f394588e3abc71c"
            try demo.write(AttestationTests.model, "version https://git-lfs.github.com/spec/v1\noid sha256:\(modelSHA256)\nsize \(size)\n")
            try demo.edit(AttestationTests.run, replacing: oldSHA, with: modelSHA256)
            try demo.edit(AttestationTests.run, replacing: "p95Ms: 28.7", with: "p95Ms: 24")
            // The tokenizer is in DVC's cache, not in git: a pointer file and the run's md5.
            tokenizerFile = deploy.appendingPathComponent("tokenizer.bin").path
            try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7) }).write(to: URL(fileURLWithPath: tokenizerFile))
            tokenizerMD5 = String(try ProcessRunner.run("/usr/bin/md5sum", [tokenizerFile]).stdout.prefix(32))
            try demo.write("models/fraud-student/tokenizer.bin.dvc", "outs:\n- md5: \(tokenizerMD5)\n  size: 4096\n  path: tokenizer.bin\n")
            try demo.edit(AttestationTests.run, replacing: "      sizeBytes: 67301632\n",
                          with: "      sizeBytes: 67301632\n    - path: models/fraud-student/tokenizer.bin\n      md5: \(tokenizerMD5)\n      sizeBytes: 4096\n")
            try demo.commitSigned("Re-export model.onnx after the batching fix; p95 re-measured at 24 ms", as: "alice")
            // The run changed: the approvals are stale until bob and carol approve again.
            try demo.approve(as: "bob", role: "rai-reviewer", message: "Re-reviewed after the latency fix")
            try demo.approve(as: "carol", role: "approver", message: "p95 24 ms, error rate and availability unchanged")
            passingCommit = try demo.git("rev-parse", "HEAD")

            envelopePath = demo.directory.appendingPathComponent("attestation.json").path
            attest = try demo.policy("attest", AttestationTests.request, "--key", bot.privatePath,
                                     "--output", envelopePath, "--record")

            // The error-rate rule tightened to warn: the request warns, and is attestable.
            try demo.edit("policies/release-gate.yaml", replacing: "max: 0.02}", with: "max: 0.01}")
            try demo.edit("policies/release-gate.yaml", replacing: "id: error-rate", with: "id: error-rate\n      enforcement: warn")
            try demo.commitSigned("Error rate: warn above 1 %", as: "dana")
            warningCommit = try demo.git("rev-parse", "HEAD")
            warningEnvelopePath = demo.directory.appendingPathComponent("warning.json").path
            let warned = try demo.policy("attest", AttestationTests.request, "--key", bot.privatePath, "--output", warningEnvelopePath)
            guard warned.status == 0 else { throw SandboxError("attesting the warning failed: \(warned.stderr)") }

            // The lineage rule stops checking artifacts; then the pointer names other bytes.
            try demo.edit("policies/lineage.yaml", replacing: "environmentDigest, artifacts,", with: "environmentDigest,")
            try demo.write(AttestationTests.model, "version https://git-lfs.github.com/spec/v1\noid sha256:\(String(repeating: "ab", count: 32))\nsize \(size)\n")
            try demo.commitSigned("Pointer to another export", as: "dana")
            mismatchCommit = try demo.git("rev-parse", "HEAD")
            try demo.delete(AttestationTests.model)
            try demo.commitSigned("Remove the model pointer", as: "dana")
            missingCommit = try demo.git("rev-parse", "HEAD")
        }
    }

    nonisolated(unsafe) static var shared: Result<Fixture, Error>?

    func fixture() throws -> Fixture {
        if Self.shared == nil { Self.shared = Result { try Fixture() } }
        return try XCTUnwrap(Self.shared).get()
    }

    /// The statement inside an envelope file.
    func statement(_ path: String) throws -> [String: Any] {
        let envelope = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        let payload = try XCTUnwrap(Data(base64Encoded: try XCTUnwrap(envelope["payload"] as? String)))
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
    }

    func verify(_ envelope: String, artifact: String, team: String? = nil, role: String? = "release-bot") throws -> ProcessOutput {
        let f = try fixture()
        var arguments = ["verify-attestation", envelope, "--artifact", artifact, "--team", team ?? f.demo.url("policies/team.yaml").path]
        if let role { arguments += ["--role", role] }
        // Outside any repository: a deploy job has the envelope, the model and the Team file.
        return try PolicyBinary.run(arguments, in: f.demo.directory.appendingPathComponent("deploy"))
    }

    /// A copy of `envelope` whose payload is `change` applied to the statement's JSON text;
    /// the signature is kept.
    func tampered(_ envelope: String, _ change: (String) -> String) throws -> String {
        var object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: envelope))) as? [String: Any])
        let payload = String(decoding: try XCTUnwrap(Data(base64Encoded: try XCTUnwrap(object["payload"] as? String))), as: UTF8.self)
        let changed = change(payload)
        XCTAssertNotEqual(changed, payload, "the tampering changes the payload")
        object["payload"] = Data(changed.utf8).base64EncodedString()
        let path = try fixture().demo.directory.appendingPathComponent("tampered-\(UUID().uuidString).json").path
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
        return path
    }

    // MARK: attest

    func testABlockingRequestIsNotAttestedAndNothingIsWritten() throws {
        let f = try fixture()
        let output = f.demo.directory.appendingPathComponent("blocked.json").path
        let result = try f.demo.policy("attest", Self.request, "--rev", f.blockedCommit, "--key", f.bot.privatePath, "--output", output)
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.contains("\(Self.request) blocks at \(f.blockedCommit.prefix(12)): not attested"), result.stderr)
        XCTAssertTrue(result.stderr.contains("release-gate/p95-latency: p95 latency 28.7 ms exceeds 25 ms (\(Self.run):\(f.p95Line):12)"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output), "nothing is written for a blocking verdict")
    }

    func testTheDemoAfterTheFixAttestsTheModelsLFSOidWithTheWholeVerdict() throws {
        let f = try fixture()
        XCTAssertEqual(f.attest.status, 0, f.attest.stdout + f.attest.stderr)
        XCTAssertTrue(f.attest.stdout.contains("attested \(Self.request) at \(f.passingCommit.prefix(12)): verdict pass"), f.attest.stdout)
        XCTAssertTrue(f.attest.stdout.contains("subject \(Self.model) (sha256 \(f.modelSHA256))"), f.attest.stdout)
        XCTAssertTrue(f.attest.stdout.contains("subject models/fraud-student/tokenizer.bin (md5 \(f.tokenizerMD5))"), f.attest.stdout)

        let envelope = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: f.envelopePath))) as? [String: Any])
        XCTAssertEqual(envelope["payloadType"] as? String, "application/vnd.in-toto+json")
        let statement = try statement(f.envelopePath)
        XCTAssertEqual(statement["_type"] as? String, "https://in-toto.io/Statement/v1")
        XCTAssertEqual(statement["predicateType"] as? String, "https://tollgate.dev/attestation/release/v1")
        // The subject's digest is the LFS pointer's oid as the commit holds it.
        let pointer = try f.demo.git("show", "\(f.passingCommit):\(Self.model)")
        XCTAssertTrue(pointer.contains("oid sha256:\(f.modelSHA256)"), pointer)
        let subjects = try XCTUnwrap(statement["subject"] as? [[String: Any]])
        XCTAssertEqual(subjects.count, 2)
        XCTAssertEqual(subjects.first?["name"] as? String, Self.model)
        XCTAssertEqual(subjects.first?["digest"] as? [String: String], ["sha256": f.modelSHA256])
        // A DVC-tracked artifact: the pointer's md5, as the run records it.
        XCTAssertEqual(subjects.last?["name"] as? String, "models/fraud-student/tokenizer.bin")
        XCTAssertEqual(subjects.last?["digest"] as? [String: String], ["md5": f.tokenizerMD5])

        let predicate = try XCTUnwrap(statement["predicate"] as? [String: Any])
        XCTAssertEqual(predicate["verdict"] as? String, "pass")
        let request = try XCTUnwrap(predicate["request"] as? [String: String])
        XCTAssertEqual(request, ["name": Self.request, "file": "requests/\(Self.request).yaml", "model": "fraud-student",
                                 "version": "2.1.0", "from": "staging", "to": "production"])
        let revision = try XCTUnwrap(predicate["revision"] as? [String: String])
        XCTAssertEqual(revision["commit"], f.passingCommit)
        XCTAssertEqual(revision["tree"], try f.demo.git("rev-parse", "\(f.passingCommit)^{tree}"))
        let digest = try f.demo.policy("digest", Self.request, "--rev", f.passingCommit)
        XCTAssertEqual(predicate["bundleDigest"] as? String, digest.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        let rules = try XCTUnwrap(predicate["rules"] as? [[String: Any]])
        XCTAssertEqual(rules.first { $0["id"] as? String == "release-gate/p95-latency" }?["outcome"] as? String, "pass")
        XCTAssertTrue(rules.allSatisfy { $0["outcome"] as? String == "pass" }, "\(rules)")
        let policies = try XCTUnwrap(predicate["policies"] as? [[String: String]])
        let gate = try XCTUnwrap(policies.first { $0["name"] == "release-gate" })
        XCTAssertEqual(gate["file"], "policies/release-gate.yaml")
        XCTAssertEqual(gate["blob"], try f.demo.git("rev-parse", "\(f.passingCommit):policies/release-gate.yaml"))
        let approvals = try XCTUnwrap(predicate["approvals"] as? [[String: Any]])
        XCTAssertEqual(approvals.compactMap { $0["approver"] as? String }.sorted(), ["bob", "carol"])
        let bob = try XCTUnwrap(approvals.first { $0["approver"] as? String == "bob" })
        XCTAssertEqual(bob["counts"] as? Bool, true)
        XCTAssertEqual(bob["role"] as? String, "rai-reviewer")
        XCTAssertEqual(bob["commit"] as? String, try f.demo.git("log", "-1", "--format=%H", f.passingCommit, "--", "approvals/\(Self.request)/bob.yaml"))
        let bobKey = try ProcessRunner.run("/usr/bin/ssh-keygen", ["-lf", f.demo.demoKey("bob") + ".pub"]).stdout
        XCTAssertTrue(bobKey.contains(try XCTUnwrap(bob["signingKey"] as? String)), bobKey)
        let tool = try XCTUnwrap(predicate["tool"] as? [String: String])
        XCTAssertEqual(tool["name"], "tollgate")
        let version = try f.demo.policy("--version").stdout.split(separator: "\n").first.map(String.init)
        XCTAssertEqual(tool["version"], version)
    }

    func testTheSameRevisionAttestsByteIdenticallyAndRecordKeepsTheEnvelopeAsANote() throws {
        let f = try fixture()
        let again = f.demo.directory.appendingPathComponent("again.json").path
        let result = try f.demo.policy("attest", Self.request, "--rev", f.passingCommit, "--key", f.bot.privatePath, "--output", again)
        XCTAssertEqual(result.status, 0, result.stderr)
        let first = try Data(contentsOf: URL(fileURLWithPath: f.envelopePath))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: again)), first, "no wall-clock time: the same bytes")
        let note = try f.demo.git("notes", "--ref", "refs/notes/tollgate-attestations", "show", f.passingCommit)
        XCTAssertEqual(note, String(decoding: first, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    func testArtifactsTheRepositoryDoesNotVouchForAreNotAttested() throws {
        let f = try fixture()
        let output = f.demo.directory.appendingPathComponent("refused.json").path
        let mismatch = try f.demo.policy("attest", Self.request, "--rev", f.mismatchCommit, "--key", f.bot.privatePath, "--output", output)
        XCTAssertEqual(mismatch.status, 2, mismatch.stdout + mismatch.stderr)
        XCTAssertTrue(mismatch.stderr.contains("artifact \(Self.model) (\(Self.run):"), mismatch.stderr)
        XCTAssertTrue(mismatch.stderr.contains("records sha256 \(f.modelSHA256), but the repository holds \(String(repeating: "ab", count: 32))"), mismatch.stderr)
        let missing = try f.demo.policy("attest", Self.request, "--rev", f.missingCommit, "--key", f.bot.privatePath, "--output", output)
        XCTAssertEqual(missing.status, 2, missing.stdout + missing.stderr)
        XCTAssertTrue(missing.stderr.contains("artifact \(Self.model) (\(Self.run):"), missing.stderr)
        XCTAssertTrue(missing.stderr.contains("is not in the repository at \(f.missingCommit)"), missing.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))
    }

    func testKeysAttestCannotUseAreExitTwo() throws {
        let f = try fixture()
        let output = f.demo.directory.appendingPathComponent("nokey.json").path
        let encrypted = try f.demo.makeKey("encrypted", type: "ed25519")
        let passphrase = try ProcessRunner.run("/usr/bin/ssh-keygen", ["-q", "-p", "-N", "secret", "-P", "", "-f", encrypted.privatePath])
        XCTAssertEqual(passphrase.status, 0, passphrase.stderr)
        let result = try f.demo.policy("attest", Self.request, "--rev", f.passingCommit, "--key", encrypted.privatePath, "--output", output)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("the key is encrypted (cipher aes256-ctr)"), result.stderr)
        XCTAssertTrue(result.stderr.contains("decrypt it first"), result.stderr)
        let publicKey = try f.demo.policy("attest", Self.request, "--key", f.bot.publicPath, "--output", output)
        XCTAssertEqual(publicKey.status, 2)
        XCTAssertTrue(publicKey.stderr.contains("it is a public key"), publicKey.stderr)
        let ecdsa = try f.demo.makeKey("ecdsa", type: "ecdsa", bits: 256)
        let wrongType = try f.demo.policy("attest", Self.request, "--key", ecdsa.privatePath, "--output", output)
        XCTAssertEqual(wrongType.status, 2)
        XCTAssertTrue(wrongType.stderr.contains("the key is ecdsa-sha2-nistp256; attestations are signed with ed25519 keys only"), wrongType.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))
    }

    // MARK: verify-attestation

    func testVerifyAcceptsTheModelBytesAndRefusesAnotherFile() throws {
        let f = try fixture()
        let accepted = try verify(f.envelopePath, artifact: "model.onnx")
        XCTAssertEqual(accepted.status, 0, accepted.stdout + accepted.stderr)
        XCTAssertTrue(accepted.stdout.contains("accepted: model.onnx is \(Self.model) of \(Self.request), which passed at \(f.passingCommit.prefix(12)); signed by release-bot (SHA256:"), accepted.stdout)

        let tokenizer = try verify(f.envelopePath, artifact: "tokenizer.bin")
        XCTAssertEqual(tokenizer.status, 0, tokenizer.stdout + tokenizer.stderr)
        XCTAssertTrue(tokenizer.stdout.contains("accepted: tokenizer.bin is models/fraud-student/tokenizer.bin of"), tokenizer.stdout)

        // The same size, one byte changed.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: f.modelFile))
        bytes[bytes.count / 2] ^= 0x01
        let other = f.demo.directory.appendingPathComponent("deploy/other.onnx")
        try bytes.write(to: other)
        let refused = try verify(f.envelopePath, artifact: "other.onnx")
        XCTAssertEqual(refused.status, 1, refused.stdout + refused.stderr)
        XCTAssertTrue(refused.stderr.contains("refused: other.onnx (sha256 "), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("is not a subject of the attestation; it attests \(Self.model) (sha256 \(f.modelSHA256))"), refused.stderr)
    }

    func testVerifyRefusesATamperedPayload() throws {
        let f = try fixture()
        // Someone points the attestation at other bytes and keeps the signature.
        let path = try tampered(f.envelopePath) { $0.replacingOccurrences(of: f.modelSHA256, with: String(repeating: "0", count: 64)) }
        let result = try verify(path, artifact: "model.onnx")
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.contains("the signature does not verify with release-bot's key SHA256:"), result.stderr)
        XCTAssertTrue(result.stderr.contains("was changed after it was signed"), result.stderr)
    }

    func testVerifyRefusesAKeyTheTeamDoesNotList() throws {
        let f = try fixture()
        let stranger = try f.demo.makeKey("stranger", type: "ed25519")
        let path = f.demo.directory.appendingPathComponent("stranger.json").path
        let attest = try f.demo.policy("attest", Self.request, "--rev", f.passingCommit, "--key", stranger.privatePath, "--output", path)
        XCTAssertEqual(attest.status, 0, attest.stderr)
        let result = try verify(path, artifact: "model.onnx")
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.contains("refused: the envelope is signed by no ed25519 key the Team lists"), result.stderr)
    }

    func testVerifyRefusesAnExpiredKeyAndAcceptsOneThatHasNotExpired() throws {
        let f = try fixture()
        let team = try f.demo.read("policies/team.yaml")
        let line = "signingKeys: [\"\(f.bot.publicLine)\"]"
        XCTAssertTrue(team.contains(line))
        let expired = f.demo.directory.appendingPathComponent("deploy/team-expired.yaml")
        try team.replacingOccurrences(of: line, with: "signingKeys:\n        - {key: \"\(f.bot.publicLine)\", expires: 2026-01-01T00:00:00Z}")
            .write(to: expired, atomically: true, encoding: .utf8)
        let refused = try verify(f.envelopePath, artifact: "model.onnx", team: expired.path)
        XCTAssertEqual(refused.status, 1, refused.stdout + refused.stderr)
        XCTAssertTrue(refused.stderr.contains("refused: signed by release-bot's key SHA256:"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("which expired on 2026-01-01T00:00:00Z"), refused.stderr)

        let valid = f.demo.directory.appendingPathComponent("deploy/team-valid.yaml")
        try team.replacingOccurrences(of: line, with: "signingKeys:\n        - key: \"\(f.bot.publicLine)\"\n          expires: 2999-01-01T00:00:00Z")
            .write(to: valid, atomically: true, encoding: .utf8)
        let accepted = try verify(f.envelopePath, artifact: "model.onnx", team: valid.path)
        XCTAssertEqual(accepted.status, 0, accepted.stdout + accepted.stderr)
        // The repository's own check reads the same Team schema.
        let badDate = f.demo.directory.appendingPathComponent("deploy/team-bad.yaml")
        try team.replacingOccurrences(of: line, with: "signingKeys:\n        - {key: \"\(f.bot.publicLine)\", expires: next year}")
            .write(to: badDate, atomically: true, encoding: .utf8)
        let bad = try verify(f.envelopePath, artifact: "model.onnx", team: badDate.path)
        XCTAssertEqual(bad.status, 2, bad.stdout + bad.stderr)
        XCTAssertTrue(bad.stderr.contains("team-bad.yaml:"), bad.stderr)
    }

    func testVerifyRefusesASignerWithoutTheRole() throws {
        let f = try fixture()
        let result = try verify(f.envelopePath, artifact: "model.onnx", role: "policy-owner")
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.contains("refused: signed by release-bot (SHA256:"), result.stderr)
        XCTAssertTrue(result.stderr.contains("who does not hold the role 'policy-owner' in the Team"), result.stderr)
    }

    func testVerifyRefusesAVerdictThatIsNotPass() throws {
        let f = try fixture()
        XCTAssertEqual(try statement(f.warningEnvelopePath)["predicate"].flatMap { ($0 as? [String: Any])?["verdict"] as? String }, "warn")
        let result = try verify(f.warningEnvelopePath, artifact: "model.onnx")
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.contains("refused: the attested verdict of \(Self.request) is 'warn', not 'pass'"), result.stderr)
    }

    func testMalformedInputIsExitTwo() throws {
        let f = try fixture()
        let deploy = f.demo.directory.appendingPathComponent("deploy")
        let cases: [(String, String, String)] = [
            ("truncated.json", "{\"payload\": ", "is not a DSSE envelope: it is not JSON"),
            ("object.json", "{\"a\": 1}", "is not a DSSE envelope: it has no \"payloadType\" string"),
            ("unsigned.json", "{\"payloadType\": \"application/vnd.in-toto+json\", \"payload\": \"e30=\", \"signatures\": []}",
             "no \"signatures\" (a non-empty list)"),
        ]
        for (name, text, message) in cases {
            try text.write(to: deploy.appendingPathComponent(name), atomically: true, encoding: .utf8)
            let result = try verify(name, artifact: "model.onnx")
            XCTAssertEqual(result.status, 2, name + result.stderr)
            XCTAssertTrue(result.stderr.contains(message), name + ": " + result.stderr)
        }
        let noTeam = try verify(f.envelopePath, artifact: "model.onnx", team: "no-such-team.yaml")
        XCTAssertEqual(noTeam.status, 2)
        XCTAssertTrue(noTeam.stderr.contains("cannot read the Team file no-such-team.yaml"), noTeam.stderr)
        let noArtifact = try verify(f.envelopePath, artifact: "missing.onnx")
        XCTAssertEqual(noArtifact.status, 2)
        XCTAssertTrue(noArtifact.stderr.contains("cannot read the artifact missing.onnx"), noArtifact.stderr)
    }

    // MARK: docs/ci.md's recipe

    /// The release recipe of docs/ci.md, its shell steps run as a runner would: the attest job
    /// in a clone at the passing commit (origin: the demo), pushing the note; the deploy job
    /// in a directory holding only what it downloads and the model.
    func testTheReleaseRecipeAttestsPushesTheNoteAndTheDeployJobVerifies() throws {
        let f = try fixture()
        let block = try XCTUnwrap(try ActionInstallTests.yamlBlocks().first { $0.hasPrefix("name: release") })
        let file = f.demo.directory.appendingPathComponent("release.yml")
        try block.write(to: file, atomically: true, encoding: .utf8)
        let workflow = try XCTUnwrap(try PythonTools.parseYAML([file.path]).first as? [String: Any])
        let jobs = try XCTUnwrap(workflow["jobs"] as? [String: [String: Any]])
        func step(_ job: String, _ prefix: String) throws -> [String: Any] {
            let steps = try XCTUnwrap(jobs[job]?["steps"] as? [[String: Any]])
            return try XCTUnwrap(steps.first { ($0["name"] as? String)?.hasPrefix(prefix) == true }, "\(job): \(prefix)")
        }
        let attestStep = try step("attest", "Attest")
        let verifyStep = try step("deploy", "Verify")

        let clone = f.demo.directory.appendingPathComponent("runner")
        _ = try ProcessRunner.run("/usr/bin/git", ["clone", "-q", f.demo.root.path, clone.path])
        _ = try ProcessRunner.run("/usr/bin/git", ["-C", clone.path, "checkout", "-q", f.passingCommit])
        let temp = f.demo.directory.appendingPathComponent("runner-temp")
        try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
        let bin = PolicyBinary.url.deletingLastPathComponent().path
        var environment = ProcessRunner.inheritedEnvironment(overriding: [
            "RELEASE_BOT_KEY": try String(contentsOfFile: f.bot.privatePath, encoding: .utf8),
            "REQUEST": Self.request, "RUNNER_TEMP": temp.path,
            "PATH": bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
            "HOME": f.demo.directory.path, "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_COMMITTER_NAME": "ci", "GIT_COMMITTER_EMAIL": "ci@example.com",
            "GIT_AUTHOR_NAME": "ci", "GIT_AUTHOR_EMAIL": "ci@example.com",
        ])
        environment["NO_COLOR"] = nil
        let attested = try ProcessRunner.run("/bin/bash", ["-e", "-c", try XCTUnwrap(attestStep["run"] as? String)],
                                             in: clone, environment: environment)
        XCTAssertEqual(attested.status, 0, attested.stdout + attested.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: temp.appendingPathComponent("release-bot").path), "the key is removed")
        let envelope = try String(contentsOf: clone.appendingPathComponent("attestation.json"), encoding: .utf8)
        XCTAssertEqual(envelope, try String(contentsOfFile: f.envelopePath, encoding: .utf8), "the recipe attests as the command does")
        XCTAssertEqual(try f.demo.git("notes", "--ref", "refs/notes/tollgate-attestations", "show", f.passingCommit),
                       envelope.trimmingCharacters(in: .whitespacesAndNewlines), "the note reached origin")

        // The deploy job: the downloaded artifact (attestation.json, team.yaml) and the model.
        let deploy = f.demo.directory.appendingPathComponent("deploy-job")
        try FileManager.default.createDirectory(at: deploy, withIntermediateDirectories: true)
        for name in ["attestation.json", "team.yaml"] {
            try FileManager.default.copyItem(at: clone.appendingPathComponent(name), to: deploy.appendingPathComponent(name))
        }
        try FileManager.default.copyItem(atPath: f.modelFile, toPath: deploy.appendingPathComponent("model.onnx").path)
        let verify = try XCTUnwrap(verifyStep["run"] as? String)
        let accepted = try ProcessRunner.run("/bin/bash", ["-e", "-c", verify], in: deploy, environment: environment)
        XCTAssertEqual(accepted.status, 0, accepted.stdout + accepted.stderr)
        try Data("not the model".utf8).write(to: deploy.appendingPathComponent("model.onnx"))
        let refused = try ProcessRunner.run("/bin/bash", ["-e", "-c", verify], in: deploy, environment: environment)
        XCTAssertEqual(refused.status, 1, refused.stdout + refused.stderr)
        XCTAssertTrue(refused.stderr.contains("is not a subject of the attestation"), refused.stderr)
    }

    // MARK: independent implementations

    static let python = ProcessInfo.processInfo.environment["TOLLGATE_INTOTO_PYTHON"] ?? "python3"

    /// Skips (or, under TOLLGATE_REQUIRE_INTOTO, fails) when the Python packages are missing.
    func requireInToto() throws {
        let probe = try? GitSandbox.run("/usr/bin/env", [Self.python, "-c", "import securesystemslib.dsse, in_toto_attestation.v1.statement, jsonschema"],
                                        in: FileManager.default.temporaryDirectory)
        if probe?.status == 0 { return }
        let why = "securesystemslib, in-toto-attestation and jsonschema cannot be imported by \(Self.python) (\(probe?.stderr.split(separator: "\n").last ?? "not run")): pip install securesystemslib in-toto-attestation jsonschema, and set TOLLGATE_INTOTO_PYTHON"
        if ProcessInfo.processInfo.environment["TOLLGATE_REQUIRE_INTOTO"].map({ !$0.isEmpty }) == true {
            throw TestSupportError("TOLLGATE_REQUIRE_INTOTO is set but \(why)")
        }
        FileHandle.standardError.write(Data("\n*** SKIPPING the in-toto interoperability tests: \(why); set TOLLGATE_REQUIRE_INTOTO=1 to make this a failure ***\n\n".utf8))
        throw XCTSkip("SKIPPED: \(why)")
    }

    /// securesystemslib's DSSE `Envelope.verify` with an `SSlibKey` built from the raw 32
    /// bytes of the ed25519 key (its key id computed as securesystemslib's default), then
    /// in-toto-attestation's `Statement` parsed from the payload (protobuf JSON) and validated,
    /// and the predicate validated by `jsonschema` against docs/schemas/attestation-predicate-v1.json.
    static let interoperabilityScript = """
        import base64, hashlib, json, sys
        from securesystemslib.dsse import Envelope
        from securesystemslib.exceptions import VerificationError
        from securesystemslib.formats import encode_canonical
        from securesystemslib.signer import SSlibKey
        from google.protobuf import json_format
        import in_toto_attestation.v1.statement_pb2 as statement_pb2
        from in_toto_attestation.v1.statement import Statement

        import jsonschema
        envelope_path, public_key_path, schema_path = sys.argv[1], sys.argv[2], sys.argv[3]
        raw = base64.b64decode(open(public_key_path).read().split()[1])[-32:]
        keyval = {"public": raw.hex()}
        keyid = hashlib.sha256(encode_canonical({"keytype": "ed25519", "scheme": "ed25519", "keyval": keyval}).encode()).hexdigest()
        envelope = Envelope.from_dict(json.load(open(envelope_path)))
        try:
            envelope.verify([SSlibKey(keyid, "ed25519", "ed25519", keyval)], 1)
        except VerificationError as error:
            print(json.dumps({"verified": False, "error": str(error)}))
            sys.exit(0)
        statement = Statement.copy_from_pb(json_format.Parse(envelope.payload, statement_pb2.Statement()))
        statement.validate()
        jsonschema.Draft202012Validator(json.load(open(schema_path))).validate(json.loads(envelope.payload)["predicate"])
        print(json.dumps({"verified": True, "keyid": keyid, "type": statement.pb.type,
                          "predicateType": statement.pb.predicate_type,
                          "subjects": [{"name": s.name, "digest": dict(s.digest)} for s in statement.pb.subject],
                          "verdict": statement.pb.predicate["verdict"]}))
        """

    func independentlyVerified(_ envelope: String, publicKey: String) throws -> [String: Any] {
        let result = try GitSandbox.run("/usr/bin/env", [Self.python, "-c", Self.interoperabilityScript, envelope, publicKey,
                                         GitSandbox.projectRoot.appendingPathComponent("docs/schemas/attestation-predicate-v1.json").path],
                                        in: FileManager.default.temporaryDirectory)
        XCTAssertEqual(result.status, 0, result.stderr)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.stdout)
    }

    func testSecuresystemslibVerifiesTheEnvelopeAndInTotoAttestationParsesTheStatement() throws {
        try requireInToto()
        let f = try fixture()
        let verified = try independentlyVerified(f.envelopePath, publicKey: f.bot.publicPath)
        XCTAssertEqual(verified["verified"] as? Bool, true, "\(verified)")
        let envelope = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: f.envelopePath))) as? [String: Any])
        let signature = try XCTUnwrap((envelope["signatures"] as? [[String: Any]])?.first)
        XCTAssertEqual(signature["keyid"] as? String, verified["keyid"] as? String, "the key id is securesystemslib's default key id")
        XCTAssertEqual(verified["type"] as? String, "https://in-toto.io/Statement/v1")
        XCTAssertEqual(verified["predicateType"] as? String, "https://tollgate.dev/attestation/release/v1")
        XCTAssertEqual(verified["verdict"] as? String, "pass")
        let subjects = try XCTUnwrap(verified["subjects"] as? [[String: Any]])
        XCTAssertEqual(subjects.first?["name"] as? String, Self.model)
        XCTAssertEqual(subjects.first?["digest"] as? [String: String], ["sha256": f.modelSHA256])
        XCTAssertEqual(subjects.last?["digest"] as? [String: String], ["md5": f.tokenizerMD5])

        // And it refuses what ours refuses: another key, a tampered payload.
        let wrongKey = try independentlyVerified(f.envelopePath, publicKey: f.demo.demoKey("dana") + ".pub")
        XCTAssertEqual(wrongKey["verified"] as? Bool, false, "\(wrongKey)")
        let path = try tampered(f.envelopePath) { $0.replacingOccurrences(of: "\"verdict\":\"pass\"", with: "\"verdict\":\"pass\" ") }
        let tampered = try independentlyVerified(path, publicKey: f.bot.publicPath)
        XCTAssertEqual(tampered["verified"] as? Bool, false, "\(tampered)")
    }
}
