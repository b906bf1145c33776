/// Bounds on what one expression may cost, so that a hostile or careless policy stops with
/// a `CELError` of kind `.limit` instead of exhausting time, memory or the stack.
///
/// The defaults suit policy conditions (short expressions over documents of a few thousand
/// values) and stop every known blow-up (deep nesting, chained macros, repeated doubling,
/// catastrophic regular expressions) well under a second.
public struct CELLimits: Sendable, Hashable {
    /// Longest source accepted, in UTF-8 bytes. Checked by `CELProgram.init`.
    public var maxExpressionLength: Int
    /// Deepest nesting of the syntax tree (parentheses, operands, calls, literals). Checked by
    /// `CELProgram.init`; it also bounds the evaluator's recursion. The grammar's minimum is 32;
    /// `&&` and `||` chains are balanced, so a chain of n terms costs about log2(n) levels.
    public var maxDepth: Int
    /// Evaluation budget: one unit per evaluated node, plus one per element, byte or code
    /// point that an operation produces, scans or compares (concatenation, conversions,
    /// `contains`, `matches` (text length × pattern size / 8), equality of collections).
    public var maxCost: Int
    /// Comprehension steps (`all`, `exists`, `exists_one`, `map`, `filter`), summed over the
    /// whole evaluation, nested ones included.
    public var maxIterations: Int
    /// Most elements of a list or entries of a map that evaluation may produce.
    public var maxCollectionSize: Int
    /// Longest string or bytes value evaluation may produce, in UTF-8 bytes.
    public var maxStringLength: Int

    public init(
        maxExpressionLength: Int = 100_000,
        maxDepth: Int = 250,
        maxCost: Int = 1_000_000,
        maxIterations: Int = 100_000,
        maxCollectionSize: Int = 100_000,
        maxStringLength: Int = 1_000_000
    ) {
        self.maxExpressionLength = maxExpressionLength
        self.maxDepth = maxDepth
        self.maxCost = maxCost
        self.maxIterations = maxIterations
        self.maxCollectionSize = maxCollectionSize
        self.maxStringLength = maxStringLength
    }

    /// 100,000 bytes of source, 250 levels, 1,000,000 cost units, 100,000 iterations,
    /// 100,000 elements, 1,000,000 bytes per string.
    public static let `default` = CELLimits()
}
