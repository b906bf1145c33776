import Documents
import Foundation
import Policy
import Reporters
import TollgateTestSupport

/// A realistic report for the CI-facing reporters: a blocked promotion request (a block with
/// a note and a runbook, a warning, a waived rule, an approvals rule with evidence), a run
/// manifest with a `document/schema` warning (no runbook), an expired waiver
/// (`waiver/in-force`), a policy file changed without the right signature
/// (`provenance/protected-paths`) and a passing model card.
enum CIReportFixtures {
    static let request = Subject(kind: .promotionRequest, name: "fraud-student-2.1.0-production",
                                 file: "requests/fraud-student-2.1.0-production.yaml")
    static let run = Subject(kind: .runManifest, name: "run-8812", file: "runs/fraud-student/run-8812.yaml")
    static let card = Subject(kind: .modelCard, name: "fraud-student", file: "cards/fraud-student.yaml")
    static let waiver = Subject(kind: .waiver, name: "card-gap-q1", file: "waivers/card-gap-q1.yaml")
    static let policyFile = Subject(kind: nil, name: nil, file: "policies/release-gate.yaml")

    static func at(_ file: String, _ line: Int, _ column: Int) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column)
    }

    static let latency = Finding(
        ruleID: "release-gate/p95-latency", subject: request, severity: .block,
        message: "p95 latency 28.7 ms exceeds 25 ms", location: at(run.file, 31, 12),
        notes: [.init("the bound max: 25 ms is set here", at: at("policies/release-gate.yaml", 12, 55))],
        runbook: "docs/runbooks/latency-regression.md", tags: ["soc2:CC8.1"])

    static let fairness = Finding(
        ruleID: "release-gate/fairness-gap", subject: request, severity: .warn,
        message: "equal-opportunity gap 0.041 on slice region=EU exceeds 0.03 | review before GA",
        location: at(run.file, 47, 9), runbook: "https://wiki.example.com/runbooks/fairness", tags: ["eu-ai-act:art10"])

    static let approvalShortfall = Finding(
        ruleID: "release-gate/approvals", subject: request, severity: .block,
        message: "needs 2 approvals by distinct members, 1 count (alice)", location: at(request.file, 4, 9),
        notes: [.init("approval by bob is stale: the bundle digest changed in 9c1d2e3 (run manifest)",
                      at: at("approvals/fraud-student-2.1.0-production-bob.yaml", 4, 9))])

    static var waivedCard: Finding {
        var finding = Finding(ruleID: "release-gate/card-complete", subject: request, severity: .block,
                              message: "model card has no section 'limitations'", location: at(card.file, 1, 1),
                              runbook: "docs/runbooks/model-card.md")
        finding.waivedBy = "card-gap-q1 until 2026-12-31"
        return finding
    }

    static let schemaWarning = Finding(
        ruleID: "document/schema", subject: run, severity: .warn,
        message: "unknown field 'p95ms' in spec.serving; did you mean 'p95Ms'?", location: at(run.file, 22, 5))

    static let expiredWaiver = Finding(
        ruleID: "waiver/in-force", subject: waiver, severity: .warn,
        message: "waiver card-gap-q0 expired on 2025-01-31 and waives nothing", location: at(waiver.file, 9, 12))

    static let unsignedPolicyChange = Finding(
        ruleID: "provenance/protected-paths", subject: policyFile, severity: .block,
        message: "commit 1a2b3c4 changes policies/release-gate.yaml without the signature of a member holding policy-owner",
        location: at(policyFile.file, 1, 1))

    static func evidence(_ approver: String, _ sentence: String, line: Int) -> Evidence {
        let location = at("approvals/fraud-student-2.1.0-production-\(approver).yaml", line, 9)
        return Evidence(path: "approvals[\(approver)]", value: YAMLValue(.string(sentence), at: location, text: sentence),
                        location: location)
    }

    static func rule(_ id: String, _ findings: [Finding], description: String? = nil, check: String? = nil,
                     evidence: [Evidence] = [], tags: [String] = []) -> RuleEvaluation {
        let outcome = findings.filter(\.isActive).map(\.severity).max() ?? .pass
        return RuleEvaluation(ruleID: id, description: description, outcome: outcome, findings: findings,
                              evidence: evidence, runbook: findings.first?.runbook, tags: tags + findings.flatMap(\.tags),
                              ruleLocation: nil, check: check)
    }

    static func report() -> Report {
        let approvals = rule("release-gate/approvals", [approvalShortfall], description: "two independent approvals",
                             check: "approvals", evidence: [
                                 evidence("alice", "approval by alice as ml-lead counts, 3f2a9c1 signed by alice", line: 4),
                                 evidence("bob", "approval by bob is stale: the bundle digest changed in 9c1d2e3 (run manifest)", line: 4),
                             ])
        return Report(subjects: [
            SubjectResult(subject: request, rules: [
                rule("release-gate/p95-latency", [latency], description: "p95 latency within budget", check: "threshold"),
                rule("release-gate/error-rate", [], description: "error rate within budget", check: "threshold"),
                rule("release-gate/fairness-gap", [fairness], description: "fairness gap within budget", check: "slices"),
                rule("release-gate/card-complete", [waivedCard], description: "the model card is complete", check: "require"),
                approvals,
            ]),
            SubjectResult(subject: run, rules: [rule("document/schema", [schemaWarning], description: Diagnostic.Code.schema.summary)]),
            SubjectResult(subject: card, rules: [rule("release-gate/card-owner", [], description: "the card names an owner", check: "require")]),
            SubjectResult(subject: waiver, rules: [rule("waiver/in-force", [expiredWaiver])]),
            SubjectResult(subject: policyFile, rules: [rule("provenance/protected-paths", [unsignedPolicyChange])]),
        ])
    }

    static let metadata = ReportMetadata(toolVersion: "0.1.0", evaluated: "head 3f2a9c1", policySource: "merge base 77aa01b",
                                         policies: ["release-gate"], documentCount: 9)

    /// Writes `text` to a fresh temporary file and returns its path.
    static func temporaryFile(_ text: String, suffix: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-\(UUID().uuidString)\(suffix)")
        try Data(text.utf8).write(to: url)
        return url.path
    }
}

/// Runs a Python script with `python3` — the real validators (jsonschema, junitparser) the
/// acceptance tests hold the output to. CI installs them: `pip install jsonschema junitparser`
/// (optionally `rfc3986-validator`, so that `format: uri` is checked too).
enum Python {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Exit status the scripts use when a Python module is missing.
    static let missingModule: Int32 = 3

    static func run(_ script: String, arguments: [String]) throws -> Outcome {
        let output = try ProcessRunner.run("/usr/bin/env", ["python3", "-c", script] + arguments)
        return Outcome(status: output.status, stdout: output.stdout, stderr: output.stderr)
    }

    /// Why the outcome is not a successful run, in words that say what to install.
    static func problem(_ outcome: Outcome, modules: String) -> String? {
        switch outcome.status {
        case 0: return nil
        case 127: return "python3 is not installed: install Python 3 and `pip install \(modules)` (CI does)"
        case missingModule: return "\(outcome.stderr.trimmingCharacters(in: .whitespacesAndNewlines)): `pip install \(modules)` (CI does)"
        default: return "python3 exited with \(outcome.status)\n\(outcome.stdout)\n\(outcome.stderr)"
        }
    }

    /// Prologue for scripts: imports the modules, exiting with `missingModule` when one is not installed.
    static func imports(_ modules: [String]) -> String {
        modules.map { module in
            """
            try:
                import \(module)
            except ImportError:
                import sys
                sys.stderr.write("the Python module '\(module)' is not installed")
                sys.exit(\(missingModule))

            """
        }.joined()
    }
}
