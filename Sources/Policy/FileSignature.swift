/// What the history proves about who last changed a file: the commit that answers for its
/// content in the evaluated state (its last change; a merge for what it brought in itself,
/// docs/approvals.md) and that commit's signature. Made by the Provenance layer, read by the
/// `signedBy` check.
public enum FileSignature: Sendable, Hashable {
    /// The file's content in the evaluated state is not committed (working tree, index): no
    /// commit answers for it yet.
    case uncommitted
    /// The commit that answers for the content. `signer` is the Team member whose key
    /// verifiably signed it and `roles` theirs; `problem` says why the signature proves no
    /// member ("it is not signed", "its signing key belongs to no Team member", …), nil when it does.
    case committed(AttributedApproval.Commit, signer: String?, roles: [String], problem: String?)
    /// The history could not be read: nothing is proved (fails closed).
    case unreadable(String)
}
