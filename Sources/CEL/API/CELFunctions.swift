/// The functions an expression may call: the standard library of langdef.md plus whatever
/// the host adds (Tollgate's `psi()`, `semver()`).
///
/// Operators (`+`, `==`, `in`, …) and macros (`has`, `all`, `exists`, `exists_one`, `map`,
/// `filter`) are part of the language, not of this table, and cannot be replaced.
public struct CELFunctions: Sendable {
    typealias Builtin = @Sendable (Evaluator, [CELValue]) throws(EvaluationError) -> CELValue
    public typealias Body = @Sendable ([CELValue]) throws(CELError) -> CELValue

    enum Implementation: Sendable {
        case builtin(Builtin)
        case custom(Body)
    }

    struct Overload: Sendable {
        /// Arguments in parentheses (the receiver not counted); nil for any number.
        var arity: Int?
        var implementation: Implementation
    }

    struct Key: Sendable, Hashable {
        var name: String
        var receiver: Bool
    }

    private(set) var table: [Key: [Overload]] = [:]

    /// No functions at all, not even the standard ones.
    public static let empty = CELFunctions()

    /// The standard definitions of langdef.md: `size`, `contains`, `startsWith`, `endsWith`,
    /// `matches`, the conversions `int`, `uint`, `double`, `string`, `bool`, `bytes`, `dyn`,
    /// `type`, `duration`, `timestamp`, and the timestamp and duration getters
    /// (`getFullYear`, `getHours`, …).
    public static let standard: CELFunctions = {
        var functions = CELFunctions()
        StandardLibrary.register(into: &functions)
        return functions
    }()

    /// These functions plus `name`.
    ///
    /// - Parameters:
    ///   - name: what expressions call; a dotted name (`semver.compare`) is called as written.
    ///   - arity: how many arguments go in the parentheses (a receiver is not counted), or nil
    ///     for any number. An overload with the same name, style and arity is replaced.
    ///   - receiver: true for `target.name(args)` calls, whose body receives the target
    ///     first; false for `name(args)`. A function may be added in both styles.
    ///   - body: computes the result; it throws `CELError.noMatchingOverload(name, args)` for
    ///     argument types it does not take, or `CELError.evaluation(message)`. Errors without a
    ///     position get the call's position. Like every other error, they are absorbed by
    ///     `&&` / `||` when the other side decides the result.
    public func adding(_ name: String, arity: Int?, receiver: Bool, _ body: @escaping Body) -> CELFunctions {
        var copy = self
        copy.add(name, arity: arity, receiver: receiver, .custom(body))
        return copy
    }

    mutating func add(_ name: String, arity: Int?, receiver: Bool, _ implementation: Implementation) {
        let key = Key(name: name, receiver: receiver)
        var overloads = table[key] ?? []
        overloads.removeAll { $0.arity == arity }
        overloads.append(Overload(arity: arity, implementation: implementation))
        table[key] = overloads
    }

    mutating func builtin(_ name: String, arity: Int?, receiver: Bool, _ body: @escaping Builtin) {
        add(name, arity: arity, receiver: receiver, .builtin(body))
    }

    /// The names callable as `name(…)` and as `x.name(…)`.
    public var names: (global: Set<String>, receiver: Set<String>) {
        (Set(table.keys.filter { !$0.receiver }.map(\.name)), Set(table.keys.filter(\.receiver).map(\.name)))
    }

    /// Whether any overload of `name` exists in the given call style.
    func contains(_ name: String, receiver: Bool) -> Bool {
        table[Key(name: name, receiver: receiver)] != nil
    }

    /// The overload for a call, preferring an exact arity over a variadic one.
    func overload(_ name: String, receiver: Bool, argumentCount: Int) -> Overload? {
        guard let overloads = table[Key(name: name, receiver: receiver)] else { return nil }
        return overloads.first { $0.arity == argumentCount } ?? overloads.first { $0.arity == nil }
    }
}
