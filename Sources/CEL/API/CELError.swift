import Foundation

/// Why a CEL expression could not be compiled or evaluated.
///
/// `offset` is a UTF-8 byte offset into the expression's source (0-based, usable with
/// `source.utf8`); `line` and `column` are 1-based, the column counted in Unicode code
/// points, as libyaml counts YAML columns. To point at the expression inside a policy file,
/// add `line - 1` to the line of the YAML scalar that holds it, and for a first-line error
/// `column - 1` to its column (plain and block scalars; quoted ones shift by their quotes and
/// escapes). Parse errors point at the offending token; evaluation errors at the operator,
/// call name or selection that failed; errors thrown by a custom function without a position
/// get the position of its call.
public struct CELError: Error, LocalizedError, Sendable, Hashable, CustomStringConvertible {
    /// Which phase failed.
    public enum Kind: String, Sendable, Hashable {
        /// The source is not a CEL expression (lexical or grammar error).
        case parse
        /// Evaluation failed: no matching overload, no such key, division by zero, overflow,
        /// an unbound variable or function, a bad conversion, a custom function's error.
        case evaluation
        /// A limit of `CELLimits` was exceeded; the message names which.
        case limit
    }

    public var kind: Kind
    public var message: String
    /// UTF-8 byte offset into the source, 0-based.
    public var offset: Int?
    /// 1-based line within the source.
    public var line: Int?
    /// 1-based column within the line, in code points.
    public var column: Int?

    public init(kind: Kind, message: String, offset: Int? = nil, line: Int? = nil, column: Int? = nil) {
        self.kind = kind
        self.message = message
        self.offset = offset
        self.line = line
        self.column = column
    }

    init(kind: Kind, message: String, position: SourcePosition) {
        self.init(kind: kind, message: message, offset: position.offset, line: position.line, column: position.column)
    }

    /// An evaluation error, for custom functions: `throw CELError.evaluation("psi() needs two lists")`.
    public static func evaluation(_ message: String) -> CELError {
        CELError(kind: .evaluation, message: message)
    }

    /// The standard error of a function given arguments it has no overload for, for custom
    /// functions: "no matching overload for 'psi' applied to (list, string)".
    public static func noMatchingOverload(_ function: String, _ arguments: [CELValue]) -> CELError {
        let types = arguments.map(\.typeName).joined(separator: ", ")
        return CELError(kind: .evaluation, message: "no matching overload for '\(function)' applied to (\(types))")
    }

    /// "line 1, column 7: …", or the bare message without a position.
    public var description: String {
        guard let line, let column else { return message }
        return "line \(line), column \(column): \(message)"
    }

    public var errorDescription: String? { description }
}
