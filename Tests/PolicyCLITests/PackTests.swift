import Documents
import Foundation
import Policy
import XCTest

/// The default policy pack (`policies/*.yaml`) against its two example repositories: the
/// gallery (fixtures/gallery), where every rule blocks one request and passes another, and
/// the DistilOps demo, which the full pack blocks for exactly one reason.
final class PackTests: XCTestCase {
    /// One rule of the pack, as the policy files define it.
    struct PackRule: Hashable {
        var id: String            // <policy>/<rule>
        var enforcement: String   // block | warn: the outcome the rule has when it does not hold
        var runbook: String?
        var description: String?
        var tags: [String]
    }

    /// The rules of every policy in policies/*.yaml, read with Tollgate's own loaders.
    static func packRules(file: StaticString = #filePath, line: UInt = #line) throws -> [PackRule] {
        let directory = GitSandbox.projectRoot.appendingPathComponent("policies")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        var documents: [Document] = []
        for name in files {
            let bytes = [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
            guard case .document(let document, let problems) = DocumentLoader.read(bytes, path: "policies/\(name)") else {
                XCTFail("policies/\(name) is not a readable Tollgate document", file: file, line: line)
                continue
            }
            XCTAssertEqual(problems.filter { $0.severity == .error }.map(\.description), [], "policies/\(name)", file: file, line: line)
            XCTAssertEqual(document.kind, .policy, "policies/\(name): one Policy document per file", file: file, line: line)
            documents.append(document)
        }
        let (policies, problems) = PolicyLoader.load(documents)
        XCTAssertEqual(problems.filter { $0.severity == .error }.map(\.description), [], file: file, line: line)
        XCTAssertEqual(policies.count, files.count, "one policy per file", file: file, line: line)
        return policies.flatMap { policy in
            policy.rules.map { rule in
                PackRule(id: "\(policy.name)/\(rule.id)", enforcement: rule.enforcement.rawValue, runbook: rule.runbook,
                         description: rule.description, tags: rule.tags)
            }
        }
    }

    /// Every rule evaluation of a `--format json` report: (subject name, rule id, outcome).
    func evaluations(_ result: GitSandbox.Result) throws -> [(subject: String, rule: String, outcome: String, findings: [[String: Any]])] {
        let subjects = try XCTUnwrap(try result.json()["subjects"] as? [[String: Any]], result.stdout)
        return subjects.flatMap { subject in
            (subject["rules"] as? [[String: Any]] ?? []).map { rule in
                (subject["name"] as? String ?? subject["file"] as? String ?? "?", rule["id"] as? String ?? "?",
                 rule["outcome"] as? String ?? "?", rule["findings"] as? [[String: Any]] ?? [])
            }
        }
    }

    // MARK: - The pack

    func testEveryRuleOfThePackHasADescriptionTagsAndARunbookThatExists() throws {
        let rules = try Self.packRules()
        XCTAssertGreaterThanOrEqual(rules.count, 20, "\(rules.map(\.id))")
        XCTAssertEqual(Set(rules.map(\.id)).count, rules.count, "rule ids are unique")
        for rule in rules {
            XCTAssertFalse((rule.description ?? "").isEmpty, "\(rule.id) has no description")
            XCTAssertFalse(rule.tags.isEmpty, "\(rule.id) has no compliance tag")
            let runbook = try XCTUnwrap(rule.runbook, "\(rule.id) has no runbook")
            XCTAssertTrue(runbook.hasPrefix("docs/runbooks/"), "\(rule.id): \(runbook)")
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: GitSandbox.projectRoot.appendingPathComponent(runbook).path,
                                                        isDirectory: &isDirectory)
            XCTAssertTrue(exists && !isDirectory.boolValue, "\(rule.id): runbook \(runbook) does not exist")
        }
    }

    // MARK: - The gallery

    /// What each open request of the gallery breaks (fixtures/gallery/repo/README.md); every
    /// other request, and every other rule of these, passes.
    static let galleryBreaks: [String: Set<String>] = [
        "fraud-web-3.2.0-production": [],
        "fraud-app-1.5.0-production": ["release-gate/p95-latency", "release-gate/p99-latency", "release-gate/error-rate",
                                       "release-gate/availability", "release-gate/error-budget-burn", "incidents/open-incidents"],
        "fraud-p2p-2.0.0-staging": ["rai/intended-use", "rai/out-of-scope", "rai/limitations", "rai/ethical-considerations",
                                    "fairness/slice-four-fifths", "fairness/slice-gap", "fairness/slice-support", "fairness/slice-features"],
        "fraud-ato-2.3.0-production": ["lifecycle/stage-transition", "lineage/reproducible-run", "approvals/production-sign-off"],
        "fraud-lite-4.1.0-production": ["lifecycle/champion-regression", "lifecycle/distillation-gap", "drift/feature-drift",
                                        "canary/canary-plan", "approvals/production-sign-off"],
    ]

    func testTheGalleryBlocksAndPassesEveryRuleOfThePack() throws {
        let rules = try Self.packRules()
        let gallery = try GitSandbox.gallery()
        let result = try gallery.policy("check", "--format", "json")
        XCTAssertEqual(result.status, 1, result.stderr)
        let json = try result.json()
        XCTAssertEqual(Set(json["policies"] as? [String] ?? []), Set(rules.map { String($0.id.split(separator: "/")[0]) }),
                       "the gallery carries the whole pack")
        let evaluations = try evaluations(result)
        XCTAssertEqual(evaluations.filter { !$0.rule.contains("/") || $0.rule.hasPrefix("document/") }.map(\.rule), [],
                       "every document of the gallery is valid: only the pack's rules decide")

        for rule in rules {
            let outcomes = evaluations.filter { $0.rule == rule.id }
            let subjects = { (outcome: String) in outcomes.filter { $0.outcome == outcome }.map(\.subject) }
            // A warn-enforced rule (release-gate/p99-latency) never blocks: its failing outcome is warn.
            XCTAssertFalse(subjects(rule.enforcement).isEmpty, "\(rule.id) never reaches \(rule.enforcement) in the gallery")
            XCTAssertFalse(subjects("pass").isEmpty, "\(rule.id) never passes in the gallery")
        }

        // The open requests break exactly what the gallery says; the released ones are
        // decided (spec.status: released): reported, passing, no rule judged again.
        for (subject, breaks) in Self.galleryBreaks {
            let own = evaluations.filter { $0.subject == subject }
            XCTAssertFalse(own.isEmpty, "\(subject) is not in the report")
            XCTAssertEqual(Set(own.filter { $0.outcome != "pass" }.map(\.rule)), breaks, subject)
        }
        let requests = (json["subjects"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "PromotionRequest" }
        let released = requests.filter { Self.galleryBreaks[$0["name"] as? String ?? ""] == nil }
        XCTAssertEqual(released.count, 5, "\(released.map { $0["name"] ?? "" })")
        for request in released {
            XCTAssertEqual((request["lifecycle"] as? [String: Any])?["status"] as? String, "released", "\(request["name"] ?? "")")
            XCTAssertEqual(request["verdict"] as? String, "pass")
            XCTAssertEqual((request["rules"] as? [Any])?.count, 0)
        }

        // One production request passes every rule of every policy.
        let clean = evaluations.filter { $0.subject == "fraud-web-3.2.0-production" }
        XCTAssertEqual(Set(clean.map(\.rule)), Set(rules.map(\.id)), "every rule of the pack judged fraud-web-3.2.0-production")
        XCTAssertEqual(clean.filter { $0.outcome != "pass" }.map(\.rule), [])
    }

    // MARK: - The demo

    func testTheDemoWithTheFullPackHasExactlyOneBlockingFinding() throws {
        let rules = try Self.packRules()
        let demo = try GitSandbox.demo()
        let result = try demo.policy("check", "--format", "json")
        XCTAssertEqual(result.status, 1, result.stderr)
        let json = try result.json()
        XCTAssertEqual(Set(json["policies"] as? [String] ?? []), Set(rules.map { String($0.id.split(separator: "/")[0]) }),
                       "the demo carries the whole pack")
        let summary = try XCTUnwrap(json["summary"] as? [String: Any])
        XCTAssertEqual(summary["blockingFindings"] as? Int, 1)
        XCTAssertEqual(summary["warningFindings"] as? Int, 0)

        let evaluations = try evaluations(result)
        let findings = evaluations.flatMap { evaluation in evaluation.findings.map { (evaluation.rule, $0) } }
        XCTAssertEqual(findings.count, 1, "\(findings)")
        let (rule, finding) = try XCTUnwrap(findings.first)
        XCTAssertEqual(rule, "release-gate/p95-latency")
        XCTAssertEqual(finding["severity"] as? String, "block")
        XCTAssertEqual(finding["message"] as? String, "p95 latency 28.7 ms exceeds 25 ms")
        let location = try XCTUnwrap(finding["location"] as? [String: Any])
        XCTAssertEqual(location["file"] as? String, "runs/fraud-student/run-8812.yaml")
        XCTAssertEqual(location["line"] as? Int, 31)
        XCTAssertEqual(location["column"] as? Int, 12)

        // Every rule of the pack judged the production request; all but p95 pass, on every request.
        let request = evaluations.filter { $0.subject == GitSandbox.request }
        XCTAssertEqual(Set(request.map(\.rule)), Set(rules.map(\.id)))
        XCTAssertEqual(evaluations.filter { $0.outcome != "pass" }.map { "\($0.subject): \($0.rule)" },
                       ["\(GitSandbox.request): release-gate/p95-latency"])
    }
}

extension GitSandbox {
    /// The gallery (fixtures/gallery), materialised by its history script with the `policy`
    /// binary under test (for the approvals' digests).
    static func gallery() throws -> GitSandbox {
        try fixture("fixtures/gallery/history.sh", environment: ["TOLLGATE_POLICY": policyBinary.path])
    }
}
