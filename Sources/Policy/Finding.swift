import Documents

/// One reason for a verdict: a rule that did not hold for a subject, located where the
/// observed value is written, with notes pointing at related places (the bound in the
/// policy file, the first definition of a duplicate name).
public struct Finding: Hashable, Sendable {
    public struct Note: Hashable, Sendable {
        public var message: String
        public var location: SourceLocation

        public init(_ message: String, at location: SourceLocation) {
            self.message = message
            self.location = location
        }
    }

    /// `<policy>/<rule>`; built-in document checks are `document/<code>`.
    public var ruleID: String
    public var subject: Subject
    /// `.block` or `.warn`.
    public var severity: Verdict
    public var message: String
    public var location: SourceLocation
    public var notes: [Note]
    public var runbook: String?
    public var tags: [String]
    /// The waiver in force that waives this finding ("waiver-name until 2026-12-31"), if any.
    public var waivedBy: String?

    /// Whether the finding counts towards a verdict (it is not waived).
    public var isActive: Bool { waivedBy == nil }

    public init(ruleID: String, subject: Subject, severity: Verdict, message: String,
                location: SourceLocation, notes: [Note] = [], runbook: String? = nil, tags: [String] = []) {
        self.ruleID = ruleID
        self.subject = subject
        self.severity = severity
        self.message = message
        self.location = location
        self.notes = notes
        self.runbook = runbook
        self.tags = tags
    }

    /// A finding of a built-in `document/*` rule from a diagnostic.
    public init(_ diagnostic: Diagnostic, subject: Subject) {
        self.init(ruleID: "document/\(diagnostic.code.rawValue)", subject: subject,
                  severity: diagnostic.severity == .error ? .block : .warn,
                  message: diagnostic.message, location: diagnostic.location,
                  notes: diagnostic.notes.map { Note($0.message, at: $0.location) })
    }
}
