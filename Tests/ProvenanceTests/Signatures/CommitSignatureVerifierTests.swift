import Foundation
import GitKit
import Provenance
import XCTest

final class CommitSignatureVerifierTests: XCTestCase {
    private let payloadText = """
        tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904
        author Ada Lovelace <ada@example.com> 1732000000 +0100
        committer Grace Hopper <grace@example.com> 1732000000 +0100

        Approve model churn-v3

        """

    private var payload: [UInt8] { Array(payloadText.utf8) }

    /// The payload with `armored` as its gpgsig header, parsed.
    private func commit(signature armored: String, header: String = "gpgsig") throws -> RawCommit {
        var parts = RawCommitParts(payload)
        parts.insertSignature(armored, header: header)
        return try RawCommit(parsing: parts.bytes)
    }

    private func key(_ key: SigningSandbox.Key) throws -> SSHPublicKey {
        try XCTUnwrap(SSHPublicKey(openSSH: key.publicLine))
    }

    func testEachSupportedKeyTypeVerifiesAndOnlyWhenAllowed() throws {
        let sandbox = try SigningSandbox()
        let keys = try [
            XCTUnwrap(sandbox.makeKey("ed", type: "ed25519")),
            XCTUnwrap(sandbox.makeKey("ec", type: "ecdsa", bits: 256)),
            XCTUnwrap(sandbox.makeKey("rsa", type: "rsa", bits: 2048)),
        ]
        let other = try key(XCTUnwrap(sandbox.makeKey("other", type: "ed25519")))
        for signer in keys {
            let publicKey = try key(signer)
            for hash in ["sha256", "sha512"] {
                let signed = try commit(signature: sandbox.sign(payload, with: signer, namespace: "git", hashAlgorithm: hash))
                XCTAssertEqual(signed.signedPayload, payload)
                XCTAssertEqual(CommitSignatureVerifier.verify(signed, allowedKeys: [other, publicKey]), .valid(key: publicKey))
                XCTAssertEqual(
                    CommitSignatureVerifier.verify(signed, allowedKeys: [other]),
                    .invalid(reason: "signed by \(publicKey.fingerprint) which is not an allowed key"))
                XCTAssertEqual(CommitSignatureVerifier.verify(signed, allowedKeys: []).isValid, false)
                XCTAssertEqual(CommitSignatureVerifier.signingKey(of: signed), publicKey, "the audit trail names the signer")
            }
        }
    }

    func testWrongNamespaceTamperingAndUnsignedCommitsAreNotValid() throws {
        let sandbox = try SigningSandbox()
        let signer = try XCTUnwrap(sandbox.makeKey("ed", type: "ed25519"))
        let allowed = [try key(signer)]

        let fileNamespace = try commit(signature: sandbox.sign(payload, with: signer, namespace: "file"))
        XCTAssertEqual(
            CommitSignatureVerifier.verify(fileNamespace, allowedKeys: allowed),
            .invalid(reason: "wrong namespace 'file' (must be 'git')"))
        XCTAssertNil(CommitSignatureVerifier.signingKey(of: fileNamespace))

        let good = try sandbox.sign(payload, with: signer, namespace: "git")
        var tampered = RawCommitParts(payload)
        tampered.message = Array("Approve model churn-v4\n".utf8)
        tampered.insertSignature(good, header: "gpgsig")
        let tamperedCommit = try RawCommit(parsing: tampered.bytes)
        XCTAssertEqual(
            CommitSignatureVerifier.verify(tamperedCommit, allowedKeys: allowed),
            .invalid(reason: "the signature does not match the commit"))
        XCTAssertNil(CommitSignatureVerifier.signingKey(of: tamperedCommit), "a forged claim names nobody")

        let unsigned = try RawCommit(parsing: payload)
        XCTAssertEqual(CommitSignatureVerifier.verify(unsigned, allowedKeys: allowed), .unsigned)
        XCTAssertNil(CommitSignatureVerifier.signingKey(of: unsigned))

        // The same good signature, but in the message instead of the header.
        let inMessage = try RawCommit(
            parsing: payload + Array(("gpgsig " + good.replacingOccurrences(of: "\n", with: "\n ") + "\n").utf8))
        XCTAssertEqual(CommitSignatureVerifier.verify(inMessage, allowedKeys: allowed), .unsigned)
    }

    func testGPGAndX509SignaturesAreUnsupportedAndUnknownArmorIsInvalid() throws {
        let pgp = try commit(signature: "-----BEGIN PGP SIGNATURE-----\n\niQEzBAABCAAd\n=abcd\n-----END PGP SIGNATURE-----")
        XCTAssertEqual(
            CommitSignatureVerifier.verify(pgp, allowedKeys: []),
            .unsupported(format: "gpg", reason: "GPG signatures are not verified by Tollgate; sign with SSH (gpg.format=ssh)"))
        let x509 = try commit(signature: "-----BEGIN SIGNED MESSAGE-----\nMIAGCSqGSIb3\n-----END SIGNED MESSAGE-----")
        guard case .unsupported(format: "x509", _) = CommitSignatureVerifier.verify(x509, allowedKeys: []) else {
            return XCTFail("x509 must be unsupported")
        }
        guard case .invalid = CommitSignatureVerifier.verify(try commit(signature: "hello"), allowedKeys: []) else {
            return XCTFail("no armor must be invalid")
        }
        XCTAssertNil(CommitSignatureVerifier.signingKey(of: pgp))
    }

    func testUnsupportedKeyTypesAreReportedAsSuch() throws {
        let sandbox = try SigningSandbox()
        let signer = try XCTUnwrap(sandbox.makeKey("p384", type: "ecdsa", bits: 384))
        let signed = try commit(signature: sandbox.sign(payload, with: signer, namespace: "git"))
        XCTAssertEqual(
            CommitSignatureVerifier.verify(signed, allowedKeys: [try key(signer)]),
            .unsupported(format: "ssh", reason: "algorithm ecdsa-sha2-nistp384 is not supported"))

        // A security-key signature (hand-made: no hardware token here) is never valid either.
        let skKey = SSHSigBlob.string(Array("sk-ssh-ed25519@openssh.com".utf8))
            + SSHSigBlob.string([UInt8](repeating: 1, count: 32)) + SSHSigBlob.string(Array("ssh:".utf8))
        let ed = try XCTUnwrap(sandbox.makeKey("ed", type: "ed25519"))
        let skSignature = SSHSigBlob.rearmor(try sandbox.sign(payload, with: ed, namespace: "git")) { $0.publicKey = skKey }
        XCTAssertEqual(
            CommitSignatureVerifier.verify(try commit(signature: skSignature), allowedKeys: [try XCTUnwrap(SSHPublicKey(wireFormat: skKey))]),
            .unsupported(format: "ssh", reason: "algorithm sk-ssh-ed25519@openssh.com is not supported"))
    }

    func testShortRSAKeysAndSHA1RSASignaturesAreRefused() throws {
        let sandbox = try SigningSandbox()
        if let short = try sandbox.makeKey("rsa1024", type: "rsa", bits: 1024) {
            let signed = try commit(signature: sandbox.sign(payload, with: short, namespace: "git"))
            XCTAssertEqual(
                CommitSignatureVerifier.verify(signed, allowedKeys: [try key(short)]),
                .invalid(reason: "RSA key of 1024 bits is too short"))
        }
        let rsa = try XCTUnwrap(sandbox.makeKey("rsa", type: "rsa", bits: 2048))
        let good = try sandbox.sign(payload, with: rsa, namespace: "git")
        let relabelled = SSHSigBlob.rearmor(good) { $0.relabelSignatureAlgorithm("ssh-rsa") }
        guard case .invalid(let reason) = CommitSignatureVerifier.verify(try commit(signature: relabelled), allowedKeys: [try key(rsa)]) else {
            return XCTFail("ssh-rsa must be invalid")
        }
        XCTAssertTrue(reason.contains("SHA-1"), reason)
        // A signature value longer than the modulus.
        let longer = SSHSigBlob.rearmor(good) { blob in
            var reader = SSHSigBlob.Reader(bytes: blob.signature)
            let algorithm = reader.string()
            blob.signature = SSHSigBlob.string(algorithm) + SSHSigBlob.string([0] + reader.string())
        }
        XCTAssertEqual(
            CommitSignatureVerifier.verify(try commit(signature: longer), allowedKeys: [try key(rsa)]),
            .invalid(reason: "the RSA signature is longer than the modulus"))
    }

    func testHostileSignatureBlobsAreInvalidNeverACrash() throws {
        let sandbox = try SigningSandbox()
        let signer = try XCTUnwrap(sandbox.makeKey("ec", type: "ecdsa", bits: 256))
        let allowed = [try key(signer)]
        let good = try sandbox.sign(payload, with: signer, namespace: "git")
        XCTAssertTrue(CommitSignatureVerifier.verify(try commit(signature: good), allowedKeys: allowed).isValid)
        let blob = Array(Data(base64Encoded: good.split(separator: "\n").dropFirst().dropLast().joined()) ?? Data())
        XCTAssertGreaterThan(blob.count, 100)

        func status(ofBlob bytes: [UInt8]) throws -> CommitSignatureStatus {
            CommitSignatureVerifier.verify(try commit(signature: armor(bytes)), allowedKeys: allowed)
        }
        func assertInvalid(_ status: CommitSignatureStatus, _ what: String) {
            guard case .invalid(let reason) = status else { return XCTFail("\(what): \(status)") }
            XCTAssertFalse(reason.isEmpty, what)
        }

        // Every truncation.
        for length in 0..<blob.count {
            assertInvalid(try status(ofBlob: Array(blob.prefix(length))), "truncated to \(length)")
        }
        // Trailing data.
        assertInvalid(try status(ofBlob: blob + [0]), "trailing byte")
        // Every byte with its high bit flipped.
        for index in blob.indices {
            var mutated = blob
            mutated[index] ^= 0x80
            XCTAssertFalse(try status(ofBlob: mutated).isValid, "byte \(index) flipped")
        }
        // Huge lengths at every length field we can find: each 4-byte window set to 0xFFFFFFFF
        // and to a length just past the end.
        for index in 6..<(blob.count - 4) {
            for value: UInt32 in [0xFFFF_FFFF, 0x7FFF_FFFF, UInt32(blob.count)] {
                var mutated = blob
                mutated.replaceSubrange(index..<(index + 4), with: SSHSigBlob.uint32(value))
                XCTAssertFalse(try status(ofBlob: mutated).isValid, "length \(value) at \(index)")
            }
        }
        // Random bytes, with and without the magic.
        var generator = SplitMix64(seed: 42)
        for round in 0..<500 {
            let count = Int(generator.next() % 600)
            var bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            if round % 2 == 0 { bytes = Array("SSHSIG".utf8) + SSHSigBlob.uint32(1) + bytes }
            assertInvalid(try status(ofBlob: bytes), "random \(round)")
        }
        // Armor problems: bad base64, no end line, no begin line on its own line, empty.
        let lines = good.split(separator: "\n").map(String.init)
        let broken = [
            good.replacingOccurrences(of: lines[1], with: "!" + lines[1].dropFirst()),
            good.replacingOccurrences(of: "-----END SSH SIGNATURE-----", with: ""),
            good.replacingOccurrences(of: "-----BEGIN SSH SIGNATURE-----\n", with: "-----BEGIN SSH SIGNATURE-----"),
            "-----BEGIN SSH SIGNATURE-----\n-----END SSH SIGNATURE-----",
            "-----BEGIN SSH SIGNATURE-----\n====\n-----END SSH SIGNATURE-----",
            "-----BEGIN SSH SIGNATURE-----",
        ]
        for (index, text) in broken.enumerated() {
            assertInvalid(CommitSignatureVerifier.verify(try commit(signature: text), allowedKeys: allowed), "armor \(index)")
        }
    }

    private func armor(_ blob: [UInt8]) -> String {
        let encoded = Data(blob).base64EncodedString()
        var lines = ["-----BEGIN SSH SIGNATURE-----"]
        var rest = Substring(encoded)
        while !rest.isEmpty {
            lines.append(String(rest.prefix(70)))
            rest = rest.dropFirst(70)
        }
        lines.append("-----END SSH SIGNATURE-----")
        return lines.joined(separator: "\n")
    }
}

/// A small deterministic generator, so that the random inputs are the same on every run.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
