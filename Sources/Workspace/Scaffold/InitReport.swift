/// What `policy init` did.
public struct InitReport: Sendable {
    /// The root of the working tree the files were written to.
    public var root: String
    /// Every file offered, created or skipped, in the order they were considered.
    public var files: [ScaffoldFile]
    /// When `.pre-commit-config.yaml` existed without Tollgate's hook: the entry to add to
    /// its `repos:` list.
    public var preCommitSnippet: String?
    /// Things the user should fix (no e-mail, no signing key, …).
    public var warnings: [String]
    /// What to do next, in order.
    public var nextSteps: [String]

    public var created: [ScaffoldFile] { files.filter { $0.outcome == .created } }
}
