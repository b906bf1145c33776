/// Answers of history walks that someone outside the repository keeps (Tollgate's local modes
/// keep them in `.git/tollgate/history` between runs). A `Repository` works without one; with
/// one, `accountableChange(of:from:)` and `isAncestor(_:of:)` ask it before walking — at the
/// head and at every commit the walk reaches, since the walk from there is the same walk — and
/// tell it every answer they find. The answers are keyed by commit ids, so they never go stale;
/// a source must only give back answers a walk gave it.
public protocol HistoryAnswers: AnyObject, Sendable {
    /// The accountable change of `path` from `head`, if known.
    func lastChange(of path: String, from head: ObjectID) -> ObjectID?
    /// Whether `ancestor` is an ancestor of `commit`, if known.
    func isAncestor(_ ancestor: ObjectID, of commit: ObjectID) -> Bool?
    /// A walk found the accountable change of `path` from `head`.
    func found(lastChange: ObjectID, of path: String, from head: ObjectID)
    /// A walk found whether `ancestor` is an ancestor of `commit`.
    func found(isAncestor: Bool, _ ancestor: ObjectID, of commit: ObjectID)
}
