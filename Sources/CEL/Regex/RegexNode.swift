/// A parsed regular expression (RE2 syntax).
indirect enum RegexNode: Sendable {
    case empty
    case scalar(Unicode.Scalar, caseInsensitive: Bool)
    /// `.`: any code point, or any but `\n` unless the `s` flag is set.
    case any(matchesNewline: Bool)
    case characterClass(CharacterClass)
    case assertion(RegexAssertion)
    case concatenation([RegexNode])
    case alternation([RegexNode])
    /// `x*`, `x+`, `x?`, `x{n,m}`; `max` nil for unbounded. Greediness is parsed but does
    /// not change whether a match exists, which is all `matches` asks.
    case repetition(RegexNode, min: Int, max: Int?, greedy: Bool)
}

/// The zero-width assertions: `^`, `$` (by line with the `m` flag), `\A`, `\z`, `\b`, `\B`.
enum RegexAssertion: Sendable, Hashable {
    case beginText, endText, beginLine, endLine, wordBoundary, notWordBoundary
}
