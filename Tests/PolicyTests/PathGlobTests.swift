import Policy
import XCTest

final class PathGlobTests: XCTestCase {
    func testGlobs() {
        let yaml = PathGlob("**/*.yaml")
        XCTAssertTrue(yaml.matches("card.yaml"))
        XCTAssertTrue(yaml.matches("models/fraud/card.yaml"))
        XCTAssertFalse(yaml.matches("models/fraud/card.yml"))
        XCTAssertTrue(PathGlob("policies/**").matches("policies/a/b.yaml"))
        XCTAssertTrue(PathGlob("policies/").matches("policies/release-gate.yaml"))
        XCTAssertFalse(PathGlob("policies/*").matches("policies/tests/case.yaml"))
        XCTAssertTrue(PathGlob("runs/*/run-?.yaml").matches("runs/x/run-1.yaml"))
        XCTAssertFalse(PathGlob("runs/*.yaml").matches("runs/x/run-1.yaml"))
        XCTAssertTrue(PathGlob("./.tollgate.yaml").matches(".tollgate.yaml"))
        // `**/x` looks at the last segment only.
        XCTAssertTrue(yaml.matches("a//b/.yaml"))
        XCTAssertTrue(yaml.matches("a/b/c.yaml/"))
        XCTAssertFalse(yaml.matches("a/b.yaml/c"))
        XCTAssertFalse(yaml.matches(""))
        XCTAssertTrue(PathGlob("**/run-?.yaml").matches("runs/x/run-1.yaml"))
        XCTAssertFalse(PathGlob("**/run-?.yaml").matches("runs/x/run-10.yaml"))
        XCTAssertTrue(PathGlob("**/**").matches("a/b"))
    }

    /// `?` is one character, whatever its bytes: "\r\n" is one, "é" written as e + accent is one.
    func testQuestionMarkIsOneCharacterOutsideASCII() {
        XCTAssertTrue(Glob.matches("a?b", "a\r\nb"))
        XCTAssertTrue(Glob.matches("r?n", "r\u{e9}n"))
        XCTAssertTrue(Glob.matches("r?n", "re\u{301}n"))
        XCTAssertFalse(Glob.matches("r??n", "re\u{301}n"))
        XCTAssertTrue(Glob.matches("*.yaml", "mod\u{e8}le.yaml"))
    }

    /// The byte-level match of ASCII text agrees with matching characters, on seeded random
    /// patterns and names over a small alphabet (so that matches are frequent).
    func testTheASCIIMatchAgreesWithCharacterMatching() {
        func reference(_ pattern: String, _ text: String) -> Bool {
            let p = Array(pattern), t = Array(text)
            func match(_ i: Int, _ j: Int) -> Bool {
                if i == p.count { return j == t.count }
                if p[i] == "*" { return (j...t.count).contains { match(i + 1, $0) } }
                guard j < t.count, p[i] == "?" || p[i] == t[j] else { return false }
                return match(i + 1, j + 1)
            }
            return match(0, 0)
        }
        var state: UInt64 = 0x9e3779b97f4a7c15
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        let patternAlphabet = Array("ab.*?-")
        let textAlphabet = Array("ab.-\n")
        var matched = 0
        for _ in 0..<20_000 {
            let pattern = String((0..<next(7)).map { _ in patternAlphabet[next(patternAlphabet.count)] })
            let text = String((0..<next(8)).map { _ in textAlphabet[next(textAlphabet.count)] })
            let expected = reference(pattern, text)
            if expected { matched += 1 }
            XCTAssertEqual(Glob.matches(pattern, text), expected, "\(pattern) vs \(text.debugDescription)")
        }
        XCTAssertGreaterThan(matched, 1000, "the sample has matches")
    }

    /// `**/*.yaml` compares the last segment's bytes in place (every path of the index asks it);
    /// it agrees with matching the last segment's characters on seeded random paths, with
    /// non-ASCII names, carriage returns, empty segments and trailing slashes.
    func testTheSuffixShortcutAgreesWithMatchingTheLastSegment() {
        func reference(_ glob: String, _ path: String) -> Bool {
            let last = path.split(separator: "/", omittingEmptySubsequences: true).last ?? ""
            return !last.isEmpty && Glob.matches(glob[...], last)
        }
        var state: UInt64 = 0x2545f4914f6cdd1d
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        let alphabet = ["a", "y", "m", "l", ".", "/", "\r", "\r\n", "\u{301}", "\u{600}", "é", "-", ".yaml", ".yml", "/"]
        var matched = 0
        for pattern in ["*.yaml", "*.yml", "*", "*l", "*.y"] {
            let glob = PathGlob("**/" + pattern)
            for _ in 0..<4_000 {
                let path = (0..<next(9)).map { _ in alphabet[next(alphabet.count)] }.joined()
                let expected = reference(pattern, path)
                if expected { matched += 1 }
                XCTAssertEqual(glob.matches(path), expected, "\(pattern) vs \(path.debugDescription)")
            }
        }
        XCTAssertGreaterThan(matched, 2_000, "the sample has matches")
    }
}
