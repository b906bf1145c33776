import Documents
import Foundation

/// A kind of rule check (`threshold`, `require`, ...). Each check type carries its schema,
/// its description and small examples that must pass and must block; one generic test
/// walks the examples of every registered check, as SwiftLint does with its rules.
public protocol Check: Sendable {
    /// The key that selects the check in a rule (`threshold:`).
    static var keyword: String { get }
    /// One paragraph for the reference documentation.
    static var summary: String { get }
    /// The fields of the check's mapping.
    static var schema: ObjectSchema { get }
    /// Examples that must pass and must block.
    static var examples: [CheckExample] { get }

    /// Builds the check from its mapping, already validated against `schema`. Semantic
    /// problems (a threshold without a bound) are appended to `diagnostics`.
    init?(_ spec: YAMLValue, diagnostics: inout [Diagnostic])

    /// Decides the rule for one subject.
    func evaluate(in context: EvaluationContext) -> CheckOutcome
}

/// What a check found: violations (none means the rule holds) and the values it read.
public struct CheckOutcome: Sendable {
    public var violations: [Violation]
    public var evidence: [Evidence]
    /// Why the rule does not apply to the subject ("run names no teacher: not a distilled
    /// model"), when it does not: the rule passes and every report says so once. Only for a
    /// subject the rule is not about; missing data for a rule that applies is a violation.
    public var notApplicable: String?

    public init(violations: [Violation] = [], evidence: [Evidence] = [], notApplicable: String? = nil) {
        self.violations = violations
        self.evidence = evidence
        self.notApplicable = notApplicable
    }

    /// The outcome of a rule that does not apply, for the reason given.
    public static func notApplicable(_ reason: String, evidence: [Evidence] = []) -> CheckOutcome {
        CheckOutcome(evidence: evidence, notApplicable: reason)
    }
}

extension CheckOutcome {
    /// Reads a finite number at `path`, recording the evidence and, when it is missing or not
    /// a number, the violation (fail closed). `name` is how the value reads in messages.
    public mutating func number(at path: String, as name: String,
                                in context: EvaluationContext) -> (value: Double, location: SourceLocation)? {
        switch context.lookup(path) {
        case .missing(let reason, let location):
            violations.append(Violation("\(name): \(reason); the rule fails closed", at: location))
            evidence.append(Evidence(path: path, value: nil, location: nil))
            return nil
        case .found(let value):
            evidence.append(Evidence(path: path, value: value, location: value.location))
            guard let number = value.number, number.isFinite else {
                violations.append(Violation(
                    "\(name) (\(path)) must be \(value.number == nil ? "a" : "a finite") number, found \(value.typeDescription) \(ValueFormatting.value(value))",
                    at: value.location))
                return nil
            }
            return (number, value.location)
        }
    }
}

/// One way a rule does not hold, located at the observed value (or where it is missing).
public struct Violation: Sendable, Hashable {
    public var message: String
    public var location: SourceLocation
    public var notes: [Finding.Note]
    /// At most this severity, whatever the rule's enforcement: a pending approval only warns.
    public var atMost: Verdict?

    public init(_ message: String, at location: SourceLocation, notes: [Finding.Note] = [], atMost: Verdict? = nil) {
        self.message = message
        self.location = location
        self.notes = notes
        self.atMost = atMost
    }
}

/// A small, complete example of a check: the rule's check mapping, the documents of the
/// subject's bundle, and the verdict the rule must reach. The subject is always a
/// PromotionRequest `req` (model `m`, version "1.0.0", staging → production) whose run is
/// `run` and whose card is `card`; the example supplies their `spec` bodies as YAML.
public struct CheckExample: Sendable {
    public var title: String
    /// The check's mapping as YAML, e.g. `{value: run.spec.serving.p95Ms, max: 25, unit: ms}`.
    public var check: String
    /// The run manifest's `spec` as YAML (bound to `run`), when the example needs one.
    public var run: String?
    /// The model card's `spec` as YAML (bound to `card`), when the example needs one.
    public var card: String?
    /// Extra fields of the request's `spec` (e.g. `canary: {...}`, `baseline: champ`, `to: staging`).
    public var request: String?
    /// Further documents of the repository, each a complete YAML document (a champion run,
    /// a teacher run, incidents, ...).
    public var documents: [String]
    /// The repository behind the documents, for checks that read history or files.
    public var repository: ExampleRepository?
    public var expect: Verdict
    /// A fragment the (first) message must contain, for blocking examples; for an example
    /// that expects the rule not to apply (`notApplicable: true`), a fragment of the reason.
    public var message: String?
    /// The rule must not apply: it passes with a not-applicable reason (and `expect` is pass).
    public var notApplicable: Bool

    public init(_ title: String, check: String, run: String? = nil, card: String? = nil,
                request: String? = nil, documents: [String] = [], repository: ExampleRepository? = nil,
                expect: Verdict, message: String? = nil, notApplicable: Bool = false) {
        self.notApplicable = notApplicable
        self.title = title
        self.check = check
        self.run = run
        self.card = card
        self.request = request
        self.documents = documents
        self.repository = repository
        self.expect = expect
        self.message = message
    }
}

/// The repository of an example: which commits exist, what files hold, which promotions
/// were merged (newest first, each a PromotionRequest `spec` in YAML with its name).
public struct ExampleRepository: RepositoryFacts, Sendable {
    public var commits: [String]
    public var files: [String: FileFacts]
    public var merged: [(name: String, spec: String)]
    /// Files as commits hold them: commit id → path → text.
    public var committed: [String: [String: String]]
    /// Local and remote-tracking branch names (`main`, `origin/main`).
    public var branches: [String]

    public init(commits: [String] = [], files: [String: FileFacts] = [:], merged: [(name: String, spec: String)] = [],
                committed: [String: [String: String]] = [:], branches: [String] = []) {
        self.commits = commits
        self.files = files
        self.merged = merged
        self.committed = committed
        self.branches = branches
    }

    public func file(at path: String, inCommit commit: String) -> CommittedFile {
        guard commits.contains(where: { $0.lowercased() == commit.lowercased() }) else { return .unknownCommit }
        guard let text = committed[commit]?[path] else { return .missing }
        return .content(Array(text.utf8))
    }

    public func branchNames() -> [String]? { branches }

    public func commitExists(_ id: String) -> Bool {
        id.count >= 4 && commits.contains { $0.lowercased().hasPrefix(id.lowercased()) }
    }

    public func file(at path: String) -> FileFacts {
        files[path] ?? .missing
    }

    public func mergedPromotions() -> [MergedPromotion] {
        merged.enumerated().compactMap { index, entry in
            let yaml = "apiVersion: tollgate/v1\nkind: PromotionRequest\nmetadata: {name: \(entry.name)}\nspec: \(entry.spec)\n"
            guard case .document(let document, _) = DocumentLoader.read(Array(yaml.utf8), path: "history/\(entry.name).yaml") else {
                return nil
            }
            return MergedPromotion(request: document, commit: String(format: "%07x", 0xabc0000 + index), date: "2026-11-0\(min(9, index + 1))T00:00:00Z")
        }
    }
}

/// Every check Tollgate knows, by keyword. Groups live in `CheckRegistry+<Group>.swift`.
public enum CheckRegistry {
    public static let all: [any Check.Type] = documentation + slo + fairness + modelQuality + data + lifecycle + expressions

    /// The checks of SPEC §2. One that is not registered makes a policy using it invalid
    /// (exit 2), never silently skipped.
    public static let specified = ["require", "threshold", "slices", "regression", "distillation", "burnRate",
                                   "drift", "lineage", "transition", "canary", "incidents", "approvals", "expr"]

    /// Checks of SPEC §2 that this version does not implement yet.
    public static var planned: [String] {
        let known = Set(all.map { $0.keyword })
        return specified.filter { !known.contains($0) }
    }

    public static func check(named keyword: String) -> (any Check.Type)? {
        all.first { $0.keyword == keyword }
    }

    /// `require`, `approvals`.
    static let documentation: [any Check.Type] = [RequireCheck.self, ApprovalsCheck.self]
    /// `threshold`.
    static let slo: [any Check.Type] = [ThresholdCheck.self] + reliability
}
