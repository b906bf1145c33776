import Foundation
import Glibc
import TollgateTestSupport
import XCTest

/// `policy attest` and `policy verify-attestation` tried the way an attacker or an unlucky
/// operator would (docs/attestations.md): a waiver that the predicate hides, a Team key whose
/// expiry is null or written twice, an artifact path that is a FIFO or a directory.
final class RedTeamAttestationTests: XCTestCase {
    /// AttestationTests' fixture (the demo after the fix, the release bot's envelope and the
    /// model bytes), shared so it is built at most once.
    func fixture() throws -> AttestationTests.Fixture {
        if AttestationTests.shared == nil { AttestationTests.shared = Result { try AttestationTests.Fixture() } }
        return try XCTUnwrap(AttestationTests.shared).get()
    }

    func verify(_ f: AttestationTests.Fixture, artifact: String = "model.onnx", team: String,
                envelope: String? = nil, timeout: TimeInterval? = nil) throws -> ProcessOutput {
        try PolicyBinary.run(["verify-attestation", envelope ?? f.envelopePath, "--artifact", artifact, "--team", team, "--role", "release-bot"],
                             in: f.demo.directory.appendingPathComponent("deploy"), timeout: timeout)
    }

    /// The demo's Team with the release bot's key entry replaced by `signingKeys`.
    func team(_ f: AttestationTests.Fixture, named name: String, signingKeys: String) throws -> String {
        let team = try f.demo.read("policies/team.yaml")
        let line = "signingKeys: [\"\(f.bot.publicLine)\"]"
        XCTAssertTrue(team.contains(line))
        let path = f.demo.directory.appendingPathComponent("deploy/\(name)").path
        try team.replacingOccurrences(of: line, with: signingKeys).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    // MARK: - The Team's key expiry

    /// `expires: null` (or `expires:` left empty by a template) passed the schema and was read
    /// as "no expiry": the key the operator meant to expire verified attestations for ever.
    func testAKeyExpiryThatIsNullIsALocatedErrorNotANeverExpiringKey() throws {
        let f = try fixture()
        for (name, value) in [("team-null.yaml", "null"), ("team-empty.yaml", "")] {
            let path = try team(f, named: name, signingKeys: "signingKeys:\n        - {key: \"\(f.bot.publicLine)\", expires: \(value)}")
            let result = try verify(f, team: path)
            XCTAssertEqual(result.status, 2, name + ": " + result.stdout + result.stderr)
            XCTAssertTrue(result.stderr.contains("\(name):"), name + ": " + result.stderr)
            XCTAssertTrue(result.stderr.contains("expires"), name + ": " + result.stderr)
            XCTAssertFalse(result.stdout.contains("accepted"), name + ": " + result.stdout)
        }
    }

    /// The same key written twice for the release bot, once expired and once not (another
    /// comment): the later entry silently replaced the earlier expiry. Fail closed: the
    /// earliest expiry written for a key is the key's.
    func testAKeyListedTwiceWithTwoExpiriesExpiresAtTheEarlier() throws {
        let f = try fixture()
        let path = try team(f, named: "team-twice.yaml", signingKeys: """
            signingKeys:
                    - {key: "\(f.bot.publicLine)", expires: 2026-01-01T00:00:00Z}
                    - {key: "\(f.bot.publicLine) renewed", expires: 2999-01-01T00:00:00Z}
            """)
        let result = try verify(f, team: path)
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.contains("refused: signed by release-bot's key SHA256:"), result.stderr)
        XCTAssertTrue(result.stderr.contains("which expired on 2026-01-01T00:00:00Z"), result.stderr)

        // Written in the other order, the same answer.
        let reversed = try team(f, named: "team-twice-reversed.yaml", signingKeys: """
            signingKeys:
                    - {key: "\(f.bot.publicLine) renewed", expires: 2999-01-01T00:00:00Z}
                    - {key: "\(f.bot.publicLine)", expires: 2026-01-01T00:00:00Z}
            """)
        let again = try verify(f, team: reversed)
        XCTAssertEqual(again.status, 1, again.stdout + again.stderr)
        XCTAssertTrue(again.stderr.contains("which expired on 2026-01-01T00:00:00Z"), again.stderr)
    }

    // MARK: - The artifact path

    /// A FIFO as --artifact made the deploy job hang for ever in open(2); a directory gave
    /// "NSCocoaErrorDomain error 256". Both are exit 2 naming the path, at once.
    func testAnArtifactThatIsNotARegularFileIsExitTwoWithoutHanging() throws {
        let f = try fixture()
        let deploy = f.demo.directory.appendingPathComponent("deploy")
        let fifo = deploy.appendingPathComponent("model.fifo").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let directory = deploy.appendingPathComponent("model.dir")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let teamPath = f.demo.url("policies/team.yaml").path
        for name in ["model.fifo", "model.dir"] {
            let result = try verify(f, artifact: name, team: teamPath, timeout: 20)
            XCTAssertFalse(result.timedOut, "\(name): verify-attestation hung")
            XCTAssertEqual(result.status, 2, name + ": " + result.stdout + result.stderr)
            XCTAssertTrue(result.stderr.contains("cannot read the artifact \(name): it is not a regular file"), name + ": " + result.stderr)
        }
        // A symbolic link to the model is the model.
        let link = deploy.appendingPathComponent("model-link.onnx").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: f.modelFile)
        let linked = try verify(f, artifact: "model-link.onnx", team: teamPath)
        XCTAssertEqual(linked.status, 0, linked.stdout + linked.stderr)
    }

    // MARK: - What the predicate says

    /// A request that passes only because an approved waiver waives its blocking p95 rule was
    /// attested with `{"id": "release-gate/p95-latency", "outcome": "pass"}` and nothing else:
    /// an auditor or a deploy job reading the predicate believed the rule passed.
    func testAWaivedRuleIsAttestedAsWaivedNotAsAPlainPass() throws {
        let demo = try GitSandbox.demo()
        try demo.write("waivers/p95-holiday.yaml", """
            apiVersion: tollgate/v1
            kind: Waiver
            metadata: {name: p95-fraud-student-holiday}
            spec:
              policy: release-gate
              rule: p95-latency
              subject: fraud-student-2.1.0-production
              reason: Latency fix ships in 2.1.1.
              expires: 2099-01-15
            """)
        try demo.commitSigned("Request a waiver for p95", as: "alice")
        try demo.approve(as: "dana", role: "policy-owner", request: "p95-fraud-student-holiday", message: "Accepted until 2.1.1")
        let bot = try demo.makeKey("release-bot", type: "ed25519")
        let output = demo.directory.appendingPathComponent("waived.json").path
        let attest = try demo.policy("attest", GitSandbox.request, "--key", bot.privatePath, "--output", output)
        XCTAssertEqual(attest.status, 0, attest.stdout + attest.stderr)
        let envelope = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Any])
        let payload = try XCTUnwrap(Data(base64Encoded: try XCTUnwrap(envelope["payload"] as? String)))
        let statement = try XCTUnwrap(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
        let predicate = try XCTUnwrap(statement["predicate"] as? [String: Any])
        XCTAssertEqual(predicate["verdict"] as? String, "pass")
        let rules = try XCTUnwrap(predicate["rules"] as? [[String: Any]])
        let p95 = try XCTUnwrap(rules.first { $0["id"] as? String == "release-gate/p95-latency" })
        XCTAssertEqual(p95["waivedBy"] as? String, "p95-fraud-student-holiday until 2099-01-15", "\(p95)")
    }

    /// A second PromotionRequest with the name of one already in the repository (here the
    /// released staging request): `policy check` blocks that name (document/duplicate-name),
    /// yet `attest` took the first passing result of the name and signed "pass" for it.
    func testANameDefinedTwiceIsNotAttested() throws {
        let demo = try GitSandbox.demo()
        let name = "fraud-student-2.1.0-staging"
        XCTAssertTrue(FileManager.default.fileExists(atPath: demo.url("requests/released/\(name).yaml").path))
        let production = try demo.read("requests/\(GitSandbox.request).yaml")
        try demo.write("requests/\(name).yaml", production
            .replacingOccurrences(of: "name: \(GitSandbox.request)", with: "name: \(name)")
            .replacingOccurrences(of: "from: staging", with: "from: development")
            .replacingOccurrences(of: "to: production", with: "to: staging"))
        try demo.commitSigned("A second staging request for 2.1.0", as: "alice")
        let check = try demo.policy("check")
        XCTAssertEqual(check.status, 1, check.stdout)
        XCTAssertTrue(check.flat.contains("PromotionRequest '\(name)' is defined twice"), check.stdout)

        let bot = try demo.makeKey("release-bot", type: "ed25519")
        let output = demo.directory.appendingPathComponent("twice.json").path
        let attest = try demo.policy("attest", name, "--key", bot.privatePath, "--output", output)
        XCTAssertEqual(attest.status, 2, attest.stdout + attest.stderr)
        XCTAssertTrue(attest.stderr.contains("PromotionRequest '\(name)' is defined twice"), attest.stderr)
        XCTAssertTrue(attest.stderr.contains("requests/\(name).yaml"), attest.stderr)
        XCTAssertTrue(attest.stderr.contains("requests/released/\(name).yaml"), attest.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))
    }

    /// Any passing request's attestation of the same bytes was accepted by a production deploy:
    /// a staging promotion (fewer rules, no production sign-off) attested by the release bot
    /// said "accepted" to `verify-attestation … --role release-bot`. `--to STAGE` makes the
    /// deploy job require the stage the attested request promotes to.
    func testVerifyWithToRefusesAnAttestationOfAnotherStage() throws {
        let f = try fixture()
        let teamPath = f.demo.url("policies/team.yaml").path
        func run(_ stage: String) throws -> ProcessOutput {
            try PolicyBinary.run(["verify-attestation", f.envelopePath, "--artifact", "model.onnx", "--team", teamPath,
                                  "--role", "release-bot", "--to", stage],
                                 in: f.demo.directory.appendingPathComponent("deploy"))
        }
        let staging = try run("staging")
        XCTAssertEqual(staging.status, 1, staging.stdout + staging.stderr)
        XCTAssertTrue(staging.stderr.contains("refused: \(AttestationTests.request) promotes fraud-student to 'production', not to 'staging' (--to)"), staging.stderr)
        let production = try run("production")
        XCTAssertEqual(production.status, 0, production.stdout + production.stderr)
    }

    /// The envelope was read whole into memory whatever its size: a 100 MiB file (sparse: it
    /// costs no disk) was read and parsed as JSON before being refused; gigabytes would kill the
    /// deploy job. An envelope larger than the limit is exit 2 before it is read.
    func testAHugeEnvelopeIsExitTwoBeforeItIsRead() throws {
        let f = try fixture()
        let huge = f.demo.directory.appendingPathComponent("deploy/huge.json").path
        XCTAssertTrue(FileManager.default.createFile(atPath: huge, contents: Data("{".utf8)))
        XCTAssertEqual(truncate(huge, 100 << 20), 0)
        let result = try verify(f, team: f.demo.url("policies/team.yaml").path, envelope: "huge.json")
        XCTAssertEqual(result.status, 2, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.contains("huge.json is not a DSSE envelope: it is 104857600 bytes, more than the 16 MiB an envelope may have"), result.stderr)
    }
}
