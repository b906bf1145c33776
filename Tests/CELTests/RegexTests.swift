@testable import CEL
import XCTest

final class RegexTests: XCTestCase {
    func matches(_ text: String, _ pattern: String, file: StaticString = #filePath, line: UInt = #line) -> Bool? {
        do throws(RegexError) {
            return try RegexProgram(pattern).search(Array(text.unicodeScalars))
        } catch {
            XCTFail("/\(pattern)/: \(error.message)", file: file, line: line)
            return nil
        }
    }

    func rejection(_ pattern: String, file: StaticString = #filePath, line: UInt = #line) -> String? {
        do throws(RegexError) {
            _ = try RegexProgram(pattern)
            XCTFail("/\(pattern)/ compiled", file: file, line: line)
            return nil
        } catch {
            return error.message
        }
    }

    func testMatchesIsAnUnanchoredSearch() {
        XCTAssertEqual(matches("hubba", "ubb"), true)
        XCTAssertEqual(matches("hubba", "^ubb"), false)
        XCTAssertEqual(matches("hubba", "ba$"), true)
        XCTAssertEqual(matches("", ""), true)
        XCTAssertEqual(matches("abc", ""), true)
        XCTAssertEqual(matches("", "a"), false)
        XCTAssertEqual(matches("ab\n", "b$"), false, "without (?m), $ is the end of the text only, as in RE2")
        XCTAssertEqual(matches("ab\ncd", "(?m)b$"), true)
        XCTAssertEqual(matches("ab\ncd", "(?m)^c"), true)
        XCTAssertEqual(matches("ab\ncd", "^c"), false)
        XCTAssertEqual(matches("abc", "\\Aabc\\z"), true)
    }

    func testSyntax() {
        XCTAssertEqual(matches("grey", "gr(a|e)y"), true)
        XCTAssertEqual(matches("gray", "gr(?:e|o)y"), false)
        XCTAssertEqual(matches("banana", "^ba(na)*$"), true)
        XCTAssertEqual(matches("aaa", "^a{3}$"), true)
        XCTAssertEqual(matches("aaaa", "^a{3}$"), false)
        XCTAssertEqual(matches("aaaa", "^a{2,}$"), true)
        XCTAssertEqual(matches("a", "^a{2,3}$"), false)
        XCTAssertEqual(matches("aaa", "^a{2,3}?$"), true)
        XCTAssertEqual(matches("ab", "^a+?b*?$"), true)
        XCTAssertEqual(matches("a{1", "a{1"), true, "a brace that is no repetition is a literal")
        XCTAssertEqual(matches("x{}", "x{}"), true)
        XCTAssertEqual(matches("v1.2.3", "^v\\d+\\.\\d+\\.\\d+$"), true)
        XCTAssertEqual(matches("v1x2", "^v\\d+\\.\\d"), false)
        XCTAssertEqual(matches("snake_case9", "^\\w+$"), true)
        XCTAssertEqual(matches("a b", "\\S\\s\\S"), true)
        XCTAssertEqual(matches("abc", "\\D\\W"), false)
        XCTAssertEqual(matches("model-7", "^[a-z]+-[0-9]$"), true)
        XCTAssertEqual(matches("Model-7", "^[a-z]+-[0-9]$"), false)
        XCTAssertEqual(matches("x", "^[^abc]$"), true)
        XCTAssertEqual(matches("]", "^[]a]$"), true)
        XCTAssertEqual(matches("-", "^[a-]$"), true)
        XCTAssertEqual(matches("5", "^[\\d.]$"), true)
        XCTAssertEqual(matches("Q", "^[[:upper:]]$"), true)
        XCTAssertEqual(matches("q", "^[[:^upper:]]$"), true)
        XCTAssertEqual(matches("a.b", "a\\.b") , true)
        XCTAssertEqual(matches("a+b", "\\Qa+b\\E"), true)
        XCTAssertEqual(matches("tab\there", "\\t"), true)
        XCTAssertEqual(matches("A", "\\x41\\x{41}?"), true)
        XCTAssertEqual(matches("word", "\\bword\\b"), true)
        XCTAssertEqual(matches("swordfish", "\\bword\\b"), false)
        XCTAssertEqual(matches("swordfish", "\\Bword\\B"), true)
        XCTAssertEqual(matches("a\nb", "a.b"), false)
        XCTAssertEqual(matches("a\nb", "(?s)a.b"), true)
        XCTAssertEqual(matches("2024-05-01", "^(?P<year>\\d{4})-(?<month>\\d\\d)-\\d\\d$"), true)
    }

    func testCaseInsensitivityAndUnicode() {
        XCTAssertEqual(matches("HELLO", "(?i)hello"), true)
        XCTAssertEqual(matches("HELLO", "(?i:h)ELLO"), true)
        XCTAssertEqual(matches("HELLO", "(?i:h)ello"), false)
        XCTAssertEqual(matches("Straße", "(?i)STRASSE"), false, "simple case folding only, as RE2")
        XCTAssertEqual(matches("ΣΊΣΥΦΟΣ", "(?i)σίσυφος"), true)
        XCTAssertEqual(matches("X", "(?i)[a-z]"), true)
        XCTAssertEqual(matches("mañana", "a+ñ+a+"), true)
        XCTAssertEqual(matches("🐱😀😀", "(a|😀){2}"), true)
        XCTAssertEqual(matches("é", "^.$"), true, "a dot is one code point")
        XCTAssertEqual(matches("Ωmega", "^\\p{Lu}\\pL+$"), true)
        XCTAssertEqual(matches("42", "^\\p{Nd}+$"), true)
        XCTAssertEqual(matches("x", "\\PL"), false)
    }

    func testWhatRE2RejectsIsRejected() {
        XCTAssertEqual(rejection("(a)\\1")?.contains("backreferences"), true)
        XCTAssertEqual(rejection("a(?=b)")?.contains("look-ahead"), true)
        XCTAssertEqual(rejection("a(?!b)")?.contains("look-ahead"), true)
        XCTAssertEqual(rejection("(?<=a)b")?.contains("look-behind"), true)
        XCTAssertEqual(rejection("(?<!a)b")?.contains("look-behind"), true)
        XCTAssertEqual(rejection("(?>a)")?.contains("atomic"), true)
        XCTAssertEqual(rejection("a*+")?.contains("possessive"), true)
        XCTAssertNotNil(rejection("a**"))
        XCTAssertNotNil(rejection("*a"))
        XCTAssertNotNil(rejection("a{1001}"))
        XCTAssertNotNil(rejection("a{3,2}"))
        XCTAssertNotNil(rejection("[z-a]"))
        XCTAssertNotNil(rejection("(a"))
        XCTAssertNotNil(rejection("a)"))
        XCTAssertNotNil(rejection("[a"))
        XCTAssertNotNil(rejection("\\y"))
        XCTAssertNotNil(rejection("\\p{Greek}"))
        XCTAssertNotNil(rejection("(?z)a"))
        XCTAssertEqual(rejection("((a{100}){100}){100}")?.contains("too large"), true)
    }

    func testMatchingTimeIsLinear() {
        // Backtracking engines take exponential time on these; the Pike VM does not.
        let text = Array((String(repeating: "a", count: 10_000) + "!").unicodeScalars)
        for pattern in ["(a+)+$", "^(a|a?)+$", "(a|aa)*b", "(.*a){20}$", "^(a?){25}a{25}$"] {
            let start = Date()
            XCTAssertEqual(try RegexProgram(pattern).search(text), false, pattern)
            XCTAssertLessThan(Date().timeIntervalSince(start), 1, pattern)
        }
    }

    func testMatchesFunction() {
        XCTAssertCEL("'v1.2.3'.matches('^v[0-9]+(\\\\.[0-9]+){2}$') && matches('abc', 'b')", true)
        XCTAssertCEL("['a1', 'b', 'c3'].filter(s, s.matches('[0-9]'))", ["a1", "c3"])
        XCTAssertCELError("'a'.matches('(a')", .evaluation, "invalid regular expression \"(a\": missing ')'")
        XCTAssertCELError("'a'.matches('(a)\\\\1')", .evaluation, "backreferences")
        XCTAssertCELError("1.matches('a')", .evaluation, "no matching overload")
    }
}
