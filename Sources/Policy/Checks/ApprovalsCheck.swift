import Documents

/// `approvals: {min, roles?, requireRoles?, signed?, separationOfDuties?}` — enough
/// approvals that the history proves (SPEC §3). An approval counts only when it is
/// committed, attributed (its last commit is signed by a key of the approver, or with
/// `signed: false` authored from one of the approver's e-mails), fresh (its digest is the
/// bundle's current digest), entitled (the approver holds the role it acts in, and the rule
/// accepts that role) and, with `separationOfDuties` (default true), independent. Distinct
/// members count once. A counting `reject` blocks whatever the count.
public struct ApprovalsCheck: Check {
    public static let keyword = "approvals"
    public static let summary = """
        Counts the approvals of a promotion request that the git history proves: committed, \
        signed by the approver's key (unless `signed: false`), made on the current bundle \
        digest, by a member holding the role, and — with `separationOfDuties` (default true) — \
        not by the requester or the author of the latest change of the request or its run. \
        Distinct members count once; a counting reject blocks.
        """
    public static let schema = ObjectSchema([
        FieldSchema("min", .integer, "distinct members whose approvals must count"),
        .optional("roles", .list(.text(), minItems: 1), "roles an approver may act in (default: any)"),
        .optional("requireRoles", .list(.object(ObjectSchema([
            FieldSchema("role", .text(), "role"),
            FieldSchema("min", .integer, "approvals in that role"),
        ])), minItems: 1), "minimum approvals per role, counted by spec.role"),
        .optional("signed", .boolean, "approvals must be signed by the approver's key (default true)"),
        .optional("separationOfDuties", .boolean, "requester and latest authors cannot approve (default true)"),
    ])

    public var min: Int
    public var roles: [String]?
    public var requireRoles: [(role: String, min: Int)]
    public var signed: Bool
    public var separationOfDuties: Bool

    /// A rule made in code, e.g. the Config's requirement for waivers.
    public init(min: Int, roles: [String]?, requireRoles: [(role: String, min: Int)] = [],
                signed: Bool = true, separationOfDuties: Bool = true) {
        self.min = min
        self.roles = roles
        self.requireRoles = requireRoles
        self.signed = signed
        self.separationOfDuties = separationOfDuties
    }

    public init?(_ spec: YAMLValue, diagnostics: inout [Diagnostic]) {
        guard case .int(let count)? = spec["min"]?.kind else { return nil }
        min = count
        roles = spec["roles"]?.list?.compactMap(\.string)
        requireRoles = (spec["requireRoles"]?.list ?? []).compactMap { item in
            guard let role = item["role"]?.string, case .int(let n)? = item["min"]?.kind else { return nil }
            return (role, n)
        }
        signed = spec["signed"]?.bool ?? true
        separationOfDuties = spec["separationOfDuties"]?.bool ?? true
        if count < 1, let location = spec["min"]?.location {
            diagnostics.append(Diagnostic(.schema, "approvals min must be at least 1, found \(count)", at: location))
            return nil
        }
    }

    /// Why an approval does not count under this rule, or nil when it counts.
    public func reason(_ approval: AttributedApproval) -> String? {
        let who = "\(approval.decision == .reject ? "rejection" : "approval") by \(approval.approver)"
        // An approval must say why (the schema's finding is on the approval's file); a
        // rejection without a reason still blocks.
        if approval.decision == .approve, !TextFormat.nonBlank.accepts(approval.document.text("justification") ?? "") {
            return "\(who) does not count: its spec.justification is empty"
        }
        guard let commit = approval.commit else {
            return "\(who) is pending: \(approval.document.file) is not committed yet"
        }
        guard let memberRoles = approval.memberRoles else {
            return "\(who) does not count: '\(approval.approver)' is not a member of the Team"
        }
        switch approval.signature {
        case .verified:
            break
        case .unsigned:
            if signed {
                return "\(who) is not attributed: \(commit.description) is not signed"
            }
            if !approval.authorEmailMatches {
                return "\(who) is not attributed: \(commit.description) was authored from \(commit.authorEmail), which is not one of \(approval.approver)'s e-mails"
            }
        case .notTheApprover(let why):
            return "\(who) is not attributed: \(commit.description) \(why)"
        }
        if let staleness = approval.staleness {
            return "\(who) is stale: \(staleness)"
        }
        if !memberRoles.contains(approval.role) {
            return "\(who) is not entitled: \(approval.approver) does not hold the role '\(approval.role)' (holds \(memberRoles.isEmpty ? "none" : memberRoles.joined(separator: ", ")))"
        }
        if let roles, !roles.contains(approval.role) {
            return "\(who) is not entitled: the rule accepts the roles \(roles.joined(separator: ", ")), not '\(approval.role)'"
        }
        if separationOfDuties, let conflict = approval.conflictOfInterest {
            return "\(who) is not independent: \(conflict)"
        }
        if let removal = approval.removal, removal.isWithdrawal(signed: signed) {
            return "\(who) was withdrawn: \(removal.file) was \(removal.change) in \(removal.commit?.description ?? "?"), authored by \(approval.approver) (signed: false)"
        }
        return nil
    }

    /// Why a rejection that someone other than its author removed still blocks.
    static func standing(_ rejection: AttributedApproval, _ removal: AttributedApproval.Removal) -> String {
        let approver = rejection.approver
        let when = removal.commit.map { "in \($0.description)" } ?? "in the working tree or index"
        return "rejected by \(approver) as \(rejection.role) in \(rejection.commit?.description ?? "?"): \(rejection.document.text("justification") ?? ""); "
            + "the rejection stands although \(removal.file) was \(removal.change) \(when): only \(approver) can withdraw it, "
            + "by a commit signed with \(approver)'s key (or a change of the bundle makes it stale)"
    }

    public func evaluate(in context: EvaluationContext) -> CheckOutcome {
        var outcome = CheckOutcome()
        var counted: [String: AttributedApproval] = [:]
        var rejections: [AttributedApproval] = []
        var notes: [Finding.Note] = []
        for approval in context.approvals.sorted(by: { $0.document.file < $1.document.file }) {
            let why = reason(approval)
            let status: String
            if let why {
                status = why
                notes.append(.init(why, at: approval.document.nameLocation))
                if approval.isPending {
                    outcome.violations.append(Violation(why, at: approval.document.nameLocation, atMost: .warn))
                }
            } else if approval.decision == .reject {
                status = approval.removal == nil ? "rejection by \(approval.approver) counts"
                    : "rejection by \(approval.approver) stands, removed by someone else"
                rejections.append(approval)
            } else {
                let unsigned = approval.signature == .unsigned ? " (unsigned: signed: false)" : ""
                status = "approval by \(approval.approver) as \(approval.role) counts, \(approval.commit?.description ?? "")\(unsigned)"
                if counted[approval.approver] == nil { counted[approval.approver] = approval }
            }
            outcome.evidence.append(Evidence(path: "approvals[\(approval.approver)]",
                                             value: YAMLValue(.string(status), at: approval.document.nameLocation, text: status),
                                             location: approval.document.nameLocation))
        }
        let subjectLocation = context.subject.nameLocation
        for rejection in rejections {
            if let removal = rejection.removal {
                outcome.violations.append(Violation(
                    Self.standing(rejection, removal), at: subjectLocation,
                    notes: [.init("the rejection, as it was before \(removal.commit?.short ?? "the uncommitted change")",
                                  at: rejection.document.nameLocation)]))
                continue
            }
            outcome.violations.append(Violation(
                "rejected by \(rejection.approver) as \(rejection.role) in \(rejection.commit?.description ?? "?"): \(rejection.document.text("justification") ?? "")",
                at: rejection.document.nameLocation))
        }
        let members = counted.keys.sorted()
        var shortfalls: [String] = []
        if members.count < min {
            shortfalls.append("needs \(min) approval\(min == 1 ? "" : "s") by distinct members, \(members.count) count\(members.isEmpty ? "" : " (\(members.joined(separator: ", ")))")")
        }
        for requirement in requireRoles {
            let inRole = counted.values.filter { $0.role == requirement.role }.count
            if inRole < requirement.min {
                shortfalls.append("needs \(requirement.min) approval\(requirement.min == 1 ? "" : "s") as \(requirement.role), \(inRole) count\(inRole == 1 ? "s" : "")")
            }
        }
        if !shortfalls.isEmpty {
            outcome.violations.append(Violation(shortfalls.joined(separator: "; "), at: subjectLocation, notes: notes))
        }
        return outcome
    }

    public static let examples: [CheckExample] = []
}
