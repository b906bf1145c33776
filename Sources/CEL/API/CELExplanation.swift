/// Why an expression gave its value: the values of its parts, and the data that decided it.
///
/// A policy author reading a failed rule wants two things the bare result does not say: which
/// value in the documents made it false (so the finding can point at that value's line), and
/// what each part of the condition came to (`policy explain`).
public struct CELExplanation: Sendable, Equatable {
    /// A sub-expression and what it evaluated to.
    public struct Part: Sendable, Equatable {
        /// The sub-expression as written.
        public var text: String
        /// Its value, or nil when it could not be evaluated (then `error` says why).
        public var value: CELValue?
        public var error: String?
        /// 0 for the whole expression, 1 for its operands, 2 for theirs.
        public var depth: Int
    }

    /// The expression and its parts down to two levels, in source order, literals left out.
    public var parts: [Part]
    /// The path of the data that decided the result, in the bindings' terms: `run.spec.serving.p95Ms`,
    /// `run.spec.slices.2.support` (a list element by its index); nil when no variable's value
    /// decided it (a literal condition, or a part that could not be evaluated).
    public var decidingPath: String?
}

extension CELProgram {
    /// Explains the value of the expression: evaluates its parts again (with the same
    /// bindings, functions and resolver; all the parts share one budget of `limits`, and what
    /// exceeds it is left out) and follows the value down to the data that decided it: the
    /// false term of `&&`, the first of a false `||`, the taken branch of `?:`, the first
    /// element for which `all` is false, then the first variable read in that part.
    public func explain(
        _ bindings: [String: CELValue] = [:],
        functions: CELFunctions = .standard,
        limits: CELLimits = .default,
        resolve: ((String) throws(CELError) -> CELValue?)? = nil
    ) -> CELExplanation {
        let explainer = Explainer(source: source, evaluator: Evaluator(bindings: bindings, functions: functions,
                                                                          limits: limits, resolver: resolve))
        return CELExplanation(parts: explainer.parts(of: root), decidingPath: explainer.decidingPath(root, aliases: [:]))
    }
}

/// The work of `CELProgram.explain`, over one evaluator (so one budget).
private struct Explainer {
    let source: String
    let evaluator: Evaluator
    /// At most this many parts are listed.
    static let maxParts = 24

    func text(_ expr: Expr) -> String {
        let bytes = Array(source.utf8)
        let start = max(0, min(expr.span.start, bytes.count)), end = max(start, min(expr.span.end, bytes.count))
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    func value(_ expr: Expr) -> Result<CELValue, EvaluationError> {
        do throws(EvaluationError) {
            return .success(try evaluator.evaluate(expr))
        } catch {
            return .failure(error)
        }
    }

    func parts(of root: Expr) -> [CELExplanation.Part] {
        var parts: [CELExplanation.Part] = []
        var pending: [(Expr, Int)] = [(root, 0)]
        while let (expr, depth) = pending.popLast(), parts.count < Self.maxParts {
            if case .literal = expr.kind { continue }
            switch value(expr) {
            case .success(let value): parts.append(.init(text: text(expr), value: value, error: nil, depth: depth))
            case .failure(let error):
                if error.kind == .limit { return parts }
                parts.append(.init(text: text(expr), value: nil, error: error.message, depth: depth))
            }
            guard depth < 2 else { continue }
            let children: [Expr]
            switch expr.kind {
            case .comprehension(let comprehension): children = [comprehension.range]  // the body runs per element
            case .select, .identifier: children = []  // a path is one part
            default: children = expr.kind.children
            }
            for child in children.reversed() { pending.append((child, depth + 1)) }
        }
        return parts
    }

    /// The path of `expr` when it reads data: `a.b.c`, `a.b[2]`, `a['k']`, with comprehension
    /// variables replaced by the element they stood for.
    func path(_ expr: Expr, aliases: [String: String]) -> String? {
        switch expr.kind {
        case .identifier(let name, _):
            return aliases[name] ?? name
        case .select(let operand, let field):
            return path(operand, aliases: aliases).map { "\($0).\(field)" }
        case .index(let operand, let key):
            guard let base = path(operand, aliases: aliases), case .literal(let literal) = key.kind else { return nil }
            switch literal {
            case .int(let i): return "\(base).\(i)"
            case .uint(let u): return "\(base).\(u)"
            case .string(let s) where !s.contains("."): return "\(base).\(s)"
            default: return nil
            }
        default:
            return nil
        }
    }

    /// The first data read in `expr` (pre-order), whose value could be read.
    func firstPath(_ expr: Expr, aliases: [String: String]) -> String? {
        var pending = [expr]
        while let next = pending.popLast() {
            // has(x.f): decided by f when it is there, by x (which lacks it) when it is not.
            if case .presenceTest(let operand, let field) = next.kind, let base = path(operand, aliases: aliases) {
                if case .success(.bool(true)) = value(next) { return "\(base).\(field)" }
                if case .success = value(operand) { return base }
                continue
            }
            if let found = path(next, aliases: aliases) {
                if case .success = value(next) { return found }
                continue
            }
            if case .comprehension(let comprehension) = next.kind {
                pending.append(comprehension.range)
                continue
            }
            pending.append(contentsOf: next.kind.children.reversed())
        }
        return nil
    }

    func decidingPath(_ expr: Expr, aliases: [String: String]) -> String? {
        switch expr.kind {
        case .and(let terms), .or(let terms):
            let isAnd: Bool
            if case .and = expr.kind { isAnd = true } else { isAnd = false }
            // && is decided by a false term, || by a true one; otherwise by the first.
            let deciding = terms.first { if case .success(.bool(!isAnd)) = value($0) { return true } else { return false } }
            return decidingPath(deciding ?? terms[0], aliases: aliases)
        case .unary(.not, let operand):
            return decidingPath(operand, aliases: aliases)
        case .conditional(let condition, let then, let otherwise):
            guard case .success(.bool(let taken)) = value(condition) else { return firstPath(condition, aliases: aliases) }
            return decidingPath(taken ? then : otherwise, aliases: aliases) ?? firstPath(condition, aliases: aliases)
        case .comprehension(let comprehension) where comprehension.kind == .all || comprehension.kind == .exists:
            guard let range = path(comprehension.range, aliases: aliases) else { return firstPath(comprehension.range, aliases: aliases) }
            guard case .success(.list(let elements)) = value(comprehension.range), let predicate = comprehension.predicate else { return range }
            // all is decided by its first false element; a false exists by none in particular.
            guard comprehension.kind == .all else { return range }
            for (index, element) in elements.enumerated() {
                let outcome: CELValue?
                do throws(EvaluationError) {
                    outcome = try evaluator.evaluate(predicate, binding: comprehension.variable, to: element)
                } catch {
                    if error.kind == .limit { return range }
                    outcome = nil
                }
                if outcome == .bool(false) {
                    let elementPath = "\(range).\(index)"
                    var inner = aliases
                    inner[comprehension.variable] = elementPath
                    evaluator.pushLocal(comprehension.variable, element)
                    defer { evaluator.popLocal() }
                    return decidingPath(predicate, aliases: inner) ?? elementPath
                }
            }
            return range
        default:
            return firstPath(expr, aliases: aliases)
        }
    }
}
