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
    /// protected path without the signature of a member holding its role. A merge commit is
    /// judged only on what it changes relative to every parent (its own resolution); the
    /// commits it brings in are in the range and judged themselves.
    public static func check(commits: [ObjectID], rules: [Rule], provenance: CommitProvenance) throws -> [Finding] {
        guard !rules.isEmpty else { return [] }
        let repository = provenance.repository
        var findings: [Finding] = []
        for commit in commits {
            let info = try repository.commit(commit)
            var changed: Set<String>
            if info.parents.isEmpty {
                changed = Set(try repository.changedPaths(from: nil, to: commit))
            } else {
                changed = Set(try repository.changedPaths(from: info.parents[0], to: commit))
                for parent in info.parents.dropFirst() {
                    changed.formIntersection(try repository.changedPaths(from: parent, to: commit))
                }
            }
            for path in changed.sorted() {
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

    static func problem(_ facts: CommitFacts, role: String) -> String? {
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
