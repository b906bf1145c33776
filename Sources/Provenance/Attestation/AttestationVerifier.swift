import Crypto
import Documents
import Foundation

/// What `policy verify-attestation` decides about a DSSE envelope, given the Team a deploy job
/// trusts and the digests of the artifact it is about to deploy: accepted, or refused with
/// the reason. Fails closed: the signature is checked first and nothing of the payload is
/// believed before it verifies with a key the Team lists, unexpired, of a member holding the
/// role asked for.
public struct AttestationVerifier: Sendable {
    public static let statementType = "https://in-toto.io/Statement/v1"
    public static let predicateType = "https://tollgate.dev/attestation/release/v1"

    public var team: Team
    /// The role the signer must hold (`--role`), nil for any member.
    public var role: String?
    /// The stage the attested request must promote to (`--to`), nil for any.
    public var stage: String?
    public var now: Date

    public init(team: Team, role: String?, stage: String? = nil, now: Date = Date()) {
        self.team = team
        self.role = role
        self.stage = stage
        self.now = now
    }

    /// The artifact, as the verifier hashed it.
    public struct Artifact: Sendable {
        public var path: String
        public var sha256: String
        public var md5: String

        public init(path: String, sha256: String, md5: String) {
            self.path = path
            self.sha256 = sha256.lowercased()
            self.md5 = md5.lowercased()
        }
    }

    public struct Accepted: Sendable, Hashable {
        public var member: String
        public var fingerprint: String
        /// The subject the artifact is, as the statement names it.
        public var subject: String
        public var request: String
        public var commit: String
    }

    public enum Outcome: Sendable, Hashable {
        case accepted(Accepted)
        case refused(String)
    }

    /// Decides. Throws `DSSEEnvelope.Malformed` only for a signed payload that is not JSON
    /// (a malformed input, exit 2); every other problem is a refusal.
    public func verify(_ envelope: DSSEEnvelope, artifact: Artifact) throws(DSSEEnvelope.Malformed) -> Outcome {
        guard envelope.payloadType == DSSEEnvelope.inTotoPayloadType else {
            return .refused("the envelope's payloadType is '\(envelope.payloadType)', not '\(DSSEEnvelope.inTotoPayloadType)': it does not hold an in-toto statement")
        }
        let signer: (member: Team.Member, key: SSHPublicKey)
        switch self.signer(of: envelope) {
        case .success(let found): signer = found
        case .failure(let refusal): return .refused(refusal.reason)
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(envelope.payload))
        } catch {
            throw DSSEEnvelope.Malformed(reason: "its payload is signed but is not JSON (\(DSSEEnvelope.describe(error)))")
        }
        guard let statement = object as? [String: Any] else {
            throw DSSEEnvelope.Malformed(reason: "its payload is signed but is not a JSON object")
        }
        let type = statement["_type"] as? String ?? "(none)"
        guard type == Self.statementType else {
            return .refused("the payload's _type is '\(type)', not '\(Self.statementType)'")
        }
        let predicateType = statement["predicateType"] as? String ?? "(none)"
        guard predicateType == Self.predicateType else {
            return .refused("the statement's predicateType is '\(predicateType)', not Tollgate's '\(Self.predicateType)'")
        }
        let subjects = (statement["subject"] as? [Any] ?? []).compactMap { $0 as? [String: Any] }
        let match = subjects.first { subject in
            let digest = subject["digest"] as? [String: Any] ?? [:]
            return (digest["sha256"] as? String)?.lowercased() == artifact.sha256
                || (digest["md5"] as? String)?.lowercased() == artifact.md5
        }
        guard let match else {
            let listed = subjects.map { subject in
                let digest = (subject["digest"] as? [String: Any] ?? [:]).sorted { $0.key < $1.key }
                    .map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                return "\(subject["name"] as? String ?? "(unnamed)") (\(digest))"
            }
            return .refused("\(artifact.path) (sha256 \(artifact.sha256)) is not a subject of the attestation; it attests "
                + (listed.isEmpty ? "no subject" : listed.joined(separator: "; ")))
        }
        let predicate = statement["predicate"] as? [String: Any] ?? [:]
        let request = predicate["request"] as? [String: Any] ?? [:]
        let requestName = request["name"] as? String ?? "(unnamed)"
        let verdict = predicate["verdict"] as? String ?? "(none)"
        guard verdict == "pass" else {
            return .refused("the attested verdict of \(requestName) is '\(verdict)', not 'pass'")
        }
        if let stage {
            let to = request["to"] as? String ?? "(none)"
            guard to == stage else {
                let model = request["model"] as? String ?? "(no model)"
                return .refused("\(requestName) promotes \(model) to '\(to)', not to '\(stage)' (--to)")
            }
        }
        let revision = predicate["revision"] as? [String: Any] ?? [:]
        return .accepted(Accepted(member: signer.member.id, fingerprint: signer.key.fingerprint,
                                  subject: match["name"] as? String ?? artifact.path, request: requestName,
                                  commit: revision["commit"] as? String ?? ""))
    }

    struct Refusal: Error {
        var reason: String
    }

    /// The member whose key made a signature of the envelope, unexpired and holding the role.
    func signer(of envelope: DSSEEnvelope) -> Result<(member: Team.Member, key: SSHPublicKey), Refusal> {
        let candidates = team.members.flatMap { member in
            member.keys.filter { $0.algorithm == "ssh-ed25519" }.map { (member: member, key: $0) }
        }
        guard !candidates.isEmpty else {
            return .failure(Refusal(reason: "the Team lists no ssh-ed25519 key: attestations are verified with ed25519 keys only"))
        }
        var verified: [(member: Team.Member, key: SSHPublicKey)] = []
        var failedNamed: [(member: Team.Member, key: SSHPublicKey)] = []
        for signature in envelope.signatures {
            // The key id is a hint: the keys it names are tried first, then every other key.
            let named = candidates.filter { AttestationKeyID.of($0.key) == signature.keyID || $0.key.fingerprint == signature.keyID }
            let ordered = named + candidates.filter { candidate in !named.contains { $0.key == candidate.key } }
            for candidate in ordered {
                if envelope.isSigned(signature, by: candidate.key) {
                    if !verified.contains(where: { $0.key == candidate.key }) { verified.append(candidate) }
                } else if named.contains(where: { $0.key == candidate.key }), !failedNamed.contains(where: { $0.key == candidate.key }) {
                    failedNamed.append(candidate)
                }
            }
        }
        guard !verified.isEmpty else {
            if let named = failedNamed.first {
                return .failure(Refusal(reason: "the signature does not verify with \(named.member.id)'s key \(named.key.fingerprint), which its key id names: the envelope (its payload or its payloadType) was changed after it was signed"))
            }
            let ids = envelope.signatures.map { $0.keyID.isEmpty ? "(no key id)" : $0.keyID }.joined(separator: ", ")
            return .failure(Refusal(reason: "the envelope is signed by no ed25519 key the Team lists (key id \(ids)): it was signed with another key, or changed after it was signed"))
        }
        let unexpired = verified.filter { candidate in
            guard let expires = candidate.member.expiry(of: candidate.key) else { return true }
            return (RFC3339.parse(expires) ?? .distantPast) > now
        }
        guard !unexpired.isEmpty else {
            let first = verified[0]
            return .failure(Refusal(reason: "signed by \(first.member.id)'s key \(first.key.fingerprint), which expired on \(first.member.expiry(of: first.key) ?? "?") (expires in the Team)"))
        }
        guard let role else { return .success(unexpired[0]) }
        guard let entitled = unexpired.first(where: { $0.member.holds(role) }) else {
            let first = unexpired[0]
            return .failure(Refusal(reason: "signed by \(first.member.id) (\(first.key.fingerprint)), who does not hold the role '\(role)' in the Team"))
        }
        return .success(entitled)
    }
}

extension AttestationVerifier.Artifact {
    /// Hashes what `handle` reads to its end (SHA-256 and, for DVC subjects, MD5), a megabyte
    /// at a time: a model file is not read into memory whole.
    public init(path: String, reading handle: FileHandle) throws {
        var sha256 = SHA256()
        var md5 = Insecure.MD5()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            sha256.update(data: chunk)
            md5.update(data: chunk)
        }
        self.init(path: path, sha256: sha256.finalize().map { String(format: "%02x", $0) }.joined(),
                  md5: md5.finalize().map { String(format: "%02x", $0) }.joined())
    }
}
