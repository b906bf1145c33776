/// One lexical element of a CEL expression, with where it came from.
struct Token: Sendable, Hashable {
    /// What was read.
    enum Kind: Sendable, Hashable {
        /// An identifier, including the words reserved for host languages (`as`, `if`, ...):
        /// the parser decides where those may appear (`x.if` is a field, `if` alone is not).
        case identifier(String)
        /// A `` `quoted` `` identifier, allowed only as a field name after `.`.
        case quotedIdentifier(String)
        /// An integer literal's magnitude; the parser applies a leading `-` so that
        /// `-9223372036854775808` is representable.
        case int(UInt64)
        case uint(UInt64)
        case double(Double)
        case string(String)
        case bytes([UInt8])
        case `true`, `false`, null, `in`
        // Punctuation and operators.
        case leftParen, rightParen, leftBracket, rightBracket, leftBrace, rightBrace
        case dot, comma, colon, question
        case plus, minus, star, slash, percent
        case not, and, or
        case equal, notEqual, less, lessEqual, greater, greaterEqual
        case endOfInput
    }

    var kind: Kind
    /// Where the token starts: UTF-8 offset, line and column.
    var position: SourcePosition
    /// The UTF-8 offset just past the token.
    var end: Int

    var span: SourceSpan { SourceSpan(at: position, end: end) }
}

extension Token.Kind {
    /// How the token is written, for error messages.
    var spelling: String {
        switch self {
        case .identifier(let name): return "identifier '\(name)'"
        case .quotedIdentifier(let name): return "quoted identifier `\(name)`"
        case .int, .uint, .double: return "number"
        case .string: return "string literal"
        case .bytes: return "bytes literal"
        case .true: return "'true'"
        case .false: return "'false'"
        case .null: return "'null'"
        case .in: return "'in'"
        case .leftParen: return "'('"
        case .rightParen: return "')'"
        case .leftBracket: return "'['"
        case .rightBracket: return "']'"
        case .leftBrace: return "'{'"
        case .rightBrace: return "'}'"
        case .dot: return "'.'"
        case .comma: return "','"
        case .colon: return "':'"
        case .question: return "'?'"
        case .plus: return "'+'"
        case .minus: return "'-'"
        case .star: return "'*'"
        case .slash: return "'/'"
        case .percent: return "'%'"
        case .not: return "'!'"
        case .and: return "'&&'"
        case .or: return "'||'"
        case .equal: return "'=='"
        case .notEqual: return "'!='"
        case .less: return "'<'"
        case .lessEqual: return "'<='"
        case .greater: return "'>'"
        case .greaterEqual: return "'>='"
        case .endOfInput: return "end of expression"
        }
    }
}
