import Foundation
import Documents
import GitKit
import Policy
import Provenance

/// What `policy approve` did.
public struct ApprovalRecord: Sendable {
    public var file: String
    public var commit: String
    public var member: String
    public var role: String
    public var decision: AttributedApproval.Decision
    public var digest: String
    /// The fingerprint of the key the commit is signed with, nil when unsigned.
    public var signingKey: String?
    /// Things the approver should know (an unsigned commit will not count where rules ask for signatures).
    public var warnings: [String]
}

/// `policy approve`: writes and commits (signed) one Approval of a loaded state's request.
public struct ApproveUseCase: WorkspaceUseCase {
    public let workspace: Workspace

    public init(_ workspace: Workspace) {
        self.workspace = workspace
    }

    /// Writes `approvals/<request>/<member>.yaml` with the request's current bundle digest and
    /// commits it (only that file) with the user's own git signing configuration.
    ///
    /// Refuses when the user is not a Team member, does not hold the role, or when the
    /// request has blocking findings other than missing approvals: approving a bundle that
    /// is blocked for other reasons only makes approvals that go stale with the fix.
    public func run(request name: String, justification: String, role requestedRole: String?,
                        reject: Bool) throws -> ApprovalRecord {
        guard let root = repository.workingDirectory else {
            throw WorkspaceError.bareRepository(mode: "policy approve")
        }
        let text = justification.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw WorkspaceError.refused("the justification (-m) must not be empty") }
        // One state, loaded once: the digest, the check and the Team all come from it.
        let state = try loadState(.workingTree, subjects: true)
        let digest = try DigestUseCase(workspace).digest(request: name, in: state)
        let run = try CheckUseCase(workspace).run(CheckOptions(mode: .workingTree, keepsLocalStores: false), in: state, store: nil)
        let isWaiver = state.subjects?.documents.contains { $0.kind == .waiver && $0.name == name } ?? false
        let blocking = isWaiver ? [] : run.report.subjects
            .filter { $0.subject.kind == .promotionRequest && $0.subject.name == name }
            .flatMap(\.rules)
            .filter { $0.check != ApprovalsCheck.keyword }
            .flatMap(\.findings)
            .filter { $0.severity == .block }
        if !reject, !blocking.isEmpty {
            let reasons = blocking.map { "  \($0.ruleID): \($0.message) (\($0.location))" }.joined(separator: "\n")
            throw WorkspaceError.refused("""
                PromotionRequest '\(name)' has blocking findings other than approvals; fix them first \
                (an approval now would go stale with the fix), or record a rejection with --reject:
                \(reasons)
                """)
        }

        let (config, trusted) = (state.config, state.trusted)
        let git = GitCommandLine(directory: root)
        let member = try identify(in: trusted.team, git: git)
        let role = try chooseRole(requestedRole ?? (isWaiver ? config.waivers.role : nil), member: member, policies: trusted.policies)

        let path = "approvals/\(name)/\(member.id).yaml"
        let decision: AttributedApproval.Decision = reject ? .reject : .approve
        var quoted = ""
        CanonicalJSON.writeString(text, to: &quoted)
        let yaml = """
            apiVersion: tollgate/v1
            kind: Approval
            metadata:
              name: \(name)-\(member.id)
            spec:
              request: \(name)
              approver: \(member.id)
              decision: \(decision.rawValue)
              role: \(role)
              justification: \(quoted)
              digest: "\(digest.value)"

            """
        let url = URL(fileURLWithPath: root).appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(yaml.utf8).write(to: url)

        var warnings: [String] = []
        let signingKey = git.config("user.signingkey")
        let format = git.config("gpg.format") ?? "openpgp"
        var arguments = ["commit", "--quiet", "-m", "\(reject ? "Reject" : "Approve") \(name) as \(role)", "-m", text]
        if signingKey != nil {
            arguments.append("-S")
            if format != "ssh" {
                warnings.append("your git signs with \(format); Tollgate verifies SSH signatures only (git config gpg.format ssh)")
            }
        } else if git.config("commit.gpgsign") != "true" {
            warnings.append("the approval commit is not signed: it counts only under rules with signed: false (configure git config gpg.format ssh and user.signingkey)")
        }
        do {
            try git.run(["add", "--", path])
            try git.run(arguments + ["--", path])
        } catch {
            throw WorkspaceError.git(GitError.wrapping(error), context: "could not commit \(path)")
        }
        let head = try git.run(["rev-parse", "HEAD"])
        var fingerprint: String?
        if let id = ObjectID(hex: head), let raw = try? RawCommit(parsing: try repository.rawCommit(id)) {
            fingerprint = CommitSignatureVerifier.signingKey(of: raw)?.fingerprint
        }
        return ApprovalRecord(file: path, commit: String(head.prefix(7)), member: member.id, role: role,
                              decision: decision, digest: digest.value, signingKey: fingerprint, warnings: warnings)
    }

    /// The Team member the user is: by signing key first (identity is the key), else by e-mail.
    func identify(in team: Team, git: GitCommandLine) throws -> Team.Member {
        if let member = ApproveUseCase.configuredMembers(in: team, config: git.config).first { return member }
        let email = git.config("user.email") ?? ""
        throw WorkspaceError.refused("""
            you (\(email.isEmpty ? "no user.email configured" : email)) are not a member of the Team: \
            no member has your signing key or e-mail. Ask a policy owner to add you to the Team \
            with your SSH public key.
            """)
    }

    /// The members git's configuration makes the author of the next commit: the owner of
    /// `user.signingkey` (the signer, when the commit is signed), then the owner of `user.email`
    /// (the author of an unsigned one). Both, when they differ: either may be attributed.
    static func configuredMembers(in team: Team, config: (String) -> String?) -> [Team.Member] {
        var members: [Team.Member] = []
        if let configured = config("user.signingkey"), let key = publicKey(configured), let member = team.member(holding: key) {
            members.append(member)
        }
        if let email = config("user.email"), let member = team.member(email: email), !members.contains(where: { $0.id == member.id }) {
            members.append(member)
        }
        return members
    }

    /// `user.signingkey` as git understands it for SSH: a literal key, `key::<key>`, or a path.
    static func publicKey(_ configured: String) -> SSHPublicKey? {
        var value = configured
        if value.hasPrefix("key::") { value.removeFirst(5) }
        if let key = SSHPublicKey(openSSH: value) { return key }
        let path = (value as NSString).expandingTildeInPath
        for candidate in [path, path + ".pub"] {
            if let text = try? String(contentsOfFile: candidate, encoding: .utf8),
               let key = SSHPublicKey(openSSH: text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                return key
            }
        }
        return nil
    }

    /// The role to act in: the one asked for (which the member must hold), else the member's
    /// first role that an approvals rule requires, else one it accepts.
    func chooseRole(_ requested: String?, member: Team.Member, policies: [Policy]) throws -> String {
        if let requested {
            guard member.holds(requested) else {
                throw WorkspaceError.refused("\(member.id) does not hold the role '\(requested)' (holds \(member.roles.joined(separator: ", ")))")
            }
            return requested
        }
        let checks = policies.flatMap(\.rules).compactMap { $0.check as? ApprovalsCheck }
        let required = checks.flatMap { $0.requireRoles.map(\.role) }
        let accepted = checks.flatMap { $0.roles ?? [] }
        if let role = (required + accepted).first(where: member.holds) { return role }
        if let role = member.roles.first { return role }
        throw WorkspaceError.refused("\(member.id) holds no role; pass --role")
    }
}
