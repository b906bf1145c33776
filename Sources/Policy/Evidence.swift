import Documents

/// A value a rule read, and where it was read from: what an auditor needs to see that a
/// pass is a pass. `value == nil` means the input was missing.
public struct Evidence: Hashable, Sendable {
    /// The path as the policy wrote it, e.g. `run.spec.serving.p95Ms`.
    public var path: String
    public var value: YAMLValue?
    public var location: SourceLocation?

    public init(path: String, value: YAMLValue?, location: SourceLocation?) {
        self.path = path
        self.value = value
        self.location = location
    }
}
