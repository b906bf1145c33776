/// The Common Expression Language (google/cel-spec `doc/langdef.md`) over plain values:
/// Tollgate's policies use it for conditions the built-in checks do not cover.
///
/// Entry points: `CELProgram` (compile once, evaluate many times), `CELValue` (inputs and
/// results), `CELFunctions` (the standard library plus host functions), `CELLimits` (the
/// bounds every evaluation runs within) and `CELError` (what went wrong, and where).
///
/// The implementation is split by phase, each with its own error type: `Lexer` (tokens with
/// positions) → `Parser` (recursive descent over the grammar, macros expanded, depth-limited)
/// → `Expr` (the tree, with source spans) → `Evaluator` (values, operators, macros, budget),
/// with the standard functions in `Functions/` and a linear-time RE2-subset matcher in
/// `Regex/`. Protocol buffer messages, containers and the type checker are not implemented.
public enum CEL {}
