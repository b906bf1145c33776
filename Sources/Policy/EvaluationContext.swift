import Documents

/// The names a rule can read (SPEC §2) for one subject, and how to read a path through them.
///
/// A PromotionRequest binds `request`, `run`, `card`, `baseline`, `teacher`, `incidents`
/// and `approvals`; a ModelCard or RunManifest binds `card` / `run` and what they
/// reference. Every subject also binds `subject` (itself).
public struct EvaluationContext: Sendable {
    /// A bound name: a document, a list of documents, or nothing with the reason why.
    public struct Binding: Sendable {
        public var value: YAMLValue?
        /// Why the name is unbound ("the request's spec.run 'run-9' does not exist").
        public var missingReason: String?
        /// Where to point when the name is unbound.
        public var missingLocation: SourceLocation?

        public static func document(_ document: Document) -> Binding {
            Binding(value: document.root, missingReason: nil, missingLocation: nil)
        }

        public static func documents(_ documents: [Document], at location: SourceLocation) -> Binding {
            Binding(value: YAMLValue(.list(documents.map(\.root)), at: location), missingReason: nil, missingLocation: nil)
        }

        public static func missing(_ reason: String, at location: SourceLocation) -> Binding {
            Binding(value: nil, missingReason: reason, missingLocation: location)
        }
    }

    /// The names SPEC §2 binds, in the order the reference documents them.
    public static let names = ["subject", "request", "run", "card", "baseline", "teacher", "incidents", "approvals"]

    public var subject: Document
    public var documents: DocumentSet
    public var bindings: [String: Binding]
    /// What the history proves about the subject's Approval documents (empty when the
    /// subject is not a request, or no history was consulted: then nothing counts).
    public var approvals: [AttributedApproval]
    /// The repository behind the documents (commits, files, merged promotions); nil when
    /// there is none (then checks that need it fail closed).
    public var repository: (any RepositoryFacts)?
    /// The lifecycle stages of the Config, in order.
    public var stages: [String]
    /// The variables of the policy whose rules are being evaluated (`expr` rules read them).
    public var variables: [PolicyVariable] = []
    /// Who last changed a file of the evaluated state, as the history proves it (`signedBy`);
    /// nil when no history was consulted (then the check fails closed).
    public var fileSignature: (@Sendable (String) -> FileSignature)?

    public init(subject: Document, documents: DocumentSet, bindings: [String: Binding],
                approvals: [AttributedApproval] = [], repository: (any RepositoryFacts)? = nil,
                stages: [String] = ["development", "staging", "production", "retired"]) {
        self.subject = subject
        self.documents = documents
        self.bindings = bindings
        self.approvals = approvals
        self.repository = repository
        self.stages = stages
    }

    /// The result of reading a path such as `run.spec.serving.p95Ms`.
    public enum Lookup: Sendable {
        case found(YAMLValue)
        /// The path is absent: why, and where to point (the deepest part that exists).
        case missing(reason: String, location: SourceLocation)
    }

    public func lookup(_ path: String) -> Lookup {
        // Walked in place (no component array): every rule reads its paths for every subject.
        var components = PathComponents(path)
        guard let head = components.next() else {
            return .missing(reason: "empty path", location: subject.nameLocation)
        }
        guard let binding = bindings[String(head)] else {
            return .missing(reason: "\(path) cannot be read: '\(head)' is not bound for \(subject.kind.rawValue) subjects",
                            location: subject.nameLocation)
        }
        guard var current = binding.value else {
            return .missing(reason: "\(path) cannot be read: \(binding.missingReason ?? "'\(head)' is not available")",
                            location: binding.missingLocation ?? subject.nameLocation)
        }
        var anchor = current.location
        while let component = components.next() {
            if case .list(let list) = current.kind, let index = Int(component), list.indices.contains(index) {
                current = list[index]
                anchor = current.location
            } else if case .map(let map) = current.kind, let entry = map.entries.first(where: { $0.key == component }) {
                current = entry.value
                anchor = entry.keyLocation
            } else {
                let parts = sequence(state: PathComponents(String(path[..<component.startIndex]))) { $0.next() }.map(String.init)
                return .missing(reason: "\(path) is missing (\(parts.joined(separator: ".")) has no '\(component)')", location: anchor)
            }
        }
        if current.isNull {
            return .missing(reason: "\(path) is empty", location: anchor)
        }
        return .found(current)
    }
}
