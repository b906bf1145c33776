/// A compiled CEL expression, ready to evaluate any number of times.
///
/// ```swift
/// let program = try CELProgram("metrics.auc >= 0.9 && !('deprecated' in labels)")
/// let verdict = try program.evaluate(["metrics": ["auc": 0.93], "labels": ["prod"]])
/// ```
///
/// Parsing fails with a `CELError` of kind `.parse` (or `.limit` for a source longer than
/// `maxExpressionLength` or nested deeper than `maxDepth`); it does not check names, so an
/// unknown variable or function is an evaluation error, which `&&`/`||` may absorb
/// (`x || true` is true even without `x`).
public struct CELProgram: Sendable {
    /// The expression as written.
    public let source: String
    let root: Expr

    /// The variables the expression refers to: root names of identifiers and of qualified
    /// names (`a` for `a.b.c`), without comprehension variables (`x` in `l.all(x, x > 0)`)
    /// and without type names used as values (`int`, `string`, …). Bind or resolve these.
    public let freeVariables: Set<String>

    /// The expression's qualified name when it is nothing but one (`run.spec.serving`): a
    /// policy variable that only names data, whose reads can be traced back to that data.
    public var qualifiedName: String? { Parser.qualifiedName(root) }

    /// Lexes and parses `source`.
    public init(_ source: String, limits: CELLimits = .default) throws(CELError) {
        self.source = source
        self.root = try Parser.parse(source, limits: limits)
        var names = Set<String>()
        Self.collectFreeVariables(root, bound: [], into: &names)
        self.freeVariables = names
    }

    /// Evaluates the expression.
    ///
    /// - Parameters:
    ///   - bindings: variable values by name. A name may be dotted (`"model.name"`); then
    ///     `model.name` in the expression is that variable (the longest bound prefix of a
    ///     qualified name wins, as langdef's name resolution says).
    ///   - functions: what calls resolve to; `.standard` plus whatever `adding` put there.
    ///   - limits: the cost, iteration and size bounds of this evaluation.
    ///   - resolve: lazy variables. Called, at most once per name and evaluation, for a
    ///     name the expression uses that `bindings` lacks, only when evaluation reaches it
    ///     (so `false && expensive` never asks for `expensive`); nil means "no such
    ///     variable". For `a.b.c` it is asked "a.b.c", then "a.b", then "a", until one is
    ///     known. It may itself evaluate other programs (policy variables built from
    ///     earlier ones); a `CELError` it throws becomes this evaluation's error (kind
    ///     `.limit` stays a limit; any other kind is an evaluation error that `&&`/`||` may
    ///     absorb).
    /// - Returns: the value; never an error value.
    /// - Throws: `CELError` of kind `.evaluation` or `.limit`, positioned in the source.
    public func evaluate(
        _ bindings: [String: CELValue] = [:],
        functions: CELFunctions = .standard,
        limits: CELLimits = .default,
        resolve: ((String) throws(CELError) -> CELValue?)? = nil
    ) throws(CELError) -> CELValue {
        let evaluator = Evaluator(bindings: bindings, functions: functions, limits: limits, resolver: resolve)
        do throws(EvaluationError) {
            return try evaluator.evaluate(root)
        } catch {
            throw CELError(error)
        }
    }

    /// Walks the tree with an explicit stack (no recursion: the tree may be as deep as
    /// `maxDepth`, and this runs on the caller's stack, unguarded).
    private static func collectFreeVariables(_ root: Expr, bound: Set<String>, into names: inout Set<String>) {
        var pending: [(expr: Expr, bound: Set<String>)] = [(root, bound)]
        while let (expr, bound) = pending.popLast() {
            switch expr.kind {
            case .identifier(let name, _):
                if !bound.contains(name) && !CELValue.typeNames.contains(name) { names.insert(name) }
            case .comprehension(let comprehension):
                pending.append((comprehension.range, bound))
                var inner = bound
                inner.insert(comprehension.variable)
                for body in [comprehension.predicate, comprehension.transform].compactMap({ $0 }) {
                    pending.append((body, inner))
                }
            default:
                for child in expr.kind.children { pending.append((child, bound)) }
            }
        }
    }
}
