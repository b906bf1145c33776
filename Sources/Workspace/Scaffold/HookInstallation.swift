/// What `policy hook install` did.
public struct HookInstallation: Sendable {
    public enum Outcome: Sendable, Equatable {
        case created
        /// A hook written by Tollgate was rewritten.
        case updated
        /// A foreign hook was replaced (`--force`); `backup` is where it was kept.
        case replaced(backup: String?)
    }

    /// Absolute path of the hook.
    public var path: String
    /// The `policy` executable the hook runs (falls back to `policy` on PATH when it is gone).
    public var executable: String
    public var outcome: Outcome
}
