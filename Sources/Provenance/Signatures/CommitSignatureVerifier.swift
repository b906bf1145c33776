import GitKit

/// Verifies commit signatures the way `git verify-commit` does with `gpg.format=ssh`, natively.
///
/// The signed payload is `RawCommit.signedPayload` (the raw object without its `gpgsig` header);
/// the SSH signature must use the `git` namespace, sha256 or sha512, and one of the key types
/// ssh-ed25519, ecdsa-sha2-nistp256, or ssh-rsa (at least 2048 bits) with rsa-sha2-256 or
/// rsa-sha2-512. GPG and X.509 signatures are reported as unsupported, never accepted.
public enum CommitSignatureVerifier {
    /// The namespace git uses for commit and tag signatures (`ssh-keygen -Y sign -n git`).
    public static let namespace = "git"

    /// Verifies a commit's signature against allowed keys. The key inside the SSH signature must
    /// equal (wire format) one of `allowedKeys`, and the signature must verify over
    /// `commit.signedPayload`.
    public static func verify(_ commit: RawCommit, allowedKeys: [SSHPublicKey]) -> CommitSignatureStatus {
        guard let text = commit.signature else { return .unsigned }
        switch SignatureFormat(armored: text) {
        case .gpg:
            return .unsupported(
                format: "gpg",
                reason: "GPG signatures are not verified by Tollgate; sign with SSH (gpg.format=ssh)")
        case .x509:
            return .unsupported(
                format: "x509",
                reason: "X.509 signatures are not verified by Tollgate; sign with SSH (gpg.format=ssh)")
        case .unknown:
            return .invalid(
                reason: "the gpgsig header holds no SSH, PGP or X.509 signature armor")
        case .ssh:
            switch SSHSignatureCheck.check(armored: text, message: commit.signedPayload, namespace: namespace) {
            case .failed(let reason, _):
                return .invalid(reason: reason)
            case .unsupported(let reason, _):
                return .unsupported(format: "ssh", reason: reason)
            case .verified(let key):
                guard allowedKeys.contains(key) else {
                    return .invalid(reason: "signed by \(key.fingerprint) which is not an allowed key")
                }
                return .valid(key: key)
            }
        }
    }

    /// The key that made the commit's SSH signature, when the signature verifies over the commit
    /// (namespace `git`), whether or not the key is allowed: for the audit trail. `nil` when the
    /// commit is unsigned, not signed with SSH, or the signature does not verify, so that a
    /// copied public key cannot be passed off as the signer.
    public static func signingKey(of commit: RawCommit) -> SSHPublicKey? {
        guard let text = commit.signature, SignatureFormat(armored: text) == .ssh,
              case .verified(let key) = SSHSignatureCheck.check(
                armored: text, message: commit.signedPayload, namespace: namespace)
        else { return nil }
        return key
    }
}

/// The kind of signature in a `gpgsig` header, told by its armor as git's `get_format_by_sig` does.
enum SignatureFormat: Sendable, Hashable {
    case ssh, gpg, x509, unknown

    init(armored text: String) {
        let bytes = Array(text.utf8)
        func starts(_ prefix: String) -> Bool { bytes.starts(with: Array(prefix.utf8)) }
        if starts("-----BEGIN PGP SIGNATURE-----") || starts("-----BEGIN PGP MESSAGE-----") {
            self = .gpg
        } else if starts("-----BEGIN SIGNED MESSAGE-----") {
            self = .x509
        } else if starts(SSHSignature.beginLine) {
            self = .ssh
        } else {
            self = .unknown
        }
    }
}
