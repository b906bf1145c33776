/// A node of a parsed CEL expression: what it is, where it is, and how tall the tree under
/// it is (so that the parser can refuse trees deeper than `CELLimits.maxDepth` without ever
/// recursing over them).
struct Expr: Sendable {
    var kind: ExprKind
    var span: SourceSpan
    /// 1 for a leaf, 1 + the tallest child otherwise.
    var height: Int

    init(_ kind: ExprKind, span: SourceSpan) {
        self.kind = kind
        self.span = span
        self.height = 1 + kind.children.reduce(0) { max($0, $1.height) }
    }
}

/// The shapes of CEL expressions (langdef "Syntax"), macros already recognised.
indirect enum ExprKind: Sendable {
    /// `1`, `2u`, `3.0`, `'s'`, `b's'`, `true`, `null`.
    case literal(CELValue)
    /// A name, `x`; `.x` (`rooted`) is resolved in the root scope only, which is the only
    /// scope this implementation has.
    case identifier(String, rooted: Bool)
    /// `operand.field`.
    case select(Expr, field: String)
    /// `has(operand.field)`.
    case presenceTest(Expr, field: String)
    /// `operand[index]`.
    case index(Expr, Expr)
    /// `name(arguments)` or `target.name(arguments)`.
    case call(function: String, target: Expr?, arguments: [Expr])
    case unary(UnaryOperator, Expr)
    case binary(BinaryOperator, Expr, Expr)
    /// `a && b && …`: a chain of `&&` is one node, so long chains stay shallow.
    case and([Expr])
    /// `a || b || …`.
    case or([Expr])
    /// `condition ? then : otherwise`; only the taken branch is evaluated.
    case conditional(Expr, then: Expr, otherwise: Expr)
    case list([Expr])
    case map([MapEntry])
    /// `Name{field: value, …}`: parsed so that the error can name it, never evaluated,
    /// since there are no protocol buffer messages here.
    case message(typeName: String, fields: [FieldInitializer])
    /// `all`, `exists`, `exists_one`, `map`, `filter`.
    case comprehension(Comprehension)

    var children: [Expr] {
        switch self {
        case .literal, .identifier: return []
        case .select(let operand, _), .presenceTest(let operand, _), .unary(_, let operand): return [operand]
        case .index(let a, let b), .binary(_, let a, let b): return [a, b]
        case .and(let terms), .or(let terms): return terms
        case .call(_, let target, let arguments): return (target.map { [$0] } ?? []) + arguments
        case .conditional(let a, let b, let c): return [a, b, c]
        case .list(let elements): return elements
        case .map(let entries): return entries.flatMap { [$0.key, $0.value] }
        case .message(_, let fields): return fields.map(\.value)
        case .comprehension(let comprehension):
            return [comprehension.range] + [comprehension.predicate, comprehension.transform].compactMap { $0 }
        }
    }
}

struct MapEntry: Sendable {
    var key: Expr
    var value: Expr
}

struct FieldInitializer: Sendable {
    var field: String
    var value: Expr
}

enum UnaryOperator: String, Sendable {
    case not = "!_"
    case negate = "-_"
}

enum BinaryOperator: String, Sendable {
    case add = "_+_", subtract = "_-_", multiply = "_*_", divide = "_/_", remainder = "_%_"
    case equal = "_==_", notEqual = "_!=_"
    case less = "_<_", lessEqual = "_<=_", greater = "_>_", greaterEqual = "_>=_"
    case `in` = "@in"

    /// Binding strength: multiplication over addition over relations.
    var precedence: Int {
        switch self {
        case .multiply, .divide, .remainder: return 3
        case .add, .subtract: return 2
        default: return 1
        }
    }

    /// The operator as written in an expression.
    var symbol: String {
        switch self {
        case .add: return "+"
        case .subtract: return "-"
        case .multiply: return "*"
        case .divide: return "/"
        case .remainder: return "%"
        case .equal: return "=="
        case .notEqual: return "!="
        case .less: return "<"
        case .lessEqual: return "<="
        case .greater: return ">"
        case .greaterEqual: return ">="
        case .in: return "in"
        }
    }
}

/// A macro over a list (or a map's keys): `range.all(variable, predicate)` and friends.
struct Comprehension: Sendable {
    enum Kind: String, Sendable {
        case all, exists
        case existsOne = "exists_one"
        case map, filter
    }

    var kind: Kind
    var range: Expr
    var variable: String
    /// The condition of `all`, `exists`, `exists_one`, `filter`, and of the three-argument `map`.
    var predicate: Expr?
    /// The element expression of `map`.
    var transform: Expr?
}
