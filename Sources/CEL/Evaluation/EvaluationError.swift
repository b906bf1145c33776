/// Why evaluating an expression failed. `&&`, `||` and the `all`/`exists` macros absorb
/// these when the other operand decides the result, except `limit`, which always stops
/// evaluation.
///
/// A class, so that every `try` on the evaluator's recursive path reserves a pointer rather
/// than the whole error (unoptimised builds reserve one slot per call site).
final class EvaluationError: Error, Sendable {
    enum Kind: Sendable, Hashable {
        case noMatchingOverload
        case noSuchKey
        case noSuchField
        case divisionByZero
        case overflow
        case indexOutOfRange
        case invalidArgument
        case conversion
        case undeclaredReference
        case undeclaredFunction
        case unsupported
        /// Thrown by a custom function.
        case custom
        /// A `CELLimits` bound was exceeded.
        case limit
    }

    let kind: Kind
    let message: String
    /// Where it happened; filled in with the failing node's position when thrown without one.
    let position: SourcePosition?

    init(_ kind: Kind, _ message: String, at position: SourcePosition? = nil) {
        self.kind = kind
        self.message = message
        self.position = position
    }

    static func noMatchingOverload(_ function: String, _ arguments: CELValue...) -> EvaluationError {
        noMatchingOverload(function, arguments)
    }

    static func noMatchingOverload(_ function: String, _ arguments: [CELValue]) -> EvaluationError {
        let types = arguments.map(\.typeName).joined(separator: ", ")
        return EvaluationError(.noMatchingOverload, "no matching overload for '\(function)' applied to (\(types))")
    }

    /// The error positioned at `position` unless it already has a position.
    func located(at position: SourcePosition) -> EvaluationError {
        guard self.position == nil else { return self }
        return EvaluationError(kind, message, at: position)
    }
}

extension CELError {
    init(_ error: EvaluationError) {
        self.init(kind: error.kind == .limit ? .limit : .evaluation, message: error.message,
                  offset: error.position?.offset, line: error.position?.line, column: error.position?.column)
    }
}

extension EvaluationError {
    /// A custom function's error, kept as a limit when it says it is one.
    convenience init(_ error: CELError) {
        self.init(error.kind == .limit ? .limit : .custom, error.message)
    }
}
