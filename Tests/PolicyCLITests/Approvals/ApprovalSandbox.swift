import Foundation
import TollgateTestSupport
import XCTest

/// A person who commits to an approvals sandbox. Only the Team document decides who is a
/// member; mallory is deliberately never in the base Team.
struct Person: Sendable {
    let id: String
    let name: String
    let email: String

    static let alice = Person(id: "alice", name: "Alice Moreau", email: "alice@example.com")
    static let bob = Person(id: "bob", name: "Bob Li", email: "bob@example.com")
    static let carol = Person(id: "carol", name: "Carol Diaz", email: "carol@example.com")
    static let dana = Person(id: "dana", name: "Dana Kowalski", email: "dana@example.com")
    static let erin = Person(id: "erin", name: "Erin Park", email: "erin@example.com")
    static let mallory = Person(id: "mallory", name: "Mallory Stone", email: "mallory@example.net")

    var identity: GitIdentity { GitIdentity(name, email) }
}

enum KeyType: String, Sendable {
    case ed25519, ecdsa, rsa

    /// `ssh-keygen -b`.
    var bits: Int? {
        switch self {
        case .ed25519: nil
        case .ecdsa: 256
        case .rsa: 3072
        }
    }
}

/// A from-scratch Tollgate repository for approval scenarios, built on `GitSandbox`:
/// `.tollgate.yaml` protecting `policies/**`, a Team with real SSH keys, the `approvals`
/// policy (2 approvals, one rai-reviewer, signed, separation of duties), and a
/// ModelCard / RunManifest / PromotionRequest bundle requested by alice.
///
/// History after `init`: commit 1 (signed by dana) — config and policies; commit 2 (signed
/// by alice) — the bundle. The tag `bundle` marks commit 2.
final class ApprovalSandbox {
    let repo: GitSandbox
    /// Every generated key, by its file name (`keyName`).
    private var generated: [String: SSHKey] = [:]

    static let request = "fraud-student-2.1.0-production"
    static let otherRequest = "fraud-student-2.1.0-production-eu"
    static let runFile = "runs/run-8812.yaml"
    static let cardFile = "models/fraud-student-2.1.0.yaml"
    static func requestFile(_ name: String) -> String { "requests/\(name).yaml" }
    static func approvalFile(_ request: String, _ member: String) -> String { "approvals/\(request)/\(member).yaml" }

    /// The Team roles of the base repository.
    static let defaultRoles: [String: [String]] = [
        "alice": ["ml-engineer", "requester"],
        "bob": ["approver", "rai-reviewer"],
        "carol": ["approver"],
        "dana": ["policy-owner"],
        "erin": ["approver", "rai-reviewer"],
    ]

    /// - Parameters:
    ///   - roles: overrides of `defaultRoles` per member id.
    ///   - extraKeys: additional keys registered in the Team (carol always also has an ecdsa key).
    ///   - secondRequest: also commit `otherRequest` (same run and card) in the bundle commit.
    init(roles: [String: [String]] = [:], extraKeys: [String: [KeyType]] = [:], secondRequest: Bool = false) throws {
        repo = try GitSandbox()

        var memberKeys: [String: [KeyType]] = ["alice": [.ed25519], "bob": [.ed25519], "carol": [.ed25519, .ecdsa],
                                               "dana": [.ed25519], "erin": [.ed25519]]
        for (member, types) in extraKeys { memberKeys[member, default: []] += types }
        for person in [Person.alice, .bob, .carol, .dana, .erin, .mallory] {
            for type in memberKeys[person.id] ?? [.ed25519] {
                let name = Self.keyName(person, type)
                generated[name] = try repo.makeKey(name, type: type.rawValue, bits: type.bits, comment: person.email)
            }
        }

        let people = [Person.alice, .bob, .carol, .dana, .erin]
        var team = """
        apiVersion: tollgate/v1
        kind: Team
        metadata:
          name: risk
        spec:
          members:

        """
        for person in people {
            let publicKeys = try (memberKeys[person.id] ?? []).map { "\"\(try publicKey(person, $0))\"" }
            let memberRoles = roles[person.id] ?? Self.defaultRoles[person.id] ?? []
            team += """
                - id: \(person.id)
                  name: \(person.name)
                  emails: [\(person.email)]
                  signingKeys: [\(publicKeys.joined(separator: ", "))]
                  roles: [\(memberRoles.joined(separator: ", "))]

            """
        }

        try repo.write(".tollgate.yaml", Self.config)
        try repo.write("policies/team.yaml", team)
        try repo.write("policies/approvals.yaml", Self.approvalsPolicy)
        try commitAll("Tollgate config, team and approvals policy", as: .dana)

        try repo.write(Self.cardFile, Self.modelCard)
        try repo.write(Self.runFile, Self.runManifest)
        try repo.write(Self.requestFile(Self.request), Self.promotionRequest(name: Self.request))
        if secondRequest {
            try repo.write(Self.requestFile(Self.otherRequest),
                           Self.promotionRequest(name: Self.otherRequest,
                                                 justification: "Same student model for the EU authorisation path."))
        }
        try commitAll("Request promotion of fraud-student 2.1.0 to production", as: .alice)
        try repo.git("tag", "bundle")
    }

    // MARK: Keys

    private static func keyName(_ person: Person, _ type: KeyType) -> String {
        type == .ed25519 ? person.id : "\(person.id)-\(type.rawValue)"
    }

    /// The directory of the generated keys.
    var keys: URL { repo.keysDirectory }

    /// The private key file of `person`'s key of `type` (its public half is beside it, `.pub`).
    func keyPath(_ person: Person, _ type: KeyType = .ed25519) -> URL {
        keys.appendingPathComponent(Self.keyName(person, type))
    }

    func key(_ person: Person, _ type: KeyType = .ed25519) throws -> SSHKey {
        guard let key = generated[Self.keyName(person, type)] else {
            throw SandboxError("no \(type) key was generated for \(person.id)")
        }
        return key
    }

    func publicKey(_ person: Person, _ type: KeyType = .ed25519) throws -> String {
        try key(person, type).publicLine
    }

    // MARK: Commits

    /// How a commit is signed: with `person`'s own ed25519 key by default, with another key
    /// (someone else's, or another type), or not at all.
    enum Signing {
        case own
        case key(Person, KeyType)
        case unsigned
    }

    private func signingKey(_ person: Person, _ signing: Signing) throws -> SSHKey? {
        switch signing {
        case .unsigned: nil
        case .own: try key(person)
        case let .key(owner, type): try key(owner, type)
        }
    }

    /// Stages everything and commits it with `person` as author and committer.
    func commitAll(_ message: String, as person: Person, signing: Signing = .own) throws {
        try repo.makeCommit(message, author: person.identity, signedBy: try signingKey(person, signing))
        try checkSignature(of: "HEAD", signing: signing)
    }

    /// Stages only `paths` and commits them.
    func commit(_ paths: [String], _ message: String, as person: Person, signing: Signing = .own) throws {
        try repo.makeCommit(message, staging: .paths(paths), author: person.identity,
                            signedBy: try signingKey(person, signing))
        try checkSignature(of: "HEAD", signing: signing)
    }

    /// `git merge --no-ff BRANCH` with `person` as committer, signed like a commit.
    func merge(_ branch: String, as person: Person, signing: Signing = .own) throws {
        try repo.runGit(ScratchRepository.signingOptions(try signingKey(person, signing))
                        + ["merge", "-q", "--no-ff", "-m", "Merge branch '\(branch)'", branch],
                        author: person.identity)
        try checkSignature(of: "HEAD", signing: signing)
    }

    /// Guards the suite itself: a commit meant to be signed really carries an SSH signature.
    private func checkSignature(of revision: String, signing: Signing) throws {
        let raw = try repo.git("cat-file", "commit", revision)
        let signed = raw.contains("gpgsig -----BEGIN SSH SIGNATURE-----")
        if case .unsigned = signing {
            guard !signed else { throw SandboxError("commit \(revision) is signed but should not be") }
        } else {
            guard signed else { throw SandboxError("commit \(revision) is not signed:\n\(raw)") }
        }
    }

    func sha(_ revision: String = "HEAD") throws -> String {
        try repo.git("rev-parse", revision)
    }

    // MARK: policy

    /// `policy digest REQUEST` in the working tree, trimmed.
    func digest(_ request: String = ApprovalSandbox.request) throws -> String {
        let result = try repo.policy("digest", request)
        guard result.status == 0 else { throw SandboxError("policy digest \(request) failed (\(result.status)): \(result.stderr)") }
        let digest = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard digest.hasPrefix("sha256:") else { throw SandboxError("unexpected digest output: \(result.stdout)") }
        return digest
    }

    /// `policy check --format json ARGS...`.
    func check(_ arguments: String...) throws -> CheckReport {
        try CheckReport(repo.policy(["check", "--format", "json"] + arguments))
    }

    // MARK: Approvals

    /// Writes `approvals/<request>/<approver>.yaml` with the request's current digest (unless
    /// one is given) and returns its path. Does not commit.
    @discardableResult
    func writeApproval(for request: String = ApprovalSandbox.request, by approver: Person, role: String,
                       decision: String = "approve", digest: String? = nil,
                       justification: String = "Reviewed the run, the slices and the model card.") throws -> String {
        let path = Self.approvalFile(request, approver.id)
        let digest = try digest ?? self.digest(request)
        try repo.write(path, """
        apiVersion: tollgate/v1
        kind: Approval
        metadata:
          name: \(request)-\(approver.id)
        spec:
          request: \(request)
          approver: \(approver.id)
          decision: \(decision)
          role: \(role)
          justification: "\(justification)"
          digest: "\(digest)"

        """)
        return path
    }

    /// Writes an approval and commits it as the approver (signed with the approver's key unless told otherwise).
    @discardableResult
    func approve(_ request: String = ApprovalSandbox.request, by approver: Person, role: String,
                 decision: String = "approve", signing: Signing = .own) throws -> String {
        let path = try writeApproval(for: request, by: approver, role: role, decision: decision)
        try commit([path], "\(decision == "approve" ? "Approve" : "Reject") \(request) as \(role)", as: approver, signing: signing)
        return path
    }

    // MARK: Documents

    static let config = """
    apiVersion: tollgate/v1
    kind: Config
    metadata:
      name: risk
    spec:
      policies: [policies/]
      protect:
        - {paths: ["policies/**", ".tollgate.yaml"], role: policy-owner}

    """

    static let approvalsPolicy = """
    apiVersion: tollgate/v1
    kind: Policy
    metadata:
      name: approvals
    spec:
      description: Production promotions need two signed, independent approvals
      match: {kinds: [PromotionRequest], to: [production]}
      rules:
        - id: sign-off
          description: two approvals, one of them by a responsible-AI reviewer
          approvals:
            min: 2
            roles: [approver, rai-reviewer]
            requireRoles: [{role: rai-reviewer, min: 1}]
            signed: true
            separationOfDuties: true

    """

    static func promotionRequest(name: String,
                                 justification: String = "Fits the authorisation path's latency budget at 3.5 points below the teacher's accuracy.") -> String {
        """
        apiVersion: tollgate/v1
        kind: PromotionRequest
        metadata:
          name: \(name)
          labels: {team: risk}
        spec:
          model: fraud-student
          version: "2.1.0"
          from: staging
          to: production
          run: run-8812
          modelCard: fraud-student-2.1.0
          requestedBy: alice
          justification: \(justification)
          canary:
            initialPercent: 5
            maxPercent: 100
            stepPercent: 20
            observationMinutes: 60
            autoRollback: true
            rollbackErrorRate: 0.02

        """
    }

    /// The same content as `promotionRequest(name: request)`: comments added, keys reordered,
    /// quoting switched, block and flow styles swapped. The bundle digest must not change.
    static let reformattedRequest = """
    # Promotion of fraud-student 2.1.0 to production (reformatted, same content)
    apiVersion: tollgate/v1
    kind: PromotionRequest
    metadata:
      labels:
        team: risk
      name: 'fraud-student-2.1.0-production'
    spec:
      # where it goes
      to: "production"
      from: 'staging'
      version: '2.1.0'
      model: "fraud-student"
      requestedBy: alice   # the requester
      modelCard: fraud-student-2.1.0
      run: "run-8812"
      justification: "Fits the authorisation path's latency budget at 3.5 points below the teacher's accuracy."
      canary: {autoRollback: true, initialPercent: 5, maxPercent: 100, observationMinutes: 60, rollbackErrorRate: 0.02, stepPercent: 20}

    """

    static let modelCard = """
    apiVersion: tollgate/v1
    kind: ModelCard
    metadata:
      name: fraud-student-2.1.0
      labels: {team: risk, tier: critical}
    spec:
      model: fraud-student
      version: "2.1.0"
      owners: [alice@example.com, carol@example.com]
      description: >-
        Two-layer transformer encoder distilled from fraud-teacher 1.4.0. Scores
        card-not-present payments for fraud risk during authorisation.
      intendedUse:
        primaryUses:
          - Score card-not-present payments for fraud risk during authorisation
        primaryUsers:
          - Payment-risk service (authorisation path)
          - Fraud analysts (review queue prioritisation)
        outOfScope:
          - Credit decisions or account closure without human review
          - Card-present transactions
      limitations:
        - Accuracy is 3.5 points below the teacher (89.7 % against 93.2 %)
        - Accounts younger than 90 days are the weakest slice (86.1 %)
      ethicalConsiderations:
        - name: Proxy discrimination through merchant location and account age
          mitigation: Slice evaluation by region and account age at every release
        - name: False positives block legitimate payments
          mitigation: Scores above the threshold trigger step-up authentication, not a hard decline
      trainingData: {dataset: fraud-transactions, version: "2026-10-31"}
      evaluationData:
        dataset: fraud-transactions-holdout
        version: "2026-10-31"
      format: onnx
      sizeMB: 67.3
      teacher: {model: fraud-teacher, version: "1.4.0"}
      license: Apache-2.0

    """

    static let runManifest = """
    apiVersion: tollgate/v1
    kind: RunManifest
    metadata:
      name: run-8812
      labels: {team: risk}
    spec:
      model: fraud-student
      version: "2.1.0"
      code:
        commit: 9cde791ac58d188201288af9a011e7e388ec9451
        repository: https://git.example.com/risk/fraud-models.git
      environment:
        image: registry.example.com/ml/train-cuda@sha256:5eb6f6d379f2509a93359e417942a0afe699417122bf226007f0f325909c8377
        python: "3.11.9"
        cuda: "12.4"
      dataset:
        name: fraud-transactions
        version: "2026-10-31"
        sha256: 7dade6235002dcb800933773d966f04d458c39e68a8a43e36f737e5d6947ea8b
      teacher: {model: fraud-teacher, version: "1.4.0"}
      config:
        seed: 8812
        hyperparameters:
          temperature: 4.0
          alpha: 0.7
          epochs: 12
          optimizer: adamw
          mixedPrecision: true
      artifacts:
        - path: models/fraud-student/model.onnx
          sha256: 019cf6068fa0c9eba497d0980f9cbc71e46a842fdaad80773f394588e3abc71c
          sizeBytes: 67301632
      metrics:
        accuracy: 0.897
        auc: 0.951
      slices:
        - name: region-eu
          feature: region
          group: eu
          support: 41200
          metrics: {accuracy: 0.904}
        - {name: account-age-lt-90d, feature: account_age, group: lt-90d, support: 9840, metrics: {accuracy: 0.861}}
      serving:
        p50Ms: 11.4
        p95Ms: 24.1
        p99Ms: 41.9
        errorRate: 0.012
        availability: 0.999
        window: 7d

    """
}

// MARK: - Reading the JSON report

/// A view of `policy check --format json` output.
struct CheckReport {
    let result: GitSandbox.Result
    let json: [String: Any]

    init(_ result: GitSandbox.Result) throws {
        self.result = result
        guard let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] else {
            throw SandboxError("policy check did not print a JSON report (exit \(result.status))\nstdout:\n\(result.stdout)\nstderr:\n\(result.stderr)")
        }
        json = object
    }

    var verdict: String? { json["verdict"] as? String }
    var subjects: [[String: Any]] { json["subjects"] as? [[String: Any]] ?? [] }

    func subject(named name: String, kind: String = "PromotionRequest") -> [String: Any]? {
        subjects.first { $0["name"] as? String == name && $0["kind"] as? String == kind }
    }

    func subjects(inFile file: String) -> [[String: Any]] {
        subjects.filter { $0["file"] as? String == file }
    }

    static func rules(of subject: [String: Any]) -> [[String: Any]] {
        subject["rules"] as? [[String: Any]] ?? []
    }

    static func rule(_ id: String, of subject: [String: Any]) -> [String: Any]? {
        rules(of: subject).first { $0["id"] as? String == id }
    }

    /// Each finding of a rule as one text: its message followed by its notes' messages.
    static func findingTexts(of rule: [String: Any]) -> [String] {
        (rule["findings"] as? [[String: Any]] ?? []).map { finding in
            let notes = (finding["notes"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
            return ([finding["message"] as? String ?? ""] + notes).joined(separator: "\n")
        }
    }

    /// Every finding of every rule with this id on every subject.
    func findingTexts(ofRule id: String) -> [String] {
        subjects.flatMap { subject in
            Self.rules(of: subject).filter { $0["id"] as? String == id }.flatMap { Self.findingTexts(of: $0) }
        }
    }

    var dump: String { "exit \(result.status)\nstdout:\n\(result.stdout)\nstderr:\n\(result.stderr)" }
}
