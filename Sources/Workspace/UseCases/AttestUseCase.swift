import Foundation
import GitKit
import Documents
import Policy
import Provenance

/// `policy attest REQUEST`: the verdict of one promotion request at a commit, as an in-toto
/// Statement v1 in a DSSE envelope signed with an ed25519 key (docs/attestations.md). The
/// request is evaluated by the same check as `policy check --rev REV`; the subjects are the
/// artifacts of its run with the digests read from the repository at that commit.
public struct AttestUseCase: WorkspaceUseCase {
    public let workspace: Workspace

    public init(_ workspace: Workspace) {
        self.workspace = workspace
    }

    /// Where `--record` keeps envelopes: a note of the evaluated commit.
    public static let notesRef = "refs/notes/tollgate-attestations"

    public enum Outcome {
        /// The request passes or warns: the signed envelope.
        case attested(Attestation)
        /// The request blocks: its verdict and the blocking findings; nothing is signed.
        case blocked(request: String, commit: String, findings: [Finding])
    }

    public struct Attestation {
        public var envelope: DSSEEnvelope
        public var statement: String
        public var verdict: Verdict
        public var commit: ObjectID
        /// `name (sha256 …)` of every subject.
        public var subjects: [String]
    }

    /// Evaluates `request` at `revision` and signs the statement of its verdict with `key`.
    /// - Parameter tool: the tool's name and version, as the predicate records them.
    public func run(request name: String, revision: String, key: OpenSSHPrivateKey,
                    tool: (name: String, version: String)) throws -> Outcome {
        let commit = try workspace.resolve(revision)
        // The commit resolved once: a branch that moves between two resolutions must not give
        // the verdict of one commit and the name of another.
        let evaluation = try CheckUseCase(workspace).evaluate(CheckOptions(mode: .revision(commit.hex), keepsLocalStores: false))
        let set = evaluation.set
        guard let request = set.document(.promotionRequest, named: name) else {
            throw WorkspaceError.unknownDocument(.promotionRequest, name,
                                                 candidates: set.documents(of: .promotionRequest).map(\.name))
        }
        // A name defined twice has no single verdict: `check` blocks the later definition
        // (document/duplicate-name) while the first may pass.
        let duplicates = set.duplicates(of: request)
        guard duplicates.isEmpty else {
            let files = ([request] + duplicates).map { "\($0.file):\($0.nameLocation.line)" }.joined(separator: ", ")
            throw WorkspaceError.refused("PromotionRequest '\(name)' is defined twice (\(files)): a name that names two documents has no single verdict to attest; rename or remove one")
        }
        guard let result = evaluation.run.report.subjects.first(where: {
            $0.subject.kind == .promotionRequest && $0.subject.name == name && $0.subject.file == request.file
        }) else {
            throw WorkspaceError.refused("\(name) is not a subject of the check at \(revision): no policy matches it, so there is no verdict to attest")
        }
        if let lifecycle = result.lifecycle, !lifecycle.isGated {
            throw WorkspaceError.refused("\(name) states a decision (spec.status \(request.text("status") ?? "decided")): it is reported, not gated, so there is no verdict to attest")
        }
        if result.verdict == .block {
            return .blocked(request: name, commit: commit.hex, findings: result.findings.filter { $0.isActive && $0.severity == .block })
        }
        let subjects = try self.subjects(of: request, in: set, facts: evaluation.facts, revision: revision)
        let (bundle, _) = DocumentGraph.bundle(of: request, in: set)
        let info = try git { try repository.commit(commit) }
        let approvals = evaluation.run.approvals[name] ?? []
        let predicate: [String: AttestationJSON] = [
            "verdict": .string(result.verdict.rawValue),
            "request": .object([
                "name": .string(name), "file": .string(request.file),
                "model": .string(request.text("model") ?? ""), "version": .string(request.text("version") ?? ""),
                "from": .string(request.text("from") ?? ""), "to": .string(request.text("to") ?? ""),
            ]),
            "revision": .object([
                "commit": .string(commit.hex), "tree": .string(info.tree.hex),
                "committedAt": .string(RFC3339.format(info.committer.time)),
            ]),
            "bundleDigest": .string(BundleDigest(documents: bundle).value),
            "rules": .array(result.rules.map { rule in
                var entry: [String: AttestationJSON] = ["id": .string(rule.ruleID), "outcome": .string(rule.outcome.rawValue)]
                if let reason = rule.notApplicable { entry["notApplicable"] = .string(reason) }
                // A rule that passes only because a waiver waives its findings says so.
                if let waiver = rule.findings.lazy.compactMap(\.waivedBy).first { entry["waivedBy"] = .string(waiver) }
                return .object(entry)
            }),
            "policies": .array(evaluation.policies.map { policy in
                .object(["name": .string(policy.name), "file": .string(policy.file),
                         "blob": .string(evaluation.states.trusted.blobID(policy.file)?.hex ?? "")])
            }),
            "approvals": .array(approvals.map(Self.approval)),
            "tool": .object(["name": .string(tool.name), "version": .string(tool.version)]),
        ]
        let statement = AttestationJSON.object([
            "_type": .string(AttestationVerifier.statementType),
            "subject": .array(subjects.map { subject in
                .object(["name": .string(subject.path), "digest": .object([subject.algorithm: .string(subject.digest)])])
            }),
            "predicateType": .string(AttestationVerifier.predicateType),
            "predicate": .object(predicate),
        ]).canonical
        let envelope: DSSEEnvelope
        do {
            envelope = try DSSEEnvelope.signed(Array(statement.utf8), type: DSSEEnvelope.inTotoPayloadType, with: key)
        } catch {
            throw WorkspaceError.refused("the statement cannot be signed: \(error)")
        }
        return .attested(Attestation(envelope: envelope, statement: statement, verdict: result.verdict, commit: commit,
                                     subjects: subjects.map { "\($0.path) (\($0.algorithm) \($0.digest))" }))
    }

    /// Stores an envelope as the note of `commit` under `refs/notes/tollgate-attestations`.
    public func record(_ envelope: DSSEEnvelope, for commit: ObjectID) throws {
        try git { try repository.setNote(Self.notesRef, for: commit, message: envelope.json,
                                     log: "notes: Notes added by 'policy attest --record'") }
    }

    /// What an approval of the predicate says: who, as what, in which commit, with which key,
    /// and whether it counts (committed, signed by the approver's key, fresh, independent, an
    /// approval by a member holding the role; a rule may still ask for more or fewer).
    static func approval(_ approval: AttributedApproval) -> AttestationJSON {
        var fingerprint: String?
        if case .verified(let key) = approval.signature { fingerprint = key }
        let counts = approval.decision == .approve && approval.commit != nil && fingerprint != nil
            && approval.staleness == nil && approval.conflictOfInterest == nil && approval.removal == nil
            && (approval.memberRoles?.contains(approval.role) ?? false)
        var entry: [String: AttestationJSON] = [
            "approver": .string(approval.approver), "role": .string(approval.role),
            "decision": .string(approval.decision.rawValue), "counts": .bool(counts),
        ]
        if let commit = approval.commit { entry["commit"] = .string(commit.id) }
        if let fingerprint { entry["signingKey"] = .string(fingerprint) }
        return .object(entry)
    }

    struct SubjectDigest {
        var path: String
        var algorithm: String
        var digest: String
    }

    /// Every artifact of the request's run with the digest the repository holds at the
    /// revision (the file's SHA-256, the LFS pointer's oid, the DVC pointer's md5), each
    /// compared with what the run manifest records: the attestation names only digests
    /// Tollgate verified.
    func subjects(of request: Document, in set: DocumentSet, facts: GitRepositoryFacts, revision: String) throws -> [SubjectDigest] {
        guard let runName = request.text("run"), let run = set.document(.runManifest, named: runName) else {
            throw WorkspaceError.refused("the run of \(request.name) cannot be read at \(revision)")
        }
        let artifacts = run.spec["artifacts"]?.list ?? []
        guard !artifacts.isEmpty else {
            throw WorkspaceError.refused("\(run.file) lists no artifacts: an attestation needs at least one subject")
        }
        var subjects: [SubjectDigest] = []
        for artifact in artifacts {
            guard let path = artifact["path"]?.string else { continue }
            let claimedSHA = artifact["sha256"]?.string?.lowercased()
            let claimedMD5 = artifact["md5"]?.string?.lowercased()
            let at = "\(path) (\(run.file):\((artifact["path"] ?? artifact).location.line))"
            switch facts.file(at: path) {
            case .missing:
                throw WorkspaceError.refused("artifact \(at) is not in the repository at \(revision): Tollgate attests only digests it verified")
            case .unreadablePointer(let reason, let location):
                throw WorkspaceError.refused("artifact \(at) cannot be verified: \(reason) (\(location))")
            case .content(let sha256, _), .lfsPointer(let sha256, _):
                guard let claimedSHA else {
                    throw WorkspaceError.refused("artifact \(at) records no sha256 to compare with the repository's (\(sha256))")
                }
                guard claimedSHA == sha256.lowercased() else {
                    throw WorkspaceError.refused("artifact \(at) records sha256 \(claimedSHA), but the repository holds \(sha256.lowercased()) at \(revision)")
                }
                subjects.append(SubjectDigest(path: path, algorithm: "sha256", digest: sha256.lowercased()))
            case .dvcPointer(let output):
                guard !output.isDirectory else {
                    throw WorkspaceError.refused("artifact \(at) is a directory tracked by DVC (\(output.pointer)): attest the files it holds")
                }
                guard let claimedMD5 else {
                    throw WorkspaceError.refused("artifact \(at) is tracked by DVC (\(output.pointer), md5 \(output.md5)) but the run records no md5 to compare with it")
                }
                guard claimedMD5 == output.md5 else {
                    throw WorkspaceError.refused("artifact \(at) records md5 \(claimedMD5), but its DVC pointer \(output.pointer) records \(output.md5)")
                }
                subjects.append(SubjectDigest(path: path, algorithm: "md5", digest: output.md5))
            }
        }
        return subjects
    }
}
