/// Builds the syntax tree of a CEL expression by recursive descent over the grammar of
/// langdef.md, one function per production (the production is in each doc comment), and
/// expands the macros (`has`, `all`, `exists`, `exists_one`, `map`, `filter`).
///
/// Recursion is bounded: every nested `Expr` counts one level of `CELLimits.maxDepth`
/// before the parser descends into it, and every node it builds checks that the tree
/// under it is no taller than the same limit, so the evaluator (which recurses over the
/// tree) is bounded too. A `StackGuard` backs both up on threads with small stacks.
struct Parser {
    private let tokens: [Token]
    private var current = 0
    private let maxDepth: Int
    private var depth = 0
    private let stackGuard = StackGuard()

    private init(tokens: [Token], maxDepth: Int) {
        self.tokens = tokens
        self.maxDepth = maxDepth
    }

    /// The tree of `source`, or why it has none.
    static func parse(_ source: String, limits: CELLimits) throws(CELError) -> Expr {
        let length = source.utf8.count
        if length > limits.maxExpressionLength {
            throw CELError(
                kind: .limit,
                message: "expression is \(length) bytes long, more than the limit of \(limits.maxExpressionLength) (CELLimits.maxExpressionLength)",
                position: .start)
        }
        let tokens: [Token]
        do throws(LexerError) {
            tokens = try Lexer.tokenize(source)
        } catch {
            throw CELError(error)
        }
        var parser = Parser(tokens: tokens, maxDepth: max(1, limits.maxDepth))
        do throws(ParserError) {
            let expr = try parser.expression()
            guard case .endOfInput = parser.peek.kind else {
                throw parser.unexpected(expecting: "an operator or the end of the expression")
            }
            return expr
        } catch {
            throw CELError(error)
        }
    }

    // MARK: Token access

    private var peek: Token { tokens[current] }

    /// Whether the next token is of `kind` (kept out of line: comparing in place costs the
    /// recursive functions stack space for temporaries in unoptimised builds).
    private func at(_ kind: Token.Kind) -> Bool { tokens[current].kind == kind }

    private enum MemberSuffix { case none, selection, index, message }

    /// What follows a member expression.
    private func memberSuffix() -> MemberSuffix {
        switch tokens[current].kind {
        case .dot: return .selection
        case .leftBracket: return .index
        case .leftBrace: return .message
        default: return .none
        }
    }

    private enum PrimaryStart { case literal, parenthesis, list, map, identifier, rootedIdentifier }

    /// What starts a primary expression.
    private func primaryStart() -> PrimaryStart {
        switch tokens[current].kind {
        case .leftParen: return .parenthesis
        case .leftBracket: return .list
        case .leftBrace: return .map
        case .identifier: return .identifier
        case .dot: return .rootedIdentifier
        default: return .literal
        }
    }

    private func atBinaryOperator() -> Bool { Self.binaryOperator(tokens[current].kind) != nil }

    private func peek(_ ahead: Int) -> Token {
        tokens[min(current + ahead, tokens.count - 1)]
    }

    @discardableResult
    private mutating func advance() -> Token {
        let token = tokens[current]
        if current < tokens.count - 1 { current += 1 }
        return token
    }

    private mutating func match(_ kind: Token.Kind) -> Token? {
        guard peek.kind == kind else { return nil }
        return advance()
    }

    @discardableResult
    private mutating func expect(_ kind: Token.Kind, _ context: String) throws(ParserError) -> Token {
        guard let token = match(kind) else { throw unexpected(expecting: "\(kind.spelling) \(context)") }
        return token
    }

    private func unexpected(expecting: String) -> ParserError {
        ParserError(message: "expected \(expecting), found \(peek.kind.spelling)", position: peek.position)
    }

    /// A node, refused if the tree under it is taller than the depth limit.
    private func make(_ kind: ExprKind, _ span: SourceSpan) throws(ParserError) -> Expr {
        let expr = Expr(kind, span: span)
        if expr.height > maxDepth {
            throw ParserError(
                message: "expression nests deeper than the limit of \(maxDepth) levels (CELLimits.maxDepth)",
                position: span.location, isLimit: true)
        }
        return expr
    }

    // MARK: Productions

    // Unoptimised builds give every temporary of a function its own stack slot, and the
    // functions on the recursive path (expression → logical → arithmetic → unary → member →
    // primary → expression) are on the stack once per nesting level. So each of them only
    // dispatches, and the work with many temporaries lives in helpers that return before
    // recursing.

    /// `Expr = ConditionalOr ["?" ConditionalOr ":" Expr] ;`
    private mutating func expression() throws(ParserError) -> Expr {
        depth += 1
        defer { depth -= 1 }
        if depth > maxDepth || !stackGuard.hasRoom() { throw depthError() }
        let condition = try logical()
        guard at(.question) else { return condition }
        return try conditional(condition)
    }

    private func depthError() -> ParserError {
        let message = depth > maxDepth
            ? "expression nests deeper than the limit of \(maxDepth) levels (CELLimits.maxDepth)" : StackGuard.message
        return ParserError(message: message, position: peek.position, isLimit: true)
    }

    /// `"?" ConditionalOr ":" Expr`, the rest of a conditional after its condition.
    private mutating func conditional(_ condition: Expr) throws(ParserError) -> Expr {
        let question = advance()
        let then = try logical()
        try expect(.colon, "in a conditional expression 'condition ? a : b'")
        let otherwise = try expression()
        return try make(
            .conditional(condition, then: then, otherwise: otherwise),
            condition.span.covering(otherwise.span).reporting(at: question.position))
    }

    /// `ConditionalOr = [ConditionalOr "||"] ConditionalAnd ;`
    /// `ConditionalAnd = [ConditionalAnd "&&"] Relation ;`
    private mutating func logical() throws(ParserError) -> Expr {
        let first = try arithmetic()
        guard at(.and) || at(.or) else { return first }
        return try logicalChain(first)
    }

    /// Both logical productions in one loop: a chain of `&&` (or `||`) becomes one n-ary
    /// node, which CEL's commutative semantics allow and which keeps long chains shallow.
    private mutating func logicalChain(_ first: Expr) throws(ParserError) -> Expr {
        var disjuncts: [Expr] = []
        var conjuncts = [first]
        var orToken: Token?
        var andToken: Token?
        while true {
            if let token = match(.and) {
                andToken = andToken ?? token
                conjuncts.append(try arithmetic())
            } else if let token = match(.or) {
                orToken = orToken ?? token
                disjuncts.append(try chain(conjuncts, at: andToken, or: false))
                conjuncts = [try arithmetic()]
                andToken = nil
            } else {
                break
            }
        }
        disjuncts.append(try chain(conjuncts, at: andToken, or: false))
        return try chain(disjuncts, at: orToken, or: true)
    }

    /// The n-ary `&&` or `||` of `terms` (the term itself when there is one), reported at
    /// the first operator.
    private func chain(_ terms: [Expr], at token: Token?, or: Bool) throws(ParserError) -> Expr {
        guard terms.count > 1, let token, let first = terms.first, let last = terms.last else { return terms[0] }
        let span = first.span.covering(last.span).reporting(at: token.position)
        return try make(or ? .or(terms) : .and(terms), span)
    }

    /// `Relation = [Relation Relop] Addition ;`
    /// `Relop = "<" | "<=" | ">=" | ">" | "==" | "!=" | "in" ;`
    /// `Addition = [Addition ("+" | "-")] Multiplication ;`
    /// `Multiplication = [Multiplication ("*" | "/" | "%")] Unary ;`
    private mutating func arithmetic() throws(ParserError) -> Expr {
        let first = try unary()
        guard atBinaryOperator() else { return first }
        return try arithmeticChain(first)
    }

    /// The three left-associative levels, parsed by operator precedence with explicit stacks
    /// (one recursion level per nested expression rather than three).
    private mutating func arithmeticChain(_ first: Expr) throws(ParserError) -> Expr {
        var operands = [first]
        var operators: [(op: BinaryOperator, token: Token)] = []
        while let op = Self.binaryOperator(peek.kind) {
            let token = advance()
            while let top = operators.last, top.op.precedence >= op.precedence {
                operators.removeLast()
                try reduce(&operands, top.op, top.token)
            }
            operators.append((op, token))
            operands.append(try unary())
        }
        while let top = operators.popLast() {
            try reduce(&operands, top.op, top.token)
        }
        return operands[0]
    }

    private func reduce(_ operands: inout [Expr], _ op: BinaryOperator, _ token: Token) throws(ParserError) {
        let right = operands.removeLast()
        let left = operands.removeLast()
        operands.append(try make(.binary(op, left, right), left.span.covering(right.span).reporting(at: token.position)))
    }

    private static func binaryOperator(_ kind: Token.Kind) -> BinaryOperator? {
        switch kind {
        case .less: return .less
        case .lessEqual: return .lessEqual
        case .greater: return .greater
        case .greaterEqual: return .greaterEqual
        case .equal: return .equal
        case .notEqual: return .notEqual
        case .in: return .in
        case .plus: return .add
        case .minus: return .subtract
        case .star: return .multiply
        case .slash: return .divide
        case .percent: return .remainder
        default: return nil
        }
    }

    /// `Unary = Member | "!" {"!"} Member | "-" {"-"} Member ;`
    private mutating func unary() throws(ParserError) -> Expr {
        guard at(.not) || at(.minus) else { return try member() }
        return try prefixed()
    }

    /// The `!` or `-` alternatives of `Unary`. A `-` directly before an integer literal
    /// negates the literal itself, so that `-9223372036854775808` (whose magnitude is no
    /// `int`) can be written.
    private mutating func prefixed() throws(ParserError) -> Expr {
        var operators: [Token] = []
        let kind = peek.kind
        while peek.kind == kind { operators.append(advance()) }
        var operand: Expr
        if kind == .minus, case .int(let magnitude) = peek.kind, !Self.continuesMember(peek(1).kind) {
            let literal = advance()
            let sign = operators.removeLast()
            guard magnitude <= UInt64(Int64.max) + 1 else {
                throw ParserError(message: "integer literal -\(magnitude) is below the smallest int", position: sign.position)
            }
            let value = magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
            operand = try make(.literal(.int(value)), SourceSpan(at: sign.position, end: literal.end))
        } else {
            operand = try member()
        }
        for token in operators.reversed() {
            let op: UnaryOperator = kind == .not ? .not : .negate
            operand = try make(.unary(op, operand), SourceSpan(at: token.position, end: operand.span.end))
        }
        return operand
    }

    private static func continuesMember(_ kind: Token.Kind) -> Bool {
        kind == .dot || kind == .leftBracket || kind == .leftParen || kind == .leftBrace
    }

    /// `Member = Primary | Member "." IDENT ["(" [ExprList] ")"] | Member "[" Expr "]"`
    /// `       | Member "{" [FieldInits] "}" ;`
    private mutating func member() throws(ParserError) -> Expr {
        var expr = try primary()
        while true {
            switch memberSuffix() {
            case .selection: expr = try selection(expr)
            case .index: expr = try indexing(expr)
            case .message: expr = try messageLiteral(expr)
            case .none: return expr
            }
        }
    }

    /// `Member "." IDENT ["(" [ExprList] ")"]`
    private mutating func selection(_ expr: Expr) throws(ParserError) -> Expr {
        let dot = advance()
        let nameToken = advance()
        switch nameToken.kind {
        case .identifier(let name):
            if match(.leftParen) != nil {
                let arguments = try expressionList(closing: .rightParen, context: "to close the argument list")
                let close = tokens[current - 1]
                let span = SourceSpan(location: nameToken.position, start: expr.span.start, end: close.end)
                return try receiverCall(name, target: expr, arguments: arguments, span: span)
            }
            let span = SourceSpan(location: dot.position, start: expr.span.start, end: nameToken.end)
            return try make(.select(expr, field: name), span)
        case .quotedIdentifier(let name):
            let span = SourceSpan(location: dot.position, start: expr.span.start, end: nameToken.end)
            return try make(.select(expr, field: name), span)
        default:
            current -= 1
            throw unexpected(expecting: "a field or function name after '.'")
        }
    }

    /// `Member "[" Expr "]"`
    private mutating func indexing(_ expr: Expr) throws(ParserError) -> Expr {
        let open = advance()
        let index = try expression()
        let close = try expect(.rightBracket, "to close the index")
        return try make(.index(expr, index), SourceSpan(location: open.position, start: expr.span.start, end: close.end))
    }

    /// `Member "{" [FieldInits] "}"`
    private mutating func messageLiteral(_ expr: Expr) throws(ParserError) -> Expr {
        guard let typeName = Self.qualifiedName(expr) else {
            throw unexpected(expecting: "an operator (only a message type name may be followed by '{')")
        }
        advance()
        let fields = try fieldInitializers()
        let close = tokens[current - 1]
        let span = SourceSpan(location: expr.span.location, start: expr.span.start, end: close.end)
        return try make(.message(typeName: typeName, fields: fields), span)
    }

    /// `Primary = ["."] IDENT ["(" [ExprList] ")"] | "(" Expr ")" | "[" [ExprList] "]"`
    /// `        | "{" [MapInits] "}" | LITERAL ;`
    private mutating func primary() throws(ParserError) -> Expr {
        switch primaryStart() {
        case .parenthesis: return try parenthesized()
        case .list: return try listLiteral()
        case .map: return try mapLiteral()
        case .identifier: return try identifierOrCall(rooted: false)
        case .rootedIdentifier: return try identifierOrCall(rooted: true)
        case .literal: return try literal()
        }
    }

    /// `"(" Expr ")"`
    private mutating func parenthesized() throws(ParserError) -> Expr {
        advance()
        let inner = try expression()
        try expect(.rightParen, "to close the parenthesis")
        return inner
    }

    /// `"[" [ExprList] "]"`
    private mutating func listLiteral() throws(ParserError) -> Expr {
        let open = advance()
        let elements = try expressionList(closing: .rightBracket, context: "to close the list", trailingComma: true)
        return try make(.list(elements), SourceSpan(at: open.position, end: tokens[current - 1].end))
    }

    /// `"{" [MapInits] "}"`
    private mutating func mapLiteral() throws(ParserError) -> Expr {
        let open = advance()
        let entries = try mapInitializers()
        return try make(.map(entries), SourceSpan(at: open.position, end: tokens[current - 1].end))
    }

    /// `LITERAL = INT_LIT | UINT_LIT | FLOAT_LIT | STRING_LIT | BYTES_LIT | BOOL_LIT | NULL_LIT ;`
    private mutating func literal() throws(ParserError) -> Expr {
        let token = peek
        let value: CELValue
        switch token.kind {
        case .int(let magnitude):
            guard magnitude <= UInt64(Int64.max) else {
                throw ParserError(message: "integer literal \(magnitude) is larger than the largest int (use a 'u' suffix for uint)", position: token.position)
            }
            value = .int(Int64(magnitude))
        case .uint(let v): value = .uint(v)
        case .double(let v): value = .double(v)
        case .string(let v): value = .string(v)
        case .bytes(let v): value = .bytes(v)
        case .true: value = .bool(true)
        case .false: value = .bool(false)
        case .null: value = .null
        case .quotedIdentifier(let name):
            throw ParserError(message: "a quoted identifier (`\(name)`) may only follow '.'", position: token.position)
        default:
            throw unexpected(expecting: "an expression")
        }
        advance()
        return try make(.literal(value), token.span)
    }

    /// The words langdef reserves for host languages: not usable as names, though allowed as
    /// field and function names after a dot.
    static let reservedWords: Set<String> = [
        "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let",
        "loop", "package", "namespace", "return", "var", "void", "while",
    ]

    /// `["."] IDENT ["(" [ExprList] ")"]`, the first alternative of `Primary`.
    private mutating func identifierOrCall(rooted: Bool) throws(ParserError) -> Expr {
        let start = peek.position
        if rooted {
            advance()
            guard case .identifier = peek.kind else { throw unexpected(expecting: "an identifier after a leading '.'") }
        }
        let token = advance()
        guard case .identifier(let name) = token.kind else { throw unexpected(expecting: "an identifier") }
        if Self.reservedWords.contains(name) {
            throw ParserError(message: "'\(name)' is a reserved word and cannot be used as a name", position: token.position)
        }
        guard match(.leftParen) != nil else {
            return try make(.identifier(name, rooted: rooted), SourceSpan(at: start, end: token.end))
        }
        let arguments = try expressionList(closing: .rightParen, context: "to close the argument list")
        let span = SourceSpan(location: token.position, start: start.offset, end: tokens[current - 1].end)
        if name == "has" && !rooted {
            guard arguments.count == 1, case .select(let operand, let field) = arguments[0].kind else {
                throw ParserError(message: "has() takes one field selection, as in has(m.f)", position: token.position)
            }
            return try make(.presenceTest(operand, field: field), span)
        }
        return try make(.call(function: name, target: nil, arguments: arguments), span)
    }

    /// `target.name(arguments)`: a macro when the name and argument count are a macro's,
    /// otherwise a receiver-style call.
    private func receiverCall(_ name: String, target: Expr, arguments: [Expr], span: SourceSpan) throws(ParserError) -> Expr {
        let kind: Comprehension.Kind?
        switch (name, arguments.count) {
        case ("all", 2): kind = .all
        case ("exists", 2): kind = .exists
        case ("exists_one", 2): kind = .existsOne
        case ("filter", 2): kind = .filter
        case ("map", 2), ("map", 3): kind = .map
        default: kind = nil
        }
        guard let kind else {
            return try make(.call(function: name, target: target, arguments: arguments), span)
        }
        guard case .identifier(let variable, rooted: false) = arguments[0].kind else {
            throw ParserError(
                message: "the first argument of \(name)() must be a simple name for the element, as in \(name)(x, …)",
                position: arguments[0].span.location)
        }
        var comprehension = Comprehension(kind: kind, range: target, variable: variable)
        switch (kind, arguments.count) {
        case (.map, 2): comprehension.transform = arguments[1]
        case (.map, _):
            comprehension.predicate = arguments[1]
            comprehension.transform = arguments[2]
        default: comprehension.predicate = arguments[1]
        }
        return try make(.comprehension(comprehension), span)
    }

    /// `ExprList = Expr {"," Expr} ;` up to and including the closing token; list literals
    /// may end with a comma.
    private mutating func expressionList(closing: Token.Kind, context: String, trailingComma: Bool = false) throws(ParserError) -> [Expr] {
        var elements: [Expr] = []
        if match(closing) != nil { return elements }
        while true {
            elements.append(try expression())
            if match(closing) != nil { return elements }
            try expect(.comma, "or \(closing.spelling) \(context)")
            if trailingComma, match(closing) != nil { return elements }
        }
    }

    /// `MapInits = Expr ":" Expr {"," Expr ":" Expr} ;` up to and including `}`.
    private mutating func mapInitializers() throws(ParserError) -> [MapEntry] {
        var entries: [MapEntry] = []
        if match(.rightBrace) != nil { return entries }
        while true {
            let key = try expression()
            try expect(.colon, "between a map key and its value")
            let value = try expression()
            entries.append(MapEntry(key: key, value: value))
            if match(.rightBrace) != nil { return entries }
            try expect(.comma, "or '}' to close the map")
            if match(.rightBrace) != nil { return entries }
        }
    }

    /// `FieldInits = IDENT ":" Expr {"," IDENT ":" Expr} ;` up to and including `}`.
    private mutating func fieldInitializers() throws(ParserError) -> [FieldInitializer] {
        var fields: [FieldInitializer] = []
        if match(.rightBrace) != nil { return fields }
        while true {
            guard case .identifier(let name) = peek.kind else { throw unexpected(expecting: "a field name") }
            advance()
            try expect(.colon, "after the field name")
            fields.append(FieldInitializer(field: name, value: try expression()))
            if match(.rightBrace) != nil { return fields }
            try expect(.comma, "or '}' to close the message")
            if match(.rightBrace) != nil { return fields }
        }
    }

    /// `a.b.c` for an identifier followed by field selections, otherwise nil.
    static func qualifiedName(_ expr: Expr) -> String? {
        var fields: [String] = []
        var current = expr
        while true {
            switch current.kind {
            case .identifier(let name, _):
                fields.append(name)
                return fields.reversed().joined(separator: ".")
            case .select(let operand, let field):
                fields.append(field)
                current = operand
            default:
                return nil
            }
        }
    }
}
