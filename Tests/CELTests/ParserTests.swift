@testable import CEL
import XCTest

final class ParserTests: XCTestCase {
    /// The tree as an S-expression, to check precedence and shape.
    func tree(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do throws(CELError) {
            return Self.sexpr(try CELProgram(source).root)
        } catch {
            XCTFail("\(source): \(error)", file: file, line: line)
            return ""
        }
    }

    static func sexpr(_ expr: Expr) -> String {
        switch expr.kind {
        case .literal(let value): return value.description
        case .identifier(let name, let rooted): return (rooted ? "." : "") + name
        case .select(let operand, let field): return "(. \(sexpr(operand)) \(field))"
        case .presenceTest(let operand, let field): return "(has \(sexpr(operand)) \(field))"
        case .index(let operand, let index): return "([] \(sexpr(operand)) \(sexpr(index)))"
        case .call(let function, let target, let arguments):
            return "(\(target.map { sexpr($0) + "." } ?? "")\(function)" + arguments.map { " " + sexpr($0) }.joined() + ")"
        case .unary(let op, let operand): return "(\(op == .not ? "!" : "-") \(sexpr(operand)))"
        case .binary(let op, let left, let right): return "(\(op.symbol) \(sexpr(left)) \(sexpr(right)))"
        case .and(let terms): return "(&&" + terms.map { " " + sexpr($0) }.joined() + ")"
        case .or(let terms): return "(||" + terms.map { " " + sexpr($0) }.joined() + ")"
        case .conditional(let c, let t, let o): return "(? \(sexpr(c)) \(sexpr(t)) \(sexpr(o)))"
        case .list(let elements): return "[" + elements.map { sexpr($0) }.joined(separator: " ") + "]"
        case .map(let entries): return "{" + entries.map { "\(sexpr($0.key)):\(sexpr($0.value))" }.joined(separator: " ") + "}"
        case .message(let name, let fields): return "\(name){" + fields.map { "\($0.field):\(sexpr($0.value))" }.joined(separator: " ") + "}"
        case .comprehension(let c):
            let parts = [c.predicate, c.transform].compactMap { $0 }.map { " " + sexpr($0) }.joined()
            return "(\(c.kind.rawValue) \(sexpr(c.range)) \(c.variable)\(parts))"
        }
    }

    func parseError(_ source: String, limits: CELLimits = .default, file: StaticString = #filePath, line: UInt = #line) -> CELError? {
        do throws(CELError) {
            _ = try CELProgram(source, limits: limits)
            XCTFail("\(source) parsed", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    func testPrecedenceFollowsLangdef() {
        XCTAssertEqual(tree("1 + 2 * 3 - 4 / 5 % 6"), "(- (+ 1 (* 2 3)) (% (/ 4 5) 6))")
        XCTAssertEqual(tree("a || b && c || d"), "(|| a (&& b c) d)")
        XCTAssertEqual(tree("a && b == c + 1"), "(&& a (== b (+ c 1)))")
        XCTAssertEqual(tree("a < b + c in d"), "(in (< a (+ b c)) d)")
        XCTAssertEqual(tree("!a == -b"), "(== (! a) (- b))")
        XCTAssertEqual(tree("a ? b : c ? d : e"), "(? a b (? c d e))")
        XCTAssertEqual(tree("a || b ? c && d : e"), "(? (|| a b) (&& c d) e)")
        XCTAssertEqual(tree("-a.b[0]"), "(- ([] (. a b) 0))")
        XCTAssertEqual(tree("!!x"), "(! (! x))")
        XCTAssertEqual(tree("(1 + 2) * 3"), "(* (+ 1 2) 3)")
    }

    func testMembersCallsAndLiterals() {
        XCTAssertEqual(tree("x.size() + size(x)"), "(+ (x.size) (size x))")
        XCTAssertEqual(tree("a.b.c(1, 2)"), "((. a b).c 1 2)")
        XCTAssertEqual(tree(".a.b"), "(. .a b)")
        XCTAssertEqual(tree("m.`content-type`"), "(. m content-type)")
        XCTAssertEqual(tree("x.if + x.in_"), "(+ (. x if) (. x in_))", "reserved words are fine after a dot")
        XCTAssertEqual(tree("[1, 'a', [],]"), "[1 \"a\" []]")
        XCTAssertEqual(tree("{'a': 1, 2u: [true],}"), "{\"a\":1 2u:[true]}")
        XCTAssertEqual(tree("{}"), "{}")
        XCTAssertEqual(tree("google.protobuf.Int32Value{value: 1}"), "google.protobuf.Int32Value{value:1}")
    }

    func testNegativeLiterals() {
        XCTAssertEqual(tree("-9223372036854775808"), "-9223372036854775808")
        XCTAssertEqual(tree("--1"), "(- -1)")
        XCTAssertEqual(tree("-1.5"), "(- 1.5)")
        XCTAssertEqual(tree("-1.size()"), "(- (1.size))", "the minus applies to the call, not the literal")
        XCTAssertEqual(parseError("9223372036854775808")?.kind, .parse)
        XCTAssertEqual(parseError("-(9223372036854775808)")?.kind, .parse)
        XCTAssertEqual(parseError("-9223372036854775809")?.kind, .parse)
    }

    func testMacrosAreExpanded() {
        XCTAssertEqual(tree("has(a.b.c)"), "(has (. a b) c)")
        XCTAssertEqual(tree("l.all(x, x > 0)"), "(all l x (> x 0))")
        XCTAssertEqual(tree("l.exists_one(x, x)"), "(exists_one l x x)")
        XCTAssertEqual(tree("l.map(x, x * 2)"), "(map l x (* x 2))")
        XCTAssertEqual(tree("l.map(x, x > 0, x * 2)"), "(map l x (> x 0) (* x 2))")
        XCTAssertEqual(tree("l.filter(x, x)"), "(filter l x x)")
        XCTAssertEqual(tree("l.all(x)"), "(l.all x)", "a macro name with other arguments is a plain call")
        XCTAssertEqual(parseError("has(a)")?.message.contains("has()"), true)
        XCTAssertEqual(parseError("has(a.b, c)")?.kind, .parse)
        XCTAssertEqual(parseError("l.all(x.y, true)")?.message.contains("simple name"), true)
    }

    func testErrorsNameWhatWasExpectedAndWhere() throws {
        let missing = try XCTUnwrap(parseError("(1 + 2"))
        XCTAssertEqual(missing.kind, .parse)
        XCTAssertEqual(missing.message, "expected ')' to close the parenthesis, found end of expression")
        XCTAssertEqual([missing.offset, missing.line, missing.column], [6, 1, 7])

        let dangling = try XCTUnwrap(parseError("a &&\n  || b"))
        XCTAssertEqual([dangling.line, dangling.column], [2, 3])
        XCTAssertTrue(dangling.message.contains("expected an expression"), dangling.message)

        XCTAssertEqual(parseError("if")?.message, "'if' is a reserved word and cannot be used as a name")
        XCTAssertEqual(parseError("1 2")?.message, "expected an operator or the end of the expression, found number")
        XCTAssertEqual(parseError("`a`")?.kind, .parse)
        XCTAssertEqual(parseError("a.")?.kind, .parse)
        XCTAssertEqual(parseError("[1, 2")?.kind, .parse)
        XCTAssertEqual(parseError("{1: 2")?.kind, .parse)
        XCTAssertEqual(parseError("f(1,)")?.kind, .parse)
        XCTAssertEqual(parseError("x{a: 1}.y{")?.kind, .parse)
        XCTAssertEqual(parseError("'unterminated")?.column, 1)
        XCTAssertEqual(parseError("")?.message, "expected an expression, found end of expression")
    }

    func testDepthAndLengthLimits() throws {
        let spec = String(repeating: "(", count: 32) + "1" + String(repeating: ")", count: 32)
        XCTAssertNotNil(try? CELProgram(spec), "langdef requires 32 levels")

        let deep = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        let error = try XCTUnwrap(parseError(deep))
        XCTAssertEqual(error.kind, .limit)
        XCTAssertTrue(error.message.contains("limit of 250 levels"), error.message)
        XCTAssertEqual(parseError(deep, limits: CELLimits(maxDepth: 10))?.message.contains("limit of 10 levels"), true)

        let long = try XCTUnwrap(parseError("1 + 1", limits: CELLimits(maxExpressionLength: 4)))
        XCTAssertEqual(long.kind, .limit)
        XCTAssertTrue(long.message.contains("limit of 4"), long.message)

        // Long chains of && and || are one n-ary node, not 1,000 levels.
        let chain = Array(repeating: "x", count: 1000).joined(separator: " && ")
        XCTAssertEqual(try CELProgram(chain).root.height, 2)
        // Long left-associative chains are as deep as they are long.
        XCTAssertEqual(parseError(Array(repeating: "1", count: 300).joined(separator: " + "))?.kind, .limit)
    }

    func testFreeVariables() throws {
        XCTAssertEqual(try CELProgram("a.b.c + d[e] > int(f) && l.all(x, x > g) && type(h) == string").freeVariables,
                       ["a", "d", "e", "f", "l", "g", "h"])
        XCTAssertEqual(try CELProgram("[1].map(x, x).exists(y, y == x)").freeVariables, ["x"],
                       "a comprehension variable is bound only inside its own macro")
    }
}
