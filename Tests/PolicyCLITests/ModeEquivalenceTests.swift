import Foundation
import XCTest

/// Issue 12, acceptance: the mode-equivalence property. For generated mutations of every
/// subject document of the demo and the gallery (a value changed, a field removed, the file
/// deleted, renamed, duplicated, a key misspelt, the file made unreadable, an approval added or
/// withdrawn), staged with `git add -A`:
///
/// - `check --staged` gives byte for byte the same report (and exit code) with the stores a
///   staged check with nothing staged left just before the change (stale: the sequence of the
///   pre-commit false BLOCK, from no stores or from the previous case's), with no stores
///   (cold), with the stores it just wrote (warm), with damaged stores, and with `--no-cache`;
/// - `check --staged --all` gives the same report with stores as without;
/// - `check --rev HEAD` of the commit made from that index gives the verdict and the findings
///   of `check --staged --all`, except where the docs say the index is judged differently
///   (see `normalised`): the rules of the `approvals` check warn at most under `--staged`
///   (docs/architecture.md, "Decisions where the spec is silent") and an approval not yet
///   committed is pending (docs/spec.md §3, item 5); a request whose decision the change
///   records is gated under `--staged` and taken at its word by `--rev` (docs/architecture.md,
///   same section). The commit is signed by a member chosen by the seed, who is also the
///   repository's configured user: an uncommitted change may only make a verdict stricter
///   than its commit (issue 12, working-tree separation of duties).
///
/// The mutations come from a fixed seed (`TOLLGATE_EQUIVALENCE_SEED` overrides it) and are
/// reproducible; `TOLLGATE_EQUIVALENCE_CASES` sets the number of cases per repository (every
/// (document, kind) pair is reached at documents × kinds cases). A failure names the case, the
/// document, the mutation, the seed and shows a diff of the two outputs.
final class ModeEquivalenceTests: XCTestCase {
    static let defaultSeed: UInt64 = 0x7011_6a7e_0012_0001

    var seed: UInt64 {
        let text = ProcessInfo.processInfo.environment["TOLLGATE_EQUIVALENCE_SEED"] ?? ""
        return UInt64(text, radix: 16) ?? UInt64(text) ?? Self.defaultSeed
    }

    /// Cases per repository: `TOLLGATE_EQUIVALENCE_CASES` or the default of the repository.
    func cases(default count: Int) -> Int {
        Int(ProcessInfo.processInfo.environment["TOLLGATE_EQUIVALENCE_CASES"] ?? "") ?? count
    }

    /// The demo: every subject document once, the kind of mutation cycling.
    func testEveryModeGivesTheSameVerdictForMutationsOfTheDemo() throws {
        let demo = try GitSandbox.demo()
        let documents = try SubjectDocument.all(in: demo)
        XCTAssertGreaterThanOrEqual(documents.count, 15, "\(documents.map(\.path))")
        try checkEquivalence(in: demo, repository: "demo", documents: documents, cases: cases(default: documents.count),
                             committers: Committer.all(in: demo, keys: "demo-keys", domain: "distilops.example"))
    }

    /// The gallery (every rule blocks one request and passes another): a smaller sample.
    func testEveryModeGivesTheSameVerdictForMutationsOfTheGallery() throws {
        let gallery = try GitSandbox.gallery()
        let documents = try SubjectDocument.all(in: gallery)
        XCTAssertGreaterThanOrEqual(documents.count, 35, "\(documents.map(\.path))")
        try checkEquivalence(in: gallery, repository: "gallery", documents: documents, cases: cases(default: 20),
                             committers: Committer.all(in: gallery, keys: "gallery-keys", domain: "kestrel.example"))
    }

    /// A case the generator reaches only in its longer runs, kept here as a scenario: carol,
    /// an approver of the production request, adds a comment to its run and stages it. Her
    /// commit makes her the latest author of the run, so `--rev` of it does not count her
    /// approval (separation of duties); the staged check of the same change, which she is
    /// about to commit, must not count it either (an uncommitted change may only make a
    /// verdict stricter: issue 12) — the approvals rule warns under `--staged`.
    func testAChangeStagedByAnApproverIsJudgedAsItsCommitWouldBe() throws {
        let demo = try GitSandbox.demo()
        let carol = try XCTUnwrap(try Committer.all(in: demo, keys: "demo-keys", domain: "distilops.example")
            .first { $0.member == "carol" })
        let run = "runs/fraud-student/run-8812.yaml"
        try demo.write(run, try demo.read(run) + "# re-measured on the new batch size\n")
        try demo.git("add", "-A")
        var random = SplitMix64(seed: seed)
        let (failures, _) = try checkModes(in: demo, label: "carol stages a comment in \(run)", committer: carol, random: &random)
        XCTAssertEqual(failures, [], failures.joined(separator: "\n\n"))
        let revision = try demo.policy("check", "--rev", "HEAD")
        XCTAssertTrue(revision.flat.contains("approval by carol is not independent: carol made the latest change of"),
                      "the commit is carol's: \(revision.stdout)")
    }

    /// Generates `cases` mutations and checks every mode on each. Cases are taken round by
    /// round: in round r, document d (in a seeded order) gets kind (d + r + offset) mod kinds,
    /// so the first round mutates every document once with the kinds cycling.
    func checkEquivalence(in sandbox: GitSandbox, repository: String, documents: [SubjectDocument], cases: Int,
                          committers: [Committer]) throws {
        XCTAssertFalse(committers.isEmpty, "the \(repository) has members' keys")
        var random = SplitMix64(seed: seed ^ UInt64(repository.utf8.reduce(0) { $0 &* 31 &+ Int($1) }))
        let order = random.shuffled(Array(documents.indices))
        let kinds = Mutation.Kind.allCases
        let offset = random.next(below: kinds.count)
        let base = try sandbox.git("rev-parse", "HEAD")
        XCTAssertEqual(try sandbox.git("status", "--porcelain"), "", "the \(repository) starts clean")
        var failures: [String] = []
        // The report of the unchanged repository: most mutations must change it, or the
        // comparisons below would only ever see one report.
        let unchanged = try Self.normalised(try sandbox.policy("check", "--staged", "--all", "--format", "json", "--no-cache"))
        var seen = 0

        for index in 0..<cases {
            let round = index / documents.count
            let position = index % documents.count
            let document = documents[order[position]]
            let kind = kinds[(position + round + offset) % kinds.count]
            let caseSeed = random.next()
            var caseRandom = SplitMix64(seed: caseSeed)
            let context = "\(repository) case \(index) (TOLLGATE_EQUIVALENCE_SEED=\(String(seed, radix: 16)), "
                + "case seed \(String(caseSeed, radix: 16)))"

            let before = failures.count
            do {
                // The sequence of the pre-commit false BLOCK: a staged check with nothing staged
                // first (it fills the stores from the history walk), then the change. Every other
                // case starts it from no stores, as in a fresh clone; the others from the stores
                // the previous case left.
                if index % 2 == 0 {
                    try? FileManager.default.removeItem(at: sandbox.root.appendingPathComponent(".git/tollgate"))
                }
                let empty = try sandbox.policy("check", "--staged", "--format", "json")
                if ![0, 1].contains(empty.status) {
                    failures.append("\(context): `check --staged` with nothing staged: exit \(empty.status): \(empty.stderr)")
                }
                let mutation = try Mutation.apply(kind, to: document, among: documents, in: sandbox, random: &caseRandom)
                let committer = committers[caseRandom.next(below: committers.count)]
                let label = "\(context): \(mutation), committed by \(committer.member)"
                let (found, report) = try checkModes(in: sandbox, label: label, committer: committer, random: &caseRandom)
                failures += found
                if report != unchanged { seen += 1 }
                print("[mode-equivalence] \(found.isEmpty ? "ok  " : "FAIL") \(label)")
            } catch {
                failures.append("\(context), \(kind) of \(document.path): \(error)")
                print("[mode-equivalence] FAIL \(context), \(kind) of \(document.path): \(error)")
            }
            try sandbox.git("reset", "-q", "--hard", base)
            try sandbox.git("clean", "-q", "-fd")
        }
        for failure in failures { XCTFail(failure) }
        XCTAssertGreaterThan(seen, cases / 2, "most mutations change the \(repository)'s report")
    }

    /// Every mode on the index as staged now; returns the mismatches found and the normalised
    /// report of the whole index.
    func checkModes(in sandbox: GitSandbox, label: String, committer: Committer,
                    random: inout SplitMix64) throws -> ([String], String?) {
        var failures: [String] = []
        // The one who will commit is the repository's user from the start.
        try sandbox.git("config", "user.name", committer.name)
        try sandbox.git("config", "user.email", committer.email)
        let staged = ["check", "--staged", "--format", "json"]
        let stores = sandbox.root.appendingPathComponent(".git/tollgate")

        let reference = try sandbox.policy(staged + ["--no-cache"])
        if ![0, 1].contains(reference.status) {
            failures.append("\(label): `check --staged --no-cache` could not make the check (exit \(reference.status)): \(reference.stderr)")
        }
        func compare(_ mode: String, _ result: GitSandbox.Result, with expected: GitSandbox.Result, _ expectedMode: String) {
            guard result.status != expected.status || result.stdout != expected.stdout else { return }
            // The verdicts and findings when both are reports and they differ there, else the bytes.
            let findings = [expected, result].map { try? Self.normalised($0, approvalsAsStaged: false) }
            let shown = findings[0] != nil && findings[1] != nil && findings[0] != findings[1]
                ? Self.diff(findings[0]!, findings[1]!, expectedMode, mode)
                : Self.diff(expected.stdout, result.stdout, expectedMode, mode)
            failures.append("""
                \(label): `\(mode)` (exit \(result.status)) differs from `\(expectedMode)` (exit \(expected.status))
                \(result.stderr.isEmpty ? "" : "stderr of \(mode): \(result.stderr)\n")\
                \(shown)
                """)
        }

        // Stores as the empty staged check left them: stale for this index.
        compare("--staged, stale stores", try sandbox.policy(staged), with: reference, "--staged --no-cache")
        try? FileManager.default.removeItem(at: stores)
        compare("--staged, cold stores", try sandbox.policy(staged), with: reference, "--staged --no-cache")
        compare("--staged, warm stores", try sandbox.policy(staged), with: reference, "--staged --no-cache")
        let damage = Self.damage(stores, random: &random)
        compare("--staged, damaged stores (\(damage))", try sandbox.policy(staged), with: reference, "--staged --no-cache")

        let all = ["check", "--staged", "--all", "--format", "json"]
        let wholeIndex = try sandbox.policy(all + ["--no-cache"])
        compare("--staged --all", try sandbox.policy(all), with: wholeIndex, "--staged --all --no-cache")

        try sandbox.git(["-c", "gpg.format=ssh", "-c", "user.signingkey=\(committer.key).pub", "-c", "commit.gpgsign=true",
                         "commit", "-q", "--no-verify", "-m", "mutation: \(label)"], author: committer.name, email: committer.email)
        let revision = try sandbox.policy("check", "--rev", "HEAD", "--format", "json")
        let report = [0, 1].contains(wholeIndex.status) ? try Self.normalised(wholeIndex) : nil
        if ![0, 1].contains(revision.status) {
            failures.append("\(label): `check --rev HEAD` could not make the check (exit \(revision.status)): \(revision.stderr)")
        } else if [0, 1].contains(wholeIndex.status) {
            let pending = try Self.rulesWithPendingApprovals(wholeIndex)
            let decidedInChange = try Self.requestsDecidedInTheChange(wholeIndex).intersection(try Self.decidedRequests(revision))
            let expected = try Self.normalised(wholeIndex, leavingOut: pending, decidedInChange: decidedInChange)
            let actual = try Self.normalised(revision, leavingOut: pending, decidedInChange: decidedInChange)
            if expected != actual || revision.status != wholeIndex.status {
                failures.append("""
                    \(label): `--rev HEAD` of the commit made from the index (exit \(revision.status)) differs from \
                    `--staged --all --no-cache` (exit \(wholeIndex.status)) (approvals rules as under --staged)
                    \(Self.diff(expected, actual, "--staged --all", "--rev HEAD"))
                    """)
            }
        }
        return (failures, report)
    }

    // MARK: Stores

    /// Damages every store file in `.git/tollgate/` (readings, history) in a seeded way.
    static func damage(_ stores: URL, random: inout SplitMix64) -> String {
        var done: [String] = []
        for name in ["readings", "history"] {
            let file = stores.appendingPathComponent(name)
            guard let kept = try? Data(contentsOf: file) else { done.append("\(name) absent"); continue }
            let how = ["cut short", "bytes flipped", "another file", "empty"][random.next(below: 4)]
            var bytes = [UInt8](kept)
            switch how {
            case "cut short": bytes = Array(bytes.prefix(bytes.count * (1 + random.next(below: 3)) / 4))
            case "bytes flipped":
                for index in stride(from: random.next(below: 64), to: bytes.count, by: 37 + random.next(below: 64)) {
                    bytes[index] ^= UInt8(1 + random.next(below: 255))
                }
            case "another file": bytes = Array("TOLLGATE\nnot a store\n".utf8)
            default: bytes = []
            }
            try? Data(bytes).write(to: file)
            done.append("\(name) \(how)")
        }
        return done.joined(separator: ", ")
    }

    // MARK: Reports

    /// The verdict and the findings of a JSON report, one line each. With `approvalsAsStaged`,
    /// the rules of the `approvals` check are reduced to what the index and the commit made from
    /// it must agree on, as documented: under `--staged` an approvals rule warns instead of
    /// blocking (docs/architecture.md, "Decisions where the spec is silent", `--staged`), and an
    /// approval not yet committed is pending (docs/spec.md §3, item 5: warn, never valid) — so their
    /// outcome is capped at warn, pending findings are left out, and the messages, which say
    /// "has uncommitted changes" where the commit says "changed in <commit>", are not compared.
    /// A rule of the approvals check that has a pending approval in the index is not compared
    /// at all (`leavingOut`): the approval does not count before it is committed, and counts
    /// after a commit its approver signs. Subject and overall verdicts are recomputed from the
    /// outcomes compared.
    ///
    /// A request that states a decision (released, withdrawn, superseded) in a file the change
    /// adds or changes is gated as open under `--staged` and taken at its word by `--rev` of the
    /// commit (docs/architecture.md, "Decisions where the spec is silent": "A request cannot
    /// make itself decided to escape the gate"; docs/documents.md, Lifecycle): for those
    /// (`decidedInChange`, by file: gated as decision-in-change in the index, decided in the
    /// commit) the rules are not compared. A decided request whose file has an error is gated
    /// in both, and compared.
    static func normalised(_ result: GitSandbox.Result, approvalsAsStaged: Bool = true,
                           leavingOut pending: Set<String> = [], decidedInChange: Set<String> = []) throws -> String {
        let subjects = try subjects(of: result)
        let rank = ["pass": 0, "warn": 1, "block": 2]
        let names = ["pass", "warn", "block", "?"]
        var overall = 0
        var lines: [String] = []
        for subject in subjects {
            var ruleLines: [String] = []
            var verdict = 0
            let lifecycle = subject["lifecycle"] as? [String: Any]
            let gating = lifecycle?["gating"] as? String
            if let status = lifecycle?["status"] as? String {
                // decision-in-change and invalid both gate as open: which one a report names is
                // not compared.
                let gated = lifecycle?["gated"] as? Bool == true
                ruleLines.append("  lifecycle: \(status), \(approvalsAsStaged ? (gated ? "gated" : "not gated") : gating ?? "-")")
            }
            if approvalsAsStaged, decidedInChange.contains(subject["file"] as? String ?? "") {
                lines.append("\(subject["kind"] as? String ?? "-")/\(subject["name"] as? String ?? "-") "
                    + "(\(subject["file"] as? String ?? "-")): decided in the change (gated under --staged, decided under --rev)")
                continue
            }
            for rule in subject["rules"] as? [[String: Any]] ?? [] {
                let findings = rule["findings"] as? [[String: Any]] ?? []
                var outcome = rank[rule["outcome"] as? String ?? ""] ?? 3
                if approvalsAsStaged, pending.contains(Self.key(subject, rule)) {
                    ruleLines.append("  \(rule["id"] as? String ?? "-"): (a pending approval in the index: not compared)")
                    continue
                }
                if approvalsAsStaged, rule["check"] as? String == "approvals" {
                    let counted = findings.filter {
                        $0["waivedBy"] == nil && !($0["message"] as? String ?? "").contains(" is pending: ")
                    }
                    outcome = min(1, counted.map { rank[$0["severity"] as? String ?? ""] ?? 3 }.max() ?? 0)
                    ruleLines.append("  \(rule["id"] as? String ?? "-"): \(names[outcome]) (approvals: at most warn, pending left out)")
                } else {
                    ruleLines.append("  \(rule["id"] as? String ?? "-"): \(names[outcome])")
                    for finding in findings {
                        let location = finding["location"] as? [String: Any] ?? [:]
                        ruleLines.append("    \(finding["severity"] as? String ?? "-") "
                            + "\(location["file"] as? String ?? "-"):\(location["line"] as? Int ?? 0):\(location["column"] as? Int ?? 0) "
                            + "\(finding["message"] as? String ?? "-")\(finding["waivedBy"] == nil ? "" : " (waived)")")
                    }
                }
                verdict = max(verdict, outcome)
            }
            overall = max(overall, verdict)
            lines.append("\(subject["kind"] as? String ?? "-")/\(subject["name"] as? String ?? "-") "
                + "(\(subject["file"] as? String ?? "-")): \(names[verdict])")
            lines += ruleLines
        }
        return (["verdict: \(names[overall])"] + lines).joined(separator: "\n") + "\n"
    }

    /// The rules of the approvals check with a pending approval, by subject file and rule.
    static func rulesWithPendingApprovals(_ result: GitSandbox.Result) throws -> Set<String> {
        var pending: Set<String> = []
        for subject in try subjects(of: result) {
            for rule in subject["rules"] as? [[String: Any]] ?? [] where rule["check"] as? String == "approvals" {
                let findings = rule["findings"] as? [[String: Any]] ?? []
                if findings.contains(where: { ($0["message"] as? String ?? "").contains(" is pending: ") }) {
                    pending.insert(key(subject, rule))
                }
            }
        }
        return pending
    }

    /// The files of the requests gated as open because the change records their decision.
    static func requestsDecidedInTheChange(_ result: GitSandbox.Result) throws -> Set<String> {
        Set(try subjects(of: result).filter { ($0["lifecycle"] as? [String: Any])?["gating"] as? String == "decision-in-change" }
            .compactMap { $0["file"] as? String })
    }

    /// The files of the requests a report takes as decided (not gated).
    static func decidedRequests(_ result: GitSandbox.Result) throws -> Set<String> {
        Set(try subjects(of: result).filter { ($0["lifecycle"] as? [String: Any])?["gating"] as? String == "decided" }
            .compactMap { $0["file"] as? String })
    }

    static func key(_ subject: [String: Any], _ rule: [String: Any]) -> String {
        "\(subject["file"] as? String ?? "-")|\(rule["id"] as? String ?? "-")"
    }

    static func subjects(of result: GitSandbox.Result) throws -> [[String: Any]] {
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        guard let report = object as? [String: Any], let subjects = report["subjects"] as? [[String: Any]] else {
            throw SandboxError("not a JSON report: \(result.stdout.prefix(500))")
        }
        return subjects
    }

    /// `diff -u` of two texts, cut to a readable length.
    static func diff(_ expected: String, _ actual: String, _ expectedName: String, _ actualName: String) -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-diff-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let left = directory.appendingPathComponent("expected"), right = directory.appendingPathComponent("actual")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(expected.utf8).write(to: left)
            try Data(actual.utf8).write(to: right)
            let result = try GitSandbox.run("/usr/bin/diff", ["-u", "--label", expectedName, "--label", actualName,
                                                              left.path, right.path], in: directory)
            let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            return lines.prefix(120).joined(separator: "\n") + (lines.count > 120 ? "\n… (\(lines.count - 120) more lines)" : "")
        } catch {
            return "(no diff: \(error))"
        }
    }
}

// MARK: - Committers

/// A member of the repository's Team with the key history.sh generated for them: the commit
/// made from the index is signed by one of them.
struct Committer {
    var member: String
    var name: String
    var email: String
    var key: String

    /// Every member with a key in `.git/<keys>/`, in name order.
    static func all(in sandbox: GitSandbox, keys: String, domain: String) throws -> [Committer] {
        let directory = sandbox.root.appendingPathComponent(".git/\(keys)")
        return try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { !$0.hasSuffix(".pub") && !$0.hasPrefix(".") }
            .sorted()
            .map { member in
                Committer(member: member, name: member.prefix(1).uppercased() + member.dropFirst(),
                          email: "\(member)@\(domain)", key: directory.appendingPathComponent(member).path)
            }
    }
}

// MARK: - Subject documents

/// A tracked YAML file of one of the subject kinds, with its kind as written.
struct SubjectDocument {
    static let kinds = ["PromotionRequest", "RunManifest", "ModelCard", "Approval", "Incident", "Waiver"]

    var path: String
    var kind: String

    /// Every subject document of the sandbox's HEAD, in `git ls-files` order.
    static func all(in sandbox: GitSandbox) throws -> [SubjectDocument] {
        try sandbox.git("ls-files").split(separator: "\n").map(String.init)
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
            .compactMap { path in
                let text = try sandbox.read(path)
                guard text.contains("apiVersion: tollgate/v1") else { return nil }
                let kind = text.split(separator: "\n").first { $0.hasPrefix("kind:") }
                    .map { $0.dropFirst("kind:".count).trimmingCharacters(in: .whitespaces) }
                guard let kind, kinds.contains(kind) else { return nil }
                return SubjectDocument(path: path, kind: kind)
            }
    }
}

// MARK: - Mutations

/// One generated change of the repository's working tree, staged with `git add -A`.
struct Mutation: CustomStringConvertible {
    enum Kind: String, CaseIterable {
        case valueChanged = "value changed"
        case fieldRemoved = "field removed"
        case deleted = "file deleted"
        case renamed = "renamed"
        case duplicated = "duplicated"
        case misspelt = "key misspelt"
        case unreadable = "made unreadable"
        case approvalAdded = "approval added"
        case approvalWithdrawn = "approval withdrawn"
    }

    var kind: Kind
    var path: String
    var detail: String

    var description: String { "\(kind.rawValue) — \(path): \(detail)" }

    /// Applies `kind` to `document` in the working tree and stages everything.
    static func apply(_ kind: Kind, to document: SubjectDocument, among documents: [SubjectDocument],
                      in sandbox: GitSandbox, random: inout SplitMix64) throws -> Mutation {
        let path = document.path
        let text = try sandbox.read(path)
        var lines = text.components(separatedBy: "\n")
        let mutation: Mutation
        switch kind {
        case .valueChanged:
            let candidates = lines.indices.filter { Self.scalar(lines[$0]) != nil }
            guard !candidates.isEmpty else { throw SandboxError("no scalar value in \(path)") }
            let line = candidates[random.next(below: candidates.count)]
            let (prefix, value, comment) = Self.scalar(lines[line])!
            let changed = Self.changed(value, random: &random)
            lines[line] = prefix + changed + comment
            try sandbox.write(path, lines.joined(separator: "\n"))
            mutation = Mutation(kind: kind, path: path, detail: "line \(line + 1): \(value) → \(changed)")
        case .fieldRemoved:
            let candidates = lines.indices.filter { Self.key(lines[$0]).map { !$0.0.contains("-") } ?? false }
            let line = candidates[random.next(below: candidates.count)]
            let indent = Self.indent(lines[line])
            var end = line + 1
            while end < lines.count, lines[end].trimmingCharacters(in: .whitespaces).isEmpty
                || Self.indent(lines[end]) > indent
                || (Self.indent(lines[end]) == indent && lines[end].dropFirst(indent).hasPrefix("- ")) {
                end += 1
            }
            let removed = lines[line].trimmingCharacters(in: .whitespaces)
            lines.removeSubrange(line..<end)
            try sandbox.write(path, lines.joined(separator: "\n"))
            mutation = Mutation(kind: kind, path: path, detail: "lines \(line + 1)-\(end): '\(removed)'")
        case .deleted:
            try sandbox.git("rm", "-q", path)
            mutation = Mutation(kind: kind, path: path, detail: "git rm")
        case .renamed:
            let target = Self.sibling(of: path, suffix: "renamed")
            try sandbox.git("mv", path, target)
            mutation = Mutation(kind: kind, path: path, detail: "git mv to \(target)")
        case .duplicated:
            let target = Self.sibling(of: path, suffix: "copy")
            try sandbox.write(target, text)
            mutation = Mutation(kind: kind, path: path, detail: "copied to \(target)")
        case .misspelt:
            // A key, or the envelope's apiVersion or kind value (a near miss such as `tolgate/v1`).
            let candidates = lines.indices.filter { Self.key(lines[$0]) != nil }
            let line = candidates[random.next(below: candidates.count)]
            let (indent, key) = Self.key(lines[line])!
            if ["apiVersion", "kind"].contains(key), indent.isEmpty, random.next(below: 2) == 0 {
                let value = lines[line].dropFirst(key.count + 1).trimmingCharacters(in: .whitespaces)
                let misspelt = Self.misspelt(value, random: &random)
                lines[line] = "\(key): \(misspelt)"
                try sandbox.write(path, lines.joined(separator: "\n"))
                mutation = Mutation(kind: kind, path: path, detail: "line \(line + 1): \(key) '\(value)' → '\(misspelt)'")
            } else {
                let misspelt = Self.misspelt(key, random: &random)
                lines[line] = indent + misspelt + lines[line].dropFirst(indent.count + key.count)
                try sandbox.write(path, lines.joined(separator: "\n"))
                mutation = Mutation(kind: kind, path: path, detail: "line \(line + 1): key '\(key)' → '\(misspelt)'")
            }
        case .unreadable:
            var bytes = [UInt8](text.utf8)
            let how = random.next(below: 3)
            if how < 2 {
                let offset = random.next(below: bytes.count)
                bytes.insert(how == 0 ? 0x00 : 0xff, at: offset)
                try sandbox.write(path, Data(bytes))
                mutation = Mutation(kind: kind, path: path, detail: "\(how == 0 ? "NUL byte" : "invalid UTF-8 byte 0xFF") at offset \(offset)")
            } else {
                let line = 1 + random.next(below: max(1, lines.count - 1))
                lines.insert("  broken: [unclosed, {flow: ", at: line)
                try sandbox.write(path, lines.joined(separator: "\n"))
                mutation = Mutation(kind: kind, path: path, detail: "bad YAML inserted at line \(line + 1)")
            }
        case .approvalAdded:
            // The request this document belongs to when it is one (or an approval of one), else a
            // request of the repository chosen by the seed.
            let requests = try documents.filter { $0.kind == "PromotionRequest" }.map { try Self.name(of: $0.path, in: sandbox) }
            let own = document.kind == "PromotionRequest" ? try Self.name(of: path, in: sandbox)
                : document.kind == "Approval" ? Self.field("request", in: text) : nil
            let request = own ?? requests[random.next(below: requests.count)]
            let approver = ["alice", "bob", "carol", "dana", "erin", "farid", "grace", "hiro", "ines"][random.next(below: 9)]
            let target = "approvals/\(request)/\(approver)-added.yaml"
            try sandbox.write(target, """
                apiVersion: tollgate/v1
                kind: Approval
                metadata: {name: \(request)-\(approver)-added}
                spec:
                  request: \(request)
                  approver: \(approver)
                  decision: \(random.next(below: 4) == 0 ? "reject" : "approve")
                  role: approver
                  justification: Reviewed the bundle.
                  digest: "sha256:\(String(repeating: "0", count: 64))"

                """)
            mutation = Mutation(kind: kind, path: path, detail: "unsigned \(target) for \(request)")
        case .approvalWithdrawn:
            let approvals = documents.filter { $0.kind == "Approval" }.map(\.path)
            let withdrawn = document.kind == "Approval" ? path : approvals[random.next(below: approvals.count)]
            try sandbox.git("rm", "-q", withdrawn)
            mutation = Mutation(kind: kind, path: path, detail: "git rm \(withdrawn)")
        }
        try sandbox.git("add", "-A")
        guard !(try sandbox.git("diff", "--cached", "--name-only")).isEmpty else {
            throw SandboxError("\(mutation) staged no change")
        }
        return mutation
    }

    // MARK: Lines

    static func indent(_ line: String) -> Int { line.prefix { $0 == " " }.count }

    /// `key:` at the start of a block-mapping line (after its indentation and an optional
    /// `- `): the text before the key and the key.
    static func key(_ line: String) -> (String, String)? {
        let indent = String(line.prefix { $0 == " " || $0 == "-" })
        guard indent.isEmpty || indent.hasSuffix(" ") else { return nil }
        let rest = line.dropFirst(indent.count)
        let key = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." }
        guard let first = key.first, first.isLetter, rest.dropFirst(key.count).hasPrefix(":") else { return nil }
        let after = rest.dropFirst(key.count + 1)
        guard after.isEmpty || after.hasPrefix(" ") else { return nil }
        return (indent, String(key))
    }

    /// A plain or quoted scalar value on a `key: value` line (not the envelope's `apiVersion`
    /// or `kind`, not a block scalar, a flow collection or a comment): the text up to the value
    /// and the value, and a trailing comment.
    static func scalar(_ line: String) -> (String, String, String)? {
        guard let (indent, key) = key(line), key != "apiVersion", key != "kind" else { return nil }
        let start = indent.count + key.count + 1
        let after = line.dropFirst(start)
        let spaces = after.prefix { $0 == " " }.count
        var value = String(after.dropFirst(spaces))
        var comment = ""
        if let hash = value.range(of: " #") {
            comment = String(value[hash.lowerBound...])
            value = String(value[..<hash.lowerBound])
        }
        while value.hasSuffix(" ") {
            value.removeLast()
            comment = " " + comment
        }
        guard let first = value.first, !"{[|>&*!#".contains(first) else { return nil }
        return (String(line.prefix(start + spaces)), value, comment)
    }

    /// A different value of the same shape: numbers moved, booleans flipped, text extended.
    static func changed(_ value: String, random: inout SplitMix64) -> String {
        if let number = Double(value) {
            let factors = [0.5, 0.9, 1.1, 1.5, 2.0, -1.0, 0.0]
            let factor = factors[random.next(below: factors.count)]
            let moved = number * factor == number ? number + 1 : number * factor
            if !value.contains("."), !value.lowercased().contains("e"), moved == moved.rounded() { return String(Int(moved)) }
            return String(moved)
        }
        if value == "true" { return "false" }
        if value == "false" { return "true" }
        if let quote = value.first, quote == "\"" || quote == "'", value.count >= 2, value.last == quote {
            return String(value.dropLast()) + "x" + String(quote)
        }
        return value + "x"
    }

    /// Two neighbouring letters swapped, or one dropped when swapping changes nothing.
    static func misspelt(_ key: String, random: inout SplitMix64) -> String {
        var characters = Array(key)
        if characters.count >= 2 {
            let start = random.next(below: characters.count - 1)
            for step in 0..<(characters.count - 1) {
                let index = (start + step) % (characters.count - 1)
                if characters[index] != characters[index + 1] {
                    characters.swapAt(index, index + 1)
                    return String(characters)
                }
            }
        }
        return key + "s"
    }

    static func sibling(of path: String, suffix: String) -> String {
        let url = URL(fileURLWithPath: path)
        let directory = (path as NSString).deletingLastPathComponent
        let name = url.deletingPathExtension().lastPathComponent + "-\(suffix)." + url.pathExtension
        return directory.isEmpty ? name : directory + "/" + name
    }

    static func field(_ key: String, in text: String) -> String? {
        for line in text.split(separator: "\n") {
            if let (_, found) = self.key(String(line)), found == key, let (_, value, _) = scalar(String(line)) {
                return value.trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            }
        }
        return nil
    }

    /// `metadata.name`, written as a block or a flow mapping.
    static func name(of path: String, in sandbox: GitSandbox) throws -> String {
        let text = try sandbox.read(path)
        guard let range = text.range(of: #"\nmetadata:\s*\{?\s*name:\s*[a-z0-9][a-z0-9._-]*"#, options: .regularExpression),
              let name = text[range].split(separator: " ").last else {
            throw SandboxError("no metadata.name in \(path)")
        }
        return String(name)
    }
}

// MARK: - Seeded generator

/// SplitMix64: a small generator whose sequence is fixed by its seed on every platform.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// A number in 0..<bound (bound > 0).
    mutating func next(below bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }

    /// Fisher–Yates with this generator.
    mutating func shuffled<T>(_ elements: [T]) -> [T] {
        var result = elements
        guard result.count > 1 else { return result }
        for index in stride(from: result.count - 1, to: 0, by: -1) {
            result.swapAt(index, next(below: index + 1))
        }
        return result
    }
}
