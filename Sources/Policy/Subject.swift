import Documents

/// What a verdict is about: a document (`PromotionRequest/fraud-student-2.1.0-production`),
/// or a file that claims to be a Tollgate document but could not be read as one.
public struct Subject: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var kind: DocumentKind?
    public var name: String?
    public var file: String

    public init(kind: DocumentKind?, name: String?, file: String) {
        self.kind = kind
        self.name = name
        self.file = file
    }

    public init(_ document: Document) {
        self.init(kind: document.kind, name: document.name, file: document.file)
    }

    public var description: String {
        if let kind, let name { return "\(kind.rawValue)/\(name)" }
        return file
    }

    public static func < (lhs: Subject, rhs: Subject) -> Bool {
        (lhs.file, lhs.description) < (rhs.file, rhs.description)
    }
}
