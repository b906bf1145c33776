import Crypto
import _CryptoExtras
import Foundation

/// The outcome of checking an SSH signature over a message, before any allowed-keys decision.
enum SSHSignatureCheck: Sendable, Hashable {
    /// The signature is well formed and verifies under `key`.
    case verified(key: SSHPublicKey)
    /// The signature is malformed or does not verify; `key` is the claimed key when it could be read.
    case failed(reason: String, key: SSHPublicKey?)
    /// The key type or signature scheme is one Tollgate does not verify.
    case unsupported(reason: String, key: SSHPublicKey)

    /// The smallest RSA modulus Tollgate accepts. OpenSSH 9.x accepts 1024 bits; Tollgate is
    /// stricter on purpose.
    static let minimumRSABits = 2048

    /// Checks an armored SSH signature over `message` in `namespace` (`git` for commits).
    static func check(armored text: String, message: [UInt8], namespace: String) -> SSHSignatureCheck {
        let signature: SSHSignature
        do {
            signature = try SSHSignature(armored: text)
        } catch {
            return .failed(reason: "the SSH signature is malformed: " + error.reason, key: nil)
        }
        let key = signature.publicKey
        guard signature.namespace == Array(namespace.utf8) else {
            return .failed(
                reason: "wrong namespace \(quoted(signature.namespace)) (must be '\(namespace)')", key: key)
        }
        guard let signedData = signature.signedData(for: message) else {
            return .failed(
                reason: "unsupported hash algorithm '\(signature.hashAlgorithm)' (must be sha256 or sha512)",
                key: key)
        }
        switch key.material {
        case .other(let algorithm):
            return .unsupported(reason: "algorithm \(algorithm) is not supported", key: key)
        case .ed25519(let raw):
            return verifyEd25519(raw, signature: signature.signature, over: signedData, key: key)
        case .p256(let point):
            return verifyP256(point, signature: signature.signature, over: signedData, key: key)
        case .rsa(let e, let n):
            return verifyRSA(e: e, n: n, signature: signature.signature, over: signedData, key: key)
        }
    }

    /// Reads the inner signature blob, `string algorithm string bytes`, with no trailing data.
    private static func innerSignature(
        _ blob: [UInt8]
    ) throws(SSHFormatError) -> (algorithm: String, bytes: [UInt8]) {
        var reader = SSHWireReader(blob)
        let algorithm = try reader.readName("the signature algorithm")
        let bytes = try reader.readString("the signature value")
        try reader.expectEnd("the signature")
        return (algorithm, bytes)
    }

    private static func verifyEd25519(
        _ raw: [UInt8], signature blob: [UInt8], over data: [UInt8], key: SSHPublicKey
    ) -> SSHSignatureCheck {
        let inner: (algorithm: String, bytes: [UInt8])
        do {
            inner = try innerSignature(blob)
        } catch {
            return .failed(reason: "the SSH signature is malformed: " + error.reason, key: key)
        }
        guard inner.algorithm == "ssh-ed25519" else {
            return mismatch(inner.algorithm, key: key)
        }
        guard inner.bytes.count == 64 else {
            return .failed(
                reason: "the Ed25519 signature has \(inner.bytes.count) bytes instead of 64", key: key)
        }
        guard let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: raw),
              publicKey.isValidSignature(inner.bytes, for: data)
        else { return doesNotMatch(key) }
        return .verified(key: key)
    }

    private static func verifyP256(
        _ publicKey: P256.Signing.PublicKey, signature blob: [UInt8], over data: [UInt8],
        key: SSHPublicKey
    ) -> SSHSignatureCheck {
        let r: [UInt8]
        let s: [UInt8]
        do {
            let inner = try innerSignature(blob)
            guard inner.algorithm == "ecdsa-sha2-nistp256" else {
                return mismatch(inner.algorithm, key: key)
            }
            var reader = SSHWireReader(inner.bytes)
            r = try reader.readMPInt("the ECDSA value r")
            s = try reader.readMPInt("the ECDSA value s")
            try reader.expectEnd("the ECDSA signature")
        } catch {
            return .failed(reason: "the SSH signature is malformed: " + error.reason, key: key)
        }
        // r and s must lie in [1, n-1], so they fit 32 bytes; the check below rejects the rest.
        guard r.count <= 32, s.count <= 32,
              let ecdsa = try? P256.Signing.ECDSASignature(
                rawRepresentation: leftPadded(r, to: 32) + leftPadded(s, to: 32)),
              publicKey.isValidSignature(ecdsa, for: SHA256.hash(data: data))
        else { return doesNotMatch(key) }
        return .verified(key: key)
    }

    private static func verifyRSA(
        e: [UInt8], n: [UInt8], signature blob: [UInt8], over data: [UInt8], key: SSHPublicKey
    ) -> SSHSignatureCheck {
        let bits = KeyMaterial.bitCount(of: n)
        guard bits >= minimumRSABits else {
            return .failed(reason: "RSA key of \(bits) bits is too short", key: key)
        }
        let inner: (algorithm: String, bytes: [UInt8])
        do {
            inner = try innerSignature(blob)
        } catch {
            return .failed(reason: "the SSH signature is malformed: " + error.reason, key: key)
        }
        // OpenSSH pads a signature shorter than the modulus with leading zeros; BoringSSL
        // wants exactly the modulus length.
        let modulusBytes = (bits + 7) / 8
        guard inner.bytes.count <= modulusBytes else {
            return .failed(reason: "the RSA signature is longer than the modulus", key: key)
        }
        let value = _RSA.Signing.RSASignature(rawRepresentation: leftPadded(inner.bytes, to: modulusBytes))
        let publicKey: _RSA.Signing.PublicKey
        do {
            publicKey = try _RSA.Signing.PublicKey(n: Data(n), e: Data(e))
        } catch {
            return .failed(reason: "the RSA key is not a valid public key", key: key)
        }
        let valid: Bool
        switch inner.algorithm {
        case "rsa-sha2-256":
            valid = publicKey.isValidSignature(value, for: SHA256.hash(data: data), padding: .insecurePKCS1v1_5)
        case "rsa-sha2-512":
            valid = publicKey.isValidSignature(value, for: SHA512.hash(data: data), padding: .insecurePKCS1v1_5)
        case "ssh-rsa":
            return .failed(
                reason: "the RSA signature uses SHA-1 (ssh-rsa), which is refused; sign with rsa-sha2-256 or rsa-sha2-512",
                key: key)
        default:
            return mismatch(inner.algorithm, key: key)
        }
        return valid ? .verified(key: key) : doesNotMatch(key)
    }

    private static func doesNotMatch(_ key: SSHPublicKey) -> SSHSignatureCheck {
        .failed(reason: "the signature does not match the commit", key: key)
    }

    private static func mismatch(_ algorithm: String, key: SSHPublicKey) -> SSHSignatureCheck {
        .failed(
            reason: "the signature algorithm '\(algorithm)' does not belong to the \(key.algorithm) key",
            key: key)
    }

    private static func leftPadded(_ bytes: [UInt8], to length: Int) -> [UInt8] {
        bytes.count >= length ? bytes : [UInt8](repeating: 0, count: length - bytes.count) + bytes
    }

    /// Shows untrusted bytes in a message: printable ASCII, others as `\xNN`, at most 40 bytes.
    static func quoted(_ bytes: [UInt8]) -> String {
        var text = ""
        for byte in bytes.prefix(40) {
            if byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "'") && byte != UInt8(ascii: "\\") {
                text.append(Character(Unicode.Scalar(byte)))
            } else {
                text += "\\x" + String(byte, radix: 16, uppercase: true).leftPadding(to: 2)
            }
        }
        return "'" + text + (bytes.count > 40 ? "…" : "") + "'"
    }
}

extension String {
    fileprivate func leftPadding(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
