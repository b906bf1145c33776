/// What Tollgate concluded about a commit's signature.
///
/// Only `.valid` counts as signed by an allowed key; every other case is reported with its
/// reason and never accepted silently.
public enum CommitSignatureStatus: Sendable, Hashable {
    /// The commit has no signature header (a `gpgsig` line in the message does not count).
    case unsigned
    /// The SSH signature verifies over the commit and `key` is one of the allowed keys.
    case valid(key: SSHPublicKey)
    /// The signature is malformed, does not verify, uses the wrong namespace, or was made by a
    /// key that is not allowed; `reason` says which, e.g. `the signature does not match the commit`.
    case invalid(reason: String)
    /// The signature is of a kind Tollgate does not verify: `format` is `gpg`, `x509` or `ssh`
    /// (for SSH key types other than ed25519, ecdsa-p256 and RSA), `reason` says what to do.
    case unsupported(format: String, reason: String)

    /// Whether the commit counts as signed by an allowed key.
    public var isValid: Bool {
        if case .valid = self { return true }
        return false
    }
}
