/// The binary operators over evaluated operands: arithmetic with overflow checks and no
/// implicit conversions (`1 + 1u` has no overload), concatenation within the size limits,
/// time arithmetic, comparisons and `in`.
enum Operators {
    static func apply(_ op: BinaryOperator, _ left: CELValue, _ right: CELValue, evaluator: Evaluator) throws(EvaluationError) -> CELValue {
        switch op {
        case .add: return try add(left, right, evaluator)
        case .subtract: return try subtract(left, right)
        case .multiply: return try multiply(left, right)
        case .divide: return try divide(left, right)
        case .remainder: return try remainder(left, right)
        case .equal, .notEqual:
            var work = 0
            let equal = ValueComparison.equal(left, right, work: &work)
            try evaluator.charge(work)
            return .bool(op == .equal ? equal : !equal)
        case .less, .lessEqual, .greater, .greaterEqual:
            guard let order = ValueComparison.order(left, right) else {
                throw EvaluationError.noMatchingOverload(op.rawValue, left, right)
            }
            switch (op, order) {
            case (_, .unordered): return .bool(false)
            case (.less, _): return .bool(order == .less)
            case (.lessEqual, _): return .bool(order != .greater)
            case (.greater, _): return .bool(order == .greater)
            default: return .bool(order != .less)
            }
        case .in: return try contains(right, left, evaluator)
        }
    }

    private static func overflow(_ op: String) -> EvaluationError {
        EvaluationError(.overflow, "integer overflow in '\(op)'")
    }

    private static func add(_ left: CELValue, _ right: CELValue, _ evaluator: Evaluator) throws(EvaluationError) -> CELValue {
        switch (left, right) {
        case (.int(let a), .int(let b)):
            let (sum, o) = a.addingReportingOverflow(b)
            if o { throw overflow("+") }
            return .int(sum)
        case (.uint(let a), .uint(let b)):
            let (sum, o) = a.addingReportingOverflow(b)
            if o { throw overflow("+") }
            return .uint(sum)
        case (.double(let a), .double(let b)): return .double(a + b)
        case (.string(let a), .string(let b)):
            let length = a.utf8.count + b.utf8.count
            try evaluator.checkString(length)
            try evaluator.charge(length / 8)
            return .string(a + b)
        case (.bytes(let a), .bytes(let b)):
            try evaluator.checkString(a.count + b.count)
            try evaluator.charge((a.count + b.count) / 8)
            return .bytes(a + b)
        case (.list(let a), .list(let b)):
            try evaluator.checkCollection(a.count + b.count)
            let result = CELValue.list(a + b)
            try evaluator.chargeSize(of: result)
            return result
        case (.timestamp(let t), .duration(let d)), (.duration(let d), .timestamp(let t)):
            guard let sum = t + d else { throw EvaluationError(.overflow, "timestamp out of range") }
            return .timestamp(sum)
        case (.duration(let a), .duration(let b)):
            guard let sum = a + b else { throw EvaluationError(.overflow, "duration out of range") }
            return .duration(sum)
        default:
            throw EvaluationError.noMatchingOverload("_+_", left, right)
        }
    }

    private static func subtract(_ left: CELValue, _ right: CELValue) throws(EvaluationError) -> CELValue {
        switch (left, right) {
        case (.int(let a), .int(let b)):
            let (difference, o) = a.subtractingReportingOverflow(b)
            if o { throw overflow("-") }
            return .int(difference)
        case (.uint(let a), .uint(let b)):
            let (difference, o) = a.subtractingReportingOverflow(b)
            if o { throw overflow("-") }
            return .uint(difference)
        case (.double(let a), .double(let b)): return .double(a - b)
        case (.timestamp(let a), .timestamp(let b)):
            guard let difference = a - b else { throw EvaluationError(.overflow, "duration out of range") }
            return .duration(difference)
        case (.timestamp(let t), .duration(let d)):
            guard let negated = -d, let difference = t + negated else {
                throw EvaluationError(.overflow, "timestamp out of range")
            }
            return .timestamp(difference)
        case (.duration(let a), .duration(let b)):
            guard let negated = -b, let difference = a + negated else {
                throw EvaluationError(.overflow, "duration out of range")
            }
            return .duration(difference)
        default:
            throw EvaluationError.noMatchingOverload("_-_", left, right)
        }
    }

    private static func multiply(_ left: CELValue, _ right: CELValue) throws(EvaluationError) -> CELValue {
        switch (left, right) {
        case (.int(let a), .int(let b)):
            let (product, o) = a.multipliedReportingOverflow(by: b)
            if o { throw overflow("*") }
            return .int(product)
        case (.uint(let a), .uint(let b)):
            let (product, o) = a.multipliedReportingOverflow(by: b)
            if o { throw overflow("*") }
            return .uint(product)
        case (.double(let a), .double(let b)): return .double(a * b)
        default:
            throw EvaluationError.noMatchingOverload("_*_", left, right)
        }
    }

    private static func divide(_ left: CELValue, _ right: CELValue) throws(EvaluationError) -> CELValue {
        switch (left, right) {
        case (.int(let a), .int(let b)):
            if b == 0 { throw EvaluationError(.divisionByZero, "division by zero") }
            let (quotient, o) = a.dividedReportingOverflow(by: b)
            if o { throw overflow("/") }
            return .int(quotient)
        case (.uint(let a), .uint(let b)):
            if b == 0 { throw EvaluationError(.divisionByZero, "division by zero") }
            return .uint(a / b)
        case (.double(let a), .double(let b)): return .double(a / b)
        default:
            throw EvaluationError.noMatchingOverload("_/_", left, right)
        }
    }

    private static func remainder(_ left: CELValue, _ right: CELValue) throws(EvaluationError) -> CELValue {
        switch (left, right) {
        case (.int(let a), .int(let b)):
            if b == 0 { throw EvaluationError(.divisionByZero, "modulus by zero") }
            let (rest, o) = a.remainderReportingOverflow(dividingBy: b)
            if o { throw overflow("%") }
            return .int(rest)
        case (.uint(let a), .uint(let b)):
            if b == 0 { throw EvaluationError(.divisionByZero, "modulus by zero") }
            return .uint(a % b)
        default:
            throw EvaluationError.noMatchingOverload("_%_", left, right)
        }
    }

    /// `element in collection`: list membership by CEL equality, or map key presence.
    private static func contains(_ collection: CELValue, _ element: CELValue, _ evaluator: Evaluator) throws(EvaluationError) -> CELValue {
        switch collection {
        case .list(let elements):
            var work = 0
            for candidate in elements where ValueComparison.equal(element, candidate, work: &work) {
                try evaluator.charge(work)
                return .bool(true)
            }
            try evaluator.charge(work)
            return .bool(false)
        case .map(let map):
            guard let key = Evaluator.mapKey(element) else { return .bool(false) }
            return .bool(map[key] != nil)
        default:
            throw EvaluationError.noMatchingOverload("@in", element, collection)
        }
    }
}
