import Foundation
import Provenance
import XCTest

final class SSHPublicKeyTests: XCTestCase {
    func testFingerprintIsWhatSSHKeygenPrintsForEveryKeyType() throws {
        let sandbox = try SigningSandbox()
        let specs: [(type: String, bits: Int?, algorithm: String)] = [
            ("ed25519", nil, "ssh-ed25519"),
            ("ecdsa", 256, "ecdsa-sha2-nistp256"),
            ("ecdsa", 384, "ecdsa-sha2-nistp384"),
            ("rsa", 2048, "ssh-rsa"),
            ("rsa", 3072, "ssh-rsa"),
        ]
        for (index, spec) in specs.enumerated() {
            let key = try XCTUnwrap(sandbox.makeKey("key\(index)", type: spec.type, bits: spec.bits))
            let printed = try sandbox.run("/usr/bin/ssh-keygen", ["-l", "-E", "sha256", "-f", key.publicPath]).text
            // "3072 SHA256:abc… key1@tollgate.test (RSA)"
            let expected = try XCTUnwrap(printed.split(separator: " ").dropFirst().first.map(String.init))
            let parsed = try XCTUnwrap(SSHPublicKey(openSSH: key.publicLine), key.publicLine)
            XCTAssertEqual(parsed.fingerprint, expected, spec.type)
            XCTAssertEqual(parsed.algorithm, spec.algorithm)
            XCTAssertEqual(parsed.openSSHLine + " " + key.name + "@tollgate.test", key.publicLine)

            // Without its comment, from its wire format, and with extra blanks it is the same key.
            let fields = key.publicLine.split(separator: " ")
            XCTAssertEqual(SSHPublicKey(openSSH: "\(fields[0]) \(fields[1])"), parsed)
            XCTAssertEqual(SSHPublicKey(openSSH: "  \(fields[0])\t\(fields[1])  \n"), parsed)
            XCTAssertEqual(SSHPublicKey(wireFormat: parsed.wireFormat), parsed)
        }
    }

    func testMalformedKeyLinesAreRejected() throws {
        let good = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIbZDfm+i0slgwBkjJGEQzmiEuAD9vGX44w0xhxz9xiq"
        XCTAssertNotNil(SSHPublicKey(openSSH: good))
        let bad = [
            "",
            "ssh-ed25519",
            "AAAAC3NzaC1lZDI1NTE5AAAAIIbZDfm+i0slgwBkjJGEQzmiEuAD9vGX44w0xhxz9xiq",
            "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIIbZDfm+i0slgwBkjJGEQzmiEuAD9vGX44w0xhxz9xiq",  // type mismatch
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIbZDfm+i0slgwBkjJGEQzmiEuAD9vGX44w0xhxz9x",  // truncated
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIbZDfm+i0slgwBkjJGEQzmiEuAD9vGX44w0xhxz9xiq==",
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIbZDfm!i0slgwBkjJGEQzmiEuAD9vGX44w0xhxz9xiq",
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5/////w==",  // huge length
        ]
        for line in bad {
            XCTAssertNil(SSHPublicKey(openSSH: line), line)
        }
        // A P-256 "point" that is not on the curve.
        var wire = SSHSigBlob.string(Array("ecdsa-sha2-nistp256".utf8)) + SSHSigBlob.string(Array("nistp256".utf8))
        wire += SSHSigBlob.string([0x04] + [UInt8](repeating: 7, count: 64))
        XCTAssertNil(SSHPublicKey(wireFormat: wire))
        // Key types Tollgate does not verify still parse, so that messages can name them.
        let sk = SSHSigBlob.string(Array("sk-ssh-ed25519@openssh.com".utf8))
            + SSHSigBlob.string([UInt8](repeating: 1, count: 32)) + SSHSigBlob.string(Array("ssh:".utf8))
        XCTAssertEqual(SSHPublicKey(wireFormat: sk)?.algorithm, "sk-ssh-ed25519@openssh.com")
        XCTAssertNil(SSHPublicKey(wireFormat: []))
        XCTAssertNil(SSHPublicKey(wireFormat: [0xFF, 0xFF, 0xFF, 0xFF]))
    }
}
