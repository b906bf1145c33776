/// The standard function definitions of langdef.md, registered into `CELFunctions.standard`.
enum StandardLibrary {
    static func register(into functions: inout CELFunctions) {
        registerStrings(into: &functions)
        registerConversions(into: &functions)
        registerTime(into: &functions)
    }

    // MARK: size, contains, startsWith, endsWith, matches

    private static func registerStrings(into functions: inout CELFunctions) {
        let size: CELFunctions.Builtin = { _, arguments throws(EvaluationError) in
            switch arguments[0] {
            case .string(let s): return .int(Int64(s.unicodeScalars.count))
            case .bytes(let b): return .int(Int64(b.count))
            case .list(let l): return .int(Int64(l.count))
            case .map(let m): return .int(Int64(m.count))
            default: throw EvaluationError.noMatchingOverload("size", arguments)
            }
        }
        functions.builtin("size", arity: 1, receiver: false, size)
        functions.builtin("size", arity: 0, receiver: true, size)

        functions.builtin("contains", arity: 1, receiver: true) { evaluator, arguments throws(EvaluationError) in
            guard case .string(let text) = arguments[0], case .string(let part) = arguments[1] else {
                throw EvaluationError.noMatchingOverload("contains", arguments)
            }
            try evaluator.charge((text.utf8.count + part.utf8.count) / 8)
            return .bool(Substrings.contains(Array(text.utf8), Array(part.utf8)))
        }
        functions.builtin("startsWith", arity: 1, receiver: true) { evaluator, arguments throws(EvaluationError) in
            guard case .string(let text) = arguments[0], case .string(let prefix) = arguments[1] else {
                throw EvaluationError.noMatchingOverload("startsWith", arguments)
            }
            try evaluator.charge(prefix.utf8.count / 8)
            return .bool(text.utf8.starts(with: prefix.utf8))
        }
        functions.builtin("endsWith", arity: 1, receiver: true) { evaluator, arguments throws(EvaluationError) in
            guard case .string(let text) = arguments[0], case .string(let suffix) = arguments[1] else {
                throw EvaluationError.noMatchingOverload("endsWith", arguments)
            }
            try evaluator.charge(suffix.utf8.count / 8)
            return .bool(text.utf8.reversed().starts(with: suffix.utf8.reversed()))
        }
        let matches: CELFunctions.Builtin = { evaluator, arguments throws(EvaluationError) in
            guard case .string(let text) = arguments[0], case .string(let pattern) = arguments[1] else {
                throw EvaluationError.noMatchingOverload("matches", arguments)
            }
            let program: RegexProgram
            if let cached = evaluator.regexCache[pattern] {
                program = cached
            } else {
                do throws(RegexError) {
                    program = try RegexProgram(pattern)
                } catch {
                    throw EvaluationError(.invalidArgument, "invalid regular expression \(CELFormatting.abbreviated(.string(pattern))): \(error.message)")
                }
                evaluator.regexCache[pattern] = program
            }
            let scalars = Array(text.unicodeScalars)
            // The matcher runs in time proportional to text length × program size.
            try evaluator.charge(scalars.count + scalars.count * program.size / 8)
            return .bool(program.search(scalars))
        }
        functions.builtin("matches", arity: 1, receiver: true, matches)
        functions.builtin("matches", arity: 2, receiver: false, matches)
    }
}
