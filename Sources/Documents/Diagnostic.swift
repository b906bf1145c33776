/// A problem with a document, located in its file.
///
/// Diagnostics come from reading documents (YAML, envelope, schema, references);
/// the policy layer turns them into findings of the built-in `document/*` rules.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    /// What part of reading found the problem; becomes the rule name `document/<code>`.
    public enum Code: String, Hashable, Sendable, Codable, CaseIterable {
        /// The file is not readable YAML (syntax, binary, encoding, budgets).
        case yaml
        /// The envelope (`apiVersion`, `kind`, `metadata`) is wrong.
        case envelope
        /// A field of `spec` is missing, unknown or of the wrong type.
        case schema
        /// A name refers to a document that does not exist.
        case reference
        /// Two documents of one kind share a `metadata.name`.
        case duplicateName = "duplicate-name"
    }

    public enum Severity: String, Hashable, Sendable, Codable {
        case error, warning
    }

    /// A related place, e.g. the first definition of a duplicated name.
    public struct Note: Hashable, Sendable {
        public var message: String
        public var location: SourceLocation

        public init(_ message: String, at location: SourceLocation) {
            self.message = message
            self.location = location
        }
    }

    public var code: Code
    public var severity: Severity
    public var message: String
    public var location: SourceLocation
    public var notes: [Note]

    public init(_ code: Code, _ message: String, at location: SourceLocation,
                severity: Severity = .error, notes: [Note] = []) {
        self.code = code
        self.severity = severity
        self.message = message
        self.location = location
        self.notes = notes
    }

    public var description: String { "\(location): \(severity.rawValue): \(message)" }
}
