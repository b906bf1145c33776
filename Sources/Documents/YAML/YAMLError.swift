import Foundation

/// A YAML file could not be turned into values. Always located.
public struct YAMLError: Error, LocalizedError, Hashable, Sendable {
    public enum Reason: Hashable, Sendable {
        /// Not UTF-8, contains NUL bytes, or otherwise not text.
        case notText
        /// libyaml rejected the syntax.
        case syntax
        /// The same key twice in one mapping.
        case duplicateKey
        /// Aliases expand the document beyond the node budget.
        case tooManyNodes
        /// Nested deeper than the depth limit.
        case tooDeep
        /// The file is larger than the size limit.
        case tooLarge
        /// A construct Tollgate does not accept (complex keys, unknown tags, ...).
        case unsupported
    }

    public var reason: Reason
    public var message: String
    public var location: SourceLocation

    public init(_ reason: Reason, _ message: String, at location: SourceLocation) {
        self.reason = reason
        self.message = message
        self.location = location
    }

    public var errorDescription: String? { "\(location): \(message)" }
}
