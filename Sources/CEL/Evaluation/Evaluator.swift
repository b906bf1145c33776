/// Evaluates a parsed expression against variable bindings, functions and limits.
///
/// Errors are Swift errors (`EvaluationError`) rather than values; `&&`, `||`, `all`,
/// `exists` and the conditional catch them where CEL says an error is absorbed (`false &&
/// error` and `error && false` are both false), which is the same semantics as error values.
/// Limit errors are never absorbed. The evaluator recurses over the tree, whose height the
/// parser bounded by `CELLimits.maxDepth`.
final class Evaluator {
    typealias Resolver = (String) throws(CELError) -> CELValue?

    let functions: CELFunctions
    let limits: CELLimits
    private let bindings: [String: CELValue]
    private let resolver: Resolver?
    /// Names already asked of `resolver`, with its answers (nil: not a variable).
    private var resolved: [String: CELValue?] = [:]
    /// Comprehension variables in scope, innermost last.
    private var locals: [(name: String, value: CELValue)] = []
    private(set) var cost = 0
    private var iterations = 0
    /// Compiled regular expressions by pattern, for `matches` inside comprehensions.
    var regexCache: [String: RegexProgram] = [:]
    private let stackGuard = StackGuard()

    init(bindings: [String: CELValue], functions: CELFunctions, limits: CELLimits, resolver: Resolver?) {
        self.bindings = bindings
        self.functions = functions
        self.limits = limits
        self.resolver = resolver
    }

    // MARK: Budget

    /// Spends `units` of the cost budget.
    func charge(_ units: Int) throws(EvaluationError) {
        cost += units
        if cost > limits.maxCost {
            throw EvaluationError(.limit, "evaluation cost exceeded the limit of \(limits.maxCost) (CELLimits.maxCost)")
        }
    }

    private func countIteration() throws(EvaluationError) {
        iterations += 1
        if iterations > limits.maxIterations {
            throw EvaluationError(.limit, "comprehensions ran more than the limit of \(limits.maxIterations) iterations (CELLimits.maxIterations)")
        }
    }

    /// Refuses a produced list or map larger than the collection limit.
    func checkCollection(_ count: Int) throws(EvaluationError) {
        if count > limits.maxCollectionSize {
            throw EvaluationError(.limit, "a list or map of \(count) elements exceeds the limit of \(limits.maxCollectionSize) (CELLimits.maxCollectionSize)")
        }
    }

    /// Refuses a produced string or bytes value longer than the string limit.
    func checkString(_ byteCount: Int) throws(EvaluationError) {
        if byteCount > limits.maxStringLength {
            throw EvaluationError(.limit, "a string or bytes value of \(byteCount) bytes exceeds the limit of \(limits.maxStringLength) (CELLimits.maxStringLength)")
        }
    }

    /// Checks a value that a custom function produced against the size limits, charging
    /// its size.
    func checkProduced(_ value: CELValue) throws(EvaluationError) {
        switch value {
        case .string(let s): try checkString(s.utf8.count)
        case .bytes(let b): try checkString(b.count)
        case .list(let l): try checkCollection(l.count)
        case .map(let m): try checkCollection(m.count)
        default: break
        }
        try chargeSize(of: value)
    }

    /// Charges the abstract size of a value that evaluation built (langdef "Abstract
    /// Sizes": one per value, plus its elements, plus a string's length / 8).
    ///
    /// Lists share their elements, so `l.map(x, [x + x, x + x])` chained builds values
    /// whose size doubles at every step while costing almost nothing to build; charging
    /// the size stops such an expression before anyone (a reporter printing the result)
    /// has to walk it. The walk stops as soon as the budget is exceeded, so it costs at
    /// most the remaining budget.
    func chargeSize(of value: CELValue) throws(EvaluationError) {
        let remaining = limits.maxCost - cost
        var size = 0
        var pending = [value]
        while let next = pending.popLast(), size <= remaining {
            size += 1
            switch next {
            case .string(let s): size += s.utf8.count / 8
            case .bytes(let b): size += b.count / 8
            case .list(let elements): pending.append(contentsOf: elements)
            case .map(let map):
                size += map.count
                for (_, element) in map { pending.append(element) }
            default: break
            }
        }
        try charge(size)
    }

    // MARK: Dispatch

    /// The value of `expr`.
    func evaluate(_ expr: Expr) throws(EvaluationError) -> CELValue {
        try charge(1)
        if !stackGuard.hasRoom() { throw EvaluationError(.limit, StackGuard.message, at: expr.span.location) }
        do throws(EvaluationError) {
            // The cases bind nothing here: in unoptimised builds every binding would take
            // stack space in this frame, which every level of recursion repeats.
            switch expr.kind {
            case .literal(let value): return value
            case .identifier: return try identifier(expr)
            case .select: return try select(expr)
            case .presenceTest: return try presenceTest(expr)
            case .index: return try index(expr)
            case .call: return try call(expr)
            case .unary: return try unary(expr)
            case .binary: return try binary(expr)
            case .and, .or: return try logical(expr)
            case .conditional: return try conditional(expr)
            case .list: return try list(expr)
            case .map: return try map(expr)
            case .message: return try message(expr)
            case .comprehension: return try comprehension(expr)
            }
        } catch {
            throw error.located(at: expr.span.location)
        }
    }

    private func message(_ expr: Expr) throws(EvaluationError) -> CELValue {
        guard case .message(let typeName, _) = expr.kind else { return .null }
        throw EvaluationError(.unsupported, "cannot create '\(typeName)': protocol buffer messages are not supported")
    }

    // MARK: Names

    private func local(_ name: String) -> CELValue? {
        for entry in locals.reversed() where entry.name == name { return entry.value }
        return nil
    }

    /// A variable bound outside the expression (bindings, then the resolver), or a type name.
    private func global(_ name: String) throws(EvaluationError) -> CELValue? {
        if let value = bindings[name] { return value }
        if let resolver {
            if let known = resolved[name] {
                if let known { return known }
            } else {
                let value: CELValue?
                do throws(CELError) {
                    value = try resolver(name)
                } catch {
                    throw EvaluationError(error)
                }
                resolved[name] = .some(value)
                if let value { return value }
            }
        }
        if CELValue.typeNames.contains(name) { return .type(name) }
        return nil
    }

    private func identifier(_ expr: Expr) throws(EvaluationError) -> CELValue {
        guard case .identifier(let name, _) = expr.kind else { return .null }
        if let value = local(name) { return value }
        if let value = try global(name) { return value }
        throw EvaluationError(.undeclaredReference, "undeclared reference to '\(name)'")
    }

    /// `a.b.c` may name a variable called "a.b.c" (tried first), or select `c` from a
    /// variable "a.b", or `b.c` from "a": the longest bound prefix wins, as langdef's name
    /// resolution says, unless `a` is a comprehension variable.
    private func qualifiedVariable(_ expr: Expr) throws(EvaluationError) -> CELValue? {
        guard let name = Parser.qualifiedName(expr), let root = name.split(separator: ".").first,
              local(String(root)) == nil
        else { return nil }
        return try global(name)
    }

    private func select(_ expr: Expr) throws(EvaluationError) -> CELValue {
        guard case .select(let operand, let field) = expr.kind else { return .null }
        if let value = try qualifiedVariable(expr) { return value }
        let base = try evaluate(operand)
        switch base {
        case .map(let map):
            guard let value = map[.string(field)] else {
                throw EvaluationError(.noSuchKey, "no such key: '\(field)'")
            }
            return value
        default:
            throw EvaluationError(.noSuchField, "type '\(base.typeName)' does not support field selection (selecting '\(field)')")
        }
    }

    private func presenceTest(_ expr: Expr) throws(EvaluationError) -> CELValue {
        guard case .presenceTest(let operand, let field) = expr.kind else { return .null }
        let base = try evaluate(operand)
        guard case .map(let map) = base else {
            throw EvaluationError(.noSuchField, "has() cannot test a field of type '\(base.typeName)'")
        }
        return .bool(map[.string(field)] != nil)
    }

    // MARK: Operators

    private func index(_ expr: Expr) throws(EvaluationError) -> CELValue {
        guard case .index(let operand, let indexExpr) = expr.kind else { return .null }
        let base = try evaluate(operand)
        let index = try evaluate(indexExpr)
        switch base {
        case .list(let elements):
            let position: Int64
            switch index {
            case .int(let i): position = i
            case .uint(let u): position = u > UInt64(Int64.max) ? Int64.max : Int64(u)
            case .double(let d) where d.rounded(.towardZero) == d && abs(d) < 9.2e18: position = Int64(d)
            case .double(let d):
                throw EvaluationError(.invalidArgument, "list index \(CELFormatting.double(d)) is not an integer")
            default:
                throw EvaluationError.noMatchingOverload("_[_]", base, index)
            }
            guard position >= 0, position < Int64(elements.count) else {
                throw EvaluationError(.indexOutOfRange, "index \(position) out of range for a list of \(elements.count) elements")
            }
            return elements[Int(position)]
        case .map(let map):
            guard let key = Self.mapKey(index) else {
                throw EvaluationError(.noSuchKey, "no such key: \(CELFormatting.abbreviated(index)) (a map key is an int, uint, bool or string)")
            }
            guard let value = map[key] else { throw EvaluationError(.noSuchKey, "no such key: \(CELFormatting.abbreviated(index))") }
            return value
        default:
            throw EvaluationError.noMatchingOverload("_[_]", base, index)
        }
    }

    /// The map key a value looks up: ints, uints, bools, strings, and doubles with an
    /// integral value (`{1: x}[1.0]` finds the entry).
    static func mapKey(_ value: CELValue) -> CELMapKey? {
        if case .double(let d) = value {
            guard d.rounded(.towardZero) == d else { return nil }
            if d >= 0, d < 1.8446744073709552e19 { return .uint(UInt64(d)) }
            if d < 0, d >= -9.223372036854775808e18 { return .int(Int64(d)) }
            return nil
        }
        return CELMapKey(value)
    }

    private func unary(_ expr: Expr) throws(EvaluationError) -> CELValue {
        guard case .unary(let op, let operand) = expr.kind else { return .null }
        let value = try evaluate(operand)
        switch (op, value) {
        case (.not, .bool(let b)): return .bool(!b)
        case (.negate, .int(let i)):
            guard i != Int64.min else { throw EvaluationError(.overflow, "integer overflow negating \(i)") }
            return .int(-i)
        case (.negate, .double(let d)): return .double(-d)
        case (.negate, .duration(let d)):
            guard let negated = -d else { throw EvaluationError(.overflow, "duration out of range") }
            return .duration(negated)
        default:
            throw EvaluationError.noMatchingOverload(op.rawValue, value)
        }
    }

    private func binary(_ expr: Expr) throws(EvaluationError) -> CELValue {
        guard case .binary(let op, let leftExpr, let rightExpr) = expr.kind else { return .null }
        let left = try evaluate(leftExpr)
        let right = try evaluate(rightExpr)
        return try Operators.apply(op, left, right, evaluator: self)
    }

    /// `&&` and `||`, commutative: an operand that decides the result (false for `&&`, true
    /// for `||`) wins over errors and non-booleans among the others, wherever it stands.
    /// Evaluation stops at the first deciding operand.
    private func logical(_ expr: Expr) throws(EvaluationError) -> CELValue {
        switch expr.kind {
        case .and(let terms): return try logical(terms, and: true)
        case .or(let terms): return try logical(terms, and: false)
        default: return .null
        }
    }

    private func logical(_ terms: [Expr], and: Bool) throws(EvaluationError) -> CELValue {
        let decisive = !and
        var firstError: EvaluationError?
        for term in terms {
            switch try absorbing({ () throws(EvaluationError) in try evaluate(term) }) {
            case .success(.bool(decisive)): return .bool(decisive)
            case .success(.bool): continue
            case .success(let value):
                firstError = firstError ?? EvaluationError.noMatchingOverload(and ? "_&&_" : "_||_", value)
                    .located(at: term.span.location)
            case .failure(let error):
                firstError = firstError ?? error
            }
        }
        if let firstError { throw firstError }
        return .bool(!decisive)
    }

    /// The result of `body`, with an ordinary error kept as a failure; limit errors propagate.
    private func absorbing(_ body: () throws(EvaluationError) -> CELValue) throws(EvaluationError) -> Result<CELValue, EvaluationError> {
        do throws(EvaluationError) {
            return .success(try body())
        } catch {
            if error.kind == .limit { throw error }
            return .failure(error)
        }
    }

    private func conditional(_ expr: Expr) throws(EvaluationError) -> CELValue {
        guard case .conditional(let condition, let then, let otherwise) = expr.kind else { return .null }
        switch try evaluate(condition) {
        case .bool(true): return try evaluate(then)
        case .bool(false): return try evaluate(otherwise)
        case let value: throw EvaluationError.noMatchingOverload("_?_:_", value)
        }
    }

    // MARK: Literals

    private func list(_ expr: Expr) throws(EvaluationError) -> CELValue {
        guard case .list(let elements) = expr.kind else { return .null }
        try checkCollection(elements.count)
        var values: [CELValue] = []
        values.reserveCapacity(elements.count)
        for element in elements { values.append(try evaluate(element)) }
        let list = CELValue.list(values)
        try chargeSize(of: list)
        return list
    }

    private func map(_ expr: Expr) throws(EvaluationError) -> CELValue {
        guard case .map(let entries) = expr.kind else { return .null }
        try checkCollection(entries.count)
        var map = CELMap()
        for entry in entries {
            let key = try evaluate(entry.key)
            guard let mapKey = CELMapKey(key) else {
                throw EvaluationError(.invalidArgument, "unsupported key type '\(key.typeName)' in a map literal (keys are int, uint, bool or string)")
                    .located(at: entry.key.span.location)
            }
            let value = try evaluate(entry.value)
            guard map[mapKey] == nil else {
                throw EvaluationError(.invalidArgument, "repeated key \(CELFormatting.abbreviated(key)) in a map literal").located(at: entry.key.span.location)
            }
            map[mapKey] = value
        }
        let result = CELValue.map(map)
        try chargeSize(of: result)
        return result
    }

    // MARK: Calls

    private func call(_ expr: Expr) throws(EvaluationError) -> CELValue {
        guard case .call(let function, let target, let arguments) = expr.kind else { return .null }
        if let target, let qualified = try namespacedFunction(function, target) {
            return try apply(qualified, receiver: false, try evaluateAll(arguments, receiver: nil))
        }
        return try apply(function, receiver: target != nil, try evaluateAll(arguments, receiver: target))
    }

    /// "a.b.f" for `a.b.f(…)` when a function of that name exists and `a` is no variable.
    private func namespacedFunction(_ function: String, _ target: Expr) throws(EvaluationError) -> String? {
        guard let namespace = Parser.qualifiedName(target) else { return nil }
        let qualified = namespace + "." + function
        guard functions.contains(qualified, receiver: false),
              let root = namespace.split(separator: ".").first, local(String(root)) == nil,
              try global(namespace) == nil
        else { return nil }
        return qualified
    }

    /// The values of a call's receiver (if any) and arguments, in order.
    private func evaluateAll(_ arguments: [Expr], receiver: Expr?) throws(EvaluationError) -> [CELValue] {
        var values: [CELValue] = []
        values.reserveCapacity(arguments.count + 1)
        if let receiver { values.append(try evaluate(receiver)) }
        for argument in arguments { values.append(try evaluate(argument)) }
        return values
    }

    /// Calls `function` with evaluated arguments (the receiver first for receiver calls).
    func apply(_ function: String, receiver: Bool, _ values: [CELValue]) throws(EvaluationError) -> CELValue {
        let count = receiver ? values.count - 1 : values.count
        guard let overload = functions.overload(function, receiver: receiver, argumentCount: count) else {
            if functions.contains(function, receiver: receiver) || functions.contains(function, receiver: !receiver) {
                throw EvaluationError.noMatchingOverload(function, values)
            }
            throw EvaluationError(.undeclaredFunction, "undeclared function '\(function)'")
        }
        switch overload.implementation {
        case .builtin(let body):
            return try body(self, values)
        case .custom(let body):
            let result: CELValue
            do throws(CELError) {
                result = try body(values)
            } catch {
                throw EvaluationError(error)
            }
            try checkProduced(result)
            return result
        }
    }

    // MARK: Macros

    private func comprehension(_ expr: Expr) throws(EvaluationError) -> CELValue {
        guard case .comprehension(let comprehension) = expr.kind else { return .null }
        let range = try evaluate(comprehension.range)
        let elements: [CELValue]
        switch range {
        case .list(let list): elements = list
        case .map(let map): elements = map.keys.map(\.value)
        default:
            throw EvaluationError.noMatchingOverload(comprehension.kind.rawValue, range)
        }
        let variable = comprehension.variable
        switch comprehension.kind {
        case .all, .exists:
            // Combined like && (all) or || (exists): a deciding element wins over errors.
            let decisive = comprehension.kind == .exists
            var firstError: EvaluationError?
            for element in elements {
                let outcome = try absorbing { () throws(EvaluationError) in
                    try step(variable, element, comprehension.predicate)
                }
                switch outcome {
                case .success(.bool(decisive)): return .bool(decisive)
                case .success(.bool): continue
                case .success(let value):
                    firstError = firstError ?? EvaluationError.noMatchingOverload(comprehension.kind.rawValue, value)
                case .failure(let error):
                    firstError = firstError ?? error
                }
            }
            if let firstError { throw firstError }
            return .bool(!decisive)
        case .existsOne:
            var count = 0
            for element in elements {
                switch try step(variable, element, comprehension.predicate) {
                case .bool(true): count += 1
                case .bool(false): continue
                case let value: throw EvaluationError.noMatchingOverload("exists_one", value)
                }
            }
            return .bool(count == 1)
        case .filter:
            var kept: [CELValue] = []
            for element in elements {
                switch try step(variable, element, comprehension.predicate) {
                case .bool(true): kept.append(element)
                case .bool(false): continue
                case let value: throw EvaluationError.noMatchingOverload("filter", value)
                }
            }
            try charge(kept.count)
            return .list(kept)
        case .map:
            var mapped: [CELValue] = []
            for element in elements {
                if let predicate = comprehension.predicate {
                    switch try step(variable, element, predicate) {
                    case .bool(true): break
                    case .bool(false): continue
                    case let value: throw EvaluationError.noMatchingOverload("map", value)
                    }
                }
                let value = try step(variable, element, comprehension.transform)
                try chargeSize(of: value)
                mapped.append(value)
                try checkCollection(mapped.count)
            }
            try charge(mapped.count)
            return .list(mapped)
        }
    }

    /// `body` with `variable` bound to `value`, outside any comprehension: for explaining
    /// which element of a list decided a macro (`CELProgram.explain`).
    func evaluate(_ body: Expr, binding variable: String, to value: CELValue) throws(EvaluationError) -> CELValue {
        locals.append((variable, value))
        defer { locals.removeLast() }
        return try evaluate(body)
    }

    /// Binds a comprehension variable around several evaluations (`CELProgram.explain`).
    func pushLocal(_ variable: String, _ value: CELValue) { locals.append((variable, value)) }
    func popLocal() { locals.removeLast() }

    /// One comprehension step: `body` with `variable` bound to `element`.
    private func step(_ variable: String, _ element: CELValue, _ body: Expr?) throws(EvaluationError) -> CELValue {
        try countIteration()
        guard let body else { return element }
        locals.append((variable, element))
        defer { locals.removeLast() }
        return try evaluate(body)
    }
}
