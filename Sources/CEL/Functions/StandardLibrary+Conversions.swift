/// The type conversions: `int`, `uint`, `double`, `string`, `bool`, `bytes`, `dyn`, `type`,
/// `duration`, `timestamp`. Conversions that lose the value (out of range, not a number)
/// are errors, never silent wraps.
extension StandardLibrary {
    static func registerConversions(into functions: inout CELFunctions) {
        functions.builtin("int", arity: 1, receiver: false) { _, arguments throws(EvaluationError) in
            switch arguments[0] {
            case .int: return arguments[0]
            case .uint(let u):
                guard u <= UInt64(Int64.max) else { throw rangeError(arguments[0], "int") }
                return .int(Int64(u))
            case .double(let d):
                // Strictly inside (-2^63, 2^63): the bounds themselves do not round-trip.
                guard d > -9.223372036854775808e18, d < 9.223372036854775808e18 else { throw rangeError(arguments[0], "int") }
                return .int(Int64(d.rounded(.towardZero)))
            case .string(let s):
                guard let value = Int64(s) else { throw conversionError(s, "int") }
                return .int(value)
            case .timestamp(let t):
                return .int(t.seconds)
            default:
                throw EvaluationError.noMatchingOverload("int", arguments)
            }
        }
        functions.builtin("uint", arity: 1, receiver: false) { _, arguments throws(EvaluationError) in
            switch arguments[0] {
            case .uint: return arguments[0]
            case .int(let i):
                guard i >= 0 else { throw rangeError(arguments[0], "uint") }
                return .uint(UInt64(i))
            case .double(let d):
                guard d > -1, d < 1.8446744073709552e19 else { throw rangeError(arguments[0], "uint") }
                return .uint(UInt64(d.rounded(.towardZero)))
            case .string(let s):
                guard let value = UInt64(s) else { throw conversionError(s, "uint") }
                return .uint(value)
            default:
                throw EvaluationError.noMatchingOverload("uint", arguments)
            }
        }
        functions.builtin("double", arity: 1, receiver: false) { _, arguments throws(EvaluationError) in
            switch arguments[0] {
            case .double: return arguments[0]
            case .int(let i): return .double(Double(i))
            case .uint(let u): return .double(Double(u))
            case .string(let s):
                guard let value = Double(s) else { throw conversionError(s, "double") }
                return .double(value)
            default:
                throw EvaluationError.noMatchingOverload("double", arguments)
            }
        }
        functions.builtin("string", arity: 1, receiver: false) { evaluator, arguments throws(EvaluationError) in
            switch arguments[0] {
            case .string: return arguments[0]
            case .int(let i): return .string(String(i))
            case .uint(let u): return .string(String(u))
            case .double(let d): return .string(CELFormatting.double(d))
            case .bool(let b): return .string(b ? "true" : "false")
            case .bytes(let b):
                try evaluator.charge(b.count / 8)
                let text = String(decoding: b, as: UTF8.self)
                guard text.utf8.elementsEqual(b) else {
                    throw EvaluationError(.conversion, "bytes are not valid UTF-8, so they have no string form")
                }
                return .string(text)
            case .timestamp(let t): return .string(t.description)
            case .duration(let d): return .string(d.description)
            default:
                throw EvaluationError.noMatchingOverload("string", arguments)
            }
        }
        functions.builtin("bool", arity: 1, receiver: false) { _, arguments throws(EvaluationError) in
            switch arguments[0] {
            case .bool: return arguments[0]
            case .string(let s):
                switch s {
                case "1", "t", "true", "TRUE", "True": return .bool(true)
                case "0", "f", "false", "FALSE", "False": return .bool(false)
                default: throw conversionError(s, "bool")
                }
            default:
                throw EvaluationError.noMatchingOverload("bool", arguments)
            }
        }
        functions.builtin("bytes", arity: 1, receiver: false) { evaluator, arguments throws(EvaluationError) in
            switch arguments[0] {
            case .bytes: return arguments[0]
            case .string(let s):
                try evaluator.charge(s.utf8.count / 8)
                return .bytes(Array(s.utf8))
            default:
                throw EvaluationError.noMatchingOverload("bytes", arguments)
            }
        }
        functions.builtin("dyn", arity: 1, receiver: false) { _, arguments throws(EvaluationError) in arguments[0] }
        functions.builtin("type", arity: 1, receiver: false) { _, arguments throws(EvaluationError) in
            .type(arguments[0].typeName)
        }
        functions.builtin("duration", arity: 1, receiver: false) { _, arguments throws(EvaluationError) in
            switch arguments[0] {
            case .duration: return arguments[0]
            case .string(let s):
                guard let duration = CELDuration(parsing: s) else {
                    throw EvaluationError(.conversion, "invalid duration \(CELFormatting.abbreviated(.string(s))) (expected a form like \"1h30m\", \"1.5s\", \"-2m\"; range about ±292 years)")
                }
                return .duration(duration)
            default:
                throw EvaluationError.noMatchingOverload("duration", arguments)
            }
        }
        functions.builtin("timestamp", arity: 1, receiver: false) { _, arguments throws(EvaluationError) in
            switch arguments[0] {
            case .timestamp: return arguments[0]
            case .string(let s):
                guard let timestamp = CELTimestamp(parsing: s) else {
                    throw EvaluationError(.conversion, "invalid timestamp \(CELFormatting.abbreviated(.string(s))) (expected RFC 3339, like \"2024-05-01T12:00:00Z\", years 1 to 9999)")
                }
                return .timestamp(timestamp)
            case .int(let seconds):
                guard let timestamp = CELTimestamp(seconds: seconds) else {
                    throw EvaluationError(.overflow, "timestamp \(seconds) seconds after the epoch is out of range (years 1 to 9999)")
                }
                return .timestamp(timestamp)
            default:
                throw EvaluationError.noMatchingOverload("timestamp", arguments)
            }
        }
    }

    private static func rangeError(_ value: CELValue, _ type: String) -> EvaluationError {
        EvaluationError(.overflow, "range error converting \(value) to \(type)")
    }

    private static func conversionError(_ text: String, _ type: String) -> EvaluationError {
        EvaluationError(.conversion, "type conversion error: \(CELFormatting.abbreviated(.string(text))) is not a valid \(type)")
    }
}
