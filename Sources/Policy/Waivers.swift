import Foundation
import Documents

/// What the Config asks of a waiver (`spec.waivers`): how many approvals, in which role.
public struct WaiverRequirement: Sendable {
    public var approvals: Int
    public var role: String?

    public init(approvals: Int = 1, role: String? = "policy-owner") {
        self.approvals = approvals
        self.role = role
    }
}

/// Time-boxed exceptions (SPEC §1): a Waiver names a policy, a rule and a subject. It waives
/// the rule's findings for that subject only while it is in force — before `expires`, and
/// carrying the approvals the Config asks for (attributed, fresh on the waiver itself,
/// entitled, independent). An expired or unapproved waiver waives nothing and is itself
/// reported as a warning.
public struct Waivers: Sendable {
    public static let ruleID = "waiver/in-force"

    public struct Status: Sendable {
        public var document: Document
        /// Nil when the waiver is in force; otherwise why it waives nothing.
        public var problem: String?
        public var expires: String

        public var key: String {
            "\(document.text("policy") ?? "")/\(document.text("rule") ?? "")@\(document.text("subject") ?? "")"
        }
    }

    public var statuses: [Status]

    public init(documents: DocumentSet, requirement: WaiverRequirement, now: Date,
                approvals: (Document) -> [AttributedApproval], policies: [Policy]) {
        let counting = ApprovalsCheck(min: requirement.approvals, roles: requirement.role.map { [$0] })
        let rules = Set(policies.flatMap { policy in policy.rules.map { "\(policy.name)/\($0.id)" } })
        statuses = documents.documents(of: .waiver).map { waiver in
            let expires = waiver.text("expires") ?? ""
            var problem: String?
            let rule = "\(waiver.text("policy") ?? "")/\(waiver.text("rule") ?? "")"
            if !rules.contains(rule) {
                problem = "waiver \(waiver.name) names the rule \(rule), which no policy defines\(DidYouMean.hint(for: rule, among: Array(rules)))"
            } else if !TextFormat.nonBlank.accepts(waiver.text("reason") ?? "") {
                problem = "waiver \(waiver.name) gives no reason (spec.reason is empty): it waives nothing"
            } else if let end = RFC3339.parse(expires), end <= now {
                problem = "waiver \(waiver.name) expired on \(expires): it waives nothing"
            } else {
                let attributed = approvals(waiver)
                let reasons = attributed.compactMap { counting.reason($0) }
                let approved = Set(attributed.filter { counting.reason($0) == nil && $0.decision == .approve }.map(\.approver))
                let rejected = attributed.filter { counting.reason($0) == nil && $0.decision == .reject }.map(\.approver)
                if let rejecter = rejected.first {
                    problem = "waiver \(waiver.name) was rejected by \(rejecter): it waives nothing"
                } else if approved.count < requirement.approvals {
                    let role = requirement.role.map { " as \($0)" } ?? ""
                    let why = reasons.isEmpty ? "" : " (\(reasons.joined(separator: "; ")))"
                    problem = "waiver \(waiver.name) is not approved: it needs \(requirement.approvals) approval\(requirement.approvals == 1 ? "" : "s")\(role), \(approved.count) count\(why); it waives nothing"
                }
            }
            return Status(document: waiver, problem: problem, expires: expires)
        }
    }

    /// The waiver in force for a rule of a subject, if any.
    func inForce(rule: String, subject: Subject) -> Status? {
        statuses.first { $0.problem == nil && $0.key == "\(rule)@\(subject.name ?? "")" }
    }

    /// Waives the findings of rules that a waiver in force covers: their outcome becomes pass,
    /// the findings stay, marked with the waiver.
    func apply(to rules: [RuleEvaluation], subject: Subject) -> [RuleEvaluation] {
        rules.map { rule in
            guard rule.outcome != .pass, let waiver = inForce(rule: rule.ruleID, subject: subject) else { return rule }
            var waived = rule
            waived.findings = rule.findings.map { finding in
                var finding = finding
                finding.waivedBy = "\(waiver.document.name) until \(waiver.expires)"
                return finding
            }
            waived.outcome = .pass
            return waived
        }
    }

    /// Warnings for waivers that are not in force, on the waiver's own file.
    var findings: [Finding] {
        statuses.compactMap { status in
            guard let problem = status.problem else { return nil }
            return Finding(ruleID: Waivers.ruleID, subject: Subject(status.document), severity: .warn,
                           message: problem, location: status.document.spec.value(at: "expires")?.location ?? status.document.nameLocation)
        }
    }
}
