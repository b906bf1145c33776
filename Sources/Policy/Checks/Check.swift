import Documents

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

    public init(violations: [Violation] = [], evidence: [Evidence] = []) {
        self.violations = violations
        self.evidence = evidence
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
/// subject's bundle, and the verdict the rule must reach.
public struct CheckExample: Sendable {
    public var title: String
    /// The check's mapping as YAML, e.g. `{value: run.spec.serving.p95Ms, max: 25, unit: ms}`.
    public var check: String
    /// The run manifest's `spec` as YAML (bound to `run`), when the example needs one.
    public var run: String?
    /// The model card's `spec` as YAML (bound to `card`), when the example needs one.
    public var card: String?
    public var expect: Verdict
    /// A fragment the (first) message must contain, for blocking examples.
    public var message: String?

    public init(_ title: String, check: String, run: String? = nil, card: String? = nil,
                expect: Verdict, message: String? = nil) {
        self.title = title
        self.check = check
        self.run = run
        self.card = card
        self.expect = expect
        self.message = message
    }
}

/// Every check Tollgate knows, by keyword.
public enum CheckRegistry {
    public static let all: [any Check.Type] = [ThresholdCheck.self, RequireCheck.self, ApprovalsCheck.self]

    /// Check keywords of SPEC §2 that this version does not implement yet: a rule using
    /// one is an invalid policy (exit 2), never silently skipped.
    public static let planned = ["slices", "regression", "distillation", "burnRate", "drift",
                                 "lineage", "transition", "canary", "incidents", "expr"]

    public static func check(named keyword: String) -> (any Check.Type)? {
        all.first { $0.keyword == keyword }
    }
}
