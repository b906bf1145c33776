import Documents
import Policy
import XCTest

/// Walks the examples every check carries (as SwiftLint walks its rules' examples): each
/// must reach its verdict, and each blocking example's message must say what it promises.
final class CheckExampleTests: XCTestCase {
    /// Checks whose verdict depends on git history; their scenarios run against real
    /// repositories with real signatures (ApprovalScenarioTests, PipelineSignatureTests), not as YAML examples.
    static let historyChecks = ["approvals", "signedBy"]

    func testEveryCheckHasPassingAndBlockingExamples() {
        for check in CheckRegistry.all where !Self.historyChecks.contains(check.keyword) {
            let verdicts = check.examples.map(\.expect)
            XCTAssertGreaterThanOrEqual(verdicts.filter { $0 == .pass }.count, 3, "\(check.keyword)")
            XCTAssertGreaterThanOrEqual(verdicts.filter { $0 == .block }.count, 3, "\(check.keyword)")
        }
    }

    func testEveryExampleReachesItsVerdict() throws {
        for check in CheckRegistry.all {
            for example in check.examples {
                let (report, problems) = try ExampleHarness.evaluate(keyword: check.keyword, example: example)
                XCTAssertEqual(problems, [], "\(check.keyword): \(example.title)")
                let subject = try XCTUnwrap(report.subjects.first { $0.subject.kind == .promotionRequest })
                let rule = try XCTUnwrap(subject.rules.first { $0.ruleID == "example/rule" })
                XCTAssertEqual(rule.outcome, example.expect, "\(check.keyword): \(example.title): \(rule.findings.map(\.message))")
                XCTAssertEqual(rule.notApplicable != nil, example.notApplicable,
                               "\(check.keyword): \(example.title): not applicable: \(rule.notApplicable ?? "no")")
                if example.notApplicable, let fragment = example.message {
                    XCTAssertTrue(rule.notApplicable?.contains(fragment) == true,
                                  "\(check.keyword): \(example.title): '\(rule.notApplicable ?? "")' lacks '\(fragment)'")
                } else if let fragment = example.message {
                    XCTAssertTrue(rule.findings.first?.message.contains(fragment) == true,
                                  "\(check.keyword): \(example.title): '\(rule.findings.first?.message ?? "")' lacks '\(fragment)'")
                }
                for finding in rule.findings {
                    XCTAssertGreaterThan(finding.location.line, 0, "\(example.title): findings are located")
                }
            }
        }
    }
}

/// Builds a tiny bundle (policy, request, run, card, and the example's other documents)
/// around one example and evaluates it.
enum ExampleHarness {
    static func evaluate(keyword: String, example: CheckExample) throws -> (Report, [Diagnostic]) {
        let policy = """
            apiVersion: tollgate/v1
            kind: Policy
            metadata: {name: example}
            spec:
              match: {kinds: [PromotionRequest]}
              rules:
                - id: rule
                  \(keyword): \(example.check)
            """
        var requestSpec = "model: m\nversion: \"1.0.0\"\nfrom: staging\nto: production\nrun: run\nmodelCard: card\nrequestedBy: alice\njustification: example\n"
        if let extra = example.request {
            // Fields given by the example replace the defaults.
            let overridden = Set(extra.split(separator: "\n").compactMap { $0.split(separator: ":").first.map { String($0) } }
                .filter { !$0.hasPrefix(" ") })
            requestSpec = requestSpec.split(separator: "\n").filter { line in
                !overridden.contains(String(line.split(separator: ":").first ?? ""))
            }.joined(separator: "\n") + "\n" + extra + "\n"
        }
        let request = "apiVersion: tollgate/v1\nkind: PromotionRequest\nmetadata: {name: req}\nspec:\n" + indent(requestSpec)
        let run = "apiVersion: tollgate/v1\nkind: RunManifest\nmetadata: {name: run}\nspec:\n" + indent(example.run ?? "")
        let card = "apiVersion: tollgate/v1\nkind: ModelCard\nmetadata: {name: card}\nspec:\n" + indent(example.card ?? "")
        var documents: [Document] = []
        var policyProblems: [Diagnostic] = []
        let files = [("policy.yaml", policy), ("request.yaml", request), ("run.yaml", run), ("card.yaml", card)]
            + example.documents.enumerated().map { ("doc\($0.offset).yaml", $0.element) }
        for (path, text) in files {
            guard case .document(let document, let problems) = DocumentLoader.read(Array(text.utf8), path: path) else {
                throw HarnessError(description: "\(path) did not load:\n\(text)")
            }
            if path == "policy.yaml" { policyProblems += problems }
            documents.append(document)
        }
        let (policies, problems) = PolicyLoader.load(documents)
        let subjects = DocumentSet(documents.filter { $0.kind != .policy })
        // Example bundles are partial on purpose: schema findings of run and card are not the point.
        let report = Evaluator(policies: policies, repository: example.repository).evaluate(subjects, diagnostics: [])
        return (report, policyProblems + problems)
    }

    static func indent(_ yaml: String) -> String {
        yaml.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n") + "\n"
    }

    struct HarnessError: Error, CustomStringConvertible { var description: String }
}
