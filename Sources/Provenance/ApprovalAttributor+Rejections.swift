import Documents
import GitKit
import Policy

extension ApprovalAttributor {
    /// The directory under which `policy approve` writes approvals.
    static let approvalsRoot = "approvals"

    /// Where `policy approve` writes the approvals of a request: `approvals/<request>`.
    public static func approvalDirectory(of request: String) -> String {
        approvalsRoot + "/" + request
    }

    /// The requests whose approvals directory (`approvals/<request>/`) holds one of `paths`: a
    /// change there (a deleted rejection included, which no document of the evaluated state
    /// names) concerns the request. One pass over the paths, whatever the number of subjects.
    public static func requests(withApprovalPathsIn paths: some Sequence<String>) -> Set<String> {
        var requests: Set<String> = []
        for path in paths {
            let parts = path.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
            if parts.count == 3, parts[0] == approvalsRoot, !parts[1].isEmpty { requests.insert(String(parts[1])) }
        }
        return requests
    }

    /// The rejections of `request` that the history of `head` once held and that someone other
    /// than their author removed or changed (SPEC §3: a reject stands until its own author
    /// withdraws it by a signed commit, or the bundle changes). Each is the rejection as it
    /// was, attributed in the commit that held it, with `removal` saying who removed it where.
    ///
    /// Looked for under `approvals/` (where `policy approve` writes; one walk per run) and in
    /// the directory of every approval of the request now. Not reported: a removal by a commit
    /// signed with the author's key (a withdrawal), and a removal after which the author has
    /// spoken again (a signed commit of theirs on an approval of the request, descending from
    /// the removal). In working-tree and staged modes a rejection that `HEAD` holds and the
    /// evaluated state changes or deletes stands too: uncommitted changes only make a verdict
    /// stricter.
    /// - Parameter bundle: the request's bundle, asked only when a removed rejection is attributed.
    func removedRejections(of request: Document, bundle makeBundle: () -> Bundle, current: [AttributedApproval]) -> [AttributedApproval] {
        guard let head, let rejections else { return [] }
        var made: Bundle?
        func bundle() -> Bundle {
            if let made { return made }
            let bundle = makeBundle()
            made = bundle
            return bundle
        }
        var directories: Set<String> = [ApprovalAttributor.approvalDirectory(of: request.name)]
        for approval in current {
            let file = approval.document.file
            directories.insert(file.lastIndex(of: "/").map { String(file[..<$0]) } ?? file)
        }
        // One walk of `approvals/` serves every request of the run; other directories that
        // hold an approval of this request now are walked themselves.
        let root = ApprovalAttributor.approvalsRoot
        let walked = Set([root] + directories.filter { $0 != root && !$0.hasPrefix(root + "/") })
        var removals: [RejectionHistory.Removal] = []
        for directory in walked.sorted() {
            // A history that cannot be read is reported where the approvals are attributed
            // (they stay pending); a rejection found before the failure still stands.
            do {
                removals += try rejections.removals(under: directory).filter { $0.rejection.text("request") == request.name }
            } catch {
                rejections.failed(error)
            }
        }

        // The signed word of each member on this request's approvals, by commit: a later one
        // (descending from a removal) supersedes a rejection someone else removed.
        var signedWords: [String: [ObjectID]] = [:]
        for approval in current {
            if case .verified = approval.signature, let commit = approval.commit.flatMap({ ObjectID(hex: $0.id) }) {
                signedWords[approval.approver, default: []].append(commit)
            }
        }
        var judged: [(removal: RejectionHistory.Removal, facts: CommitFacts?, signature: AttributedApproval.SignatureState)] = []
        for removal in removals {
            let member = team.member(removal.rejection.text("approver") ?? "")
            let facts = try? provenance.facts(removal.remover)
            let signature = facts.map { signatureState($0, approver: member) }
                ?? .notTheApprover("cannot be read as a commit")
            if case .verified = signature, let member {
                signedWords[member.id, default: []].append(removal.remover)
            }
            judged.append((removal, facts, signature))
        }

        var result: [AttributedApproval] = []
        for (removal, facts, signature) in judged {
            if case .verified = signature { continue }  // the author's own withdrawal
            let approver = removal.rejection.text("approver") ?? ""
            let later = signedWords[approver, default: []].contains { word in
                word != removal.remover && ((try? repository.isAncestor(removal.remover, of: word)) ?? false)
            }
            if later { continue }
            var attributed = attribute(removal.rejection, request: request, bundle: bundle(), history: removal.heldIn)
            guard attributed.commit != nil else { continue }
            let member = team.member(approver)
            attributed.removal = AttributedApproval.Removal(
                commit: facts?.summary ?? AttributedApproval.Commit(id: removal.remover.hex, short: removal.remover.short,
                                                                    authorName: "?", authorEmail: "", date: "?"),
                signature: signature,
                authorEmailMatches: facts.map { member?.emails.contains($0.info.author.email.lowercased()) ?? false } ?? false,
                change: change(removal),
                file: removal.rejection.file)
            result.append(attributed)
        }
        result += uncommittedRemovals(of: request, bundle: bundle, head: head, directories: directories)
        return result
    }

    /// What a removal did to the file, in words.
    private func change(_ removal: RejectionHistory.Removal) -> String {
        let approver = removal.rejection.text("approver") ?? ""
        if let replacement = removal.replacement {
            let decision = replacement.text("decision") == "reject" ? "a rejection" : "an approval"
            if replacement.text("request") != removal.rejection.text("request") {
                return "rewritten as \(decision) of \(replacement.text("request") ?? "another request")"
            }
            return replacement.text("approver") == approver ? "changed to \(decision)" : "replaced by \(decision) of \(replacement.text("approver") ?? "someone else")"
        }
        let exists = (try? repository.blobID(atPath: removal.rejection.file, inCommit: removal.remover)) != nil
        return exists ? "rewritten" : "deleted"
    }

    /// Rejections `head` holds whose file the evaluated state (working tree or index) changes or deletes.
    private func uncommittedRemovals(of request: Document, bundle: () -> Bundle, head: ObjectID,
                                     directories: Set<String>) -> [AttributedApproval] {
        guard let rejections else { return [] }
        var result: [AttributedApproval] = []
        for directory in directories.sorted() {
            guard let entry = try? repository.entryID(atPath: directory, inCommit: head) else { continue }
            let files: [(path: String, blob: ObjectID)]
            if let tree = try? repository.files(inTree: entry) {
                files = tree.map { (directory + "/" + $0.path, $0.oid) }
            } else {
                files = [(directory, entry)]
            }
            for file in files where !isCommitted(file.path) {
                guard let rejection = try? rejections.rejection(file.blob, path: file.path),
                      rejection.text("request") == request.name else { continue }
                var attributed = attribute(rejection, request: request, bundle: bundle(), history: head)
                guard attributed.commit != nil else { continue }
                let deleted = !documents.documents.contains { $0.file == file.path }
                attributed.removal = AttributedApproval.Removal(
                    commit: nil, signature: .unsigned, authorEmailMatches: false,
                    change: deleted ? "deleted, not committed" : "changed, not committed", file: file.path)
                result.append(attributed)
            }
        }
        return result
    }
}

extension ApprovalAttributor {
    /// Asks, in one walk of the history, every history question that attributing the
    /// approvals of `requests` will ask one by one (SPEC §3): the last change of each committed
    /// approval file, of each request's file and its run's (separation of duties), of the
    /// bundle's files when an approval names another digest (staleness), and the successive
    /// changes of `approvals/` (removed rejections). The answers are remembered by the
    /// repository, so the questions the rules then ask are answered without walking; a question
    /// missed here is still answered, by a walk of its own.
    public func askHistory(for requests: [Document]) {
        guard let head, !requests.isEmpty else { return }
        var questions: Set<Repository.PathQuestion> = []
        func lastChange(_ file: String) {
            guard isCommitted(file), (try? repository.blobID(atPath: file, inCommit: head)) != nil else { return }
            questions.insert(Repository.PathQuestion(path: file, from: head))
        }
        for request in requests {
            lastChange(request.file)
            if request.kind == .promotionRequest, let run = request.text("run").flatMap({ documents.document(.runManifest, named: $0) }) {
                lastChange(run.file)
            }
            let approvals = documents.documents(of: .approval, where: "request", is: request.name)
            guard !approvals.isEmpty else { continue }
            approvals.forEach { lastChange($0.file) }
            // The bundle's digest only where approvals can be stale (it is computed again when
            // they are attributed; a full check has thousands of requests).
            let bundle = self.bundle(of: request)
            if approvals.contains(where: { $0.text("digest") != bundle.digest?.value }) {
                bundle.files.forEach(lastChange)
            }
        }
        if rejections != nil {
            questions.insert(Repository.PathQuestion(path: ApprovalAttributor.approvalsRoot, from: head,
                                                     limit: RejectionHistory.maxChanges))
        }
        // A history that cannot be read fails where each question is asked again.
        _ = try? repository.accountableChanges(for: Array(questions))
    }
}
