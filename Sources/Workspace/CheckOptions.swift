import Policy

/// What `policy check` evaluates.
public struct CheckOptions: Sendable {
    /// Which state of the repository is read.
    public enum Mode: Sendable, Equatable {
        /// The working tree (default): tracked files on disk plus untracked, non-ignored ones.
        case workingTree
        /// The index: what the next commit will contain (the pre-commit hook). Only subjects
        /// whose bundle is changed by the commit are reported unless `all`, and approvals, which
        /// can only follow the commit, warn instead of block.
        case staged
        /// One commit's tree.
        case revision(String)
        /// A range under review: the head is evaluated, Policy/Team/Config come from the
        /// base revision itself, and only subjects changed since the merge base are reported unless `all`.
        case range(base: String, head: String?)
    }

    public var mode: Mode
    /// Path filters as the user typed them, relative to `directory`.
    public var paths: [String]
    /// In range and staged modes, report every subject, not only the changed ones.
    public var all: Bool
    /// Staged mode: `paths` are what the commit changes (as pre-commit passes them), not
    /// filters. `pre-commit run --all-files` passes every file, so every subject is checked;
    /// a normal commit passes the staged files, so only the change's subjects are.
    public var pathsAreChange = false
    /// In the local modes (working tree, staged), keep readings of documents and facts of the
    /// history between runs in `.git/tollgate/` so that only what changed is parsed and walked
    /// (see `ReadingStore`, `HistoryStore`). Never used for `--rev` or `--base`.
    public var keepsLocalStores: Bool
    /// Gate decided PromotionRequests (`spec.status` released, withdrawn or superseded) like
    /// open ones. Without it they are reported as decided, with the verdict recorded for them.
    public var regate: Bool
    /// Report only the subjects of this part of the check (`--shard K/N`, `Policy/Shard.swift`):
    /// every document is still read, only the shard's subjects are evaluated.
    public var shard: Shard?

    public init(mode: Mode = .workingTree, paths: [String] = [], all: Bool = false, keepsLocalStores: Bool = true,
                regate: Bool = false) {
        self.mode = mode
        self.paths = paths
        self.all = all
        self.keepsLocalStores = keepsLocalStores
        self.regate = regate
    }

    /// Whether this check may use the local stores: a local mode, and not turned off.
    var usesLocalStores: Bool {
        guard keepsLocalStores else { return false }
        switch mode {
        case .workingTree, .staged: return true
        case .revision, .range: return false
        }
    }
}
