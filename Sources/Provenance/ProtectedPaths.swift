import Documents
import GitKit
import Policy

/// SPEC §3: in range mode, every commit that touches a protected path must be signed by a
/// member who holds the path's role in the trusted (merge-base) Team; otherwise it blocks,
/// naming the commit.
public enum ProtectedPaths {
    public static let ruleID = "provenance/protected-paths"

    /// One entry of `spec.protect` in the Config.
    public struct Rule: Sendable {
        public var paths: [PathGlob]
        public var role: String
        /// Where the rule is written in the Config.
        public var location: SourceLocation

        public init(paths: [PathGlob], role: String, location: SourceLocation) {
            self.paths = paths
            self.role = role
            self.location = location
        }

        public func protects(_ path: String) -> Bool {
            paths.contains { $0.matches(path) }
        }
    }

    /// Findings for the commits of a range (`git rev-list base..head`) that change a
    /// protected path without the signature of a member holding its role. A merge commit
    /// answers for every difference from its first parent (SPEC §3) — an old policy it brings
    /// back included, and a side branch's change it discarded to keep the fork point's
    /// content — except a path it took cleanly from a side branch (changed there since
    /// the fork point, unchanged on the first parent): the side branch's own commits made that
    /// change, and each of them is judged itself (in the range, or already on the target branch).
    public static func check(commits: [ObjectID], rules: [Rule], provenance: CommitProvenance) throws -> [Finding] {
        guard !rules.isEmpty else { return [] }
        let repository = provenance.repository
        var findings: [Finding] = []
        for commit in commits {
            let changed = try accountablePaths(of: commit, in: repository) { path in rules.contains { $0.protects(path) } }
            for path in changed {
                for rule in rules where rule.protects(path) {
                    let facts = try provenance.facts(commit)
                    guard let problem = problem(facts, role: rule.role) else { continue }
                    findings.append(Finding(
                        ruleID: ruleID,
                        subject: Subject(kind: nil, name: nil, file: path),
                        severity: .block,
                        message: "commit \(facts.summary.description) changes \(path), which only a member holding '\(rule.role)' may change, but \(problem)",
                        location: .start(of: path),
                        notes: [.init("protected for '\(rule.role)' here", at: rule.location)]))
                }
            }
        }
        return findings
    }

    /// The paths `commit` answers for, sorted: what it changed against its first parent; for a
    /// merge, among the paths `relevant` accepts, every difference from its first parent (and
    /// where it kept its first parent's content over a side's) except what it took cleanly from
    /// a side branch, whose own commits answer for it (SPEC §3).
    public static func accountablePaths(of commit: ObjectID, in repository: Repository,
                                        relevant: (String) -> Bool) throws -> [String] {
        let info = try repository.commit(commit)
        let changed = try repository.changedPaths(from: info.parents.first, to: commit)
        guard info.parents.count > 1 else { return changed.sorted() }
        var candidates = Set(changed)
        for side in info.parents.dropFirst() {
            candidates.formUnion(try repository.changedPaths(from: side, to: commit))
        }
        return try candidates.sorted().filter { path in
            guard relevant(path) else { return false }
            return try repository.step(for: path, in: commit) == .accountable
        }
    }

    /// Why `facts` do not allow a change of a path protected for `role` (nil: they do).
    public static func problem(_ facts: CommitFacts, role: String) -> String? {
        switch facts.signature {
        case .unsigned:
            return "it is not signed"
        case .valid:
            guard let signer = facts.signer else { return "its signing key belongs to no Team member" }
            return signer.holds(role) ? nil : "it is signed by \(signer.id), who does not hold '\(role)'"
        case .invalid(let reason):
            if let key = facts.signingKey, facts.signer == nil {
                return "it is signed with \(key.fingerprint), which is no key of the Team of the base"
            }
            return "its signature is invalid: \(reason)"
        case .unsupported(let format, _):
            return "it has a \(format) signature, which Tollgate does not verify"
        }
    }
}
