import Documents
import GitKit
import Policy

/// Attributes Approval documents to commits (SPEC §3): the commit that last changed the
/// approval's file in the evaluated history, its signature, the freshness of the digest
/// against the current bundle, the approver's roles and independence.
public struct ApprovalAttributor: @unchecked Sendable {
    let provenance: CommitProvenance
    /// The commit whose history is walked: the evaluated commit, or HEAD in working-tree and
    /// staged modes (nil on an unborn branch: everything is pending).
    let head: ObjectID?
    let documents: DocumentSet
    /// Whether a file's content in the evaluated state is what `head` holds (false for
    /// uncommitted changes in working-tree and staged modes).
    let isCommitted: @Sendable (String) -> Bool
    /// The members who will author the uncommitted changes (working-tree and staged modes: the
    /// Team members git's configuration names). Separation of duties holds the approval to the
    /// commit that is about to be made, not only to the history.
    public var uncommittedAuthors: Set<String> = []
    /// The rejections removed in `head`'s history, found once per run.
    let rejections: RejectionHistory?

    /// Why the history of the approvals could not be read, if it could not: a removed
    /// rejection may be hidden, so the caller must not give a verdict (fail closed).
    public var historyError: (any Error)? { rejections?.firstError }

    public init(provenance: CommitProvenance, head: ObjectID?, documents: DocumentSet,
                isCommitted: @escaping @Sendable (String) -> Bool) {
        self.provenance = provenance
        self.head = head
        self.documents = documents
        self.isCommitted = isCommitted
        rejections = head.map { RejectionHistory(repository: provenance.repository, head: $0) }
    }

    var repository: Repository { provenance.repository }
    var team: Team { provenance.team }

    /// The approvals (and rejections) that name `request` (a PromotionRequest or a Waiver),
    /// with what the history proves; then the rejections of it that the history once held and
    /// someone other than their author removed or changed (with `removal` set).
    public func approvals(of request: Document) -> [AttributedApproval] {
        approvals(prepare(request))
    }

    /// What attributing a request's approvals needs of the documents alone: the approvals
    /// that name it and, when there are any, its bundle (digest included). Reads no history,
    /// so it may be computed on any thread, while `approvals(_:)`, which reads the repository,
    /// runs on one at a time.
    public struct Prepared: Sendable {
        let request: Document
        let approvals: [Document]
        /// nil when no approval names the request: its digest is then needed only for a
        /// removed rejection, which is rare (computed then).
        let bundle: Bundle?
    }

    public func prepare(_ request: Document) -> Prepared {
        let approvals = documents.documents(of: .approval, where: "request", is: request.name)
        return Prepared(request: request, approvals: approvals, bundle: approvals.isEmpty ? nil : bundle(of: request))
    }

    /// `approvals(of:)` of a prepared request: reads the history (the repository handle is not
    /// shared between threads: the caller holds its lock).
    public func approvals(_ prepared: Prepared) -> [AttributedApproval] {
        let request = prepared.request
        let current = prepared.bundle.map { bundle in
            prepared.approvals.map { attribute($0, request: request, bundle: bundle) }
        } ?? []
        return current + removedRejections(of: request, bundle: { prepared.bundle ?? self.bundle(of: request) }, current: current)
    }

    struct Bundle: Sendable {
        var files: [String]
        var digest: BundleDigest?
        var run: Document?
    }

    /// The request's bundle (`DocumentGraph`): its files, its digest, its run.
    func bundle(of request: Document) -> Bundle {
        let (members, digest) = documents.bundle(of: request)
        let run = request.kind == .promotionRequest
            ? request.text("run").flatMap { documents.document(.runManifest, named: $0) } : nil
        return Bundle(files: members.map(\.file), digest: digest, run: run)
    }

    /// - Parameter history: the commit whose history attributes the approval (default: `head`,
    ///   for the evaluated state; a commit that held a rejection since removed, for that one).
    func attribute(_ approval: Document, request: Document, bundle: Bundle,
                   history: ObjectID? = nil) -> AttributedApproval {
        let approver = approval.text("approver") ?? ""
        let member = team.member(approver)
        var result = AttributedApproval(
            document: approval, approver: approver, role: approval.text("role") ?? "",
            decision: approval.text("decision") == "reject" ? .reject : .approve,
            commit: nil, signature: .unsigned, authorEmailMatches: false,
            memberRoles: member?.roles, staleness: nil, conflictOfInterest: nil)
        result.currentDigest = bundle.digest?.value

        guard let start = history ?? head, history != nil || isCommitted(approval.file),
              let commitID = try? repository.lastChange(of: approval.file, from: start) else {
            return result  // pending: not in the evaluated commit's history yet
        }
        let facts: CommitFacts
        do {
            facts = try provenance.facts(commitID)
        } catch {
            // Fail closed: a commit we cannot parse proves nobody.
            result.commit = AttributedApproval.Commit(id: commitID.hex, short: commitID.short, authorName: "?",
                                                      authorEmail: "", date: "?")
            result.signature = .notTheApprover("cannot be read as a commit: \(error.localizedDescription)")
            return result
        }
        result.commit = facts.summary
        result.authorEmailMatches = member?.emails.contains(facts.info.author.email.lowercased()) ?? false
        result.signature = signatureState(facts, approver: member)
        result.staleness = staleness(of: approval, approvedIn: commitID, facts: facts, bundle: bundle)
        result.conflictOfInterest = conflict(approver: approver, request: request, bundle: bundle)
        return result
    }

    func signatureState(_ facts: CommitFacts, approver: Team.Member?) -> AttributedApproval.SignatureState {
        switch facts.signature {
        case .unsigned:
            return .unsigned
        case .valid(let key):
            if let approver, approver.keys.contains(where: { $0.wireFormat == key.wireFormat }) {
                return .verified(fingerprint: key.fingerprint)
            }
            let owner = team.member(holding: key).map { "\($0.id)'s" } ?? "another"
            return .notTheApprover("is signed with \(owner) key \(key.fingerprint), not \(approver?.id ?? "the approver")'s")
        case .invalid(let reason):
            if let key = facts.signingKey, team.member(holding: key) == nil {
                return .notTheApprover("is signed with \(key.fingerprint), which is no key of the Team")
            }
            return .notTheApprover("has an invalid signature: \(reason)")
        case .unsupported(let format, let reason):
            return .notTheApprover("has a \(format) signature, which Tollgate does not verify: \(reason)")
        }
    }

    func staleness(of approval: Document, approvedIn commit: ObjectID, facts: CommitFacts, bundle: Bundle) -> String? {
        let named = approval.text("digest") ?? ""
        guard let digest = bundle.digest else {
            return "a document of the request's bundle (its run manifest, model card, baseline or teacher) cannot be found, so its bundle has no digest"
        }
        if named == digest.value { return nil }
        let approver = approval.text("approver") ?? "the approver"
        var changes: [String] = []
        for file in bundle.files {
            if !isCommitted(file) {
                changes.append("\(file) has uncommitted changes")
                continue
            }
            guard let head, let changed = try? repository.lastChange(of: file, from: head),
                  (try? repository.isAncestor(changed, of: commit)) == false,
                  let changeFacts = try? provenance.facts(changed) else { continue }
            changes.append("\(file) changed in \(changeFacts.summary.description)")
        }
        if changes.isEmpty {
            return "\(approver) approved digest \(named.prefix(19))… in \(facts.summary.description), but the bundle's digest is \(digest.value.prefix(19))…"
        }
        return changes.joined(separator: "; ") + " after \(approver) approved in \(facts.info.id.short)"
    }

    func conflict(approver: String, request: Document, bundle: Bundle) -> String? {
        if request.text("requestedBy") == approver {
            return "\(approver) requested the promotion"
        }
        guard let head else { return nil }
        var files = [request.file]
        if let run = bundle.run { files.append(run.file) }
        // Committed or not: an uncommitted change only adds to what the history says, so the
        // latest committed change still counts (a comment in the working tree must not lift
        // separation of duties that `--rev HEAD` applies).
        for file in files where !isCommitted(file) && uncommittedAuthors.contains(approver) {
            return "\(approver) is about to commit the change of \(file) (uncommitted; git's configuration here names \(approver) as its author)"
        }
        for file in files {
            guard let changed = try? repository.lastChange(of: file, from: head),
                  let facts = try? provenance.facts(changed) else { continue }
            if facts.attributedMember?.id == approver {
                return "\(approver) made the latest change of \(file) in \(facts.summary.description)"
            }
        }
        return nil
    }
}
