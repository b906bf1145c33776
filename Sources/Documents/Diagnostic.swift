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

extension Diagnostic {
    /// The note an unreadable file's diagnostic carries when the file still shows which
    /// document it was meant to be (`kind:` and `metadata.name` found by a line scan, or
    /// read from a document with a wrong apiVersion). Documents that name that one can
    /// then say it "cannot be read" instead of "does not exist", and point here. A note,
    /// so that it is kept with the diagnostic wherever readings are stored.
    public static func declaresNote(_ reference: DocumentReference, at location: SourceLocation) -> Note {
        Note("this file declares \(reference.kind.rawValue) '\(reference.name)'", at: location)
    }

    /// The document this diagnostic's file declares (see `declaresNote`), if it says.
    public var declaredDocument: DocumentReference? {
        let prefix = "this file declares "
        for note in notes where note.message.hasPrefix(prefix) {
            let rest = note.message.dropFirst(prefix.count)
            guard let space = rest.firstIndex(of: " "), let kind = DocumentKind(rawValue: String(rest[..<space])) else { continue }
            let quoted = rest[rest.index(after: space)...]
            guard quoted.count >= 2, quoted.first == "'", quoted.last == "'" else { continue }
            return DocumentReference(kind: kind, name: String(quoted.dropFirst().dropLast()))
        }
        return nil
    }
}
