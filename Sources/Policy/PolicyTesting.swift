import Foundation
import Documents

/// PolicyTest documents (`policy test`), Kyverno-style: each case names documents, the
/// subject to judge, and the outcome expected of each rule; the runner reports failures with
/// the expected and actual outcomes, and rule coverage (which rules were seen blocking and
/// passing).
public enum PolicyTesting {
    /// One case, parsed.
    public struct Case: Sendable {
        public struct Expectation: Sendable {
            public var rule: String
            public var outcome: Verdict
            /// `result: notApplicable`: the rule does not apply (it passes with a reason);
            /// `result: pass` expects a rule that applies and holds.
            public var notApplicable: Bool = false
            public var location: SourceLocation
        }

        public var name: String
        public var location: SourceLocation
        /// Paths as written, relative to the test document's directory.
        public var documents: [String]
        public var subject: String?
        public var verdict: (Verdict, SourceLocation)?
        public var expectations: [Expectation]
        public var repository: ExampleRepository
    }

    static let caseSchema = ObjectSchema([
        FieldSchema("name", .text(), "what the case shows"),
        FieldSchema("documents", .list(.text(.relativePath), minItems: 1), "files or directories, relative to this file"),
        .optional("subject", .text(), "metadata.name (or Kind/name) of the subject judged; default: the only PromotionRequest"),
        .optional("verdict", .oneOf(["pass", "warn", "block"]), "the subject's expected verdict"),
        .optional("expect", .list(.object(ObjectSchema([
            FieldSchema("rule", .text(), "<policy>/<rule>"),
            FieldSchema("result", .oneOf(["pass", "warn", "block", "notApplicable"]),
                        "expected outcome; notApplicable: the rule does not apply to the subject (it passes with a reason)"),
        ]))), "expected outcome per rule"),
        .optional("repository", .object(ObjectSchema([
            .optional("commits", .list(.text()), "commit ids that exist"),
            .optional("files", .dictionary(.text()), "path → sha256 of its content, lfs:<oid> for a Git LFS pointer, or dvc:<md5> for a file tracked by DVC"),
            .optional("merged", .list(.text(.relativePath)), "PromotionRequest files merged earlier, newest first"),
            .optional("branches", .list(.text()), "branch names (main, origin/main), which a dataset version must not be"),
        ])), "what the repository holds, for checks that read history"),
    ])

    /// Parses the cases of PolicyTest documents; problems are located diagnostics.
    public static func cases(of document: Document, diagnostics: inout [Diagnostic],
                             readMerged: (String) -> Document?) -> [Case] {
        var result: [Case] = []
        for item in document.spec["cases"]?.list ?? [] {
            var validator = SchemaValidator()
            let value = validator.validate(item, as: .object(caseSchema), path: "spec.cases", owner: item.location)
            diagnostics += validator.diagnostics
            guard validator.diagnostics.isEmpty, let name = value["name"]?.string else { continue }
            var repository = ExampleRepository()
            if let repo = value["repository"] {
                repository.commits = repo["commits"]?.list?.compactMap(\.string) ?? []
                repository.branches = repo["branches"]?.list?.compactMap(\.text) ?? []
                for entry in repo["files"]?.map?.entries ?? [] {
                    guard let text = entry.value.string else { continue }
                    if text.hasPrefix("lfs:") {
                        repository.files[entry.key] = .lfsPointer(oid: String(text.dropFirst(4)), size: nil)
                    } else if text.hasPrefix("dvc:") {
                        // Tracked by DVC: the MD5 its pointer (`<path>.dvc`) records.
                        repository.files[entry.key] = .dvcPointer(DVCOutput(
                            md5: String(text.dropFirst(4)).lowercased(), size: nil, isDirectory: false,
                            pointer: entry.key + ".dvc", location: entry.value.location))
                    } else {
                        repository.files[entry.key] = .content(sha256: text, size: 0)
                    }
                }
                for pathValue in repo["merged"]?.list ?? [] {
                    guard let path = pathValue.string else { continue }
                    if let merged = readMerged(path) {
                        repository.merged.append((name: merged.name, spec: CanonicalJSON.encode(merged.spec)))
                    } else {
                        diagnostics.append(Diagnostic(.reference, "merged request '\(path)' is not a readable PromotionRequest", at: pathValue.location))
                    }
                }
            }
            let expectations = (value["expect"]?.list ?? []).compactMap { item -> Case.Expectation? in
                guard let rule = item["rule"]?.string, let text = item["result"]?.string else { return nil }
                if text == "notApplicable" {
                    return Case.Expectation(rule: rule, outcome: .pass, notApplicable: true, location: item.location)
                }
                guard let result = Verdict(rawValue: text) else { return nil }
                return Case.Expectation(rule: rule, outcome: result, location: item.location)
            }
            let verdict = value["verdict"].flatMap { v in v.string.flatMap(Verdict.init(rawValue:)).map { ($0, v.location) } }
            if expectations.isEmpty && verdict == nil {
                diagnostics.append(Diagnostic(.schema, "case '\(name)' expects nothing: give `verdict` or `expect`", at: item.location))
                continue
            }
            result.append(Case(name: name, location: item.location,
                               documents: value["documents"]?.list?.compactMap(\.string) ?? [],
                               subject: value["subject"]?.string, verdict: verdict,
                               expectations: expectations, repository: repository))
        }
        return result
    }

    /// The outcome of one case.
    public struct CaseResult: Sendable {
        public var test: String
        public var name: String
        public var location: SourceLocation
        /// Rule id → the outcome observed, for every rule evaluated on the subject.
        public var outcomes: [String: Verdict]
        /// Rule id → why it does not apply, for the rules evaluated that do not.
        public var notApplicable: [String: String] = [:]
        /// Mismatches: (what, expected, actual); empty when the case passes.
        public var mismatches: [(what: String, expected: String, actual: String, location: SourceLocation)]
        /// The case could not be run (missing subject, unreadable document).
        public var error: String?

        public var passed: Bool { error == nil && mismatches.isEmpty }

        public init(test: String, name: String, location: SourceLocation, outcomes: [String: Verdict],
                    mismatches: [(what: String, expected: String, actual: String, location: SourceLocation)],
                    error: String? = nil) {
            self.test = test
            self.name = name
            self.location = location
            self.outcomes = outcomes
            self.mismatches = mismatches
            self.error = error
        }
    }

    /// Runs one case against the policies.
    public static func run(_ testCase: Case, test: String, documents: [Document], policies: [Policy],
                           stages: [String]) -> CaseResult {
        var result = CaseResult(test: test, name: testCase.name, location: testCase.location, outcomes: [:], mismatches: [])
        let set = DocumentSet(documents)
        let candidates = set.documents.filter { document in
            if let subject = testCase.subject {
                return document.name == subject || document.reference.description == subject
            }
            return document.kind == .promotionRequest
        }
        guard candidates.count == 1, let subjectDocument = candidates.first else {
            result.error = candidates.isEmpty
                ? "no subject \(testCase.subject.map { "named '\($0)'" } ?? "(no PromotionRequest among the documents)")"
                : "several subjects match (\(candidates.map(\.reference.description).joined(separator: ", "))); name one with `subject`"
            return result
        }
        let report = Evaluator(policies: policies, repository: testCase.repository, stages: stages)
            .evaluate(set, diagnostics: [], isSelected: { $0 == subjectDocument }, isSelectedFile: { _ in false })
        let rules = report.subjects.first?.rules ?? []
        for rule in rules {
            result.outcomes[rule.ruleID] = rule.outcome
            if let reason = rule.notApplicable { result.notApplicable[rule.ruleID] = reason }
        }
        for expectation in testCase.expectations {
            let actual = result.outcomes[expectation.rule]
            let reason = result.notApplicable[expectation.rule]
            let expected = expectation.notApplicable ? "notApplicable" : expectation.outcome.rawValue
            if actual != expectation.outcome || expectation.notApplicable != (reason != nil) {
                let shown = reason.map { "notApplicable (\($0))" } ?? actual?.rawValue
                    ?? "not evaluated (no such rule, or its policy does not match the subject)"
                result.mismatches.append((expectation.rule, expected, shown, expectation.location))
            }
        }
        if let (verdict, location) = testCase.verdict {
            let actual = report.subjects.first?.verdict ?? .pass
            if actual != verdict {
                let reasons = rules.flatMap(\.findings).filter(\.isActive).map { "\($0.ruleID): \($0.message)" }
                result.mismatches.append(("verdict", verdict.rawValue,
                                          actual.rawValue + (reasons.isEmpty ? "" : " (" + reasons.joined(separator: "; ") + ")"), location))
            }
        }
        return result
    }

    /// Which rules the cases saw blocking (or warning) and passing.
    public struct Coverage: Sendable {
        public var rules: [String]
        public var failing: Set<String>
        public var passing: Set<String>

        public init(policies: [Policy], results: [CaseResult]) {
            rules = policies.flatMap { policy in policy.rules.map { "\(policy.name)/\($0.id)" } }.sorted()
            failing = Set(results.flatMap { $0.outcomes.filter { $0.value != .pass }.map(\.key) })
            passing = Set(results.flatMap { $0.outcomes.filter { $0.value == .pass }.map(\.key) })
        }

        /// Share of (rule, fails) and (rule, passes) pairs exercised, 0–100.
        public var percent: Double {
            guard !rules.isEmpty else { return 100 }
            let covered = rules.filter { failing.contains($0) }.count + rules.filter { passing.contains($0) }.count
            return Double(covered) * 100 / Double(rules.count * 2)
        }
    }
}
