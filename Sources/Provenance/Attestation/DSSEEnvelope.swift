import Crypto
import Foundation

/// A Dead Simple Signing Envelope (github.com/secure-systems-lab/dsse, v1.0):
/// `{"payload": base64, "payloadType": …, "signatures": [{"keyid": …, "sig": base64}]}`, each
/// signature over PAE(payloadType, payload). Tollgate signs with ed25519 only.
public struct DSSEEnvelope: Sendable, Hashable {
    public struct Signature: Sendable, Hashable {
        /// An unauthenticated hint naming the key (DSSE: optional, may be empty).
        public var keyID: String
        public var signature: [UInt8]
    }

    /// The payload type of an in-toto statement.
    public static let inTotoPayloadType = "application/vnd.in-toto+json"

    public var payloadType: String
    public var payload: [UInt8]
    public var signatures: [Signature]

    /// The pre-authentication encoding: `"DSSEv1" SP len(type) SP type SP len(body) SP body`,
    /// lengths as ASCII decimal byte counts.
    public static func pae(type: String, body: [UInt8]) -> [UInt8] {
        Array("DSSEv1 \(type.utf8.count) \(type) \(body.count) ".utf8) + body
    }

    /// The payload signed with `key`; the key id is `AttestationKeyID.of(key.publicKey)`.
    public static func signed(_ payload: [UInt8], type: String, with key: OpenSSHPrivateKey) throws -> DSSEEnvelope {
        let signature = try key.signingKey.signature(for: pae(type: type, body: payload))
        return DSSEEnvelope(payloadType: type, payload: payload,
                            signatures: [Signature(keyID: AttestationKeyID.of(key.publicKey) ?? "", signature: Array(signature))])
    }

    /// Whether `key` (an ssh-ed25519 key) made `signature` over this envelope's PAE.
    public func isSigned(_ signature: Signature, by key: SSHPublicKey) -> Bool {
        guard case .ed25519(let raw) = key.material,
              let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
        else { return false }
        return publicKey.isValidSignature(signature.signature, for: Self.pae(type: payloadType, body: payload))
    }

    /// The envelope as JSON: keys sorted, no whitespace, one final newline.
    public var json: String {
        AttestationJSON.object([
            "payloadType": .string(payloadType),
            "payload": .string(Data(payload).base64EncodedString()),
            "signatures": .array(signatures.map { signature in
                .object(["keyid": .string(signature.keyID),
                         "sig": .string(Data(signature.signature).base64EncodedString())])
            }),
        ]).canonical + "\n"
    }

    /// Why bytes are not a DSSE envelope; `reason` is shown to the user (exit 2).
    public struct Malformed: Error, Sendable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    /// Reads an envelope from its JSON.
    public init(json data: Data) throws(Malformed) {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw Malformed(reason: "it is not JSON (\(Self.describe(error)))")
        }
        guard let envelope = object as? [String: Any] else {
            throw Malformed(reason: "it is JSON but not an object, as a DSSE envelope is {\"payload\", \"payloadType\", \"signatures\"}")
        }
        guard let type = envelope["payloadType"] as? String else {
            throw Malformed(reason: "it has no \"payloadType\" string")
        }
        guard let encoded = envelope["payload"] as? String, let payload = Data(base64Encoded: encoded) else {
            throw Malformed(reason: "it has no \"payload\" in base64")
        }
        guard let list = envelope["signatures"] as? [Any], !list.isEmpty else {
            throw Malformed(reason: "it has no \"signatures\" (a non-empty list)")
        }
        var signatures: [Signature] = []
        for (index, item) in list.enumerated() {
            guard let entry = item as? [String: Any], let sig = entry["sig"] as? String,
                  let bytes = Data(base64Encoded: sig)
            else {
                throw Malformed(reason: "signature \(index + 1) of the envelope has no \"sig\" in base64")
            }
            let keyID = entry["keyid"] as? String ?? ""
            signatures.append(Signature(keyID: keyID, signature: Array(bytes)))
        }
        self.init(payloadType: type, payload: Array(payload), signatures: signatures)
    }

    public init(payloadType: String, payload: [UInt8], signatures: [Signature]) {
        self.payloadType = payloadType
        self.payload = payload
        self.signatures = signatures
    }

    static func describe(_ error: Error) -> String {
        let nsError = error as NSError
        return (nsError.userInfo["NSDebugDescription"] as? String) ?? nsError.localizedDescription
    }
}

/// The key id Tollgate writes in a DSSE signature: securesystemslib's default key id of the
/// ed25519 key (`compute_default_keyid`): the SHA-256, in lower-case hex, of the canonical JSON
/// `{"keytype":"ed25519","keyval":{"public":"<64 hex>"},"scheme":"ed25519"}`. A verifier that
/// builds `SSlibKey(keyid, "ed25519", "ed25519", {"public": hex})` or `SSlibKey.from_crypto`
/// finds the signature by it; Tollgate's own verifier takes it as a hint only.
public enum AttestationKeyID {
    public static func of(_ key: SSHPublicKey) -> String? {
        guard case .ed25519(let raw) = key.material else { return nil }
        let hex = raw.map { String(format: "%02x", $0) }.joined()
        let canonical = AttestationJSON.object([
            "keytype": .string("ed25519"), "scheme": .string("ed25519"),
            "keyval": .object(["public": .string(hex)]),
        ]).canonical
        return SHA256.hash(data: Array(canonical.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
