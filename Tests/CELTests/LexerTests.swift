@testable import CEL
import XCTest

final class LexerTests: XCTestCase {
    func kinds(_ source: String) throws -> [Token.Kind] {
        try Lexer.tokenize(source).map(\.kind).dropLast()
    }

    func lexError(_ source: String) -> LexerError? {
        do throws(LexerError) {
            _ = try Lexer.tokenize(source)
            XCTFail("\(source) lexed without error")
            return nil
        } catch {
            return error
        }
    }

    func testTokensCarryOffsetLineAndColumnInCodePoints() throws {
        let tokens = try Lexer.tokenize("'é' + x\r\n  && 'ü'\n// note\ny")
        let positions = tokens.map { [$0.position.offset, $0.position.line, $0.position.column] }
        XCTAssertEqual(positions, [
            [0, 1, 1],  // 'é': é is two UTF-8 bytes but one column
            [5, 1, 5],  // +
            [7, 1, 7],  // x
            [12, 2, 3],  // && after CRLF
            [15, 2, 6],  // 'ü'
            [28, 4, 1],  // y after the comment line
            [29, 4, 2],  // end
        ])
        XCTAssertEqual(tokens[0].kind, .string("é"))
        XCTAssertEqual(tokens[0].end, 4)
    }

    func testNumbers() throws {
        XCTAssertEqual(try kinds("0 42 0x1F 0XffU 7u 1.5 .5 1e3 2.5E-2 1e+1"), [
            .int(0), .int(42), .int(31), .uint(255), .uint(7), .double(1.5), .double(0.5),
            .double(1000), .double(0.025), .double(10),
        ])
        XCTAssertEqual(try kinds("18446744073709551615u"), [.uint(.max)])
        XCTAssertEqual(try kinds("9223372036854775808"), [.int(9_223_372_036_854_775_808)], "magnitude; the parser checks the sign")
        XCTAssertNotNil(lexError("18446744073709551616"))
        XCTAssertNotNil(lexError("1e"))
        XCTAssertNotNil(lexError("0x"))
        XCTAssertNotNil(lexError("12abc"))
    }

    func testStringEscapes() throws {
        XCTAssertEqual(try kinds(#"'\a\b\f\n\r\t\v\\\'\"\`\?'"#), [.string("\u{07}\u{08}\u{0C}\n\r\t\u{0B}\\'\"`?")])
        XCTAssertEqual(try kinds(#""\x41\X42\u00e9\U0001F431\101\377""#), [.string("ABé🐱Aÿ")])
        XCTAssertEqual(try kinds(#""\uD83D\uDE00""#), [.string("😀")], "a surrogate pair names one code point")
        XCTAssertNotNil(lexError(#""\uD83D""#))
        XCTAssertNotNil(lexError(#""\q""#))
        XCTAssertNotNil(lexError(#""\400""#))
        XCTAssertNotNil(lexError(#""\x4""#))
        XCTAssertNotNil(lexError(#""\U00110000""#))
    }

    func testBytesEscapesAreOctets() throws {
        XCTAssertEqual(try kinds(#"b'\xff\377\000é'"#), [.bytes([0xFF, 0xFF, 0x00, 0xC3, 0xA9])])
        XCTAssertEqual(try kinds(#"B"abc""#), [.bytes([97, 98, 99])])
        XCTAssertNotNil(lexError(#"b'\u00e9'"#), "\\u is for strings only")
    }

    func testRawAndTripleQuotedStrings() throws {
        XCTAssertEqual(try kinds(#"r'\d+\n' R"\x""#), [.string(#"\d+\n"#), .string(#"\x"#)])
        XCTAssertEqual(try kinds("'''a\n'b'\n'''"), [.string("a\n'b'\n")])
        XCTAssertEqual(try kinds(#""""x""y""""#), [.string(#"x""y"#)])
        XCTAssertEqual(try kinds(#"br'\x' rb"\n" Rb'''\'''"#), [.bytes(Array(#"\x"#.utf8)), .bytes(Array(#"\n"#.utf8)), .bytes(Array(#"\"#.utf8))])
        XCTAssertNotNil(lexError("'a\nb'"), "single-quoted strings end at the line")
        XCTAssertNotNil(lexError("'abc"))
        XCTAssertNotNil(lexError("'''abc''"))
    }

    func testIdentifiersKeywordsAndOperators() throws {
        XCTAssertEqual(try kinds("in true false null if _x1 `a-b.c`"), [
            .in, .true, .false, .null, .identifier("if"), .identifier("_x1"), .quotedIdentifier("a-b.c"),
        ])
        XCTAssertEqual(try kinds("==!=<<=>>=&&||!+-*/%?:.,[](){}"), [
            .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .and, .or, .not, .plus, .minus,
            .star, .slash, .percent, .question, .colon, .dot, .comma, .leftBracket, .rightBracket,
            .leftParen, .rightParen, .leftBrace, .rightBrace,
        ])
        XCTAssertEqual(lexError("a = b")?.message.contains("=="), true)
        XCTAssertEqual(lexError("a & b")?.message.contains("&&"), true)
        XCTAssertEqual(lexError("a # b")?.position.column, 3)
    }
}
