@testable import Provenance
import Documents
import Foundation
import TollgateTestSupport
import XCTest

/// The pieces of `policy attest` below the command: OpenSSH private keys written by the real
/// `ssh-keygen`, DSSE's pre-authentication encoding, and Team signing keys with an expiry.
final class AttestationSigningTests: XCTestCase {
    func testAKeyFromSSHKeygenSignsWhatItsPublicKeyVerifies() throws {
        let sandbox = try SigningSandbox()
        let key = try XCTUnwrap(try sandbox.makeKey("bot", type: "ed25519"))
        let parsed = try OpenSSHPrivateKey(fileText: String(contentsOfFile: key.privatePath, encoding: .utf8))
        let publicKey = try XCTUnwrap(SSHPublicKey(openSSH: key.publicLine))
        XCTAssertEqual(parsed.publicKey, publicKey)
        XCTAssertEqual(parsed.comment, "bot@tollgate.test")
        let envelope = try DSSEEnvelope.signed(Array("{}".utf8), type: DSSEEnvelope.inTotoPayloadType, with: parsed)
        XCTAssertTrue(envelope.isSigned(envelope.signatures[0], by: publicKey))
        var changed = envelope
        changed.payloadType = "application/json"
        XCTAssertFalse(changed.isSigned(envelope.signatures[0], by: publicKey), "the type is signed too (PAE)")
        let other = try XCTUnwrap(try sandbox.makeKey("other", type: "ed25519"))
        XCTAssertFalse(envelope.isSigned(envelope.signatures[0], by: try XCTUnwrap(SSHPublicKey(openSSH: other.publicLine))))
        // The envelope reads back as written.
        XCTAssertEqual(try DSSEEnvelope(json: Data(envelope.json.utf8)), envelope)
    }

    func testPreAuthenticationEncodingIsDSSEs() {
        // The example of the DSSE specification (protocol.md).
        XCTAssertEqual(String(decoding: DSSEEnvelope.pae(type: "http://example.com/HelloWorld", body: Array("hello world".utf8)), as: UTF8.self),
                       "DSSEv1 29 http://example.com/HelloWorld 11 hello world")
    }

    func testEveryTruncationOfAKeyIsRefusedWithAReasonNotACrash() throws {
        let sandbox = try SigningSandbox()
        let key = try XCTUnwrap(try sandbox.makeKey("bot", type: "ed25519"))
        let text = try String(contentsOfFile: key.privatePath, encoding: .utf8)
        let body = text.split(separator: "\n").dropFirst().dropLast().joined()
        let blob = try XCTUnwrap(Data(base64Encoded: body))
        for length in 0..<blob.count {
            XCTAssertThrowsError(try OpenSSHPrivateKey(blob: Array(blob.prefix(length))), "\(length) bytes")
        }
        var flipped = Array(blob)
        flipped[flipped.count - 40] ^= 0xFF  // inside the private section
        XCTAssertThrowsError(try OpenSSHPrivateKey(blob: flipped))
        XCTAssertThrowsError(try OpenSSHPrivateKey(fileText: "not a key")) { error in
            XCTAssertTrue("\(error)".contains("is not an OpenSSH private key"), "\(error)")
        }
    }

    func testATeamKeyMayCarryAnExpiryAndStillVerifiesCommits() throws {
        let sandbox = try SigningSandbox()
        let key = try XCTUnwrap(try sandbox.makeKey("bot", type: "ed25519"))
        let yaml = """
            apiVersion: tollgate/v1
            kind: Team
            metadata: {name: team}
            spec:
              members:
                - id: bot
                  name: Bot
                  emails: [bot@example.com]
                  signingKeys:
                    - {key: "\(key.publicLine)", expires: 2027-06-30T00:00:00Z}
                  roles: [release-bot]
            """
        guard case .document(let document, let diagnostics) = DocumentLoader.read(Array(yaml.utf8), path: "team.yaml") else {
            return XCTFail("not read")
        }
        XCTAssertEqual(diagnostics.filter { $0.severity == .error }, [])
        let (team, problems) = Team.load([document])
        XCTAssertEqual(problems, [])
        let publicKey = try XCTUnwrap(SSHPublicKey(openSSH: key.publicLine))
        XCTAssertEqual(team.member(holding: publicKey)?.id, "bot", "the key is the member's, for commit signatures too")
        XCTAssertEqual(team.member("bot")?.expiry(of: publicKey), "2027-06-30T00:00:00Z")

        let wrong = yaml.replacingOccurrences(of: "expires: 2027-06-30T00:00:00Z", with: "expires: soon, key2: x")
        guard case .document(_, let errors) = DocumentLoader.read(Array(wrong.utf8), path: "team.yaml") else {
            return XCTFail("not read")
        }
        let messages = errors.map(\.message)
        XCTAssertTrue(messages.contains { $0.contains("unknown key 'key2'") }, "\(messages)")
        XCTAssertTrue(messages.contains { $0.contains("soon") }, "\(messages)")
        XCTAssertTrue(errors.allSatisfy { $0.location.file == "team.yaml" && $0.location.line == 10 }, "\(errors.map(\.location))")
    }
}
