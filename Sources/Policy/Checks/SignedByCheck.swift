import Documents

/// `signedBy: {document: run, role: pipeline}` — the commit that answers for a bound
/// document's content must be signed by a Team member holding `role`: metrics a person typed
/// into a run manifest do not count, only what the training pipeline's key committed.
public struct SignedByCheck: Check {
    public static let keyword = "signedBy"
    public static let summary = """
        The commit that answers for a bound document's content — its last change in the \
        evaluated history, or the merge that brought it in itself — must be signed by a Team \
        member holding `role`. `{document: run, role: pipeline}` separates the pipeline from \
        people: a run manifest whose metrics someone edited and committed by hand blocks, \
        naming the commit, until the pipeline's key commits it again. A change not yet \
        committed (working tree, `--staged`) is pending: it warns, as an approval not yet \
        committed does, and its commit decides. An unsigned commit, a key that is no Team \
        member's, a signer without the role, an unbound document or a check without history \
        blocks (fails closed).
        """
    public static let schema = ObjectSchema([
        FieldSchema("document", .oneOf(["run", "card", "request", "baseline", "teacher", "subject"]),
                    "the bound document whose last change is judged, e.g. run"),
        FieldSchema("role", .text(), "the Team role its signer must hold, e.g. pipeline"),
    ])

    public var document: String
    public var role: String
    public var roleLocation: SourceLocation

    public init?(_ spec: YAMLValue, diagnostics: inout [Diagnostic]) {
        guard let document = spec["document"]?.string, let roleValue = spec["role"], let role = roleValue.string else { return nil }
        self.document = document
        self.role = role
        roleLocation = roleValue.location
    }

    public func evaluate(in context: EvaluationContext) -> CheckOutcome {
        var outcome = CheckOutcome()
        guard let binding = context.bindings[document] else {
            outcome.violations.append(Violation("'\(document)' is not bound for \(context.subject.kind.rawValue) subjects; the rule fails closed",
                                                at: context.subject.nameLocation))
            return outcome
        }
        guard let value = binding.value else {
            outcome.violations.append(Violation("\(binding.missingReason ?? "'\(document)' is not available"); the rule fails closed",
                                                at: binding.missingLocation ?? context.subject.nameLocation))
            return outcome
        }
        let file = value.location.file
        let at = Self.nameLocation(of: value)
        let required = Finding.Note("'\(role)' is required here", at: roleLocation)
        guard let signatures = context.fileSignature else {
            outcome.violations.append(Violation("no history is available to tell who last changed \(file); the rule fails closed",
                                                at: at, notes: [required]))
            return outcome
        }
        let path = "\(document) last change"
        switch signatures(file) {
        case .uncommitted:
            outcome.evidence.append(Evidence(path: path, value: YAMLValue(.string("uncommitted"), at: at), location: at))
            outcome.violations.append(Violation(
                "\(file) has changes that are not committed: the commit that records them must be signed by a member holding '\(role)'",
                at: at, notes: [required], atMost: .warn))
        case .unreadable(let reason):
            outcome.violations.append(Violation("who last changed \(file) cannot be read (\(reason)); the rule fails closed",
                                                at: at, notes: [required]))
        case .committed(let commit, let signer, let roles, let problem):
            let described = "\(commit.short) (\(commit.authorName), \(commit.date))"
            outcome.evidence.append(Evidence(path: path, value: YAMLValue(.string(
                "commit \(described)" + (signer.map { ", signed by \($0)" } ?? "")), at: at), location: at))
            if let problem {
                outcome.violations.append(Violation(
                    "\(file) was last changed in \(described), but \(problem): only a commit signed by a member holding '\(role)' counts",
                    at: at, notes: [required]))
            } else if let signer, !roles.contains(role) {
                outcome.violations.append(Violation(
                    "\(file) was last changed in \(described), signed by \(signer), who does not hold '\(role)': only a commit signed by a member holding '\(role)' counts",
                    at: at, notes: [required]))
            }
        }
        return outcome
    }

    /// Where a document is named (`metadata.name`), or where it starts.
    static func nameLocation(of document: YAMLValue) -> SourceLocation {
        document["metadata"]?["name"]?.location ?? document.location
    }

    public static let examples: [CheckExample] = [
        CheckExample("without history, who changed the run cannot be told: fails closed", check: "{document: run, role: pipeline}",
                     expect: .block, message: "no history is available to tell who last changed"),
        CheckExample("a baseline the request does not name cannot be judged: fails closed", check: "{document: baseline, role: pipeline}",
                     expect: .block, message: "the rule fails closed"),
    ]
}
